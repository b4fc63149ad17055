import {
  checkBool,
  checkOptions,
  dependsOn,
  formatShape as fmt,
  noGrad,
  sideEffect,
  Tensor,
  ValueError,
  writeInPlace,
} from '@ad/core';
import { Parameter } from './parameter';

// modules running forward: only the outermost one tells a recording it depends on it
let depth = 0;

/**
 * Set by an exporter while it traces a forward: sees every module's forward call, and runs it
 * (`run`) or stands in for it.
 */
export const moduleCalls: {
  hook: ((m: Module, inputs: unknown[], run: () => unknown) => unknown) | null;
} = { hook: null };

/**
 * Base class of layers and models. Parameters (`Parameter` properties), child modules
 * (`Module` properties, or arrays of them) and buffers (`registerBuffer`) are found from
 * the object's own properties, so `this.fc = new Linear(2, 3)` is all it takes.
 */
export abstract class Module {
  /** Training mode (dropout active, batch norm updating its running stats). */
  training = true;
  /** Registered buffers: state-dict key → property name. */
  private bufferNames = new Map<string, string>();

  /**
   * The computation this module performs, recorded onto the tape like any other ops. Most
   * layers map a tensor to a tensor; recurrent and attention layers take options and return
   * tuples, as in PyTorch, so the base signature is open.
   */
  abstract forward(...inputs: unknown[]): unknown;

  constructor() {
    // a compiled function that calls this forward depends on the module's parameters and
    // training flags (ad.dependsOn): a replaced parameter or eval() records it again
    const forward = this.forward;
    Object.defineProperty(this, 'forward', {
      value: (...inputs: unknown[]): unknown => {
        const hook = moduleCalls.hook;
        if (hook !== null) return hook(this, inputs, () => forward.apply(this, inputs));
        if (depth === 0) dependsOn(this);
        depth++;
        try {
          return forward.apply(this, inputs);
        } finally {
          depth--;
        }
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  /**
   * Keeps a non-trainable tensor (running statistics…) as property `name`, in the state dict
   * under `opts.key` (default `name`): PyTorch's key where it differs (`running_mean`).
   */
  registerBuffer(name: string, value: Tensor, opts: { key?: string } = {}): Tensor {
    const { key = name } = checkOptions('registerBuffer', opts, ['key']);
    if (typeof name !== 'string' || typeof key !== 'string')
      throw new ValueError('registerBuffer', 'name and key must be strings');
    if (!(value instanceof Tensor))
      throw new ValueError('registerBuffer', `buffer '${name}' must be a Tensor`);
    this.bufferNames.set(key, name);
    (this as unknown as Record<string, Tensor>)[name] = value;
    return value;
  }

  /** Direct children with their names (array elements are named `key.i`). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([key, v]);
      else if (Array.isArray(v))
        v.forEach((m, i) => m instanceof Module && out.push([`${key}.${i}`, m]));
    }
    return out;
  }

  /** The direct submodules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and all below it, with dotted names ('' for this one); a module reached
   * twice (shared by two parents) is listed once, under its first name, as in PyTorch.
   */
  namedModules(prefix = ''): [string, Module][] {
    if (typeof prefix !== 'string') throw new ValueError('namedModules', 'prefix must be a string');
    const seen = new Set<Module>();
    return everyPath(this, prefix).filter(([, m]) => !seen.has(m) && Boolean(seen.add(m)));
  }

  /** This module and every module below it. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Every parameter with its dotted name, e.g. `layers.0.weight`. A parameter held twice
   * (tied weights) is listed once, under its first name, so an optimizer steps it once.
   */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    return ownParameters(everyPath(this, '')).filter(
      ([, p]) => !seen.has(p) && Boolean(seen.add(p)),
    );
  }

  /** Every parameter here and below, in registration order (what an optimizer takes). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every registered buffer (non-trained state such as running means) with its dotted name. */
  namedBuffers(): [string, Tensor][] {
    return Module.buffersOf(this.namedModules());
  }

  /** The buffers of these modules with their dotted names. */
  private static buffersOf(modules: [string, Module][]): [string, Tensor][] {
    return modules.flatMap(([prefix, m]) =>
      [...m.bufferNames].map(
        ([key, name]) =>
          [join(prefix, key), (m as unknown as Record<string, Tensor>)[name]] as [string, Tensor],
      ),
    );
  }

  /**
   * `state` with buffer keys of older checkpoints of ours (the property names: `runningMean`)
   * renamed to the keys buffers have now (PyTorch's: `running_mean`).
   */
  private migrated(state: Readonly<Record<string, Tensor>>): Readonly<Record<string, Tensor>> {
    if (typeof state !== 'object' || state === null)
      throw new ValueError('loadStateDict', `expected a state dict object, got ${String(state)}`);
    const renames = new Map(
      this.namedModules().flatMap(([prefix, m]) =>
        [...m.bufferNames]
          .filter(([key, name]) => key !== name)
          .map(([key, name]) => [join(prefix, name), join(prefix, key)] as const),
      ),
    );
    if (![...renames.keys()].some((old) => Object.hasOwn(state, old))) return state;
    return Object.fromEntries(Object.entries(state).map(([k, t]) => [renames.get(k) ?? k, t]));
  }

  /** Sets training mode here and below. */
  train(mode = true): this {
    checkBool('train', 'mode', mode);
    sideEffect('train', () => {
      for (const m of this.modules()) m.training = mode;
    });
    return this;
  }

  /**
   * What a compiled function that uses this module depends on (see `ad.compile`): every
   * module's training flag, and the parameters and buffers themselves (a replaced one records again).
   */
  compileState(): unknown[] {
    // its own state and children only: the walk that calls this goes into each child once
    const out: unknown[] = [this.training];
    const self = this as unknown as Record<string, unknown>;
    for (const key in self) {
      const v = self[key];
      if (v instanceof Parameter || v instanceof Module) out.push(v);
      else if (Array.isArray(v))
        for (const c of v) if (c instanceof Parameter || c instanceof Module) out.push(c);
    }
    for (const name of this.bufferNames.values()) out.push(self[name]);
    return out;
  }

  /** Sets evaluation mode here and below. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Calls `fn` on every module, children first and this one last (PyTorch's `apply`). */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new ValueError('apply', 'expected a function of a module');
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    // every name, tied ones too, as PyTorch's state_dict has them
    const paths = everyPath(this, '');
    return Object.fromEntries([...ownParameters(paths), ...Module.buffersOf(paths)]);
  }

  /**
   * Copies values in from `state`. Missing or unexpected keys (with `strict`, the default)
   * and shape or dtype mismatches throw before anything is copied.
   */
  loadStateDict(state: Readonly<Record<string, Tensor>>, opts: { strict?: boolean } = {}): void {
    this.checkStateDict(state, opts);
    state = this.migrated(state);
    const own = this.stateDict();
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) {
        if (!Object.hasOwn(state, k)) continue;
        const values = state[k].data;
        writeInPlace(t, (data) => data.set(values));
      }
    });
  }

  /** Throws what `loadStateDict` would throw, changing nothing. */
  checkStateDict(state: Readonly<Record<string, Tensor>>, opts: { strict?: boolean } = {}): void {
    const { strict = true } = checkOptions('loadStateDict', opts, ['strict']);
    checkBool('loadStateDict', 'strict', strict);
    if (typeof state !== 'object' || state === null || Array.isArray(state))
      throw new ValueError('loadStateDict', 'expected a state dict: an object of tensors by name');
    state = this.migrated(state);
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !Object.hasOwn(state, k));
    const unexpected = Object.keys(state).filter((k) => !Object.hasOwn(own, k));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new ValueError(
        'loadStateDict',
        `missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`,
      );
    }
    for (const [k, t] of Object.entries(own)) {
      const v = Object.hasOwn(state, k) ? state[k] : undefined;
      if (v === undefined) continue;
      if (!(v instanceof Tensor)) throw new ValueError('loadStateDict', `${k} is not a Tensor`);
      if (v.shape.join() !== t.shape.join() || v.dtype !== t.dtype) {
        throw new ValueError(
          'loadStateDict',
          `${k}: expected ${t.dtype} ${fmt(t.shape)}, got ${v.dtype} ${fmt(v.shape)}`,
        );
      }
    }
  }

  /** The constructor arguments shown in `toString`, e.g. `inFeatures=2, outFeatures=3`. */
  extraRepr(): string {
    return '';
  }

  /** A tree of the modules, as PyTorch prints them. */
  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const body = kids.map(([k, m]) => `  (${k}): ${String(m).split('\n').join('\n  ')}`);
    return `${head}\n${body.join('\n')}\n)`;
  }

  /** What `console.log(model)` prints in Node: the module tree, as PyTorch prints it. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** The tree and the parameter counts. */
  summary(): string {
    const params = this.parameters();
    const total = params.reduce((n, p) => n + p.size, 0);
    const trainable = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
    return `${this.toString()}\nParameters: ${total.toLocaleString('en-US')} (trainable ${trainable.toLocaleString('en-US')})`;
  }
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Every module below `m` with its dotted name, a shared module under each of its names. */
function everyPath(m: Module, prefix: string): [string, Module][] {
  return [[prefix, m], ...m.namedChildren().flatMap(([k, c]) => everyPath(c, join(prefix, k)))];
}

function ownParameters(modules: [string, Module][]): [string, Parameter][] {
  return modules.flatMap(([prefix, m]) =>
    Object.entries(m)
      .filter(([, v]) => v instanceof Parameter)
      .map(([k, v]): [string, Parameter] => [join(prefix, k), v as Parameter]),
  );
}

/**
 * Runs `module.forward(...inputs)` with the tensors in `params` standing in for the
 * parameters of those names (PyTorch's `torch.func.functional_call`), then puts the
 * module's own parameters back. Gradients flow to the given tensors.
 */
export function functionalCall<T = Tensor>(
  module: Module,
  params: Readonly<Record<string, Tensor>>,
  ...inputs: unknown[]
): T {
  if (!(module instanceof Module)) throw new ValueError('functionalCall', 'expected a Module');
  if (
    typeof params !== 'object' ||
    params === null ||
    Object.values(params).some((t) => !(t instanceof Tensor))
  ) {
    throw new ValueError('functionalCall', 'params must be an object of tensors by name');
  }
  const owners = new Map(module.namedModules());
  const swapped: [Record<string, unknown>, string, unknown][] = [];
  try {
    for (const [name, t] of Object.entries(params)) {
      const dot = name.lastIndexOf('.');
      const owner = owners.get(dot < 0 ? '' : name.slice(0, dot)) as unknown as
        Record<string, unknown> | undefined;
      const key = name.slice(dot + 1);
      if (!owner || !(owner[key] instanceof Parameter))
        throw new ValueError('functionalCall', `the module has no parameter '${name}'`);
      swapped.push([owner, key, owner[key]]);
      owner[key] = t;
    }
    return module.forward(...inputs) as T;
  } finally {
    for (const [owner, key, original] of swapped.reverse()) owner[key] = original;
  }
}
