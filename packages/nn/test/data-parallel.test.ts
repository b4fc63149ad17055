import * as ad from '@ad/core';
import * as nn from '../src';
import { DataParallel } from '../src/node';

// Data-parallel training on worker threads: the gradient of the whole batch, averaged in a
// fixed order (two runs are bitwise equal), equal to one thread's up to rounding, with any
// optimizer, resumable from a checkpoint, and with clear errors for what cannot be replicated.

const gen = (seed = 5) => new ad.Generator(seed);

function mlp(opts: { dtype?: ad.FloatDType; dropout?: number } = {}) {
  const dtype = opts.dtype ?? 'float64';
  return new nn.Sequential(
    new nn.Linear(6, 16, { dtype, generator: gen() }),
    new nn.Tanh(),
    new nn.Dropout(opts.dropout ?? 0),
    new nn.Linear(16, 3, { dtype, generator: gen() }),
  );
}

const data = (n: number, dtype: ad.FloatDType = 'float64') => ({
  x: ad.randn([n, 6], { dtype, generator: gen(1) }),
  y: ad.randint(0, 3, [n], { generator: gen(2) }),
});

const values = (m: nn.Module) => m.parameters().map((p) => Array.from(p.data));
const worst = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));

/** `steps` steps of `optimizer` on batches of `rows`, on `workers` threads (0: this thread). */
function train(
  workers: number,
  make: (ps: nn.Parameter[]) => nn.Optimizer<{ lr: number }>,
  opts: { steps?: number; rows?: number; dropout?: number; model?: nn.Module } = {},
) {
  const model = opts.model ?? mlp({ dropout: opts.dropout });
  const optimizer = make(model.parameters());
  const { x, y } = data(opts.rows ?? 24);
  const dp = workers > 0 ? new DataParallel(model, nn.crossEntropy, { workers, seed: 3 }) : null;
  const losses: number[] = [];
  try {
    for (let i = 0; i < (opts.steps ?? 10); i++) {
      optimizer.zeroGrad();
      if (dp) losses.push(dp.backward(x, y));
      else {
        const loss = nn.crossEntropy(model.forward(x) as ad.Tensor, y);
        loss.backward();
        losses.push(loss.item());
      }
      optimizer.step();
    }
  } finally {
    dp?.close();
  }
  return { model, optimizer, losses, params: values(model) };
}

describe('DataParallel', () => {
  // two workers sum in one pass; more carry a float64 sum over the ranks between
  it.each([2, 3, 4])(
    'gives the gradient of the whole batch (uneven shards too) on %i workers, as one thread computes it',
    (workers) => {
      const model = mlp();
      const { x, y } = data(11);
      const dp = new DataParallel(model, nn.crossEntropy, { workers });
      try {
        const loss = dp.backward(x, y);
        const grads = model.parameters().map((p) => Array.from((p.grad as ad.Tensor).data));
        model.zeroGrad();
        const want = nn.crossEntropy(model.forward(x) as ad.Tensor, y);
        want.backward();
        expect(Math.abs(loss - want.item())).toBeLessThan(1e-12);
        const wanted = model.parameters().map((p) => Array.from((p.grad as ad.Tensor).data));
        expect(worst(grads, wanted)).toBeLessThan(1e-12);
      } finally {
        dp.close();
      }
    },
  );

  it.each([
    ['SGD with momentum', (ps: nn.Parameter[]) => new nn.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps: nn.Parameter[]) => new nn.Adam(ps, { lr: 0.01 })],
    ['RMSprop', (ps: nn.Parameter[]) => new nn.RMSprop(ps, { lr: 0.01 })],
    ['Adagrad', (ps: nn.Parameter[]) => new nn.Adagrad(ps, { lr: 0.1 })],
  ])('trains with %s as one thread does (float64, within 1e-10 after 10 steps)', (_, make) => {
    const one = train(0, make);
    const two = train(2, make);
    expect(worst(two.params, one.params)).toBeLessThan(1e-10);
    expect(Math.max(...two.losses.map((l, i) => Math.abs(l - one.losses[i])))).toBeLessThan(1e-10);
  });

  it('is deterministic: two runs are bitwise equal, dropout included', () => {
    const make = (ps: nn.Parameter[]) => new nn.Adam(ps, { lr: 0.01 });
    const a = train(2, make, { dropout: 0.3 });
    const b = train(2, make, { dropout: 0.3 });
    expect(b.params).toEqual(a.params);
    expect(b.losses).toEqual(a.losses);
  });

  it('traces again when the model switches between training and eval mode', () => {
    const model = mlp({ dropout: 0.5 });
    const { x, y } = data(8);
    const dp = new DataParallel(model, nn.crossEntropy, { workers: 2 });
    try {
      dp.backward(x, y); // dropout on
      model.eval();
      const loss = dp.backward(x, y); // dropout off: exactly one thread's eval loss
      expect(
        Math.abs(loss - nn.crossEntropy(model.forward(x) as ad.Tensor, y).item()),
      ).toBeLessThan(1e-12);
    } finally {
      dp.close();
    }
  });

  it('leaves frozen parameters without a gradient and refuses replaced ones', () => {
    const model = mlp();
    const { x, y } = data(8);
    const dp = new DataParallel(model, nn.crossEntropy, { workers: 2 });
    try {
      const [first, ...rest] = model.parameters();
      first.requiresGrad = false;
      dp.backward(x, y);
      expect(first.grad).toBeNull();
      expect(rest.every((p) => p.grad !== null)).toBe(true);
      const layer = (model as nn.Sequential).layers[0] as nn.Linear;
      (layer as { weight: nn.Parameter }).weight = new nn.Parameter(
        ad.zeros([16, 6], { dtype: 'float64' }),
      );
      expect(() => dp.backward(x, y)).toThrow(/replaced/);
    } finally {
      dp.close();
    }
  });

  it('resumes from a checkpoint bitwise', () => {
    const make = (ps: nn.Parameter[]) => new nn.Adam(ps, { lr: 0.01 });
    const first = train(2, make, { steps: 5 });
    const bytes = nn.encodeCheckpoint({ model: first.model, optimizer: first.optimizer });
    const straight = train(2, () => first.optimizer, { steps: 5, model: first.model });
    const model = mlp();
    const optimizer = make(model.parameters());
    nn.restoreCheckpoint(bytes, { model, optimizer });
    const resumed = train(2, () => optimizer, { steps: 5, model });
    expect(resumed.params).toEqual(straight.params);
  });

  it('trains in fit with workers, to what one thread reaches', () => {
    const run = (workers?: number) => {
      const model = mlp();
      const { x, y } = data(64);
      const history = nn.fit(model, {
        train: new nn.TensorDataset(x, y),
        loss: nn.crossEntropy,
        optimizer: new nn.SGD(model.parameters(), { lr: 0.2 }),
        epochs: 3,
        batchSize: 20, // 20, 20, 20 and a last batch of 4: two shard shapes
        shuffle: false,
        workers,
      });
      return { history, params: values(model) };
    };
    const one = run();
    const two = run(2);
    expect(worst(two.params, one.params)).toBeLessThan(1e-10);
    expect(Math.abs(two.history[2].loss - one.history[2].loss)).toBeLessThan(1e-10);
  });

  it('refuses what cannot be replicated, naming it, and leaves the model as it was', () => {
    const bn = new nn.Sequential(new nn.Linear(6, 4), new nn.BatchNorm1d(4));
    expect(() => new DataParallel(bn, nn.mseLoss)).toThrow(/running_mean/);
    const twice = ad.customOp('twice', (a: ad.Tensor) => [a.mul(2), (g: ad.Tensor) => [g.mul(2)]]);
    class Odd extends nn.Module {
      fc = new nn.Linear(6, 3, { dtype: 'float64' });
      forward(v: ad.Tensor) {
        return twice(this.fc.forward(v));
      }
    }
    const odd = new Odd();
    const before = values(odd);
    const dp = new DataParallel(odd, nn.crossEntropy, { workers: 2 });
    try {
      const { x, y } = data(8);
      expect(() => dp.backward(x, y)).toThrow(/twice/);
      expect(() => dp.backward(x.narrow(0, 0, 1), y.narrow(0, 0, 1))).toThrow(/1 rows/);
      expect(values(odd)).toEqual(before);
    } finally {
      dp.close();
    }
    expect(() => new DataParallel(mlp(), nn.mseLoss, { workers: 0 })).toThrow(/workers/);
    expect(() => new DataParallel({} as nn.Module, nn.mseLoss)).toThrow(/must be a Module/);
    expect(() => new DataParallel(mlp(), nn.mseLoss, { coreUrl: '/core.mjs' })).toThrow(/browsers/);
  });
});
