import * as ad from '@ad/core';
import { Generator, type Tensor } from '@ad/core';
import * as nn from '../src';

const f64 = { dtype: 'float64' } as const;
const g = new Generator(3);
const x = ad.randn([4, 3], { ...f64, generator: g });
const y = ad.randn([4, 3], { ...f64, generator: g });
const xs = x.toFlatArray();
const ys = y.toFlatArray();
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

describe('element-wise losses match their formulas, for every reduction', () => {
  const cases: [string, (r: nn.Reduction) => Tensor, (a: number, b: number) => number][] = [
    ['mseLoss', (r) => nn.mseLoss(x, y, { reduction: r }), (a, b) => (a - b) ** 2],
    ['l1Loss', (r) => nn.l1Loss(x, y, { reduction: r }), (a, b) => Math.abs(a - b)],
    [
      'huberLoss',
      (r) => nn.huberLoss(x, y, { reduction: r, delta: 0.7 }),
      (a, b) => {
        const d = Math.abs(a - b);
        return d <= 0.7 ? 0.5 * d * d : 0.7 * (d - 0.35);
      },
    ],
    [
      'smoothL1Loss',
      (r) => nn.smoothL1Loss(x, y, { reduction: r, beta: 0.7 }),
      (a, b) => {
        const d = Math.abs(a - b);
        return d < 0.7 ? (0.5 * d * d) / 0.7 : d - 0.35;
      },
    ],
  ];
  it.each(cases)('%s', (_, loss, f) => {
    const each = xs.map((a, i) => f(a, ys[i]));
    expect(loss('none')).toBeAllClose(each, { rtol: 1e-12 });
    expect(loss('sum').item()).toBeCloseTo(sum(each), 12);
    expect(loss('mean').item()).toBeCloseTo(mean(each), 12);
  });
});

describe('binary cross-entropy', () => {
  const logits = ad.tensor([-3, -0.5, 0, 2, 1000, -1000], f64);
  const t = ad.tensor([0, 1, 1, 0.3, 1, 0], f64);
  const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

  it('on logits is stable at ±1000 and matches (1 − y)x + (1 + (pw − 1)y)·softplus(−x)', () => {
    const pw = 2.5;
    const expected = logits.toFlatArray().map((v, i) => {
      const ti = t.data[i];
      return (1 - ti) * v + (1 + (pw - 1) * ti) * softplus(-v);
    });
    expect(
      nn.binaryCrossEntropyWithLogits(logits, t, { reduction: 'none', posWeight: pw }),
    ).toBeAllClose(expected, { rtol: 1e-12 });
    const plain = nn.binaryCrossEntropyWithLogits(logits, t, { reduction: 'none' }).toFlatArray();
    expect(plain[4]).toBe(0);
    expect(plain[5]).toBe(0);
  });

  it('on probabilities clamps each log at −100 and matches on logits in between', () => {
    const p = logits.sigmoid();
    const mid = [0, 1, 2, 3];
    const a = nn.binaryCrossEntropy(p, t, { reduction: 'none' }).toFlatArray();
    const b = nn.binaryCrossEntropyWithLogits(logits, t, { reduction: 'none' }).toFlatArray();
    mid.forEach((i) => expect(a[i]).toBeCloseTo(b[i], 10));
    const sure = nn.binaryCrossEntropy(ad.tensor([0, 1], f64), ad.tensor([1, 0], f64), {
      reduction: 'none',
    });
    expect(sure.toFlatArray()).toEqual([100, 100]);
  });
});

describe('cross-entropy and nll', () => {
  const logits = ad.randn([5, 4], { ...f64, generator: g });
  const target = ad.tensor([0, 3, 1, 3, 2], { dtype: 'int32' });
  const weight = ad.tensor([0.5, 1, 2, 1.5], f64);
  const L = logits.toArray() as number[][];
  const logSoftmax = (row: number[]) => {
    const m = Math.max(...row);
    const lse = m + Math.log(sum(row.map((v) => Math.exp(v - m))));
    return row.map((v) => v - lse);
  };
  const logp = L.map(logSoftmax);
  const T = target.toFlatArray();

  it('with class indices, weights and mean = Σ w·nll / Σ w', () => {
    const w = weight.toFlatArray();
    const nll = T.map((c, i) => -logp[i][c]);
    expect(nn.crossEntropy(logits, target).item()).toBeCloseTo(mean(nll), 12);
    const weighted = sum(T.map((c, i) => w[c] * nll[i])) / sum(T.map((c) => w[c]));
    expect(nn.crossEntropy(logits, target, { weight }).item()).toBeCloseTo(weighted, 12);
    expect(nn.nllLoss(logits.logSoftmax(1), target, { weight }).item()).toBeCloseTo(weighted, 12);
    expect(nn.crossEntropy(logits, target, { reduction: 'none' })).toBeAllClose(nll, {
      rtol: 1e-12,
    });
  });

  it('with label smoothing ε: (1 − ε)·nll + ε/C·Σ_c −log p_c, PyTorch-normalised', () => {
    const eps = 0.2;
    const w = weight.toFlatArray();
    const smooth = logp.map((row) => -sum(row.map((v, c) => v * w[c])));
    const nll = T.map((c, i) => -w[c] * logp[i][c]);
    const denominator = sum(T.map((c) => w[c]));
    const expected = (1 - eps) * (sum(nll) / denominator) + (eps / 4) * (sum(smooth) / denominator);
    expect(nn.crossEntropy(logits, target, { weight, labelSmoothing: eps }).item()).toBeCloseTo(
      expected,
      12,
    );
    const plainSmooth = logp.map((row) => -sum(row));
    const plain = (1 - eps) * mean(T.map((c, i) => -logp[i][c])) + (eps / 4) * mean(plainSmooth);
    expect(nn.crossEntropy(logits, target, { labelSmoothing: eps }).item()).toBeCloseTo(plain, 12);
  });

  it('ignoreIndex drops targets from the sum and from the mean', () => {
    const t2 = ad.tensor([0, -100, 1, 3, -100], { dtype: 'int32' });
    const kept = [0, 2, 3];
    const expected = mean(kept.map((i) => -logp[i][t2.data[i]]));
    expect(nn.crossEntropy(logits, t2).item()).toBeCloseTo(expected, 12);
    expect(nn.crossEntropy(logits, t2, { reduction: 'none' }).toFlatArray()[1]).toBe(0);
  });

  it('with probability targets: −Σ p·log softmax, the mean over samples, smoothing applied to p', () => {
    const probs = ad.randn([5, 4], { ...f64, generator: g }).softmax(1);
    const P = probs.toArray() as number[][];
    const per = P.map((row, i) => -sum(row.map((p, c) => ((1 - 0.1) * p + 0.1 / 4) * logp[i][c])));
    expect(nn.crossEntropy(logits, probs, { labelSmoothing: 0.1 }).item()).toBeCloseTo(
      mean(per),
      12,
    );
    expect(nn.crossEntropy(logits, probs, { labelSmoothing: 0.1, reduction: 'none' })).toBeAllClose(
      per,
      { rtol: 1e-12 },
    );
  });

  it('takes [N, C, d] inputs with [N, d] targets', () => {
    const z = ad.randn([2, 3, 4], { ...f64, generator: g });
    const t = ad.tensor(
      [
        [0, 1, 2, 1],
        [2, 2, 0, 1],
      ],
      { dtype: 'int32' },
    );
    const flat = nn.crossEntropy(z.permute([0, 2, 1]).reshape([8, 3]), t.reshape([8]));
    expect(nn.crossEntropy(z, t).item()).toBeCloseTo(flat.item(), 12);
  });

  it('is stable for logits of ±1000', () => {
    const big = ad.tensor(
      [
        [1000, -1000, 0],
        [-1000, 1000, 999],
      ],
      f64,
    );
    const loss = nn.crossEntropy(big, ad.tensor([0, 2], { dtype: 'int32' }), { reduction: 'none' });
    expect(loss).toBeAllClose([0, 1 + Math.log1p(Math.exp(-1))], { rtol: 1e-12 });
    const grads = ad.grad((z: Tensor) => nn.crossEntropy(z, ad.tensor([0, 2], { dtype: 'int32' })))(
      big,
    );
    expect(grads.toFlatArray().every(Number.isFinite)).toBe(true);
  });

  it('rejects targets out of range and mismatched shapes', () => {
    expect(() => nn.crossEntropy(logits, ad.tensor([0, 4, 1, 1, 1], { dtype: 'int32' }))).toThrow(
      /crossEntropy: target 4 is out of range for 4 classes/,
    );
    expect(() => nn.crossEntropy(logits, ad.tensor([0, 1], { dtype: 'int32' }))).toThrow(
      /crossEntropy: class-index target must have shape \[5\]/,
    );
    expect(() => nn.mseLoss(x, y.sum(0))).toThrow(/mseLoss: input \[4,3\] and target \[3\] differ/);
  });
});

describe('loss gradients match central differences', () => {
  const p = ad
    .rand([3, 2], { ...f64, generator: g })
    .mul(0.8)
    .add(0.1);
  const t = ad.tensor([0, 2, 1], { dtype: 'int32' });
  const cases: [string, (a: Tensor) => Tensor][] = [
    ['mseLoss', (a) => nn.mseLoss(a, y.narrow(0, 0, 3).narrow(1, 0, 2))],
    ['huberLoss', (a) => nn.huberLoss(a, y.narrow(0, 0, 3).narrow(1, 0, 2), { delta: 0.5 })],
    ['binaryCrossEntropy', (a) => nn.binaryCrossEntropy(a, p)],
    [
      'binaryCrossEntropyWithLogits',
      (a) => nn.binaryCrossEntropyWithLogits(a, p, { posWeight: 3 }),
    ],
    [
      'crossEntropy',
      (a) => nn.crossEntropy(a.reshape([2, 3]), t.narrow(0, 0, 2), { labelSmoothing: 0.1 }),
    ],
  ];
  it.each(cases)('%s', (_, f) => {
    const input =
      _.startsWith('binaryCrossEntropy') && !_.endsWith('Logits')
        ? p.clone()
        : x.narrow(0, 0, 3).narrow(1, 0, 2);
    expect(ad.gradcheck(f, [input.detach().requiresGrad_()])).toBe(true);
    expect(ad.gradgradcheck(f, [input.detach().requiresGrad_()], { atol: 1e-4 })).toBe(true);
  });
});

describe('ctcLoss', () => {
  const targets = ad.tensor(
    [
      [1, 1, 2],
      [2, 0, 0],
    ],
    { dtype: 'int32' },
  );
  const f = (z: Tensor) => nn.ctcLoss(z.logSoftmax(-1), targets, [5, 4], [3, 1]);

  it('differentiates twice (PyTorch stops at once)', () => {
    const z = ad.randn([5, 2, 3], { ...f64, generator: g }).requiresGrad_();
    expect(ad.gradcheck(f, [z])).toBe(true);
    expect(ad.gradgradcheck(f, [z], { atol: 1e-4 })).toBe(true);
  });

  it('is +∞ where no alignment fits, 0 with zeroInfinity, and checks its arguments', () => {
    const z = ad.zeros([2, 1, 3], f64).logSoftmax(-1);
    const repeated = ad.tensor([[1, 1]], { dtype: 'int32' }); // needs a blank between: 3 frames
    expect(nn.ctcLoss(z, repeated, [2], [2]).item()).toBe(Infinity);
    expect(nn.ctcLoss(z, repeated, [2], [2], { zeroInfinity: true }).item()).toBe(0);
    expect(() => nn.ctcLoss(z, repeated, [3], [2])).toThrow(/inputLengths has 3/);
    expect(() => nn.ctcLoss(z, ad.tensor([[0, 1]], { dtype: 'int32' }), [2], [2])).toThrow(
      /target 0 is not a class other than blank/,
    );
  });
});
