// Losses between distributions and for counts, variances and multi-label targets (PyTorch's
// formulas, its defaults and its reductions).
import * as ad from '@ad/core';
import { formatShape, ShapeError, type Tensor } from '@ad/core';
import { asFloat, type LossOptions, lossOptions, reduce, sameShape, tensors } from './loss-common';

/** Options of `klDiv`: `'batchmean'` divides the sum by the batch size (the true KL divergence). */
export interface KLDivOptions {
  reduction?: 'mean' | 'sum' | 'none' | 'batchmean';
  /** The target is given as log-probabilities too. */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence of the target from the input, with the input given as
 * log-probabilities (PyTorch's `kl_div`): t·(log t − x), 0 where t = 0, or eᵗ·(t − x) with
 * `logTarget`.
 */
export function klDiv(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const { reduction = 'mean', logTarget = false } = ad.checkOptions('klDiv', opts, [
    'reduction',
    'logTarget',
  ]);
  ad.checkOneOf('klDiv', 'reduction', reduction, ['mean', 'sum', 'none', 'batchmean']);
  ad.checkBool('klDiv', 'logTarget', logTarget);
  sameShape('klDiv', input, target);
  const t = asFloat(target, input);
  const loss = logTarget ? t.exp().mul(t.sub(input)) : t.xlogy(t).sub(t.mul(input));
  if (reduction === 'batchmean') return loss.sum().div(input.ndim > 0 ? input.shape[0] : 1);
  return reduce('klDiv', loss, reduction);
}

/** Options of `poissonNllLoss` (PyTorch's names and defaults). */
export interface PoissonNllOptions extends LossOptions {
  /** The input is log λ (default) rather than λ. */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) for targets above 1. */
  full?: boolean;
  /** Keeps log λ finite when λ = 0 (without logInput). */
  eps?: number;
}

/** Negative log-likelihood of Poisson counts: eˣ − t·x (logInput), or λ − t·log(λ + ε). */
export function poissonNllLoss(
  input: Tensor,
  target: Tensor,
  opts: PoissonNllOptions = {},
): Tensor {
  const op = 'poissonNllLoss';
  const {
    reduction,
    logInput = true,
    full = false,
    eps = 1e-8,
  } = lossOptions(op, opts, ['logInput', 'full', 'eps']);
  ad.checkBool(op, 'logInput', logInput);
  ad.checkBool(op, 'full', full);
  ad.checkNumber(op, 'eps', eps, { min: 0 });
  sameShape(op, input, target);
  const t = asFloat(target, input);
  let loss = logInput ? input.exp().sub(t.mul(input)) : input.sub(t.mul(input.add(eps).log()));
  if (full) {
    // Stirling: t·log t − t + ½·log(2πt), only where t > 1
    const stirling = t
      .xlogy(t)
      .sub(t)
      .add(
        t
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(ad.where(t.gt(1), stirling, 0));
  }
  return reduce(op, loss, reduction);
}

/** Options of `gaussianNllLoss`. */
export interface GaussianNllOptions extends LossOptions {
  /** Add the constant ½·log 2π. */
  full?: boolean;
  /** The variance is clamped at eps (the gradient passes as if it were not, as in PyTorch). */
  eps?: number;
}

/**
 * Negative log-likelihood of a Gaussian with mean `input` and variance `variance`:
 * ½·(log v + (x − t)²/v), v broadcast to the input (PyTorch's `gaussian_nll_loss`).
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor | number,
  opts: GaussianNllOptions = {},
): Tensor {
  const op = 'gaussianNllLoss';
  const { reduction, full = false, eps = 1e-6 } = lossOptions(op, opts, ['full', 'eps']);
  ad.checkBool(op, 'full', full);
  ad.checkNumber(op, 'eps', eps, { min: 0 });
  sameShape(op, input, target);
  let v0 = typeof variance === 'number' ? ad.full([], variance, { dtype: input.dtype }) : variance;
  tensors(op, v0);
  // one variance per sample ([N] for an [N, D] input) applies to all of its D values, as PyTorch
  if (
    v0.ndim > 0 &&
    v0.ndim === input.ndim - 1 &&
    v0.shape.join() === input.shape.slice(0, -1).join()
  )
    v0 = v0.unsqueeze(-1);
  const checked = v0;
  ad.sideEffect(`${op}: check the variance`, () => {
    if (ad.noGrad(() => checked.lt(0).sum().item()) > 0)
      throw new ad.ValueError(op, 'variance has negative entries');
  });
  // clamped without recording, so the gradient flows to the variance unchanged, as PyTorch's
  const v = v0.add(ad.stopGradient(v0.clamp(eps).sub(v0)));
  let loss = v.log().add(input.sub(target).square().div(v)).mul(0.5);
  if (full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce(op, loss, reduction);
}

/**
 * −(y·log σ(x) + (1 − y)·log σ(−x)), averaged over the classes of [N, C] inputs, then reduced
 * over the batch (PyTorch's `multilabel_soft_margin_loss`), with optional class weights [C].
 */
export function multilabelSoftMarginLoss(
  input: Tensor,
  target: Tensor,
  opts: LossOptions & { weight?: Tensor } = {},
): Tensor {
  const op = 'multilabelSoftMarginLoss';
  const { reduction, weight } = lossOptions(op, opts, ['weight']);
  sameShape(op, input, target);
  if (input.ndim !== 2)
    throw new ShapeError(op, `input must be [N, C], got ${formatShape(input.shape)}`);
  const t = asFloat(target, input);
  let loss = t.mul(input.logSigmoid()).add(ad.sub(1, t).mul(input.neg().logSigmoid())).neg();
  if (weight !== undefined) loss = loss.mul(weight);
  return reduce(op, loss.mean(1), reduction);
}

/** `klDiv` as an object (PyTorch's `nn.KLDivLoss`). */
export class KLDivLoss {
  constructor(readonly options: KLDivOptions = {}) {}
  /** The divergence of `target` from `input` (log-probabilities). */
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** `poissonNllLoss` as an object. */
export class PoissonNLLLoss {
  constructor(readonly options: PoissonNllOptions = {}) {}
  /** The negative log-likelihood of the counts `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, this.options);
  }
}

/** `gaussianNllLoss` as an object. */
export class GaussianNLLLoss {
  constructor(readonly options: GaussianNllOptions = {}) {}
  /** The negative log-likelihood of `target` under N(input, variance). */
  forward(input: Tensor, target: Tensor, variance: Tensor | number): Tensor {
    return gaussianNllLoss(input, target, variance, this.options);
  }
}

/** `multilabelSoftMarginLoss` as an object. */
export class MultiLabelSoftMarginLoss {
  constructor(readonly options: LossOptions & { weight?: Tensor } = {}) {}
  /** The loss of the multi-label targets. */
  forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, this.options);
  }
}
