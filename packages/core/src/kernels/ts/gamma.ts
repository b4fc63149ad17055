import { erf } from './special';

// The gamma-family and error-function special functions, in float64 (float32 results are
// rounded from them). Sources of the methods: the Lanczos approximation for ln Γ, the
// recurrence ψ(x) = ψ(x + 1) − 1/x with the asymptotic (Stirling) series for ψ and its
// derivatives, a continued fraction for erfc, and Newton steps on erf for erfinv.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln |Γ(x)|; +∞ at the poles (0, −1, −2, …) and at ±∞, as PyTorch's lgamma. */
export function lgamma(x: number): number {
  if (x !== x) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x < 0.5) {
    // reflection: Γ(x)Γ(1 − x) = π / sin(πx)
    const s = Math.sin(Math.PI * x);
    return s === 0 || Number.isInteger(x)
      ? Infinity
      : Math.log(Math.PI / Math.abs(s)) - lgamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ψ(x) = Γ′(x)/Γ(x): −∞ at 0, NaN at the negative integers (PyTorch's digamma). */
export function digamma(x: number): number {
  if (x !== x || x === -Infinity) return NaN;
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x < 0) {
    if (Number.isInteger(x)) return NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  // ln x − 1/(2x) − Σ B₂ₖ/(2k·x²ᵏ)
  const series =
    r *
    (1 / 12 -
      r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132 - r * (691 / 32760 - r / 12))))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/** B₂ⱼ/(2j)! for j = 1…8, the Euler–Maclaurin coefficients. */
const BERNOULLI_OVER_FACTORIAL = [
  1 / 12,
  -1 / 720,
  1 / 30240,
  -1 / 1209600,
  1 / 47900160,
  -691 / 1307674368000,
  1 / 74724249600,
  -3617 / 10670622842880000,
];

/**
 * ψ⁽ⁿ⁾(x), the n-th derivative of ψ (n ≥ 1): (−1)ⁿ⁺¹·n!·Σₖ 1/(x + k)ⁿ⁺¹, summed directly
 * until x + k is large and by Euler–Maclaurin after that.
 */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  if (x !== x) return NaN;
  if (x <= 0 && Number.isInteger(x)) return n % 2 === 1 ? Infinity : NaN;
  let sum = 0;
  const start = 20 + n;
  while (x < start) {
    sum += 1 / x ** (n + 1);
    x += 1;
  }
  // ∫ₓ^∞ t⁻⁽ⁿ⁺¹⁾ dt + x⁻⁽ⁿ⁺¹⁾/2 + Σⱼ B₂ⱼ/(2j)!·(n+1)(n+2)…(n+2j−1)·x⁻⁽ⁿ⁺²ʲ⁾
  let tail = 1 / (n * x ** n) + 1 / (2 * x ** (n + 1));
  let rising = n + 1; // (n+1)(n+2)…(n+2j−1)
  for (let j = 1; j <= BERNOULLI_OVER_FACTORIAL.length; j++) {
    tail += (BERNOULLI_OVER_FACTORIAL[j - 1] * rising) / x ** (n + 2 * j);
    rising *= (n + 2 * j) * (n + 2 * j + 1);
  }
  let factorial = 1;
  for (let k = 2; k <= n; k++) factorial *= k;
  return (n % 2 === 1 ? 1 : -1) * factorial * (sum + tail);
}

/** 1 − erf(x), without the cancellation: a continued fraction from x = 2 on. */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erf(x);
  if (x > 27) return 0;
  // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail
  let f = x;
  for (let n = 200; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The inverse of erf on (−1, 1): ±∞ at ±1, NaN outside. */
export function erfinv(y: number): number {
  if (y !== y || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  // a single-precision start (Giles, 2010), then Newton steps on erf (or on erfc in the
  // tails, where 1 − |y| is exact and erf − y would cancel)
  const w0 = -Math.log((1 - y) * (1 + y));
  let p: number;
  if (w0 < 5) {
    const w = w0 - 2.5;
    p = 2.81022636e-8;
    for (const c of [
      3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
      0.246640727, 1.50140941,
    ])
      p = c + p * w;
  } else {
    const w = Math.sqrt(w0) - 3;
    p = -0.000200214257;
    for (const c of [
      0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
      1.00167406, 2.83297682,
    ])
      p = c + p * w;
  }
  let x = p * y;
  const a = Math.abs(y);
  for (let i = 0; i < 3; i++) {
    const slope = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
    if (slope === 0) break;
    const miss = a > 0.5 ? Math.sign(y) * (1 - a - erfc(Math.abs(x))) : erf(x) - y;
    x -= miss / slope;
  }
  return x;
}

/** sin(πx)/(πx), 1 at 0 (the normalised sinc, PyTorch's). */
export function sinc(x: number): number {
  if (x === 0) return 1;
  const t = Math.PI * x;
  return Math.sin(t) / t;
}
