import type { TypedArray } from '../../dtype';
import type { FoldOp, MapOp, ZipOp } from '../kernels';
import {
  ABS,
  ADD,
  COLUMN,
  DIV,
  EXP,
  FULL,
  MAX,
  MAXIMUM,
  MIN,
  MINIMUM,
  MUL,
  NEG,
  RELU,
  RELU_BACKWARD,
  ROW,
  SCALAR,
  SIGMOID,
  SIGMOID_BACKWARD,
  SQRT,
  SQUARE,
  SUB,
  SUM,
  TANH,
  TANH_BACKWARD,
} from './abi';
import { align, arena, type Arena } from './engine';
import { boundCall, type Space, spaceOf } from './space';

type Run = () => void;

// The WebAssembly SIMD element-wise and reduction kernels (packages/core/assembly/elementwise.ts)
// behind the TypeScript ones. Tensors live in JavaScript typed arrays, so operands are copied
// into the module's memory and results out, in chunks that stay in cache; a copy costs
// ~0.14 ns per float32 against 4–30 ns per element for the JavaScript loops they replace.
// A compiled program's buffers live in a memory of its own instead (space.ts): there the
// *InPlace functions make the same choice of kernel and bind the call to their addresses.

const MAP_CODES: Partial<Record<MapOp, number>> = {
  neg: NEG,
  abs: ABS,
  square: SQUARE,
  sqrt: SQRT,
  relu: RELU,
  exp: EXP,
  tanh: TANH,
  sigmoid: SIGMOID,
};
/** Codes from EXP on are float32-only: float64 keeps JavaScript's Math for exp, tanh and sigmoid. */
const MAP_F64 = EXP;
const ZIP_CODES: Partial<Record<ZipOp, number>> = {
  add: ADD,
  sub: SUB,
  mul: MUL,
  div: DIV,
  maximum: MAXIMUM,
  minimum: MINIMUM,
  tanhBackward: TANH_BACKWARD,
  sigmoidBackward: SIGMOID_BACKWARD,
  reluBackward: RELU_BACKWARD,
};
const FOLD_CODES: Partial<Record<FoldOp, number>> = { sum: SUM, max: MAX, min: MIN };

/** Below this many elements the JavaScript loop beats copying in and out (~0.2 µs a call). */
export const MIN_ELEMENTS = 128;
/** Elements of each operand per pass. */
const CHUNK = 16384;
/** A reduction reads one [len, inner] slab per pass at least: longer ones stay in JavaScript. */
const MAX_SLAB = 1 << 22;

/** 4 or 8 for float32 or float64 arrays of one type, else 0 (no kernel). */
function floatSize(x: TypedArray, y: TypedArray, z: TypedArray = x): number {
  if (x.constructor !== y.constructor || x.constructor !== z.constructor) return 0;
  return x instanceof Float32Array ? 4 : x instanceof Float64Array ? 8 : 0;
}

function view(w: Arena, size: number): Float32Array | Float64Array {
  return size === 4 ? w.f32 : w.f64;
}

/** The kernel's code for `op(x)` into `out`, or −1 where wasmMap declines it. */
function mapCode(op: MapOp, x: TypedArray, out: TypedArray): number {
  const code = MAP_CODES[op] ?? -1;
  if (x.length < MIN_ELEMENTS || code < 0) return -1;
  const size = floatSize(x, out);
  return size === 0 || (size === 8 && code >= MAP_F64) ? -1 : code;
}

/** `out[i] = op(x[i])`; false when no kernel takes it. */
export function wasmMap(op: MapOp, x: TypedArray, out: TypedArray): boolean {
  const n = x.length;
  const code = mapCode(op, x, out);
  if (code < 0) return false;
  const space = spaceOf(out);
  if (space !== null && runIn(bindMap(space, code, x, out))) return true;
  const size = x.BYTES_PER_ELEMENT;
  const chunk = Math.min(n, CHUNK);
  const w = arena(2 * align(chunk * size));
  if (w === null) return false;
  const mem = view(w, size);
  const map = size === 4 ? w.kernels.mapF32 : w.kernels.mapF64;
  const px = w.base;
  const po = px + align(chunk * size);
  for (let s = 0; s < n; s += chunk) {
    const len = Math.min(chunk, n - s);
    mem.set(slice(x, s, s + len), px / size);
    map(code, px, po, len);
    out.set(mem.subarray(po / size, po / size + len), s);
  }
  return true;
}

/** wasmMap's call with its addresses bound, for `out` in a program's space; null where it does not run there. */
export function mapInPlace(space: Space, op: MapOp, x: TypedArray, out: TypedArray): Run | null {
  const code = mapCode(op, x, out);
  return code < 0 ? null : bindMap(space, code, x, out);
}

/** The map kernel `code` bound to x and out in `space`; null where scratch or `out` does not allow it. */
function bindMap(space: Space, code: number, x: TypedArray, out: TypedArray): Run | null {
  const bound = space.begin().bind(x, 0, x.length);
  if (bound === null || out.buffer !== space.buffer) return null;
  const map = x.BYTES_PER_ELEMENT === 4 ? space.kernels.mapF32 : space.kernels.mapF64;
  const [px, copy] = bound;
  const [po, n] = [out.byteOffset, x.length];
  return boundCall([copy], () => map(code, px, po, n));
}

/** Runs a bound call; false when there is none. */
function runIn(run: Run | null): boolean {
  if (run === null) return false;
  run();
  return true;
}

/**
 * `out = op(a, b)` broadcast to `outShape`, when the output reads as rows×cols and each
 * operand as all of it, one row for every row (a bias), one value per row (a keepdim
 * reduction) or one value; false otherwise (the TypeScript kernel takes any broadcast).
 */
export function wasmZip(
  op: ZipOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): boolean {
  const plan = zipPlan(op, a, aShape, b, bShape, out, outShape);
  if (plan === null) return false;
  if (plan === 'blocks') return outerBlocks(op, a, aShape, b, bShape, out, outShape);
  const { code, rows, cols, modeA, modeB } = plan;
  const space = spaceOf(out);
  if (space !== null && runIn(bindZip(space, plan, a, b, out))) return true;
  const size = out.BYTES_PER_ELEMENT;
  // a pass takes whole rows, or part of the single row
  const rowsPer = rows === 1 ? 1 : Math.max(1, Math.floor(CHUNK / cols));
  const colsPer = rows === 1 ? Math.min(cols, CHUNK) : cols;
  const w = arena(3 * align(rowsPer * colsPer * size));
  if (w === null) return false;
  const mem = view(w, size);
  const zip = size === 4 ? w.kernels.zipF32 : w.kernels.zipF64;
  const pa = w.base;
  const pb = pa + align(rowsPer * colsPer * size);
  const po = pb + align(rowsPer * colsPer * size);
  for (let r0 = 0; r0 < rows; r0 += rowsPer) {
    const nr = Math.min(rowsPer, rows - r0);
    for (let c0 = 0; c0 < cols; c0 += colsPer) {
      const nc = Math.min(colsPer, cols - c0);
      mem.set(part(a, modeA, r0, nr, c0, nc, cols), pa / size);
      mem.set(part(b, modeB, r0, nr, c0, nc, cols), pb / size);
      zip(code, pa, modeA, pb, modeB, po, nr, nc);
      out.set(mem.subarray(po / size, po / size + nr * nc), r0 * cols + c0);
    }
  }
  return true;
}

interface ZipPlan {
  code: number;
  rows: number;
  cols: number;
  modeA: number;
  modeB: number;
}

/**
 * How wasmZip runs `op`: one rows×cols call with each operand's mode, 'blocks' (a call per
 * block of leading dims), or null where it declines.
 */
function zipPlan(
  op: ZipOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): ZipPlan | 'blocks' | null {
  const n = out.length;
  const code = ZIP_CODES[op] ?? -1;
  if (n < MIN_ELEMENTS || code < 0 || floatSize(a, b, out) === 0) return null;
  // the common cases by length alone: same size (FULL) or a single value (SCALAR)
  const plan =
    (a.length === n || a.length === 1) && (b.length === n || b.length === 1)
      ? {
          rows: 1,
          cols: n,
          modeA: a.length === n ? FULL : SCALAR,
          modeB: b.length === n ? FULL : SCALAR,
        }
      : layout(aShape, bShape, outShape);
  if (plan === null) return 'blocks';
  let { rows, cols, modeA, modeB } = plan;
  if (modeA !== ROW && modeA !== COLUMN && modeB !== ROW && modeB !== COLUMN) {
    [cols, rows] = [rows * cols, 1];
  } else if (rows === 1) {
    [modeA, modeB] = [flat(modeA), flat(modeB)];
  }
  return { code, rows, cols, modeA, modeB };
}

/** wasmZip's call with its addresses bound, for `out` in a program's space; null where it does not run there in one call. */
export function zipInPlace(
  space: Space,
  op: ZipOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): Run | null {
  const plan = zipPlan(op, a, aShape, b, bShape, out, outShape);
  return plan === null || plan === 'blocks' ? null : bindZip(space, plan, a, b, out);
}

/** A planned zip bound to its operands in `space`; null where scratch or `out` does not allow it. */
function bindZip(
  space: Space,
  plan: ZipPlan,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
): Run | null {
  if (out.buffer !== space.buffer) return null;
  const { code, rows, cols, modeA, modeB } = plan;
  space.begin();
  const [boundA, boundB] = [space.bind(a, 0, a.length), space.bind(b, 0, b.length)];
  if (boundA === null || boundB === null) return null;
  const zip = out.BYTES_PER_ELEMENT === 4 ? space.kernels.zipF32 : space.kernels.zipF64;
  const [[pa, copyA], [pb, copyB], po] = [boundA, boundB, out.byteOffset];
  return boundCall([copyA, copyB], () => zip(code, pa, modeA, pb, modeB, po, rows, cols));
}

/**
 * A broadcast that no rows×cols reading fits, such as a per-channel [C, 1, 1] against
 * [N, C, H, W]: over the leading dims each operand either advances block by block or stays
 * put, and each block (here [C, H, W]) is one rows×cols call. False if no split does it, or
 * the blocks are too small to be worth a call each.
 */
function outerBlocks(
  op: ZipOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): boolean {
  const rank = outShape.length;
  const align = (s: readonly number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
  const [as, bs] = [align(aShape), align(bShape)];
  for (let split = 1; split < rank; split++) {
    const lead = outShape.slice(0, split);
    const sweeps = (s: number[]) => s.slice(0, split).every((d, i) => d === lead[i]);
    const stays = (s: number[]) => s.slice(0, split).every((d) => d === 1);
    if (!(sweeps(as) || stays(as)) || !(sweeps(bs) || stays(bs))) continue;
    const inner = outShape.slice(split);
    const [ai, bi] = [as.slice(split), bs.slice(split)];
    const block = inner.reduce((p, d) => p * d, 1);
    if (block < MIN_ELEMENTS || layout(ai, bi, inner) === null) continue;
    const count = out.length / block;
    const [na, nb] = [ai.reduce((p, d) => p * d, 1), bi.reduce((p, d) => p * d, 1)];
    for (let k = 0; k < count; k++) {
      const x = stays(as) ? a : a.subarray(k * na, (k + 1) * na);
      const y = stays(bs) ? b : b.subarray(k * nb, (k + 1) * nb);
      if (!wasmZip(op, x, ai, y, bi, out.subarray(k * block, (k + 1) * block), inner)) return false;
    }
    return true;
  }
  return false;
}

/** In a single row, a ROW operand is all of it and a COLUMN one is one value. */
function flat(mode: number): number {
  return mode === ROW ? FULL : mode === COLUMN ? SCALAR : mode;
}

/** The elements of an operand that rows [r0, r0 + nr) × cols [c0, c0 + nc) of the output read. */
function part(
  x: TypedArray,
  mode: number,
  r0: number,
  nr: number,
  c0: number,
  nc: number,
  cols: number,
): TypedArray {
  switch (mode) {
    case FULL:
      return slice(x, r0 * cols + c0, (r0 + nr - 1) * cols + c0 + nc);
    case ROW:
      return slice(x, c0, c0 + nc);
    case COLUMN:
      return slice(x, r0, r0 + nr);
    default:
      return slice(x, 0, 1);
  }
}

/** x[from, to), without making a view when that is all of x (a view costs ~50 ns). */
function slice(x: TypedArray, from: number, to: number): TypedArray {
  return from === 0 && to === x.length ? x : x.subarray(from, to);
}

/** A split of `outShape` into rows×cols under which both operands have a layout, or null. */
function layout(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]) {
  for (let split = 0; split <= outShape.length; split++) {
    const modeA = modeOf(aShape, outShape, split);
    const modeB = modeOf(bShape, outShape, split);
    if (modeA >= 0 && modeB >= 0) {
      const rows = outShape.slice(0, split).reduce((p, d) => p * d, 1);
      return { rows, cols: outShape.slice(split).reduce((p, d) => p * d, 1), modeA, modeB };
    }
  }
  return null;
}

/** How `shape` (aligned right) covers the dims of `outShape` before and from `split`; −1 if it does not fit. */
function modeOf(shape: readonly number[], outShape: readonly number[], split: number): number {
  const offset = outShape.length - shape.length;
  const full = [true, true];
  const one = [true, true];
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const s = d < offset ? 1 : shape[d - offset];
    const side = d < split ? 0 : 1;
    full[side] &&= s === outShape[d];
    one[side] &&= s === 1;
  }
  if (full[0] && full[1]) return FULL;
  if (one[0] && full[1]) return ROW;
  if (full[0] && one[1]) return COLUMN;
  return one[0] && one[1] ? SCALAR : -1;
}

/**
 * `out[o, i] = fold_j x[o, j, i]` for x of shape [outer, len, inner] with len ≥ 1; false when
 * no kernel takes it.
 */
export function wasmFold(
  op: FoldOp,
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  out: TypedArray,
): boolean {
  const code = foldCode(op, x, len, inner, out);
  if (code < 0) return false;
  const space = spaceOf(out);
  if (space !== null && runIn(bindFold(space, code, x, outer, len, inner, out))) return true;
  const size = x.BYTES_PER_ELEMENT;
  const slab = len * inner;
  const per = Math.max(1, Math.floor(CHUNK / slab)); // outer slabs per pass
  const w = arena(align(per * slab * size) + align(per * inner * size));
  if (w === null) return false;
  const mem = view(w, size);
  const fold = size === 4 ? w.kernels.foldF32 : w.kernels.foldF64;
  const px = w.base;
  const po = px + align(per * slab * size);
  for (let o = 0; o < outer; o += per) {
    const no = Math.min(per, outer - o);
    mem.set(slice(x, o * slab, (o + no) * slab), px / size);
    fold(code, px, no, len, inner, po);
    out.set(mem.subarray(po / size, po / size + no * inner), o * inner);
  }
  return true;
}

/** The kernel's code for folding `x` into `out`, or −1 where wasmFold declines it. */
function foldCode(op: FoldOp, x: TypedArray, len: number, inner: number, out: TypedArray): number {
  const code = FOLD_CODES[op] ?? -1;
  if (x.length < MIN_ELEMENTS || code < 0 || len < 1 || len * inner > MAX_SLAB) return -1;
  return floatSize(x, out) === 0 ? -1 : code;
}

/** wasmFold's call with its addresses bound, for `out` in a program's space; null where it does not run there. */
export function foldInPlace(
  space: Space,
  op: FoldOp,
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  out: TypedArray,
): Run | null {
  const code = foldCode(op, x, len, inner, out);
  return code < 0 ? null : bindFold(space, code, x, outer, len, inner, out);
}

/** The fold kernel `code` bound to x and out in `space`; null where scratch or `out` does not allow it. */
function bindFold(
  space: Space,
  code: number,
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  out: TypedArray,
): Run | null {
  const bound = space.begin().bind(x, 0, x.length);
  if (bound === null || out.buffer !== space.buffer) return null;
  const fold = x.BYTES_PER_ELEMENT === 4 ? space.kernels.foldF32 : space.kernels.foldF64;
  const [[px, copy], po] = [bound, out.byteOffset];
  return boundCall([copy], () => fold(code, px, outer, len, inner, po));
}
