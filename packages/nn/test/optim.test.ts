import * as ad from '@ad/core';
import { Generator, type Tensor } from '@ad/core';
import * as nn from '../src';

const f64 = { dtype: 'float64' } as const;
const start = ad.randn([2, 3], { ...f64, generator: new Generator(9) });
/** The loss whose gradients drive every optimizer here: Σ (c·p² + sin p), c = 1, 2, … */
const lossOf = (p: Tensor) =>
  p
    .square()
    .mul(ad.arange(1, 7, 1, f64).reshape([2, 3]))
    .add(p.sin())
    .sum();
const gradOf = (p: Tensor) => ad.grad(lossOf)(p);

/** Runs `steps` steps of an optimizer on `lossOf` and returns the parameter after each. */
function trajectory(make: (p: Tensor[]) => nn.Optimizer<{ lr: number }>, steps = 4): Tensor[] {
  const p = start.clone().detach().requiresGrad_();
  const opt = make([p]);
  const out: Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    lossOf(p).backward();
    opt.step();
    out.push(p.detach().clone());
  }
  return out;
}

/** The same steps from a reference written with tensor ops, straight from the published algorithm. */
function reference(
  update: (p: Tensor, g: Tensor, t: number, s: Record<string, Tensor>) => Tensor,
  steps = 4,
): Tensor[] {
  let p = start.clone().detach();
  const s: Record<string, Tensor> = {};
  const out: Tensor[] = [];
  for (let t = 1; t <= steps; t++) {
    p = update(p, gradOf(p), t, s);
    out.push(p);
  }
  return out;
}

const zeros = () => ad.zeros([2, 3], f64);

const cases: [
  string,
  (p: Tensor[]) => nn.Optimizer<{ lr: number }>,
  Parameters<typeof reference>[0],
][] = [
  ['SGD', (p) => new nn.SGD(p, { lr: 0.1 }), (p, g) => p.sub(g.mul(0.1))],
  [
    'SGD momentum, dampening, weight decay',
    (p) => new nn.SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
    (p, g, t, s) => {
      const d = g.add(p.mul(0.01));
      s.b = t === 1 ? d : s.b.mul(0.9).add(d.mul(0.9));
      return p.sub(s.b.mul(0.05));
    },
  ],
  [
    'SGD nesterov',
    (p) => new nn.SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true }),
    (p, g, t, s) => {
      s.b = t === 1 ? g : s.b.mul(0.8).add(g);
      return p.sub(g.add(s.b.mul(0.8)).mul(0.05));
    },
  ],
  ['Adam', (p) => new nn.Adam(p, { lr: 0.1 }), adamRef(0.1, 0.9, 0.999, 1e-8, 0, false, false)],
  [
    'Adam weight decay, amsgrad',
    (p) => new nn.Adam(p, { lr: 0.1, betas: [0.8, 0.9], weightDecay: 0.1, amsgrad: true }),
    adamRef(0.1, 0.8, 0.9, 1e-8, 0.1, true, false),
  ],
  ['AdamW', (p) => new nn.AdamW(p, { lr: 0.1 }), adamRef(0.1, 0.9, 0.999, 1e-8, 0.01, false, true)],
  [
    'Adamax',
    (p) => new nn.Adamax(p, { lr: 0.1, weightDecay: 0.05 }),
    (p, g, t, s) => {
      const d = g.add(p.mul(0.05));
      s.m = (s.m ?? zeros()).mul(0.9).add(d.mul(0.1));
      s.u = (s.u ?? zeros()).mul(0.999).maximum(d.abs().add(1e-8));
      return p.sub(s.m.div(s.u).mul(0.1 / (1 - 0.9 ** t)));
    },
  ],
  [
    'NAdam',
    (p) => new nn.NAdam(p, { lr: 0.1 }),
    (p, g, t, s) => {
      const mu = (k: number) => 0.9 * (1 - 0.5 * 0.96 ** (k * 0.004));
      const prodMu = Array.from({ length: t }, (_, i) => mu(i + 1)).reduce((a, b) => a * b, 1);
      s.m = (s.m ?? zeros()).mul(0.9).add(g.mul(0.1));
      s.v = (s.v ?? zeros()).mul(0.999).add(g.square().mul(0.001));
      const denom = s.v
        .div(1 - 0.999 ** t)
        .sqrt()
        .add(1e-8);
      const step = g
        .mul((0.1 * (1 - mu(t))) / (1 - prodMu))
        .add(s.m.mul((0.1 * mu(t + 1)) / (1 - prodMu * mu(t + 1))));
      return p.sub(step.div(denom));
    },
  ],
  [
    'RMSprop',
    (p) => new nn.RMSprop(p, { lr: 0.01 }),
    (p, g, _t, s) => {
      s.sq = (s.sq ?? zeros()).mul(0.99).add(g.square().mul(0.01));
      return p.sub(g.div(s.sq.sqrt().add(1e-8)).mul(0.01));
    },
  ],
  [
    'RMSprop centered, momentum, weight decay',
    (p) =>
      new nn.RMSprop(p, { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1 }),
    (p, g, _t, s) => {
      const d = g.add(p.mul(0.1));
      s.sq = (s.sq ?? zeros()).mul(0.9).add(d.square().mul(0.1));
      s.ga = (s.ga ?? zeros()).mul(0.9).add(d.mul(0.1));
      const avg = s.sq.sub(s.ga.square()).sqrt().add(1e-8);
      s.b = (s.b ?? zeros()).mul(0.5).add(d.div(avg));
      return p.sub(s.b.mul(0.01));
    },
  ],
  [
    'Adagrad',
    (p) => new nn.Adagrad(p, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }),
    (p, g, t, s) => {
      s.sum = (s.sum ?? ad.full([2, 3], 0.1, f64)).add(g.square());
      return p.sub(g.div(s.sum.sqrt().add(1e-10)).mul(0.1 / (1 + (t - 1) * 0.01)));
    },
  ],
  [
    'Adadelta',
    (p) => new nn.Adadelta(p, { lr: 1, rho: 0.9 }),
    (p, g, _t, s) => {
      s.sq = (s.sq ?? zeros()).mul(0.9).add(g.square().mul(0.1));
      const delta = (s.acc ?? zeros()).add(1e-6).sqrt().div(s.sq.add(1e-6).sqrt()).mul(g);
      s.acc = (s.acc ?? zeros()).mul(0.9).add(delta.square().mul(0.1));
      return p.sub(delta);
    },
  ],
];

function adamRef(
  lr: number,
  b1: number,
  b2: number,
  eps: number,
  wd: number,
  amsgrad: boolean,
  decoupled: boolean,
) {
  return (p: Tensor, g: Tensor, t: number, s: Record<string, Tensor>) => {
    const q = decoupled ? p.mul(1 - lr * wd) : p;
    const d = decoupled ? g : g.add(p.mul(wd));
    s.m = (s.m ?? zeros()).mul(b1).add(d.mul(1 - b1));
    s.v = (s.v ?? zeros()).mul(b2).add(d.square().mul(1 - b2));
    const v = amsgrad ? (s.vmax = (s.vmax ?? zeros()).maximum(s.v)) : s.v;
    const mHat = s.m.div(1 - b1 ** t);
    const vHat = v.div(1 - b2 ** t);
    return q.sub(mHat.div(vHat.sqrt().add(eps)).mul(lr));
  };
}

describe('optimizers follow torch.optim’s formulas step by step (float64)', () => {
  it.each(cases)('%s', (_, make, ref) => {
    const ours = trajectory(make);
    reference(ref).forEach((expected, i) =>
      expect(ours[i]).toBeAllClose(expected, { rtol: 1e-10, atol: 1e-12 }),
    );
  });
});

describe('optimizer mechanics', () => {
  it('parameter groups take their own options and fall back to the defaults', () => {
    const a = ad.zeros([1], f64).requiresGrad_();
    const b = ad.zeros([1], f64).requiresGrad_();
    const opt = new nn.SGD([{ params: [a], lr: 1 }, { params: [b] }], { lr: 0.1 });
    a.grad = ad.ones([1], f64);
    b.grad = ad.ones([1], f64);
    opt.step();
    expect([a.item(), b.item()]).toEqual([-1, -0.1]);
  });

  it('skips parameters without a gradient and zeroGrad clears them', () => {
    const a = ad.ones([2], f64).requiresGrad_();
    const opt = new nn.Adam([a]);
    opt.step();
    expect(a.toFlatArray()).toEqual([1, 1]);
    a.grad = ad.ones([2], f64);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('stateDict and loadStateDict continue a run exactly', () => {
    const full = trajectory((p) => new nn.Adam(p, { lr: 0.1 }), 6);
    const p = start.clone().detach().requiresGrad_();
    let opt = new nn.Adam([p], { lr: 0.1 });
    const step = () => {
      opt.zeroGrad();
      lossOf(p).backward();
      opt.step();
    };
    for (let i = 0; i < 3; i++) step();
    const saved = opt.stateDict();
    opt = new nn.Adam([p], { lr: 0.5 });
    opt.loadStateDict(saved);
    for (let i = 0; i < 3; i++) step();
    expect(p.toFlatArray()).toEqual(full[5].toFlatArray());
  });

  it('clipGradNorm scales all gradients by min(1, max/(norm + 1e-6)) and returns the norm', () => {
    const a = ad.zeros([2], f64).requiresGrad_();
    const b = ad.zeros([1], f64).requiresGrad_();
    a.grad = ad.tensor([3, 0], f64);
    b.grad = ad.tensor([4], f64);
    expect(nn.clipGradNorm([a, b], 1)).toBeCloseTo(5, 12);
    expect(a.grad).toBeAllClose([3 / (5 + 1e-6), 0], { rtol: 1e-12 });
    expect(b.grad).toBeAllClose([4 / (5 + 1e-6)], { rtol: 1e-12 });
    nn.clipGradValue([a], 0.1);
    expect(a.grad).toBeAllClose([0.1, 0]);
  });
});

describe('schedulers match their closed forms', () => {
  const lrs = (make: (o: nn.SGD) => { step(): void }, epochs: number) => {
    const opt = new nn.SGD([ad.zeros([1]).requiresGrad_()], { lr: 0.1 });
    const s = make(opt);
    const out = [opt.paramGroups[0].lr];
    for (let i = 0; i < epochs; i++) {
      s.step();
      out.push(opt.paramGroups[0].lr);
    }
    return out;
  };
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));

  it('StepLR: 0.1·γ^⌊t/step⌋', () =>
    close(
      lrs((o) => new nn.StepLR(o, 3, 0.5), 10),
      Array.from({ length: 11 }, (_, t) => 0.1 * 0.5 ** Math.floor(t / 3)),
    ));
  it('ExponentialLR: 0.1·γᵗ', () =>
    close(
      lrs((o) => new nn.ExponentialLR(o, 0.9), 10),
      Array.from({ length: 11 }, (_, t) => 0.1 * 0.9 ** t),
    ));
  it('CosineAnnealingLR: ηmin + (η0 − ηmin)(1 + cos πt/T)/2, periodic past T', () =>
    close(
      lrs((o) => new nn.CosineAnnealingLR(o, 5, 0.01), 15),
      Array.from({ length: 16 }, (_, t) => 0.01 + (0.09 * (1 + Math.cos((Math.PI * t) / 5))) / 2),
    ));
  it('LinearLR: 0.1·(s + (e − s)·min(t, n)/n)', () =>
    close(
      lrs((o) => new nn.LinearLR(o, { startFactor: 0.25, endFactor: 1, totalIters: 4 }), 8),
      Array.from({ length: 9 }, (_, t) => 0.1 * (0.25 + (0.75 * Math.min(t, 4)) / 4)),
    ));

  it('ReduceLROnPlateau lowers the rate after `patience` epochs without improvement, then cools down', () => {
    const opt = new nn.SGD([ad.zeros([1]).requiresGrad_()], { lr: 1 });
    const s = new nn.ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, cooldown: 1 });
    const seen = [5, 4, 4, 4, 4, 4, 4, 4].map((m) => {
      s.step(m);
      return opt.paramGroups[0].lr;
    });
    expect(seen).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5]);
    s.step(4);
    expect(opt.paramGroups[0].lr).toBe(0.25);
  });
});
