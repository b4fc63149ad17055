import type { TypedArray } from '../../dtype';

/** σ(v) = 1/(1 + e⁻ᵛ), without overflow for large |v|. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * erf to full double precision: a series of positive terms (no cancellation) for |x| < 3,
 * and 1 − erfc from its continued fraction above, where erfc < 2.3e-5.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let r: number;
  if (a < 3) {
    // erf x = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))
    let term = a;
    let sum = a;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= (2 * a * a) / (2 * n + 1);
      sum += term;
    }
    r = (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
  } else {
    // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail
    let f = a;
    for (let n = 60; n >= 1; n--) f = a + n / 2 / f;
    r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

/** (1/β)·ln(1 + e^(βx)) as max(z, 0) + log1p(e^(−|z|)) with z = βx, which neither overflows nor underflows; x above the threshold. */
export function softplusKernel(
  x: TypedArray,
  out: TypedArray,
  beta: number,
  threshold: number,
): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const z = beta * v;
    out[i] = z > threshold ? v : (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / beta;
  }
}
