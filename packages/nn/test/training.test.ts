import * as ad from '@ad/core';
import { Generator } from '@ad/core';
import * as nn from '../src';

describe('training', () => {
  it('XOR learns: loss < 0.01', () => {
    const g = new Generator(0);
    const model = new nn.MLP([2, 8, 1], {
      activation: 'tanh',
      outputActivation: 'sigmoid',
      generator: g,
    });
    const history = nn.fit(model, {
      train: nn.xor(),
      batchSize: 4,
      epochs: 500,
      generator: g,
      optimizer: new nn.Adam(model.parameters(), { lr: 0.05 }),
      loss: (o, y) => nn.mseLoss(o, y),
    });
    expect(history[history.length - 1].loss).toBeLessThan(0.01);
    expect(ad.noGrad(() => model.forward(nn.xor().tensors[0]).gt(0.5).toFlatArray())).toEqual([
      0, 1, 1, 0,
    ]);
  });

  it('two spirals reach ≥ 95% test accuracy with a fixed seed', () => {
    const g = new Generator(1);
    const [train, test] = nn.trainTestSplit(nn.twoSpirals({ n: 300, noise: 0.03, generator: g }), {
      testSize: 0.25,
      generator: g,
    });
    const model = new nn.MLP([2, 64, 64, 2], { activation: 'tanh', generator: g });
    const history = nn.fit(model, {
      train,
      validation: test,
      epochs: 200,
      batchSize: 32,
      generator: g,
      optimizer: new nn.Adam(model.parameters(), { lr: 0.01 }),
      loss: (o, y) => nn.crossEntropy(o, y),
      metrics: { accuracy: nn.accuracy },
    });
    expect(history[history.length - 1].valAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('the same seed gives the same training run, bit for bit', () => {
    const run = () => {
      const g = new Generator(7);
      const model = new nn.Sequential(
        new nn.Linear(2, 8, { generator: g }),
        new nn.Dropout(0.2, { generator: g }),
        new nn.ReLU(),
        new nn.Linear(8, 2, { generator: g }),
      );
      nn.fit(model, {
        train: nn.moons({ n: 50, generator: g }),
        epochs: 3,
        batchSize: 16,
        generator: g,
        optimizer: new nn.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
        loss: (o, y) => nn.crossEntropy(o, y),
      });
      return model.parameters().map((p) => p.toFlatArray());
    };
    expect(run()).toEqual(run());
  });

  it('fit steps the scheduler per epoch, reports validation metrics, and earlyStopping stops', () => {
    const g = new Generator(2);
    const data = nn.noisySine({ n: 64, generator: g });
    const model = new nn.MLP([1, 16, 1], { activation: 'tanh', generator: g });
    const optimizer = new nn.SGD(model.parameters(), { lr: 0.1 });
    const stopper = nn.earlyStopping({ monitor: 'loss', patience: 1, minDelta: 10 });
    const history = nn.fit(model, {
      train: data,
      validation: data,
      epochs: 50,
      batchSize: 16,
      generator: g,
      optimizer,
      scheduler: new nn.StepLR(optimizer, 1, 0.5),
      loss: (o, y) => nn.mseLoss(o, y),
      metrics: { mse: nn.mse },
      callbacks: [stopper],
    });
    expect(history).toHaveLength(2);
    expect(stopper.stoppedEpoch).toBe(2);
    expect(history.map((h) => h.lr)).toEqual([0.1, 0.05]);
    expect(history[0].valMse).toBeCloseTo(history[0].valLoss!, 12);
    expect(nn.evaluate(model, data, { loss: (o, y) => nn.mseLoss(o, y) }).loss).toBeCloseTo(
      history[1].valLoss!,
      6,
    );
  });
});

describe('data', () => {
  const x = ad.arange(10).reshape([10, 1]);
  const data = new nn.TensorDataset(x, ad.arange(10));

  it('DataLoader batches in order, or reshuffles each pass with its generator', () => {
    const sizes = [...new nn.DataLoader(data, { batchSize: 4 })].map(([b]) => b.shape[0]);
    expect(sizes).toEqual([4, 4, 2]);
    expect([...new nn.DataLoader(data, { batchSize: 4, dropLast: true })]).toHaveLength(2);
    const loader = new nn.DataLoader(data, {
      batchSize: 10,
      shuffle: true,
      generator: new Generator(1),
    });
    const [first] = [...loader][0];
    const [second] = [...loader][0];
    expect([...first.toFlatArray()].sort((a, b) => a - b)).toEqual(x.toFlatArray());
    expect(first.toFlatArray()).not.toEqual(second.toFlatArray());
  });

  it('trainTestSplit partitions the samples', () => {
    const [train, test] = nn.trainTestSplit(data, { testSize: 0.3, generator: new Generator(2) });
    expect([train.length, test.length]).toEqual([7, 3]);
    const all = [...train.tensors[1].toFlatArray(), ...test.tensors[1].toFlatArray()].sort(
      (a, b) => a - b,
    );
    expect(all).toEqual(ad.arange(10).toFlatArray());
  });

  it('rejects tensors of different lengths and bad batch sizes', () => {
    expect(() => new nn.TensorDataset(ad.zeros([3, 2]), ad.zeros([4]))).toThrow(
      /TensorDataset: tensors must share their first dim, got \[3,2\], \[4\]/,
    );
    expect(() => new nn.DataLoader(data, { batchSize: 0 })).toThrow(
      /batchSize must be an integer ≥ 1/,
    );
  });

  it('synthetic datasets have the documented shapes and labels', () => {
    const s = nn.twoSpirals({ n: 10 });
    expect(s.tensors[0].shape).toEqual([20, 2]);
    expect(s.tensors[1].dtype).toBe('int32');
    expect(nn.moons({ n: 5 }).length).toBe(10);
    expect(nn.noisySine({ n: 7 }).tensors[1].shape).toEqual([7, 1]);
  });
});
