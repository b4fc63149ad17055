import {
  checkOptions,
  enableGrad,
  noGrad,
  sideEffect,
  Tensor,
  type TypedArray,
  ValueError,
  writeInPlace,
  zerosLike,
} from '@ad/core';
import { type AnySpec, checkOptionValues, type OptimizerSpec } from './rules';

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
  readonly defaults: O;
  private readonly spec: AnySpec;

  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<O>[],
    defaults: O,
    opts: Partial<O>,
    spec: OptimizerSpec<O>,
  ) {
    const op = new.target.name;
    if (!Array.isArray(params))
      throw new ValueError(op, 'params must be an array of tensors or of parameter groups');
    this.spec = spec as AnySpec;
    checkOptionValues(
      op,
      checkOptions(op, opts, Object.keys(spec.rules)) as Record<string, unknown>,
      spec,
      false,
    );
    this.defaults = { ...defaults, ...opts };
    checkOptionValues(op, this.defaults as Record<string, unknown>, spec, true);
    if (!Array.isArray(params))
      throw new ValueError(op, 'params must be an array of tensors or of parameter groups');
    const isGroup = (g: unknown) =>
      typeof g === 'object' && g !== null && !(g instanceof Tensor) && 'params' in g;
    const specs = (
      params.length > 0 && !isGroup(params[0]) ? [{ params }] : params
    ) as ParamGroupSpec<O>[];
    if (specs.length === 0) throw new ValueError(op, 'got an empty parameter list');
    this.paramGroups = specs.map((g, i) => {
      if (typeof g !== 'object' || g === null || !Array.isArray(g.params))
        throw new ValueError(op, `parameter group ${i} has no params array`);
      for (const p of g.params) {
        if (!(p instanceof Tensor))
          throw new ValueError(
            op,
            `can only optimize Tensors, group ${i} holds ${p === null ? 'null' : typeof p}`,
          );
        if (!p.isLeaf)
          throw new ValueError(op, `cannot optimize a non-leaf tensor of shape [${p.shape}]`);
        if (p.dtype !== 'float32' && p.dtype !== 'float64')
          throw new ValueError(op, `can only optimize floating tensors, got ${p.dtype}`);
      }
      const group = { ...this.defaults, ...g, params: [...g.params] };
      checkOptionValues(op, group as Record<string, unknown>, spec, true);
      return group;
    });
    const seen = new Set<Tensor>();
    for (const p of this.paramGroups.flatMap((g) => g.params)) {
      if (seen.has(p)) throw new ValueError(op, 'a parameter appears in more than one group');
      seen.add(p);
    }
  }

  /** Clears the gradients of all parameters (to null, like PyTorch's default). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /**
   * Updates every parameter that has a gradient. Inside `ad.compile` it is a side effect:
   * every replay runs it again, reading the learning rate and state as they are then. A
   * `closure` (which zeroes the gradients, computes the loss and calls backward) runs first,
   * with gradients on, and its loss is returned, as in PyTorch.
   */
  step(closure?: () => Tensor | number): Tensor | number | undefined {
    let loss: Tensor | number | undefined;
    if (closure !== undefined) {
      if (typeof closure !== 'function')
        throw new ValueError(`${this.constructor.name}.step`, 'closure must be a function');
      loss = enableGrad(closure);
    }
    sideEffect(`${this.constructor.name}.step`, () => this.update_());
    return loss;
  }

  private update_(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let s = this.state.get(p);
          if (s === undefined) this.state.set(p, (s = {}));
          const g = p.grad.dtype === p.dtype ? p.grad : p.grad.cast(p.dtype);
          const grad = g.data;
          writeInPlace(p, (data) => this.update(data, grad, group, s, p));
        }
      }
    });
  }

  /** One parameter's update, in place on `p`, from its gradient `g`. */
  protected abstract update(
    p: TypedArray,
    g: TypedArray,
    group: ParamGroup<O>,
    state: ParamState,
    param: Tensor,
  ): void;

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
      for (const [k, v] of Object.entries(s))
        copy[k] = typeof v === 'number' ? v : v.detach().clone();
      this.state.set(all[Number(i)], copy);
    }
    sd.paramGroups.forEach((g, i) => {
      const { params: _params, ...options } = g;
      Object.assign(this.paramGroups[i], options);
    });
  }

  /**
   * Throws what `loadStateDict` would throw, changing nothing: the groups must match this
   * optimizer's in number and size with valid options, and the state must hold exactly the
   * buffers and counters this optimizer keeps, shaped like its parameters.
   */
  checkStateDict(sd: OptimizerState<O>): void {
    const op = `${this.constructor.name}.loadStateDict`;
    const fail = (why: string): never => {
      throw new ValueError(op, why);
    };
    if (
      typeof sd !== 'object' ||
      sd === null ||
      !Array.isArray(sd.paramGroups) ||
      typeof sd.state !== 'object' ||
      sd.state === null
    ) {
      fail('not an optimizer state ({ state, paramGroups })');
    }
    const sizes = this.paramGroups.map((g) => g.params.length);
    if (sd.paramGroups.length !== sizes.length)
      fail(`${sd.paramGroups.length} parameter groups, this optimizer has ${sizes.length}`);
    sd.paramGroups.forEach((g, i) => {
      if (
        typeof g !== 'object' ||
        g === null ||
        !Array.isArray(g.params) ||
        g.params.length !== sizes[i]
      ) {
        fail(`parameter group ${i} should list ${sizes[i]} parameters`);
      }
      checkOptionValues(op, g as unknown as Record<string, unknown>, this.spec, true);
    });
    const all = this.paramGroups.flatMap((g) => g.params);
    for (const [i, s] of Object.entries(sd.state)) {
      const p = /^\d+$/.test(i) ? all[Number(i)] : undefined;
      if (p === undefined) fail(`state for parameter ${i}, but there are ${all.length}`);
      if (typeof s !== 'object' || s === null) fail(`the state of parameter ${i} is not an object`);
      for (const [k, v] of Object.entries(s)) this.checkStateValue(fail, i, k, v, p as Tensor);
    }
  }

  private checkStateValue(
    fail: (why: string) => never,
    i: string,
    k: string,
    v: unknown,
    p: Tensor,
  ): void {
    const kind = Object.hasOwn(this.spec.state, k) ? this.spec.state[k] : undefined;
    if (kind === undefined)
      fail(
        `state '${k}' of parameter ${i} is not one that ${this.constructor.name} keeps (${Object.keys(this.spec.state).join(', ')})`,
      );
    if (kind === 'tensor') {
      if (!(v instanceof Tensor) || v.shape.join() !== p.shape.join() || v.dtype !== p.dtype)
        fail(`state '${k}' of parameter ${i} should be ${p.dtype} [${p.shape}]`);
    } else if (kind === 'flat') {
      if (!(v instanceof Tensor) || v.dtype !== p.dtype)
        fail(`state '${k}' of parameter ${i} should be a ${p.dtype} tensor`);
    } else if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (kind === 'count' && !(Number.isInteger(v) && v >= 0))
    ) {
      fail(
        `state '${k}' of parameter ${i} should be ${kind === 'count' ? 'an integer ≥ 0' : 'a finite number'}, got ${JSON.stringify(v) ?? String(v)}`,
      );
    }
  }
}

/** PyTorch's `lerp`: a + w·(b − a), computed from the nearer end for accuracy. */
export function lerp(a: number, b: number, w: number): number {
  return w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}
