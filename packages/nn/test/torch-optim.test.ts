// Optimizers and schedules against torch.optim, step for step: the fixtures come from
// scripts/torch-optim-fixtures.py (float64 parameters on a non-convex loss; rates and
// momenta of two parameter groups).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import * as nn from '../src';

const fixtures = JSON.parse(readFileSync(join(__dirname, 'fixtures/torch-optim.json'), 'utf8')) as {
  torch: string;
  start: [number[], number[][]];
  optimizers: Record<string, number[][]>;
  schedules: Record<string, number[][][]>;
};

const f64 = { dtype: 'float64' } as const;

/** The fixture script's loss. */
function lossOf(a: Tensor, b: Tensor): Tensor {
  return a
    .square()
    .sum()
    .mul(0.5)
    .add(a.mul(3).sin().sum())
    .add(b.matmul(b.mT).sub(0.3).square().sum())
    .add(a.narrow(0, 0, 2).mul(b.select(0, 0)).sum().square());
}

type AnyOptimizer = nn.Optimizer<{ lr: number }>;

const optimizers: Record<string, (ps: Tensor[]) => AnyOptimizer> = {
  RAdam: (ps) => new nn.RAdam(ps, { lr: 0.05 }),
  'RAdam weight decay': (ps) => new nn.RAdam(ps, { lr: 0.02, betas: [0.8, 0.9], weightDecay: 0.1 }),
  Rprop: (ps) => new nn.Rprop(ps, { lr: 0.05 }),
  'Rprop etas bounds': (ps) =>
    new nn.Rprop(ps, { lr: 0.1, etas: [0.3, 1.5], stepSizes: [0.01, 0.2] }),
  ASGD: (ps) => new nn.ASGD(ps, { lr: 0.05, t0: 3, lambd: 1e-2, weightDecay: 0.01 }),
  'SGD nesterov': (ps) =>
    new nn.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  'Adam amsgrad': (ps) => new nn.Adam(ps, { lr: 0.05, amsgrad: true }),
  LBFGS: (ps) => new nn.LBFGS(ps, { lr: 0.5, maxIter: 5 }),
  'LBFGS strong_wolfe': (ps) =>
    new nn.LBFGS(ps, { maxIter: 6, historySize: 3, lineSearchFn: 'strong_wolfe' }),
};

const sgd = (lr = 0.1, momentum = 0.9) =>
  new nn.SGD(
    [
      { params: [ad.zeros([1]).requiresGrad_()] },
      { params: [ad.zeros([1]).requiresGrad_()], lr: lr * 2 },
    ],
    { lr, momentum },
  );
const adam = () => new nn.Adam([ad.zeros([1]).requiresGrad_()], { lr: 0.01 });

const schedules: Record<string, [() => AnyOptimizer, (o: never) => { step(): void }]> = {
  LambdaLR: [sgd, (o: AnyOptimizer) => new nn.LambdaLR(o, [(t) => 0.9 ** t, (t) => 1 / (1 + t)])],
  MultiplicativeLR: [sgd, (o: AnyOptimizer) => new nn.MultiplicativeLR(o, () => 0.95)],
  PolynomialLR: [sgd, (o: AnyOptimizer) => new nn.PolynomialLR(o, { totalIters: 6, power: 2 })],
  CosineAnnealingWarmRestarts: [
    sgd,
    (o: AnyOptimizer) => new nn.CosineAnnealingWarmRestarts(o, 3, { TMult: 2, etaMin: 0.001 }),
  ],
  'CyclicLR triangular2': [
    sgd,
    (o: AnyOptimizer) =>
      new nn.CyclicLR(o, 0.01, [0.1, 0.3], { stepSizeUp: 3, stepSizeDown: 2, mode: 'triangular2' }),
  ],
  'CyclicLR exp_range': [
    sgd,
    (o: AnyOptimizer) =>
      new nn.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 2, mode: 'exp_range', gamma: 0.9 }),
  ],
  OneCycleLR: [sgd, (o: AnyOptimizer) => new nn.OneCycleLR(o, [0.1, 0.2], { totalSteps: 12 })],
  'OneCycleLR Adam linear three-phase': [
    adam,
    (o: AnyOptimizer) =>
      new nn.OneCycleLR(o, 0.05, {
        epochs: 2,
        stepsPerEpoch: 5,
        annealStrategy: 'linear',
        threePhase: true,
        pctStart: 0.25,
      }),
  ],
  SequentialLR: [
    sgd,
    (o: AnyOptimizer) =>
      new nn.SequentialLR(
        o,
        [
          new nn.LinearLR(o, { startFactor: 0.2, totalIters: 3 }),
          new nn.ExponentialLR(o, 0.8),
          new nn.StepLR(o, 2, 0.5),
        ],
        [3, 6],
      ),
  ],
};

describe(`optimizers step for step with torch.optim ${fixtures.torch} (float64)`, () => {
  it('every fixture has an optimizer here', () =>
    expect(Object.keys(fixtures.optimizers).sort()).toEqual(Object.keys(optimizers).sort()));

  it.each(Object.keys(optimizers))('%s', (name) => {
    const a = ad.tensor(fixtures.start[0], f64).requiresGrad_();
    const b = ad.tensor(fixtures.start[1], f64).requiresGrad_();
    const opt = optimizers[name]([a, b]);
    const closure = () => {
      opt.zeroGrad();
      const loss = lossOf(a, b);
      loss.backward();
      return loss;
    };
    for (const expected of fixtures.optimizers[name]) {
      opt.step(closure);
      expect(ad.cat([a, b.reshape([-1])])).toBeAllClose(expected, { rtol: 1e-9, atol: 1e-12 });
    }
  });
});

describe(`schedules step for step with torch.optim.lr_scheduler ${fixtures.torch}`, () => {
  it('every fixture has a schedule here', () =>
    expect(Object.keys(fixtures.schedules).sort()).toEqual(Object.keys(schedules).sort()));

  it.each(Object.keys(schedules))('%s', (name) => {
    const [makeOpt, make] = schedules[name];
    const o = makeOpt();
    const s = (make as (o: AnyOptimizer) => { step(): void })(o);
    const now = () =>
      o.paramGroups.map((g) => {
        const group = g as typeof g & { momentum?: number; betas?: number[] };
        return [group.lr, group.momentum ?? group.betas![0]];
      });
    const got = [now()];
    for (let i = 0; i < fixtures.schedules[name].length - 1; i++) {
      o.step();
      s.step();
      got.push(now());
    }
    got.flat(2).forEach((v, i) => expect(v).toBeCloseTo(fixtures.schedules[name].flat(2)[i], 13));
  });
});
