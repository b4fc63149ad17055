import { checkInt, checkIntArray, show } from '../args';
import { castArray, type DType, isFloat, promoteTypes } from '../dtype';
import { fmt, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastStrides, copyStrided } from '../kernels/strided';
import { reduceInto } from '../kernels/reduce';
import { checkShape, normalizeDim, shapesEqual, sizeOf, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { empty, named, record, toTensor, type TensorLike } from './op';

/** The same elements in a new shape; one size may be −1 (inferred). Sizes must match. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const a = toTensor('reshape', x);
  const target = inferShape('reshape', a, shape);
  if (shapesEqual(target, a.shape)) return a;
  const y = new Tensor(a.data.slice(), target);
  return record('reshape', [a], y, (dy) => [dy.reshape(a.shape)]);
}

function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  checkIntArray(op, 'shape', shape, -1);
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1) throw new ShapeError(op, `only one size may be -1, got ${fmt(shape)}`);
  checkShape(
    op,
    shape.filter((d) => d !== -1),
  );
  const known = sizeOf(shape.filter((d) => d !== -1));
  const out = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  if (sizeOf(out) !== x.size || !out.every(Number.isInteger)) {
    throw new ShapeError(
      op,
      `cannot reshape ${fmt(x.shape)} (${x.size} elements) to ${fmt(shape)}`,
    );
  }
  return out;
}

/** Collapses dims startDim..endDim into one. */
export function flatten(x: TensorLike, startDim = 0, endDim = -1): Tensor {
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
  const a = toTensor('squeeze', x);
  if (dim === undefined) return a.reshape(a.shape.filter((d) => d !== 1));
  const d = normalizeDim('squeeze', dim, a.ndim);
  return a.shape[d] === 1 ? a.reshape(a.shape.filter((_, i) => i !== d)) : a;
}

/** Inserts a size-1 dim at `dim` (which may equal ndim). */
export function unsqueeze(x: TensorLike, dim: number): Tensor {
  const a = toTensor('unsqueeze', x);
  const d = normalizeDim('unsqueeze', dim, a.ndim, 1);
  return a.reshape([...a.shape.slice(0, d), 1, ...a.shape.slice(d)]);
}

/** Reorders the dims: output dim i is input dim `dims[i]`. */
export function permute(x: TensorLike, dims: readonly number[]): Tensor {
  const a = toTensor('permute', x);
  const order = checkIntArray('permute', 'dims', dims).map((d) =>
    normalizeDim('permute', d, a.ndim),
  );
  if (order.length !== a.ndim || new Set(order).size !== order.length) {
    throw new IndexError(
      'permute',
      `dims ${fmt(dims)} are not a permutation of the ${a.ndim} dims of ${fmt(a.shape)}`,
    );
  }
  const strides = stridesOf(a.shape);
  const shape = order.map((d) => a.shape[d]);
  const y = empty(shape, a.dtype);
  copyStrided(
    a.data,
    0,
    order.map((d) => strides[d]),
    y.data,
    0,
    stridesOf(shape),
    shape,
  );
  const inverse = order.map((_, i) => order.indexOf(i));
  return record('permute', [a], y, (dy) => [dy.permute(inverse)]);
}

/** Swaps two dims. */
export function transpose(x: TensorLike, dim0: number, dim1: number): Tensor {
  const a = toTensor('transpose', x);
  const d0 = normalizeDim('transpose', dim0, a.ndim);
  const d1 = normalizeDim('transpose', dim1, a.ndim);
  const order = a.shape.map((_, i) => (i === d0 ? d1 : i === d1 ? d0 : i));
  return a.permute(order);
}

/** Broadcasts x to `shape` (−1 keeps a size); the gradient sums back over the broadcast dims. */
export function expand(x: TensorLike, shape: readonly number[]): Tensor {
  const a = toTensor('expand', x);
  checkIntArray('expand', 'shape', shape, -1);
  const lead = shape.length - a.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? a.shape[i - lead] : d));
  checkShape('expand', target);
  if (lead < 0 || a.shape.some((d, i) => d !== 1 && d !== target[i + lead])) {
    throw new ShapeError('expand', `cannot expand ${fmt(a.shape)} to ${fmt(shape)}`);
  }
  if (shapesEqual(target, a.shape)) return a;
  const y = empty(target, a.dtype);
  copyStrided(a.data, 0, broadcastStrides(a.shape, target), y.data, 0, stridesOf(target), target);
  return record('expand', [a], y, (dy) => [dy.sumTo(a.shape)]);
}

/** Sums x down to `shape`, the shape it was broadcast from (PyTorch's `sum_to_size`). */
export function sumTo(x: TensorLike, shape: readonly number[]): Tensor {
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

/** `length` consecutive elements of `dim` from `start` (negative `start` counts from the end). */
export function narrow(x: TensorLike, dim: number, start: number, length: number): Tensor {
  const a = toTensor('narrow', x);
  const d = normalizeDim('narrow', dim, a.ndim);
  checkInt('narrow', 'start', start);
  checkInt('narrow', 'length', length);
  const size = a.shape[d];
  const s = start < 0 ? start + size : start;
  if (
    !Number.isInteger(s) ||
    !Number.isInteger(length) ||
    s < 0 ||
    length < 0 ||
    s + length > size
  ) {
    throw new IndexError(
      'narrow',
      `start ${start} and length ${length} do not fit dim ${dim} of ${fmt(a.shape)}`,
    );
  }
  if (s === 0 && length === size) return a;
  const shape = a.shape.map((n, i) => (i === d ? length : n));
  const strides = stridesOf(a.shape);
  const y = empty(shape, a.dtype);
  copyStrided(a.data, s * strides[d], strides, y.data, 0, stridesOf(shape), shape);
  // F.pad order: a [before, after] pair per dim, starting from the last
  const pads = new Array<number>(2 * (a.ndim - d)).fill(0);
  pads[pads.length - 2] = s;
  pads[pads.length - 1] = size - s - length;
  return record('narrow', [a], y, (dy) => [dy.pad(pads)]);
}

/** Joins tensors along `dim`; all other sizes must agree. */
export function cat(tensors: readonly TensorLike[], dim = 0): Tensor {
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
  const a = toTensor('chunk', x);
  checkInt('chunk', 'chunks', chunks, 1);
  const d = normalizeDim('chunk', dim, a.ndim);
  return a.split(Math.max(1, Math.ceil(a.shape[d] / chunks)), d);
}

/** Tiles x: dim i is repeated `reps[i]` times (PyTorch's `repeat`). */
export function repeat(x: TensorLike, reps: readonly number[]): Tensor {
  const a = toTensor('repeat', x);
  checkIntArray('repeat', 'repeats', reps, 0);
  if (reps.length < a.ndim)
    throw new ShapeError(
      'repeat',
      `needs at least ${a.ndim} repeats for ${fmt(a.shape)}, got ${fmt(reps)}`,
    );
  checkShape('repeat', reps);
  return named('repeat', () => {
    const shape = [...new Array(reps.length - a.ndim).fill(1), ...a.shape];
    const interleaved = shape.flatMap((n) => [1, n]);
    const expanded = shape.flatMap((n, i) => [reps[i], n]);
    return a
      .reshape(interleaved)
      .expand(expanded)
      .reshape(shape.map((n, i) => n * reps[i]));
  });
}

/** A copy that stays on the tape (gradient passes straight through). */
export function clone(x: TensorLike): Tensor {
  const a = toTensor('clone', x);
  return record('clone', [a], new Tensor(a.data.slice(), a.shape), (dy) => [dy]);
}

/**
 * A copy cut off from the tape: no gradient flows through it.
 * @example
 * ```ts
 * const frozen = x.detach();  // same values, no gradient flows back
 * ```
 */
export function detach(x: TensorLike): Tensor {
  const a = toTensor('detach', x);
  return new Tensor(a.data.slice(), a.shape);
}

/** x converted to `dtype`; between floats the gradient is converted back. */
export function cast(x: TensorLike, dtype: DType): Tensor {
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
