import { allocate, promoteTypes } from '../dtype';
import { fmt, ShapeError } from '../errors';
import { matmulBatched } from '../kernels/matmul';
import { broadcastStrides } from '../kernels/strided';
import { broadcastShapes, sizeOf } from '../shape';
import { Tensor } from '../tensor';
import { named, record, toTensor, type TensorLike } from './op';

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand gains a
 * dim that is then dropped, and n-D operands are batches of matrices whose batch dims
 * broadcast.
 */
export function matmul(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor('matmul', x);
  const b = toTensor('matmul', y, a);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError('matmul', `both arguments need at least 1 dim, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const k = a.shape[a.ndim - 1];
  const k2 = b.shape[Math.max(b.ndim - 2, 0)];
  if (k !== k2) throw new ShapeError('matmul', `inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${k} vs ${k2})`);
  if (a.ndim > 1 && b.ndim > 1) return matmulNd(a, b);
  return named('matmul', () => {
    // a 1-D operand becomes a row (left) or a column (right), and that dim is dropped again
    let out = matmulNd(a.ndim === 1 ? a.unsqueeze(0) : a, b.ndim === 1 ? b.unsqueeze(1) : b);
    if (a.ndim === 1) out = out.squeeze(-2);
    if (b.ndim === 1) out = out.squeeze(-1);
    return out;
  });
}

/** [...batch, n, k] · [...batch, k, m]; the gradient of a broadcast batch is summed by the engine. */
function matmulNd(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape.slice(-2);
  const m = b.shape[b.ndim - 1];
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const count = sizeOf(batch);
  const aOffsets = batchOffsets(a.shape.slice(0, -2), batch, n * k, count);
  const bOffsets = batchOffsets(b.shape.slice(0, -2), batch, k * m, count);
  const shape = [...batch, n, m];
  const out = new Tensor(allocate(promoteTypes(a.dtype, b.dtype), count * n * m), shape);
  matmulBatched(a.data, aOffsets, b.data, bOffsets, out.data, n, k, m);
  return record('matmul', [a, b], out, (dy, needs) => [
    needs[0] ? dy.matmul(b.mT) : null,
    needs[1] ? a.mT.matmul(dy) : null,
  ]);
}

/** The offset of each batch's matrix, for a batch shape broadcast to `batch`. */
function batchOffsets(own: readonly number[], batch: readonly number[], matrixSize: number, count: number): Int32Array {
  const strides = broadcastStrides(own, batch);
  const out = new Int32Array(count);
  const idx = new Array<number>(batch.length).fill(0);
  let p = 0;
  for (let t = 0; t < count; t++) {
    out[t] = p * matrixSize;
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d]++;
      p += strides[d];
      if (idx[d] < batch[d]) break;
      p -= strides[d] * batch[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Inner product of two 1-D tensors. */
export function dot(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor('dot', x);
  const b = toTensor('dot', y, a);
  if (a.ndim !== 1 || b.ndim !== 1 || a.size !== b.size) {
    throw new ShapeError('dot', `expects two 1-D tensors of one size, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  return matmul(a, b);
}

/** Outer product aᵢ·bⱼ of two 1-D tensors. */
export function outer(x: TensorLike, y: TensorLike): Tensor {
  const a = toTensor('outer', x);
  const b = toTensor('outer', y, a);
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError('outer', `expects two 1-D tensors, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  return named('outer', () => a.unsqueeze(1).mul(b.unsqueeze(0)));
}
