import type { TypedArray } from '../dtype';
import { broadcastStrides } from './strided';

/** `out[i] = f(x[i])`. */
export function map(x: TypedArray, out: TypedArray, f: (v: number) => number): void {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
}

/** `out = f(a, b)` with NumPy broadcasting; same-shape and scalar operands take flat loops. */
export function zip(
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
  f: (x: number, y: number) => number,
): void {
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  } else if (b.length === 1 && a.length === n) {
    const y = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], y);
  } else if (a.length === 1 && b.length === n) {
    const x = a[0];
    for (let i = 0; i < n; i++) out[i] = f(x, b[i]);
  } else {
    zipStrided(a, broadcastStrides(aShape, outShape), b, broadcastStrides(bShape, outShape), out, outShape, f);
  }
}

function zipStrided(
  a: TypedArray,
  sa: readonly number[],
  b: TypedArray,
  sb: readonly number[],
  out: TypedArray,
  shape: readonly number[],
  f: (x: number, y: number) => number,
): void {
  const nd = shape.length;
  const n = out.length;
  if (n === 0) return;
  const inner = shape[nd - 1];
  const ia = sa[nd - 1];
  const ib = sb[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let pa = 0;
  let pb = 0;
  for (let o = 0; o < n; o += inner) {
    for (let k = 0; k < inner; k++) out[o + k] = f(a[pa + k * ia], b[pb + k * ib]);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < shape[d]) break;
      pa -= sa[d] * shape[d];
      pb -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** `out = cond ? a : b`, all three broadcast to `outShape`. */
export function select3(
  cond: TypedArray,
  cShape: readonly number[],
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): void {
  const sc = broadcastStrides(cShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const nd = outShape.length;
  const idx = new Array<number>(nd).fill(0);
  let pc = 0;
  let pa = 0;
  let pb = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = cond[pc] !== 0 ? a[pa] : b[pb];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      pc += sc[d];
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < outShape[d]) break;
      pc -= sc[d] * outShape[d];
      pa -= sa[d] * outShape[d];
      pb -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}
