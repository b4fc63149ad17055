import { fusedAdam, type Tensor, type TypedArray } from '@ad/core';
import {
  lerp,
  Optimizer,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamState,
} from './optimizer';
import { betas, flag, nonNegative, type OptimizerSpec } from './rules';

/** Hyper-parameters of `Adam`, `AdamW` and `Adamax` (PyTorch's names and defaults). */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

type Params = readonly Tensor[] | readonly ParamGroupSpec<AdamOptions>[];

const common = {
  lr: nonNegative,
  betas,
  eps: nonNegative,
  weightDecay: nonNegative,
  maximize: flag,
};
const ADAM: OptimizerSpec<AdamOptions> = {
  rules: { ...common, amsgrad: flag },
  state: { step: 'count', expAvg: 'tensor', expAvgSq: 'tensor', maxExpAvgSq: 'tensor' },
};
const ADAMAX: OptimizerSpec<Omit<AdamOptions, 'amsgrad'>> = {
  rules: common,
  state: { step: 'count', expAvg: 'tensor', expInf: 'tensor' },
};

/**
 * Adam, torch.optim.Adam's formula: m ← lerp(m, g, 1 − β1), v ← β2·v + (1 − β2)·g²,
 * p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps), with v replaced by its running max under amsgrad.
 */
export class Adam extends Optimizer<AdamOptions> {
  /** AdamW decays the weights directly instead of adding wd·p to the gradient. */
  protected decoupled = false;

  constructor(params: Params, opts: Partial<AdamOptions> = {}) {
    super(
      params,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
      opts,
      ADAM,
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<AdamOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    const [b1, b2] = o.betas;
    const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
    const m = this.buffer(s, 'expAvg', param);
    const v = this.buffer(s, 'expAvgSq', param);
    const vMax = o.amsgrad ? this.buffer(s, 'maxExpAvgSq', param) : null;
    fusedAdam(p, g, m, v, vMax, {
      stepSize: o.lr / (1 - b1 ** t),
      bc2Sqrt: Math.sqrt(1 - b2 ** t),
      beta1: b1,
      beta2: b2,
      eps: o.eps,
      weightDecay: o.weightDecay,
      decoupled: this.decoupled,
      decay: this.decoupled ? 1 - o.lr * o.weightDecay : 1,
      maximize: o.maximize,
    });
  }
}

/** Adam with decoupled weight decay (torch.optim.AdamW): p ← p·(1 − lr·wd) before the Adam step. */
export class AdamW extends Adam {
  constructor(params: Params, opts: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...opts });
    this.decoupled = true;
  }
}

/** Adamax (torch.optim.Adamax): u ← max(β2·u, |g| + eps), p ← p − lr/(1 − β1ᵗ) · m/u. */
export class Adamax extends Optimizer<Omit<AdamOptions, 'amsgrad'>> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<Omit<AdamOptions, 'amsgrad'>>[],
    opts: Partial<Omit<AdamOptions, 'amsgrad'>> = {},
  ) {
    super(
      params,
      { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
      opts,
      ADAMAX,
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<Omit<AdamOptions, 'amsgrad'>>,
    s: ParamState,
    param: Tensor,
  ): void {
    const [b1, b2] = o.betas;
    const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
    const m = this.buffer(s, 'expAvg', param);
    const u = this.buffer(s, 'expInf', param);
    const clr = o.lr / (1 - b1 ** t);
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      if (o.weightDecay !== 0) d += o.weightDecay * p[i];
      m[i] = lerp(m[i], d, 1 - b1);
      u[i] = Math.max(u[i] * b2, Math.abs(d) + o.eps);
      p[i] -= (clr * m[i]) / u[i];
    }
  }
}

/** Hyper-parameters of `NAdam`. */
export interface NAdamOptions extends Omit<AdamOptions, 'amsgrad'> {
  momentumDecay: number;
  decoupledWeightDecay: boolean;
}

const NADAM: OptimizerSpec<NAdamOptions> = {
  rules: { ...common, momentumDecay: nonNegative, decoupledWeightDecay: flag },
  state: { step: 'count', expAvg: 'tensor', expAvgSq: 'tensor', muProduct: 'number' },
};

/**
 * NAdam (torch.optim.NAdam): Adam with Nesterov momentum, μₜ = β1·(1 − ½·0.96^(t·ψ)),
 * p ← p − lr(1 − μₜ)/(1 − Πμ)·g/d − lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)·m/d, d = √(v/(1 − β2ᵗ)) + eps.
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<NAdamOptions>[],
    opts: Partial<NAdamOptions> = {},
  ) {
    super(
      params,
      {
        lr: 2e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        momentumDecay: 4e-3,
        decoupledWeightDecay: false,
        maximize: false,
      },
      opts,
      NADAM,
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<NAdamOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    const [b1, b2] = o.betas;
    const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
    const m = this.buffer(s, 'expAvg', param);
    const v = this.buffer(s, 'expAvgSq', param);
    const bc2 = 1 - b2 ** t;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * o.momentumDecay));
    const muProduct = (s.muProduct = ((s.muProduct as number | undefined) ?? 1) * mu);
    const gradScale = (-o.lr * (1 - mu)) / (1 - muProduct);
    const avgScale = (-o.lr * muNext) / (1 - muProduct * muNext);
    for (let i = 0; i < p.length; i++) {
      let d = o.maximize ? -g[i] : g[i];
      if (o.weightDecay !== 0) {
        if (o.decoupledWeightDecay) p[i] *= 1 - o.lr * o.weightDecay;
        else d += o.weightDecay * p[i];
      }
      m[i] = lerp(m[i], d, 1 - b1);
      v[i] = v[i] * b2 + (1 - b2) * d * d;
      const denom = Math.sqrt(v[i] / bc2) + o.eps;
      p[i] += (gradScale * d) / denom;
      p[i] += (avgScale * m[i]) / denom;
    }
  }
}
