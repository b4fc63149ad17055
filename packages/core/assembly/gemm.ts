// WebAssembly SIMD matrix products (AssemblyScript). Built by scripts/build-wasm.mjs into
// packages/core/src/kernels/wasm-binary.ts; src/kernels/wasm.ts loads it and owns the memory:
// every pointer here is a byte offset that JavaScript chose, nothing is allocated here.
//
// C (n×m) = op(A)·op(B), op(A) n×k, op(B) k×m, each row-major with its own leading dimension
// (lda, ldb, ldc: elements between rows, so that a thread can take a block of rows); transA /
// transB say that A is stored k×n (B stored m×k). k is cut into blocks of KC; for each block op(A) is packed into
// panels of 4 rows and op(B) into panels of 8 (float32) or 4 (float64) columns, contiguous
// along k, and a register-blocked kernel multiplies one panel pair into a padded accumulator.

const KC: i32 = 256;

// a·b + c: one fused instruction where the relaxed-SIMD build is allowed to use it
// @ts-ignore: decorator
@inline
function madd32(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline
function madd64(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f64x2.relaxed_madd(a, b, c) : f64x2.add(c, f64x2.mul(a, b));
}

/** Bytes of scratch `work` must hold for gemmF32: packed panels and the padded accumulator. */
export function workBytesF32(n: i32, k: i32, m: i32): i32 {
  const n4 = (n + 3) & ~3;
  const m8 = (m + 7) & ~7;
  const kc = min(KC, k);
  return 4 * (n4 * kc + m8 * kc + n4 * m8);
}

/** Bytes of scratch `work` must hold for gemmF64. */
export function workBytesF64(n: i32, k: i32, m: i32): i32 {
  const n4 = (n + 3) & ~3;
  const m4 = (m + 3) & ~3;
  const kc = min(KC, k);
  return 8 * (n4 * kc + m4 * kc + n4 * m4);
}

export function gemmF32(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, n: i32, k: i32, m: i32, transA: bool, transB: bool, work: usize): void {
  const n4 = (n + 3) & ~3;
  const m8 = (m + 7) & ~7;
  const kc = min(KC, k);
  const pa = work;
  const pb = pa + <usize>(n4 * kc) * 4;
  const acc = pb + <usize>(m8 * kc) * 4;
  memory.fill(acc, 0, <usize>(n4 * m8) * 4);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kb = min(KC, k - k0);
    packRowsF32(a, lda, n, k0, kb, transA, pa);
    packColumnsF32(b, ldb, m, k0, kb, transB, pb);
    for (let j = 0; j < m8; j += 8) {
      for (let i = 0; i < n4; i += 4) {
        kernel4x8(pa + <usize>(i * kb) * 4, pb + <usize>(j * kb) * 4, kb, acc + <usize>(i * m8 + j) * 4, m8 * 4);
      }
    }
  }
  for (let i = 0; i < n; i++) memory.copy(c + <usize>(i * ldc) * 4, acc + <usize>(i * m8) * 4, <usize>m * 4);
}

export function gemmF64(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, n: i32, k: i32, m: i32, transA: bool, transB: bool, work: usize): void {
  const n4 = (n + 3) & ~3;
  const m4 = (m + 3) & ~3;
  const kc = min(KC, k);
  const pa = work;
  const pb = pa + <usize>(n4 * kc) * 8;
  const acc = pb + <usize>(m4 * kc) * 8;
  memory.fill(acc, 0, <usize>(n4 * m4) * 8);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kb = min(KC, k - k0);
    packRowsF64(a, lda, n, k0, kb, transA, pa);
    packColumnsF64(b, ldb, m, k0, kb, transB, pb);
    for (let j = 0; j < m4; j += 4) {
      for (let i = 0; i < n4; i += 4) {
        kernel4x4(pa + <usize>(i * kb) * 8, pb + <usize>(j * kb) * 8, kb, acc + <usize>(i * m4 + j) * 8, m4 * 8);
      }
    }
  }
  for (let i = 0; i < n; i++) memory.copy(c + <usize>(i * ldc) * 8, acc + <usize>(i * m4) * 8, <usize>m * 8);
}

/** acc[4×8 tile] += panel(A)·panel(B): 8 vector accumulators, 2 vector and 4 splat loads per 32 multiply-adds. */
// @ts-ignore: decorator
@inline
function kernel4x8(pa: usize, pb: usize, kb: i32, acc: usize, ldc: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd32(a, b0, c00);
    c01 = madd32(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd32(a, b0, c10);
    c11 = madd32(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd32(a, b0, c20);
    c21 = madd32(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd32(a, b0, c30);
    c31 = madd32(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  let row = acc;
  v128.store(row, f32x4.add(v128.load(row), c00));
  v128.store(row, f32x4.add(v128.load(row, 16), c01), 16);
  row += ldc;
  v128.store(row, f32x4.add(v128.load(row), c10));
  v128.store(row, f32x4.add(v128.load(row, 16), c11), 16);
  row += ldc;
  v128.store(row, f32x4.add(v128.load(row), c20));
  v128.store(row, f32x4.add(v128.load(row, 16), c21), 16);
  row += ldc;
  v128.store(row, f32x4.add(v128.load(row), c30));
  v128.store(row, f32x4.add(v128.load(row, 16), c31), 16);
}

/** acc[4×4 tile] += panel(A)·panel(B) in float64: 8 vector accumulators of 2 lanes. */
// @ts-ignore: decorator
@inline
function kernel4x4(pa: usize, pb: usize, kb: i32, acc: usize, ldc: i32): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = madd64(a, b0, c00);
    c01 = madd64(a, b1, c01);
    a = v128.load64_splat(pa, 8);
    c10 = madd64(a, b0, c10);
    c11 = madd64(a, b1, c11);
    a = v128.load64_splat(pa, 16);
    c20 = madd64(a, b0, c20);
    c21 = madd64(a, b1, c21);
    a = v128.load64_splat(pa, 24);
    c30 = madd64(a, b0, c30);
    c31 = madd64(a, b1, c31);
    pa += 32;
    pb += 32;
  }
  let row = acc;
  v128.store(row, f64x2.add(v128.load(row), c00));
  v128.store(row, f64x2.add(v128.load(row, 16), c01), 16);
  row += ldc;
  v128.store(row, f64x2.add(v128.load(row), c10));
  v128.store(row, f64x2.add(v128.load(row, 16), c11), 16);
  row += ldc;
  v128.store(row, f64x2.add(v128.load(row), c20));
  v128.store(row, f64x2.add(v128.load(row, 16), c21), 16);
  row += ldc;
  v128.store(row, f64x2.add(v128.load(row), c30));
  v128.store(row, f64x2.add(v128.load(row, 16), c31), 16);
}

/** Panels of 4 rows of op(A)[:, k0:k0+kb], p-major: out[i0·kb + p·4 + r]; rows past n are 0. */
function packRowsF32(a: usize, lda: i32, n: i32, k0: i32, kb: i32, trans: bool, out: usize): void {
  for (let i0 = 0; i0 < n; i0 += 4) {
    const base = out + <usize>(i0 * kb) * 4;
    for (let r = 0; r < 4; r++) {
      const i = i0 + r;
      for (let p = 0; p < kb; p++) {
        const v: f32 = i >= n ? 0 : trans ? load<f32>(a + <usize>((k0 + p) * lda + i) * 4) : load<f32>(a + <usize>(i * lda + k0 + p) * 4);
        store<f32>(base + <usize>(p * 4 + r) * 4, v);
      }
    }
  }
}

/** Panels of 8 columns of op(B)[k0:k0+kb, :], p-major: out[j0·kb + p·8 + c]; columns past m are 0. */
function packColumnsF32(b: usize, ldb: i32, m: i32, k0: i32, kb: i32, trans: bool, out: usize): void {
  for (let j0 = 0; j0 < m; j0 += 8) {
    const base = out + <usize>(j0 * kb) * 4;
    if (!trans && j0 + 8 <= m) {
      for (let p = 0; p < kb; p++) {
        const src = b + <usize>((k0 + p) * ldb + j0) * 4;
        const dst = base + <usize>(p * 8) * 4;
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
      continue;
    }
    for (let c = 0; c < 8; c++) {
      const j = j0 + c;
      for (let p = 0; p < kb; p++) {
        const v: f32 = j >= m ? 0 : trans ? load<f32>(b + <usize>(j * ldb + k0 + p) * 4) : load<f32>(b + <usize>((k0 + p) * ldb + j) * 4);
        store<f32>(base + <usize>(p * 8 + c) * 4, v);
      }
    }
  }
}

function packRowsF64(a: usize, lda: i32, n: i32, k0: i32, kb: i32, trans: bool, out: usize): void {
  for (let i0 = 0; i0 < n; i0 += 4) {
    const base = out + <usize>(i0 * kb) * 8;
    for (let r = 0; r < 4; r++) {
      const i = i0 + r;
      for (let p = 0; p < kb; p++) {
        const v: f64 = i >= n ? 0 : trans ? load<f64>(a + <usize>((k0 + p) * lda + i) * 8) : load<f64>(a + <usize>(i * lda + k0 + p) * 8);
        store<f64>(base + <usize>(p * 4 + r) * 8, v);
      }
    }
  }
}

function packColumnsF64(b: usize, ldb: i32, m: i32, k0: i32, kb: i32, trans: bool, out: usize): void {
  for (let j0 = 0; j0 < m; j0 += 4) {
    const base = out + <usize>(j0 * kb) * 8;
    for (let c = 0; c < 4; c++) {
      const j = j0 + c;
      for (let p = 0; p < kb; p++) {
        const v: f64 = j >= m ? 0 : trans ? load<f64>(b + <usize>(j * ldb + k0 + p) * 8) : load<f64>(b + <usize>((k0 + p) * ldb + j) * 8);
        store<f64>(base + <usize>(p * 4 + c) * 8, v);
      }
    }
  }
}
