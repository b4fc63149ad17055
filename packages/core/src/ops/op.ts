import { allocate, type DType, floatOf, isFloat } from '../dtype';
import { AdError, ValueError } from '../errors';
import { type Shape, stridesOf } from '../shape';
import { isRowMajor } from '../storage';
import { checkSaved, Entry, type Grads, inBackward, isGradEnabled, type Pullback } from '../tape';
import { setEntry, Tensor } from '../tensor';
import { anomalyEnabled, checkFinite } from '../anomaly';
import type { OpName } from './names';
import { trace, traced } from '../compile/trace';

export type { OpName } from './names';

/** What ops accept where a tensor goes: a tensor, or a plain number (a 0-d constant). */
export type TensorLike = Tensor | number;

/**
 * Records `output = op(...inputs)` on the tape with its pullback, when grad mode is on and
 * an input requires grad. Every op goes through here, so this is also where a running
 * backward checks that no saved tensor was changed in place. `pullback: null` marks an
 * op without a gradient (comparisons, argmax).
 */
export function record(
  op: OpName,
  inputs: readonly Tensor[],
  output: Tensor,
  pullback: Pullback | null,
): Tensor {
  if (trace.on) trace.recorder?.untraced(op, inputs, output);
  if (inBackward()) for (let i = 0; i < inputs.length; i++) checkSaved(inputs[i]);
  if (anomalyEnabled() && !inBackward()) checkFinite(op, output, 'forward');
  if (pullback === null || !isGradEnabled() || !isFloat(output.dtype)) return output;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].requiresGrad) {
      const e = new Entry(op, inputs, output, pullback);
      if (anomalyEnabled()) e.stack = new Error().stack;
      setEntry(output, e);
      return output;
    }
  }
  return output;
}

/**
 * `t` as the kernels can read it without a copy: itself when contiguous, and an expanded
 * view as the elements it expands — its zero-stride dims become size-1 dims, which the
 * kernels broadcast. Other layouts are left as they are (their `data` is a row-major copy).
 */
export function unexpanded(t: Tensor): Tensor {
  if (t.isContiguous()) return t;
  const strides = t.strides;
  const shape = t.shape.map((d, i) => (strides[i] === 0 ? 1 : d));
  if (!isRowMajor(shape, strides)) return t;
  const rowMajor = stridesOf(shape);
  return new Tensor(t.storage, shape, {
    strides: rowMajor,
    offset: t.offset,
    base: null,
    replay: null,
  });
}

/**
 * An op with its forward and backward in one place, under one checked name: `forward`
 * computes the output from tensor inputs (with kernels, nothing recorded), `backward` the
 * inputs' gradients from the output's (with ops, so that it differentiates again). The
 * factories for element-wise ops and views (`unary`, `binary`, `makeView`) are this, with
 * their argument checking.
 */
export function defineOp<I extends readonly Tensor[]>(
  name: OpName,
  forward: (...inputs: I) => Tensor,
  backward: (dy: Tensor, inputs: I, output: Tensor, needs: readonly boolean[]) => Grads,
): (...inputs: I) => Tensor {
  const f = (...inputs: I): Tensor => {
    if (trace.on && trace.entering !== f) return traced(f, inputs);
    const y = forward(...inputs);
    return record(name, inputs, y, (dy, needs) => backward(dy, inputs, y, needs));
  };
  return Object.defineProperty(f, 'name', { value: name });
}

/** A new tensor of `shape`, filled with zeros. */
export function empty(shape: Shape, dtype: DType): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return new Tensor(allocate(dtype, n), shape);
}

/**
 * `x` as a tensor. A number becomes a 0-d constant of `like`'s dtype when it fits there
 * (as PyTorch treats Python scalars: `float32 + 2.5` stays float32), else of the default float.
 */
export function toTensor(op: string, x: TensorLike, like?: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || typeof x === 'boolean') {
    const v = Number(x);
    const dtype =
      like !== undefined && isFloat(like.dtype)
        ? like.dtype
        : like !== undefined && Number.isInteger(v)
          ? 'int32'
          : floatOf('int32');
    const t = empty([], dtype);
    t.data[0] = v;
    return t;
  }
  throw new ValueError(op, `expected a Tensor or a number, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  return x === null ? 'null' : typeof x;
}

/** Wraps a failure inside a composite so that the error names the op the user called. */
export function named<T>(op: OpName, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AdError && e.op !== op) {
      const Ctor = e.constructor as new (op: string, message: string) => AdError;
      throw new Ctor(op, e.detail);
    }
    throw e;
  }
}
