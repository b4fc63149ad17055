import type { Tensor } from '../tensor';
import { binary } from './binary';
import type { TensorLike } from './op';
import { unary } from './unary';

// Inverse trigonometric and hyperbolic functions, logarithms and powers in other bases, and
// the two-argument functions atan2, hypot, logaddexp and xlogy. Each derivative is written
// with ops, so it differentiates again.

/**
 * arcsin x; d/dx = 1/√(1 − x²).
 * @function
 */
export const asin = unary('asin', (dy, x) => dy.div(x.square().neg().add(1).sqrt()));
/**
 * arccos x; d/dx = −1/√(1 − x²).
 * @function
 */
export const acos = unary('acos', (dy, x) => dy.div(x.square().neg().add(1).sqrt()).neg());
/**
 * arctan x; d/dx = 1/(1 + x²).
 * @function
 */
export const atan = unary('atan', (dy, x) => dy.div(x.square().add(1)));
/**
 * sinh x; d/dx = cosh x.
 * @function
 */
export const sinh = unary('sinh', (dy, x) => dy.mul(x.cosh()));
/**
 * cosh x; d/dx = sinh x.
 * @function
 */
export const cosh = unary('cosh', (dy, x) => dy.mul(x.sinh()));
/**
 * arsinh x; d/dx = 1/√(x² + 1).
 * @function
 */
export const asinh = unary('asinh', (dy, x) => dy.div(x.square().add(1).sqrt()));
/**
 * arcosh x (x ≥ 1); d/dx = 1/√((x − 1)(x + 1)), PyTorch's form.
 * @function
 */
export const acosh = unary('acosh', (dy, x) => dy.div(x.sub(1).mul(x.add(1)).sqrt()));
/**
 * artanh x (|x| < 1); d/dx = 1/(1 − x²).
 * @function
 */
export const atanh = unary('atanh', (dy, x) => dy.div(x.square().neg().add(1)));
/**
 * log₂ x; d/dx = 1/(x ln 2).
 * @function
 */
export const log2 = unary('log2', (dy, x) => dy.div(x.mul(Math.LN2)));
/**
 * log₁₀ x; d/dx = 1/(x ln 10).
 * @function
 */
export const log10 = unary('log10', (dy, x) => dy.div(x.mul(Math.LN10)));
/**
 * 2ˣ; d/dx = 2ˣ ln 2.
 * @function
 */
export const exp2 = unary('exp2', (dy, _x, y) => dy.mul(y).mul(Math.LN2));

/** a² + b², for the derivatives of atan2 (one side may be a plain number). */
function sumOfSquares(a: TensorLike, b: TensorLike): Tensor {
  if (typeof a === 'number') return (b as Tensor).square().add(a * a);
  return a.square().add(typeof b === 'number' ? b * b : b.square());
}

/**
 * The angle of the point (b, a), atan2(a, b) ∈ (−π, π], broadcast; d/da = b/(a² + b²),
 * d/db = −a/(a² + b²).
 * @function
 */
export const atan2 = binary('atan2', 'float', (dy, a, b, _y, needs) => [
  needs[0] ? dy.mul(b).div(sumOfSquares(a, b)) : null,
  needs[1] ? dy.mul(a).div(sumOfSquares(a, b)).neg() : null,
]);

/**
 * √(a² + b²) without overflow, broadcast; d/da = a/hypot, d/db = b/hypot (NaN at the origin,
 * as in PyTorch).
 * @function
 */
export const hypot = binary('hypot', 'float', (dy, a, b, y, needs) => [
  needs[0] ? dy.mul(a).div(y) : null,
  needs[1] ? dy.mul(b).div(y) : null,
]);

/**
 * log(eᵃ + eᵇ), stable for any magnitudes, broadcast; the gradients are the softmax weights
 * e^(a − y) and e^(b − y).
 * @function
 */
export const logaddexp = binary('logaddexp', 'float', (dy, a, b, y, needs) => [
  needs[0] ? dy.mul(y.neg().add(a).exp()) : null,
  needs[1] ? dy.mul(y.neg().add(b).exp()) : null,
]);

/**
 * x·log y, taken as 0 where x = 0 (PyTorch's xlogy), broadcast; d/dx = log y (0 where x = 0),
 * d/dy = x/y.
 * @function
 */
export const xlogy = binary('xlogy', 'float', (dy, x, y, _out, needs) => [
  needs[0] ? dy.mul(xlogy(ne0(x), y)) : null,
  needs[1] ? dy.mul(x).div(y) : null,
]);

/** 1 where x ≠ 0, else 0 (as a float), so that xlogy's x-derivative is 0 where x is. */
const ne0 = (x: TensorLike): TensorLike =>
  typeof x === 'number' ? (x !== 0 ? 1 : 0) : x.ne(0).cast(x.dtype);
