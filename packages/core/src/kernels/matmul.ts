import type { TypedArray } from '../dtype';

/**
 * `out[b] = a[b] · b[b]` for `batch` pairs of row-major [n, k] and [k, m] matrices, read at
 * the given per-batch offsets. The i-k-j order streams rows of `b` and `out` contiguously.
 */
export function matmulBatched(
  a: TypedArray,
  aOffsets: ArrayLike<number>,
  b: TypedArray,
  bOffsets: ArrayLike<number>,
  out: TypedArray,
  n: number,
  k: number,
  m: number,
): void {
  const acc = new Float64Array(m);
  for (let t = 0; t < aOffsets.length; t++) {
    const ao = aOffsets[t];
    const bo = bOffsets[t];
    const oo = t * n * m;
    for (let i = 0; i < n; i++) {
      acc.fill(0);
      const arow = ao + i * k;
      for (let p = 0; p < k; p++) {
        const av = a[arow + p];
        const brow = bo + p * m;
        for (let j = 0; j < m; j++) acc[j] += av * b[brow + j];
      }
      const orow = oo + i * m;
      for (let j = 0; j < m; j++) out[orow + j] = acc[j];
    }
  }
}
