// Captures the ops a function calls as a flat list of named calls — the program an exporter
// translates (ONNX, PyTorch code, a worker replica). It listens on the same hooks as a
// compiled function's recording: ops an exporter knows run whole and become one call each;
// any other op is opened up and its inner ops are captured in its place.
import { checkFunction } from '../args';
import { ValueError } from '../errors';
import * as ops from '../ops/index';
import { Tensor } from '../tensor';
import { copyTree, tensorsIn } from './recording';
import { isConstant } from './registry';
import { type Recorder, trace } from './trace';

type AnyFn = (...args: unknown[]) => unknown;

/** One captured call: an op by its public name (`matmul`, `functional.conv2d`) or an opaque call. */
export interface CapturedCall {
  /** The op's public name, or the label given to `CaptureSession.opaque`. */
  name: string;
  /** The arguments as passed (arrays and option objects copied, tensors themselves). */
  args: unknown[];
  /** The tensors returned, flattened in order. */
  outs: Tensor[];
  /** The result as returned (a tensor, or a tuple of them). */
  result: unknown;
  /** What `opaque` was given; undefined for ops. */
  target?: unknown;
}

/** What `captureOps` returns: the calls in order and what the function returned. */
export interface Captured<T> {
  result: T;
  calls: CapturedCall[];
  /** Tensors whose values the function read back (`item()`, `data`): the capture is specialised to them. */
  reads: Tensor[];
}

let names: Map<unknown, string> | null = null;

/** Every public op function by name (`add`, `functional.conv2d`); an alias keeps its first name. */
export function opNames(): ReadonlyMap<unknown, string> {
  if (names !== null) return names;
  names = new Map();
  const add = (space: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(space))
      if (typeof v === 'function' && !names?.has(v)) names?.set(v, prefix + k);
  };
  add(ops as Record<string, unknown>, '');
  add(ops.functional as Record<string, unknown>, 'functional.');
  return names;
}

/** The session a capture runs in: `opaque` turns a call that is not an op into one captured call. */
export interface CaptureSession {
  /**
   * Runs `run` unheard and captures it as one call named `name` with these arguments and
   * `target` (a module an exporter calls as a whole, say).
   */
  opaque<T>(target: unknown, name: string, args: unknown[], run: () => T): T;
}

/**
 * Runs `fn` eagerly and returns the ops it called: an op whose name `keep` accepts is one call
 * (its inside not captured); any other op is replaced by the ops it calls. An op that computes
 * something itself without calling ops (a custom op) cannot be captured through: using its
 * result in a later call throws, naming it. Like `jax.make_jaxpr`, the list is specialised to
 * the arguments' shapes and to whatever control flow `fn` took for them. `op` names the
 * caller in errors.
 */
export function captureOps<T>(
  fn: (session: CaptureSession) => T,
  keep: (name: string) => boolean,
  op = 'captureOps',
): Captured<T> {
  if (typeof op !== 'string') throw new ValueError('captureOps', 'op must be a name');
  checkFunction(op, 'fn', fn);
  checkFunction(op, 'keep', keep);
  if (trace.recorder !== null)
    throw new ValueError(op, 'cannot capture inside a compiled function or a capture');
  const capture = new Capture(keep, op);
  trace.recorder = capture;
  trace.on = true;
  let result: T;
  try {
    result = fn(capture);
  } finally {
    trace.on = false;
    trace.recorder = null;
    trace.entering = null;
  }
  const outs: Tensor[] = [];
  tensorsIn(result, outs);
  for (const t of outs) capture.use(t, 'the result');
  return { result, calls: capture.calls, reads: capture.reads };
}

class Capture implements Recorder, CaptureSession {
  readonly calls: CapturedCall[] = [];
  readonly reads: Tensor[] = [];
  /** Tensors computed by something that is not a captured call, with the op that made them. */
  private readonly opaqueMade = new Map<Tensor, string>();
  private readonly produced = new Set<Tensor>();
  private readonly opened: string[] = [];

  constructor(
    private readonly keep: (name: string) => boolean,
    private readonly op: string,
  ) {}

  /** Throws when `t` was computed by something the capture could not see into. */
  use(t: Tensor, by: string): void {
    const op = this.opaqueMade.get(t);
    if (op !== undefined)
      throw new ValueError(
        this.op,
        `${by} uses a tensor of shape [${t.shape}] computed by ${op}, which has no rule here and calls no ops it could be captured as`,
      );
  }

  call(fn: AnyFn, args: ArrayLike<unknown>): unknown {
    trace.entering = null;
    const name = opNames().get(fn) ?? (fn.name || 'an anonymous op');
    const copied = Array.from(args, copyTree);
    const inputs: Tensor[] = [];
    for (const a of copied) tensorsIn(a, inputs);
    for (const t of inputs) this.use(t, name);
    // zeros, arange, a tensor of plain numbers: a constant of the program, never a call
    if (isConstant(fn) || (fn === ops.tensor && inputs.length === 0))
      return quiet(() => fn(...copied));
    if (this.keep(name)) return this.whole(name, copied, () => fn(...copied));
    this.opened.push(name);
    let result: unknown;
    try {
      trace.entering = fn;
      result = fn(...copied);
    } finally {
      this.opened.pop();
    }
    const outs: Tensor[] = [];
    tensorsIn(result, outs);
    const known = new Set(inputs);
    for (const y of outs)
      if (!this.produced.has(y) && !known.has(y) && !this.opaqueMade.has(y))
        this.opaqueMade.set(y, name);
    return result;
  }

  opaque<T>(target: unknown, name: string, args: unknown[], run: () => T): T {
    const inputs: Tensor[] = [];
    for (const a of args) tensorsIn(a, inputs);
    for (const t of inputs) this.use(t, name);
    const result = this.whole(name, args, run) as T;
    this.calls[this.calls.length - 1].target = target;
    return result;
  }

  /** Runs a call with nothing inside it heard, and notes it as one call. */
  private whole(name: string, args: unknown[], run: () => unknown): unknown {
    const result = quiet(run);
    const outs: Tensor[] = [];
    tensorsIn(result, outs);
    for (const y of outs) this.produced.add(y);
    this.calls.push({ name, args, outs, result });
    return result;
  }

  read(t: Tensor): void {
    this.reads.push(t);
  }

  untraced(op: string, _inputs: readonly Tensor[], output: Tensor): void {
    // an op recorded by code that did not go through a kept call: a custom op, or an op that
    // computes itself; whatever calls made its value on the way are not what it means
    this.produced.delete(output);
    this.opaqueMade.set(output, this.opened.at(-1) ?? `the custom op '${op}'`);
  }

  effect(_name: string, fn: () => unknown): unknown {
    return quiet(fn);
  }

  gradRead(): void {}
  gradSet(): void {}
  made(): void {}
  wrote(): void {}
  depends(): void {}
}

/** Runs `run` with the capture not listening. */
function quiet<T>(run: () => T): T {
  trace.on = false;
  try {
    return run();
  } finally {
    trace.on = true;
  }
}
