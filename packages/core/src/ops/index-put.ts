// PyTorch's index_put: writing (or adding) values at positions picked by index tensors —
// `x[i, j] = v` in Python — out of place, as an indexCopy or indexAdd over the flattened
// leading dims, so its gradients are theirs.
import { checkBool, checkOptions, show } from '../args';
import { fmt, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastShapes } from '../shape';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { zeros } from './creation';
import { type IndexLike, tensorOfIndices } from './indexing';
import { named, toTensor, type TensorLike } from './op';

/**
 * x with `values` written at `x[indices[0], indices[1], …]` (PyTorch's out-of-place
 * `index_put`): one index tensor per leading dim, broadcast against each other (negative
 * indices count from the end), or a bool mask standing for the dims it covers. With
 * `accumulate`, values add up where indices repeat; without, one of them is written.
 * @example
 * ad.zeros([2, 3]).indexPut([ad.tensor([0, 1], { dtype: 'int32' }), ad.tensor([2, 0], { dtype: 'int32' })], 5)
 * // [[0, 0, 5], [5, 0, 0]]
 */
export function indexPut(
  x: TensorLike,
  indices: readonly (Tensor | IndexLike)[],
  values: TensorLike,
  opts: { accumulate?: boolean } = {},
): Tensor {
  if (trace.on && trace.entering !== indexPut) return traced(indexPut, [x, indices, values, opts]);
  const op = 'indexPut';
  const a = toTensor(op, x);
  const { accumulate = false } = checkOptions(op, opts, ['accumulate']);
  checkBool(op, 'accumulate', accumulate);
  if (!Array.isArray(indices) || indices.length === 0)
    throw new ValueError(op, `indices must be a non-empty array, got ${show(indices)}`);
  const idx: Tensor[] = [];
  for (const index of indices) {
    if (index instanceof Tensor && index.dtype === 'bool') {
      const covered = a.shape.slice(idx.length, idx.length + index.ndim);
      if (covered.length !== index.ndim || covered.some((n, i) => n !== index.shape[i]))
        throw new ShapeError(op, `a mask ${fmt(index.shape)} must match x's dims ${fmt(covered)}`);
      const found = index.nonzero();
      for (let c = 0; c < index.ndim; c++) idx.push(found.select(1, c));
    } else {
      if (idx.length >= a.ndim)
        throw new IndexError(op, `${indices.length} indices for a tensor of ${a.ndim} dims`);
      idx.push(wrapped(op, index, a.shape[idx.length]));
    }
  }
  const k = idx.length;
  const at = idx.reduce<number[]>((s, t) => broadcastShapes(op, s, t.shape), []);
  const rest = a.shape.slice(k);
  const v = toTensor(op, values, a);
  const target = [...at, ...rest];
  broadcastShapes(op, v.shape, target);
  if (
    v.ndim > target.length ||
    v.shape.some((n, i) => n !== 1 && n !== target[target.length - v.ndim + i])
  )
    throw new ShapeError(op, `values ${fmt(v.shape)} do not broadcast to ${fmt(target)}`);
  return named(op, () => {
    // each index's row-major position among the first k dims
    let flat = zeros(at, { dtype: 'int32' });
    let stride = 1;
    for (let j = k - 1; j >= 0; j--) {
      flat = flat.add(idx[j].expand(at).mul(stride));
      stride *= a.shape[j];
    }
    const rows = a.reshape([stride, ...rest]);
    const vals = v
      .cast(a.dtype)
      .expand(target)
      .reshape([-1, ...rest]);
    const positions = flat.reshape([-1]);
    const y = accumulate ? rows.indexAdd(0, positions, vals) : rows.indexCopy(0, positions, vals);
    return y.reshape(a.shape);
  });
}

/** An index tensor with negative entries wrapped, every entry checked to be in [−size, size). */
function wrapped(op: string, index: Tensor | IndexLike, size: number): Tensor {
  const t = index instanceof Tensor ? index : tensorOfIndices(op, index);
  const [from, out] = [t.data, new Int32Array(t.size)];
  for (let i = 0; i < from.length; i++) {
    const v = from[i];
    if (!Number.isInteger(v) || v < -size || v >= size)
      throw new IndexError(op, `index ${v} is out of range for a dim of size ${size}`);
    out[i] = v < 0 ? v + size : v;
  }
  return new Tensor(out, t.shape);
}
