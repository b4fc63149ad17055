import { checkInt, checkIntArray, show } from '../args';
import { fmt, IndexError, ShapeError, ValueError } from '../errors';
import { copyStrided } from '../kernels/index';
import { normalizeDim, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { zeros } from './creation';
import { cat } from './movement';
import { empty, named, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

/** The most elements a typed array holds here (2³² − 1). */
const MAX_ELEMENTS = 2 ** 32 - 1;

// Ops that put elements in another order or repeat them: each a copy (PyTorch's are too).

function dimsOf(op: string, dims: number | readonly number[], ndim: number): number[] {
  const list = typeof dims === 'number' ? [dims] : checkIntArray(op, 'dims', dims);
  const out = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length)
    throw new IndexError(op, `dims ${fmt(list)} name a dim twice`);
  return out;
}

/** x with the order of the elements along `dims` reversed. */
export function flip(x: TensorLike, dims: number | readonly number[]): Tensor {
  if (trace.on && trace.entering !== flip) return traced(flip, [x, dims]);
  const a = toTensor('flip', x);
  const ds = dimsOf('flip', dims, a.ndim);
  // read backwards: start at the last element of each flipped dim and step by −stride
  const strides = a.strides.map((s, i) => (ds.includes(i) ? -s : s));
  let offset = a.offset;
  for (const d of ds) offset += (a.shape[d] - 1) * a.strides[d];
  const y = empty(a.shape, a.dtype);
  if (a.size > 0)
    copyStrided(a.storage.data, offset, strides, y.data, 0, stridesOf(a.shape), a.shape);
  return record('flip', [a], y, (dy) => [dy.flip(ds)]);
}

/**
 * x's elements shifted by `shifts` along `dims`, those pushed off one end coming back at the
 * other; without dims, over the flattened tensor (PyTorch's `roll`).
 */
export function roll(
  x: TensorLike,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  if (trace.on && trace.entering !== roll) return traced(roll, [x, shifts, dims]);
  const a = toTensor('roll', x);
  const steps =
    typeof shifts === 'number'
      ? [checkInt('roll', 'shifts', shifts)]
      : checkIntArray('roll', 'shifts', shifts);
  if (dims === undefined) {
    if (steps.length !== 1)
      throw new ValueError('roll', `without dims, shifts must be one number, got ${fmt(steps)}`);
    return named('roll', () => roll(a.reshape([-1]), steps[0], 0).reshape(a.shape));
  }
  const ds = dimsOf('roll', dims, a.ndim);
  if (ds.length !== steps.length)
    throw new ValueError('roll', `${steps.length} shifts for ${ds.length} dims`);
  return named('roll', () =>
    ds.reduce((y, d, i) => {
      const n = y.shape[d];
      const s = n === 0 ? 0 : ((steps[i] % n) + n) % n;
      return s === 0 ? y : cat([y.narrow(d, n - s, s), y.narrow(d, 0, n - s)], d);
    }, a),
  );
}

/** x repeated `reps[i]` times along dim i; fewer reps than dims repeat the last dims (NumPy's `tile`). */
export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  if (trace.on && trace.entering !== tile) return traced(tile, [x, reps]);
  const a = toTensor('tile', x);
  const r = checkIntArray('tile', 'reps', reps, 0);
  const full = [...new Array<number>(Math.max(0, a.ndim - r.length)).fill(1), ...r];
  return named('tile', () => a.repeat(full));
}

/**
 * Each element (or slice along `dim`) repeated `repeats` times in place: a number, or one
 * count per element. Without dim, over the flattened tensor.
 * @example
 * ```ts
 * ad.tensor([1, 2]).repeatInterleave(2)  // [1, 1, 2, 2]
 * ```
 */
export function repeatInterleave(
  x: TensorLike,
  repeats: number | readonly number[] | Tensor,
  dim?: number,
): Tensor {
  if (trace.on && trace.entering !== repeatInterleave)
    return traced(repeatInterleave, [x, repeats, dim]);
  const a = toTensor('repeatInterleave', x);
  const d = dim === undefined ? 0 : normalizeDim('repeatInterleave', dim, a.ndim);
  const counts = countsOf(repeats, dim === undefined ? a.size : a.shape[d]); // before any op
  const total = counts.reduce((s, c) => s + c, 0);
  if (total > MAX_ELEMENTS)
    throw new ValueError('repeatInterleave', `${total} elements are more than a tensor can hold`);
  const src = dim === undefined ? a.reshape([-1]) : a;
  const picks: number[] = [];
  counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) picks.push(i);
  });
  return named('repeatInterleave', () => src.indexSelect(d, picks));
}

function countsOf(repeats: number | readonly number[] | Tensor, n: number): number[] {
  const op = 'repeatInterleave';
  if (typeof repeats === 'number')
    return new Array<number>(n).fill(checkInt(op, 'repeats', repeats, 0));
  const list =
    repeats instanceof Tensor ? Array.from(repeats.data) : checkIntArray(op, 'repeats', repeats, 0);
  if (list.some((c) => !Number.isInteger(c) || c < 0))
    throw new ValueError(op, `repeats must be integers ≥ 0, got ${show(list)}`);
  if (list.length === 1) return new Array<number>(n).fill(list[0]);
  if (list.length !== n) throw new ShapeError(op, `${list.length} repeats for a dim of size ${n}`);
  return list;
}

/**
 * Matrices whose diagonal (`offset` above it, or below when negative) holds x's last dim,
 * zeros elsewhere; the two new dims are `dim1` and `dim2` of the result (PyTorch's `diag_embed`).
 */
export function diagEmbed(x: TensorLike, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  if (trace.on && trace.entering !== diagEmbed) return traced(diagEmbed, [x, offset, dim1, dim2]);
  const a = toTensor('diagEmbed', x);
  checkInt('diagEmbed', 'offset', offset);
  if (a.ndim === 0) throw new ShapeError('diagEmbed', 'needs at least 1 dim, got a 0-d tensor');
  const nd = a.ndim + 1;
  const d1 = normalizeDim('diagEmbed', dim1, nd);
  const d2 = normalizeDim('diagEmbed', dim2, nd);
  if (d1 === d2) throw new IndexError('diagEmbed', `dim1 and dim2 must differ, both are ${d1}`);
  const m = a.shape[a.ndim - 1] + Math.abs(offset);
  const rest = a.shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, j = 0; i < nd; i++) shape.push(i === d1 || i === d2 ? m : rest[j++]);
  return named('diagEmbed', () => {
    const out = zeros(shape, { dtype: a.dtype });
    out.diagonal(offset, d1, d2).copy_(a); // through the view: the gradient is x's diagonal
    return out;
  });
}
