// The strong-Wolfe line search that torch.optim.LBFGS uses (after minFunc): a bracketing
// phase that grows the step by cubic extrapolation, then a zoom phase that narrows the
// bracket by cubic interpolation, safeguarded against steps too near its ends.

/** The flat gradient and loss at x + t·d. */
export type Directional = (t: number) => [number, Float64Array];

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function absMax(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), kept within bounds. */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const at =
    x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(at, lo), hi);
}

/** One end of a bracket: step, loss, gradient and directional derivative. */
interface Point {
  t: number;
  f: number;
  g: Float64Array;
  gtd: number;
}

/**
 * A step t along d that satisfies the strong Wolfe conditions (sufficient decrease c1,
 * curvature c2), from the loss f, gradient g and slope gtd at t = 0 and a first guess t.
 * Returns the loss and gradient there, t, and how many evaluations it took.
 */
export function strongWolfe(
  evaluate: Directional,
  d: Float64Array,
  t: number,
  f: number,
  g: Float64Array,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): { f: number; g: Float64Array; t: number; evals: number } {
  const dNorm = absMax(d);
  let [fNew, gNew] = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let prev: Point = { t: 0, f, g: g.slice(), gtd };
  let bracket: Point[] | null = null;
  let done = false;
  let iter = 0;
  while (iter < maxLs) {
    const here: Point = { t, f: fNew, g: gNew.slice(), gtd: gtdNew };
    if (fNew > f + c1 * t * gtd || (iter > 1 && fNew >= prev.f)) {
      bracket = [prev, here];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [here];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [prev, here];
      break;
    }
    // extrapolate: a cubic step between 1.01·t and 10·t
    const next = cubicInterpolate(prev.t, prev.f, prev.gtd, t, fNew, gtdNew, [
      t + 0.01 * (t - prev.t),
      t * 10,
    ]);
    prev = here;
    t = next;
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
  }
  // out of iterations: the bracket is [0, t] (its slopes unused, as the zoom will not run)
  if (iter === maxLs)
    bracket = [
      { t: 0, f, g, gtd },
      { t, f: fNew, g: gNew, gtd: gtdNew },
    ];
  const b = bracket as Point[];
  let insufficient = false;
  let [low, high] = b[0].f <= b[b.length - 1].f ? [0, 1] : [1, 0];
  while (!done && iter < maxLs) {
    if (Math.abs(b[1].t - b[0].t) * dNorm < toleranceChange) break;
    t = cubicInterpolate(b[0].t, b[0].f, b[0].gtd, b[1].t, b[1].f, b[1].gtd);
    const hi = Math.max(b[0].t, b[1].t);
    const lo = Math.min(b[0].t, b[1].t);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - t, t - lo) < eps) {
      // too near an end: step back from it unless the last step already made progress
      if (insufficient || t >= hi || t <= lo) {
        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
        insufficient = false;
      } else {
        insufficient = true;
      }
    } else {
      insufficient = false;
    }
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
    const here: Point = { t, f: fNew, g: gNew.slice(), gtd: gtdNew };
    if (fNew > f + c1 * t * gtd || fNew >= b[low].f) {
      b[high] = here;
      [low, high] = b[0].f <= b[1].f ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (b[high].t - b[low].t) >= 0) b[high] = b[low];
      b[low] = here;
    }
  }
  const best = b[low] ?? b[0];
  return { f: best.f, g: best.g, t: best.t, evals };
}
