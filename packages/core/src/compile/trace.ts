// The hooks a compiled function's recording listens on. Kept free of tensor imports: the
// tensor, the ops and the tape call in here, and the recorder (./recording.ts) sits above them.
import { checkFunction } from '../args';
import { ValueError } from '../errors';
import type { Tensor } from '../tensor';

/** What a recording is told while the function it records runs eagerly. */
export interface Recorder {
  /** An op was called (from the function or from inside another op): run it and note it. */
  call(fn: (...args: unknown[]) => unknown, args: ArrayLike<unknown>): unknown;
  /** A tensor's values were read (`data`, `item()`). */
  read(t: Tensor): void;
  /** The function's code read or set a tensor's `.grad`. */
  gradRead(t: Tensor, g: Tensor | null): void;
  gradSet(t: Tensor, g: Tensor | null): void;
  /** A new tensor was made; `fresh` when it has a buffer of its own (something is computed). */
  made(t: Tensor, fresh: boolean): void;
  /** A buffer was written in place. */
  wrote(): void;
  /** An op recorded itself; from the function's own code (not through `call`), a recording cannot replay it. */
  untraced(op: string, inputs: readonly Tensor[], output: Tensor): void;
  /** `sideEffect(name, fn)`: replayed as a call of `fn`, its inside not recorded. */
  effect(name: string, fn: () => unknown): unknown;
  /** `dependsOn(obj)`: the recording depends on `obj`'s `compileState()`. */
  depends(obj: object): void;
}

/**
 * `on` is true while a recording runs the function, ops included, and false inside side
 * effects and everywhere else: the hooks cost one property read when nothing records.
 */
export const trace: {
  on: boolean;
  recorder: Recorder | null;
  /** The op the recorder is calling now: its own first line must not hand it over again. */
  entering: unknown;
} = { on: false, recorder: null, entering: null };

/** Hands an op call to the recording; an op's first line calls it while one listens. */
export function traced(fn: (...args: never[]) => unknown, args: ArrayLike<unknown>): never {
  return (trace.recorder as Recorder).call(fn as (...args: unknown[]) => unknown, args) as never;
}

/**
 * Runs `fn` now. Inside a compiled function, the recording notes the call instead of what
 * happens inside it, and every replay calls `fn` again at the same point: the way to change
 * state that is not a tensor's value (an optimizer's step count, a scheduler, a log line) so
 * that replays do it too. `fn` may read any tensor's values; the tensors it makes are its own.
 * @example
 * const step = ad.compile((x: ad.Tensor) => {
 *   const loss = x.square().sum();
 *   ad.sideEffect('log', () => console.log(loss.item())); // logs on every call
 *   return loss;
 * });
 */
export function sideEffect<T>(name: string, fn: () => T): T {
  if (typeof name !== 'string')
    throw new ValueError('sideEffect', `name must be a string, got ${typeof name}`);
  checkFunction('sideEffect', 'fn', fn);
  if (!trace.on) return fn();
  return (trace.recorder as Recorder).effect(name, fn) as T;
}

/**
 * Tells a compiled function's recording that it depends on `obj` (an object with a
 * `compileState()` method, such as an `@ad/nn` module, which calls this from its `forward`):
 * every later call checks that state before replaying, as if `obj` were listed in `guards`.
 * Does nothing outside a recording.
 * @example
 * class Scaled {
 *   factor = 2;
 *   compileState() { return [this.factor]; }
 *   apply(x: ad.Tensor) { ad.dependsOn(this); return x.mul(this.factor); }
 * }
 */
export function dependsOn(obj: object): void {
  if (trace.on) trace.recorder?.depends(obj);
}
