// WebAssembly SIMD element-wise and reduction kernels (AssemblyScript), one generic source
// for f32 and f64: the v128 builtins take the lane type T. src/kernels/wasm/elementwise.ts
// copies the operands in and the result out; every pointer is a byte offset it chose.
//
// Each exported kernel switches on `op` once and calls an @inline loop with that op as a
// constant, so the optimiser folds the per-element switch away. Loops run over whole vectors,
// then the last elements go one at a time through the same vector op on a splat, so the
// tail cannot compute differently from the body.

import {
  ABS, ADD, COLUMN, DIV, EXP, FULL, MAX, MAXIMUM, MIN, MINIMUM, MUL, NEG, RELU, RELU_BACKWARD, ROW,
  SCALAR, SIGMOID, SIGMOID_BACKWARD, SPLAT, SQRT, SQUARE, SUB, SUM, TANH, TANH_BACKWARD,
} from './abi';

// op codes, operand layouts and SPLAT (32 bytes where COLUMN and SCALAR operands' current
// values are splatted, to be read with step 0) come from src/kernels/wasm/abi.ts, which the
// TypeScript side imports too

export function mapF32(op: i32, x: usize, out: usize, n: i32): void {
  mapAny<f32>(op, x, out, n);
}

/** f64 has the exact ops only: its exp, tanh and sigmoid stay with JavaScript's Math. */
export function mapF64(op: i32, x: usize, out: usize, n: i32): void {
  mapAny<f64>(op, x, out, n);
}

// @ts-ignore: decorator
@inline
function mapAny<T>(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: mapLoop<T>(NEG, x, out, n); break;
    case ABS: mapLoop<T>(ABS, x, out, n); break;
    case SQUARE: mapLoop<T>(SQUARE, x, out, n); break;
    case SQRT: mapLoop<T>(SQRT, x, out, n); break;
    case RELU: mapLoop<T>(RELU, x, out, n); break;
  }
  if (sizeof<T>() == 4) {
    switch (op) {
      case EXP: mapLoop<T>(EXP, x, out, n); break;
      case TANH: mapLoop<T>(TANH, x, out, n); break;
      case SIGMOID: mapLoop<T>(SIGMOID, x, out, n); break;
    }
  }
}

// @ts-ignore: decorator
@inline
function mapLoop<T>(op: i32, x: usize, out: usize, n: i32): void {
  const size = sizeof<T>();
  const lanes = 16 / <i32>size;
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    v128.store(out, unary<T>(op, v128.load(x)));
    x += 16;
    out += 16;
  }
  for (; i < n; i++) {
    store<T>(out, v128.extract_lane<T>(unary<T>(op, v128.splat<T>(load<T>(x))), 0));
    x += size;
    out += size;
  }
}

// @ts-ignore: decorator
@inline
function unary<T>(op: i32, v: v128): v128 {
  switch (op) {
    case NEG: return v128.neg<T>(v);
    case ABS: return v128.abs<T>(v);
    case SQUARE: return v128.mul<T>(v, v);
    case SQRT: return v128.sqrt<T>(v);
    // keeps x where x > 0 or x is NaN, else +0 (as the TypeScript kernel)
    case RELU: return v128.and(v, v128.or(v128.gt<T>(v, v128.splat<T>(0)), v128.ne<T>(v, v)));
    case EXP: return viaF64(EXP, v);
    case TANH: return viaF64(TANH, v);
    default: return viaF64(SIGMOID, v);
  }
}

/**
 * A float32 function computed in float64 lanes and rounded once, so results are the correctly
 * rounded ones except within ~1e-13 of a rounding boundary (then one ulp off).
 */
// @ts-ignore: decorator
@inline
function viaF64(op: i32, v: v128): v128 {
  const lo = transcendental(op, f64x2.promote_low_f32x4(v));
  const hi = transcendental(op, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline
function transcendental(op: i32, x: v128): v128 {
  const one = f64x2.splat(1);
  if (op == EXP) return f64x2.mul(scale(x), f64x2.add(one, expm1Reduced(x)));
  if (op == TANH) {
    // tanh x = t/(t + 2) with t = e^(2x) − 1, which keeps full precision near 0
    const t = expm1(f64x2.add(x, x));
    return f64x2.div(t, f64x2.add(t, f64x2.splat(2)));
  }
  // σ(x) = 1/(1 + e^(−x)): e^(−x) may overflow to ∞, giving exactly 0
  const e = f64x2.mul(scale(f64x2.neg(x)), f64x2.add(one, expm1Reduced(f64x2.neg(x))));
  return f64x2.div(one, f64x2.add(one, e));
}

// e^x = 2^k·e^r with k = round(x/ln 2) and |r| ≤ ln2/2. Inputs are clamped to ±200 first:
// beyond that every float32 result is already 0, 1 or ∞, and 2^k stays a normal double.
const LOG2E = 1.4426950408889634;
const LN2 = 0.6931471805599453;
/** 1.5·2^52: adding it rounds to an integer that sits in the low mantissa bits. */
const MAGIC = 6755399441055744.0;

// @ts-ignore: decorator
@inline
function clampExponent(x: v128): v128 {
  // pmax/pmin are one instruction each and keep a NaN that comes first
  return f64x2.pmin(f64x2.pmax(x, f64x2.splat(-200)), f64x2.splat(200));
}

// @ts-ignore: decorator
@inline
function kOf(x: v128): v128 {
  return f64x2.nearest(f64x2.mul(clampExponent(x), f64x2.splat(LOG2E)));
}

/** 2^k as a double, built in its exponent bits. */
// @ts-ignore: decorator
@inline
function scale(x: v128): v128 {
  const bits = f64x2.add(kOf(x), f64x2.splat(MAGIC)); // low bits now hold k
  return i64x2.shl(i64x2.add(bits, i64x2.splat(1023)), 52);
}

/**
 * e^r − 1 for the reduced r: r·(1 + r/2! + … + r⁹/10!), its Taylor series to r^10 (relative
 * error < 1e-12 for |r| ≤ ln2/2), evaluated in Estrin's pairs so the chain of dependent
 * multiply-adds is 5 long rather than 10.
 */
// @ts-ignore: decorator
@inline
function expm1Reduced(x: v128): v128 {
  const r = f64x2.sub(clampExponent(x), f64x2.mul(kOf(x), f64x2.splat(LN2)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const p01 = pair(1, 1.0 / 2, r);
  const p23 = pair(1.0 / 6, 1.0 / 24, r);
  const p45 = pair(1.0 / 120, 1.0 / 720, r);
  const p67 = pair(1.0 / 5040, 1.0 / 40320, r);
  const p89 = pair(1.0 / 362880, 1.0 / 3628800, r);
  const low = f64x2.add(p01, f64x2.mul(r2, p23));
  const high = f64x2.add(p45, f64x2.mul(r2, f64x2.add(p67, f64x2.mul(r2, p89))));
  return f64x2.mul(r, f64x2.add(low, f64x2.mul(r4, high)));
}

/** a + b·r */
// @ts-ignore: decorator
@inline
function pair(a: f64, b: f64, r: v128): v128 {
  return f64x2.add(f64x2.splat(a), f64x2.mul(f64x2.splat(b), r));
}

/** e^x − 1 = 2^k·(e^r − 1) + (2^k − 1): exactly the series when k = 0, so no cancellation. */
// @ts-ignore: decorator
@inline
function expm1(x: v128): v128 {
  const s = scale(x);
  return f64x2.add(f64x2.mul(s, expm1Reduced(x)), f64x2.sub(s, f64x2.splat(1)));
}

/**
 * out (rows×cols) = op(a, b), where each operand is FULL (rows×cols), a ROW of cols shared by
 * every row (a bias), a COLUMN of one value per row (a keepdim reduction), or a SCALAR.
 */
export function zipF32(op: i32, a: usize, modeA: i32, b: usize, modeB: i32, out: usize, rows: i32, cols: i32): void {
  zipAny<f32>(op, a, modeA, b, modeB, out, rows, cols);
}

export function zipF64(op: i32, a: usize, modeA: i32, b: usize, modeB: i32, out: usize, rows: i32, cols: i32): void {
  zipAny<f64>(op, a, modeA, b, modeB, out, rows, cols);
}

// @ts-ignore: decorator
@inline
function zipAny<T>(op: i32, a: usize, modeA: i32, b: usize, modeB: i32, out: usize, rows: i32, cols: i32): void {
  switch (op) {
    case ADD: zipRows<T>(ADD, a, modeA, b, modeB, out, rows, cols); break;
    case SUB: zipRows<T>(SUB, a, modeA, b, modeB, out, rows, cols); break;
    case MUL: zipRows<T>(MUL, a, modeA, b, modeB, out, rows, cols); break;
    case DIV: zipRows<T>(DIV, a, modeA, b, modeB, out, rows, cols); break;
    case MAXIMUM: zipRows<T>(MAXIMUM, a, modeA, b, modeB, out, rows, cols); break;
    case MINIMUM: zipRows<T>(MINIMUM, a, modeA, b, modeB, out, rows, cols); break;
    case TANH_BACKWARD: zipRows<T>(TANH_BACKWARD, a, modeA, b, modeB, out, rows, cols); break;
    case SIGMOID_BACKWARD: zipRows<T>(SIGMOID_BACKWARD, a, modeA, b, modeB, out, rows, cols); break;
    case RELU_BACKWARD: zipRows<T>(RELU_BACKWARD, a, modeA, b, modeB, out, rows, cols); break;
  }
}

// @ts-ignore: decorator
@inline
function zipRows<T>(op: i32, a: usize, modeA: i32, b: usize, modeB: i32, out: usize, rows: i32, cols: i32): void {
  const size = <usize>sizeof<T>();
  const row = <usize>cols * size;
  // a splatted operand sits in its own half of SPLAT's 32 bytes
  const splatA = SPLAT;
  const splatB = SPLAT + 16;
  for (let r = 0; r < rows; r++) {
    const pa = operand<T>(a, modeA, r, row, splatA);
    const pb = operand<T>(b, modeB, r, row, splatB);
    const stepA: usize = modeA == FULL || modeA == ROW ? 16 : 0;
    const stepB: usize = modeB == FULL || modeB == ROW ? 16 : 0;
    zipLine<T>(op, pa, stepA, pb, stepB, out + <usize>r * row, cols);
  }
}

/** Where row r of an operand starts; a COLUMN or SCALAR value is splatted into `slot` first. */
// @ts-ignore: decorator
@inline
function operand<T>(p: usize, mode: i32, r: i32, row: usize, slot: usize): usize {
  if (mode == FULL) return p + <usize>r * row;
  if (mode == ROW) return p;
  v128.store(slot, v128.splat<T>(load<T>(mode == COLUMN ? p + <usize>r * sizeof<T>() : p)));
  return slot;
}

/** out[i] = op(a[i], b[i]) for n elements; a step of 0 re-reads a splatted value. */
// @ts-ignore: decorator
@inline
function zipLine<T>(op: i32, a: usize, stepA: usize, b: usize, stepB: usize, out: usize, n: i32): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / <i32>size;
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    v128.store(out, binary<T>(op, v128.load(a), v128.load(b)));
    a += stepA;
    b += stepB;
    out += 16;
  }
  const stepA1 = stepA == 0 ? 0 : size;
  const stepB1 = stepB == 0 ? 0 : size;
  for (; i < n; i++) {
    store<T>(out, v128.extract_lane<T>(binary<T>(op, v128.splat<T>(load<T>(a)), v128.splat<T>(load<T>(b))), 0));
    a += stepA1;
    b += stepB1;
    out += size;
  }
}

// @ts-ignore: decorator
@inline
function binary<T>(op: i32, a: v128, b: v128): v128 {
  const one = v128.splat<T>(1);
  switch (op) {
    case ADD: return v128.add<T>(a, b);
    case SUB: return v128.sub<T>(a, b);
    case MUL: return v128.mul<T>(a, b);
    case DIV: return v128.div<T>(a, b);
    // NaN if either is NaN, as the TypeScript kernels
    case MAXIMUM: return v128.max<T>(a, b);
    case MINIMUM: return v128.min<T>(a, b);
    // the fused gradient rules (dy, saved value): dy·(1 − y²), dy·y·(1 − y), dy·[x > 0];
    // 1 − y² as (1 − y)(1 + y), which does not cancel as y nears ±1
    case TANH_BACKWARD: return v128.mul<T>(a, v128.mul<T>(v128.sub<T>(one, b), v128.add<T>(one, b)));
    case SIGMOID_BACKWARD: return v128.mul<T>(v128.mul<T>(a, b), v128.sub<T>(one, b));
    default: return v128.and(a, v128.gt<T>(b, v128.splat<T>(0)));
  }
}

/**
 * out[o, i] = fold over j of x[o, j, i] for x of shape [outer, len, inner], len ≥ 1. Summing
 * along the contiguous axis (inner = 1) accumulates float32 in float64 lanes, as the
 * TypeScript kernel accumulates in a JavaScript number.
 */
export function foldF32(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  if (op == SUM && inner == 1) sumRowsF32(x, outer, len, out);
  else foldAny<f32>(op, x, outer, len, inner, out);
}

export function foldF64(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  foldAny<f64>(op, x, outer, len, inner, out);
}

// @ts-ignore: decorator
@inline
function foldAny<T>(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  switch (op) {
    case SUM: if (inner == 1) foldRows<T>(ADD, x, outer, len, out); else foldBlocks<T>(ADD, x, outer, len, inner, out); break;
    case MAX: if (inner == 1) foldRows<T>(MAXIMUM, x, outer, len, out); else foldBlocks<T>(MAXIMUM, x, outer, len, inner, out); break;
    case MIN: if (inner == 1) foldRows<T>(MINIMUM, x, outer, len, out); else foldBlocks<T>(MINIMUM, x, outer, len, inner, out); break;
  }
}

/** Folds rows of `inner` elements into one output row, in order: a vector loop along the row. */
// @ts-ignore: decorator
@inline
function foldBlocks<T>(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  const row = <usize>inner * sizeof<T>();
  for (let o = 0; o < outer; o++) {
    memory.copy(out, x, row);
    x += row;
    for (let j = 1; j < len; j++) {
      zipLine<T>(op, out, 16, x, 16, out, inner);
      x += row;
    }
    out += row;
  }
}

/** Folds each contiguous row of `len` into one value: vector lanes, then across the lanes. */
// @ts-ignore: decorator
@inline
function foldRows<T>(op: i32, x: usize, outer: i32, len: i32, out: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / <i32>size;
  for (let o = 0; o < outer; o++) {
    // 0 for sums; x[0] is neutral for max and min
    let acc = op == ADD ? v128.splat<T>(0) : v128.splat<T>(load<T>(x));
    let i = 0;
    for (; i + lanes <= len; i += lanes) acc = binary<T>(op, acc, v128.load(x + <usize>i * size));
    let s = fold1<T>(op, v128.extract_lane<T>(acc, 0), v128.extract_lane<T>(acc, 1));
    if (sizeof<T>() == 4) {
      s = fold1<T>(op, s, v128.extract_lane<T>(acc, 2));
      s = fold1<T>(op, s, v128.extract_lane<T>(acc, 3));
    }
    for (; i < len; i++) s = fold1<T>(op, s, load<T>(x + <usize>i * size));
    store<T>(out, s);
    x += <usize>len * size;
    out += size;
  }
}

/** One step of a fold, through the vector op so that it agrees with the vector lanes. */
// @ts-ignore: decorator
@inline
function fold1<T>(op: i32, s: T, v: T): T {
  return v128.extract_lane<T>(binary<T>(op, v128.splat<T>(s), v128.splat<T>(v)), 0);
}

/** Sums float32 rows in float64 lanes: a row of 10⁶ ones still sums to exactly 10⁶. */
function sumRowsF32(x: usize, outer: i32, len: i32, out: usize): void {
  for (let o = 0; o < outer; o++) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const v = v128.load(x + <usize>i * 4);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
    }
    let s = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(hi, 0) + f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 1);
    for (; i < len; i++) s += <f64>load<f32>(x + <usize>i * 4);
    store<f32>(out, <f32>s);
    x += <usize>len * 4;
    out += 4;
  }
}
