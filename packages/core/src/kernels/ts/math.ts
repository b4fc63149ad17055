import type { TypedArray } from '../../dtype';
import type { MathMapOp, MathZipOp } from '../kernels';
import { digamma, erfc, erfinv, lgamma, sinc } from './gamma';

// Loops for the inverse trigonometric, hyperbolic and base-2/10 functions, and for the binary
// ones (atan2, hypot, logaddexp, xlogy): one written-out loop each, as in elementwise.ts.

/** `out[i] = op(x[i])`. */
export function mathMap(op: MathMapOp, x: TypedArray, out: TypedArray): void {
  const n = x.length;
  switch (op) {
    case 'asin':
      for (let i = 0; i < n; i++) out[i] = Math.asin(x[i]);
      return;
    case 'acos':
      for (let i = 0; i < n; i++) out[i] = Math.acos(x[i]);
      return;
    case 'atan':
      for (let i = 0; i < n; i++) out[i] = Math.atan(x[i]);
      return;
    case 'sinh':
      for (let i = 0; i < n; i++) out[i] = Math.sinh(x[i]);
      return;
    case 'cosh':
      for (let i = 0; i < n; i++) out[i] = Math.cosh(x[i]);
      return;
    case 'asinh':
      for (let i = 0; i < n; i++) out[i] = Math.asinh(x[i]);
      return;
    case 'acosh':
      for (let i = 0; i < n; i++) out[i] = Math.acosh(x[i]);
      return;
    case 'atanh':
      for (let i = 0; i < n; i++) out[i] = Math.atanh(x[i]);
      return;
    case 'log2':
      for (let i = 0; i < n; i++) out[i] = Math.log2(x[i]);
      return;
    case 'log10':
      for (let i = 0; i < n; i++) out[i] = Math.log10(x[i]);
      return;
    case 'exp2':
      for (let i = 0; i < n; i++) out[i] = 2 ** x[i];
      return;
    case 'lgamma':
      for (let i = 0; i < n; i++) out[i] = lgamma(x[i]);
      return;
    case 'digamma':
      for (let i = 0; i < n; i++) out[i] = digamma(x[i]);
      return;
    case 'erfc':
      for (let i = 0; i < n; i++) out[i] = erfc(x[i]);
      return;
    case 'erfinv':
      for (let i = 0; i < n; i++) out[i] = erfinv(x[i]);
      return;
    case 'sinc':
      for (let i = 0; i < n; i++) out[i] = sinc(x[i]);
      return;
  }
}

/** `out[i] = op(a[p], b[q])` with p, q wrapping at ma, mb (see elementwise.ts's `cycle`). */
export function mathCycle(
  op: MathZipOp,
  a: TypedArray,
  ma: number,
  b: TypedArray,
  mb: number,
  out: TypedArray,
): void {
  const n = out.length;
  let p = 0;
  let q = 0;
  switch (op) {
    case 'atan2':
      for (let i = 0; i < n; i++, p = p + 1 === ma ? 0 : p + 1, q = q + 1 === mb ? 0 : q + 1)
        out[i] = Math.atan2(a[p], b[q]);
      return;
    case 'hypot':
      for (let i = 0; i < n; i++, p = p + 1 === ma ? 0 : p + 1, q = q + 1 === mb ? 0 : q + 1)
        out[i] = Math.hypot(a[p], b[q]);
      return;
    case 'logaddexp':
      for (let i = 0; i < n; i++, p = p + 1 === ma ? 0 : p + 1, q = q + 1 === mb ? 0 : q + 1)
        out[i] = logaddexp(a[p], b[q]);
      return;
    case 'xlogy':
      for (let i = 0; i < n; i++, p = p + 1 === ma ? 0 : p + 1, q = q + 1 === mb ? 0 : q + 1)
        out[i] = xlogy(a[p], b[q]);
      return;
  }
}

/** log(eᵃ + eᵇ) as max + log1p(e^−|a−b|): no overflow, and exact when one side is −∞. */
function logaddexp(a: number, b: number): number {
  const m = a > b ? a : b;
  if (m === -Infinity || m === Infinity || m !== m) return a !== a || b !== b ? NaN : m;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** x·log y, taken as 0 where x = 0 (unless y is NaN), as PyTorch's xlogy. */
function xlogy(x: number, y: number): number {
  return x === 0 && y === y ? 0 : x * Math.log(y);
}
