// ad.compile: the first call records what the function did; later calls check the
// recording's assumptions and, when they hold, replay it instead of running the function.
import { checkFunction, checkOptions } from '../args';
import { ValueError } from '../errors';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import {
  type Facts,
  flatten,
  flattenObjects,
  isPlain,
  matches,
  mismatch,
  record as recordFacts,
} from './guards';
import { Program } from './program';
import { failedStartCheck, Recording, tensorsIn } from './recording';
import { trace } from './trace';

/** Options of `compile`. */
export interface CompileOptions {
  /**
   * The values the function reads from outside other than through its arguments: closure
   * variables, module attributes. Called on every call; a change in any of them (a number's
   * value, an object's or tensor's identity, a module's parameters) records again.
   */
  guards?: () => unknown[];
  /** Recordings kept for different guards (default 8); the least recently used goes first. */
  maxVariants?: number;
  /** Fuse chains of element-wise ops into one loop (default true). */
  fuse?: boolean;
  /** Print each recording and each guard that failed (true: console.log), or pass them to a function. */
  debug?: boolean | ((message: string) => void);
}

/** Counts of what a compiled function has done. */
export interface CompileStats {
  calls: number;
  replays: number;
  recordings: number;
  /** Calls run eagerly because their recording cannot be replayed. */
  eager: number;
}

/**
 * A compiled function: call it as the original.
 * @typeParam F the function compiled
 */
export type CompiledFunction<F extends (...args: never[]) => unknown> = F & {
  readonly stats: CompileStats;
  /** The recordings kept, one paragraph each: steps, fusion, and why any runs eagerly. */
  explain(): string;
  /** Drops every recording. */
  reset(): void;
};

interface Variant {
  facts: Facts;
  recording: Recording;
  program: Program | null;
  /** Copies of the argument tensors the recording read, in the order of the arguments' tensors. */
  inputs: (Tensor | null)[];
  /** Their versions after the last copy-in: a change is an in-place write to copy back. */
  versions: number[];
  /** The result's tensors that the call made: each call returns copies of them. */
  fresh: Set<Tensor>;
  /** Objects the function read state from (its modules), and that state when recorded. */
  objects: object[];
  objectFacts: Facts;
  result: unknown;
}

const RE_RECORD_WARNING = 8;

/**
 * Compiles `fn` (any function of tensors, modules and plain values, up to a whole training
 * step with `backward()` and an optimizer's `step()`): the first call runs it and records
 * every op; later calls replay the recording — buffers allocated once, element-wise chains
 * fused, no tape — as long as every assumption it made still holds: the arguments' shapes,
 * dtypes and `requiresGrad`, grad mode, backend, the tensors it used from outside, values it
 * read back (`item()`), and the `guards` you list. A failed guard records a new variant.
 * Results are new tensors that do not require grad. See docs/compile.md.
 * @typeParam F the function compiled: its arguments and result are the compiled one's
 * @example
 * const step = ad.compile((x: ad.Tensor) => x.mul(2).add(1).tanh().sum());
 * step(ad.tensor([1, 2]));          // records
 * step(ad.tensor([3, 4])).item();   // replays
 */
export function compile<F extends (...args: never[]) => unknown>(
  fn: F,
  opts: CompileOptions = {},
): CompiledFunction<F> {
  checkFunction('compile', 'fn', fn);
  const {
    guards,
    maxVariants = 8,
    fuse = true,
    debug = false,
  } = checkOptions('compile', opts, ['guards', 'maxVariants', 'fuse', 'debug']);
  if (guards !== undefined) checkFunction('compile', 'guards', guards);
  if (!Number.isInteger(maxVariants) || maxVariants < 1)
    throw new ValueError(
      'compile',
      `maxVariants must be a positive integer, got ${String(maxVariants)}`,
    );
  const name = fn.name || 'anonymous';
  const run = fn as unknown as (...args: unknown[]) => unknown;
  const log =
    debug === false
      ? null
      : debug === true
        ? (m: string) => console.log(m)
        : (debug as (m: string) => void);
  const variants: Variant[] = [];
  const stats: CompileStats = { calls: 0, replays: 0, recordings: 0, eager: 0 };
  const failures = new Map<string, number>();
  let warned = false;

  const call = (...args: unknown[]): unknown => {
    // inside another recording (or an op), the function is part of that one
    if (trace.recorder !== null) return run(...args);
    stats.calls++;
    const listed = guards === undefined ? null : guardValues(guards);
    const now = flatten(args, listed);
    const tensors: Tensor[] = [];
    tensorsIn(args, tensors);
    let reason: string | null = null;
    let missed: Variant | null = null; // the first recording whose facts differ: named only if none replays
    for (let i = 0; i < variants.length; i++) {
      const v = variants[i];
      if (!matches(v.facts, now)) {
        missed ??= v;
        continue;
      }
      if (v.objects.length > 0 && !matches(v.objectFacts, flattenObjects(v.objects))) {
        reason ??= 'the state of a module the function used changed (a parameter replaced, eval())';
        continue;
      }
      copyIn(v, tensors);
      const miss = failedStartCheck(v.recording.checks);
      if (miss !== null) {
        reason ??= miss;
        continue;
      }
      if (i > 0) variants.unshift(...variants.splice(i, 1)); // most recently used first
      if (v.program === null) {
        stats.eager++;
        return run(...args);
      }
      const aborted = v.program.run();
      if (aborted === null) {
        stats.replays++;
        return finish(v, tensors);
      }
      reason ??= aborted;
    }
    if (reason === null && missed !== null) reason = mismatch(missed.facts, now, args, listed);
    if (reason !== null) {
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
      log?.(`ad.compile(${name}): recording again: ${reason}`);
      if (!warned && stats.recordings >= RE_RECORD_WARNING) {
        warned = true;
        const [worst] = [...failures].sort((a, b) => b[1] - a[1])[0];
        console.warn(
          `ad.compile(${name}) has recorded ${stats.recordings + 1} times; the guard that keeps ` +
            `failing: ${worst}. See "What re-records" in docs/compile.md.`,
        );
      }
    }
    return record(args, tensors, now);
  };

  const record = (args: unknown[], tensors: Tensor[], now: unknown[]): unknown => {
    stats.recordings++;
    // argument tensors that do not require grad are read through copies, refilled on replay
    const inputs = tensors.map((t) => (t.requiresGrad ? null : copyOf(t)));
    const swap = new Map<Tensor, Tensor>();
    tensors.forEach((t, i) => inputs[i] !== null && swap.set(t, inputs[i] as Tensor));
    const recording = new Recording(new Set(swap.values()));
    trace.recorder = recording;
    trace.on = true;
    let result: unknown;
    try {
      const into = (t: Tensor) => swap.get(t) ?? t;
      result = run(...(substitute(args, into) as unknown[]));
    } finally {
      trace.on = false;
      trace.recorder = null;
    }
    const outs: Tensor[] = [];
    tensorsIn(result, outs);
    const fresh = new Set(outs.filter((y) => recording.madeHere(y)));
    recording.done();
    if (typeof (result as { then?: unknown } | null)?.then === 'function')
      throw new ValueError(
        'compile',
        `${name} returned a Promise: only its synchronous part could be recorded; compile a synchronous function`,
      );
    const backward = recording.steps.some((s) => s.kind === 'grad');
    if (!backward && outs.some((y) => recording.producedBy.has(y) && y.requiresGrad))
      recording.refuse('it returns a tensor that requires grad, to differentiate outside the call');
    const versions = inputs.map(() => 0);
    const v: Variant = {
      facts: recordFacts(now),
      recording,
      program: null,
      inputs,
      versions,
      result,
      fresh,
      objects: [...recording.objects],
      objectFacts: recordFacts(flattenObjects([...recording.objects]), false),
    };
    if (recording.unsupported === null) {
      v.program = new Program(recording, { fuse });
    }
    variants.unshift(v);
    if (variants.length > maxVariants) variants.pop();
    log?.(`ad.compile(${name}): recorded ${describe(v)}`);
    if (v.program === null) {
      copyOut(v, tensors);
      return substitute(result, invert(swap));
    }
    return finish(v, tensors);
  };

  const compiled = call as unknown as CompiledFunction<F>;
  Object.defineProperty(compiled, 'name', { value: name });
  Object.defineProperty(compiled, 'stats', { get: () => ({ ...stats }) });
  compiled.explain = () =>
    variants.length === 0
      ? `ad.compile(${name}): nothing recorded yet`
      : variants
          .map((v, i) => {
            const steps = v.program?.listing.map((l) => `  ${l}`) ?? [];
            return [`variant ${i + 1}: ${describe(v)}`, ...steps].join('\n');
          })
          .join('\n');
  compiled.reset = () => void variants.splice(0);
  return compiled;
}

function guardValues(guards: () => unknown[]): unknown[] {
  const values = guards();
  if (!Array.isArray(values))
    throw new ValueError('compile', `guards must return an array, got ${typeof values}`);
  return values;
}

function copyOf(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape);
}

/** Puts this call's argument values into the recording's copies. */
function copyIn(v: Variant, tensors: readonly Tensor[]): void {
  for (let i = 0; i < tensors.length; i++) {
    const copy = v.inputs[i];
    if (copy === null) continue;
    copy.data.set(tensors[i].data);
    v.versions[i] = copy.version;
  }
}

/** Writes back what the function changed in place in its argument copies. */
function copyOut(v: Variant, tensors: readonly Tensor[]): void {
  for (let i = 0; i < tensors.length; i++) {
    const copy = v.inputs[i];
    if (copy !== null && copy.version !== v.versions[i]) noGrad(() => tensors[i].copy_(copy));
  }
}

/** The call's result: tensors the recording made are copied out (the next replay reuses them). */
function finish(v: Variant, tensors: readonly Tensor[]): unknown {
  copyOut(v, tensors);
  return substitute(v.result, (t) => {
    const i = v.inputs.indexOf(t);
    if (i >= 0) return tensors[i];
    return v.fresh.has(t) ? new Tensor(t.data.slice(), t.shape) : t;
  });
}

function invert(m: Map<Tensor, Tensor>): (t: Tensor) => Tensor {
  const back = new Map([...m].map(([a, b]) => [b, a]));
  return (t) => back.get(t) ?? t;
}

/** `x` with tensors replaced by `swap`, arrays and object literals rebuilt. */
function substitute(x: unknown, swap: (t: Tensor) => Tensor): unknown {
  if (x instanceof Tensor) return swap(x);
  if (Array.isArray(x)) return x.map((v) => substitute(v, swap));
  if (x !== null && typeof x === 'object' && isPlain(x)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = substitute(v, swap);
    return out;
  }
  return x;
}

function describe(v: Variant): string {
  const steps = v.recording.steps;
  const count = (k: string) => steps.filter((s) => s.kind === k).length;
  const views = steps.filter((s) => s.kind === 'op' && s.view).length;
  const head =
    `${count('op')} ops (${views} views), ${count('grad')} gradient writes, ` +
    `${count('effect')} side effects, ${count('check')} value checks`;
  if (v.program === null) return `${head}; runs eagerly: ${v.recording.unsupported}`;
  return `${head}; ${v.program.describe()}`;
}
