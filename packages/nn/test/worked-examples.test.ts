// The worked examples 4–6 of shared/reference/worked-examples.md, with their exact numbers.
import * as ad from '@ad/core';
import { Generator, type Tensor } from '@ad/core';
import * as nn from '../src';

const f64 = { dtype: 'float64' } as const;

/** The classic 2-2-2 sigmoid network; the shared biases b1, b2 are constants (not trained). */
class TwoTwoTwo extends nn.Module {
  readonly hidden = new nn.Linear(2, 2, { bias: false, dtype: 'float64' });
  readonly output = new nn.Linear(2, 2, { bias: false, dtype: 'float64' });
  h: Tensor | null = null;

  constructor() {
    super();
    this.hidden.weight.data.set([0.15, 0.2, 0.25, 0.3]); // [[w1, w2], [w3, w4]]
    this.output.weight.data.set([0.4, 0.45, 0.5, 0.55]); // [[w5, w6], [w7, w8]]
  }

  forward(x: Tensor): Tensor {
    this.h = this.hidden.forward(x).add(0.35).sigmoid();
    return this.output.forward(this.h).add(0.6).sigmoid();
  }
}

describe('4. the 2-2-2 sigmoid network', () => {
  const input = ad.tensor([[0.05, 0.1]], f64);
  const target = ad.tensor([[0.01, 0.99]], f64);
  const error = (o: Tensor) => nn.mseLoss(o, target, { reduction: 'sum' }).mul(0.5); // E = ½Σ(t − o)²

  it('forward: h1, h2, o1, o2 and E', () => {
    const net = new TwoTwoTwo();
    const o = net.forward(input);
    expect(net.h).toBeAllClose([0.5932699921071872, 0.596884378259767], { rtol: 0, atol: 1e-9 });
    expect(o).toBeAllClose([0.7513650695523157, 0.7729284653214625], { rtol: 0, atol: 1e-9 });
    expect(error(o).item()).toBeCloseTo(0.2983711087600027, 9);
  });

  it('backward: ∂E/∂w1..w8', () => {
    const net = new TwoTwoTwo();
    error(net.forward(input)).backward();
    expect(net.hidden.weight.grad).toBeAllClose(
      [0.0004385677344743465, 0.000877135468948693, 0.0004977127352608599, 0.0009954254705217198],
      { rtol: 0, atol: 1e-9 },
    );
    expect(net.output.weight.grad).toBeAllClose(
      [0.08216704056423077, 0.08266762784753325, -0.02260254047747507, -0.022740242215978222],
      { rtol: 0, atol: 1e-9 },
    );
  });

  it('one update with lr = 0.5, then E after 10,000 updates', () => {
    const net = new TwoTwoTwo();
    const sgd = new nn.SGD(net.parameters(), { lr: 0.5 });
    const step = () => {
      sgd.zeroGrad();
      error(net.forward(input)).backward();
      sgd.step();
    };
    step();
    expect(net.hidden.weight).toBeAllClose(
      [0.1497807161327628, 0.19956143226552567, 0.24975114363236958, 0.29950228726473915],
      { rtol: 0, atol: 1e-9 },
    );
    expect(net.output.weight).toBeAllClose(
      [0.35891647971788465, 0.4086661860762334, 0.5113012702387375, 0.5613701211079891],
      { rtol: 0, atol: 1e-9 },
    );
    for (let i = 1; i < 10_000; i++) step();
    expect(error(net.forward(input)).item()).toBeAllClose(3.510187782978859e-5, { rtol: 1e-6 });
  });
});

describe('5. the symmetry problem', () => {
  const g = new Generator(5);
  const x = ad.randn([16, 2], { ...f64, generator: g });
  const y = x.select(1, 0).mul(x.select(1, 1)).unsqueeze(1);

  function train(init: (m: nn.Module) => void): Tensor {
    const model = new nn.Sequential(
      new nn.Linear(2, 3, { dtype: 'float64' }),
      new nn.Sigmoid(),
      new nn.Linear(3, 1, { dtype: 'float64' }),
    );
    init(model);
    const sgd = new nn.SGD(model.parameters(), { lr: 0.5 });
    for (let i = 0; i < 100; i++) {
      sgd.zeroGrad();
      nn.mseLoss(model.forward(x), y).backward();
      sgd.step();
    }
    return (model.layers[0] as nn.Linear).weight;
  }

  it('from a constant init every hidden unit gets the same gradient and stays identical', () => {
    const w = train((m) => m.parameters().forEach((p) => nn.init.constant(p, 0)));
    const rows = w.toArray() as number[][];
    expect(rows[1]).toEqual(rows[0]);
    expect(rows[2]).toEqual(rows[0]);
    expect(rows[0].some((v) => v !== 0)).toBe(true); // they moved, but together
  });

  it('from a seeded random init the units differ', () => {
    const w = train((m) =>
      m.parameters().forEach((p) => nn.init.normal(p, 0, 1, { generator: new Generator(1) })),
    );
    const rows = w.toArray() as number[][];
    expect(rows[1]).not.toEqual(rows[0]);
  });
});

describe('6. learning modes: online, mini-batch and full-batch', () => {
  const x = ad.tensor([[0], [1], [2], [3], [4]], f64);
  const y = x.mul(2);
  const data = new nn.TensorDataset(x, y);

  it.each([
    ['online (batch 1)', 1, 5],
    ['mini-batch (batch 2)', 2, 3],
    ['full-batch (batch 5)', 5, 1],
  ])(
    '%s takes %i-sample steps, %i per epoch, and fits W = 2 with SGD and Adam',
    (_, batchSize, stepsPerEpoch) => {
      for (const make of [
        (p: Tensor[]) => new nn.SGD(p, { lr: 0.01 }),
        (p: Tensor[]) => new nn.Adam(p, { lr: 0.05 }),
      ]) {
        const model = new nn.Linear(1, 1, { bias: false, dtype: 'float64' });
        nn.init.constant(model.weight, 3);
        let steps = 0;
        const history = nn.fit(model, {
          train: data,
          batchSize,
          shuffle: false,
          epochs: 200,
          optimizer: make(model.parameters()),
          loss: (o, t) => nn.mseLoss(o, t, { reduction: 'sum' }),
          callbacks: [{ onBatchEnd: () => void steps++ }],
        });
        expect(steps).toBe(200 * stepsPerEpoch);
        expect(model.weight.item()).toBeCloseTo(2, 3);
        expect(history[history.length - 1].loss).toBeLessThan(1e-4);
      }
    },
  );
});
