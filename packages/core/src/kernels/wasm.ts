import type { TypedArray } from '../dtype';
import type { Operand } from './matmul';
import { GEMM_WASM } from './wasm-binary';

/** The compiled kernels' exports (packages/core/assembly/gemm.ts). */
interface Kernels {
  gemmF32(a: number, b: number, c: number, n: number, k: number, m: number, transA: number, transB: number, work: number): void;
  gemmF64(a: number, b: number, c: number, n: number, k: number, m: number, transA: number, transB: number, work: number): void;
  workBytesF32(n: number, k: number, m: number): number;
  workBytesF64(n: number, k: number, m: number): number;
}

/** Below this offset lives AssemblyScript's own static data; our buffers go above it. */
const RESERVED = 65536;
const PAGE = 65536;

let kernels: Kernels | null | undefined; // undefined: not loaded yet
let memory: WebAssembly.Memory;
let enabled = true;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Compiles the kernels, or returns null where WebAssembly or its SIMD extension is missing. */
function load(): Kernels | null {
  try {
    const bytes = decode(GEMM_WASM);
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return null;
    memory = new WebAssembly.Memory({ initial: 2 });
    const abort = () => {
      throw new Error('wasm kernel aborted');
    };
    // small enough (< 4 KB) to compile synchronously even on a browser's main thread
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort } });
    return instance.exports as unknown as Kernels;
  } catch {
    return null;
  }
}

/** Whether this runtime can run the WebAssembly SIMD kernels. */
export function wasmSupported(): boolean {
  if (kernels === undefined) kernels = load();
  return kernels !== null;
}

/** Whether matrix products use the WebAssembly SIMD kernels (when supported). */
export function wasmEnabled(): boolean {
  return enabled && wasmSupported();
}

/** Switches the WebAssembly kernels on or off (they are on by default where supported). */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}

const align = (bytes: number) => (bytes + 15) & ~15;

/**
 * C = op(A)·op(B) with the SIMD kernels: copies the operands into the module's memory, runs
 * the kernel there and copies C out. Returns false, doing nothing, when they cannot run it.
 */
export function wasmGemm(a: Operand, b: Operand, c: TypedArray, cOffset: number, n: number, k: number, m: number): boolean {
  if (!enabled) return false;
  const f64 = c instanceof Float64Array;
  if (!f64 && !(c instanceof Float32Array)) return false;
  if (a.data.constructor !== c.constructor || b.data.constructor !== c.constructor) return false;
  if (kernels === undefined) kernels = load();
  if (kernels === null) return false;
  const size = f64 ? 8 : 4;
  const pa = RESERVED;
  const pb = pa + align(n * k * size);
  const pc = pb + align(k * m * size);
  const pw = pc + align(n * m * size);
  const end = pw + (f64 ? kernels.workBytesF64(n, k, m) : kernels.workBytesF32(n, k, m));
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
  const View = f64 ? Float64Array : Float32Array;
  new View(memory.buffer, pa, n * k).set(a.data.subarray(a.offset, a.offset + n * k));
  new View(memory.buffer, pb, k * m).set(b.data.subarray(b.offset, b.offset + k * m));
  const run = f64 ? kernels.gemmF64 : kernels.gemmF32;
  run(pa, pb, pc, n, k, m, a.trans ? 1 : 0, b.trans ? 1 : 0, pw);
  c.set(new View(memory.buffer, pc, n * m), cOffset);
  return true;
}
