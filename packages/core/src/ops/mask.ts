import { checkInt, show } from '../args';
import { DTypeError, fmt, ShapeError } from '../errors';
import { broadcastStrides, forEachRow, rowOf } from '../kernels/index';
import { broadcastShapes, shapesEqual } from '../shape';
import { Tensor } from '../tensor';
import { where } from './binary';
import { empty, named, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

// Boolean masks, as PyTorch takes them: bool tensors that broadcast against the input.

function checkMask(op: 'maskedFill' | 'maskedSelect', mask: unknown): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') {
    const got = mask instanceof Tensor ? `a ${mask.dtype} tensor` : show(mask);
    throw new DTypeError(op, `mask must be a bool tensor, got ${got} (compare first: x.gt(0))`);
  }
  return mask;
}

/**
 * x with `value` wherever `mask` (bool, broadcast to x's shape) is true. The gradient flows
 * to x where the mask is false, and to a tensor `value` from every masked place.
 * @example
 * ```ts
 * scores.maskedFill(padding, -Infinity)
 * ```
 */
export function maskedFill(x: TensorLike, mask: Tensor, value: TensorLike): Tensor {
  if (trace.on && trace.entering !== maskedFill) return traced(maskedFill, [x, mask, value]);
  const a = toTensor('maskedFill', x);
  const m = checkMask('maskedFill', mask);
  if (!shapesEqual(broadcastShapes('maskedFill', a.shape, m.shape), a.shape))
    throw new ShapeError(
      'maskedFill',
      `mask ${fmt(m.shape)} does not broadcast to ${fmt(a.shape)}`,
    );
  const v = toTensor('maskedFill', value, a);
  if (v.ndim !== 0)
    throw new ShapeError(
      'maskedFill',
      `value must be a number or a 0-d tensor, got ${fmt(v.shape)}`,
    );
  return named('maskedFill', () => {
    const y = where(m, v, a);
    return y.dtype === a.dtype ? y : y.cast(a.dtype); // x keeps its dtype, as in PyTorch
  });
}

/**
 * The elements of x where `mask` is true (both broadcast), as a 1-D tensor in row-major order.
 * @example
 * ```ts
 * x.maskedSelect(x.gt(0))  // the positive elements
 * ```
 */
export function maskedSelect(x: TensorLike, mask: Tensor): Tensor {
  if (trace.on && trace.entering !== maskedSelect) return traced(maskedSelect, [x, mask]);
  const a = toTensor('maskedSelect', x);
  const m = checkMask('maskedSelect', mask);
  const shape = broadcastShapes('maskedSelect', a.shape, m.shape);
  // walk the broadcast shape without making it: each true element of the mask picks the
  // element of x at the same broadcast position
  const [keep, xs] = [m.data, broadcastStrides(a.shape, shape)];
  const ms = broadcastStrides(m.shape, shape);
  const picks: number[] = [];
  const [n, sm, sx] = rowOf(shape, [ms, xs]);
  forEachRow(shape, [ms, xs], [0, 0], ([pm, px]) => {
    for (let k = 0; k < n; k++) if (keep[pm + k * sm] !== 0) picks.push(px + k * sx);
  });
  return named('maskedSelect', () => a.reshape([-1]).indexSelect(0, picks));
}

/** The lower triangle of the matrices in x's last two dims: elements with col − row ≤ k kept. */
export function tril(x: TensorLike, k = 0): Tensor {
  if (trace.on && trace.entering !== tril) return traced(tril, [x, k]);
  return triangle('tril', x, k, (row, col) => col - row <= k);
}

/** The upper triangle of the matrices in x's last two dims: elements with col − row ≥ k kept. */
export function triu(x: TensorLike, k = 0): Tensor {
  if (trace.on && trace.entering !== triu) return traced(triu, [x, k]);
  return triangle('triu', x, k, (row, col) => col - row >= k);
}

function triangle(
  op: 'tril' | 'triu',
  x: TensorLike,
  k: number,
  keep: (row: number, col: number) => boolean,
): Tensor {
  const a = toTensor(op, x);
  checkInt(op, 'diagonal', k);
  if (a.ndim < 2) throw new ShapeError(op, `needs at least 2 dims, got ${fmt(a.shape)}`);
  const [rows, cols] = a.shape.slice(-2);
  const mask = empty([rows, cols], 'bool');
  const m = mask.data;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) m[r * cols + c] = keep(r, c) ? 1 : 0;
  // where, not a product: a NaN or ∞ outside the triangle is dropped, as PyTorch drops it;
  // the zero has x's dtype, so a bool or int32 triangle keeps its dtype
  return named(op, () => where(mask, a, empty([], a.dtype)));
}

/**
 * The indices of x's non-zero elements, one row per element, one column per dim (int32,
 * shape [n, ndim]). Not differentiable.
 * @example
 * ```ts
 * ad.tensor([[0, 1], [2, 0]]).nonzero()  // [[0, 1], [1, 0]]
 * ```
 */
export function nonzero(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== nonzero) return traced(nonzero, [x]);
  const a = toTensor('nonzero', x);
  const d = a.data;
  const found: number[] = [];
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) found.push(i);
  const y = empty([found.length, a.ndim], 'int32');
  const out = y.data;
  found.forEach((flat, j) => {
    for (let dim = a.ndim - 1, rest = flat; dim >= 0; dim--) {
      out[j * a.ndim + dim] = rest % a.shape[dim];
      rest = Math.floor(rest / a.shape[dim]);
    }
  });
  return record('nonzero', [a], y, null);
}
