import { floatOf, isFloat } from '../dtype';
import { DTypeError } from '../errors';
import { normalizeDim } from '../shape';
import type { Tensor } from '../tensor';
import { where } from './binary';
import { cat } from './movement';
import { around } from './indexing';
import { empty, named, record, toTensor, type TensorLike } from './op';
import { pair, type ValuesIndices } from './pair';
import { trace, traced } from '../compile/trace';

// Scans along one dim: running sums, products, extremes and log-sum-exps. Each row of the
// dim is walked in order, so every element sees exactly the ones before it.

/** Calls `row(start, step, n)` for each row along dim `d` of a row-major tensor of `shape`. */
function eachRow(
  shape: readonly number[],
  d: number,
  row: (start: number, step: number, n: number) => void,
): void {
  const [outer, inner] = around(shape, d);
  const n = shape[d];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) row(o * n * inner + i, inner, n);
}

/** Running sums along `dim`: y_j = x_0 + … + x_j. Integers and bools sum into int32. */
export function cumsum(x: TensorLike, dim: number): Tensor {
  if (trace.on && trace.entering !== cumsum) return traced(cumsum, [x, dim]);
  const a = toTensor('cumsum', x);
  const d = a.ndim === 0 ? 0 : normalizeDim('cumsum', dim, a.ndim);
  const y = empty(a.shape, a.dtype === 'bool' ? 'int32' : a.dtype);
  const [from, to] = [a.data, y.data];
  eachRow(a.ndim === 0 ? [1] : a.shape, d, (start, step, n) => {
    let s = 0;
    for (let k = 0, p = start; k < n; k++, p += step) to[p] = s += from[p];
  });
  // the gradient of a running sum is the running sum of the gradient, from the end
  return record('cumsum', [a], y, (dy) => [a.ndim === 0 ? dy : dy.flip(d).cumsum(d).flip(d)]);
}

/**
 * Running products along `dim`: y_j = x_0·…·x_j. The gradient divides by nothing, so zeros
 * are exact: ∂L/∂x_k = (x_0·…·x_{k−1})·S_k with S_k = dy_k + x_{k+1}·S_{k+1}, one step per
 * element of the dim (written with ops, so it differentiates again).
 */
export function cumprod(x: TensorLike, dim: number): Tensor {
  if (trace.on && trace.entering !== cumprod) return traced(cumprod, [x, dim]);
  const a = toTensor('cumprod', x);
  const d = a.ndim === 0 ? 0 : normalizeDim('cumprod', dim, a.ndim);
  const y = empty(a.shape, a.dtype === 'bool' ? 'int32' : a.dtype);
  const [from, to] = [a.data, y.data];
  eachRow(a.ndim === 0 ? [1] : a.shape, d, (start, step, n) => {
    let s = 1;
    for (let k = 0, p = start; k < n; k++, p += step) to[p] = s *= from[p];
  });
  return record('cumprod', [a], y, (dy) => [a.ndim === 0 ? dy : cumprodGrad(a, y, dy, d)]);
}

function cumprodGrad(x: Tensor, y: Tensor, dy: Tensor, d: number): Tensor {
  const n = x.shape[d];
  if (n <= 1) return dy;
  const before = cat([y.narrow(d, 0, 1).onesLike(), y.narrow(d, 0, n - 1)], d); // x_0·…·x_{k−1}
  const parts: Tensor[] = [dy.narrow(d, n - 1, 1)];
  for (let k = n - 2; k >= 0; k--)
    parts.unshift(dy.narrow(d, k, 1).add(x.narrow(d, k + 1, 1).mul(parts[0])));
  return before.mul(cat(parts, d));
}

/** ln(e^x_0 + … + e^x_j) along `dim`, accumulated pairwise so that nothing overflows. */
export function logcumsumexp(x: TensorLike, dim: number): Tensor {
  if (trace.on && trace.entering !== logcumsumexp) return traced(logcumsumexp, [x, dim]);
  const a = toTensor('logcumsumexp', x);
  if (!isFloat(floatOf(a.dtype)))
    throw new DTypeError('logcumsumexp', `needs a floating tensor, got ${a.dtype}`);
  const d = a.ndim === 0 ? 0 : normalizeDim('logcumsumexp', dim, a.ndim);
  const y = empty(a.shape, floatOf(a.dtype));
  const [from, to] = [a.data, y.data];
  eachRow(a.ndim === 0 ? [1] : a.shape, d, (start, step, n) => {
    let s = -Infinity;
    for (let k = 0, p = start; k < n; k++, p += step) {
      const v = from[p];
      const hi = Math.max(s, v);
      s = hi === -Infinity || hi === Infinity ? hi : hi + Math.log1p(Math.exp(-Math.abs(s - v)));
      if (Number.isNaN(v) || Number.isNaN(s)) s = NaN;
      to[p] = s;
    }
  });
  return record('logcumsumexp', [a], y, (dy) => [
    a.ndim === 0 ? dy : logcumsumexpGrad(a, y, dy, d),
  ]);
}

/**
 * ∂L/∂x_k = Σ_{j≥k} dy_j·e^(x_k − y_j): each exponent is ≤ 0 (y_j ≥ x_k), so nothing
 * overflows. Built as an [n, n] pairing per row, with ops.
 */
function logcumsumexpGrad(x: Tensor, y: Tensor, dy: Tensor, d: number): Tensor {
  const n = x.shape[d];
  // dim d swapped with the last, so each row pairs its k (second to last) with its j (last)
  const xs = x.transpose(d, -1).unsqueeze(-1);
  const ys = y.transpose(d, -1).unsqueeze(-2);
  const later = empty([n, n], 'bool');
  const m = later.data;
  for (let k = 0; k < n; k++) for (let j = k; j < n; j++) m[k * n + j] = 1;
  const weights = where(later, xs.sub(ys).exp(), 0);
  return weights.mul(dy.transpose(d, -1).unsqueeze(-2)).sum(-1).transpose(d, -1);
}

/** Running maxima along `dim` and where each was reached (the latest index on ties, as PyTorch). */
export function cummax(x: TensorLike, dim: number): ValuesIndices {
  if (trace.on && trace.entering !== cummax) return traced(cummax, [x, dim]);
  return runningExtreme('cummax', x, dim, (v, best) => v >= best);
}

/** Running minima along `dim` and where each was reached (the latest index on ties). */
export function cummin(x: TensorLike, dim: number): ValuesIndices {
  if (trace.on && trace.entering !== cummin) return traced(cummin, [x, dim]);
  return runningExtreme('cummin', x, dim, (v, best) => v <= best);
}

function runningExtreme(
  op: 'cummax' | 'cummin',
  x: TensorLike,
  dim: number,
  better: (v: number, best: number) => boolean,
): ValuesIndices {
  const a = toTensor(op, x);
  const d = a.ndim === 0 ? 0 : normalizeDim(op, dim, a.ndim);
  const indices = empty(a.shape, 'int32');
  const [from, at] = [a.data, indices.data];
  eachRow(a.ndim === 0 ? [1] : a.shape, d, (start, step, n) => {
    let best = NaN;
    let arg = 0;
    for (let k = 0, p = start; k < n; k++, p += step) {
      const v = from[p];
      // NaN wins and stays, as in PyTorch
      if (k === 0 || (best === best && (v !== v || better(v, best)))) {
        best = v;
        arg = k;
      }
      at[p] = arg;
    }
  });
  const values = named(op, () => (a.ndim === 0 ? a.clone() : a.gather(d, indices)));
  return pair(values, indices);
}
