import { allocate, type DType, isFloat } from '../dtype';
import { checkBool, checkNumber, checkOptions } from '../args';
import { ValueError } from '../errors';
import { argExtreme, type FoldOp, reduceBound, reduceInto, reduceStrided } from '../kernels/index';
import { normalizeDim, normalizeDims, reducedShape, sizeOf, stridesOf } from '../shape';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { where } from './binary';
import { named, type OpName, record, toTensor, type TensorLike } from './op';
import { registerLowering } from '../compile/registry';
import { trace, traced } from '../compile/trace';

/** Which dims to reduce: one, several, or all when omitted or null. */
export type Dims = number | readonly number[] | null | undefined;

/** Options of the reductions (`sum`, `mean`, `max`…). */
export interface ReduceOptions {
  /** Keep reduced dims as size 1 so the result broadcasts against the input. */
  keepdim?: boolean;
}

/** `keepdim` from an options object, or PyTorch's positional boolean (`x.sum(1, true)`). */
function keepdimOf(op: string, opts: ReduceOptions | boolean | undefined): boolean {
  if (typeof opts === 'boolean') return opts;
  const { keepdim = false } = checkOptions(op, opts, ['keepdim']);
  return checkBool(op, 'keepdim', keepdim);
}

/** Folds `x` over `dims` with `op`, starting each output element at `init`. */
function fold(
  op: FoldOp,
  x: Tensor,
  dims: readonly number[],
  keepdim: boolean,
  dtype: DType,
  init: number,
): Tensor {
  const keepShape = reducedShape(x.shape, dims, true);
  const strides = stridesOf(keepShape).map((s, i) => (dims.includes(i) ? 0 : s));
  const out = allocate(dtype, sizeOf(keepShape)).fill(
    isFloat(dtype) ? init : identityOf(init, dtype),
  );
  // a view is folded where it lies, its elements read through its strides
  if (x.isContiguous()) reduceInto(x.data, x.shape, strides, out, op);
  else reduceStrided(x.storage.data, x.offset, x.strides, x.shape, strides, out, op);
  return new Tensor(out, reducedShape(x.shape, dims, keepdim));
}

// a replay of sum folds straight into its recorded output (a view is left to a plain call)
registerLowering(sum, ([x, dim], [y], space) => {
  if (!(x instanceof Tensor) || !x.isContiguous() || !isFloat(x.dtype)) return null;
  const dims = normalizeDims('sum', dim as Dims | undefined, x.ndim);
  const keepShape = reducedShape(x.shape, dims, true);
  const strides = stridesOf(keepShape).map((s, i) => (dims.includes(i) ? 0 : s));
  const [xd, shape, yd] = [x.data, x.shape, y.data];
  return reduceBound(space, xd, shape, strides, yd, 'sum', 0);
});

/** ±∞, the identity of max/min, as the bound an int32 or bool array can hold (∞ stores as 0). */
function identityOf(init: number, dtype: DType): number {
  if (Number.isFinite(init)) return init;
  if (dtype === 'bool') return init > 0 ? 1 : 0;
  return init > 0 ? 2147483647 : -2147483648;
}

/** Broadcasts a reduced gradient (or value) back over the reduced dims of `x`. */
function unreduce(dy: Tensor, x: Tensor, dims: readonly number[]): Tensor {
  return dy.reshape(reducedShape(x.shape, dims, true)).expand(x.shape);
}

/** Σ x over `dim` (all when omitted). Integers and booleans sum to int32. */
export function sum(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== sum) return traced(sum, [x, dim, opts]);
  const a = toTensor('sum', x);
  const dims = normalizeDims('sum', dim, a.ndim);
  const dtype = isFloat(a.dtype) ? a.dtype : 'int32';
  const y = fold('sum', a, dims, keepdimOf('sum', opts), dtype, 0);
  return record('sum', [a], y, (dy) => [unreduce(dy, a, dims)]);
}

/** The mean of x over `dim` (all when omitted). */
export function mean(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== mean) return traced(mean, [x, dim, opts]);
  const a = toTensor('mean', x);
  const dims = normalizeDims('mean', dim, a.ndim);
  const keepdim = keepdimOf('mean', opts);
  return named('mean', () => sum(a, dims, keepdim).div(count(a, dims)));
}

function count(x: Tensor, dims: readonly number[]): number {
  return dims.reduce((n, d) => n * x.shape[d], 1);
}

/**
 * Π x over `dim`. The gradient ∏_{j≠i} x_j is y/x when x has no zero; with zeros it is the
 * product of the others, computed with ops (prefix times suffix products) so that it is
 * exact and differentiable to any order there too.
 */
export function prod(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== prod) return traced(prod, [x, dim, opts]);
  const a = toTensor('prod', x);
  const dims = normalizeDims('prod', dim, a.ndim);
  const y = fold('prod', a, dims, keepdimOf('prod', opts), isFloat(a.dtype) ? a.dtype : 'int32', 1);
  return record('prod', [a], y, (dy) => {
    const hasZero = noGrad(() => a.eq(0).sum().item()) > 0;
    const others = hasZero ? productOfOthers(a, dims) : unreduce(y, a, dims).div(a);
    return [unreduce(dy, a, dims).mul(others)];
  });
}

/** Π_{j≠i} x_j over `dims` for every i, as exclusive prefix times exclusive suffix products. */
function productOfOthers(x: Tensor, dims: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = [...kept, ...dims];
  const moved = x.permute(order);
  const n = count(x, dims);
  const rows = moved.reshape([-1, n]);
  const reversed = Array.from({ length: n }, (_, i) => n - 1 - i);
  const before = exclusiveCumprod(rows);
  const after = exclusiveCumprod(rows.indexSelect(1, reversed)).indexSelect(1, reversed);
  const inverse = order.map((_, i) => order.indexOf(i));
  return before.mul(after).reshape(moved.shape).permute(inverse);
}

/** [1, r₀, r₀r₁, …] along the rows of an [m, n] tensor, by log₂ n doubling steps (Hillis–Steele). */
function exclusiveCumprod(rows: Tensor): Tensor {
  const n = rows.shape[1];
  let inclusive = rows;
  for (let s = 1; s < n; s *= 2)
    inclusive = inclusive.mul(inclusive.narrow(1, 0, n - s).pad([s, 0], 1));
  return inclusive.narrow(1, 0, n - 1).pad([1, 0], 1);
}

/**
 * The largest x (values only; `argmax` gives the indices). As in PyTorch, over one `dim` the
 * gradient goes to the first maximal element; over all dims (or a list) ties share it evenly.
 */
export function max(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== max) return traced(max, [x, dim, opts]);
  return extreme('max', 'max', x, dim, opts);
}

/** The smallest x; the gradient goes to the first minimal element along one `dim`, else ties share it. */
export function min(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== min) return traced(min, [x, dim, opts]);
  return extreme('min', 'min', x, dim, opts);
}

/** The largest x over `dim` (all when omitted); tied maxima share the gradient evenly (PyTorch's amax). */
export function amax(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== amax) return traced(amax, [x, dim, opts]);
  return extreme('amax', 'max', x, dim, opts);
}

/** The smallest x over `dim` (all when omitted); tied minima share the gradient evenly. */
export function amin(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== amin) return traced(amin, [x, dim, opts]);
  return extreme('amin', 'min', x, dim, opts);
}

function extreme(
  op: OpName,
  kind: 'max' | 'min',
  x: TensorLike,
  dim: Dims,
  opts: ReduceOptions | boolean | undefined,
): Tensor {
  const a = toTensor(op, x);
  const dims = normalizeDims(op, dim, a.ndim);
  const keepdim = keepdimOf(op, opts);
  checkNonEmpty(op, a, dims);
  const y = fold(kind, a, dims, keepdim, a.dtype, kind === 'max' ? -Infinity : Infinity);
  // max(dim)/min(dim) send the gradient to the index PyTorch returns (the first extreme);
  // over all dims, or in amax/amin, tied extremes share it evenly
  const toIndex = (op === 'max' || op === 'min') && typeof dim === 'number';
  return record(op, [a], y, (dy) => {
    if (toIndex) {
      const at = (kind === 'max' ? argmax : argmin)(a, dims[0], { keepdim: true });
      return [a.zerosLike().scatterAdd(dims[0], at, dy.reshape(at.shape))];
    }
    const hit = a.eq(unreduce(y, a, dims));
    return [
      unreduce(dy, a, dims)
        .mul(hit)
        .div(hit.sum(dims, { keepdim: true })),
    ];
  });
}

/** A reduction with no identity (max, min) over an empty dim has no value: PyTorch's error. */
function checkNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  const empty = x.ndim === 0 ? x.size === 0 : dims.some((d) => x.shape[d] === 0);
  if (empty) {
    throw new ValueError(
      op,
      `cannot reduce over an empty dim of a tensor of shape [${x.shape}] (there is no identity to return)`,
    );
  }
}

/** log Σ exp x over `dim`, computed as m + log Σ exp(x − m) with m = max x so it never overflows. */
export function logsumexp(x: TensorLike, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== logsumexp) return traced(logsumexp, [x, dim, opts]);
  const a = toTensor('logsumexp', x);
  const dims = normalizeDims('logsumexp', dim, a.ndim);
  const keepdim = keepdimOf('logsumexp', opts);
  return named('logsumexp', () => {
    // over an empty dim the sum of exponentials is 0: log 0 = −∞, as PyTorch gives
    if (count(a, dims) === 0) return a.sum(dims, keepdim).add(-Infinity);
    const m = noGrad(() => a.amax(dims, { keepdim: true }));
    // an infinite max would make x − m NaN; any finite shift gives the same result
    const shift = noGrad(() => where(m.abs().eq(Infinity), 0, m));
    const s = a.sub(shift).exp().sum(dims, { keepdim: true }).log().add(shift);
    return keepdim ? s : s.reshape(reducedShape(a.shape, dims, false));
  });
}

/** Options of `variance` and `std`: the reduction options plus the degrees-of-freedom correction. */
export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction. */
  correction?: number;
}

/** Variance Σ(x − x̄)² / (N − correction) over `dim`. */
export function variance(
  x: TensorLike,
  dim?: Dims,
  opts?: VarianceOptions | boolean,
  keepdim?: boolean,
): Tensor {
  if (trace.on && trace.entering !== variance) return traced(variance, [x, dim, opts, keepdim]);
  return varianceOf('var', x, dim, opts, keepdim);
}

/**
 * The options of var/std: an object, or PyTorch's positional form `var(dim, unbiased, keepdim)`
 * (the boolean after dim is `unbiased`, i.e. correction 1, as in PyTorch: not keepdim).
 */
function varianceOptions(
  op: string,
  opts: VarianceOptions | boolean | undefined,
  keepdim?: boolean,
): VarianceOptions {
  if (typeof opts !== 'boolean') {
    if (keepdim !== undefined)
      throw new ValueError(op, `takes keepdim in its options: ${op}(dim, { keepdim })`);
    return checkOptions(op, opts, ['keepdim', 'correction']);
  }
  return { correction: opts ? 1 : 0, keepdim: keepdim ?? false };
}

function varianceOf(
  op: OpName,
  x: TensorLike,
  dim: Dims,
  opts: VarianceOptions | boolean | undefined,
  keepdimArg?: boolean,
): Tensor {
  const a = toTensor(op, x);
  const dims = normalizeDims(op, dim, a.ndim);
  const { keepdim = false, correction = 1 } = varianceOptions(op, opts, keepdimArg);
  checkBool(op, 'keepdim', keepdim);
  const n = count(a, dims) - checkNumber(op, 'correction', correction);
  return named(op, () => {
    const centred = a.sub(a.mean(dims, { keepdim: true }));
    return centred.square().sum(dims, { keepdim }).div(Math.max(n, 0));
  });
}

/** Standard deviation √var over `dim`. */
export function std(
  x: TensorLike,
  dim?: Dims,
  opts?: VarianceOptions | boolean,
  keepdim?: boolean,
): Tensor {
  if (trace.on && trace.entering !== std) return traced(std, [x, dim, opts, keepdim]);
  return named('std', () => varianceOf('std', x, dim, opts, keepdim).sqrt());
}

/**
 * The p-norm (Σ|x|ᵖ)^(1/p) over `dim`; p = 2 by default, ±∞ the largest or smallest |x|, 0 the
 * count of non-zeros. The gradient is PyTorch's: 0 where the norm is 0 (not 0/0), and for
 * p < 1 nothing flows to zero elements.
 */
export function norm(x: TensorLike, p = 2, dim?: Dims, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== norm) return traced(norm, [x, p, dim, opts]);
  const a = toTensor('norm', x);
  checkNumber('norm', 'p', p, { finite: false });
  if (Number.isNaN(p)) throw new ValueError('norm', 'p must be a number, got NaN');
  const dims = normalizeDims('norm', dim, a.ndim);
  const keepdim = keepdimOf('norm', opts);
  if (p === Infinity || p === -Infinity)
    return named('norm', () => (p > 0 ? amax : amin)(a.abs(), dims, keepdim));
  if (p === 1) return named('norm', () => a.abs().sum(dims, keepdim));
  // the count of non-zeros: constant, but on the tape (its gradient is 0) like PyTorch's
  if (p === 0)
    return named('norm', () =>
      a
        .mul(0)
        .sum(dims, keepdim)
        .add(noGrad(() => a.ne(0).sum(dims, keepdim))),
    );
  const y = noGrad(() =>
    p === 2
      ? a.square().sum(dims, keepdim).sqrt()
      : a
          .abs()
          .pow(p)
          .sum(dims, keepdim)
          .pow(1 / p),
  );
  return record('norm', [a], y, (dy) => {
    const n = unreduce(y, a, dims);
    const zero = n.eq(0);
    const safe = where(zero, 1, n); // keeps 0/0 out of the masked branch, and out of its gradient
    const g = unreduce(dy, a, dims);
    if (p === 2) return [where(zero, 0, g.mul(a).div(safe))];
    // below p = 2, |x|^(p−1) has an infinite slope at 0, where the gradient is 0 anyway
    const skip = p < 2 ? zero.add(a.eq(0)) : zero;
    const b = p < 2 ? where(a.eq(0), 1, a) : a;
    const scaled = b.sign().mul(b.abs().pow(p - 1));
    return [
      where(
        skip,
        0,
        p < 1 ? g.mul(scaled).mul(safe.pow(1 - p)) : g.mul(scaled).div(safe.pow(p - 1)),
      ),
    ];
  });
}

/**
 * Index of the largest element along `dim`, or in the flattened tensor (int32, not differentiable).
 * @example
 * ```ts
 * ad.tensor([[1, 5], [7, 2]]).argmax(1)  // int32 [1, 0]
 * ```
 */
export function argmax(x: TensorLike, dim?: number, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== argmax) return traced(argmax, [x, dim, opts]);
  return argExtremeOp('argmax', x, dim, opts, (v, best) => v > best);
}

/**
 * Index of the smallest element along `dim`, or in the flattened tensor (int32).
 * @example
 * ```ts
 * ad.tensor([[1, 5], [7, 2]]).argmin(1)  // int32 [0, 1]
 * ```
 */
export function argmin(x: TensorLike, dim?: number, opts?: ReduceOptions | boolean): Tensor {
  if (trace.on && trace.entering !== argmin) return traced(argmin, [x, dim, opts]);
  return argExtremeOp('argmin', x, dim, opts, (v, best) => v < best);
}

function argExtremeOp(
  op: OpName,
  x: TensorLike,
  dim: number | undefined,
  opts: ReduceOptions | boolean | undefined,
  better: (v: number, best: number) => boolean,
): Tensor {
  const a = toTensor(op, x);
  const keepdim = keepdimOf(op, opts);
  const flat = dim === undefined || dim === null;
  const d = flat ? 0 : normalizeDim(op, dim, a.ndim);
  // the flattened view is taken without recording: an index has no gradient
  const src = flat ? new Tensor(a.data, [a.size]) : a;
  const n = src.shape[d] ?? 1;
  if (n === 0) throw new ValueError(op, `cannot take ${op} of an empty dim`);
  const outer = sizeOf(src.shape.slice(0, d));
  const inner = sizeOf(src.shape.slice(d + 1));
  const out = allocate('int32', outer * inner, op);
  argExtreme(src.data, outer, n, inner, out, better);
  const shape = flat ? (keepdim ? a.shape.map(() => 1) : []) : reducedShape(a.shape, [d], keepdim);
  return record(op, [a], new Tensor(out, shape), null);
}
