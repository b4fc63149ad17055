import type { TypedArray } from '../dtype';
import type { AdamStep, FoldOp, Kernels, MapOp, Operand, Patches, SgdStep, ZipOp } from './kernels';
import * as ts from './ts/index';
import { wasmKernels, wasmSupported } from './wasm/index';
import { foldInPlace, zipInPlace } from './wasm/elementwise';
import { wasmIm2col } from './wasm/patches';
import type { Space } from './wasm/space';

export { align, gemmInPlace, gemmScratch, newSpace } from './wasm/engine';
export { foldInPlace, mapInPlace, zipInPlace } from './wasm/elementwise';
export { inSpace } from './wasm/space';
export type { Space };

// Every kernel call of the ops comes through here: the backend in use runs it, or declines it
// and the TypeScript kernels run it. setBackend (src/backend.ts) chooses the backend.

export type { AdamStep, FoldOp, Kernels, MapOp, Operand, Patches, SgdStep, ZipOp } from './kernels';
export {
  argExtreme,
  choleskyInPlace,
  clampKernel,
  col2im,
  eighInto,
  expmInto,
  luInPlace,
  luSolveInPlace,
  qrInto,
  svdInto,
  triangularSolveInPlace,
  polygamma,
  reduceStrided,
  select3,
  softplusKernel,
} from './ts/index';
export {
  addStrided,
  broadcastStrides,
  copyStrided,
  forEachRow,
  positions,
  rowOf,
  stridesIn,
} from './strided';

const backends: Record<string, Kernels> = { ts: ts.tsKernels, wasm: wasmKernels };
let active: Kernels = wasmSupported() ? wasmKernels : ts.tsKernels;

/** The backend in use. */
export function kernels(): Kernels {
  return active;
}

/** Uses the backend of that name ('wasm' or 'ts'); false when this runtime lacks it. */
export function useKernels(name: string): boolean {
  const k = backends[name];
  if (k === undefined || (k === wasmKernels && !wasmSupported())) return false;
  active = k;
  return true;
}

/** im2col (kernels/ts/patches.ts), on the WebAssembly kernel when that backend is in use. */
export function im2col(
  src: TypedArray,
  dst: TypedArray,
  batch: number,
  p: Patches,
  fill: number,
): void {
  if (active !== wasmKernels || !wasmIm2col(src, dst, batch, p, fill))
    ts.im2col(src, dst, batch, p, fill);
}

/** `out[i] = op(x[i])`. */
export function map(op: MapOp, x: TypedArray, out: TypedArray): void {
  if (!active.map(op, x, out)) ts.tsKernels.map(op, x, out);
}

/** `out = op(a, b)`, both broadcast to `outShape`. */
export function zip(
  op: ZipOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): void {
  if (!active.zip(op, a, aShape, b, bShape, out, outShape))
    ts.tsKernels.zip(op, a, aShape, b, bShape, out, outShape);
}

/** SGD's update of one parameter, in place. */
export function sgd(p: TypedArray, g: TypedArray, buf: TypedArray | null, o: SgdStep): void {
  if (!active.sgd(p, g, buf, o)) ts.tsKernels.sgd(p, g, buf, o);
}

/** Adam's update of one parameter, in place. */
export function adam(
  p: TypedArray,
  g: TypedArray,
  m: TypedArray,
  v: TypedArray,
  vMax: TypedArray | null,
  o: AdamStep,
): void {
  if (!active.adam(p, g, m, v, vMax, o)) ts.tsKernels.adam(p, g, m, v, vMax, o);
}

// a plain number as a 1-element operand, in the tensor's float type (as PyTorch casts a
// Python scalar) for backends that read it as an array
const scalar64 = new Float64Array(1);
const scalar32 = new Float32Array(1);

function scalarLike(x: TypedArray, s: number): TypedArray {
  const holder = x instanceof Float32Array ? scalar32 : scalar64;
  holder[0] = s;
  return holder;
}

/** `out = op(x, s)` for a plain number `s`. */
export function zipNumber(op: ZipOp, x: TypedArray, s: number, out: TypedArray): void {
  const n = [x.length];
  if (active === ts.tsKernels || !active.zip(op, x, n, scalarLike(x, s), [], out, n))
    ts.zipNumber(op, x, s, out);
}

/** `out = op(s, x)` for a plain number `s`. */
export function numberZip(op: ZipOp, s: number, x: TypedArray, out: TypedArray): void {
  const n = [x.length];
  if (active === ts.tsKernels || !active.zip(op, scalarLike(x, s), [], x, n, out, n))
    ts.numberZip(op, s, x, out);
}

/**
 * zipNumber (or numberZip, `first`) bound to a program's memory (see compile/residence.ts),
 * or null where the kernels do not run it there.
 */
export function numberInPlace(
  space: Space,
  op: ZipOp,
  x: TypedArray,
  s: number,
  out: TypedArray,
  first: boolean,
): (() => void) | null {
  const holder = x instanceof Float32Array ? Float32Array.of(s) : Float64Array.of(s);
  const n = [x.length];
  return first
    ? zipInPlace(space, op, holder, [], x, n, out, n)
    : zipInPlace(space, op, x, n, holder, [], out, n);
}

/**
 * reduceInto for a compiled replay, its buffers bound: the kernel in place in a program's
 * memory where it runs there, else the same choice as reduceInto with the TypeScript walk
 * planned once. `out` is set to `identity` before a walk (the kernels write every element).
 */
export function reduceBound(
  space: Space | null,
  x: TypedArray,
  shape: readonly number[],
  outStrides: readonly number[],
  out: TypedArray,
  op: FoldOp,
  identity: number,
): () => void {
  const block = x.length > 0 ? ts.axisBlock(shape, outStrides) : null;
  if (block === null || x.length === 0) {
    const plan = x.length > 0 ? ts.reducePlan(shape, outStrides) : null;
    return () => {
      out.fill(identity);
      if (plan !== null) ts.reduceWith(plan, x, out, op);
    };
  }
  const [outer, len, inner] = block;
  const inPlace = space === null ? null : foldInPlace(space, op, x, outer, len, inner, out);
  if (inPlace !== null) return inPlace;
  const plan = ts.reducePlan(shape, outStrides);
  return () => {
    if (active !== ts.tsKernels && active.fold(op, x, outer, len, inner, out)) return;
    out.fill(identity);
    ts.reduceWith(plan, x, out, op);
  };
}

/**
 * Folds `x` (of `shape`) into `out` with `op`, element `idx` landing in `out[idx·outStrides]`
 * (reduced dims have stride 0; `out` holds the identity). One block of reduced dims between
 * kept ones can go to the backend; the TypeScript kernels take any layout.
 */
export function reduceInto(
  x: TypedArray,
  shape: readonly number[],
  outStrides: readonly number[],
  out: TypedArray,
  op: FoldOp,
): void {
  if (active !== ts.tsKernels && x.length > 0) {
    const block = ts.axisBlock(shape, outStrides);
    if (block !== null && active.fold(op, x, block[0], block[1], block[2], out)) return;
  }
  ts.reduceInto(x, shape, outStrides, out, op);
}

/** C (n×m, row-major at `cOffset`) = op(A)·op(B). */
export function gemm(
  a: Operand,
  b: Operand,
  c: TypedArray,
  cOffset: number,
  n: number,
  k: number,
  m: number,
): void {
  if (!active.gemm(a, b, c, cOffset, n, k, m)) ts.tsKernels.gemm(a, b, c, cOffset, n, k, m);
}

/** `op` of one number as the TypeScript kernels compute it: what a fused loop calls for rarer ops. */
export function scalarMap(op: MapOp): (x: number) => number {
  const x1 = new Float64Array(1);
  const y1 = new Float64Array(1);
  return (x) => {
    x1[0] = x;
    ts.tsKernels.map(op, x1, y1);
    return y1[0];
  };
}

/** `op` of two numbers as the TypeScript kernels compute it. */
export function scalarZip(op: ZipOp): (a: number, b: number) => number {
  const a1 = new Float64Array(1);
  const b1 = new Float64Array(1);
  const y1 = new Float64Array(1);
  const one = [1];
  return (a, b) => {
    a1[0] = a;
    b1[0] = b;
    ts.tsKernels.zip(op, a1, one, b1, one, y1, one);
    return y1[0];
  };
}
