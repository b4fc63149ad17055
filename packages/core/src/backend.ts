import { checkOptions } from './args';
import { ValueError } from './errors';
import { kernels, useKernels } from './kernels/index';
import {
  getThreads,
  relaxedSupported,
  setThreads,
  wasmSupported,
  workersReady,
} from './kernels/wasm/index';

/** Which kernels run the matrix products, and on how many threads. */
export interface Backend {
  /** WebAssembly SIMD kernels in use (the default where the runtime supports them). */
  wasm: boolean;
  /** Whether this runtime supports them at all. */
  wasmSupported: boolean;
  /** Whether they use relaxed SIMD's fused multiply-add (feature-detected; Node 20 gets its V8 flag set). */
  fusedMultiplyAdd: boolean;
  /** Threads a large product may use, the calling one included (default: the cores, at most 8). */
  threads: number;
  /** Worker threads started and ready (they start with the first large product, where shared memory is available). */
  workers: number;
}

/** The kernels in use: WebAssembly SIMD where supported (else TypeScript), and the thread count. */
export function getBackend(): Backend {
  return {
    wasm: kernels().name === 'wasm',
    wasmSupported: wasmSupported(),
    fusedMultiplyAdd: wasmSupported() && relaxedSupported(),
    threads: getThreads(),
    workers: workersReady(),
  };
}

/** The settings that change what kernels compute with, as one string (cheap to compare on every call). */
export function backendKey(): string {
  return `${kernels().name}/${getThreads()}`;
}

/**
 * Chooses the kernels (PyTorch's `set_num_threads` is `setBackend({ threads })`):
 * `{ wasm: false }` forces the TypeScript ones, `{ threads: 1 }` keeps products on the calling
 * thread. Results agree within float rounding whatever the choice; threads do not change them.
 */
export function setBackend(opts: { wasm?: boolean; threads?: number }): void {
  const { wasm, threads } = checkOptions('setBackend', opts, ['wasm', 'threads']);
  if (wasm !== undefined && typeof wasm !== 'boolean')
    throw new ValueError('setBackend', `wasm must be a boolean, got ${String(wasm)}`);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
    throw new ValueError(
      'setBackend',
      `threads must be an integer from 1 to 64, got ${String(threads)}`,
    );
  }
  if (wasm !== undefined) useKernels(wasm ? 'wasm' : 'ts'); // where wasm is missing, ts stays
  if (threads !== undefined) setThreads(threads);
}
