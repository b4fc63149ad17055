import * as ad from '@ad/core';
import { Generator, type Tensor } from '@ad/core';
import * as nn from '../src';

// Each loss against its formula written out here on plain numbers (PyTorch's definitions), and
// its gradients against central differences in float64.

const f64 = (v: number[] | number[][]) => ad.tensor(v, { dtype: 'float64' });
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
const logSigmoid = (x: number) => -Math.log1p(Math.exp(-x));

describe('losses on pairs and triplets', () => {
  it('marginRankingLoss is mean(max(0, −y·(x₁ − x₂) + margin))', () => {
    const [x1, x2, y] = [
      [1, -2, 0.5],
      [0.5, 1, 0.5],
      [1, -1, 1],
    ];
    const expected = mean(x1.map((a, i) => Math.max(0, -y[i] * (a - x2[i]) + 0.3)));
    expect(nn.marginRankingLoss(f64(x1), f64(x2), y, { margin: 0.3 }).item()).toBeCloseTo(
      expected,
      12,
    );
  });

  it('hingeEmbeddingLoss is x for y = 1 and max(0, margin − x) for y = −1', () => {
    const [x, y] = [
      [0.2, 1.5, -0.3, 2],
      [1, -1, -1, 1],
    ];
    const expected = sum(x.map((v, i) => (y[i] === 1 ? v : Math.max(0, 1 - v))));
    expect(nn.hingeEmbeddingLoss(f64(x), y, { reduction: 'sum' }).item()).toBeCloseTo(expected, 12);
  });

  it('cosineEmbeddingLoss is 1 − cos for y = 1 and max(0, cos − margin) for y = −1', () => {
    const a = [
      [1, 2, 3],
      [0.5, -1, 2],
    ];
    const b = [
      [2, 0, 1],
      [0.5, -1, 2.5],
    ];
    const y = [1, -1];
    const cos = a.map((u, i) => {
      const dot = sum(u.map((v, k) => v * b[i][k]));
      return (
        dot / Math.sqrt((sum(u.map((v) => v * v)) + 1e-12) * (sum(b[i].map((v) => v * v)) + 1e-12))
      );
    });
    const expected = cos.map((c, i) => (y[i] === 1 ? 1 - c : Math.max(0, c - 0.1)));
    expect(
      nn.cosineEmbeddingLoss(f64(a), f64(b), y, { margin: 0.1, reduction: 'none' }),
    ).toBeAllClose(expected, { rtol: 1e-12 });
  });

  it('tripletMarginLoss is max(d(a,p) − d(a,n) + margin, 0) with d = ‖u − v + ε‖₂, and swap', () => {
    const a = [
      [0, 0],
      [1, 1],
    ];
    const p = [
      [0.5, 0],
      [1, 2],
    ];
    const n = [
      [2, 0],
      [1.2, 1],
    ];
    const d = (u: number[], v: number[]) => Math.hypot(...u.map((x, k) => x - v[k] + 1e-6));
    const expected = mean(a.map((u, i) => Math.max(d(u, p[i]) - d(u, n[i]) + 1, 0)));
    expect(nn.tripletMarginLoss(f64(a), f64(p), f64(n)).item()).toBeCloseTo(expected, 12);
    const swapped = mean(
      a.map((u, i) => Math.max(d(u, p[i]) - Math.min(d(u, n[i]), d(p[i], n[i])) + 1, 0)),
    );
    expect(nn.tripletMarginLoss(f64(a), f64(p), f64(n), { swap: true }).item()).toBeCloseTo(
      swapped,
      12,
    );
  });
});

describe('losses on distributions, counts and labels', () => {
  it('klDiv is t·(log t − x) (0 where t = 0), with batchmean and logTarget', () => {
    const x = [
      [Math.log(0.2), Math.log(0.8)],
      [Math.log(0.5), Math.log(0.5)],
    ];
    const t = [
      [0, 1],
      [0.3, 0.7],
    ];
    const terms = t.flatMap((row, i) =>
      row.map((v, j) => (v === 0 ? 0 : v * (Math.log(v) - x[i][j]))),
    );
    expect(nn.klDiv(f64(x), f64(t), { reduction: 'batchmean' }).item()).toBeCloseTo(
      sum(terms) / 2,
      12,
    );
    expect(nn.klDiv(f64(x), f64(t)).item()).toBeCloseTo(mean(terms), 12);
    const logT = [
      [-1, -0.5],
      [-2, -0.1],
    ];
    const logTerms = logT.flatMap((row, i) => row.map((v, j) => Math.exp(v) * (v - x[i][j])));
    expect(nn.klDiv(f64(x), f64(logT), { logTarget: true, reduction: 'sum' }).item()).toBeCloseTo(
      sum(logTerms),
      12,
    );
  });

  it('poissonNllLoss is eˣ − t·x, or λ − t·log(λ + ε), plus Stirling where t > 1 with full', () => {
    const [x, t] = [
      [0.5, -1, 2],
      [1, 0, 3],
    ];
    expect(nn.poissonNllLoss(f64(x), f64(t)).item()).toBeCloseTo(
      mean(x.map((v, i) => Math.exp(v) - t[i] * v)),
      12,
    );
    const lam = [0.5, 2, 3];
    expect(
      nn.poissonNllLoss(f64(lam), f64(t), { logInput: false, reduction: 'sum' }).item(),
    ).toBeCloseTo(sum(lam.map((v, i) => v - t[i] * Math.log(v + 1e-8))), 12);
    const stirling = (v: number) =>
      v > 1 ? v * Math.log(v) - v + 0.5 * Math.log(2 * Math.PI * v) : 0;
    expect(nn.poissonNllLoss(f64(x), f64(t), { full: true, reduction: 'sum' }).item()).toBeCloseTo(
      sum(x.map((v, i) => Math.exp(v) - t[i] * v + stirling(t[i]))),
      12,
    );
  });

  it('gaussianNllLoss is ½·(log v + (x − t)²/v), one variance per sample broadcast, v clamped at eps', () => {
    const [x, t] = [
      [
        [1, 2],
        [0, -1],
      ],
      [
        [1.5, 2],
        [0.5, 0],
      ],
    ];
    const v = [0.5, 2];
    const terms = x.flatMap((row, i) =>
      row.map((a, j) => 0.5 * (Math.log(v[i]) + (a - t[i][j]) ** 2 / v[i])),
    );
    expect(nn.gaussianNllLoss(f64(x), f64(t), f64(v)).item()).toBeCloseTo(mean(terms), 12);
    expect(
      nn.gaussianNllLoss(f64(x), f64(t), 0, { eps: 0.25, full: true, reduction: 'sum' }).item(),
    ).toBeCloseTo(
      sum(
        x.flatMap((row, i) =>
          row.map(
            (a, j) =>
              0.5 * (Math.log(0.25) + (a - t[i][j]) ** 2 / 0.25) + 0.5 * Math.log(2 * Math.PI),
          ),
        ),
      ),
      12,
    );
    expect(() => nn.gaussianNllLoss(f64([1]), f64([1]), f64([-1]))).toThrow(
      /variance has negative entries/,
    );
  });

  it('multilabelSoftMarginLoss averages −(y·log σ(x) + (1 − y)·log σ(−x)) over classes', () => {
    const x = [
      [0.5, -1, 2],
      [1, 0, -0.5],
    ];
    const y = [
      [1, 0, 1],
      [0, 0, 1],
    ];
    const rows = x.map((r, i) =>
      mean(r.map((v, j) => -(y[i][j] * logSigmoid(v) + (1 - y[i][j]) * logSigmoid(-v)))),
    );
    expect(nn.multilabelSoftMarginLoss(f64(x), f64(y)).item()).toBeCloseTo(mean(rows), 12);
  });
});

describe('their gradients match central differences in float64', () => {
  const g = new Generator(4);
  const r = (...shape: number[]) => ad.randn(shape, { dtype: 'float64', generator: g });
  const signs = f64([1, -1, 1, -1]);
  const cases: [string, (...xs: Tensor[]) => Tensor, Tensor[]][] = [
    [
      'marginRankingLoss',
      (a, b) => nn.marginRankingLoss(a, b, signs, { margin: 0.2 }),
      [r(4), r(4)],
    ],
    ['hingeEmbeddingLoss', (a) => nn.hingeEmbeddingLoss(a, signs), [r(4)]],
    [
      'cosineEmbeddingLoss',
      (a, b) => nn.cosineEmbeddingLoss(a, b, signs, { margin: -0.5 }),
      [r(4, 3), r(4, 3)],
    ],
    [
      'tripletMarginLoss',
      (a, p, n) => nn.tripletMarginLoss(a, p, n, { margin: 5, swap: true }),
      [r(4, 3), r(4, 3), r(4, 3)],
    ],
    ['klDiv', (x, t) => nn.klDiv(x, t.exp(), { reduction: 'batchmean' }), [r(2, 3), r(2, 3)]],
    ['poissonNllLoss', (x) => nn.poissonNllLoss(x, f64([1, 0, 3, 2]), { full: true }), [r(4)]],
    [
      'gaussianNllLoss',
      (x, v) =>
        nn.gaussianNllLoss(
          x,
          f64([
            [0, 1],
            [1, 0],
          ]),
          v.exp(),
        ),
      [r(2, 2), r(2)],
    ],
    [
      'multilabelSoftMarginLoss',
      (x) =>
        nn.multilabelSoftMarginLoss(
          x,
          f64([
            [1, 0, 1],
            [0, 1, 1],
          ]),
        ),
      [r(2, 3)],
    ],
  ];
  it.each(cases)('%s', (name, fn, inputs) => {
    expect(
      ad.gradcheck(
        fn,
        inputs.map((t) => t.requiresGrad_()),
        { name },
      ),
    ).toBe(true);
    expect(ad.gradgradcheck(fn, inputs, { name, atol: 1e-4 })).toBe(true);
  });
});

describe('the losses as objects', () => {
  it('compute what their functions compute, with the options given at construction', () => {
    const a = f64([
      [1, 2],
      [0, -1],
    ]);
    const b = f64([
      [0.5, 1],
      [2, 1],
    ]);
    const y = [1, -1];
    expect(
      new nn.MarginRankingLoss({ margin: 0.5 })
        .forward(
          a,
          b,
          f64([
            [1, -1],
            [1, 1],
          ]),
        )
        .item(),
    ).toBe(
      nn
        .marginRankingLoss(
          a,
          b,
          f64([
            [1, -1],
            [1, 1],
          ]),
          { margin: 0.5 },
        )
        .item(),
    );
    expect(
      new nn.HingeEmbeddingLoss()
        .forward(
          a,
          f64([
            [1, -1],
            [-1, 1],
          ]),
        )
        .item(),
    ).toBe(
      nn
        .hingeEmbeddingLoss(
          a,
          f64([
            [1, -1],
            [-1, 1],
          ]),
        )
        .item(),
    );
    expect(new nn.CosineEmbeddingLoss().forward(a, b, y).item()).toBe(
      nn.cosineEmbeddingLoss(a, b, y).item(),
    );
    expect(new nn.TripletMarginLoss({ p: 1 }).forward(a, b, a.mul(2)).item()).toBe(
      nn.tripletMarginLoss(a, b, a.mul(2), { p: 1 }).item(),
    );
    expect(new nn.KLDivLoss({ reduction: 'sum' }).forward(a, b.exp()).item()).toBe(
      nn.klDiv(a, b.exp(), { reduction: 'sum' }).item(),
    );
    expect(new nn.PoissonNLLLoss().forward(a, b.abs()).item()).toBe(
      nn.poissonNllLoss(a, b.abs()).item(),
    );
    expect(new nn.GaussianNLLLoss().forward(a, b, 2).item()).toBe(
      nn.gaussianNllLoss(a, b, 2).item(),
    );
    expect(
      new nn.MultiLabelSoftMarginLoss()
        .forward(
          a,
          f64([
            [1, 0],
            [0, 1],
          ]),
        )
        .item(),
    ).toBe(
      nn
        .multilabelSoftMarginLoss(
          a,
          f64([
            [1, 0],
            [0, 1],
          ]),
        )
        .item(),
    );
  });
});
