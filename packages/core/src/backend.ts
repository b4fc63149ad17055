import { ValueError } from './errors';
import { setWasmEnabled, wasmEnabled, wasmSupported } from './kernels/wasm';

/** Which kernels run the matrix products. */
export interface Backend {
  /** WebAssembly SIMD kernels in use (the default where the runtime supports them). */
  wasm: boolean;
  /** Whether this runtime supports them at all. */
  wasmSupported: boolean;
}

/** The kernels in use (the WebAssembly SIMD ones where supported, else TypeScript). */
export function getBackend(): Backend {
  return { wasm: wasmEnabled(), wasmSupported: wasmSupported() };
}

/** Chooses the kernels: `{ wasm: false }` forces the TypeScript ones (results agree within float rounding). */
export function setBackend(opts: { wasm?: boolean }): void {
  if (opts.wasm !== undefined && typeof opts.wasm !== 'boolean') throw new ValueError('setBackend', `wasm must be a boolean, got ${String(opts.wasm)}`);
  if (opts.wasm !== undefined) setWasmEnabled(opts.wasm);
}
