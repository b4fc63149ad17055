import type { Kernels } from '../kernels';
import { wasmFold, wasmMap, wasmZip } from './elementwise';
import { wasmGemm } from './engine';
import { wasmAdam, wasmSgd } from './optim';

export { getThreads, relaxedSupported, setThreads, wasmSupported, workersReady } from './engine';

/**
 * The WebAssembly SIMD backend: copies operands into the module's memory, runs the compiled
 * kernels (packages/core/assembly) there, and splits large products over worker threads. It
 * declines what it has no kernel for, and sizes too small to repay the copies.
 */
export const wasmKernels: Kernels = {
  name: 'wasm',
  map: wasmMap,
  zip: wasmZip,
  fold: wasmFold,
  gemm: wasmGemm,
  sgd: wasmSgd,
  adam: wasmAdam,
};
