import { checkInt } from '../args';
import { ValueError } from '../errors';
import { allocate, floatOf } from '../dtype';
import { polygamma as polygammaOf } from '../kernels/index';
import { Tensor } from '../tensor';
import { where } from './binary';
import { record, toTensor, type TensorLike } from './op';
import { unary } from './unary';
import { trace, traced } from '../compile/trace';

// Special functions: the gamma family, the complementary and inverse error functions, sinc.
// Kernels in kernels/ts/gamma.ts; each derivative is written with ops (digamma's is
// polygamma(1, x), polygamma(n)'s is polygamma(n + 1)), so every one differentiates again.

/**
 * ln |Γ(x)|; d/dx = ψ(x) (digamma). +∞ at 0, −1, −2, ….
 * @function
 */
export const lgamma = unary('lgamma', (dy, x) => dy.mul(x.digamma()));
/**
 * ψ(x) = d/dx ln Γ(x); d/dx = ψ′(x) = polygamma(1, x). −∞ at 0, NaN at −1, −2, ….
 * @function
 */
export const digamma = unary('digamma', (dy, x) => dy.mul(polygamma(1, x)));
/**
 * 1 − erf x, accurate where erf x is near 1; d/dx = −2/√π·e^(−x²).
 * @function
 */
export const erfc = unary('erfc', (dy, x) =>
  dy.mul(
    x
      .square()
      .neg()
      .exp()
      .mul(-2 / Math.sqrt(Math.PI)),
  ),
);
/**
 * The inverse of erf on (−1, 1); d/dx = √π/2·e^(y²) with y = erfinv x.
 * @function
 */
export const erfinv = unary('erfinv', (dy, _x, y) =>
  dy.mul(
    y
      .square()
      .exp()
      .mul(Math.sqrt(Math.PI) / 2),
  ),
);
/**
 * sin(πx)/(πx), 1 at 0; d/dx = (cos(πx) − sinc x)/x, 0 at 0.
 * @function
 */
export const sinc = unary('sinc', (dy, x, y) => {
  const zero = x.eq(0);
  const safe = where(zero, 1, x); // the branch not taken at 0 must not divide by 0 either
  return where(zero, 0, dy.mul(safe.mul(Math.PI).cos().sub(y).div(safe)));
});

/**
 * ψ⁽ⁿ⁾(x), the n-th derivative of digamma (0 ≤ n ≤ 1000; n = 0 is digamma); d/dx = ψ⁽ⁿ⁺¹⁾(x).
 * (Past n ≈ 170, n! overflows float64: the values are ±∞ or 0 except for very large x.)
 */
export function polygamma(n: number, x: TensorLike): Tensor {
  if (trace.on && trace.entering !== polygamma) return traced(polygamma, [n, x]);
  checkInt('polygamma', 'n', n, 0);
  if (n > 1000) throw new ValueError('polygamma', `n must be at most 1000, got ${n}`);
  const a = toTensor('polygamma', x);
  if (n === 0) return a.digamma();
  const y = new Tensor(allocate(floatOf(a.dtype), a.size, 'polygamma'), a.shape);
  const [from, to] = [a.data, y.data];
  for (let i = 0; i < from.length; i++) to[i] = polygammaOf(n, from[i]);
  return record('polygamma', [a], y, (dy) => [dy.mul(polygamma(n + 1, a))]);
}
