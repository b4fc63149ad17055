import { backward, type BackwardOptions } from './autograd';
import { type DType, dtypeOfArray, isFloat, type TypedArray } from './dtype';
import { AutogradError, DTypeError, fmt, ValueError } from './errors';
import { format } from './format';
import * as ops from './ops/index';
import type { Dims, IndexLike, PadOptions, ReduceOptions, TensorLike, VarianceOptions } from './ops/index';
import type { Shape } from './shape';
import type { Entry } from './tape';

/** Sizes or dims as one array (`[3, 2]`) or as separate numbers (`3, 2`), as PyTorch takes them. */
export type Sizes = [readonly number[]] | number[];

function sizesOf(args: Sizes): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as readonly number[]);
}

/** Observes a gradient as it passes; returning a tensor replaces it. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** What `registerHook` returns. */
export interface HookHandle {
  /** Unregisters the hook. */
  remove(): void;
}

/** An n-d array of numbers in row-major order, which records the ops applied to it. */
export class Tensor {
  /** The elements, row-major. Ops never share buffers, so this belongs to this tensor alone. */
  data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
  /** The tape entry that made this tensor; null for a leaf. */
  entry: Entry | null;
  /** Accumulated gradient (leaves, and non-leaves that called `retainGrad()`). */
  grad: Tensor | null;
  /** Bumped by every in-place change, so that a backward can tell a saved tensor went stale. */
  version: number;
  /** Gradient hooks, in registration order. */
  hooks: GradHook[] | null;
  /** Whether backward stores this non-leaf's gradient in `.grad`. */
  retainsGrad: boolean;
  private leafRequiresGrad: boolean;

  /** Wraps `data` (not copied) as a tensor of `shape`; use `tensor()` to create one from values. */
  constructor(data: TypedArray, shape: Shape) {
    // plain assignments in one place keep every tensor the same hidden class: this is a hot path
    this.data = data;
    this.shape = shape;
    this.dtype = dtypeOfArray(data);
    this.entry = null;
    this.grad = null;
    this.version = 0;
    this.hooks = null;
    this.retainsGrad = false;
    this.leafRequiresGrad = false;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Whether gradients flow to this tensor: a leaf that asked for them, or any op result on the tape. */
  get requiresGrad(): boolean {
    return this.entry !== null || this.leafRequiresGrad;
  }

  set requiresGrad(flag: boolean) {
    if (this.entry !== null) {
      if (flag) return;
      throw new AutogradError('requiresGrad', 'only leaf tensors can stop requiring grad; use detach() for a copy that does not');
    }
    if (flag && !isFloat(this.dtype)) {
      throw new DTypeError('requiresGrad', `only floating tensors can require grad, this one is ${this.dtype}`);
    }
    this.leafRequiresGrad = flag;
  }

  /** True for tensors made directly by the user (no tape entry). */
  get isLeaf(): boolean {
    return this.entry === null;
  }

  /** Sets `requiresGrad` and returns this tensor, for chaining. */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** The number of elements, the product of the shape (PyTorch's `numel`). */
  numel(): number {
    return this.data.length;
  }

  /** The value of a single-element tensor as a number. */
  item(): number {
    if (this.size !== 1) throw new ValueError('item', `only single-element tensors have an item, this one is ${fmt(this.shape)}`);
    return this.data[0];
  }

  /** The elements as nested arrays (a number for a 0-d tensor). */
  toArray(): number | unknown[] {
    if (this.ndim === 0) return this.data[0];
    const build = (dim: number, offset: number, stride: number): unknown[] => {
      const n = this.shape[dim];
      const inner = stride / n;
      return Array.from({ length: n }, (_, i) =>
        dim === this.ndim - 1 ? this.data[offset + i] : build(dim + 1, offset + i * inner, inner));
    };
    return build(0, 0, this.size);
  }

  /** A flat copy of the elements as a plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** The elements, shape and dtype as text, formatted like PyTorch prints tensors. */
  toString(): string {
    return format(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return format(this);
  }

  /** Back-propagates from this tensor into `.grad` of the leaves (PyTorch's `backward`). */
  backward(gradient?: TensorLike | BackwardOptions | null, opts?: BackwardOptions): void {
    const isOptions = gradient !== null && typeof gradient === 'object' && !(gradient instanceof Tensor);
    if (isOptions) backward(this, undefined, gradient as BackwardOptions);
    else backward(this, gradient as TensorLike | undefined, opts);
  }

  /** Keeps this non-leaf's gradient in `.grad` during backward. */
  retainGrad(): this {
    if (!this.requiresGrad) throw new AutogradError('retainGrad', 'this tensor does not require grad');
    if (!this.isLeaf) this.retainsGrad = true;
    return this;
  }

  /** Calls `hook` with this tensor's gradient each time one is computed; returns a handle to remove it. */
  registerHook(hook: GradHook): HookHandle {
    if (!this.requiresGrad) throw new AutogradError('registerHook', 'cannot hook a tensor that does not require grad');
    (this.hooks ??= []).push(hook);
    return { remove: () => void (this.hooks = this.hooks?.filter((h) => h !== hook) ?? null) };
  }

  // One-line sugar over the op functions, named as in PyTorch.
  add(other: TensorLike): Tensor { return ops.add(this, other); }
  sub(other: TensorLike): Tensor { return ops.sub(this, other); }
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  div(other: TensorLike): Tensor { return ops.div(this, other); }
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  /** `cond ? this : other` (PyTorch's `Tensor.where`). */
  where(cond: TensorLike, other: TensorLike): Tensor { return ops.where(cond, this, other); }

  neg(): Tensor { return ops.neg(this); }
  abs(): Tensor { return ops.abs(this); }
  exp(): Tensor { return ops.exp(this); }
  expm1(): Tensor { return ops.expm1(this); }
  log(): Tensor { return ops.log(this); }
  log1p(): Tensor { return ops.log1p(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  square(): Tensor { return ops.square(this); }
  reciprocal(): Tensor { return ops.reciprocal(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  tan(): Tensor { return ops.tan(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  erf(): Tensor { return ops.erf(this); }
  sign(): Tensor { return ops.sign(this); }
  floor(): Tensor { return ops.floor(this); }
  ceil(): Tensor { return ops.ceil(this); }
  round(): Tensor { return ops.round(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return ops.clamp(this, min, max); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(negativeSlope?: number): Tensor { return ops.leakyRelu(this, negativeSlope); }
  elu(alpha?: number): Tensor { return ops.elu(this, alpha); }
  gelu(opts?: { approximate?: 'none' | 'tanh' }): Tensor { return ops.gelu(this, opts); }
  softplus(beta?: number, threshold?: number): Tensor { return ops.softplus(this, beta, threshold); }
  silu(): Tensor { return ops.silu(this); }
  logSigmoid(): Tensor { return ops.logSigmoid(this); }
  softmax(dim?: number): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim?: number): Tensor { return ops.logSoftmax(this, dim); }

  sum(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.sum(this, dim, opts); }
  mean(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.mean(this, dim, opts); }
  prod(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.prod(this, dim, opts); }
  max(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.max(this, dim, opts); }
  min(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.min(this, dim, opts); }
  amax(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.amax(this, dim, opts); }
  amin(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.amin(this, dim, opts); }
  logsumexp(dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.logsumexp(this, dim, opts); }
  /** Variance Σ(x − x̄)² / (N − correction) over `dim` (see `variance`). */
  var(dim?: Dims, opts?: VarianceOptions): Tensor { return ops.variance(this, dim, opts); }
  std(dim?: Dims, opts?: VarianceOptions): Tensor { return ops.std(this, dim, opts); }
  norm(p?: number, dim?: Dims, opts?: ReduceOptions | boolean): Tensor { return ops.norm(this, p, dim, opts); }
  argmax(dim?: number, opts?: ReduceOptions | boolean): Tensor { return ops.argmax(this, dim, opts); }
  argmin(dim?: number, opts?: ReduceOptions | boolean): Tensor { return ops.argmin(this, dim, opts); }

  matmul(other: TensorLike): Tensor { return ops.matmul(this, other); }
  dot(other: TensorLike): Tensor { return ops.dot(this, other); }
  outer(other: TensorLike): Tensor { return ops.outer(this, other); }

  /** The same elements in a new shape: `reshape([3, 2])` or PyTorch's `reshape(3, 2)`; one size may be −1. */
  reshape(...shape: Sizes): Tensor { return ops.reshape(this, sizesOf(shape)); }
  /** Same as `reshape` (no views here: every op result owns its data). */
  view(...shape: Sizes): Tensor { return ops.reshape(this, sizesOf(shape)); }
  flatten(startDim?: number, endDim?: number): Tensor { return ops.flatten(this, startDim, endDim); }
  squeeze(dim?: number): Tensor { return ops.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  /** Reorders the dims: `permute([1, 0])` or PyTorch's `permute(1, 0)`. */
  permute(...dims: Sizes): Tensor { return ops.permute(this, sizesOf(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  /** The transpose of a 2-D tensor (a 0-d or 1-D tensor is returned as is, as in PyTorch). */
  t(): Tensor { return this.ndim < 2 ? this : ops.transpose(this, 0, 1); }
  /** The last two dims swapped (PyTorch's `mT`). */
  get mT(): Tensor { return ops.transpose(this, -2, -1); }
  /** All dims reversed (PyTorch's `T`): the transpose of a matrix; a 0-d or 1-D tensor as is. */
  get T(): Tensor { return this.ndim < 2 ? this : ops.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  /** Broadcasts to a shape: `expand([2, 3])` or `expand(2, 3)`; −1 keeps a size. */
  expand(...shape: Sizes): Tensor { return ops.expand(this, sizesOf(shape)); }
  /** `expand` to `other`'s shape. */
  expandAs(other: Tensor): Tensor { return ops.expand(this, other.shape); }
  sumTo(shape: readonly number[]): Tensor { return ops.sumTo(this, shape); }
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  pad(pads: readonly number[], opts?: number | PadOptions): Tensor { return ops.pad(this, pads, opts); }
  select(dim: number, index: number): Tensor { return ops.select(this, dim, index); }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return ops.slice(this, dim, start, end, step); }
  split(size: number | readonly number[], dim?: number): Tensor[] { return ops.split(this, size, dim); }
  chunk(chunks: number, dim?: number): Tensor[] { return ops.chunk(this, chunks, dim); }
  repeat(...reps: Sizes): Tensor { return ops.repeat(this, sizesOf(reps)); }
  indexSelect(dim: number, index: IndexLike): Tensor { return ops.indexSelect(this, dim, index); }
  indexAdd(dim: number, index: IndexLike, source: TensorLike, opts?: { alpha?: number }): Tensor { return ops.indexAdd(this, dim, index, source, opts); }
  gather(dim: number, index: IndexLike): Tensor { return ops.gather(this, dim, index); }
  scatterAdd(dim: number, index: IndexLike, src: TensorLike): Tensor { return ops.scatterAdd(this, dim, index, src); }
  clone(): Tensor { return ops.clone(this); }
  detach(): Tensor { return ops.detach(this); }
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  /** Converts to `dtype` (PyTorch's `Tensor.to(dtype)`). */
  to(dtype: DType): Tensor { return ops.cast(this, dtype); }
  /** Converts to float32. */
  float(): Tensor { return ops.cast(this, 'float32'); }
  /** Converts to float64. */
  double(): Tensor { return ops.cast(this, 'float64'); }
  zerosLike(): Tensor { return ops.zerosLike(this); }

  // In place: each bumps `version`; see ops/inplace.ts for how recording handles them.
  add_(other: TensorLike): this { return ops.add_(this, other) as this; }
  sub_(other: TensorLike): this { return ops.sub_(this, other) as this; }
  mul_(other: TensorLike): this { return ops.mul_(this, other) as this; }
  div_(other: TensorLike): this { return ops.div_(this, other) as this; }
  clamp_(min?: number | null, max?: number | null): this { return ops.clamp_(this, min, max) as this; }
  fill_(value: number): this { return ops.fill_(this, value) as this; }
  zero_(): this { return ops.zero_(this) as this; }
  copy_(src: TensorLike): this { return ops.copy_(this, src) as this; }
  onesLike(): Tensor { return ops.onesLike(this); }
}
