// Tensor methods: reductions, products, scans and sorting. One-line sugar over the op functions
// of the same names (see ../methods.ts).
import * as ops from '../ops/index';
import type { Dims, ReduceOptions, TensorLike, ValuesIndices, VarianceOptions } from '../ops/index';
import type { Tensor } from '../tensor';

/** The median: a 0-d tensor over all elements; along `dim`, `[values, indices]`. */
function median(this: Tensor): Tensor;
function median(this: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
function median(this: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices {
  return dim === undefined ? ops.median(this) : ops.median(this, dim, keepdim);
}

export const reduceMethods = {
  sum(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.sum(this, dim, opts);
  },
  mean(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.mean(this, dim, opts);
  },
  prod(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.prod(this, dim, opts);
  },
  max(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.max(this, dim, opts);
  },
  min(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.min(this, dim, opts);
  },
  amax(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.amax(this, dim, opts);
  },
  amin(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.amin(this, dim, opts);
  },
  logsumexp(this: Tensor, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.logsumexp(this, dim, opts);
  },
  /** Variance Σ(x − x̄)² / (N − correction) over `dim` (see `variance`). */
  var(this: Tensor, dim?: Dims, opts?: VarianceOptions | boolean, keepdim?: boolean): Tensor {
    return ops.variance(this, dim, opts, keepdim);
  },
  std(this: Tensor, dim?: Dims, opts?: VarianceOptions | boolean, keepdim?: boolean): Tensor {
    return ops.std(this, dim, opts, keepdim);
  },
  norm(this: Tensor, p?: number, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
    return ops.norm(this, p, dim, opts);
  },
  argmax(this: Tensor, dim?: number, opts?: ReduceOptions | boolean): Tensor {
    return ops.argmax(this, dim, opts);
  },
  argmin(this: Tensor, dim?: number, opts?: ReduceOptions | boolean): Tensor {
    return ops.argmin(this, dim, opts);
  },
  matmul(this: Tensor, other: TensorLike): Tensor {
    return ops.matmul(this, other);
  },
  dot(this: Tensor, other: TensorLike): Tensor {
    return ops.dot(this, other);
  },
  outer(this: Tensor, other: TensorLike): Tensor {
    return ops.outer(this, other);
  },
  /** einsum with this tensor as the first operand: `a.einsum('ij,jk->ik', b)`. */
  einsum(this: Tensor, equation: string, ...others: TensorLike[]): Tensor {
    return ops.einsum(equation, this, ...others);
  },
  cumsum(this: Tensor, dim: number): Tensor {
    return ops.cumsum(this, dim);
  },
  cumprod(this: Tensor, dim: number): Tensor {
    return ops.cumprod(this, dim);
  },
  logcumsumexp(this: Tensor, dim: number): Tensor {
    return ops.logcumsumexp(this, dim);
  },
  cummax(this: Tensor, dim: number): ValuesIndices {
    return ops.cummax(this, dim);
  },
  cummin(this: Tensor, dim: number): ValuesIndices {
    return ops.cummin(this, dim);
  },
  sort(this: Tensor, dim?: number, descending?: boolean): ValuesIndices {
    return ops.sort(this, dim, descending);
  },
  argsort(this: Tensor, dim?: number, descending?: boolean): Tensor {
    return ops.argsort(this, dim, descending);
  },
  topk(this: Tensor, k: number, dim?: number, largest?: boolean): ValuesIndices {
    return ops.topk(this, k, dim, largest);
  },
  kthvalue(this: Tensor, k: number, dim?: number, keepdim?: boolean): ValuesIndices {
    return ops.kthvalue(this, k, dim, keepdim);
  },
  mode(this: Tensor, dim?: number, keepdim?: boolean): ValuesIndices {
    return ops.mode(this, dim, keepdim);
  },
  /** The median: a 0-d tensor over all elements; along `dim`, `[values, indices]`. */
  median,
};
