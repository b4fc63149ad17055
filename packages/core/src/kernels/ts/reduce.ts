import type { TypedArray } from '../../dtype';
import type { FoldOp } from '../kernels';
import { forEachRow, positions, rowOf } from '../strided';

// NaN wins in max and min, as in PyTorch: once the accumulator is NaN nothing replaces it
const combines: Record<FoldOp, (acc: number, v: number) => number> = {
  sum: (s, v) => s + v,
  prod: (p, v) => p * v,
  max: (m, v) => (v > m || v !== v ? v : m),
  min: (m, v) => (v < m || v !== v ? v : m),
};

/**
 * Folds `x` (of `shape`) into `out` with `op`, where element `idx` of x lands in
 * `out[idx·outStrides]`; reduced dims have out stride 0. `out` must hold the identity.
 * Reducing trailing dims takes a contiguous inner loop.
 */
export function reduceInto(
  x: TypedArray,
  shape: readonly number[],
  outStrides: readonly number[],
  out: TypedArray,
  op: FoldOp,
): void {
  if (x.length > 0) reduceWith(reducePlan(shape, outStrides), x, out, op);
}

/** How reduceInto walks a shape into output strides: worked out once, walked on every call. */
export type ReducePlan =
  | { kind: 'one' }
  | { kind: 'leading'; inner: number }
  | { kind: 'trailing'; tail: number; pos: Int32Array }
  | { kind: 'rows'; inner: number; pos: Int32Array; step: number };

export function reducePlan(shape: readonly number[], outStrides: readonly number[]): ReducePlan {
  const nd = shape.length;
  if (nd === 0) return { kind: 'one' };
  let lead = 0; // leading reduced dims followed by contiguous kept ones: the gradient of a bias
  while (lead < nd && outStrides[lead] === 0) lead++;
  if (lead > 0 && lead < nd && outStrides[nd - 1] === 1 && isContiguous(shape, outStrides, lead))
    return { kind: 'leading', inner: shape.slice(lead).reduce((a, d) => a * d, 1) };
  let tail = 1; // elements in the trailing reduced block
  let d0 = nd;
  while (d0 > 0 && outStrides[d0 - 1] === 0) tail *= shape[--d0];
  if (d0 === 0 || tail > 1)
    return { kind: 'trailing', tail, pos: positions(shape.slice(0, d0), outStrides.slice(0, d0)) };
  const pos = positions(shape.slice(0, nd - 1), outStrides.slice(0, nd - 1));
  return { kind: 'rows', inner: shape[nd - 1], pos, step: outStrides[nd - 1] };
}

/** reduceInto's loops, on a plan of x's shape (x not empty). */
export function reduceWith(plan: ReducePlan, x: TypedArray, out: TypedArray, op: FoldOp): void {
  const n = x.length;
  const combine = combines[op];
  if (plan.kind === 'one') {
    out[0] = combine(out[0], x[0]);
  } else if (plan.kind === 'leading') {
    const inner = plan.inner;
    for (let o = 0; o < n; o += inner)
      for (let j = 0; j < inner; j++) out[j] = combine(out[j], x[o + j]);
  } else if (plan.kind === 'trailing') {
    // every trailing reduced block folds into one output element, in order
    const { tail, pos } = plan;
    const outer = n / tail;
    for (let o = 0; o < outer; o++) {
      let acc = out[pos[o]];
      const base = o * tail;
      for (let k = 0; k < tail; k++) acc = combine(acc, x[base + k]);
      out[pos[o]] = acc;
    }
  } else {
    const { inner, pos, step } = plan;
    for (let o = 0; o < pos.length; o++) {
      const base = o * inner;
      const p = pos[o];
      for (let k = 0; k < inner; k++) out[p + k * step] = combine(out[p + k * step], x[base + k]);
    }
  }
}

/**
 * [outer, len, inner] when the reduced dims (out stride 0) are one run between kept dims
 * with the row-major strides of the output, else null. Size-1 dims count as either.
 */
export function axisBlock(
  shape: readonly number[],
  outStrides: readonly number[],
): [number, number, number] | null {
  const sizes = [1, 1, 1];
  let part = 0; // walking from the last dim: 0 kept dims after the run (inner), 1 the run, 2 kept dims before it
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    const reduced = outStrides[d] === 0;
    if (reduced && part === 0) part = 1;
    else if (!reduced && part === 1) part = 2;
    else if (reduced && part === 2) return null;
    if (!reduced && outStrides[d] !== stride) return null;
    if (!reduced) stride *= shape[d];
    sizes[part] *= shape[d];
  }
  return [sizes[2], sizes[1], sizes[0]];
}

/** True when dims from `from` on are kept with row-major strides of their own. */
function isContiguous(shape: readonly number[], strides: readonly number[], from: number): boolean {
  let s = 1;
  for (let d = shape.length - 1; d >= from; d--) {
    if (strides[d] !== s) return false;
    s *= shape[d];
  }
  return true;
}

/** Index of the first extreme along the middle axis of an [outer, n, inner] block. */
export function argExtreme(
  x: TypedArray,
  outer: number,
  n: number,
  inner: number,
  out: TypedArray,
  better: (v: number, best: number) => boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base];
      let arg = 0;
      for (let k = 1; k < n; k++) {
        const v = x[base + k * inner];
        // NaN wins, as in PyTorch: once best is NaN nothing replaces it
        if (better(v, best) || (v !== v && best === best)) {
          best = v;
          arg = k;
        }
      }
      out[o * inner + i] = arg;
    }
  }
}

/** Folds the middle axis of x seen as [outer, len, inner] into `out` ([outer, inner]). */
export function foldAxis(
  op: FoldOp,
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  out: TypedArray,
): void {
  const combine = combines[op];
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < len; k++) {
      const from = (o * len + k) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i] = combine(out[o * inner + i], x[from + i]);
    }
  }
}

/** `reduceInto` for an `x` read through `xStrides` from `xOffset` (a view). */
export function reduceStrided(
  x: TypedArray,
  xOffset: number,
  xStrides: readonly number[],
  shape: readonly number[],
  outStrides: readonly number[],
  out: TypedArray,
  op: FoldOp,
): void {
  const combine = combines[op];
  const [n, sx, so] = rowOf(shape, [xStrides, outStrides]);
  forEachRow(shape, [xStrides, outStrides], [xOffset, 0], ([px, po]) => {
    for (let k = 0; k < n; k++) out[po + k * so] = combine(out[po + k * so], x[px + k * sx]);
  });
}
