import { allocate, floatOf } from '../dtype';
import { clampKernel, unaryKernel } from '../kernels/elementwise';
import { erf as erfScalar } from '../kernels/special';
import { Tensor } from '../tensor';
import { record, toTensor, type TensorLike } from './op';

type UnaryGrad = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

/**
 * An element-wise op from its scalar function and its derivative rule (written with ops,
 * so it is itself differentiable). Floating ops turn integers into the default float;
 * `keepsDtype` ops (neg, abs, square, sign) keep integer dtypes as PyTorch does.
 */
export function unary(name: string, f: (v: number) => number, grad: UnaryGrad | null, keepsDtype = false) {
  const kernel = unaryKernel(f);
  return (x: TensorLike): Tensor => {
    const a = toTensor(name, x);
    const y = new Tensor(allocate(keepsDtype ? a.dtype : floatOf(a.dtype), a.size), a.shape);
    kernel(a.data, y.data);
    return record(name, [a], y, grad && ((dy) => [grad(dy, a, y)]));
  };
}

/** −x. */
export const neg = unary('neg', (v) => -v, (dy) => dy.neg(), true);
/** |x|; the gradient at 0 is 0, as in PyTorch. */
export const abs = unary('abs', Math.abs, (dy, x) => dy.mul(x.sign()), true);
/** eˣ. */
export const exp = unary('exp', Math.exp, (dy, _x, y) => dy.mul(y));
/** eˣ − 1, accurate near 0. */
export const expm1 = unary('expm1', Math.expm1, (dy, _x, y) => dy.mul(y.add(1)));
/** Natural logarithm ln x. */
export const log = unary('log', Math.log, (dy, x) => dy.div(x));
/** ln(1 + x), accurate near 0. */
export const log1p = unary('log1p', Math.log1p, (dy, x) => dy.div(x.add(1)));
/** √x. */
export const sqrt = unary('sqrt', Math.sqrt, (dy, _x, y) => dy.div(y.mul(2)));
/** 1/√x. */
export const rsqrt = unary('rsqrt', (v) => 1 / Math.sqrt(v), (dy, _x, y) => dy.mul(y.pow(3)).mul(-0.5));
/** x². */
export const square = unary('square', (v) => v * v, (dy, x) => dy.mul(x).mul(2), true);
/** 1/x. */
export const reciprocal = unary('reciprocal', (v) => 1 / v, (dy, _x, y) => dy.mul(y.square()).neg());
/** sin x. */
export const sin = unary('sin', Math.sin, (dy, x) => dy.mul(x.cos()));
/** cos x. */
export const cos = unary('cos', Math.cos, (dy, x) => dy.mul(x.sin()).neg());
/** tan x; d/dx = 1 + tan²x. */
export const tan = unary('tan', Math.tan, (dy, _x, y) => dy.mul(y.square().add(1)));
/** tanh x; d/dx = 1 − tanh²x. */
export const tanh = unary('tanh', Math.tanh, (dy, _x, y) => dy.mul(y.square().neg().add(1)));
/** σ(x) = 1/(1 + e⁻ˣ), evaluated without overflow for large |x|; σ' = σ(1 − σ). */
export const sigmoid = unary('sigmoid', sigmoidScalar, (dy, _x, y) => dy.mul(y).mul(y.neg().add(1)));
/** The error function erf x = 2/√π ∫₀ˣ e^(−t²) dt. */
export const erf = unary('erf', erfScalar, (dy, x) => dy.mul(x.square().neg().exp()).mul(2 / Math.sqrt(Math.PI)));
/** sign x ∈ {−1, 0, 1} (not differentiable). */
export const sign = unary('sign', Math.sign, null, true);
/** ⌊x⌋ (not differentiable). */
export const floor = unary('floor', Math.floor, null, true);
/** ⌈x⌉ (not differentiable). */
export const ceil = unary('ceil', Math.ceil, null, true);
/** x rounded half to even, as PyTorch rounds (not differentiable). */
export const round = unary('round', roundHalfEven, null, true);

function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** x limited to [min, max] (either bound may be omitted); the gradient passes where x is inside. */
export function clamp(x: TensorLike, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const a = toTensor('clamp', x);
  const y = new Tensor(allocate(a.dtype, a.size), a.shape);
  clampKernel(a.data, y.data, lo, hi);
  return record('clamp', [a], y, (dy) => [dy.mul(a.ge(lo).mul(a.le(hi)))]);
}
