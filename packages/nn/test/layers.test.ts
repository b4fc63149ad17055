import * as ad from '@ad/core';
import { Generator, type Tensor } from '@ad/core';
import * as nn from '../src';

const f64 = { dtype: 'float64' } as const;
const g = new Generator(4);

/** Gradchecks a layer with respect to its input and every parameter, in float64. */
function checkLayer(layer: nn.Module, input: Tensor): void {
  const named = layer.namedParameters();
  const f = (x: Tensor, ...ps: Tensor[]) =>
    nn.functionalCall(layer, Object.fromEntries(named.map(([k], i) => [k, ps[i]])), x);
  expect(
    ad.gradcheck(f, [input.requiresGrad_(), ...named.map(([, p]) => p.detach().requiresGrad_())]),
  ).toBe(true);
  expect(
    ad.gradgradcheck(f, [input, ...named.map(([, p]) => p.detach().requiresGrad_())], {
      atol: 1e-4,
    }),
  ).toBe(true);
}

/** A recurrent layer's output sequence alone. */
class First extends nn.Module {
  constructor(readonly inner: nn.RNN | nn.LSTM | nn.GRU) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.inner.forward(x)[0];
  }
}

/** Self-attention's output alone. */
class SelfAttention extends nn.Module {
  constructor(readonly inner: nn.MultiheadAttention) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.inner.forward(x, x, x, { isCausal: true, attnMask: null })[0];
  }
}

describe('layer gradients (input and parameters) match central differences', () => {
  const x = () => ad.randn([4, 3], { ...f64, generator: g });
  const image = () => ad.randn([2, 2, 3, 3], { ...f64, generator: g });
  const sequence = () => ad.randn([4, 2, 3], { ...f64, generator: g });
  it.each<[string, () => nn.Module, () => Tensor]>([
    ['Linear', () => new nn.Linear(3, 2, { ...f64, generator: g }), x],
    ['MLP', () => new nn.MLP([3, 4, 2], { activation: 'tanh', ...f64, generator: g }), x],
    [
      'LayerNorm',
      () => {
        const m = new nn.LayerNorm(3, f64);
        nn.init.normal(m.weight!, 1, 0.5, { generator: g });
        return m;
      },
      x,
    ],
    ['BatchNorm1d (train)', () => new nn.BatchNorm1d(3, f64), x],
    [
      'BatchNorm1d on [N, C, L]',
      () => new nn.BatchNorm1d(3, f64),
      () => ad.randn([2, 3, 4], { ...f64, generator: g }),
    ],
    [
      'Sequential of activations',
      () =>
        new nn.Sequential(
          new nn.Linear(3, 3, { ...f64, generator: g }),
          new nn.GELU(),
          new nn.Softplus(),
          new nn.LogSoftmax(),
        ),
      x,
    ],
    ['Conv2d', () => new nn.Conv2d(2, 3, 2, { padding: 1, ...f64, generator: g }), image],
    [
      'ConvTranspose2d then pooling',
      () =>
        new nn.Sequential(
          new nn.ConvTranspose2d(2, 2, 2, { stride: 2, ...f64, generator: g }),
          new nn.AvgPool2d(2, { stride: 1 }),
          new nn.MaxPool2d(2),
        ),
      image,
    ],
    [
      'GroupNorm',
      () => new nn.GroupNorm(2, 4, f64),
      () => ad.randn([2, 4, 3], { ...f64, generator: g }),
    ],
    [
      'LSTM (output)',
      () => new First(new nn.LSTM(3, 2, { numLayers: 2, ...f64, generator: g })),
      sequence,
    ],
    [
      'GRU (output)',
      () => new First(new nn.GRU(3, 2, { bidirectional: true, ...f64, generator: g })),
      sequence,
    ],
    [
      'MultiheadAttention (self)',
      () => new SelfAttention(new nn.MultiheadAttention(4, 2, { ...f64, generator: g })),
      () => ad.randn([3, 2, 4], { ...f64, generator: g }),
    ],
    [
      'TransformerEncoderLayer',
      () =>
        new nn.TransformerEncoderLayer(4, 2, {
          dimFeedforward: 6,
          dropout: 0,
          ...f64,
          generator: g,
        }),
      () => ad.randn([3, 2, 4], { ...f64, generator: g }),
    ],
  ])('%s', (_, make, input) => checkLayer(make(), input()));

  it('Embedding: gradients accumulate over repeated indices', () => {
    const e = new nn.Embedding(5, 2, { ...f64, generator: g });
    const idx = ad.tensor(
      [
        [1, 3],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    e.forward(idx).sum().backward();
    expect(e.weight.grad!.toArray()).toEqual([
      [0, 0],
      [3, 3],
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    expect(e.forward(idx).shape).toEqual([2, 2, 2]);
  });
});

describe('Module', () => {
  class Net extends nn.Module {
    fc1 = new nn.Linear(2, 3, f64);
    blocks = [new nn.Linear(3, 3, f64), new nn.LayerNorm(3, f64)];
    out = new nn.Linear(3, 1, { ...f64, bias: false });
    bn = new nn.BatchNorm1d(3, f64);
    forward(x: Tensor): Tensor {
      return this.out.forward(
        this.blocks[1].forward(this.bn.forward(this.blocks[0].forward(this.fc1.forward(x)))),
      );
    }
  }

  it('finds parameters, children and buffers with dotted names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.1.weight',
      'blocks.1.bias',
      'out.weight',
      'bn.weight',
      'bn.bias',
    ]);
    expect(net.namedChildren().map(([k]) => k)).toEqual([
      'fc1',
      'blocks.0',
      'blocks.1',
      'out',
      'bn',
    ]);
    expect(net.namedBuffers().map(([k]) => k)).toEqual([
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
    ]);
    expect(net.modules()).toHaveLength(6);
    expect(new nn.MLP([2, 3, 1]).namedParameters().map(([k]) => k)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
    ]);
  });

  it('train/eval reach every module; apply visits children first; zeroGrad clears', () => {
    const net = new Net().eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    const seen: string[] = [];
    new nn.Sequential(new nn.ReLU(), new nn.Tanh()).apply(
      (m) => void seen.push(m.constructor.name),
    );
    expect(seen).toEqual(['ReLU', 'Tanh', 'Sequential']);
    net.train();
    net
      .forward(ad.randn([4, 2], f64))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('loadStateDict copies values; bad keys, shapes or dtypes throw and load nothing', () => {
    const a = new Net();
    const b = new Net();
    b.loadStateDict(a.stateDict());
    expect(b.fc1.weight.toFlatArray()).toEqual(a.fc1.weight.toFlatArray());
    const before = b.fc1.weight.toFlatArray();
    const sd = { ...new Net().stateDict() };
    sd['out.weight'] = ad.zeros([2, 3], f64);
    expect(() => b.loadStateDict(sd)).toThrow(
      /loadStateDict: out.weight: expected float64 \[1,3\], got float64 \[2,3\]/,
    );
    expect(b.fc1.weight.toFlatArray()).toEqual(before);
    const { 'fc1.bias': _dropped, ...missing } = a.stateDict();
    expect(() => b.loadStateDict({ ...missing, extra: ad.zeros([1]) })).toThrow(
      /missing keys \[fc1.bias\], unexpected keys \[extra\]/,
    );
    expect(() => b.loadStateDict({ ...a.stateDict(), 'fc1.bias': ad.zeros([3]) })).toThrow(
      /expected float64 \[3\], got float32 \[3\]/,
    );
    b.loadStateDict(missing, { strict: false });
  });

  it('lists a tied weight once (and steps it once), while the state dict keeps both names', () => {
    class Tied extends nn.Module {
      embed = new nn.Embedding(5, 3, f64);
      head = new nn.Linear(3, 5, { bias: false, ...f64 });
      shared = new nn.Linear(3, 3, f64);
      again = this.shared;
      constructor() {
        super();
        (this.head as { weight: nn.Parameter }).weight = this.embed.weight;
      }
      forward(x: Tensor): Tensor {
        return this.head.forward(this.again.forward(this.shared.forward(this.embed.forward(x))));
      }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([k]) => k)).toEqual([
      'embed.weight',
      'shared.weight',
      'shared.bias',
    ]);
    expect(m.namedModules().map(([k]) => k)).toEqual(['', 'embed', 'head', 'shared']);
    expect(Object.keys(m.stateDict())).toEqual([
      'embed.weight',
      'head.weight',
      'shared.weight',
      'shared.bias',
      'again.weight',
      'again.bias',
    ]);
    expect(m.summary()).toMatch(/Parameters: 27 /);
    const opt = new nn.SGD(m.parameters(), { lr: 0.1 });
    const before = m.embed.weight.clone();
    m.forward(ad.tensor([1, 2], { dtype: 'int32' }))
      .sum()
      .backward();
    opt.step();
    const moved = m.embed.weight.sub(before);
    expect(moved).toBeAllClose(m.embed.weight.grad!.mul(-0.1), { rtol: 1e-12 });
    m.loadStateDict(m.stateDict());
  });

  it('prints a tree with parameter counts', () => {
    expect(new nn.MLP([2, 16, 1], { activation: 'tanh' }).summary()).toBe(
      'MLP(\n  (0): Linear(inFeatures=2, outFeatures=16, bias=true)\n  (1): Tanh()\n  (2): Linear(inFeatures=16, outFeatures=1, bias=true)\n)\nParameters: 65 (trainable 65)',
    );
  });
});

describe('layer behaviour', () => {
  it('Linear uses PyTorch’s default init bounds, U(−1/√in, 1/√in)', () => {
    const l = new nn.Linear(100, 50, { generator: g });
    const bound = 1 / Math.sqrt(100);
    for (const p of [l.weight, l.bias!]) {
      const v = p.toFlatArray();
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    }
  });

  it('Dropout is seeded, scales kept values by 1/(1 − p), and is the identity in eval', () => {
    const d1 = new nn.Dropout(0.25, { generator: new Generator(1) });
    const d2 = new nn.Dropout(0.25, { generator: new Generator(1) });
    const x = ad.ones([1000], f64);
    const y = d1.forward(x);
    expect(y.toFlatArray()).toEqual(d2.forward(x).toFlatArray());
    expect(new Set(y.toFlatArray())).toEqual(new Set([0, 1 / 0.75]));
    expect(y.eq(0).cast('float64').mean().item()).toBeCloseTo(0.25, 1);
    expect(d1.eval().forward(x)).toBe(x);
  });

  it('BatchNorm1d updates running mean and unbiased variance in training and uses them in eval', () => {
    const bn = new nn.BatchNorm1d(2, { ...f64, momentum: 0.5 });
    const x = ad.tensor(
      [
        [1, 10],
        [3, 20],
        [5, 60],
      ],
      f64,
    );
    const y = bn.forward(x);
    expect(y.mean(0)).toBeAllClose([0, 0], { atol: 1e-12 });
    expect(bn.runningMean).toBeAllClose([0.5 * 3, 0.5 * 30]);
    expect(bn.runningVar).toBeAllClose([0.5 + 0.5 * 4, 0.5 + 0.5 * 700]);
    expect(bn.numBatchesTracked.item()).toBe(1);
    bn.eval();
    expect(bn.forward(ad.tensor([[1.5, 15]], f64))).toBeAllClose([0, 0], { atol: 1e-5 });
  });

  it('LayerNorm normalises the last dims to mean 0 and (biased) variance 1', () => {
    const y = new nn.LayerNorm([2, 2], { ...f64, eps: 0 }).forward(
      ad.randn([3, 2, 2], { ...f64, generator: g }),
    );
    expect(y.mean([1, 2])).toBeAllClose([0, 0, 0], { atol: 1e-12 });
    expect(y.var([1, 2], { correction: 0 })).toBeAllClose([1, 1, 1], { rtol: 1e-12 });
  });

  it('init functions use PyTorch’s gains and fans', () => {
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(nn.init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04));
    const w = ad.zeros([300, 200], f64);
    nn.init.xavierUniform(w, { generator: g });
    const a = Math.sqrt(6 / 500);
    expect(Math.max(...w.toFlatArray().map(Math.abs))).toBeLessThanOrEqual(a);
    nn.init.kaimingNormal(w, { nonlinearity: 'relu', generator: g });
    expect(w.std().item()).toBeCloseTo(Math.sqrt(2 / 200), 2);
    expect(() => nn.init.xavierNormal(ad.zeros([3]))).toThrow(
      /init: fan in and fan out need at least 2 dims, got \[3\]/,
    );
  });

  it('the same seed builds the same model, bit for bit', () => {
    const make = () => new nn.MLP([2, 8, 1], { generator: new Generator(123) });
    expect(
      make()
        .parameters()
        .map((p) => p.toFlatArray()),
    ).toEqual(
      make()
        .parameters()
        .map((p) => p.toFlatArray()),
    );
  });
});

describe('checkpoint', () => {
  const block = () =>
    new nn.Sequential(
      new nn.Linear(3, 4, { ...f64, generator: new Generator(8) }),
      new nn.Tanh(),
      new nn.Linear(4, 3, { ...f64, generator: new Generator(9) }),
    );

  it('gives the gradients of the plain call, to inputs and parameters, and records no block op', () => {
    const [plain, saved] = [block(), block()];
    const x = ad.randn([5, 3], { ...f64, generator: g });
    const [x1, x2] = [x.clone().requiresGrad_(), x.clone().requiresGrad_()];
    plain.forward(x1).square().sum().backward();
    const y = nn.checkpoint(saved, x2.mul(2).div(2));
    expect(ad.tapeRows(y).map((r) => r.op)).not.toContain('linear');
    y.square().sum().backward();
    expect(x2.grad).toBeAllClose(x1.grad!, { rtol: 1e-12 });
    saved
      .parameters()
      .forEach((p, i) => expect(p.grad).toBeAllClose(plain.parameters()[i].grad!, { rtol: 1e-12 }));
  });

  it('differentiates twice, and refuses a captured tensor it cannot reach', () => {
    const m = block();
    const f = (x: Tensor) => nn.checkpoint(m, x).sin().sum();
    const x = ad.randn([2, 3], { ...f64, generator: g }).requiresGrad_();
    expect(ad.gradgradcheck(f, [x], { atol: 1e-4 })).toBe(true);
    const w = ad.randn([3, 3], f64).requiresGrad_();
    const y = nn.checkpoint((a: Tensor) => a.matmul(w), x);
    expect(() => y.sum().backward()).toThrow(/requires grad but is not one of its inputs/);
  });
});
