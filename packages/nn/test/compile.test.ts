// Whole training steps compiled with ad.compile: after 100 steps the parameters, the losses
// and the optimizers' state equal eager training's, bitwise, in float64.
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import * as nn from '../src';

type Setup = () => {
  model: nn.Module;
  step: (x: Tensor, y: Tensor) => Tensor;
  state: () => unknown;
};

const dtype = 'float64';

function classifier(opt: 'sgd' | 'adam' | 'adamw'): ReturnType<Setup> {
  const g = new ad.Generator(4);
  const model = new nn.Sequential(
    new nn.Linear(5, 16, { generator: g, dtype }),
    new nn.BatchNorm1d(16, { dtype }),
    new nn.ReLU(),
    new nn.Dropout(0.2, { generator: new ad.Generator(8) }),
    new nn.Linear(16, 3, { generator: g, dtype }),
  );
  const optimizer =
    opt === 'sgd'
      ? new nn.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true })
      : opt === 'adam'
        ? new nn.Adam(model.parameters(), { lr: 0.01, amsgrad: true })
        : new nn.AdamW(model.parameters(), { lr: 0.01, weightDecay: 0.1 });
  const scheduler = new nn.StepLR(optimizer, 10, 0.5);
  const step = (x: Tensor, y: Tensor) => {
    optimizer.zeroGrad();
    const loss = nn.crossEntropy(model.forward(x), y);
    loss.backward();
    nn.clipGradNorm(model.parameters(), 1);
    optimizer.step();
    scheduler.step();
    return loss;
  };
  return { model, step, state: () => optimizer.stateDict() };
}

describe('compiled training steps equal eager ones', () => {
  it.each(['sgd', 'adam', 'adamw'] as const)('%s, 100 steps, float64', (opt) => {
    const eager = classifier(opt);
    const ours = classifier(opt);
    const step = ad.compile(ours.step, { guards: () => [ours.model] });
    const g = new ad.Generator(1);
    for (let i = 0; i < 100; i++) {
      const x = ad.randn([16, 5], { generator: g, dtype });
      const y = ad.randint(0, 3, [16], { generator: g });
      if (i === 60) {
        eager.model.eval();
        ours.model.eval(); // guarded: records again
      }
      const want = eager.step(x, y);
      const got = step(x, y) as Tensor;
      expect(got.item()).toBe(want.item());
    }
    const a = eager.model.stateDict();
    const b = ours.model.stateDict();
    for (const k of Object.keys(a)) expect(Array.from(b[k].data)).toEqual(Array.from(a[k].data));
    expect(JSON.stringify(ours.state())).toBe(JSON.stringify(eager.state()));
    expect(step.stats.recordings).toBe(2);
    expect(step.stats.replays).toBe(98);
  });
});

describe('fit({ compile })', () => {
  it('trains exactly as without it, with a short last batch', () => {
    const run = (compile: boolean) => {
      const generator = new ad.Generator(3);
      const data = nn.twoSpirals({ n: 50, generator });
      const model = new nn.MLP([2, 8, 2], { activation: 'tanh', generator });
      const history = nn.fit(model, {
        train: data,
        epochs: 3,
        batchSize: 16,
        generator,
        optimizer: new nn.Adam(model.parameters(), { lr: 0.01 }),
        loss: (o, y) => nn.crossEntropy(o, y),
        compile,
      });
      return { history, weights: model.parameters().map((p) => Array.from(p.data)) };
    };
    expect(run(true)).toEqual(run(false));
  });

  it('checks the option', () => {
    const model = new nn.Linear(1, 1);
    const train = new nn.TensorDataset(ad.ones([2, 1]), ad.ones([2, 1]));
    const optimizer = new nn.SGD(model.parameters(), { lr: 0.1 });
    expect(() =>
      nn.fit(model, { train, loss: nn.mseLoss, optimizer, epochs: 1, compile: 3 as never }),
    ).toThrow(/compile must be/);
  });
});

describe('a module used by a compiled function is guarded without being listed', () => {
  it('a replaced parameter or eval() records again', () => {
    const model = new nn.Sequential(new nn.Linear(3, 2, { dtype }), new nn.Dropout(0.5));
    const step = ad.compile((x: Tensor) => model.forward(x).sum());
    const x = ad.ones([4, 3], { dtype });
    const eager = () => (model.forward(x).sum() as Tensor).item();
    model.eval();
    expect((step(x) as Tensor).item()).toBe(eager());
    (model.layers[0] as unknown as { weight: nn.Parameter }).weight = new nn.Parameter(
      ad.full([2, 3], 2, { dtype }),
    );
    expect((step(x) as Tensor).item()).toBe(eager());
    expect(step.stats.recordings).toBe(2);
    model.train();
    step(x);
    expect(step.stats.recordings).toBe(3);
  });
});
