// Tensor methods: views, movement, copies and conversions. One-line sugar over the op functions
// of the same names (see ../methods.ts).
import type { DType } from '../dtype';
import * as ops from '../ops/index';
import type { PadOptions } from '../ops/index';
import type { Tensor } from '../tensor';
import { type Sizes, self, sizesOf } from './args';

export const shapeMethods = {
  /** The same elements in a new shape: `reshape([3, 2])` or PyTorch's `reshape(3, 2)`; one size may be −1. */
  reshape(this: Tensor, ...shape: Sizes): Tensor {
    return ops.reshape(this, sizesOf(shape));
  },
  /** The same storage in a new shape: `view([2, 3])` or `view(2, 3)`; throws when strides forbid it. */
  view(this: Tensor, ...shape: Sizes): Tensor {
    return ops.view(this, sizesOf(shape));
  },
  /** `view` as `other`'s shape. */
  viewAs(this: Tensor, other: Tensor): Tensor {
    return ops.view(this, other.shape);
  },
  /** This tensor when its elements are row-major, else a row-major copy. */
  contiguous(this: Tensor): Tensor {
    return ops.contiguous(this);
  },
  diagonal(this: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor {
    return ops.diagonal(this, offset, dim1, dim2);
  },
  /** Windows of `size` along `dim`, `step` apart, as a new last dim (a view). */
  unfold(this: Tensor, dim: number, size: number, step: number): Tensor {
    return ops.unfold(this, dim, size, step);
  },
  flatten(this: Tensor, startDim?: number, endDim?: number): Tensor {
    return ops.flatten(this, startDim, endDim);
  },
  squeeze(this: Tensor, dim?: number): Tensor {
    return ops.squeeze(this, dim);
  },
  unsqueeze(this: Tensor, dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  },
  /** Reorders the dims: `permute([1, 0])` or PyTorch's `permute(1, 0)`. */
  permute(this: Tensor, ...dims: Sizes): Tensor {
    return ops.permute(this, sizesOf(dims));
  },
  transpose(this: Tensor, dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  },
  /** The transpose of a 2-D tensor (a 0-d or 1-D tensor is returned as is, as in PyTorch). */
  t(this: Tensor): Tensor {
    return this.ndim < 2 ? this : ops.transpose(this, 0, 1);
  },
  /** The last two dims swapped (PyTorch's `mT`). */
  get mT(): Tensor {
    return ops.transpose(self(this), -2, -1);
  },
  /** All dims reversed (PyTorch's `T`): the transpose of a matrix; a 0-d or 1-D tensor as is. */
  get T(): Tensor {
    const x = self(this);
    return x.ndim < 2
      ? x
      : ops.permute(
          x,
          x.shape.map((_, i) => x.ndim - 1 - i),
        );
  },
  /** Broadcasts to a shape: `expand([2, 3])` or `expand(2, 3)`; −1 keeps a size. */
  expand(this: Tensor, ...shape: Sizes): Tensor {
    return ops.expand(this, sizesOf(shape));
  },
  /** `expand` to `other`'s shape. */
  expandAs(this: Tensor, other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  },
  sumTo(this: Tensor, shape: readonly number[]): Tensor {
    return ops.sumTo(this, shape);
  },
  narrow(this: Tensor, dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  },
  pad(this: Tensor, pads: readonly number[], opts?: number | PadOptions): Tensor {
    return ops.pad(this, pads, opts);
  },
  select(this: Tensor, dim: number, index: number): Tensor {
    return ops.select(this, dim, index);
  },
  slice(this: Tensor, dim: number, start?: number, end?: number, step?: number): Tensor {
    return ops.slice(this, dim, start, end, step);
  },
  split(this: Tensor, size: number | readonly number[], dim?: number): Tensor[] {
    return ops.split(this, size, dim);
  },
  chunk(this: Tensor, chunks: number, dim?: number): Tensor[] {
    return ops.chunk(this, chunks, dim);
  },
  repeat(this: Tensor, ...reps: Sizes): Tensor {
    return ops.repeat(this, sizesOf(reps));
  },
  flip(this: Tensor, ...dims: Sizes): Tensor {
    return ops.flip(this, sizesOf(dims));
  },
  roll(
    this: Tensor,
    shifts: number | readonly number[],
    dims?: number | readonly number[],
  ): Tensor {
    return ops.roll(this, shifts, dims);
  },
  tile(this: Tensor, ...reps: Sizes): Tensor {
    return ops.tile(this, sizesOf(reps));
  },
  repeatInterleave(
    this: Tensor,
    repeats: number | readonly number[] | Tensor,
    dim?: number,
  ): Tensor {
    return ops.repeatInterleave(this, repeats, dim);
  },
  diagEmbed(this: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor {
    return ops.diagEmbed(this, offset, dim1, dim2);
  },
  clone(this: Tensor): Tensor {
    return ops.clone(this);
  },
  detach(this: Tensor): Tensor {
    return ops.detach(this);
  },
  cast(this: Tensor, dtype: DType): Tensor {
    return ops.cast(this, dtype);
  },
  /** Converts to `dtype` (PyTorch's `Tensor.to(dtype)`). */
  to(this: Tensor, dtype: DType): Tensor {
    return ops.cast(this, dtype);
  },
  /** Converts to float32. */
  float(this: Tensor): Tensor {
    return ops.cast(this, 'float32');
  },
  /** Converts to float64. */
  double(this: Tensor): Tensor {
    return ops.cast(this, 'float64');
  },
  zerosLike(this: Tensor): Tensor {
    return ops.zerosLike(this);
  },
  onesLike(this: Tensor): Tensor {
    return ops.onesLike(this);
  },
};
