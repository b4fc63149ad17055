import type { TypedArray } from '../../dtype';
import type { Patches } from '../kernels';
import { align, arena } from './engine';

/** Below this many column entries per image the JavaScript loop beats the copies. */
const MIN_ENTRIES = 4096;

/**
 * im2col on the WebAssembly kernel (packages/core/assembly/patches.ts): each image is
 * copied in, laid out as columns there with a bulk copy per contiguous row, and copied
 * out. False, doing nothing, when it cannot run it.
 */
export function wasmIm2col(
  src: TypedArray,
  dst: TypedArray,
  batch: number,
  p: Patches,
  fill: number,
): boolean {
  const size = src instanceof Float32Array ? 4 : src instanceof Float64Array ? 8 : 0;
  if (size === 0 || src.constructor !== dst.constructor) return false;
  const image = p.channels * p.height * p.width;
  const entries = p.channels * p.kh * p.kw * p.oh * p.ow;
  if (entries < MIN_ENTRIES) return false;
  const w = arena(align(image * size) + align(entries * size));
  if (w === null) return false;
  const mem = size === 4 ? w.f32 : w.f64;
  const ps = w.base;
  const pd = ps + align(image * size);
  const run = size === 4 ? w.kernels.im2colF32 : w.kernels.im2colF64;
  const { channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = p;
  for (let n = 0; n < batch; n++) {
    mem.set(src.subarray(n * image, (n + 1) * image), ps / size);
    run(ps, pd, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, fill);
    dst.set(mem.subarray(pd / size, pd / size + entries), n * entries);
  }
  return true;
}
