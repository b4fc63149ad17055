import * as ad from '@ad/core';
import { formatShape, ShapeError, type Tensor, ValueError } from '@ad/core';

/** How per-element losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. */
export interface LossOptions {
  /** 'mean' (default) averages the per-element losses, 'sum' adds them, 'none' returns them. */
  reduction?: Reduction;
}

function reduce(op: string, loss: Tensor, reduction: Reduction = 'mean'): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) {
    throw new ShapeError(op, `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ`);
  }
}

/** Mean squared error (x − y)². With `reduction: 'sum'` it is the seeds' "sum of squared errors". */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  sameShape('mseLoss', input, target);
  return reduce('mseLoss', input.sub(target).square(), opts.reduction);
}

/** Mean absolute error |x − y|. */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  sameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), opts.reduction);
}

/** ½d² for |d| ≤ delta, delta·(|d| − ½delta) beyond (PyTorch's `huber_loss`). */
export function huberLoss(input: Tensor, target: Tensor, opts: LossOptions & { delta?: number } = {}): Tensor {
  sameShape('huberLoss', input, target);
  const delta = opts.delta ?? 1;
  const d = input.sub(target).abs();
  return reduce('huberLoss', ad.where(d.le(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), opts.reduction);
}

/** ½d²/beta for |d| < beta, |d| − ½beta beyond (PyTorch's `smooth_l1_loss`; beta = 0 is L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: LossOptions & { beta?: number } = {}): Tensor {
  sameShape('smoothL1Loss', input, target);
  const beta = opts.beta ?? 1;
  const d = input.sub(target).abs();
  if (beta === 0) return reduce('smoothL1Loss', d, opts.reduction);
  return reduce('smoothL1Loss', ad.where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), opts.reduction);
}

/** −w·(y·log p + (1 − y)·log(1 − p)) on probabilities; each log is clamped at −100 as in PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: LossOptions & { weight?: Tensor } = {}): Tensor {
  sameShape('binaryCrossEntropy', input, target);
  const logP = input.log().clamp(-100);
  const logQ = input.neg().log1p().clamp(-100);
  let loss = target.mul(logP).add(target.neg().add(1).mul(logQ)).neg();
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce('binaryCrossEntropy', loss, opts.reduction);
}

/**
 * Binary cross-entropy on logits, stable for any logit: (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x),
 * PyTorch's form with `posWeight` pw.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor,
  opts: LossOptions & { weight?: Tensor; posWeight?: Tensor | number } = {}): Tensor {
  sameShape('binaryCrossEntropyWithLogits', input, target);
  const softplusNeg = input.neg().softplus(1, Infinity);
  const scale = opts.posWeight === undefined ? 1 : target.mul(ad.sub(opts.posWeight, 1)).add(1);
  let loss = target.neg().add(1).mul(input).add(softplusNeg.mul(scale));
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce('binaryCrossEntropyWithLogits', loss, opts.reduction);
}

/** Options of `nllLoss`. */
export interface NllOptions extends LossOptions {
  /** Per-class weights, shape [C]. */
  weight?: Tensor;
  /** Targets equal to this contribute nothing (and don't count in the mean). */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of class indices under log-probabilities [N, C] (or [N, C, d…]).
 * The mean divides by the summed weights of the counted targets, as PyTorch does.
 */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  const { picked, weights } = pick('nllLoss', logProbs, target, opts);
  const loss = picked.mul(weights).neg();
  if ((opts.reduction ?? 'mean') === 'mean') return loss.sum().div(weights.sum());
  return reduce('nllLoss', loss, opts.reduction);
}

/** log p of each target class, and each target's weight (0 where ignored). */
function pick(op: string, logProbs: Tensor, target: Tensor, opts: NllOptions): { picked: Tensor; weights: Tensor } {
  const c = logProbs.shape[1];
  const expected = [logProbs.shape[0], ...logProbs.shape.slice(2)];
  if (logProbs.ndim < 2 || target.shape.join() !== expected.join()) {
    throw new ShapeError(op, `class-index target must have shape ${formatShape(expected)} for input ${formatShape(logProbs.shape)}, got ${formatShape(target.shape)}`);
  }
  const ignore = opts.ignoreIndex ?? -100;
  const t = target.toFlatArray();
  const bad = t.find((v) => v !== ignore && !(Number.isInteger(v) && v >= 0 && v < c));
  if (bad !== undefined) throw new ad.IndexError(op, `target ${bad} is out of range for ${c} classes`);
  const kept = target.ne(ignore);
  const safe = ad.where(kept, target, 0).cast('int32');
  const picked = logProbs.gather(1, safe.unsqueeze(1)).squeeze(1);
  const classWeight = opts.weight ? opts.weight.indexSelect(0, safe.reshape([-1])).reshape(safe.shape) : 1;
  return { picked, weights: kept.mul(classWeight).cast(logProbs.dtype) };
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits [N, C] (or [N, C, d…]) against class indices or class
 * probabilities, computed through logSoftmax so that logits of ±1000 are fine. Matches
 * PyTorch's `cross_entropy`, label smoothing and weights included.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  if (input.ndim < 2) throw new ShapeError('crossEntropy', `input must be [N, C] or [N, C, d…], got ${formatShape(input.shape)}`);
  const c = input.shape[1];
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ValueError('crossEntropy', `labelSmoothing must be in [0, 1], got ${eps}`);
  const logP = input.logSoftmax(1);
  const wShape = input.shape.map((d, i) => (i === 1 ? d : 1));
  const w = opts.weight?.reshape(wShape);
  if (target.shape.join() === input.shape.join() && target.dtype !== 'int32') {
    // probability targets: mean divides by the number of samples, not by weights
    const soft = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
    const terms = w ? logP.mul(soft).mul(w) : logP.mul(soft);
    if ((opts.reduction ?? 'mean') === 'mean') return terms.sum().neg().div(input.size / c);
    return reduce('crossEntropy', terms.sum(1).neg(), opts.reduction);
  }
  const { picked, weights } = pick('crossEntropy', logP, target, opts);
  const nll = picked.mul(weights).neg();
  const kept = weights.gt(0);
  const smooth = ad.where(target.ne(opts.ignoreIndex ?? -100), (w ? logP.mul(w) : logP).sum(1).neg(), 0);
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'mean') {
    const denominator = opts.weight ? weights.sum() : kept.sum().cast(input.dtype);
    const nllMean = nll.sum().div(weights.sum());
    return eps > 0 ? nllMean.mul(1 - eps).add(smooth.sum().div(denominator).mul(eps / c)) : nllMean;
  }
  const combined = eps > 0 ? nll.mul(1 - eps).add(smooth.mul(eps / c)) : nll;
  return reduce('crossEntropy', combined, reduction);
}

/** A loss function as a module-like object: `new MSELoss().forward(input, target)`. */
abstract class Loss<O extends LossOptions> {
  constructor(readonly options: O = {} as O) {}
  /** The loss of `input` against `target`. */
  abstract forward(input: Tensor, target: Tensor): Tensor;
}

/** `mseLoss` as an object: mean of (input − target)². */
export class MSELoss extends Loss<LossOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, this.options); }
}
/** `l1Loss` as an object: mean of |input − target|. */
export class L1Loss extends Loss<LossOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, this.options); }
}
/** `huberLoss` as an object: ½d² for |d| ≤ δ, else δ(|d| − ½δ). */
export class HuberLoss extends Loss<LossOptions & { delta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor { return huberLoss(input, target, this.options); }
}
/** `smoothL1Loss` as an object: Huber loss divided by β. */
export class SmoothL1Loss extends Loss<LossOptions & { beta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor { return smoothL1Loss(input, target, this.options); }
}
/** `binaryCrossEntropy` as an object: −[t·log p + (1 − t)·log(1 − p)]. */
export class BCELoss extends Loss<LossOptions & { weight?: Tensor }> {
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropy(input, target, this.options); }
}
/** `binaryCrossEntropyWithLogits` as an object: BCE of sigmoid(x), computed stably from the logits. */
export class BCEWithLogitsLoss extends Loss<LossOptions & { weight?: Tensor; posWeight?: Tensor | number }> {
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropyWithLogits(input, target, this.options); }
}
/** `crossEntropy` as an object: −log softmax(x)[target]. */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return crossEntropy(input, target, this.options); }
}
/** `nllLoss` as an object: −input[target], for log-probabilities. */
export class NLLLoss extends Loss<NllOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return nllLoss(input, target, this.options); }
}
