// WebAssembly SIMD matrix products (AssemblyScript), one generic source for f32 and f64.
// Built by scripts/build-wasm.mjs; src/kernels/wasm/engine.ts loads it and owns the memory: every
// pointer here is a byte offset that JavaScript chose, nothing is allocated here.
//
// C (n×m) = op(A)·op(B), op(A) n×k, op(B) k×m, each row-major with its own leading dimension
// (lda, ldb, ldc: elements between rows, so that a thread can take a block of rows); transA /
// transB say that A is stored k×n (B stored m×k). k is cut into blocks of KC. op(B) is packed
// once, for all blocks, into panels of two vectors' width (8 float32 or 4 float64 columns)
// contiguous along k, which every thread then reads; each call packs its rows of op(A) into
// panels of 4 rows per block, and a register-blocked kernel multiplies one panel pair into a
// padded accumulator. Small products (one block of k) skip both: the same kernel reads the
// rows of op(A) where they lie and writes its tiles straight into C.

const KC: i32 = 256;

/** Columns in a panel of op(B): two vectors' worth. */
// @ts-ignore: decorator
@inline
function width<T>(): i32 {
  return 32 / <i32>sizeof<T>();
}

// @ts-ignore: decorator
@inline
function padded<T>(m: i32): i32 {
  return (m + width<T>() - 1) & ~(width<T>() - 1);
}

export function packedBytesF32(k: i32, m: i32): i32 {
  return 4 * k * padded<f32>(m);
}

export function packedBytesF64(k: i32, m: i32): i32 {
  return 8 * k * padded<f64>(m);
}

/** Packs op(B) for gemmF32 into `out` (packedBytesF32 bytes). */
export function packF32(b: usize, ldb: i32, k: i32, m: i32, transB: bool, out: usize): void {
  packB<f32>(b, ldb, k, m, transB, out);
}

export function packF64(b: usize, ldb: i32, k: i32, m: i32, transB: bool, out: usize): void {
  packB<f64>(b, ldb, k, m, transB, out);
}

/** Bytes of scratch `work` a call of gemmF32 needs: packed rows of A and the padded accumulator. */
export function workBytesF32(n: i32, k: i32, m: i32): i32 {
  return workBytes<f32>(n, k, m);
}

export function workBytesF64(n: i32, k: i32, m: i32): i32 {
  return workBytes<f64>(n, k, m);
}

/** C = op(A)·op(B) with op(B) packed by packF32. */
export function gemmF32(a: usize, lda: i32, packed: usize, c: usize, ldc: i32, n: i32, k: i32, m: i32, transA: bool, work: usize): void {
  gemm<f32>(a, lda, packed, c, ldc, n, k, m, transA, work);
}

export function gemmF64(a: usize, lda: i32, packed: usize, c: usize, ldc: i32, n: i32, k: i32, m: i32, transA: bool, work: usize): void {
  gemm<f64>(a, lda, packed, c, ldc, n, k, m, transA, work);
}

// @ts-ignore: decorator
@inline
function workBytes<T>(n: i32, k: i32, m: i32): i32 {
  const n4 = (n + 3) & ~3;
  return <i32>sizeof<T>() * (n4 * min(KC, k) + n4 * padded<T>(m));
}

/** Block by block of k: panels of `width` columns, block k0's at out + k0·mw. */
function packB<T>(b: usize, ldb: i32, k: i32, m: i32, trans: bool, out: usize): void {
  const mw = padded<T>(m);
  for (let k0 = 0; k0 < k; k0 += KC) packColumns<T>(b, ldb, m, k0, min(KC, k - k0), trans, out + <usize>(k0 * mw) * sizeof<T>());
}

/** Up to this many elements of op(A) in one block of k, A is read where it lies: packing it would cost more than it saves. */
const DIRECT_A: i32 = 4096;

function gemm<T>(a: usize, lda: i32, packed: usize, c: usize, ldc: i32, n: i32, k: i32, m: i32, transA: bool, work: usize): void {
  if (k <= KC && n * k <= DIRECT_A) {
    gemmDirect<T>(a, lda, packed, c, ldc, n, k, m, transA, work);
    return;
  }
  const size = <usize>sizeof<T>();
  const w = width<T>();
  const n4 = (n + 3) & ~3;
  const mw = padded<T>(m);
  const pa = work;
  const acc = pa + <usize>(n4 * min(KC, k)) * size;
  memory.fill(acc, 0, <usize>(n4 * mw) * size);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kb = min(KC, k - k0);
    packRows<T>(a, lda, n, k0, kb, transA, pa);
    const pb = packed + <usize>(k0 * mw) * size;
    for (let j = 0; j < mw; j += w) {
      for (let i = 0; i < n4; i += 4) {
        // a panel holds element (r, p) at r + 4p: rows one element apart, stepping 4 along k
        const panel = pa + <usize>(i * kb) * size;
        tile<T>(panel, panel + size, panel + 2 * size, panel + 3 * size, 4 * size, pb + <usize>(j * kb) * size, kb, acc + <usize>(i * mw + j) * size, <usize>mw * size, 4, w, 0, true);
      }
    }
  }
  for (let i = 0; i < n; i++) memory.copy(c + <usize>(i * ldc) * size, acc + <usize>(i * mw) * size, <usize>m * size);
}

/**
 * A small product in one block of k: rows of op(A) read in place (rows past n repeat the
 * last, and are not stored), each 4×width tile written straight into C. The sums are the
 * packed path's, in the same order, and land as 0 + sum as its accumulator's do.
 */
function gemmDirect<T>(a: usize, lda: i32, packed: usize, c: usize, ldc: i32, n: i32, k: i32, m: i32, transA: bool, work: usize): void {
  const size = <usize>sizeof<T>();
  const w = width<T>();
  // along k a row of op(A) steps by one element, or by one row of A when A is stored transposed
  const step = transA ? <usize>lda * size : size;
  const across = transA ? size : <usize>lda * size;
  const last = <usize>(n - 1);
  for (let i = 0; i < n; i += 4) {
    const r0 = a + <usize>i * across;
    const r1 = a + min(<usize>(i + 1), last) * across;
    const r2 = a + min(<usize>(i + 2), last) * across;
    const r3 = a + min(<usize>(i + 3), last) * across;
    for (let j = 0; j < m; j += w) {
      const pb = packed + <usize>(j * k) * size;
      const dst = c + <usize>(i * ldc + j) * size;
      tile<T>(r0, r1, r2, r3, step, pb, k, dst, <usize>ldc * size, min(4, n - i), min(w, m - j), work, false);
    }
  }
}

/**
 * One 4×width tile: rows r0…r3 of op(A) (each stepping `step` bytes along k) times a panel of
 * op(B), over kb; 8 vector accumulators, 2 vector and 4 splat loads per 8 multiply-adds. It
 * lands in C as 0 + sum, or, with `add`, as C + sum (the packed path's accumulator); a
 * partial tile (rows × cols of C) goes through `temp` (4 rows of 32 bytes).
 */
// @ts-ignore: decorator
@inline
function tile<T>(r0: usize, r1: usize, r2: usize, r3: usize, step: usize, pb: usize, kb: i32, c: usize, ldc: usize, rows: i32, cols: i32, temp: usize, add: bool): void {
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load_splat<T>(r0);
    c00 = madd<T>(x, b0, c00);
    c01 = madd<T>(x, b1, c01);
    x = v128.load_splat<T>(r1);
    c10 = madd<T>(x, b0, c10);
    c11 = madd<T>(x, b1, c11);
    x = v128.load_splat<T>(r2);
    c20 = madd<T>(x, b0, c20);
    c21 = madd<T>(x, b1, c21);
    x = v128.load_splat<T>(r3);
    c30 = madd<T>(x, b0, c30);
    c31 = madd<T>(x, b1, c31);
    r0 += step;
    r1 += step;
    r2 += step;
    r3 += step;
    pb += 32;
  }
  const whole = rows == 4 && cols == width<T>();
  const out = whole ? c : temp;
  const ld = whole ? ldc : 32;
  storeRow<T>(out, c00, c01, add);
  storeRow<T>(out + ld, c10, c11, add);
  storeRow<T>(out + 2 * ld, c20, c21, add);
  storeRow<T>(out + 3 * ld, c30, c31, add);
  if (!whole) for (let r = 0; r < rows; r++) memory.copy(c + <usize>r * ldc, temp + <usize>(r * 32), <usize>cols * sizeof<T>());
}

// @ts-ignore: decorator
@inline
function storeRow<T>(row: usize, lo: v128, hi: v128, add: bool): void {
  const zero = v128.splat<T>(0);
  v128.store(row, v128.add<T>(add ? v128.load(row) : zero, lo));
  v128.store(row, v128.add<T>(add ? v128.load(row, 16) : zero, hi), 16);
}

/** a·b + c: one fused instruction where the relaxed-SIMD build is allowed to use it. */
// @ts-ignore: decorator
@inline
function madd<T>(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.relaxed_madd<T>(a, b, c) : v128.add<T>(c, v128.mul<T>(a, b));
}

/** Panels of 4 rows of op(A)[:, k0:k0+kb], p-major: out[i0·kb + p·4 + r]; rows past n are 0. */
function packRows<T>(a: usize, lda: i32, n: i32, k0: i32, kb: i32, trans: bool, out: usize): void {
  const size = <usize>sizeof<T>();
  for (let i0 = 0; i0 < n; i0 += 4) {
    const base = out + <usize>(i0 * kb) * size;
    for (let r = 0; r < 4; r++) {
      const i = i0 + r;
      for (let p = 0; p < kb; p++) {
        const v: T = i >= n ? <T>0 : trans ? load<T>(a + <usize>((k0 + p) * lda + i) * size) : load<T>(a + <usize>(i * lda + k0 + p) * size);
        store<T>(base + <usize>(p * 4 + r) * size, v);
      }
    }
  }
}

/** Panels of `width` columns of op(B)[k0:k0+kb, :], p-major: out[j0·kb + p·width + c]; columns past m are 0. */
function packColumns<T>(b: usize, ldb: i32, m: i32, k0: i32, kb: i32, trans: bool, out: usize): void {
  const size = <usize>sizeof<T>();
  const w = width<T>();
  for (let j0 = 0; j0 < m; j0 += w) {
    const base = out + <usize>(j0 * kb) * size;
    if (!trans && j0 + w <= m) {
      // a whole panel row is 32 contiguous bytes of B: two vector copies
      for (let p = 0; p < kb; p++) {
        const src = b + <usize>((k0 + p) * ldb + j0) * size;
        const dst = base + <usize>(p * 32);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
      continue;
    }
    if (trans && j0 + w <= m && sizeof<T>() == 4) {
      // B stored m×k (a weight read transposed): 4×4 blocks turned with shuffles, then the rest of k
      const p4 = kb & ~3;
      for (let c = 0; c < w; c += 4) {
        const row = b + <usize>((j0 + c) * ldb + k0) * size;
        for (let p = 0; p < p4; p += 4) transpose4(row + <usize>p * size, <usize>ldb * size, base + <usize>(p * w + c) * size, <usize>w * size);
        for (let r = 0; r < 4; r++)
          for (let p = p4; p < kb; p++) store<T>(base + <usize>(p * w + c + r) * size, load<T>(row + <usize>(r * ldb + p) * size));
      }
      continue;
    }
    for (let c = 0; c < w; c++) {
      const j = j0 + c;
      for (let p = 0; p < kb; p++) {
        const v: T = j >= m ? <T>0 : trans ? load<T>(b + <usize>(j * ldb + k0 + p) * size) : load<T>(b + <usize>((k0 + p) * ldb + j) * size);
        store<T>(base + <usize>(p * w + c) * size, v);
      }
    }
  }
}

/** Four rows of 4 float32 at `src` (rows `ld` bytes apart) stored as four columns at `dst` (`ldd` apart). */
// @ts-ignore: decorator
@inline
function transpose4(src: usize, ld: usize, dst: usize, ldd: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + ld);
  const r2 = v128.load(src + 2 * ld);
  const r3 = v128.load(src + 3 * ld);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + ldd, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * ldd, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * ldd, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}
