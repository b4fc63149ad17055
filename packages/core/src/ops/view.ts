import { checkInt, checkIntArray, checkNumber, show } from '../args';
import { fmt, IndexError, ShapeError } from '../errors';
import { addStrided } from '../kernels/strided';
import { checkShape, normalizeDim, shapesEqual, sizeOf } from '../shape';
import { viewStrides } from '../storage';
import type { Pullback } from '../tape';
import { Tensor } from '../tensor';
import { defineOp, empty, named, type OpName, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

// Views: tensors that read their input's storage through other strides and offset, made in
// O(1) without copying. Each records itself on the tape like any op (a view's gradient is
// that of the op it stands for), and knows how to make itself again from its base, which is
// how in-place writes through views are differentiated (see inplace.ts).

/**
 * A view of `x` with `shape`, `strides` and `offset` in x's storage. `again` makes the same
 * view of another tensor shaped like x: composed with x's own, it re-derives the view from
 * the base that owns the storage.
 */
function makeView(
  op: OpName,
  x: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  again: (t: Tensor) => Tensor,
  pullback: Pullback,
): Tensor {
  const outer = x.replay;
  const replay = outer === null ? again : (b: Tensor) => again(outer(b));
  const y = new Tensor(x.storage, shape, { strides, offset, base: x.base ?? x, replay });
  return record(op, [x], y, pullback);
}

/** The gradient of a view that picks elements once each: zeros, with `dy` where the view reads. */
function intoZeros(dy: Tensor, like: Tensor, again: (t: Tensor) => Tensor): Tensor {
  const z = empty(like.shape, dy.dtype);
  again(z).copy_(dy);
  return z;
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

/**
 * The same elements in a new shape, sharing x's storage; one size may be −1 (inferred).
 * Throws when x's strides cannot be read in that shape (after a `transpose`, say): use
 * `reshape`, which copies then.
 */
export function view(x: TensorLike, shape: readonly number[]): Tensor {
  if (trace.on && trace.entering !== view) return traced(view, [x, shape]);
  const a = toTensor('view', x);
  const target = inferShape('view', a, shape);
  const strides = viewStrides(a.shape, a.strides, target);
  if (strides === null) {
    throw new ShapeError(
      'view',
      `cannot view ${fmt(a.shape)} with strides ${fmt(a.strides)} as ${fmt(target)}: a new dim ` +
        'would span elements that are not evenly spaced in memory; use reshape (which copies then) ' +
        'or contiguous() first',
    );
  }
  return makeView(
    'view',
    a,
    target,
    strides,
    a.offset,
    (t) => t.view(target),
    (dy) => [dy.reshape(a.shape)],
  );
}

/** The same elements in a new shape; one size may be −1. A view when the strides allow, else a copy. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  if (trace.on && trace.entering !== reshape) return traced(reshape, [x, shape]);
  const a = toTensor('reshape', x);
  const target = inferShape('reshape', a, shape);
  if (shapesEqual(target, a.shape)) return a;
  const src = viewStrides(a.shape, a.strides, target) === null ? contiguous(a) : a;
  return named('reshape', () => view(src, target));
}

/** x itself when its elements are in row-major order, else a row-major copy (on the tape). */
export function contiguous(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== contiguous) return traced(contiguous, [x]);
  const a = toTensor('contiguous', x);
  return a.isContiguous() ? a : copy(a);
}

const copy = defineOp(
  'contiguous',
  (a: Tensor) => new Tensor(a.data, a.shape),
  (dy) => [dy],
);

/** Reorders the dims: output dim i is input dim `dims[i]`. */
export function permute(x: TensorLike, dims: readonly number[]): Tensor {
  if (trace.on && trace.entering !== permute) return traced(permute, [x, dims]);
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
  const strides = a.strides;
  const inverse = order.map((_, i) => order.indexOf(i));
  return makeView(
    'permute',
    a,
    order.map((d) => a.shape[d]),
    order.map((d) => strides[d]),
    a.offset,
    (t) => t.permute(order),
    (dy) => [dy.permute(inverse)],
  );
}

/** Swaps two dims. */
export function transpose(x: TensorLike, dim0: number, dim1: number): Tensor {
  if (trace.on && trace.entering !== transpose) return traced(transpose, [x, dim0, dim1]);
  const a = toTensor('transpose', x);
  const d0 = normalizeDim('transpose', dim0, a.ndim);
  const d1 = normalizeDim('transpose', dim1, a.ndim);
  const order = a.shape.map((_, i) => (i === d0 ? d1 : i === d1 ? d0 : i));
  return named('transpose', () => permute(a, order));
}

/** Broadcasts x to `shape` (−1 keeps a size) with zero strides; the gradient sums back. */
export function expand(x: TensorLike, shape: readonly number[]): Tensor {
  if (trace.on && trace.entering !== expand) return traced(expand, [x, shape]);
  const a = toTensor('expand', x);
  checkIntArray('expand', 'shape', shape, -1);
  const lead = shape.length - a.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? a.shape[i - lead] : d));
  checkShape('expand', target);
  if (lead < 0 || a.shape.some((d, i) => d !== 1 && d !== target[i + lead])) {
    throw new ShapeError('expand', `cannot expand ${fmt(a.shape)} to ${fmt(shape)}`);
  }
  if (shapesEqual(target, a.shape)) return a;
  const from = a.strides;
  const strides = target.map((d, i) =>
    i < lead || (a.shape[i - lead] === 1 && d !== 1) ? 0 : from[i - lead],
  );
  return makeView(
    'expand',
    a,
    target,
    strides,
    a.offset,
    (t) => t.expand(target),
    (dy) => [dy.sumTo(a.shape)],
  );
}

/** `length` consecutive elements of `dim` from `start` (negative `start` counts from the end). */
export function narrow(x: TensorLike, dim: number, start: number, length: number): Tensor {
  if (trace.on && trace.entering !== narrow) return traced(narrow, [x, dim, start, length]);
  const a = toTensor('narrow', x);
  const d = normalizeDim('narrow', dim, a.ndim);
  checkInt('narrow', 'start', start);
  checkInt('narrow', 'length', length);
  const size = a.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size) {
    throw new IndexError(
      'narrow',
      `start ${start} and length ${length} do not fit dim ${dim} of ${fmt(a.shape)}`,
    );
  }
  if (s === 0 && length === size) return a;
  // F.pad order: a [before, after] pair per dim, starting from the last
  const pads = new Array<number>(2 * (a.ndim - d)).fill(0);
  pads[pads.length - 2] = s;
  pads[pads.length - 1] = size - s - length;
  return makeView(
    'narrow',
    a,
    a.shape.map((n, i) => (i === d ? length : n)),
    a.strides,
    a.offset + s * a.strides[d],
    (t) => t.narrow(d, s, length),
    (dy) => [dy.pad(pads)],
  );
}

/** The slice at `index` of `dim`, which it removes (Python's `x[:, index]`). */
export function select(x: TensorLike, dim: number, index: number): Tensor {
  if (trace.on && trace.entering !== select) return traced(select, [x, dim, index]);
  const a = toTensor('select', x);
  const d = normalizeDim('select', dim, a.ndim);
  const n = a.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError(
      'select',
      `index ${show(index)} is out of range for dim ${dim} of size ${n}`,
    );
  }
  const k = index < 0 ? index + n : index;
  const pads = new Array<number>(2 * (a.ndim - d)).fill(0);
  pads[pads.length - 2] = k;
  pads[pads.length - 1] = n - k - 1;
  return makeView(
    'select',
    a,
    a.shape.filter((_, i) => i !== d),
    a.strides.filter((_, i) => i !== d),
    a.offset + k * a.strides[d],
    (t) => t.select(d, k),
    (dy) => [dy.unsqueeze(d).pad(pads)],
  );
}

/** Python's `x[start:end:step]` along `dim`: negative bounds count from the end, and clamp. */
export function slice(x: TensorLike, dim: number, start = 0, end = Infinity, step = 1): Tensor {
  if (trace.on && trace.entering !== slice) return traced(slice, [x, dim, start, end, step]);
  const a = toTensor('slice', x);
  const d = normalizeDim('slice', dim, a.ndim);
  checkNumber('slice', 'start', start, { integer: Number.isFinite(start), finite: false });
  checkNumber('slice', 'end', end, { integer: Number.isFinite(end), finite: false });
  if (!Number.isInteger(step) || step <= 0)
    throw new IndexError('slice', `step must be a positive integer, got ${show(step)}`);
  const n = a.shape[d];
  const clampTo = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = clampTo(start);
  const e = Math.max(clampTo(end), s);
  if (step === 1) return named('slice', () => narrow(a, d, s, e - s));
  const again = (t: Tensor) => t.slice(d, s, e, step);
  return makeView(
    'slice',
    a,
    a.shape.map((k, i) => (i === d ? Math.ceil((e - s) / step) : k)),
    a.strides.map((k, i) => (i === d ? k * step : k)),
    a.offset + s * a.strides[d],
    again,
    (dy) => [intoZeros(dy, a, again)],
  );
}

/**
 * The diagonal of the matrices in dims `dim1` and `dim2` (`offset` above it when positive,
 * below when negative), as a new last dim (PyTorch's `diagonal`).
 */
export function diagonal(x: TensorLike, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  if (trace.on && trace.entering !== diagonal) return traced(diagonal, [x, offset, dim1, dim2]);
  const a = toTensor('diagonal', x);
  checkInt('diagonal', 'offset', offset);
  const d1 = normalizeDim('diagonal', dim1, a.ndim);
  const d2 = normalizeDim('diagonal', dim2, a.ndim);
  if (d1 === d2)
    throw new IndexError('diagonal', `dim1 and dim2 must differ, both are ${d1} (${fmt(a.shape)})`);
  const [n1, n2] = [a.shape[d1], a.shape[d2]];
  const [s1, s2] = [a.strides[d1], a.strides[d2]];
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const start = length === 0 ? 0 : offset >= 0 ? offset * s2 : -offset * s1;
  const keep = (_: number, i: number) => i !== d1 && i !== d2;
  const again = (t: Tensor) => t.diagonal(offset, d1, d2);
  return makeView(
    'diagonal',
    a,
    [...a.shape.filter(keep), length],
    [...a.strides.filter(keep), s1 + s2],
    a.offset + start,
    again,
    (dy) => [intoZeros(dy, a, again)],
  );
}

/**
 * The windows of `size` elements along `dim`, `step` apart, as a new last dim (PyTorch's
 * `Tensor.unfold`). Windows overlap when `step < size`: the gradient adds up where they do.
 */
export function unfold(x: TensorLike, dim: number, size: number, step: number): Tensor {
  if (trace.on && trace.entering !== unfold) return traced(unfold, [x, dim, size, step]);
  const a = toTensor('unfold', x);
  const d = a.ndim === 0 ? 0 : normalizeDim('unfold', dim, a.ndim);
  checkInt('unfold', 'size', size, 0);
  checkInt('unfold', 'step', step, 1);
  const shape = a.ndim === 0 ? [1] : a.shape;
  const strides = a.ndim === 0 ? [1] : a.strides;
  if (size > shape[d]) {
    throw new ShapeError(
      'unfold',
      `size ${size} is larger than dim ${dim} of ${fmt(a.shape)} (${shape[d]})`,
    );
  }
  const windows = Math.floor((shape[d] - size) / step) + 1;
  return makeView(
    'unfold',
    a,
    [...shape.map((n, i) => (i === d ? windows : n)), size],
    [...strides.map((s, i) => (i === d ? s * step : s)), strides[d]],
    a.offset,
    (t) => t.unfold(d, size, step),
    (dy) => [foldWindows(dy, a.shape, d, size, step)],
  );
}

/** The gradient of `unfold`: each window's elements added back where they came from. */
function foldWindows(
  dy: Tensor,
  shape: readonly number[],
  d: number,
  size: number,
  step: number,
): Tensor {
  return defineOp(
    'unfoldBackward',
    (g: Tensor) => {
      const y = empty(shape, g.dtype);
      const rowMajor = y.strides.length === 0 ? [1] : y.strides;
      const into = [...rowMajor.map((s, i) => (i === d ? s * step : s)), rowMajor[d]];
      addStrided(g.data, y.storage.data, 0, into, g.shape);
      return y;
    },
    (g) => [g.unfold(d, size, step)],
  )(dy);
}

/**
 * The same elements cut off from the tape: no gradient flows through it. It shares x's
 * storage (and version), as in PyTorch: `clone()` it to change it without changing x.
 * @example
 * ```ts
 * const frozen = x.detach();  // same values, no gradient flows back
 * ```
 */
export function detach(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== detach) return traced(detach, [x]);
  const a = toTensor('detach', x);
  return new Tensor(a.storage, a.shape, {
    strides: a.strides,
    offset: a.offset,
    base: null,
    replay: null,
  });
}
