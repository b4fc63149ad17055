import * as ad from '@ad/core';
import { Generator } from '@ad/core';
import * as nn from '../src';

describe('init: orthogonal and truncNormal', () => {
  it.each([
    [3, 5],
    [5, 3],
    [4, 2, 2, 2],
  ])('orthogonal fills [%s…] with orthonormal rows or columns, times the gain', (...shape) => {
    const t = nn.init.orthogonal(ad.zeros(shape, { dtype: 'float64' }), {
      gain: 2,
      generator: new Generator(1),
    });
    const m = t.reshape([shape[0], -1]);
    const small = m.shape[0] < m.shape[1] ? m.matmul(m.mT) : m.mT.matmul(m);
    expect(small).toBeAllClose(
      ad.eye(small.shape[0], small.shape[0], { dtype: 'float64' }).mul(4),
      {
        atol: 1e-12,
      },
    );
  });

  it('truncNormal stays within [a, b] with the truncated distribution’s mean', () => {
    const t = nn.init.truncNormal(ad.zeros([20000], { dtype: 'float64' }), 1, 2, 0, 3, {
      generator: new Generator(2),
    });
    expect(t.min().item()).toBeGreaterThanOrEqual(0);
    expect(t.max().item()).toBeLessThanOrEqual(3);
    // mean of N(1, 4) on [0, 3]: μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α)), α = −0.5, β = 1
    const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
    const cdf = (x: number) =>
      (1 +
        ad
          .tensor(x / Math.SQRT2, { dtype: 'float64' })
          .erf()
          .item()) /
      2;
    const mean = 1 + (2 * (phi(-0.5) - phi(1))) / (cdf(1) - cdf(-0.5));
    expect(t.mean().item()).toBeCloseTo(mean, 1);
    expect(() => nn.init.truncNormal(ad.zeros([2]), 0, 1, 2, 1)).toThrow(/b must be/);
  });
});

describe('metrics', () => {
  const scores = ad.tensor([
    [0.1, 0.7, 0.2],
    [0.5, 0.3, 0.2],
    [0.2, 0.3, 0.5],
    [0.6, 0.3, 0.1],
  ]);
  const labels = ad.tensor([1, 1, 2, 2], { dtype: 'int32' });

  it('topKAccuracy counts the target among the k best', () => {
    expect(nn.topKAccuracy(scores, labels, 1)).toBe(0.5);
    expect(nn.topKAccuracy(scores, labels, 2)).toBe(0.75);
    expect(nn.topKAccuracy(scores, labels, 3)).toBe(1);
    expect(() => nn.topKAccuracy(scores, labels, 4)).toThrow(/k 4 is more than the 3 classes/);
  });

  it('confusionMatrix puts true classes in rows and predictions in columns', () => {
    expect(nn.confusionMatrix(scores, labels).toArray()).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [1, 0, 1],
    ]);
    expect(() =>
      nn.confusionMatrix(
        ad.tensor([0, 3], { dtype: 'int32' }),
        ad.tensor([0, 1], { dtype: 'int32' }),
        3,
      ),
    ).toThrow(/class 3 is not in \[0, 3\)/);
  });
});
