import type { TypedArray } from '../../dtype';

/**
 * Where the sliding blocks of a 2-D convolution or pooling lie: an input of `channels` ×
 * `height` × `width`, a `kh` × `kw` kernel moved `sh`/`sw` at a time, its taps `dh`/`dw`
 * apart, starting `ph`/`pw` before the input, at `oh` × `ow` positions. Positions outside
 * the input read `fill` (0 for convolution, −∞ for max pooling) and receive no gradient.
 */
export interface Patches {
  channels: number;
  height: number;
  width: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  oh: number;
  ow: number;
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
  const { channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = p;
  const plane = height * width;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            if (iy < 0 || iy >= height) {
              dst.fill(fill, o, o + ow);
              o += ow;
              continue;
            }
            const row = base + iy * width;
            let ix = j * dw - pw;
            for (let x = 0; x < ow; x++, ix += sw) {
              dst[o++] = ix >= 0 && ix < width ? src[row + ix] : fill;
            }
          }
        }
      }
    }
  }
}

/** col2im, im2col's adjoint: each column entry added back to the input element it read. */
export function col2im(src: TypedArray, dst: TypedArray, batch: number, p: Patches): void {
  const { channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = p;
  const plane = height * width;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            if (iy < 0 || iy >= height) {
              o += ow;
              continue;
            }
            const row = base + iy * width;
            let ix = j * dw - pw;
            for (let x = 0; x < ow; x++, ix += sw, o++) {
              if (ix >= 0 && ix < width) dst[row + ix] += src[o];
            }
          }
        }
      }
    }
  }
}
