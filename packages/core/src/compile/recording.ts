// The recorder: listens while a compiled function runs eagerly the first time and keeps the
// straight-line program it ran — each op the function's code called, in order, with the very
// tensors it passed — and every assumption that program makes about the world.
import type { TypedArray } from '../dtype';
import { isGradEnabled } from '../tape';
import { Tensor } from '../tensor';
import { isPlain, metaChange, metaOf, type TensorMeta } from './guards';
import { type Recorder, trace } from './trace';

type AnyFn = (...args: unknown[]) => unknown;

/** One step of a recorded program. */
export type Step =
  | {
      kind: 'op';
      fn: AnyFn;
      /** The arguments, arrays and object literals copied, tensors the recorded ones. */
      args: unknown[];
      /** The tensors the op returned (flattened), which later steps read. */
      outs: Tensor[];
      /** The op only made views of its inputs: a replay has nothing to do. */
      view: boolean;
      /**
       * Tensors made inside the op (by position among all it made) that later steps read —
       * a pullback's saved intermediates: a replay refreshes them from the op's new ones.
       */
      inner: Map<number, Tensor>;
      /** Grad mode when recorded: a step with `inner` replays in it, so the op takes the same path. */
      grad: boolean;
    }
  | { kind: 'grad'; target: Tensor; value: Tensor | null }
  | { kind: 'effect'; name: string; fn: () => unknown }
  | { kind: 'check'; tensor: Tensor; values: TypedArray };

/** What must hold before a replay starts, besides the arguments and settings. */
export type StartCheck =
  | { kind: 'meta'; tensor: Tensor; meta: TensorMeta; by: string }
  | { kind: 'grad'; tensor: Tensor; grad: Tensor | null }
  | { kind: 'values'; tensor: Tensor; values: TypedArray };

/** The first start check that fails, described; null when all hold. */
export function failedStartCheck(checks: readonly StartCheck[]): string | null {
  for (const c of checks) {
    const t = c.tensor;
    if (c.kind === 'meta') {
      // a tensor's shape and dtype never change: only requiresGrad can
      if (t.requiresGrad === c.meta.requiresGrad) continue;
      const change = metaChange(c.meta, metaOf(t));
      return `a tensor of shape [${c.meta.shape}] used by ${c.by}: ${change}`;
    } else if (c.kind === 'grad') {
      if (t.grad !== c.grad)
        return `.grad of a tensor of shape [${t.shape}] is ${c.grad === null ? 'set' : 'another tensor'} (it was ${c.grad === null ? 'null' : 'the tensor read'} when recorded)`;
    } else if (!sameValues(t.data, c.values)) {
      return `the values of a tensor of shape [${t.shape}], read by the function's code, changed`;
    }
  }
  return null;
}

export function sameValues(a: TypedArray, b: TypedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** One op call being recorded: the steps of the ops it called, and whether it computed anything itself. */
interface Frame {
  steps: Step[];
  /** Made a buffer, wrote one or read values outside the ops it called: it replays as one step. */
  own: boolean;
  /** Every tensor made inside, in order. */
  made: Tensor[];
  /** Wrote a buffer in place. */
  wrote: boolean;
}

type OpStep = Extract<Step, { kind: 'op' }>;

/**
 * Listens while the function runs: every op call opens a frame. An op that computes only
 * through the ops it calls (a composite: softmax of exp, sum and div; matmul of reshapes and
 * a product) leaves their steps in its place; an op that computes anything itself becomes one
 * step, replayed by calling it again. So a replay recomputes every tensor a later step reads.
 */
export class Recording implements Recorder {
  /** Tensors the ops made (their results, and views of them), which a replay recomputes. */
  readonly producedBy = new Set<Tensor>();
  /** Checked before a replay: tensors from outside, gradients and values read. */
  readonly checks: StartCheck[] = [];
  /** Objects whose `compileState()` the function read (modules whose forward it called). */
  readonly objects = new Set<object>();
  /** Why this recording cannot be replayed (the function then always runs eagerly); null if it can. */
  unsupported: string | null = null;
  private readonly root: Frame = { steps: [], own: false, made: [], wrote: false };
  private readonly frames: Frame[] = [this.root];
  /** Side effects so far: a value read back after one cannot be checked before it. */
  private effects = 0;
  private readonly constants = new Set<Tensor>();
  /** Tensors made inside an op that became one step: that step and their position in what it made. */
  private readonly inside = new Map<Tensor, [OpStep, number]>();
  /** Every tensor made inside an op. */
  private readonly local = new Set<Tensor>();
  /** The tensor each buffer made inside an op was made with. */
  private readonly owners = new Map<object, Tensor>();
  private readonly outside = new Map<Tensor, number>(); // tensor → its version when first seen
  private readonly gradsWritten = new Set<Tensor>();

  /** @param args the argument tensors (copies), whose metadata the call's own facts check */
  constructor(private readonly args: ReadonlySet<Tensor>) {}

  get steps(): readonly Step[] {
    return this.root.steps;
  }

  private get atRoot(): boolean {
    return this.frames.length === 1;
  }

  call(fn: AnyFn, args: ArrayLike<unknown>): unknown {
    trace.entering = null;
    const copied = Array.from(args, copyTree);
    const inputs: Tensor[] = [];
    for (const a of copied) tensorsIn(a, inputs);
    const name = fn.name || 'an op';
    quietly(() => inputs.forEach((t) => this.see(t, name)));
    const versions = inputs.map((t) => t.version);
    const frame: Frame = { steps: [], own: false, made: [], wrote: false };
    this.frames.push(frame);
    let result: unknown;
    try {
      trace.entering = fn; // cleared by the next thing the recorder hears
      result = fn(...copied);
    } finally {
      this.frames.pop();
    }
    const parent = this.frames[this.frames.length - 1];
    const outs: Tensor[] = [];
    tensorsIn(result, outs);
    if (!frame.own) {
      // a composite: its ops' steps stand for it; what it returns are their results or views of them
      parent.steps.push(...frame.steps);
      if (!this.atRoot) parent.made.push(...frame.made);
      for (const y of outs)
        if (!this.producedBy.has(y) && !this.outside.has(y)) this.producedBy.add(y);
      return result;
    }
    // computed something itself: one step, and what its inner ops made is gone from the program
    for (const s of frame.steps)
      if (s.kind === 'op') for (const y of s.outs) this.producedBy.delete(y);
    // and what its composites returned (views of those results): a later step that reads one
    // must find it made inside this op, so that the buffer it views is refreshed
    for (const t of frame.made) this.producedBy.delete(t);
    // only views of its inputs, nothing written: a replay has nothing to do
    const view =
      outs.length > 0 &&
      !frame.wrote &&
      outs.every((y) =>
        inputs.some((x, i) => x.storage === y.storage && versions[i] === x.version),
      );
    const grad = isGradEnabled();
    const step: OpStep = {
      kind: 'op',
      fn,
      args: copied,
      outs,
      view,
      inner: new Map(),
      grad,
    };
    parent.steps.push(step);
    frame.made.forEach((t, i) => this.inside.set(t, [step, i]));
    if (!this.atRoot) parent.made.push(...frame.made);
    for (const y of outs) {
      if (this.constants.has(y) && !view)
        this.refuse(`${name} changed in place a tensor made outside the ops`);
      // an op that changed a tensor from outside in place is a side effect of the program
      if (this.outside.has(y)) {
        if (!view && this.atRoot) this.effects++;
      } else this.producedBy.add(y);
    }
    return result;
  }

  made(t: Tensor, fresh: boolean): void {
    trace.entering = null;
    const frame = this.frames[this.frames.length - 1];
    if (this.atRoot) this.constants.add(t);
    else {
      frame.made.push(t);
      this.local.add(t);
      if (fresh) {
        frame.own = true;
        this.owners.set(t.storage, t);
      }
    }
  }

  wrote(): void {
    trace.entering = null;
    for (const f of this.frames) f.wrote = true;
    if (!this.atRoot) this.frames[this.frames.length - 1].own = true;
  }

  read(t: Tensor): void {
    trace.entering = null;
    if (!this.atRoot) {
      this.frames[this.frames.length - 1].own = true;
      return;
    }
    if (!this.constants.has(t)) quietly(() => this.readBack(t));
  }

  private readBack(t: Tensor): void {
    if (this.producedBy.has(t) || (this.outside.has(t) && this.outside.get(t) !== t.version)) {
      // a value the program computed: a replay checks it where it was read
      if (this.effects > 0)
        this.refuse(
          `the values of a tensor of shape [${t.shape}] were read after a side effect ` +
            '(read them in ad.sideEffect, or return the tensor and read it outside)',
        );
      this.root.steps.push({ kind: 'check', tensor: t, values: valuesOf(t) });
      return;
    }
    this.see(t, 'a read');
    this.checks.push({ kind: 'values', tensor: t, values: valuesOf(t) });
  }

  gradRead(t: Tensor, g: Tensor | null): void {
    trace.entering = null;
    if (!this.atRoot || this.gradsWritten.has(t)) return;
    this.gradsWritten.add(t); // the first read fixes what a replay expects there
    if (g !== null) quietly(() => this.see(g, 'a gradient'));
    this.checks.push({ kind: 'grad', tensor: t, grad: g });
  }

  gradSet(t: Tensor, g: Tensor | null): void {
    trace.entering = null;
    if (!this.atRoot) return;
    this.gradsWritten.add(t); // not a side effect: a replay that stops puts gradients back
    this.root.steps.push({ kind: 'grad', target: t, value: g });
  }

  untraced(op: string, inputs: readonly Tensor[], output: Tensor): void {
    trace.entering = null;
    // a view re-derived for autograd (a stale view's entry) computes nothing
    if (inputs.some((x) => x.storage === output.storage)) return;
    if (this.atRoot) this.refuse(`${op} ran outside the ops a recording sees`);
  }

  effect(name: string, fn: () => unknown): unknown {
    trace.entering = null;
    if (this.atRoot) {
      this.effects++;
      this.root.steps.push({ kind: 'effect', name, fn });
    } else this.frames[this.frames.length - 1].own = true;
    const result = quietly(fn);
    const made: Tensor[] = [];
    tensorsIn(result, made);
    if (made.length > 0)
      this.refuse(`sideEffect '${name}' returned a tensor, which a replay could not update`);
    return result;
  }

  /** Whether the call made `t` (an op's result, a view of one, or a constant). */
  madeHere(t: Tensor): boolean {
    return this.producedBy.has(t) || this.constants.has(t);
  }

  /** Drops what only the recording needed (the program keeps the steps and checks). */
  done(): void {
    this.constants.clear();
    this.local.clear();
    this.owners.clear();
    this.inside.clear();
  }

  depends(obj: object): void {
    trace.entering = null;
    if (typeof obj === 'object' && obj !== null) this.objects.add(obj);
  }

  /** The buffers of tensors from outside the call (argument copies aside): not the program's own. */
  foreignStorages(): Set<object> {
    return new Set([...this.outside.keys()].filter((t) => !this.args.has(t)).map((t) => t.storage));
  }

  /** Whether a step changes something outside the program's own tensors. */
  isEffect(s: Step): boolean {
    if (s.kind === 'effect') return true;
    return s.kind === 'op' && !s.view && s.outs.some((y) => this.outside.has(y));
  }

  refuse(reason: string): void {
    this.unsupported ??= reason;
  }

  /** A tensor a step reads: made by an earlier step, a constant, or from outside (a fact to check). */
  private see(t: Tensor, by: string): void {
    if (this.producedBy.has(t) || this.constants.has(t) || this.outside.has(t)) return;
    const inside = this.inside.get(t);
    if (inside !== undefined) {
      // refresh the buffer's owner; a view of it follows (a view of an input needs nothing)
      const owner = this.owners.get(t.storage);
      const at = owner === undefined ? undefined : this.inside.get(owner);
      if (at !== undefined && at[0] === inside[0]) inside[0].inner.set(at[1], owner as Tensor);
      return;
    }
    // made inside an op still running, or a composite's view of its ops' results
    if (this.local.has(t)) return;
    this.outside.set(t, t.version);
    if (this.args.has(t)) return;
    if (t.requiresGrad && !t.isLeaf)
      this.refuse(
        `${by} used a tensor computed on the tape before the call (pass its inputs instead)`,
      );
    this.checks.push({ kind: 'meta', tensor: t, meta: metaOf(t), by });
  }
}

/** Arrays and object literals copied (so that later changes to them do not reach the replay). */
export function copyTree(x: unknown): unknown {
  if (Array.isArray(x)) {
    const copy = x.map(copyTree);
    // keep extra properties of tuple-like results (a ValuesIndices pair)
    return Object.assign(
      copy,
      ...Object.keys(x)
        .filter((k) => !/^\d+$/.test(k))
        .map((k) => ({ [k]: (x as unknown as Record<string, unknown>)[k] })),
    );
  }
  if (x !== null && typeof x === 'object' && !(x instanceof Tensor) && isPlain(x)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = copyTree(v);
    return out;
  }
  return x;
}

/** Every tensor in a value: itself, or inside arrays and object literals. */
export function tensorsIn(x: unknown, out: Tensor[]): void {
  if (x instanceof Tensor) out.push(x);
  else if (Array.isArray(x)) for (const v of x) tensorsIn(v, out);
  else if (x !== null && typeof x === 'object' && isPlain(x))
    for (const v of Object.values(x)) tensorsIn(v, out);
}

/** Runs the recorder's own bookkeeping without listening to it. */
function quietly<T>(f: () => T): T {
  const on = trace.on;
  trace.on = false;
  try {
    return f();
  } finally {
    trace.on = on;
  }
}

function valuesOf(t: Tensor): TypedArray {
  return t.data.slice();
}
