// Tensor methods: indexing, masks and sampling. One-line sugar over the op functions
// of the same names (see ../methods.ts).
import * as ops from '../ops/index';
import type { IndexLike, IndexPart, SampleOptions, TensorLike } from '../ops/index';
import type { Tensor } from '../tensor';

export const indexingMethods = {
  indexSelect(this: Tensor, dim: number, index: IndexLike): Tensor {
    return ops.indexSelect(this, dim, index);
  },
  indexAdd(
    this: Tensor,
    dim: number,
    index: IndexLike,
    source: TensorLike,
    opts?: { alpha?: number },
  ): Tensor {
    return ops.indexAdd(this, dim, index, source, opts);
  },
  gather(this: Tensor, dim: number, index: IndexLike): Tensor {
    return ops.gather(this, dim, index);
  },
  scatterAdd(this: Tensor, dim: number, index: IndexLike, src: TensorLike): Tensor {
    return ops.scatterAdd(this, dim, index, src);
  },
  indexPut(
    this: Tensor,
    indices: readonly (Tensor | IndexLike)[],
    values: TensorLike,
    opts?: { accumulate?: boolean },
  ): Tensor {
    return ops.indexPut(this, indices, values, opts);
  },
  scatterReduce(
    this: Tensor,
    dim: number,
    index: IndexLike,
    src: Tensor,
    reduce: ops.ScatterReduction,
    opts?: { includeSelf?: boolean },
  ): Tensor {
    return ops.scatterReduce(this, dim, index, src, reduce, opts);
  },
  /** Python's indexing as a view: `x.at(':, 1:5:2, -1')` is `x[:, 1:5:2, -1]`. */
  at(this: Tensor, index: string | readonly IndexPart[]): Tensor {
    return ops.at(this, index);
  },
  /** 0/1 samples, 1 with this tensor's probabilities. */
  bernoulli(this: Tensor, opts?: SampleOptions): Tensor {
    return ops.bernoulli(this, opts);
  },
  /** Indices drawn in proportion to this tensor's weights (rows for 2-D). */
  multinomial(
    this: Tensor,
    numSamples: number,
    opts?: SampleOptions & { replacement?: boolean },
  ): Tensor {
    return ops.multinomial(this, numSamples, opts);
  },
  maskedFill(this: Tensor, mask: Tensor, value: TensorLike): Tensor {
    return ops.maskedFill(this, mask, value);
  },
  maskedSelect(this: Tensor, mask: Tensor): Tensor {
    return ops.maskedSelect(this, mask);
  },
  tril(this: Tensor, k?: number): Tensor {
    return ops.tril(this, k);
  },
  triu(this: Tensor, k?: number): Tensor {
    return ops.triu(this, k);
  },
  nonzero(this: Tensor): Tensor {
    return ops.nonzero(this);
  },
  takeAlongDim(this: Tensor, indices: IndexLike, dim?: number): Tensor {
    return ops.takeAlongDim(this, indices, dim);
  },
  scatter(this: Tensor, dim: number, index: IndexLike, src: TensorLike): Tensor {
    return ops.scatter(this, dim, index, src);
  },
  indexCopy(this: Tensor, dim: number, index: IndexLike, source: TensorLike): Tensor {
    return ops.indexCopy(this, dim, index, source);
  },
};
