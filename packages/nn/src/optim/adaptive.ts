import type { Tensor, TypedArray } from '@ad/core';
import {
  lerp,
  Optimizer,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamState,
} from './optimizer';
import { flag, nonNegative, unitClosed } from './rules';

/** Hyper-parameters of `RMSprop`. */
export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop (torch.optim.RMSprop): s ← α·s + (1 − α)·g²; a = √(s − ḡ²) if centered else √s,
 * then + eps; p ← p − lr·g/a, or through a momentum buffer b ← μ·b + g/a.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<RMSpropOptions>[],
    opts: Partial<RMSpropOptions> = {},
  ) {
    super(
      params,
      {
        lr: 1e-2,
        alpha: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
        maximize: false,
      },
      opts,
      {
        rules: {
          lr: nonNegative,
          alpha: nonNegative,
          eps: nonNegative,
          weightDecay: nonNegative,
          momentum: nonNegative,
          centered: flag,
          maximize: flag,
        },
        state: { step: 'count', squareAvg: 'tensor', gradAvg: 'tensor', momentumBuffer: 'tensor' },
      },
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<RMSpropOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    s.step = ((s.step as number | undefined) ?? 0) + 1;
    const sq = this.buffer(s, 'squareAvg', param);
    const avgG = o.centered ? this.buffer(s, 'gradAvg', param) : null;
    const buf = o.momentum > 0 ? this.buffer(s, 'momentumBuffer', param) : null;
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      if (o.weightDecay !== 0) d += o.weightDecay * p[i];
      sq[i] = sq[i] * o.alpha + (1 - o.alpha) * d * d;
      let avg: number;
      if (avgG !== null) {
        avgG[i] = lerp(avgG[i], d, 1 - o.alpha);
        avg = Math.sqrt(sq[i] - avgG[i] * avgG[i]) + o.eps;
      } else {
        avg = Math.sqrt(sq[i]) + o.eps;
      }
      if (buf !== null) {
        buf[i] = buf[i] * o.momentum + d / avg;
        p[i] -= o.lr * buf[i];
      } else {
        p[i] -= (o.lr * d) / avg;
      }
    }
  }
}

/** Hyper-parameters of `Adagrad`. */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/** Adagrad (torch.optim.Adagrad): Σ ← Σ + g²; p ← p − lr/(1 + (t − 1)·lrDecay) · g/(√Σ + eps). */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<AdagradOptions>[],
    opts: Partial<AdagradOptions> = {},
  ) {
    super(
      params,
      {
        lr: 1e-2,
        lrDecay: 0,
        weightDecay: 0,
        initialAccumulatorValue: 0,
        eps: 1e-10,
        maximize: false,
      },
      opts,
      {
        rules: {
          lr: nonNegative,
          lrDecay: nonNegative,
          weightDecay: nonNegative,
          initialAccumulatorValue: nonNegative,
          eps: nonNegative,
          maximize: flag,
        },
        state: { step: 'count', sum: 'tensor' },
      },
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<AdagradOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
    const sum = this.buffer(s, 'sum', param, o.initialAccumulatorValue);
    const clr = o.lr / (1 + (t - 1) * o.lrDecay);
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      if (o.weightDecay !== 0) d += o.weightDecay * p[i];
      sum[i] += d * d;
      p[i] -= (clr * d) / (Math.sqrt(sum[i]) + o.eps);
    }
  }
}

/** Hyper-parameters of `Adadelta`. */
export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * Adadelta (torch.optim.Adadelta): s ← ρ·s + (1 − ρ)·g²; Δ = √(a + eps)/√(s + eps)·g;
 * a ← ρ·a + (1 − ρ)·Δ²; p ← p − lr·Δ.
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<AdadeltaOptions>[],
    opts: Partial<AdadeltaOptions> = {},
  ) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false }, opts, {
      rules: {
        lr: nonNegative,
        rho: unitClosed,
        eps: nonNegative,
        weightDecay: nonNegative,
        maximize: flag,
      },
      state: { step: 'count', squareAvg: 'tensor', accDelta: 'tensor' },
    });
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<AdadeltaOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    s.step = ((s.step as number | undefined) ?? 0) + 1;
    const sq = this.buffer(s, 'squareAvg', param);
    const acc = this.buffer(s, 'accDelta', param);
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      if (o.weightDecay !== 0) d += o.weightDecay * p[i];
      sq[i] = sq[i] * o.rho + (1 - o.rho) * d * d;
      const delta = (Math.sqrt(acc[i] + o.eps) / Math.sqrt(sq[i] + o.eps)) * d;
      acc[i] = acc[i] * o.rho + (1 - o.rho) * delta * delta;
      p[i] -= o.lr * delta;
    }
  }
}
