import { allocate, type DType, isFloat } from '../dtype';
import { ValueError } from '../errors';
import { argExtreme, type FoldOp, reduceInto } from '../kernels/reduce';
import { normalizeDim, normalizeDims, reducedShape, sizeOf, stridesOf } from '../shape';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { where } from './binary';
import { named, record, toTensor, type TensorLike } from './op';

/** Which dims to reduce: one, several, or all when omitted or null. */
export type Dims = number | readonly number[] | null | undefined;

/** Options of the reductions (`sum`, `mean`, `max`…). */
export interface ReduceOptions {
  /** Keep reduced dims as size 1 so the result broadcasts against the input. */
  keepdim?: boolean;
}

/** Folds `x` over `dims` with `op`, starting each output element at `init`. */
function fold(op: FoldOp, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType, init: number): Tensor {
  const keepShape = reducedShape(x.shape, dims, true);
  const strides = stridesOf(keepShape).map((s, i) => (dims.includes(i) ? 0 : s));
  const out = allocate(dtype, sizeOf(keepShape)).fill(init);
  reduceInto(x.data, x.shape, strides, out, op);
  return new Tensor(out, reducedShape(x.shape, dims, keepdim));
}

/** Broadcasts a reduced gradient (or value) back over the reduced dims of `x`. */
function unreduce(dy: Tensor, x: Tensor, dims: readonly number[]): Tensor {
  return dy.reshape(reducedShape(x.shape, dims, true)).expand(x.shape);
}

/** Σ x over `dim` (all when omitted). Integers and booleans sum to int32. */
export function sum(x: TensorLike, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const a = toTensor('sum', x);
  const dims = normalizeDims('sum', dim, a.ndim);
  const dtype = isFloat(a.dtype) ? a.dtype : 'int32';
  const y = fold('sum', a, dims, !!opts.keepdim, dtype, 0);
  return record('sum', [a], y, (dy) => [unreduce(dy, a, dims)]);
}

/** The mean of x over `dim` (all when omitted). */
export function mean(x: TensorLike, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const a = toTensor('mean', x);
  const dims = normalizeDims('mean', dim, a.ndim);
  return named('mean', () => sum(a, dims, opts).div(count(a, dims)));
}

function count(x: Tensor, dims: readonly number[]): number {
  return dims.reduce((n, d) => n * x.shape[d], 1);
}

/** Π x over `dim`. The gradient ∏_{j≠i} x_j is taken as y/x where x ≠ 0 and computed directly at zeros. */
export function prod(x: TensorLike, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const a = toTensor('prod', x);
  const dims = normalizeDims('prod', dim, a.ndim);
  const y = fold('prod', a, dims, !!opts.keepdim, isFloat(a.dtype) ? a.dtype : 'int32', 1);
  return record('prod', [a], y, (dy) => {
    const zero = a.eq(0);
    // y/x is exact and differentiable away from zeros; at a zero, the product of the others
    const others = zero.sum().item() > 0 ? noGrad(() => productOfOthers(a, dims)) : null;
    const full = unreduce(y, a, dims).div(where(zero, 1, a));
    return [unreduce(dy, a, dims).mul(others ? where(zero, others, full) : full)];
  });
}

function productOfOthers(x: Tensor, dims: readonly number[]): Tensor {
  const nonzero = where(x.eq(0), 1, x);
  const zeros = x.eq(0).sum(dims, { keepdim: true });
  const p = nonzero.prod(dims, { keepdim: true });
  // a zero's "others" is the product of the nonzeros if it is the only zero, else 0
  return where(zeros.eq(1), p.expand(x.shape), 0).mul(x.eq(0));
}

/** The largest x over `dim` (values only; `argmax` gives the indices). Ties share the gradient. */
export function max(x: TensorLike, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  return extreme('max', x, dim, opts, -Infinity);
}

/** The smallest x over `dim` (values only; `argmin` gives the indices). Ties share the gradient. */
export function min(x: TensorLike, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  return extreme('min', x, dim, opts, Infinity);
}

function extreme(op: 'max' | 'min', x: TensorLike, dim: Dims, opts: ReduceOptions, init: number): Tensor {
  const a = toTensor(op, x);
  const dims = normalizeDims(op, dim, a.ndim);
  if (a.size === 0) throw new ValueError(op, `cannot reduce an empty tensor of shape [${a.shape}]`);
  const y = fold(op, a, dims, !!opts.keepdim, a.dtype, init);
  return record(op, [a], y, (dy) => {
    // the gradient is split evenly among tied extremes (PyTorch's amax/amin rule)
    const hit = a.eq(unreduce(y, a, dims));
    return [unreduce(dy, a, dims).mul(hit).div(hit.sum(dims, { keepdim: true }))];
  });
}

/** log Σ exp x over `dim`, computed as m + log Σ exp(x − m) with m = max x so it never overflows. */
export function logsumexp(x: TensorLike, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const a = toTensor('logsumexp', x);
  const dims = normalizeDims('logsumexp', dim, a.ndim);
  return named('logsumexp', () => {
    const m = noGrad(() => a.max(dims, { keepdim: true }));
    // an infinite max would make x − m NaN; any finite shift gives the same result
    const shift = noGrad(() => where(m.abs().eq(Infinity), 0, m));
    const s = a.sub(shift).exp().sum(dims, { keepdim: true }).log().add(shift);
    return opts.keepdim ? s : s.reshape(reducedShape(a.shape, dims, false));
  });
}

/** Options of `variance` and `std`: the reduction options plus the degrees-of-freedom correction. */
export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction. */
  correction?: number;
}

/** Variance Σ(x − x̄)² / (N − correction) over `dim`. */
export function variance(x: TensorLike, dim?: Dims, opts: VarianceOptions = {}): Tensor {
  const a = toTensor('var', x);
  const dims = normalizeDims('var', dim, a.ndim);
  const n = count(a, dims) - (opts.correction ?? 1);
  return named('var', () => {
    const centred = a.sub(a.mean(dims, { keepdim: true }));
    return centred.square().sum(dims, { keepdim: opts.keepdim }).div(Math.max(n, 0));
  });
}

/** Standard deviation √var over `dim`. */
export function std(x: TensorLike, dim?: Dims, opts: VarianceOptions = {}): Tensor {
  return named('std', () => variance(x, dim, opts).sqrt());
}

/** The p-norm (Σ|x|ᵖ)^(1/p) over `dim`; p = 2 by default. */
export function norm(x: TensorLike, p = 2, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  const a = toTensor('norm', x);
  return named('norm', () => {
    if (p === Infinity) return a.abs().max(dim, opts);
    if (p === 2) return a.square().sum(dim, opts).sqrt();
    return a.abs().pow(p).sum(dim, opts).pow(1 / p);
  });
}

/** Index of the largest element along `dim`, or in the flattened tensor (int32, not differentiable). */
export function argmax(x: TensorLike, dim?: number, opts: ReduceOptions = {}): Tensor {
  return argExtremeOp('argmax', x, dim, opts, (v, best) => v > best);
}

/** Index of the smallest element along `dim`, or in the flattened tensor (int32). */
export function argmin(x: TensorLike, dim?: number, opts: ReduceOptions = {}): Tensor {
  return argExtremeOp('argmin', x, dim, opts, (v, best) => v < best);
}

function argExtremeOp(op: string, x: TensorLike, dim: number | undefined, opts: ReduceOptions,
  better: (v: number, best: number) => boolean): Tensor {
  const a = toTensor(op, x);
  const flat = dim === undefined || dim === null;
  const src = flat ? a.reshape([a.size]) : a;
  const d = flat ? 0 : normalizeDim(op, dim, a.ndim);
  const n = src.shape[d] ?? 1;
  if (n === 0) throw new ValueError(op, `cannot take ${op} of an empty dim`);
  const outer = sizeOf(src.shape.slice(0, d));
  const inner = sizeOf(src.shape.slice(d + 1));
  const out = allocate('int32', outer * inner);
  argExtreme(src.data, outer, n, inner, out, better);
  const shape = flat ? (opts.keepdim ? a.shape.map(() => 1) : []) : reducedShape(a.shape, [d], !!opts.keepdim);
  return record(op, [a], new Tensor(out, shape), null);
}

