// @ad's kernel settings, measured side by side in every workload: the default
// (WebAssembly SIMD on every core), WebAssembly on one thread, and the TypeScript kernels.
import * as ad from '@ad/core';
import type { Case } from './harness';

const defaults = ad.getBackend();

export const AD_VARIANTS: Record<string, { wasm: boolean; threads: number }> = {
  '@ad': { wasm: true, threads: defaults.threads },
  '@ad 1 thread': { wasm: true, threads: 1 },
  '@ad ts': { wasm: false, threads: 1 },
};

/** One case per variant of `c` (named '@ad…'), each switching the backend before it is timed. */
export function adVariants(c: Omit<Case, 'library' | 'before'>): Case[] {
  return Object.entries(AD_VARIANTS).map(([library, backend]) => ({
    ...c,
    library,
    before: () => ad.setBackend(backend),
  }));
}

/** `c` run with the default backend (e.g. the float64 cases). */
export function withDefaults(c: Case): Case {
  return { ...c, before: () => ad.setBackend(AD_VARIANTS['@ad']) };
}
