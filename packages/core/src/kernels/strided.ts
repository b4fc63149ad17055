import type { TypedArray } from '../dtype';

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
  const nd = shape.length;
  if (nd === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const inner = shape[nd - 1];
  const si = srcStrides[nd - 1];
  const di = dstStrides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let ps = srcOffset;
  let pd = dstOffset;
  for (let done = 0; done < total; done += inner) {
    if (si === 1 && di === 1) {
      for (let k = 0; k < inner; k++) dst[pd + k] = src[ps + k];
    } else {
      for (let k = 0; k < inner; k++) dst[pd + k * di] = src[ps + k * si];
    }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      ps += srcStrides[d];
      pd += dstStrides[d];
      if (idx[d] < shape[d]) break;
      ps -= srcStrides[d] * shape[d];
      pd -= dstStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
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
