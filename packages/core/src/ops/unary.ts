import { checkNumber } from '../args';
import { allocate, floatOf } from '../dtype';
import { DTypeError } from '../errors';
import { clampKernel, map, mapInPlace, type MapOp } from '../kernels/index';
import { Tensor } from '../tensor';
import { binary, mul, sub } from './binary';
import { record, toTensor, type TensorLike } from './op';
import { registerElementwise, registerLowering } from '../compile/registry';
import { trace, traced } from '../compile/trace';

type UnaryGrad = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

/**
 * An element-wise op: the kernel `op` and its derivative rule (written with ops, so it is
 * itself differentiable). Floating ops turn integers into the default float;
 * `keepsDtype` ops (neg, abs, square, sign, relu) keep integer dtypes as PyTorch does.
 */
export function unary(op: MapOp, grad: UnaryGrad | null, keepsDtype = false) {
  const f = function (x: TensorLike): Tensor {
    if (trace.on && trace.entering !== f) return traced(f, [x]);
    const a = toTensor(op, x);
    if (op === 'neg' && a.dtype === 'bool') {
      throw new DTypeError(
        'neg',
        'negating a bool tensor is not supported (as in PyTorch); for masks use eq(0) or where',
      );
    }
    const y = new Tensor(allocate(keepsDtype ? a.dtype : floatOf(a.dtype), a.size, op), a.shape);
    map(op, a.data, y.data);
    return record(op, [a], y, grad && ((dy) => [grad(dy, a, y)]));
  };
  registerElementwise(f, { kind: 'map', op });
  registerLowering(f, ([x], [y], space) => {
    if (!(x instanceof Tensor) || !x.isContiguous() || !y.isContiguous()) return null;
    const [xd, yd] = [x.data, y.data];
    return (space && mapInPlace(space, op, xd, yd)) ?? (() => map(op, xd, yd));
  });
  return Object.defineProperty(f, 'name', { value: op });
}

/**
 * −x.
 * @function
 */
export const neg = unary('neg', (dy) => dy.neg(), true);
/**
 * |x|; the gradient at 0 is 0, as in PyTorch.
 * @function
 */
export const abs = unary('abs', (dy, x) => dy.mul(x.sign()), true);
/**
 * eˣ.
 * @function
 */
export const exp = unary('exp', (dy, _x, y) => dy.mul(y));
/**
 * eˣ − 1, accurate near 0.
 * @function
 */
export const expm1 = unary('expm1', (dy, _x, y) => dy.mul(y.add(1)));
/**
 * Natural logarithm ln x.
 * @function
 */
export const log = unary('log', (dy, x) => dy.div(x));
/**
 * ln(1 + x), accurate near 0.
 * @function
 */
export const log1p = unary('log1p', (dy, x) => dy.div(x.add(1)));
/**
 * √x.
 * @function
 */
export const sqrt = unary('sqrt', (dy, _x, y) => dy.div(y.mul(2)));
/**
 * 1/√x.
 * @function
 */
export const rsqrt = unary('rsqrt', (dy, _x, y) => dy.mul(y.pow(3)).mul(-0.5));
/**
 * x².
 * @function
 */
export const square = unary('square', (dy, x) => dy.mul(x).mul(2), true);
/**
 * 1/x.
 * @function
 */
export const reciprocal = unary('reciprocal', (dy, _x, y) => dy.mul(y.square()).neg());
/**
 * sin x.
 * @function
 */
export const sin = unary('sin', (dy, x) => dy.mul(x.cos()));
/**
 * cos x.
 * @function
 */
export const cos = unary('cos', (dy, x) => dy.mul(x.sin()).neg());
/**
 * tan x; d/dx = 1 + tan²x.
 * @function
 */
export const tan = unary('tan', (dy, _x, y) => dy.mul(y.square().add(1)));
/**
 * tanh x; d/dx = 1 − tanh²x.
 * @function
 */
export const tanh = unary('tanh', (dy, _x, y) => tanhBackward(dy, y));
/**
 * σ(x) = 1/(1 + e⁻ˣ), evaluated without overflow for large |x|; σ' = σ(1 − σ).
 * @function
 */
export const sigmoid = unary('sigmoid', (dy, _x, y) => sigmoidBackward(dy, y));
/**
 * The error function erf x = 2/√π ∫₀ˣ e^(−t²) dt.
 * @function
 */
export const erf = unary('erf', (dy, x) =>
  dy.mul(x.square().neg().exp()).mul(2 / Math.sqrt(Math.PI)),
);
/**
 * sign x ∈ {−1, 0, 1} (not differentiable).
 * @example
 * ```ts
 * ad.sign(ad.tensor([-2, 0, 3]))   // [-1, 0, 1]
 * ```
 * @function
 */
export const sign = unary('sign', null, true);
/**
 * ⌊x⌋ (not differentiable).
 * @example
 * ```ts
 * ad.floor(ad.tensor([1.5, -1.5]))  // [1, -2]
 * ```
 * @function
 */
export const floor = unary('floor', null, true);
/**
 * ⌈x⌉ (not differentiable).
 * @example
 * ```ts
 * ad.ceil(ad.tensor([1.5, -1.5]))   // [2, -1]
 * ```
 * @function
 */
export const ceil = unary('ceil', null, true);
/**
 * x rounded half to even, as PyTorch rounds (not differentiable).
 * @example
 * ```ts
 * ad.round(ad.tensor([0.5, 1.5, 2.5]))  // [0, 2, 2]
 * ```
 * @function
 */
export const round = unary('round', null, true);

// Fused gradient rules: one loop and one temporary instead of three or four (measured on the
// W4 benchmark); each is itself differentiable, so higher orders still work.

/**
 * dy·(1 − y²): tanh's gradient from its output y.
 * @function
 */
export const tanhBackward = binary('tanhBackward', 'float', (g, dy, y, _out, needs) => [
  needs[0] ? tanhBackward(g, y) : null,
  needs[1] ? mul(g, dy).mul(y).mul(-2) : null,
]);

/**
 * dy·y·(1 − y): the sigmoid's gradient from its output y.
 * @function
 */
export const sigmoidBackward = binary('sigmoidBackward', 'float', (g, dy, y, _out, needs) => [
  needs[0] ? sigmoidBackward(g, y) : null,
  needs[1] ? mul(g, dy).mul(sub(1, mul(y, 2))) : null,
]);

/** x limited to [min, max] (either bound may be omitted); the gradient passes where x is inside. */
export function clamp(x: TensorLike, min?: number | null, max?: number | null): Tensor {
  if (trace.on && trace.entering !== clamp) return traced(clamp, [x, min, max]);
  const a = toTensor('clamp', x);
  let lo =
    min === undefined || min === null
      ? -Infinity
      : checkNumber('clamp', 'min', min, { finite: false });
  let hi =
    max === undefined || max === null
      ? Infinity
      : checkNumber('clamp', 'max', max, { finite: false });
  if (a.dtype === 'bool')
    throw new DTypeError('clamp', 'clamp is not supported for bool tensors (as in PyTorch)');
  if (a.dtype === 'int32') {
    // an int32 cannot hold a bound beyond its range; clamping to the range first keeps it from wrapping
    lo = Math.max(lo, -2147483648);
    hi = Math.min(hi, 2147483647);
  }
  const y = new Tensor(allocate(a.dtype, a.size, 'clamp'), a.shape);
  clampKernel(a.data, y.data, lo, hi);
  return record('clamp', [a], y, (dy) => [dy.mul(a.ge(lo).mul(a.le(hi)))]);
}
