import { checkBool, checkInt, checkOptions } from '../args';
import { allocate, floatOf, isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { type Generator, generatorOf } from '../random';
import { broadcastShapes } from '../shape';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { empty, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

// Sampling with tensor parameters, from the seeded generator. Samples carry no gradient (as
// PyTorch's bernoulli, multinomial and normal(mean, std) do not); for a reparameterised
// sample write mean.add(std.mul(ad.randnLike(mean))) yourself.

/** Where samples come from: a Generator (the default one, seeded by `manualSeed`, if omitted). */
export interface SampleOptions {
  generator?: Generator;
}

function generator(op: string, opts: SampleOptions | undefined): Generator {
  return generatorOf(op, checkOptions(op, opts, ['generator']));
}

/**
 * 1 with probability p, else 0, for each element of `p` (in [0, 1]); p's float dtype.
 * @example
 * ```ts
 * ad.full([4], 0.5).bernoulli({ generator: new ad.Generator(0) })  // four coin flips
 * ```
 */
export function bernoulli(p: TensorLike, opts?: SampleOptions): Tensor {
  if (trace.on && trace.entering !== bernoulli) return traced(bernoulli, [p, opts]);
  const probs = toTensor('bernoulli', p);
  const g = generator('bernoulli', opts);
  const ps = probs.data;
  for (let i = 0; i < ps.length; i++) {
    if (!(ps[i] >= 0 && ps[i] <= 1))
      throw new ValueError('bernoulli', `probabilities must be in [0, 1], got ${ps[i]}`);
  }
  const y = new Tensor(allocate(floatOf(probs.dtype), probs.size, 'bernoulli'), probs.shape);
  const out = y.data;
  for (let i = 0; i < ps.length; i++) out[i] = g.random() < ps[i] ? 1 : 0;
  return record('bernoulli', [probs], y, null);
}

/**
 * `numSamples` indices drawn from each row of `weights` (1-D, or 2-D for one draw per row),
 * in proportion to the weights (≥ 0, not necessarily summing to 1); int32. Without
 * replacement no index is drawn twice in a row, so numSamples may not exceed the non-zero weights.
 * @example
 * ```ts
 * ad.tensor([1, 3]).multinomial(5, { replacement: true })  // mostly 1s
 * ```
 */
export function multinomial(
  weights: TensorLike,
  numSamples: number,
  opts: SampleOptions & { replacement?: boolean } = {},
): Tensor {
  if (trace.on && trace.entering !== multinomial)
    return traced(multinomial, [weights, numSamples, opts]);
  const w = toTensor('multinomial', weights);
  const { replacement = false, generator: gen } = checkOptions('multinomial', opts, [
    'replacement',
    'generator',
  ]);
  checkBool('multinomial', 'replacement', replacement);
  checkInt('multinomial', 'numSamples', numSamples, 1);
  if (w.ndim !== 1 && w.ndim !== 2)
    throw new ShapeError('multinomial', `weights must be 1-D or 2-D, got ${fmt(w.shape)}`);
  const g = generatorOf('multinomial', { generator: gen });
  const n = w.shape[w.ndim - 1];
  const rows = w.ndim === 1 ? 1 : w.shape[0];
  const all = w.data;
  for (let r = 0; r < rows; r++) {
    let positive = 0;
    for (let k = 0; k < n; k++) {
      const v = all[r * n + k];
      if (!(v >= 0) || v === Infinity)
        throw new ValueError('multinomial', `weights must be finite and ≥ 0, got ${v}`);
      if (v > 0) positive++;
    }
    if (positive === 0) throw new ValueError('multinomial', `row ${r} of the weights sums to 0`);
    if (!replacement && numSamples > positive)
      throw new ValueError(
        'multinomial',
        `cannot draw ${numSamples} samples without replacement from ${positive} non-zero weights`,
      );
  }
  const y = empty(w.ndim === 1 ? [numSamples] : [rows, numSamples], 'int32');
  const out = y.data;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(all.subarray(r * n, (r + 1) * n));
    for (let s = 0; s < numSamples; s++) {
      let total = 0;
      for (const v of row) total += v;
      let u = g.random() * total;
      let k = 0;
      while (k < n - 1 && (u >= row[k] || row[k] === 0)) u -= row[k++];
      while (row[k] === 0) k--; // rounding ran past the last positive weight
      out[r * numSamples + s] = k;
      if (!replacement) row[k] = 0;
    }
  }
  return record('multinomial', [w], y, null);
}

/**
 * Normal samples with tensor (or number) `mean` and `std`, broadcast against each other.
 * @example
 * ```ts
 * ad.normal(ad.tensor([0, 10]), 0.1)  // one sample near 0, one near 10
 * ```
 */
export function normal(mean: TensorLike, std: TensorLike, opts?: SampleOptions): Tensor {
  if (trace.on && trace.entering !== normal) return traced(normal, [mean, std, opts]);
  return sampled(
    'normal',
    mean,
    std,
    opts,
    (g, m, s) => m + s * g.normal(),
    (_, s) => (s >= 0 ? null : `std must be ≥ 0, got ${s}`),
  );
}

/**
 * Uniform samples in [low, high), tensors (or numbers) broadcast against each other.
 * @example
 * ```ts
 * ad.uniform(ad.zeros([3]), ad.tensor([1, 2, 3]))
 * ```
 */
export function uniform(low: TensorLike, high: TensorLike, opts?: SampleOptions): Tensor {
  if (trace.on && trace.entering !== uniform) return traced(uniform, [low, high, opts]);
  return sampled(
    'uniform',
    low,
    high,
    opts,
    (g, lo, hi) => lo + (hi - lo) * g.random(),
    (lo, hi) => (lo <= hi ? null : `low must be ≤ high, got ${lo} and ${hi}`),
  );
}

function sampled(
  op: 'normal' | 'uniform',
  first: TensorLike,
  second: TensorLike,
  opts: SampleOptions | undefined,
  draw: (g: Generator, a: number, b: number) => number,
  problem: (a: number, b: number) => string | null,
): Tensor {
  const a = toTensor(op, first, second instanceof Tensor ? second : undefined);
  const b = toTensor(op, second, a);
  const dtype = isFloat(a.dtype) ? a.dtype : isFloat(b.dtype) ? b.dtype : floatOf(a.dtype);
  if (!isFloat(dtype)) throw new DTypeError(op, `needs floating parameters, got ${a.dtype}`);
  const g = generator(op, opts);
  const shape = broadcastShapes(op, a.shape, b.shape);
  // read without recording: a bad parameter must leave nothing on the tape
  const [as, bs] = noGrad(() => [a.expand(shape).data, b.expand(shape).data]);
  for (let i = 0; i < bs.length; i++) {
    const message = problem(as[i], bs[i]); // NaN fails every comparison, so it is caught too
    if (message !== null) throw new ValueError(op, message);
  }
  const y = new Tensor(allocate(dtype, as.length, op), shape);
  const out = y.data;
  for (let i = 0; i < out.length; i++) out[i] = draw(g, as[i], bs[i]);
  return record(op, [a, b], y, null);
}
