import * as ad from '@ad/core';
import { defaultGenerator, type Generator } from '@ad/core';
import { TensorDataset } from './data';

interface SyntheticOptions {
  /** Samples per class (spirals, moons) or in all (sine). */
  n?: number;
  /** Standard deviation of the Gaussian noise added to the inputs (or targets, for sine). */
  noise?: number;
  generator?: Generator;
  dtype?: ad.FloatDType;
}

/** The options of a synthetic data set, checked. */
function synthetic<O extends SyntheticOptions>(op: string, opts: O, extra: string[] = []): O {
  const o = ad.checkOptions(op, opts, ['n', 'noise', 'generator', 'dtype', ...extra]);
  if (o.n !== undefined) ad.checkInt(op, 'n', o.n, 0);
  if (o.noise !== undefined) ad.checkNumber(op, 'noise', o.noise, { min: 0 });
  if (o.generator !== undefined && !(o.generator instanceof ad.Generator))
    throw new ad.ValueError(op, 'generator must be a Generator');
  if (o.dtype !== undefined) ad.checkOneOf(op, 'dtype', o.dtype, ['float32', 'float64']);
  return o;
}

/** The four XOR points: inputs [4, 2], targets [4, 1]. */
export function xor(opts: { dtype?: ad.FloatDType } = {}): TensorDataset {
  opts = ad.checkOptions('xor', opts, ['dtype']);
  return new TensorDataset(
    ad.tensor(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      opts,
    ),
    ad.tensor([[0], [1], [1], [0]], opts),
  );
}

/** Two interleaved spirals (classes 0 and 1, int32 labels), each turning `turns` times. */
export function twoSpirals(opts: SyntheticOptions & { turns?: number } = {}): TensorDataset {
  const {
    n = 200,
    noise = 0.05,
    turns = 1.5,
    generator = defaultGenerator,
    dtype,
  } = synthetic('twoSpirals', opts, ['turns']);
  ad.checkNumber('twoSpirals', 'turns', turns);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      const r = (i + 0.5) / n;
      const angle = 2 * Math.PI * turns * r + c * Math.PI;
      points.push([
        r * Math.cos(angle) + noise * generator.normal(),
        r * Math.sin(angle) + noise * generator.normal(),
      ]);
      labels.push(c);
    }
  }
  return new TensorDataset(ad.tensor(points, { dtype }), ad.tensor(labels, { dtype: 'int32' }));
}

/** Two interleaving half circles (scikit-learn's `make_moons`), int32 labels. */
export function moons(opts: SyntheticOptions = {}): TensorDataset {
  const { n = 200, noise = 0.1, generator = defaultGenerator, dtype } = synthetic('moons', opts);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (Math.PI * i) / Math.max(n - 1, 1);
    points.push([
      Math.cos(t) + noise * generator.normal(),
      Math.sin(t) + noise * generator.normal(),
    ]);
    labels.push(0);
    points.push([
      1 - Math.cos(t) + noise * generator.normal(),
      0.5 - Math.sin(t) + noise * generator.normal(),
    ]);
    labels.push(1);
  }
  return new TensorDataset(ad.tensor(points, { dtype }), ad.tensor(labels, { dtype: 'int32' }));
}

/** y = sin x + noise for x uniform in [−π, π]: inputs [n, 1], targets [n, 1]. */
export function noisySine(opts: SyntheticOptions = {}): TensorDataset {
  const {
    n = 200,
    noise = 0.1,
    generator = defaultGenerator,
    dtype,
  } = synthetic('noisySine', opts);
  const x = Array.from({ length: n }, () => -Math.PI + 2 * Math.PI * generator.random());
  const y = x.map((v) => Math.sin(v) + noise * generator.normal());
  return new TensorDataset(
    ad.tensor(x, { dtype, shape: [n, 1] }),
    ad.tensor(y, { dtype, shape: [n, 1] }),
  );
}
