import type { TypedArray } from '../../dtype';
import type { Operand } from '../kernels';
import { CONTROL, PAGE, RESERVED } from './abi';
import { KERNELS_WASM, KERNELS_WASM_RELAXED, MAX_PAGES } from './binary';
import { withSharedMemory } from './shared-memory';
import { boundCall, Space, spaceOf } from './space';
import { type GemmJob, nodeBuiltin, Pool } from './threads';

/** The compiled kernels' exports (packages/core/assembly). */
export interface Exports {
  gemmF32(...args: [...GemmJob, number]): void;
  gemmF64(...args: [...GemmJob, number]): void;
  packF32(b: number, ldb: number, k: number, m: number, transB: number, out: number): void;
  packF64(b: number, ldb: number, k: number, m: number, transB: number, out: number): void;
  packedBytesF32(k: number, m: number): number;
  packedBytesF64(k: number, m: number): number;
  workBytesF32(n: number, k: number, m: number): number;
  workBytesF64(n: number, k: number, m: number): number;
  mapF32(op: number, x: number, out: number, n: number): void;
  mapF64(op: number, x: number, out: number, n: number): void;
  zipF32(
    op: number,
    a: number,
    modeA: number,
    b: number,
    modeB: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  zipF64(
    op: number,
    a: number,
    modeA: number,
    b: number,
    modeB: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  foldF32(op: number, x: number, outer: number, len: number, inner: number, out: number): void;
  im2colF32(src: number, dst: number, ...geometry: [...number[], number]): void;
  im2colF64(src: number, dst: number, ...geometry: [...number[], number]): void;
  foldF64(op: number, x: number, outer: number, len: number, inner: number, out: number): void;
  /** p, g, buf, n, lr, momentum, dampening, weight decay, flags (assembly/optim.ts). */
  sgdF32(...args: number[]): void;
  sgdF64(...args: number[]): void;
  /** p, g, m, v, vMax, n, step size, √(1 − β2ᵗ), β1, β2, eps, weight decay, decay, flags. */
  adamF32(...args: number[]): void;
  adamF64(...args: number[]): void;
}

/** One instance of the kernels with its memory (shared ones also serve a pool of workers). */
interface Engine {
  kernels: Exports;
  memory: WebAssembly.Memory;
  pool: Pool | null;
  arena: Arena;
}

// the memory's layout (CONTROL: worker slots, up to 13 KiB; RESERVED: our buffers) is in abi.ts
/**
 * Up to this many multiply-adds a float64 product stays in JavaScript, where it sums in the
 * same order as the kernel; a float32 one only below SMALL_F32, as the kernel sums float32
 * in float32 (the JavaScript loop in float64): one rounding for eager calls and compiled
 * replays, whose products, nothing to copy, take the kernel from a few hundred on.
 */
const SMALL = 16 * 16 * 16;
const SMALL_F32 = 256;
/**
 * Below this many multiply-adds a product runs on one thread: waking workers costs more
 * (W1 at N = 128, 2.1M, ran 25.6 GFLOP/s on one thread against 23.6 on two).
 */
const PARALLEL_MIN = 160 * 160 * 160;

let plain: Engine | null | undefined; // undefined: not tried yet
let shared: Engine | null | undefined;
let threads = defaultThreads();

function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism(): number }>('node:os');
  const cores =
    os?.availableParallelism() ??
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ??
    1;
  return Math.max(1, Math.min(cores, 8));
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let relaxed: boolean | undefined;

/**
 * Whether relaxed SIMD (fused multiply-add) validates here. Node 20 has it behind a V8 flag,
 * which is switched on first: it only adds instructions, so nothing else changes.
 */
export function relaxedSupported(): boolean {
  if (relaxed !== undefined) return relaxed;
  try {
    const bytes = decode(KERNELS_WASM_RELAXED);
    if (!WebAssembly.validate(bytes))
      nodeBuiltin<{ setFlagsFromString(flag: string): void }>('node:v8')?.setFlagsFromString(
        '--experimental-wasm-relaxed-simd',
      );
    relaxed = WebAssembly.validate(bytes);
  } catch {
    relaxed = false;
  }
  return relaxed;
}

/**
 * Compiles the kernels onto a new memory — a shared one, with a pool of workers, for threads —
 * or returns null where WebAssembly or SIMD is missing.
 */
function instantiate(sharedMemory: boolean): Engine | null {
  try {
    const module = compiled(sharedMemory);
    if (module === null) return null;
    const mem = new WebAssembly.Memory(
      sharedMemory ? { initial: 2, maximum: MAX_PAGES, shared: true } : { initial: 2 },
    );
    const kernels = instanceOn(module, mem);
    const arena = {
      kernels,
      base: RESERVED,
      f32: new Float32Array(mem.buffer),
      f64: new Float64Array(mem.buffer),
    };
    return {
      kernels,
      memory: mem,
      pool: sharedMemory ? new Pool(module, mem, CONTROL) : null,
      arena,
    };
  } catch {
    return null;
  }
}

const modules = new Map<boolean, WebAssembly.Module | null>();

/** The kernels compiled for a plain or a shared memory (once each); null where they do not validate. */
function compiled(sharedMemory: boolean): WebAssembly.Module | null {
  let module = modules.get(sharedMemory);
  if (module !== undefined) return module;
  const plainBytes = decode(relaxedSupported() ? KERNELS_WASM_RELAXED : KERNELS_WASM);
  const bytes = sharedMemory ? withSharedMemory(plainBytes, MAX_PAGES) : plainBytes;
  // compiled synchronously (~20 KB), which Chromium also allows on a page's main thread
  module =
    typeof WebAssembly === 'object' && WebAssembly.validate(bytes)
      ? new WebAssembly.Module(bytes)
      : null;
  modules.set(sharedMemory, module);
  return module;
}

function instanceOn(module: WebAssembly.Module, memory: WebAssembly.Memory): Exports {
  const abort = () => {
    throw new Error('wasm kernel aborted');
  };
  return new WebAssembly.Instance(module, { env: { memory, abort } }).exports as unknown as Exports;
}

/**
 * A memory of its own with `bytes` for buffers and `scratch` bytes after them, and the kernels
 * on it (see space.ts); null where the kernels cannot run or the memory cannot be had.
 */
export function newSpace(bytes: number, scratch: number): Space | null {
  try {
    const module = plainEngine() === null ? null : compiled(false);
    if (module === null) return null;
    const start = RESERVED + align(bytes);
    const pages = Math.ceil((start + scratch) / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    return new Space(instanceOn(module, memory), memory, RESERVED, start);
  } catch {
    return null;
  }
}

/** Scratch bytes a product n×k·k×m takes in a space beyond its operands (packed B and work). */
export function gemmScratch(f64: boolean, n: number, k: number, m: number): number {
  const kernels = plainEngine()?.kernels;
  if (kernels === undefined) return 0;
  const packed = f64 ? kernels.packedBytesF64(k, m) : kernels.packedBytesF32(k, m);
  return align(packed) + align(f64 ? kernels.workBytesF64(n, k, m) : kernels.workBytesF32(n, k, m));
}

/** The engine to use: the shared one when threads are wanted and possible, else the plain one. */
function engine(): Engine | null {
  if (threads > 1 && shared === undefined) {
    // browsers give SharedArrayBuffer only to cross-origin isolated pages
    const isolated =
      (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
    shared = typeof SharedArrayBuffer === 'function' && isolated ? instantiate(true) : null;
  }
  if (threads > 1 && shared) return shared;
  return plainEngine();
}

function plainEngine(): Engine | null {
  if (plain === undefined) plain = instantiate(false);
  return plain;
}

/** Whether this runtime can run the WebAssembly SIMD kernels. */
export function wasmSupported(): boolean {
  return plainEngine() !== null;
}

/** How many threads large products may use (the calling one included). */
export function getThreads(): number {
  return threads;
}

export function setThreads(n: number): void {
  threads = n;
}

/** Workers started and waiting for work (they start on the first large product). */
export function workersReady(): number {
  const e = engine();
  return e?.pool ? e.pool.ready(threads - 1) : 0;
}

export const align = (bytes: number) => (bytes + 15) & ~15;

/** The kernels with views of their memory; the memory from `base` on is scratch for one call. */
export interface Arena {
  kernels: Exports;
  base: number;
  f32: Float32Array;
  f64: Float64Array;
}

/**
 * The kernels on the plain memory with `bytes` of scratch, or null when WebAssembly is
 * switched off, missing here, or cannot grow that far (the TypeScript kernels take over
 * then). Single-threaded work uses the plain memory even when threads are on: V8 copies into
 * and out of shared memory 2–3× slower.
 */
export function arena(bytes: number): Arena | null {
  const e = plainEngine();
  return e !== null && grow(e, RESERVED + bytes) ? views(e) : null;
}

function grow(e: Engine, end: number): boolean {
  const have = e.memory.buffer.byteLength;
  if (end <= have) return true;
  try {
    e.memory.grow(Math.ceil((end - have) / PAGE));
    return true;
  } catch {
    return false; // past the maximum, or the system is out of memory
  }
}

/** The engine's arena, its views remade when growing has replaced the memory's buffer. */
function views(e: Engine): Arena {
  const buffer = e.memory.buffer;
  if (e.arena.f32.buffer !== buffer) {
    e.arena.f32 = new Float32Array(buffer);
    e.arena.f64 = new Float64Array(buffer);
  }
  return e.arena;
}

/**
 * C = op(A)·op(B) with the SIMD kernels: copies the operands into the module's memory, runs
 * the kernel there — split by rows over worker threads when it is large — and copies C out.
 * Returns false, doing nothing, when they cannot run it.
 */
export function wasmGemm(
  a: Operand,
  b: Operand,
  c: TypedArray,
  cOffset: number,
  n: number,
  k: number,
  m: number,
): boolean {
  if (!takes(a, b, c, n, k, m)) return false;
  if (m === 1 && n > 1) return wasmGemm(...asRow(a, b), c, cOffset, 1, k, n);
  const f64 = c instanceof Float64Array;
  // only products worth splitting go to the shared memory, which is slower to copy into
  const large = n >= 16 && n * k * m >= PARALLEL_MIN;
  const e = large ? engine() : plainEngine();
  if (e === null) return false;
  const { kernels, pool } = e;
  const workers = pool && large ? pool.ready(Math.min(threads, n >> 3) - 1) : 0;
  if (workers === 0) {
    const space = spaceOf(c);
    const run = space === null ? null : bindGemm(space, a, b, c, cOffset, n, k, m);
    if (run !== null) {
      run();
      return true;
    }
  }
  // blocks of rows, a multiple of 4 (the kernel's tile height) and at least 32, about four
  // per thread: a thread the system delays then holds up one block, not half the product
  const rows = workers === 0 ? n : Math.max(32, Math.ceil(n / (4 * (workers + 1)) / 4) * 4);
  const size = f64 ? 8 : 4;
  const pa = RESERVED;
  const pb = pa + align(n * k * size);
  const packed = pb + align(k * m * size);
  const pc = packed + align(f64 ? kernels.packedBytesF64(k, m) : kernels.packedBytesF32(k, m));
  const pw = pc + align(n * m * size);
  const workBytes = align(
    f64 ? kernels.workBytesF64(rows, k, m) : kernels.workBytesF32(rows, k, m),
  );
  if (!grow(e, pw + (workers + 1) * workBytes)) return false;
  const view = f64 ? views(e).f64 : views(e).f32;
  view.set(a.data.subarray(a.offset, a.offset + n * k), pa / size);
  view.set(b.data.subarray(b.offset, b.offset + k * m), pb / size);
  // op(B) is packed once, here; every block of rows reads it
  (f64 ? kernels.packF64 : kernels.packF32)(pb, b.trans ? k : m, k, m, b.trans ? 1 : 0, packed);
  const gemm = f64 ? kernels.gemmF64 : kernels.gemmF32;
  const lda = a.trans ? n : k;
  const jobs = Array.from({ length: Math.ceil(n / rows) }, (_, j): GemmJob => [
    pa + (a.trans ? j * rows : j * rows * lda) * size,
    lda,
    packed,
    pc + j * rows * m * size,
    m,
    Math.min(rows, n - j * rows),
    k,
    m,
    a.trans ? 1 : 0,
  ]);
  // every row is summed in the same order whichever thread takes it: results are bitwise those of one thread
  if (workers === 0) gemm(...jobs[0], pw);
  else
    pool!.run(
      f64,
      jobs,
      workers,
      (t) => pw + t * workBytes,
      (job, work) => gemm(...job, work),
    );
  c.set(view.subarray(pc / size, pc / size + n * m), cOffset);
  return true;
}

/** Whether the kernels take this product (else the TypeScript loop does). */
function takes(a: Operand, b: Operand, c: TypedArray, n: number, k: number, m: number): boolean {
  const f32 = c instanceof Float32Array;
  if (n * k * m <= (f32 ? SMALL_F32 : SMALL)) return false;
  if (!f32 && !(c instanceof Float64Array)) return false;
  return a.data.constructor === c.constructor && b.data.constructor === c.constructor;
}

/**
 * A matrix times a vector as the vector times the matrix: C (n×1) lies as Cᵀ (1×n), whose n
 * columns fill the kernel's panels (one would use an eighth); every entry is the same sum
 * in the same order.
 */
function asRow(a: Operand, b: Operand): [Operand, Operand] {
  return [
    { data: b.data, offset: b.offset, trans: false },
    { data: a.data, offset: a.offset, trans: !a.trans },
  ];
}

/**
 * wasmGemm's call with its addresses bound, for C in a program's space; null where it does
 * not run there on one thread (a large product is split over the workers' shared memory).
 */
export function gemmInPlace(
  s: Space,
  a: Operand,
  b: Operand,
  c: TypedArray,
  cOffset: number,
  n: number,
  k: number,
  m: number,
): (() => void) | null {
  if (!takes(a, b, c, n, k, m)) return null;
  if (m === 1 && n > 1) return gemmInPlace(s, ...asRow(a, b), c, cOffset, 1, k, n);
  if (threads > 1 && n >= 16 && n * k * m >= PARALLEL_MIN) return null;
  return bindGemm(s, a, b, c, cOffset, n, k, m);
}

/** A product the kernels take, bound to its operands in `s` on one thread; null where scratch or C does not allow it. */
function bindGemm(
  s: Space,
  a: Operand,
  b: Operand,
  c: TypedArray,
  cOffset: number,
  n: number,
  k: number,
  m: number,
): (() => void) | null {
  if (c.buffer !== s.buffer) return null;
  const f64 = c instanceof Float64Array;
  const { kernels } = s;
  s.begin();
  const [boundA, boundB] = [s.bind(a.data, a.offset, n * k), s.bind(b.data, b.offset, k * m)];
  const packed = s.take(f64 ? kernels.packedBytesF64(k, m) : kernels.packedBytesF32(k, m));
  const work = s.take(f64 ? kernels.workBytesF64(n, k, m) : kernels.workBytesF32(n, k, m));
  if (boundA === null || boundB === null || packed < 0 || work < 0) return null;
  const [[pa, copyA], [pb, copyB]] = [boundA, boundB];
  const pc = c.byteOffset + cOffset * c.BYTES_PER_ELEMENT;
  const pack = f64 ? kernels.packF64 : kernels.packF32;
  const gemm = f64 ? kernels.gemmF64 : kernels.gemmF32;
  const [lda, ta, ldb, tb] = [a.trans ? n : k, a.trans ? 1 : 0, b.trans ? k : m, b.trans ? 1 : 0];
  return boundCall([copyA, copyB], () => {
    pack(pb, ldb, k, m, tb, packed);
    gemm(pa, lda, packed, pc, m, n, k, m, ta, work);
  });
}
