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

/**
 * One parameter's torch.optim.SGD update: d = ±g (+ wd·p); with momentum, buf = d on the
 * `first` step, else momentum·buf + (1 − dampening)·d, and d = buf (nesterov: d + momentum·buf);
 * p −= lr·d.
 */
export interface SgdStep {
  /** The learning rate. */
  lr: number;
  /** 0 for none (then the buffer is not used). */
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** Ascend instead (d = −g). */
  maximize: boolean;
  /** The first step with this buffer: it starts as d. */
  first: boolean;
}

/**
 * One parameter's torch.optim.Adam update at a step whose bias corrections are already in
 * `stepSize` (lr/(1 − β1ᵗ)) and `bc2Sqrt` (√(1 − β2ᵗ)): d = ±g (+ wd·p, or p·= decay when
 * `decoupled`, AdamW); m ← lerp(m, d, 1 − β1); v ← β2·v + (1 − β2)·d²; with amsgrad vMax ← max(vMax, v)
 * is used for v; p −= stepSize·m / (√v / bc2Sqrt + eps).
 */
export interface AdamStep {
  /** lr / (1 − β1ᵗ). */
  stepSize: number;
  /** √(1 − β2ᵗ). */
  bc2Sqrt: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's weight decay: p ·= `decay` instead of d += wd·p. */
  decoupled: boolean;
  /** The factor p is multiplied by first when decoupled (1 − lr·wd). */
  decay: number;
  /** Ascend instead (d = −g). */
  maximize: boolean;
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
  /** SGD's update of p (and its momentum buffer) in place, all arrays as long as p. */
  sgd(p: TypedArray, g: TypedArray, buf: TypedArray | null, o: SgdStep): boolean;
  /** Adam's update of p, m, v (and vMax, amsgrad's) in place, all arrays as long as p. */
  adam(
    p: TypedArray,
    g: TypedArray,
    m: TypedArray,
    v: TypedArray,
    vMax: TypedArray | null,
    o: AdamStep,
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
