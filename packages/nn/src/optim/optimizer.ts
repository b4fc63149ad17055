import { noGrad, Tensor, type TypedArray, ValueError, zerosLike } from '@ad/core';

/** Per-parameter state: buffers (tensors shaped like the parameter) and counters. */
export type ParamState = Record<string, Tensor | number>;

/** A group of parameters sharing options; any option left out takes the optimizer's default. */
export type ParamGroupSpec<O> = { params: Tensor[] } & Partial<O>;

/** A resolved group: its parameters and every option. */
export type ParamGroup<O> = { params: Tensor[] } & O;

/** What `stateDict` returns: state by parameter index, and the groups with indices for params. */
export interface OptimizerState<O> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[] })[];
}

/**
 * Base of the optimizers: parameter groups with their options, per-parameter state, and
 * `step()`, which applies `update` to each parameter that has a gradient, outside the tape.
 */
export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: readonly Tensor[] | readonly ParamGroupSpec<O>[], readonly defaults: O) {
    const specs = (params.length > 0 && !('params' in params[0]) ? [{ params }] : params) as ParamGroupSpec<O>[];
    if (specs.length === 0) throw new ValueError(this.constructor.name, 'got an empty parameter list');
    this.paramGroups = specs.map((g) => ({ ...defaults, ...g, params: [...g.params] }));
    const seen = new Set<Tensor>();
    for (const p of this.paramGroups.flatMap((g) => g.params)) {
      if (seen.has(p)) throw new ValueError(this.constructor.name, 'a parameter appears in more than one group');
      seen.add(p);
    }
  }

  /** Clears the gradients of all parameters (to null, like PyTorch's default). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** Updates every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let s = this.state.get(p);
          if (s === undefined) this.state.set(p, (s = {}));
          const g = p.grad.dtype === p.dtype ? p.grad : p.grad.cast(p.dtype);
          this.update(p.data, g.data, group, s, p);
          p.version++;
        }
      }
    });
  }

  /** One parameter's update, in place on `p`, from its gradient `g`. */
  protected abstract update(p: TypedArray, g: TypedArray, group: ParamGroup<O>, state: ParamState, param: Tensor): void;

  /** A zero buffer shaped like `param`, created on first use. */
  protected buffer(state: ParamState, key: string, param: Tensor, fill = 0): TypedArray {
    let t = state[key] as Tensor | undefined;
    if (t === undefined) {
      t = zerosLike(param);
      if (fill !== 0) t.data.fill(fill);
      state[key] = t;
    }
    return t.data;
  }

  /** The state and options, with parameters replaced by their index (as PyTorch's `state_dict`). */
  stateDict(): OptimizerState<O> {
    const all = this.paramGroups.flatMap((g) => g.params);
    const state: Record<number, ParamState> = {};
    all.forEach((p, i) => {
      const s = this.state.get(p);
      if (s) state[i] = { ...s };
    });
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => ({ ...g, params: g.params.map(() => next++) }));
    return { state, paramGroups };
  }

  /** Restores what `stateDict` returned; the groups must have the same sizes. */
  loadStateDict(sd: OptimizerState<O>): void {
    this.checkStateDict(sd);
    const all = this.paramGroups.flatMap((g) => g.params);
    this.state.clear();
    for (const [i, s] of Object.entries(sd.state)) {
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = typeof v === 'number' ? v : v.detach();
      this.state.set(all[Number(i)], copy);
    }
    sd.paramGroups.forEach((g, i) => {
      const { params: _params, ...options } = g;
      Object.assign(this.paramGroups[i], options);
    });
  }

  /** Throws what `loadStateDict` would throw, changing nothing. */
  checkStateDict(sd: OptimizerState<O>): void {
    const fail = (why: string): never => {
      throw new ValueError('loadStateDict', why);
    };
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object' || sd.state === null) fail('not an optimizer state');
    const sizes = this.paramGroups.map((g) => g.params.length).join();
    if (sd.paramGroups.map((g) => g.params?.length).join() !== sizes) {
      fail(`parameter groups of sizes [${sd.paramGroups.map((g) => g.params?.length)}] do not match [${sizes}]`);
    }
    const all = this.paramGroups.flatMap((g) => g.params);
    for (const [i, s] of Object.entries(sd.state)) {
      const p = all[Number(i)];
      if (p === undefined) fail(`state for parameter ${i}, but there are ${all.length}`);
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') continue;
        if (!(v instanceof Tensor) || v.shape.join() !== p.shape.join() || v.dtype !== p.dtype) {
          fail(`state '${k}' of parameter ${i} should be ${p.dtype} [${p.shape}]`);
        }
      }
    }
  }
}

/** PyTorch's `lerp`: a + w·(b − a), computed from the nearer end for accuracy. */
export function lerp(a: number, b: number, w: number): number {
  return w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}
