import type { TypedArray } from '../dtype';

// The seam between the ops and the loops that run them. A backend is one folder implementing
// `Kernels` (ts/ and wasm/ today); kernels/index.ts holds the one in use, which setBackend
// chooses, and sends it every call. A backend may decline a call (a size, dtype or layout it
// does not take) by returning false: the TypeScript kernels, which take everything, run it
// then. Backends never import each other.

/** Element-wise functions of one argument. */
export type MapOp =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'tanh'
  | 'sigmoid'
  | 'erf'
  | 'relu'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round'
  | MathMapOp;

/** Element-wise functions of one argument, beyond elementwise.ts's. */
export type MathMapOp =
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'log2'
  | 'log10'
  | 'exp2'
  | 'lgamma'
  | 'digamma'
  | 'erfc'
  | 'erfinv'
  | 'sinc';

/**
 * Element-wise functions of two arguments. The `…Backward` ones are fused gradient rules
 * (dy, saved value) that save the 3–4 temporaries an MLP's backward would otherwise allocate.
 */
export type ZipOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'tanhBackward'
  | 'sigmoidBackward'
  | 'reluBackward'
  | MathZipOp;

/** Element-wise functions of two arguments, beyond elementwise.ts's. */
export type MathZipOp = 'atan2' | 'hypot' | 'logaddexp' | 'xlogy';

/** Reductions: fold an axis with +, ×, max or min. */
export type FoldOp = 'sum' | 'prod' | 'max' | 'min';

/** One matrix operand: its data, where it starts, and whether it is read transposed. */
export interface Operand {
  data: TypedArray;
  offset: number;
  /** Read as its transpose: A stored k×n is used as n×k (B stored m×k as k×m). */
  trans: boolean;
}

/** What a backend implements. Each call returns false, doing nothing, when the backend declines it. */
export interface Kernels {
  readonly name: string;
  /** `out[i] = op(x[i])`. */
  map(op: MapOp, x: TypedArray, out: TypedArray): boolean;
  /** `out = op(a, b)` with both broadcast to `outShape` by NumPy rules. */
  zip(
    op: ZipOp,
    a: TypedArray,
    aShape: readonly number[],
    b: TypedArray,
    bShape: readonly number[],
    out: TypedArray,
    outShape: readonly number[],
  ): boolean;
  /** Folds the middle axis of x seen as [outer, len, inner] into `out` ([outer, inner], holding the identity). */
  fold(
    op: FoldOp,
    x: TypedArray,
    outer: number,
    len: number,
    inner: number,
    out: TypedArray,
  ): boolean;
  /** C (n×m, row-major at `cOffset`) = op(A)·op(B). */
  gemm(
    a: Operand,
    b: Operand,
    c: TypedArray,
    cOffset: number,
    n: number,
    k: number,
    m: number,
  ): boolean;
}

/**
 * Where the sliding blocks of a 2-D convolution or pooling lie: an input of `channels` ×
 * `height` × `width`, a `kh` × `kw` kernel moved `sh`/`sw` at a time, its taps `dh`/`dw`
 * apart, starting `ph`/`pw` before the input, at `oh` × `ow` positions. Positions outside
 * the input read `fill` (0 for convolution, −∞ for max pooling) and receive no gradient.
 */
export interface Patches {
  channels: number;
  height: number;
  width: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  oh: number;
  ow: number;
}
