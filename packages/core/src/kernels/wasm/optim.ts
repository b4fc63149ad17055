import type { TypedArray } from '../../dtype';
import type { AdamStep, SgdStep } from '../kernels';
import { AMSGRAD, DECOUPLED, FIRST, MAXIMIZE, NESTEROV } from './abi';
import { align, arena, type Exports } from './engine';

// Optimizer updates on the kernels (packages/core/assembly/optim.ts): the arrays go through
// the module's memory a chunk at a time, in and back out. Same bits as the TypeScript loops.

/** Below this many elements the JavaScript loop beats copying in and out. */
const MIN_ELEMENTS = 1024;
/** Elements of each array per pass. */
const CHUNK = 16384;

/** 4 or 8 when every array is float32, or every one float64, and all as long as the first; else 0. */
function floatSize(arrays: (TypedArray | null)[]): number {
  const [first] = arrays as TypedArray[];
  const size = first instanceof Float32Array ? 4 : first instanceof Float64Array ? 8 : 0;
  const same = arrays.every(
    (a) => a === null || (a.constructor === first.constructor && a.length === first.length),
  );
  return same && first.length >= MIN_ELEMENTS ? size : 0;
}

/**
 * Runs `call(kernels, f64, addresses, length)` on chunks of `arrays` copied into the module's
 * memory (null ones at address 0), copying back those `written` says; false when it cannot.
 */
function chunked(
  arrays: (TypedArray | null)[],
  written: boolean[],
  call: (k: Exports, f64: boolean, at: number[], len: number) => void,
): boolean {
  const size = floatSize(arrays);
  if (size === 0) return false;
  const n = (arrays[0] as TypedArray).length;
  const chunk = Math.min(n, CHUNK);
  const bytes = align(chunk * size);
  const w = arena(arrays.length * bytes);
  if (w === null) return false;
  const mem = size === 4 ? w.f32 : w.f64;
  const at = arrays.map((a, i) => (a === null ? 0 : w.base + i * bytes));
  for (let s = 0; s < n; s += chunk) {
    const len = Math.min(chunk, n - s);
    arrays.forEach((a, i) => a !== null && mem.set(a.subarray(s, s + len), at[i] / size));
    call(w.kernels, size === 8, at, len);
    arrays.forEach((a, i) => {
      if (a !== null && written[i]) a.set(mem.subarray(at[i] / size, at[i] / size + len), s);
    });
  }
  return true;
}

export function wasmSgd(p: TypedArray, g: TypedArray, buf: TypedArray | null, o: SgdStep): boolean {
  if (o.momentum !== 0 && buf === null) return false;
  const flags = (o.maximize ? MAXIMIZE : 0) | (o.nesterov ? NESTEROV : 0) | (o.first ? FIRST : 0);
  const scalars = [o.lr, o.momentum, o.dampening, o.weightDecay];
  const uses = o.momentum !== 0 ? buf : null;
  return chunked([p, g, uses], [true, false, true], (k, f64, [pp, pg, pb], len) =>
    (f64 ? k.sgdF64 : k.sgdF32)(pp, pg, pb, len, ...scalars, flags),
  );
}

export function wasmAdam(
  p: TypedArray,
  g: TypedArray,
  m: TypedArray,
  v: TypedArray,
  vMax: TypedArray | null,
  o: AdamStep,
): boolean {
  const flags =
    (o.maximize ? MAXIMIZE : 0) | (o.decoupled ? DECOUPLED : 0) | (vMax !== null ? AMSGRAD : 0);
  const scalars = [o.stepSize, o.bc2Sqrt, o.beta1, o.beta2, o.eps, o.weightDecay, o.decay];
  return chunked([p, g, m, v, vMax], [true, false, true, true, true], (k, f64, at, len) => {
    const [pp, pg, pm, pv, px] = at;
    (f64 ? k.adamF64 : k.adamF32)(pp, pg, pm, pv, px, len, ...scalars, flags);
  });
}
