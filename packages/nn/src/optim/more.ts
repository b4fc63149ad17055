import type { Tensor, TypedArray } from '@ad/core';
import { ValueError } from '@ad/core';
import { Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer';
import { betas, flag, nonNegative, type Rule } from './rules';

/** Hyper-parameters of `RAdam` (PyTorch's names and defaults). */
export interface RAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** AdamW's decay (p ← p·(1 − lr·wd)) instead of adding wd·p to the gradient. */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/**
 * Rectified Adam (torch.optim.RAdam): Adam's moments, with the adaptive step used only once
 * the variance of its estimate is tractable (ρₜ > 5) and scaled by the rectification r; a
 * momentum step before that.
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<RAdamOptions>[],
    opts: Partial<RAdamOptions> = {},
  ) {
    super(
      params,
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        decoupledWeightDecay: false,
        maximize: false,
      },
      opts,
      {
        rules: {
          lr: nonNegative,
          betas,
          eps: nonNegative,
          weightDecay: nonNegative,
          decoupledWeightDecay: flag,
          maximize: flag,
        },
        state: { step: 'count', expAvg: 'tensor', expAvgSq: 'tensor' },
      },
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<RAdamOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
    const [b1, b2] = o.betas;
    const m = this.buffer(s, 'expAvg', param);
    const v = this.buffer(s, 'expAvgSq', param);
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    const rhoInf = 2 / (1 - b2) - 1;
    const rho = rhoInf - (2 * t * b2 ** t) / c2;
    const rect =
      rho > 5
        ? Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho))
        : 0;
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      if (o.weightDecay !== 0) {
        if (o.decoupledWeightDecay) p[i] *= 1 - o.lr * o.weightDecay;
        else d += o.weightDecay * p[i];
      }
      m[i] = m[i] * b1 + (1 - b1) * d;
      v[i] = v[i] * b2 + (1 - b2) * d * d;
      const corrected = m[i] / c1;
      p[i] -=
        rho > 5
          ? corrected * o.lr * (Math.sqrt(c2) / (Math.sqrt(v[i]) + o.eps)) * rect
          : corrected * o.lr;
    }
  }
}

/** Hyper-parameters of `Rprop`. */
export interface RpropOptions {
  lr: number;
  /** (η−, η+): how a step size shrinks on a sign change and grows otherwise. */
  etas: [number, number];
  /** The step sizes' bounds. */
  stepSizes: [number, number];
  maximize: boolean;
}

const pair: Rule = (op, name, v) => {
  if (!Array.isArray(v) || v.length !== 2 || v.some((x) => typeof x !== 'number' || !(x >= 0)))
    throw new ValueError(op, `${name} must be two numbers ≥ 0`);
};

/**
 * Resilient backpropagation (torch.optim.Rprop): each element's step size grows by η+ while
 * its gradient keeps its sign and shrinks by η− when it flips (skipping that update); the
 * parameter moves by the step size against the gradient's sign.
 */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<RpropOptions>[],
    opts: Partial<RpropOptions> = {},
  ) {
    super(params, { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false }, opts, {
      rules: { lr: nonNegative, etas: pair, stepSizes: pair, maximize: flag },
      state: { step: 'count', prev: 'tensor', stepSize: 'tensor' },
      combined: (o) =>
        o.etas[0] < 1 && o.etas[1] > 1 ? null : 'etas must satisfy 0 < η− < 1 < η+',
    });
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<RpropOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    s.step = ((s.step as number | undefined) ?? 0) + 1;
    const prev = this.buffer(s, 'prev', param);
    const size = this.buffer(s, 'stepSize', param, o.lr);
    const [minus, plus] = o.etas;
    const [lo, hi] = o.stepSizes;
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      const sign = Math.sign(d * prev[i]);
      size[i] = Math.min(Math.max(size[i] * (sign > 0 ? plus : sign < 0 ? minus : 1), lo), hi);
      if (sign < 0) d = 0;
      p[i] -= Math.sign(d) * size[i];
      prev[i] = d;
    }
  }
}

/** Hyper-parameters of `ASGD`. */
export interface ASGDOptions {
  lr: number;
  lambd: number;
  alpha: number;
  /** The step from which parameters are averaged. */
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * Averaged SGD (torch.optim.ASGD): p ← p·(1 − λη) − η·g with η = lr/(1 + λ·lr·t)^α, and a
 * running average `ax` of the parameters from step t0 on.
 */
export class ASGD extends Optimizer<ASGDOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<ASGDOptions>[],
    opts: Partial<ASGDOptions> = {},
  ) {
    super(
      params,
      { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false },
      opts,
      {
        rules: {
          lr: nonNegative,
          lambd: nonNegative,
          alpha: nonNegative,
          t0: nonNegative,
          weightDecay: nonNegative,
          maximize: flag,
        },
        state: { step: 'count', eta: 'number', mu: 'number', ax: 'tensor' },
      },
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<ASGDOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
    const eta = (s.eta as number | undefined) ?? o.lr;
    const mu = (s.mu as number | undefined) ?? 1;
    const ax = this.buffer(s, 'ax', param);
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      if (o.weightDecay !== 0) d += o.weightDecay * p[i];
      p[i] *= 1 - o.lambd * eta;
      p[i] -= eta * d;
      ax[i] = mu !== 1 ? ax[i] + (p[i] - ax[i]) * mu : p[i];
    }
    s.eta = o.lr / (1 + o.lambd * o.lr * t) ** o.alpha;
    s.mu = 1 / Math.max(1, t - o.t0);
  }
}
