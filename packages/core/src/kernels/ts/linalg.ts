// Dense factorizations and triangular solves on row-major batches of matrices, in place:
// `count` matrices of n×n (and right-hand sides of n×k) one after another in one array.
// Arithmetic is JavaScript's float64; a float32 array rounds what it stores.
import type { TypedArray } from '../../dtype';

/**
 * Each matrix becomes its lower Cholesky factor L (A = L·Lᵀ; the upper triangle is zeroed).
 * Returns null, or the first [matrix, order] whose leading minor is not positive.
 */
export function choleskyInPlace(a: TypedArray, count: number, n: number): [number, number] | null {
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    for (let j = 0; j < n; j++) {
      let d = a[o + j * n + j];
      for (let k = 0; k < j; k++) d -= a[o + j * n + k] * a[o + j * n + k];
      if (!(d > 0)) return [b, j + 1];
      const ljj = Math.sqrt(d);
      a[o + j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let s = a[o + i * n + j];
        for (let k = 0; k < j; k++) s -= a[o + i * n + k] * a[o + j * n + k];
        a[o + i * n + j] = s / ljj;
      }
      for (let i = 0; i < j; i++) a[o + i * n + j] = 0;
    }
  }
  return null;
}

/**
 * Solves A·X = B for X in place of B, A triangular (lower unless `upper`; ones on the
 * diagonal taken as read when `unit`). A zero on the diagonal gives ±∞ or NaN, as PyTorch.
 */
export function triangularSolveInPlace(
  a: TypedArray,
  b: TypedArray,
  count: number,
  n: number,
  k: number,
  upper: boolean,
  unit: boolean,
): void {
  for (let t = 0; t < count; t++) {
    const oa = t * n * n;
    const ob = t * n * k;
    for (let step = 0; step < n; step++) {
      const i = upper ? n - 1 - step : step;
      const [from, to] = upper ? [i + 1, n] : [0, i];
      for (let c = 0; c < k; c++) {
        let s = b[ob + i * k + c];
        for (let j = from; j < to; j++) s -= a[oa + i * n + j] * b[ob + j * k + c];
        b[ob + i * k + c] = unit ? s : s / a[oa + i * n + i];
      }
    }
  }
}

/**
 * LU with partial pivoting, in place (L below the diagonal with unit diagonal, U on and
 * above); `pivots[t·n + i]` is the row swapped into row i. Returns each matrix's
 * permutation sign, 0 for one that is exactly singular.
 */
export function luInPlace(a: TypedArray, count: number, n: number, pivots: Int32Array): number[] {
  const signs: number[] = [];
  for (let t = 0; t < count; t++) {
    const o = t * n * n;
    let sign = 1;
    for (let j = 0; j < n; j++) {
      let p = j;
      for (let i = j + 1; i < n; i++)
        if (Math.abs(a[o + i * n + j]) > Math.abs(a[o + p * n + j])) p = i;
      pivots[t * n + j] = p;
      if (p !== j) {
        sign = -sign;
        for (let c = 0; c < n; c++) {
          const tmp = a[o + j * n + c];
          a[o + j * n + c] = a[o + p * n + c];
          a[o + p * n + c] = tmp;
        }
      }
      const pivot = a[o + j * n + j];
      if (pivot === 0) {
        sign = 0;
        continue;
      }
      for (let i = j + 1; i < n; i++) {
        const f = (a[o + i * n + j] /= pivot);
        if (f !== 0) for (let c = j + 1; c < n; c++) a[o + i * n + c] -= f * a[o + j * n + c];
      }
    }
    signs.push(sign);
  }
  return signs;
}

/** Solves A·X = B in place of B from A's LU factors and pivots (luInPlace). */
export function luSolveInPlace(
  lu: TypedArray,
  pivots: Int32Array,
  b: TypedArray,
  count: number,
  n: number,
  k: number,
): void {
  for (let t = 0; t < count; t++) {
    const ob = t * n * k;
    for (let i = 0; i < n; i++) {
      const p = pivots[t * n + i];
      if (p === i) continue;
      for (let c = 0; c < k; c++) {
        const tmp = b[ob + i * k + c];
        b[ob + i * k + c] = b[ob + p * k + c];
        b[ob + p * k + c] = tmp;
      }
    }
  }
  triangularSolveInPlace(lu, b, count, n, k, false, true);
  triangularSolveInPlace(lu, b, count, n, k, true, false);
}
