import { checkInt, checkIntArray, show } from '../args';
import { castArray, type DType, isFloat, promoteTypes } from '../dtype';
import { fmt, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastStrides, copyStrided } from '../kernels/strided';
import { reduceBound, reduceInto } from '../kernels/index';
import { checkShape, normalizeDim, shapesEqual, sizeOf, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { empty, record, toTensor, type TensorLike } from './op';
import { registerLowering } from '../compile/registry';
import { trace, traced } from '../compile/trace';

/** Collapses dims startDim..endDim into one. */
export function flatten(x: TensorLike, startDim = 0, endDim = -1): Tensor {
  if (trace.on && trace.entering !== flatten) return traced(flatten, [x, startDim, endDim]);
  const a = toTensor('flatten', x);
  if (a.ndim === 0) return a.reshape([1]);
  const s = normalizeDim('flatten', startDim, a.ndim);
  const e = normalizeDim('flatten', endDim, a.ndim);
  if (s > e) throw new IndexError('flatten', `startDim ${startDim} comes after endDim ${endDim}`);
  return a.reshape([
    ...a.shape.slice(0, s),
    sizeOf(a.shape.slice(s, e + 1)),
    ...a.shape.slice(e + 1),
  ]);
}

/** Removes size-1 dims: all of them, or just `dim` when it is 1. */
export function squeeze(x: TensorLike, dim?: number): Tensor {
  if (trace.on && trace.entering !== squeeze) return traced(squeeze, [x, dim]);
  const a = toTensor('squeeze', x);
  if (dim === undefined) return a.reshape(a.shape.filter((d) => d !== 1));
  const d = normalizeDim('squeeze', dim, a.ndim);
  return a.shape[d] === 1 ? a.reshape(a.shape.filter((_, i) => i !== d)) : a;
}

/** Inserts a size-1 dim at `dim` (which may equal ndim). */
export function unsqueeze(x: TensorLike, dim: number): Tensor {
  if (trace.on && trace.entering !== unsqueeze) return traced(unsqueeze, [x, dim]);
  const a = toTensor('unsqueeze', x);
  const d = normalizeDim('unsqueeze', dim, a.ndim, 1);
  return a.reshape([...a.shape.slice(0, d), 1, ...a.shape.slice(d)]);
}

/** Sums x down to `shape`, the shape it was broadcast from (PyTorch's `sum_to_size`). */
export function sumTo(x: TensorLike, shape: readonly number[]): Tensor {
  if (trace.on && trace.entering !== sumTo) return traced(sumTo, [x, shape]);
  const a = toTensor('sumTo', x);
  checkIntArray('sumTo', 'shape', shape, 0);
  if (shapesEqual(a.shape, shape)) return a;
  const lead = a.ndim - shape.length;
  if (lead < 0 || shape.some((d, i) => d !== 1 && d !== a.shape[i + lead])) {
    throw new ShapeError('sumTo', `cannot sum ${fmt(a.shape)} to ${fmt(shape)}`);
  }
  // a sum of booleans counts them, as `sum` does (into int32, not into 0/1)
  const y = empty(shape, a.dtype === 'bool' ? 'int32' : a.dtype);
  reduceInto(a.data, a.shape, broadcastStrides(shape, a.shape), y.data, 'sum');
  return record('sumTo', [a], y, (dy) => [dy.expand(a.shape)]);
}

registerLowering(sumTo, ([x, shape], [y], space) => {
  if (!(x instanceof Tensor) || !x.isContiguous() || y === x || y.dtype !== x.dtype) return null;
  const strides = broadcastStrides(shape as number[], x.shape);
  const [xd, xs, yd] = [x.data, x.shape, y.data];
  return reduceBound(space, xd, xs, strides, yd, 'sum', 0);
});

/** Joins tensors along `dim`; all other sizes must agree. */
export function cat(tensors: readonly TensorLike[], dim = 0): Tensor {
  if (trace.on && trace.entering !== cat) return traced(cat, [tensors, dim]);
  if (!Array.isArray(tensors))
    throw new ValueError('cat', `expected an array of tensors, got ${show(tensors)}`);
  if (tensors.length === 0) throw new ValueError('cat', 'expected at least one tensor');
  const xs = Array.from(tensors, (t) => toTensor('cat', t)); // Array.from visits holes too
  const first = xs[0];
  const d = normalizeDim('cat', dim, first.ndim);
  for (const t of xs) {
    if (t.ndim !== first.ndim || t.shape.some((n, i) => i !== d && n !== first.shape[i])) {
      throw new ShapeError(
        'cat',
        `shapes ${xs.map((u) => fmt(u.shape)).join(', ')} differ outside dim ${dim}`,
      );
    }
  }
  const dtype = xs.reduce((t: DType, u) => promoteTypes(t, u.dtype), first.dtype);
  const sizes = xs.map((t) => t.shape[d]);
  const shape = first.shape.map((n, i) => (i === d ? sizes.reduce((s, k) => s + k, 0) : n));
  const y = empty(shape, dtype);
  const strides = stridesOf(shape);
  let offset = 0;
  for (const t of xs) {
    const src = t.dtype === dtype ? t.data : castArray(t.data, dtype);
    copyStrided(src, 0, stridesOf(t.shape), y.data, offset * strides[d], strides, t.shape);
    offset += t.shape[d];
  }
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((s, k) => s + k, 0));
  return record('cat', xs, y, (dy, needs) =>
    xs.map((_, i) => (needs[i] ? dy.narrow(d, starts[i], sizes[i]) : null)),
  );
}

/** Stacks same-shape tensors along a new dim. */
export function stack(tensors: readonly TensorLike[], dim = 0): Tensor {
  if (trace.on && trace.entering !== stack) return traced(stack, [tensors, dim]);
  if (!Array.isArray(tensors))
    throw new ValueError('stack', `expected an array of tensors, got ${show(tensors)}`);
  if (tensors.length === 0) throw new ValueError('stack', 'expected at least one tensor');
  const xs = Array.from(tensors, (t) => toTensor('stack', t));
  if (xs.some((t) => !shapesEqual(t.shape, xs[0].shape))) {
    throw new ShapeError(
      'stack',
      `all tensors need one shape, got ${xs.map((t) => fmt(t.shape)).join(', ')}`,
    );
  }
  const d = normalizeDim('stack', dim, xs[0].ndim, 1);
  return cat(
    xs.map((t) => t.unsqueeze(d)),
    d,
  );
}

/** Splits along `dim` into pieces of `size` (the last may be smaller) or of the given sizes. */
export function split(x: TensorLike, size: number | readonly number[], dim = 0): Tensor[] {
  if (trace.on && trace.entering !== split) return traced(split, [x, size, dim]);
  const a = toTensor('split', x);
  const d = normalizeDim('split', dim, a.ndim);
  const n = a.shape[d];
  let sizes: number[];
  if (typeof size === 'number') {
    checkInt('split', 'size', size, 1);
    sizes = Array.from({ length: Math.max(1, Math.ceil(n / size)) }, (_, i) =>
      Math.min(size, n - i * size),
    );
  } else {
    sizes = checkIntArray('split', 'sizes', size, 0);
    if (sizes.reduce((s, k) => s + k, 0) !== n) {
      throw new ShapeError(
        'split',
        `sizes ${fmt(sizes)} do not add up to ${n}, the size of dim ${dim} of ${fmt(a.shape)}`,
      );
    }
  }
  let start = 0;
  return sizes.map((k) => {
    const piece = a.narrow(d, start, k);
    start += k;
    return piece;
  });
}

/** Splits along `dim` into `chunks` pieces of equal size (the last may be smaller), as PyTorch. */
export function chunk(x: TensorLike, chunks: number, dim = 0): Tensor[] {
  if (trace.on && trace.entering !== chunk) return traced(chunk, [x, chunks, dim]);
  const a = toTensor('chunk', x);
  checkInt('chunk', 'chunks', chunks, 1);
  const d = normalizeDim('chunk', dim, a.ndim);
  return a.split(Math.max(1, Math.ceil(a.shape[d] / chunks)), d);
}

/** Tiles x: dim i is repeated `reps[i]` times (PyTorch's `repeat`). */
export function repeat(x: TensorLike, reps: readonly number[]): Tensor {
  if (trace.on && trace.entering !== repeat) return traced(repeat, [x, reps]);
  const a = toTensor('repeat', x);
  checkIntArray('repeat', 'repeats', reps, 0);
  if (reps.length < a.ndim)
    throw new ShapeError(
      'repeat',
      `needs at least ${a.ndim} repeats for ${fmt(a.shape)}, got ${fmt(reps)}`,
    );
  checkShape('repeat', reps);
  const shape = [...new Array(reps.length - a.ndim).fill(1), ...a.shape];
  const interleaved = shape.flatMap((n) => [1, n]);
  const expanded = shape.flatMap((n, i) => [reps[i], n]);
  // the output first: when it cannot be allocated, nothing has been recorded
  const y = empty(
    shape.map((n, i) => n * reps[i]),
    a.dtype,
  );
  const from = broadcastStrides(interleaved, expanded); // x read with a zero stride per repeat
  copyStrided(a.data, 0, from, y.data, 0, stridesOf(expanded), expanded);
  return record('repeat', [a], y, (dy) => [
    dy.reshape(expanded).sumTo(interleaved).reshape(a.shape),
  ]);
}

/** A copy that stays on the tape (gradient passes straight through). */
export function clone(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== clone) return traced(clone, [x]);
  const a = toTensor('clone', x);
  const data = a.isContiguous() ? a.data.slice() : a.data; // a view's data is a fresh copy
  return record('clone', [a], new Tensor(data, a.shape), (dy) => [dy]);
}

/** x converted to `dtype`; between floats the gradient is converted back. */
export function cast(x: TensorLike, dtype: DType): Tensor {
  if (trace.on && trace.entering !== cast) return traced(cast, [x, dtype]);
  const a = toTensor('cast', x);
  if (a.dtype === dtype) return a;
  const y = new Tensor(castArray(a.data, dtype), a.shape);
  return record(
    'cast',
    [a],
    y,
    isFloat(dtype) && isFloat(a.dtype) ? (dy) => [dy.cast(a.dtype)] : null,
  );
}
