import { anomalyEnabled, checkFinite } from './anomaly';
import { checkFunction } from './args';
import { AutogradError, fmt } from './errors';
import type { Tensor } from './tensor';

/** Gradients for an entry's inputs, in order; `null` where an input gets none. */
export type Grads = readonly (Tensor | null | undefined)[];

/**
 * An op's backward rule: given the gradient of its output, the gradients of its inputs.
 * `needs[i]` says whether input i wants one. Written with ops, so it can itself be recorded.
 */
export type Pullback = (dy: Tensor, needs: readonly boolean[]) => Grads;

/** What a gradient flows into: the entry that made a tensor, or a leaf that requires grad. */
export type Node = Entry | Tensor;

let nextId = 0;
let gradEnabled = true;
let running: Entry | null = null;

/** One recorded call: op name, inputs, output and the pullback that undoes it. */
export class Entry {
  /** Position in call order: the reverse walk de-stacks entries by descending id. */
  readonly id = nextId++;
  /** Where each input's gradient goes, fixed when recorded (later in-place ops can't redirect it). */
  readonly parents: readonly (Node | null)[];
  /** Which inputs take a gradient at all (the pullback's `needs` in a full backward). */
  readonly needs: readonly boolean[];
  /** Versions of the inputs, then of the output, when recorded. */
  readonly versions: number[];
  /** Where the op was called from; captured only in anomaly mode. */
  stack: string | undefined;
  /** The walk that last collected this entry (saves a Set per backward). */
  seen = -1;

  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    public output: Tensor,
    public pullback: Pullback | null,
  ) {
    const n = inputs.length;
    const parents = new Array<Node | null>(n);
    const needs = new Array<boolean>(n);
    const versions = new Array<number>(n + 1);
    for (let i = 0; i < n; i++) {
      const x = inputs[i];
      parents[i] = x.entry ?? (x.requiresGrad ? x : null);
      needs[i] = parents[i] !== null;
      versions[i] = x.version;
    }
    versions[n] = output.version;
    this.parents = parents;
    this.needs = needs;
    this.versions = versions;
    this.stack = undefined;
    for (let i = 0; i < recording.length; i++) recording[i].push(this);
  }

  /** Makes `output` (a tensor changed in place) the result of this entry. */
  adopt(output: Tensor): void {
    this.output = output;
    this.versions[this.inputs.length] = output.version;
  }

  /** True once a backward without `retainGraph` has consumed this entry. */
  get released(): boolean {
    return this.pullback === null;
  }
}

/** Whether ops are being recorded onto the tape right now (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with recording switched on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  checkFunction(enabled ? 'enableGrad' : 'noGrad', 'the argument', fn);
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Runs `fn` without recording anything (PyTorch's `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on, even inside `noGrad` (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/**
 * Throws if a pullback now running reads an input or output of its own entry that an
 * in-place op changed after recording: that gradient would be silently wrong.
 */
export function checkSaved(x: Tensor): void {
  const e = running;
  if (e === null) return;
  const i = e.inputs.indexOf(x);
  const recorded =
    i >= 0 ? e.versions[i] : x === e.output ? e.versions[e.inputs.length] : x.version;
  if (recorded === x.version) return;
  throw new AutogradError(
    e.op,
    `a tensor of shape ${fmt(x.shape)} that ${e.op} saved for backward was modified in place ` +
      `(version ${recorded} when recorded, ${x.version} now); clone it before changing it`,
  );
}

/** True while a pullback runs (its ops' results are checked as backward values). */
export function inBackward(): boolean {
  return running !== null;
}

/** Options of one reverse walk. */
export interface WalkOptions {
  createGraph: boolean;
  /** Nodes whose gradient the caller wants; when given, only paths into them are walked. */
  targets?: ReadonlySet<Node>;
  /** Restricts the walk to these entries (an explicit tape); others count as constants. */
  within?: ReadonlySet<Entry>;
  /** Called with each entry's output and incoming gradient; may replace it (hooks, retainGrad). */
  visit?: (output: Tensor, dy: Tensor) => Tensor;
  /** Reduces a gradient to an input's shape and dtype, and sums two gradients of one node. */
  reduceTo: (dx: Tensor, like: Tensor) => Tensor;
  accumulate: (a: Tensor, b: Tensor) => Tensor;
}

/**
 * Back-propagates: walks the entries reachable from `roots` in reverse call order, runs
 * each pullback exactly once, sums gradients where a value fans out, and reduces broadcast
 * gradients to each input's shape. Returns the gradient of every leaf and target reached,
 * and the entries it consumed (the caller releases them once everything has succeeded).
 */
export function backpropagate(
  roots: ReadonlyMap<Node, Tensor>,
  opts: WalkOptions,
): { grads: Map<Node, Tensor>; consumed: Entry[] } {
  const entries = collect(roots.keys(), opts.within);
  const { targets, visit } = opts;
  const wanted = targets ? reaching(entries, targets) : null;
  const grads = new Map(roots);
  const consumed: Entry[] = [];
  const previous = gradEnabled;
  gradEnabled = opts.createGraph;
  try {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k];
      let dy = grads.get(e);
      if (dy === undefined || (wanted !== null && !wanted.has(e))) continue;
      const isTarget = targets !== undefined && targets.has(e);
      if (!isTarget) grads.delete(e);
      if (e.pullback === null) throw releasedError(e);
      if (visit !== undefined) dy = visit(e.output, dy);
      if (isTarget) grads.set(e, dy);
      const needs = wanted === null ? e.needs : e.parents.map((p) => p !== null && wanted.has(p));
      if (wanted !== null && !needs.includes(true)) continue;
      const dxs = runPullback(e, dy, needs);
      for (let i = 0; i < e.parents.length; i++) {
        const p = e.parents[i];
        const dx = dxs[i];
        if (p === null || !needs[i] || dx === null || dx === undefined) continue;
        checkGradient(e, i, dx);
        const g = opts.reduceTo(dx, e.inputs[i]);
        if (anomalyEnabled()) checkFinite(e.op, g, 'backward', e.stack);
        const prev = grads.get(p);
        grads.set(p, prev === undefined ? g : opts.accumulate(prev, g));
      }
      consumed.push(e);
    }
  } finally {
    gradEnabled = previous;
  }
  return { grads, consumed };
}

function runPullback(e: Entry, dy: Tensor, needs: readonly boolean[]): Grads {
  // a hook or pullback of this very walk may have run a backward that released the entry
  if (e.pullback === null) throw releasedError(e);
  const outer = running;
  running = e;
  try {
    const dxs = e.pullback(dy, needs);
    if (!Array.isArray(dxs))
      throw new AutogradError(
        e.op,
        `the backward rule returned ${describe(dxs)}, expected an array of gradients`,
      );
    return dxs;
  } finally {
    running = outer;
  }
}

function releasedError(e: Entry): AutogradError {
  return new AutogradError(
    e.op,
    'trying to backward through the tape a second time: its entries were released by the ' +
      'first backward; pass { retainGraph: true } to that backward to keep them',
  );
}

/** A gradient must be a tensor that sums down to its input's shape (it may be broadcast). */
function checkGradient(e: Entry, i: number, dx: unknown): void {
  const x = e.inputs[i];
  if (!(dx instanceof Object) || !('shape' in dx) || !('data' in dx)) {
    throw new AutogradError(
      e.op,
      `the backward rule returned ${describe(dx)} as the gradient of input ${i}, expected a Tensor or null`,
    );
  }
  const shape = (dx as Tensor).shape;
  const lead = shape.length - x.shape.length;
  if (lead < 0 || x.shape.some((d, k) => d !== 1 && d !== shape[k + lead])) {
    throw new AutogradError(
      e.op,
      `the gradient of input ${i} has shape ${fmt(shape)}, which does not fit the input's shape ${fmt(x.shape)}`,
    );
  }
}

function describe(v: unknown): string {
  return v === null || v === undefined
    ? String(v)
    : typeof v === 'object'
      ? Array.isArray(v)
        ? 'an array'
        : 'an object'
      : `a ${typeof v}`;
}

let walks = 0;

/** Entries reachable from `from` through parents, latest first (the order of de-stacking). */
function collect(from: Iterable<Node>, within?: ReadonlySet<Entry>): Entry[] {
  const stamp = walks++;
  const out: Entry[] = [];
  const stack: Node[] = [...from];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (!(node instanceof Entry) || node.seen === stamp || (within && !within.has(node))) continue;
    node.seen = stamp;
    out.push(node);
    for (const p of node.parents) if (p instanceof Entry && p.seen !== stamp) stack.push(p);
  }
  return out.sort((a, b) => b.id - a.id);
}

/** The entries (and leaves) from which a target can be reached. */
function reaching(latestFirst: readonly Entry[], targets: ReadonlySet<Node>): Set<Node> {
  const ok = new Set<Node>(targets);
  for (let i = latestFirst.length - 1; i >= 0; i--) {
    const e = latestFirst[i];
    if (e.parents.some((p) => p !== null && ok.has(p))) ok.add(e);
  }
  return ok;
}

/** Where entries are collected while a `GradientTape` records (tapes nest: all of them collect). */
const recording: Entry[][] = [];

/** Runs `fn` with grad mode on, adding every entry it records to `into`. */
export function recordInto<T>(into: Entry[], fn: () => T): T {
  checkFunction('GradientTape.record', 'the argument', fn);
  recording.push(into);
  try {
    return withGradMode(true, fn);
  } finally {
    recording.splice(recording.lastIndexOf(into), 1);
  }
}
