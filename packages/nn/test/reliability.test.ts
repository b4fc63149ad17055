import * as ad from '@ad/core';
import { Generator, ValueError } from '@ad/core';
import * as nn from '../src';

// Regression tests for paths that used to corrupt training quietly or break a promise.

describe('binaryCrossEntropy at saturated probabilities', () => {
  it('a sigmoid that rounds to exactly 1 gives finite gradients, as PyTorch’s clamped backward', () => {
    const model = new nn.Sequential(
      new nn.Linear(1, 1, { generator: new Generator(1) }),
      new nn.Sigmoid(),
    );
    const lin = model.layers[0] as nn.Linear;
    ad.noGrad(() => lin.weight.fill_(2).add_(0));
    const x = ad.tensor([[1], [20]]);
    const p = model.forward(x);
    expect(p.data[1]).toBe(1); // float32 sigmoid(40) is exactly 1
    nn.binaryCrossEntropy(p, ad.tensor([[1], [0]])).backward();
    for (const q of model.parameters())
      expect(q.grad!.toFlatArray().every(Number.isFinite)).toBe(true);
  });
  it('the input gradient is (p − y)/max(p(1 − p), 1e−12) per element', () => {
    const p = ad.tensor([0, 1, 0.25, 1], { dtype: 'float64', requiresGrad: true });
    const y = ad.tensor([1, 0, 1, 1], { dtype: 'float64' });
    nn.binaryCrossEntropy(p, y, { reduction: 'sum' }).backward();
    const expected = [0, 1, 0.25, 1].map(
      (v, i) => (v - [1, 0, 1, 1][i]) / Math.max(v * (1 - v), 1e-12),
    );
    expect(p.grad).toBeAllClose(expected, { rtol: 1e-12 });
  });
  it('bool or integer 0/1 targets work like float ones', () => {
    const p = ad.tensor([0.25, 0.75]);
    for (const dtype of ['bool', 'int32'] as const) {
      const y = ad.tensor([0, 1], { dtype });
      expect(nn.binaryCrossEntropy(p, y).item()).toBeCloseTo(
        nn.binaryCrossEntropy(p, ad.tensor([0, 1])).item(),
        6,
      );
      expect(nn.binaryCrossEntropyWithLogits(p, y).item()).toBeCloseTo(
        nn.binaryCrossEntropyWithLogits(p, ad.tensor([0, 1])).item(),
        6,
      );
    }
  });
  it('probabilities outside [0, 1] are an error', () => {
    expect(() => nn.binaryCrossEntropy(ad.tensor([1.5]), ad.tensor([1]))).toThrow(
      /binaryCrossEntropy: all elements of input must be probabilities/,
    );
    expect(() => nn.binaryCrossEntropy(ad.tensor([NaN]), ad.tensor([1]))).toThrow(ValueError);
  });
});

describe('losses on an empty batch', () => {
  it('crossEntropy of a [0, C] batch is NaN (mean), 0 (sum) or empty (none), as PyTorch, and backward works', () => {
    const x = ad.zeros([0, 3], { requiresGrad: true });
    const y = ad.zeros([0], { dtype: 'int32' });
    expect(Number.isNaN(nn.crossEntropy(x, y).item())).toBe(true);
    expect(nn.crossEntropy(x, y, { reduction: 'sum' }).item()).toBe(0);
    expect(nn.crossEntropy(x, y, { reduction: 'none' }).shape).toEqual([0]);
    nn.crossEntropy(x, y, { reduction: 'sum' }).backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });
});

describe('activations past overflow', () => {
  it.each(['float32', 'float64'] as const)(
    'ELU and an elu MLP keep finite gradients for huge inputs (%s)',
    (dtype) => {
      const x = ad.tensor(
        [
          [800, -1],
          [100, 3],
        ],
        { dtype, requiresGrad: true },
      );
      new nn.ELU().forward(x).sum().backward();
      expect(x.grad!.toFlatArray().every(Number.isFinite)).toBe(true);
      const mlp = new nn.MLP([2, 3, 1], { activation: 'elu', dtype, generator: new Generator(2) });
      mlp
        .forward(ad.tensor([[1e4, -1e4]], { dtype }))
        .sum()
        .backward();
      for (const q of mlp.parameters())
        expect(q.grad!.toFlatArray().every(Number.isFinite)).toBe(true);
    },
  );
});

describe('options are validated, never ignored', () => {
  it('Embedding takes paddingIdx as PyTorch: a zero row that gets no gradient', () => {
    const emb = new nn.Embedding(4, 2, { paddingIdx: -1, generator: new Generator(3) });
    expect(emb.paddingIdx).toBe(3);
    expect(emb.weight.select(0, 3).toArray()).toEqual([0, 0]);
    emb
      .forward(ad.tensor([3, 1, 3], { dtype: 'int32' }))
      .sum()
      .backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [0, 0],
      [1, 1],
      [0, 0],
      [0, 0],
    ]);
    expect(() => new nn.Embedding(3, 2, { paddingIdx: 3 })).toThrow(
      /paddingIdx must be an integer in \[-3, 2\]/,
    );
  });
  it('pad takes reflect, replicate and circular, and refuses a value with them', () => {
    const x = ad.tensor([[1, 2, 3]]);
    expect(x.pad([2, 1], { mode: 'reflect' }).toArray()).toEqual([[3, 2, 1, 2, 3, 2]]);
    expect(x.pad([2, 1], { mode: 'replicate' }).toArray()).toEqual([[1, 1, 1, 2, 3, 3]]);
    expect(x.pad([2, 1], { mode: 'circular' }).toArray()).toEqual([[2, 3, 1, 2, 3, 1]]);
    expect(() => x.pad([1, 1], { mode: 'reflect', value: 0 })).toThrow(
      /pad: mode 'reflect' takes no value/,
    );
    expect(() => x.pad([3, 0], { mode: 'reflect' })).toThrow(
      /reflect padding of 3 does not fit dim 1 of size 3/,
    );
    expect(() => x.pad([1, 1], { mode: 'wrap' } as never)).toThrow(/mode must be one of/);
  });
  it('unknown options and bad values of losses, layers and loaders are named errors', () => {
    const t = ad.ones([2, 3]);
    expect(() => nn.mseLoss(t, t, { reduce: 'sum' } as never)).toThrow(
      /mseLoss: unknown option 'reduce'/,
    );
    expect(() => nn.mseLoss(t, t, { reduction: 'avg' as never })).toThrow(
      /mseLoss: reduction must be one of 'mean', 'sum', 'none'/,
    );
    expect(() => nn.crossEntropy(t, [0, 1], { weight: ad.ones([2]) })).toThrow(
      /^crossEntropy: weight must have shape \[3\] \(one per class\), got \[2\]/,
    );
    expect(nn.crossEntropy(t, [0, 2]).item()).toBeCloseTo(Math.log(3), 6);
    expect(() => new nn.Linear(2, 3, { biass: false } as never)).toThrow(
      /Linear: unknown option 'biass'/,
    );
    expect(() => new nn.Linear(2.5, 3)).toThrow(/Linear: inFeatures must be an integer/);
    expect(() => new nn.DataLoader(new nn.TensorDataset(t), { batch: 2 } as never)).toThrow(
      /DataLoader: unknown option 'batch'/,
    );
    expect(() => new nn.Dropout(1.5)).toThrow(/Dropout: p must be a finite number in \[0, 1\]/);
    expect(() => new nn.MLP([2, 3, 1], { activation: 'toString' as never })).toThrow(
      /unknown activation/,
    );
  });
});

describe('optimizer and scheduler options are validated as PyTorch does', () => {
  const params = () => [ad.zeros([2], { requiresGrad: true })];
  it.each<[string, () => unknown, RegExp]>([
    [
      'lr: NaN',
      () => new nn.SGD(params(), { lr: NaN }),
      /SGD: lr must be a finite number ≥ 0, got NaN/,
    ],
    [
      'a negative lr',
      () => new nn.Adam(params(), { lr: -1 }),
      /Adam: lr must be a finite number ≥ 0/,
    ],
    [
      'betas [1, 0.999]',
      () => new nn.Adam(params(), { betas: [1, 0.999] }),
      /Adam: betas\[0\] must be in \[0, 1\), got 1/,
    ],
    [
      'eps: -1',
      () => new nn.AdamW(params(), { eps: -1 }),
      /AdamW: eps must be a finite number ≥ 0/,
    ],
    [
      "lr: 'abc'",
      () => new nn.RMSprop(params(), { lr: 'abc' as never }),
      /RMSprop: lr must be a finite number ≥ 0, got "abc"/,
    ],
    [
      'an unknown key',
      () => new nn.Adagrad(params(), { learningRate: 0.1 } as never),
      /Adagrad: unknown option 'learningRate'/,
    ],
    [
      'nesterov without momentum',
      () => new nn.SGD(params(), { nesterov: true }),
      /Nesterov momentum requires a momentum and zero dampening/,
    ],
    [
      'a bad option in a group',
      () => new nn.SGD([{ params: params(), lr: -0.1 }], { lr: 0.1 }),
      /SGD: lr must be a finite number ≥ 0/,
    ],
    [
      'a non-leaf parameter',
      () => new nn.SGD([ad.ones([2], { requiresGrad: true }).mul(2)]),
      /cannot optimize a non-leaf tensor/,
    ],
    [
      'rho above 1',
      () => new nn.Adadelta(params(), { rho: 1.5 }),
      /Adadelta: rho must be a finite number in \[0, 1\]/,
    ],
    [
      'StepLR stepSize 0',
      () => new nn.StepLR(new nn.SGD(params(), { lr: 0.1 }), 0),
      /StepLR: stepSize must be an integer ≥ 1/,
    ],
    [
      'an unknown plateau option',
      () => new nn.ReduceLROnPlateau(new nn.SGD(params(), { lr: 0.1 }), { patient: 3 } as never),
      /unknown option 'patient'/,
    ],
    [
      'a plateau factor of 1',
      () => new nn.ReduceLROnPlateau(new nn.SGD(params(), { lr: 0.1 }), { factor: 1 }),
      /factor must be in \[0, 1\)/,
    ],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a state dict whose options or counters are wrong is rejected before anything changes', () => {
    const p = params();
    const opt = new nn.Adam(p, { lr: 0.1 });
    p[0].grad = ad.ones([2]);
    opt.step();
    const good = opt.stateDict();
    const before = JSON.stringify([
      opt.paramGroups.map(({ params: _, ...o }) => o),
      [...opt.state.values()].map((s) => s.step),
    ]);
    const variants: [string, unknown][] = [
      ['lr NaN', { ...good, paramGroups: [{ ...good.paramGroups[0], lr: NaN }] }],
      ['lr a string', { ...good, paramGroups: [{ ...good.paramGroups[0], lr: 'abc' }] }],
      ['an unknown key', { ...good, paramGroups: [{ ...good.paramGroups[0], momentum: 0.9 }] }],
      ['step -1', { ...good, state: { 0: { ...good.state[0], step: -1 } } }],
      [
        'a buffer of SGD',
        { ...good, state: { 0: { ...good.state[0], momentumBuffer: ad.zeros([2]) } } },
      ],
      ['a null group', { ...good, paramGroups: [null] }],
    ];
    for (const [, sd] of variants) expect(() => opt.loadStateDict(sd as never)).toThrow(ValueError);
    expect(
      JSON.stringify([
        opt.paramGroups.map(({ params: _, ...o }) => o),
        [...opt.state.values()].map((s) => s.step),
      ]),
    ).toBe(before);
    expect(() => new nn.StepLR(opt, 2).loadStateDict({ lastEpoch: 'x' } as never)).toThrow(
      /lastEpoch must be an integer/,
    );
  });
});

describe('the generator refuses states it cannot run from', () => {
  it('the all-zero xoshiro state, which would make randn and Dropout loop forever', () => {
    const g = new Generator(5);
    const before = g.getState();
    expect(() => g.setState([0, 0, 0, 0, null])).toThrow(/all-zero state is not a valid/);
    expect(() => g.setState([1, 2, 3, 4] as never)).toThrow(ValueError);
    expect(() => g.setState([1, 2, 3, 2 ** 32, null])).toThrow(ValueError);
    expect(() => g.setState([1, 2, 3, 4, Infinity])).toThrow(ValueError);
    expect(g.getState()).toEqual(before);
  });
});
