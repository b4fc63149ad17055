import type { TypedArray } from '../../dtype';
import type { Patches } from '../kernels';

/**
 * The output columns [lo, hi) whose tap j reads inside the input's width: outside them a row
 * of columns is padding. Worked out once per tap, so the copy loops carry no bounds tests.
 */
function inside(p: Patches, j: number): [number, number] {
  const first = j * p.dw - p.pw; // input column read by output column 0
  const lo = first >= 0 ? 0 : Math.ceil(-first / p.sw);
  const hi = Math.min(p.ow, Math.max(lo, Math.floor((p.width - 1 - first) / p.sw) + 1));
  return [Math.min(lo, p.ow), hi];
}

/**
 * im2col: `cols[n, (c·kh + i)·kw + j, y·ow + x] = x[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw]`,
 * for `batch` images, so a convolution is one product of the weights with `cols`.
 */
export function im2col(
  src: TypedArray,
  dst: TypedArray,
  batch: number,
  p: Patches,
  fill: number,
): void {
  const { channels, height, width, kh, kw, sh, sw, ph, dh, oh, ow } = p;
  const plane = height * width;
  const spans = Array.from({ length: kw }, (_, j) => inside(p, j));
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const [lo, hi] = spans[j];
          const first = j * p.dw - p.pw;
          for (let y = 0; y < oh; y++, o += ow) {
            const iy = y * sh - ph + i * dh;
            // short rows: plain loops beat fill()'s call
            if (iy < 0 || iy >= height) {
              for (let x = 0; x < ow; x++) dst[o + x] = fill;
              continue;
            }
            for (let x = 0; x < lo; x++) dst[o + x] = fill;
            const from = base + iy * width + first;
            for (let x = lo; x < hi; x++) dst[o + x] = src[from + x * sw];
            for (let x = hi; x < ow; x++) dst[o + x] = fill;
          }
        }
      }
    }
  }
}

/** col2im, im2col's adjoint: each column entry added back to the input element it read. */
export function col2im(src: TypedArray, dst: TypedArray, batch: number, p: Patches): void {
  const { channels, height, width, kh, kw, sh, sw, ph, dh, oh, ow } = p;
  const plane = height * width;
  const spans = Array.from({ length: kw }, (_, j) => inside(p, j));
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const [lo, hi] = spans[j];
          const first = j * p.dw - p.pw;
          for (let y = 0; y < oh; y++, o += ow) {
            const iy = y * sh - ph + i * dh;
            if (iy < 0 || iy >= height) continue;
            const to = base + iy * width + first;
            for (let x = lo; x < hi; x++) dst[to + x * sw] += src[o + x];
          }
        }
      }
    }
  }
}
