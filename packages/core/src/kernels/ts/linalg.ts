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

/**
 * Eigenvalues (ascending, into `values`: count×n) and orthonormal eigenvectors (the columns
 * of each n×n matrix of `vectors`) of symmetric matrices, from their lower triangles, by
 * cyclic Jacobi rotations (accurate to the last bits for small n). Each vector's largest
 * component is made positive, so that the result does not depend on rounding.
 */
export function eighInto(
  a: TypedArray,
  count: number,
  n: number,
  values: TypedArray,
  vectors: TypedArray,
): void {
  const w = new Float64Array(n * n);
  const v = new Float64Array(n * n);
  for (let t = 0; t < count; t++) {
    const o = t * n * n;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) w[i * n + j] = a[o + Math.max(i, j) * n + Math.min(i, j)];
    v.fill(0);
    for (let i = 0; i < n; i++) v[i * n + i] = 1;
    for (let sweep = 0; sweep < 100; sweep++) {
      let off = 0;
      let total = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          total += w[i * n + j] * w[i * n + j];
          if (i !== j) off += w[i * n + j] * w[i * n + j];
        }
      if (off <= 1e-30 * total || off === 0) break;
      for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(w, v, n, p, q);
    }
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (x, y) => w[x * n + x] - w[y * n + y],
    );
    order.forEach((src, k) => {
      values[t * n + k] = w[src * n + src];
      let big = 0;
      for (let i = 0; i < n; i++)
        if (Math.abs(v[i * n + src]) > Math.abs(v[big * n + src])) big = i;
      const sign = v[big * n + src] < 0 ? -1 : 1;
      for (let i = 0; i < n; i++) vectors[o + i * n + k] = sign * v[i * n + src];
    });
  }
}

/** One Jacobi rotation zeroing w[p][q] (and w[q][p]), accumulated into v's columns. */
function rotate(w: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = w[p * n + q];
  if (apq === 0) return;
  const [c, s] = jacobi((w[q * n + q] - w[p * n + p]) / (2 * apq));
  turn(w, n, n, p, q, c, s); // columns p and q
  turn(w, n, 1, p * n, q * n, c, s); // rows p and q
  turn(v, n, n, p, q, c, s);
}

/** cos and sin of the rotation that zeroes an off-diagonal pair, from θ = (a_qq − a_pp)/(2·a_pq). */
function jacobi(theta: number): [number, number] {
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  return [c, t * c];
}

/** Rotates `count` pairs (x[p + k·stride], x[q + k·stride]) by (c, s): a pair of rows or columns. */
function turn(
  x: TypedArray,
  count: number,
  stride: number,
  p: number,
  q: number,
  c: number,
  s: number,
): void {
  for (let k = 0; k < count; k++) {
    const [xp, xq] = [x[p + k * stride], x[q + k * stride]];
    x[p + k * stride] = c * xp - s * xq;
    x[q + k * stride] = s * xp + c * xq;
  }
}

/**
 * Householder QR of each m×n matrix (LAPACK's reflector convention, so R's diagonal signs are
 * LAPACK's): Q (m×k, orthonormal columns) and R (k×n, upper triangular), k = min(m, n).
 */
export function qrInto(
  a: TypedArray,
  count: number,
  m: number,
  n: number,
  q: TypedArray,
  r: TypedArray,
): void {
  const k = Math.min(m, n);
  const w = new Float64Array(m * n);
  const vs = new Float64Array(k * m); // reflector j's vector, zero above row j
  const taus = new Float64Array(k);
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < m * n; i++) w[i] = a[t * m * n + i];
    vs.fill(0);
    for (let j = 0; j < k; j++) {
      const alpha = w[j * n + j];
      let norm2 = 0;
      for (let i = j + 1; i < m; i++) norm2 += w[i * n + j] * w[i * n + j];
      const v = vs.subarray(j * m, (j + 1) * m);
      v[j] = 1;
      if (norm2 === 0) {
        taus[j] = 0; // already upper triangular in this column: no reflection (dlarfg)
        continue;
      }
      const beta = -(alpha >= 0 ? 1 : -1) * Math.sqrt(alpha * alpha + norm2);
      taus[j] = (beta - alpha) / beta;
      for (let i = j + 1; i < m; i++) v[i] = w[i * n + j] / (alpha - beta);
      // w ← (I − τ v vᵀ) w on rows j…m−1, columns j…n−1
      for (let c = j; c < n; c++) {
        let dot = 0;
        for (let i = j; i < m; i++) dot += v[i] * w[i * n + c];
        dot *= taus[j];
        for (let i = j; i < m; i++) w[i * n + c] -= dot * v[i];
      }
    }
    for (let i = 0; i < k; i++)
      for (let c = 0; c < n; c++) r[t * k * n + i * n + c] = c >= i ? w[i * n + c] : 0;
    // Q = H₀·H₁·…·H_{k−1} applied to the first k columns of the identity
    const qt = q.subarray(t * m * k, (t + 1) * m * k);
    for (let i = 0; i < m; i++) for (let c = 0; c < k; c++) qt[i * k + c] = i === c ? 1 : 0;
    for (let j = k - 1; j >= 0; j--) {
      const v = vs.subarray(j * m, (j + 1) * m);
      for (let c = 0; c < k; c++) {
        let dot = 0;
        for (let i = j; i < m; i++) dot += v[i] * qt[i * k + c];
        dot *= taus[j];
        for (let i = j; i < m; i++) qt[i * k + c] -= dot * v[i];
      }
    }
  }
}

/**
 * e^A of each n×n matrix: scaled by 2⁻ˢ until its 1-norm is at most ½, a Taylor series to
 * float64 precision (at most 18 terms there), then squared s times.
 */
export function expmInto(a: TypedArray, count: number, n: number, out: TypedArray): void {
  const x = new Float64Array(n * n);
  const term = new Float64Array(n * n);
  const sum = new Float64Array(n * n);
  const tmp = new Float64Array(n * n);
  const times = (p: Float64Array, q: Float64Array, into: Float64Array) => {
    into.fill(0);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        const pik = p[i * n + k];
        if (pik !== 0) for (let j = 0; j < n; j++) into[i * n + j] += pik * q[k * n + j];
      }
  };
  for (let t = 0; t < count; t++) {
    const o = t * n * n;
    let norm = 0;
    for (let j = 0; j < n; j++) {
      let col = 0;
      for (let i = 0; i < n; i++) col += Math.abs(a[o + i * n + j]);
      norm = Math.max(norm, col);
    }
    const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
    const scale = 2 ** -s;
    for (let i = 0; i < n * n; i++) x[i] = a[o + i] * scale;
    sum.fill(0);
    term.fill(0);
    for (let i = 0; i < n; i++) sum[i * n + i] = term[i * n + i] = 1;
    for (let k = 1; k <= 30; k++) {
      times(term, x, tmp);
      let biggest = 0;
      for (let i = 0; i < n * n; i++) {
        term[i] = tmp[i] / k;
        sum[i] += term[i];
        biggest = Math.max(biggest, Math.abs(term[i]));
      }
      if (biggest <= 1e-17) break;
    }
    for (let r = 0; r < s; r++) {
      times(sum, sum, tmp);
      sum.set(tmp);
    }
    for (let i = 0; i < n * n; i++) out[o + i] = sum[i];
  }
}

/**
 * The thin SVD of each m×n matrix with m ≥ n, A = U·diag(s)·Vᵀ, by one-sided (Hestenes)
 * Jacobi rotations, accurate for small singular values too: s (n) descending, U m×n and
 * V n×n with orthonormal columns (U's columns for zero singular values completed to an
 * orthonormal set); each column of U has its largest component positive.
 */
export function svdInto(
  a: TypedArray,
  count: number,
  m: number,
  n: number,
  u: TypedArray,
  s: TypedArray,
  v: TypedArray,
): void {
  const w = new Float64Array(m * n);
  const vv = new Float64Array(n * n);
  const norms = new Float64Array(n);
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < m * n; i++) w[i] = a[t * m * n + i];
    vv.fill(0);
    for (let i = 0; i < n; i++) vv[i * n + i] = 1;
    for (let sweep = 0; sweep < 60; sweep++) {
      let rotated = false;
      for (let p = 0; p < n - 1; p++) {
        for (let q = p + 1; q < n; q++) {
          let [alpha, beta, gamma] = [0, 0, 0];
          for (let i = 0; i < m; i++) {
            const [wp, wq] = [w[i * n + p], w[i * n + q]];
            alpha += wp * wp;
            beta += wq * wq;
            gamma += wp * wq;
          }
          if (gamma === 0 || Math.abs(gamma) <= 1e-16 * Math.sqrt(alpha * beta)) continue;
          rotated = true;
          const [c, sn] = jacobi((beta - alpha) / (2 * gamma));
          turn(w, m, n, p, q, c, sn);
          turn(vv, n, n, p, q, c, sn);
        }
      }
      if (!rotated) break;
    }
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += w[i * n + j] * w[i * n + j];
      norms[j] = Math.sqrt(sum);
    }
    const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y] - norms[x]);
    const ou = t * m * n;
    order.forEach((src, k) => {
      s[t * n + k] = norms[src];
      for (let i = 0; i < m; i++)
        u[ou + i * n + k] = norms[src] > 0 ? w[i * n + src] / norms[src] : 0;
      for (let i = 0; i < n; i++) v[t * n * n + i * n + k] = vv[i * n + src];
    });
    completeColumns(u.subarray(ou, ou + m * n), m, n, s.subarray(t * n, (t + 1) * n));
    for (let k = 0; k < n; k++) {
      let big = 0;
      for (let i = 0; i < m; i++)
        if (Math.abs(u[ou + i * n + k]) > Math.abs(u[ou + big * n + k])) big = i;
      if (u[ou + big * n + k] >= 0) continue;
      for (let i = 0; i < m; i++) u[ou + i * n + k] = -u[ou + i * n + k];
      for (let i = 0; i < n; i++) v[t * n * n + i * n + k] = -v[t * n * n + i * n + k];
    }
  }
}

/** Columns of u whose singular value is 0, replaced by unit vectors orthogonal to the rest. */
function completeColumns(u: TypedArray, m: number, n: number, s: TypedArray): void {
  for (let k = 0; k < n; k++) {
    if (s[k] > 0) continue;
    for (let e = 0; e < m; e++) {
      const col = new Float64Array(m);
      col[e] = 1;
      for (let j = 0; j < n; j++) {
        if (j === k || (s[j] === 0 && j > k)) continue;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i * n + j] * col[i];
        for (let i = 0; i < m; i++) col[i] -= dot * u[i * n + j];
      }
      const norm = Math.hypot(...col);
      if (norm < 1e-8) continue;
      for (let i = 0; i < m; i++) u[i * n + k] = col[i] / norm;
      break;
    }
  }
}
