// The methods of Tensor that call ops: one-line sugar over the op functions, named as in
// PyTorch. They live above the ops, which make tensors, so the layers import one way:
// tensor.ts (data and bookkeeping) ← ops ← this module; index.ts installs them.
import { backward, type BackwardOptions } from './autograd';
import type { DType } from './dtype';
import * as ops from './ops/index';
import type {
  Dims,
  IndexLike,
  IndexPart,
  PadOptions,
  ReduceOptions,
  SampleOptions,
  TensorLike,
  ValuesIndices,
  VarianceOptions,
} from './ops/index';
import { Tensor } from './tensor';

/** Sizes or dims as one array (`[3, 2]`) or as separate numbers (`3, 2`), as PyTorch takes them. */
export type Sizes = [readonly number[]] | number[];

function sizesOf(args: Sizes): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as readonly number[]);
}

/** A getter's `this`: the tensor it was called on (an object literal's getters cannot declare it). */
const self = (x: unknown) => x as Tensor;

/** The median: a 0-d tensor over all elements; along `dim`, `[values, indices]`. */
function median(this: Tensor): Tensor;
function median(this: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
function median(this: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices {
  return dim === undefined ? ops.median(this) : ops.median(this, dim, keepdim);
}

/** The methods, each with `this` the tensor it is called on; tensor.ts merges their types into Tensor's. */
export const tensorMethods = {
  /** Back-propagates from this tensor into `.grad` of the leaves (PyTorch's `backward`). */
  backward(
    this: Tensor,
    gradient?: TensorLike | BackwardOptions | null,
    opts?: BackwardOptions,
  ): void {
    const isOptions =
      gradient !== null && typeof gradient === 'object' && !(gradient instanceof Tensor);
    if (isOptions) backward(this, undefined, gradient as BackwardOptions);
    else backward(this, gradient as TensorLike | undefined, opts);
  },

  add(this: Tensor, other: TensorLike): Tensor {
    return ops.add(this, other);
  },
  sub(this: Tensor, other: TensorLike): Tensor {
    return ops.sub(this, other);
  },
  mul(this: Tensor, other: TensorLike): Tensor {
    return ops.mul(this, other);
  },
  div(this: Tensor, other: TensorLike): Tensor {
    return ops.div(this, other);
  },
  pow(this: Tensor, exponent: TensorLike): Tensor {
    return ops.pow(this, exponent);
  },
  maximum(this: Tensor, other: TensorLike): Tensor {
    return ops.maximum(this, other);
  },
  minimum(this: Tensor, other: TensorLike): Tensor {
    return ops.minimum(this, other);
  },
  eq(this: Tensor, other: TensorLike): Tensor {
    return ops.eq(this, other);
  },
  ne(this: Tensor, other: TensorLike): Tensor {
    return ops.ne(this, other);
  },
  lt(this: Tensor, other: TensorLike): Tensor {
    return ops.lt(this, other);
  },
  le(this: Tensor, other: TensorLike): Tensor {
    return ops.le(this, other);
  },
  gt(this: Tensor, other: TensorLike): Tensor {
    return ops.gt(this, other);
  },
  ge(this: Tensor, other: TensorLike): Tensor {
    return ops.ge(this, other);
  },
  /** `cond ? this : other` (PyTorch's `Tensor.where`). */
  where(this: Tensor, cond: TensorLike, other: TensorLike): Tensor {
    return ops.where(cond, this, other);
  },

  neg(this: Tensor): Tensor {
    return ops.neg(this);
  },
  abs(this: Tensor): Tensor {
    return ops.abs(this);
  },
  exp(this: Tensor): Tensor {
    return ops.exp(this);
  },
  expm1(this: Tensor): Tensor {
    return ops.expm1(this);
  },
  log(this: Tensor): Tensor {
    return ops.log(this);
  },
  log1p(this: Tensor): Tensor {
    return ops.log1p(this);
  },
  sqrt(this: Tensor): Tensor {
    return ops.sqrt(this);
  },
  rsqrt(this: Tensor): Tensor {
    return ops.rsqrt(this);
  },
  square(this: Tensor): Tensor {
    return ops.square(this);
  },
  reciprocal(this: Tensor): Tensor {
    return ops.reciprocal(this);
  },
  sin(this: Tensor): Tensor {
    return ops.sin(this);
  },
  cos(this: Tensor): Tensor {
    return ops.cos(this);
  },
  tan(this: Tensor): Tensor {
    return ops.tan(this);
  },
  asin(this: Tensor): Tensor {
    return ops.asin(this);
  },
  acos(this: Tensor): Tensor {
    return ops.acos(this);
  },
  atan(this: Tensor): Tensor {
    return ops.atan(this);
  },
  sinh(this: Tensor): Tensor {
    return ops.sinh(this);
  },
  cosh(this: Tensor): Tensor {
    return ops.cosh(this);
  },
  asinh(this: Tensor): Tensor {
    return ops.asinh(this);
  },
  acosh(this: Tensor): Tensor {
    return ops.acosh(this);
  },
  atanh(this: Tensor): Tensor {
    return ops.atanh(this);
  },
  log2(this: Tensor): Tensor {
    return ops.log2(this);
  },
  log10(this: Tensor): Tensor {
    return ops.log10(this);
  },
  exp2(this: Tensor): Tensor {
    return ops.exp2(this);
  },
  atan2(this: Tensor, other: TensorLike): Tensor {
    return ops.atan2(this, other);
  },
  hypot(this: Tensor, other: TensorLike): Tensor {
    return ops.hypot(this, other);
  },
  logaddexp(this: Tensor, other: TensorLike): Tensor {
    return ops.logaddexp(this, other);
  },
  xlogy(this: Tensor, other: TensorLike): Tensor {
    return ops.xlogy(this, other);
  },
  tanh(this: Tensor): Tensor {
    return ops.tanh(this);
  },
  sigmoid(this: Tensor): Tensor {
    return ops.sigmoid(this);
  },
  erf(this: Tensor): Tensor {
    return ops.erf(this);
  },
  sign(this: Tensor): Tensor {
    return ops.sign(this);
  },
  floor(this: Tensor): Tensor {
    return ops.floor(this);
  },
  ceil(this: Tensor): Tensor {
    return ops.ceil(this);
  },
  round(this: Tensor): Tensor {
    return ops.round(this);
  },
  clamp(this: Tensor, min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  },
  relu(this: Tensor): Tensor {
    return ops.relu(this);
  },
  leakyRelu(this: Tensor, negativeSlope?: number): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  },
  elu(this: Tensor, alpha?: number): Tensor {
    return ops.elu(this, alpha);
  },
  gelu(this: Tensor, opts?: { approximate?: 'none' | 'tanh' }): Tensor {
    return ops.gelu(this, opts);
  },
  softplus(this: Tensor, beta?: number, threshold?: number): Tensor {
    return ops.softplus(this, beta, threshold);
  },
  silu(this: Tensor): Tensor {
    return ops.silu(this);
  },
  logSigmoid(this: Tensor): Tensor {
    return ops.logSigmoid(this);
  },
  softmax(this: Tensor, dim?: number): Tensor {
    return ops.softmax(this, dim);
  },
  logSoftmax(this: Tensor, dim?: number): Tensor {
    return ops.logSoftmax(this, dim);
  },

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
  /** einsum with this tensor as the first operand: `a.einsum('ij,jk->ik', b)`. */
  einsum(this: Tensor, equation: string, ...others: TensorLike[]): Tensor {
    return ops.einsum(equation, this, ...others);
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
  takeAlongDim(this: Tensor, indices: IndexLike, dim?: number): Tensor {
    return ops.takeAlongDim(this, indices, dim);
  },
  scatter(this: Tensor, dim: number, index: IndexLike, src: TensorLike): Tensor {
    return ops.scatter(this, dim, index, src);
  },
  indexCopy(this: Tensor, dim: number, index: IndexLike, source: TensorLike): Tensor {
    return ops.indexCopy(this, dim, index, source);
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
  /** The median: a 0-d tensor over all elements; along `dim`, `[values, indices]`. */
  median,
  lgamma(this: Tensor): Tensor {
    return ops.lgamma(this);
  },
  digamma(this: Tensor): Tensor {
    return ops.digamma(this);
  },
  /** ψ⁽ⁿ⁾ of this tensor (PyTorch's `x.polygamma(n)`). */
  polygamma(this: Tensor, n: number): Tensor {
    return ops.polygamma(n, this);
  },
  erfc(this: Tensor): Tensor {
    return ops.erfc(this);
  },
  erfinv(this: Tensor): Tensor {
    return ops.erfinv(this);
  },
  sinc(this: Tensor): Tensor {
    return ops.sinc(this);
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

  // In place: each bumps `version`; see ops/inplace.ts for how recording handles them.
  add_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.add_(this, other) as T;
  },
  sub_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.sub_(this, other) as T;
  },
  mul_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.mul_(this, other) as T;
  },
  div_<T extends Tensor>(this: T, other: TensorLike): T {
    return ops.div_(this, other) as T;
  },
  clamp_<T extends Tensor>(this: T, min?: number | null, max?: number | null): T {
    return ops.clamp_(this, min, max) as T;
  },
  fill_<T extends Tensor>(this: T, value: number): T {
    return ops.fill_(this, value) as T;
  },
  zero_<T extends Tensor>(this: T): T {
    return ops.zero_(this) as T;
  },
  copy_<T extends Tensor>(this: T, src: TensorLike): T {
    return ops.copy_(this, src) as T;
  },
  onesLike(this: Tensor): Tensor {
    return ops.onesLike(this);
  },
};

/**
 * Puts the methods on Tensor's prototype, as class methods are (not enumerable). The package's
 * entry calls it, and package.json names that one source file as having side effects, so that
 * bundling the sources keeps the call (the published build is one file, where it always stays).
 */
export function installTensorMethods(): void {
  const descriptors = Object.getOwnPropertyDescriptors(tensorMethods);
  for (const d of Object.values(descriptors)) d.enumerable = false;
  Object.defineProperties(Tensor.prototype, descriptors);
}
