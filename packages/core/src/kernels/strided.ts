import type { TypedArray } from '../dtype';

// Strided tensors are read and written through this one walk: a view's elements sit at
// `offset + Σ idx[d]·strides[d]` in its storage, broadcasting is a zero stride, a transpose
// permuted strides and a narrow an offset.

/**
 * Walks `shape` in row-major order one row (its last dim) at a time, keeping one storage
 * position per operand: `row(at)` sees each operand's position at the row's first element
 * (`at` is reused between calls). A 0-d shape is one row of one element.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (at: number[]) => void,
): void {
  const nd = shape.length;
  const k = strides.length;
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= shape[d];
  if (nd > 0 && shape[nd - 1] === 0) rows = 0;
  const at = offsets.slice();
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  for (let r = 0; r < rows; r++) {
    row(at);
    // carry: step the index of the dims before the last, like an odometer
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < k; j++) at[j] += strides[j][d];
      if (idx[d] < shape[d]) break;
      for (let j = 0; j < k; j++) at[j] -= strides[j][d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** The length and each operand's stride of the rows that `forEachRow` visits. */
export function rowOf(shape: readonly number[], strides: readonly (readonly number[])[]): number[] {
  const nd = shape.length;
  return [nd === 0 ? 1 : shape[nd - 1], ...strides.map((s) => (nd === 0 ? 0 : s[nd - 1]))];
}

/**
 * Copies an n-d block: element `idx` of `shape` goes from `src[srcOffset + idx·srcStrides]`
 * to `dst[dstOffset + idx·dstStrides]`. Zero source strides broadcast (expand), permuted
 * strides transpose, offsets narrow or pad: one loop serves all movement ops.
 */
export function copyStrided(
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const [n, si, di] = rowOf(shape, [srcStrides, dstStrides]);
  forEachRow(shape, [srcStrides, dstStrides], [srcOffset, dstOffset], ([ps, pd]) => {
    if (si === 1 && di === 1 && n > 32) dst.set(src.subarray(ps, ps + n), pd);
    else for (let k = 0; k < n; k++) dst[pd + k * di] = src[ps + k * si];
  });
}

/** Adds the row-major elements of `src` (of `shape`) into `dst` at `dstOffset + idx·dstStrides`. */
export function addStrided(
  src: TypedArray,
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const [n, di] = rowOf(shape, [dstStrides]);
  let i = 0;
  forEachRow(shape, [dstStrides], [dstOffset], ([pd]) => {
    for (let k = 0; k < n; k++) dst[pd + k * di] += src[i++];
  });
}

/** For each row-major index of `shape`, the position `offset + idx·strides`. */
export function positions(
  shape: readonly number[],
  strides: readonly number[],
  offset = 0,
): Int32Array {
  const [n, s] = rowOf(shape, [strides]);
  let count = 1;
  for (const d of shape) count *= d;
  const out = new Int32Array(count);
  let o = 0;
  forEachRow(shape, [strides], [offset], ([p]) => {
    for (let k = 0; k < n; k++) out[o++] = p + k * s;
  });
  return out;
}

/** Strides that read a tensor of `shape` as if broadcast to `outShape` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const out = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = outShape.length - shape.length + i;
    out[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return out;
}

/** The strides that read a tensor of `shape` and `strides` broadcast to `outShape`. */
export function stridesIn(
  shape: readonly number[],
  strides: readonly number[],
  outShape: readonly number[],
): number[] {
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : strides[i - lead]));
}
