import { DTypeError, fmt, ShapeError } from '../errors';
import { normalizeDim } from '../shape';
import { Tensor } from '../tensor';
import { around, checkScatterShape, type IndexLike, scatterWalk, toIndex } from './indexing';
import { empty, named, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

// Writing along a dim by index, out of place (PyTorch's scatter, index_copy), and reading
// with indices that broadcast (take_along_dim).

/**
 * `x[…, indices[…i…], …]` along `dim`, with x and the indices broadcast against each other
 * outside it (NumPy's and PyTorch's `take_along_dim`); without dim, over the flattened x.
 */
export function takeAlongDim(x: TensorLike, indices: IndexLike, dim?: number): Tensor {
  if (trace.on && trace.entering !== takeAlongDim) return traced(takeAlongDim, [x, indices, dim]);
  const a = toTensor('takeAlongDim', x);
  if (dim === undefined) {
    const flat = toIndex('takeAlongDim', indices, a.size);
    return named('takeAlongDim', () => a.reshape([-1]).gather(0, flat.reshape([-1])));
  }
  const d = normalizeDim('takeAlongDim', dim, a.ndim);
  const idx = toIndex('takeAlongDim', indices, a.shape[d]);
  if (idx.ndim !== a.ndim)
    throw new ShapeError(
      'takeAlongDim',
      `indices ${fmt(idx.shape)} need x's ${a.ndim} dims (${fmt(a.shape)})`,
    );
  const shape = a.shape.map((n, i) => {
    const k = idx.shape[i];
    if (i === d || n === k || k === 1 || n === 1) return Math.max(n, k);
    throw new ShapeError(
      'takeAlongDim',
      `cannot broadcast ${fmt(a.shape)} with ${fmt(idx.shape)} outside dim ${d}`,
    );
  });
  return named('takeAlongDim', () =>
    a
      .expand(shape.map((n, i) => (i === d ? a.shape[d] : n)))
      .gather(d, idx.expand(shape.map((n, i) => (i === d ? idx.shape[d] : n)))),
  );
}

/**
 * x with `src[…i…]` written at `x[…index[…i…]…]` along `dim` (PyTorch's out-of-place
 * `scatter`); `src` may be a number. Where an index repeats, the last write wins. The
 * gradient reaches x where nothing was written, and src from where it was.
 */
export function scatter(x: TensorLike, dim: number, index: IndexLike, src: TensorLike): Tensor {
  if (trace.on && trace.entering !== scatter) return traced(scatter, [x, dim, index, src]);
  const a = toTensor('scatter', x);
  const d = normalizeDim('scatter', dim, a.ndim);
  const idx = toIndex('scatter', index, a.shape[d]);
  checkScatterShape('scatter', a, idx, d);
  const s = toTensor('scatter', src, a);
  const fromNumber = typeof src === 'number';
  if (!fromNumber && s.dtype !== a.dtype)
    throw new DTypeError(
      'scatter',
      `src is ${s.dtype} but x is ${a.dtype}; cast one of them first`,
    );
  if (!fromNumber && (s.ndim !== idx.ndim || idx.shape.some((n, i) => n > s.shape[i])))
    throw new ShapeError(
      'scatter',
      `src ${fmt(s.shape)} must cover the index's shape ${fmt(idx.shape)}`,
    );
  const y = empty(a.shape, a.dtype);
  const [to, from] = [y.data, s.data];
  to.set(a.data);
  const srcStrides = fromNumber ? null : rowStrides(s.shape);
  const idxStrides = rowStrides(idx.shape);
  scatterWalk(a.shape, idx, d, (dst, pos) => {
    to[dst] = srcStrides === null ? from[0] : from[remap(pos, idx.shape, idxStrides, srcStrides)];
  });
  const inputs = fromNumber ? [a] : [a, s];
  return record('scatter', inputs, y, (dy, needs) => [
    needs[0] ? dy.scatter(d, idx, 0) : null,
    ...(fromNumber ? [] : [needs[1] ? dy.gather(d, idx).pad(padTo(idx.shape, s.shape)) : null]),
  ]);
}

function rowStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** The offset in a tensor of strides `to` of the element at row-major position `pos` of `shape`. */
function remap(pos: number, shape: readonly number[], from: number[], to: number[]): number {
  let offset = 0;
  for (let i = 0; i < shape.length; i++) {
    offset += (Math.floor(pos / from[i]) % shape[i]) * to[i];
  }
  return offset;
}

/** F.pad amounts that grow `shape` to `target` at the end of every dim. */
function padTo(shape: readonly number[], target: readonly number[]): number[] {
  const pads: number[] = [];
  for (let i = shape.length - 1; i >= 0; i--) pads.push(0, target[i] - shape[i]);
  return pads;
}

/**
 * x with `source`'s slices copied in at `index` along `dim` (PyTorch's out-of-place
 * `index_copy`): source has x's shape with `index.length` along dim.
 */
export function indexCopy(
  x: TensorLike,
  dim: number,
  index: IndexLike,
  source: TensorLike,
): Tensor {
  if (trace.on && trace.entering !== indexCopy) return traced(indexCopy, [x, dim, index, source]);
  const a = toTensor('indexCopy', x);
  const d = normalizeDim('indexCopy', dim, a.ndim);
  const idx = toIndex('indexCopy', index, a.shape[d]);
  if (idx.ndim > 1) throw new ShapeError('indexCopy', `index must be 1-D, got ${fmt(idx.shape)}`);
  const s = toTensor('indexCopy', source, a);
  const expected = a.shape.map((n, i) => (i === d ? idx.size : n));
  if (s.ndim !== a.ndim || s.shape.some((n, i) => n !== expected[i]))
    throw new ShapeError('indexCopy', `source ${fmt(s.shape)} should be ${fmt(expected)}`);
  const [outer, inner] = around(a.shape, d);
  const n = a.shape[d];
  const k = idx.size;
  const y = empty(a.shape, a.dtype);
  const [to, from, at] = [y.data, s.data, idx.data];
  to.set(a.data);
  const written = new Uint8Array(n);
  for (let j = 0; j < k; j++) written[at[j]] = 1;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < k; j++)
      to.set(from.subarray((o * k + j) * inner, (o * k + j + 1) * inner), (o * n + at[j]) * inner);
  const kept = empty(
    a.shape.map((m, i) => (i === d ? m : 1)),
    a.dtype,
  );
  kept.data.set(Array.from(written, (w) => 1 - w));
  return record('indexCopy', [a, s], y, (dy, needs) => [
    needs[0] ? dy.mul(kept) : null,
    needs[1] ? dy.indexSelect(d, idx) : null,
  ]);
}
