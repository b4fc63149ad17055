import type { TypedArray } from '../../dtype';
import type { Operand } from '../kernels';

/** Below this many multiply-adds, packing costs more than it saves. */
const SMALL = 16 * 16 * 16;
/** The k-block: a 4×KC panel of float64 is 8 KiB, so both panels of a block sit in L1. */
const KC = 256;

let packedA = new Float64Array(0);
let packedB = new Float64Array(0);
let acc = new Float64Array(0);

/**
 * C (n×m, row-major at `cOffset`) = op(A)·op(B), op(A) n×k and op(B) k×m. op(A) is packed
 * into panels of 4 rows and op(B) into panels of 4 columns, each contiguous along k, so that
 * transposed operands cost nothing extra; a 4×4 register-blocked kernel then streams both
 * panels and accumulates in float64.
 */
export function gemm(
  a: Operand,
  b: Operand,
  c: TypedArray,
  cOffset: number,
  n: number,
  k: number,
  m: number,
): void {
  if (n * k * m <= SMALL) {
    gemmSmall(a, b, c, cOffset, n, k, m);
    return;
  }
  const n4 = (n + 3) & ~3;
  const m4 = (m + 3) & ~3;
  if (acc.length < n4 * m4) acc = new Float64Array(n4 * m4);
  acc.fill(0, 0, n4 * m4);
  const kc = Math.min(KC, k);
  if (packedA.length < n4 * kc) packedA = new Float64Array(n4 * kc);
  if (packedB.length < m4 * kc) packedB = new Float64Array(m4 * kc);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kb = Math.min(KC, k - k0);
    packRows(a, n, k, k0, kb, packedA);
    packColumns(b, k, m, k0, kb, packedB);
    for (let i = 0; i < n4; i += 4) {
      for (let j = 0; j < m4; j += 4)
        kernel4x4(packedA, i * kb, packedB, j * kb, kb, acc, i * m4 + j, m4);
    }
  }
  for (let i = 0; i < n; i++) {
    const src = i * m4;
    const dst = cOffset + i * m;
    for (let j = 0; j < m; j++) c[dst + j] = acc[src + j];
  }
}

/** Panels of 4 rows of op(A)[:, k0:k0+kb], laid out p-major: out[i·kb + p·4 + r]. */
function packRows(
  a: Operand,
  n: number,
  k: number,
  k0: number,
  kb: number,
  out: Float64Array,
): void {
  const d = a.data;
  for (let i0 = 0; i0 < n; i0 += 4) {
    const base = i0 * kb;
    for (let r = 0; r < 4; r++) {
      const i = i0 + r;
      if (i >= n) {
        for (let p = 0; p < kb; p++) out[base + p * 4 + r] = 0;
      } else if (a.trans) {
        for (let p = 0; p < kb; p++) out[base + p * 4 + r] = d[a.offset + (k0 + p) * n + i];
      } else {
        const row = a.offset + i * k + k0;
        for (let p = 0; p < kb; p++) out[base + p * 4 + r] = d[row + p];
      }
    }
  }
}

/** Panels of 4 columns of op(B)[k0:k0+kb, :], laid out p-major: out[j·kb + p·4 + c]. */
function packColumns(
  b: Operand,
  k: number,
  m: number,
  k0: number,
  kb: number,
  out: Float64Array,
): void {
  const d = b.data;
  for (let j0 = 0; j0 < m; j0 += 4) {
    const base = j0 * kb;
    for (let c = 0; c < 4; c++) {
      const j = j0 + c;
      if (j >= m) {
        for (let p = 0; p < kb; p++) out[base + p * 4 + c] = 0;
      } else if (b.trans) {
        const row = b.offset + j * k + k0;
        for (let p = 0; p < kb; p++) out[base + p * 4 + c] = d[row + p];
      } else {
        for (let p = 0; p < kb; p++) out[base + p * 4 + c] = d[b.offset + (k0 + p) * m + j];
      }
    }
  }
}

/** acc[4×4 block] += panel(A)·panel(B): 16 accumulators in locals, 8 loads per 16 multiply-adds. */
function kernel4x4(
  pa: Float64Array,
  ia: number,
  pb: Float64Array,
  ib: number,
  kb: number,
  acc: Float64Array,
  ic: number,
  ldc: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  const end = ia + kb * 4;
  for (let p = ia, q = ib; p < end; p += 4, q += 4) {
    const a0 = pa[p],
      a1 = pa[p + 1],
      a2 = pa[p + 2],
      a3 = pa[p + 3];
    const b0 = pb[q],
      b1 = pb[q + 1],
      b2 = pb[q + 2],
      b3 = pb[q + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  acc[ic] += c00;
  acc[ic + 1] += c01;
  acc[ic + 2] += c02;
  acc[ic + 3] += c03;
  ic += ldc;
  acc[ic] += c10;
  acc[ic + 1] += c11;
  acc[ic + 2] += c12;
  acc[ic + 3] += c13;
  ic += ldc;
  acc[ic] += c20;
  acc[ic + 1] += c21;
  acc[ic + 2] += c22;
  acc[ic + 3] += c23;
  ic += ldc;
  acc[ic] += c30;
  acc[ic + 1] += c31;
  acc[ic + 2] += c32;
  acc[ic + 3] += c33;
}

/** Small products: a direct loop over strided operands, accumulating each entry in float64. */
function gemmSmall(
  a: Operand,
  b: Operand,
  c: TypedArray,
  cOffset: number,
  n: number,
  k: number,
  m: number,
): void {
  const ad = a.data;
  const bd = b.data;
  const [ai, ap] = a.trans ? [1, n] : [k, 1];
  const [bp, bj] = b.trans ? [1, k] : [m, 1];
  if (m < 4) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        let pa = a.offset + i * ai;
        let pb = b.offset + j * bj;
        for (let p = 0; p < k; p++, pa += ap, pb += bp) s += ad[pa] * bd[pb];
        c[cOffset + i * m + j] = s;
      }
    }
    return;
  }
  // a row of C at a time, B read along j: the same sums in the same order, in longer loops
  if (row.length < m) row = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    row.fill(0, 0, m);
    let pa = a.offset + i * ai;
    for (let p = 0, pb = b.offset; p < k; p++, pa += ap, pb += bp) {
      const x = ad[pa];
      if (bj === 1) for (let j = 0; j < m; j++) row[j] += x * bd[pb + j];
      else for (let j = 0, q = pb; j < m; j++, q += bj) row[j] += x * bd[q];
    }
    const dst = cOffset + i * m;
    for (let j = 0; j < m; j++) c[dst + j] = row[j];
  }
}

let row = new Float64Array(64);
