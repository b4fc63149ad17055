import * as ad from '@ad/core';
import { formatShape, ShapeError, type Tensor, ValueError } from '@ad/core';
import { asFloat, type LossOptions, lossOptions, reduce, sameShape, tensors } from './loss-common';

export type { LossOptions, Reduction } from './loss-common';

/** Mean squared error (x − y)². With `reduction: 'sum'`, the classic "sum of squared errors". */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const { reduction } = lossOptions('mseLoss', opts, []);
  sameShape('mseLoss', input, target);
  return reduce('mseLoss', input.sub(target).square(), reduction);
}

/** Mean absolute error |x − y|. */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const { reduction } = lossOptions('l1Loss', opts, []);
  sameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), reduction);
}

/** ½d² for |d| ≤ delta, delta·(|d| − ½delta) beyond (PyTorch's `huber_loss`). */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  opts: LossOptions & { delta?: number } = {},
): Tensor {
  const { reduction, delta = 1 } = lossOptions('huberLoss', opts, ['delta']);
  ad.checkNumber('huberLoss', 'delta', delta, { min: 0 });
  sameShape('huberLoss', input, target);
  const d = input.sub(target).abs();
  return reduce(
    'huberLoss',
    ad.where(d.le(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)),
    reduction,
  );
}

/** ½d²/beta for |d| < beta, |d| − ½beta beyond (PyTorch's `smooth_l1_loss`; beta = 0 is L1). */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  opts: LossOptions & { beta?: number } = {},
): Tensor {
  const { reduction, beta = 1 } = lossOptions('smoothL1Loss', opts, ['beta']);
  ad.checkNumber('smoothL1Loss', 'beta', beta, { min: 0 });
  sameShape('smoothL1Loss', input, target);
  const d = input.sub(target).abs();
  if (beta === 0) return reduce('smoothL1Loss', d, reduction);
  return reduce(
    'smoothL1Loss',
    ad.where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)),
    reduction,
  );
}

/**
 * −w·(y·log p + (1 − y)·log(1 − p)) on probabilities; each log is clamped at −100 as in PyTorch,
 * and so is the gradient: it divides by max(p(1 − p), 1e−12), so a saturated p (a float32
 * sigmoid rounds to exactly 1 from a logit of about 17) gives a finite gradient, not NaN.
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  opts: LossOptions & { weight?: Tensor } = {},
): Tensor {
  const { reduction, weight } = lossOptions('binaryCrossEntropy', opts, ['weight']);
  sameShape('binaryCrossEntropy', input, target);
  ad.sideEffect('binaryCrossEntropy: check the input', () => {
    const outside = ad.noGrad(() => input.lt(0).add(input.gt(1)).add(input.ne(input)).sum().item());
    if (outside > 0)
      throw new ValueError(
        'binaryCrossEntropy',
        `all elements of input must be probabilities in [0, 1]; ${outside} are not`,
      );
  });
  target = asFloat(target, input);
  let loss = bceTerms(input, target);
  if (weight !== undefined) loss = loss.mul(weight);
  return reduce('binaryCrossEntropy', loss, reduction);
}

const bceTerms = ad.customOp('binaryCrossEntropy', (p: Tensor, y: Tensor) => {
  const logs = (q: Tensor) => [q.log().clamp(-100), q.neg().log1p().clamp(-100)];
  const [logP, logQ] = logs(p);
  const loss = y.mul(logP).add(y.neg().add(1).mul(logQ)).neg();
  return [
    loss,
    (dy, needs) => {
      const [lp, lq] = needs[1] ? logs(p) : [null, null];
      return [
        needs[0] ? dy.mul(p.sub(y)).div(p.mul(p.neg().add(1)).clamp(1e-12)) : null,
        lp && lq ? dy.mul(lq.sub(lp)) : null,
      ];
    },
  ];
});

/**
 * Binary cross-entropy on logits, stable for any logit: (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x),
 * PyTorch's form with `posWeight` pw.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: LossOptions & { weight?: Tensor; posWeight?: Tensor | number } = {},
): Tensor {
  const { reduction, weight, posWeight } = lossOptions('binaryCrossEntropyWithLogits', opts, [
    'weight',
    'posWeight',
  ]);
  sameShape('binaryCrossEntropyWithLogits', input, target);
  target = asFloat(target, input);
  const softplusNeg = input.neg().softplus(1, Infinity);
  const scale = posWeight === undefined ? 1 : target.mul(ad.sub(posWeight, 1)).add(1);
  let loss = target.neg().add(1).mul(input).add(softplusNeg.mul(scale));
  if (weight !== undefined) loss = loss.mul(weight);
  return reduce('binaryCrossEntropyWithLogits', loss, reduction);
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
export function nllLoss(
  logProbs: Tensor,
  target: Tensor | readonly number[],
  opts: NllOptions = {},
): Tensor {
  const o = lossOptions('nllLoss', opts, ['weight', 'ignoreIndex']);
  const y = classIndices('nllLoss', target);
  checkTargets('nllLoss', logProbs, y, o);
  const { picked, weights } = pick(logProbs, y, o);
  const loss = picked.mul(weights).neg();
  if (o.reduction === 'mean') return loss.sum().div(weights.sum());
  return reduce('nllLoss', loss, o.reduction);
}

/** Class targets as a tensor: PyTorch users pass them as plain arrays too. */
function classIndices(op: string, target: Tensor | readonly number[]): Tensor {
  if (Array.isArray(target)) {
    try {
      return ad.tensor(target as number[], { dtype: 'int32' });
    } catch (e) {
      throw e instanceof ad.AdError ? new ValueError(op, `target: ${e.detail}`) : e;
    }
  }
  tensors(op, target);
  return target as Tensor;
}

/** A per-class weight must be a 1-D tensor of C values. */
function classWeight(op: string, weight: Tensor | undefined, c: number): Tensor | undefined {
  if (weight !== undefined && (weight.ndim !== 1 || weight.shape[0] !== c)) {
    throw new ShapeError(
      op,
      `weight must have shape [${c}] (one per class), got ${formatShape(weight.shape)}`,
    );
  }
  return weight;
}

/** Class-index targets checked against scores [N, C, d…]: their shape, range and weights. */
function checkTargets(op: string, scores: Tensor, target: Tensor, opts: NllOptions): void {
  tensors(op, scores);
  const c = scores.shape[1];
  const expected = [scores.shape[0], ...scores.shape.slice(2)];
  if (scores.ndim < 2 || target.shape.join() !== expected.join()) {
    throw new ShapeError(
      op,
      `class-index target must have shape ${formatShape(expected)} for input ${formatShape(scores.shape)}, got ${formatShape(target.shape)}`,
    );
  }
  classWeight(op, opts.weight, c);
  const ignore = ad.checkNumber(op, 'ignoreIndex', opts.ignoreIndex ?? -100, { integer: true });
  // reads the targets' values: a compiled step checks every batch's, not the first one's
  ad.sideEffect(`${op}: check the targets`, () => {
    const bad = target
      .toFlatArray()
      .find((v) => v !== ignore && !(Number.isInteger(v) && v >= 0 && v < c));
    if (bad !== undefined)
      throw new ad.IndexError(op, `target ${bad} is out of range for ${c} classes`);
  });
}

/** log p of each target class, and each target's weight (0 where ignored); targets already checked. */
function pick(
  logProbs: Tensor,
  target: Tensor,
  opts: NllOptions,
): { picked: Tensor; weights: Tensor } {
  const weight = opts.weight;
  const ignore = opts.ignoreIndex ?? -100;
  const kept = target.ne(ignore);
  const safe = ad.where(kept, target, 0).cast('int32');
  const picked = logProbs.gather(1, safe.unsqueeze(1)).squeeze(1);
  const w = weight ? weight.indexSelect(0, safe.reshape([-1])).reshape(safe.shape) : 1;
  return { picked, weights: kept.mul(w).cast(logProbs.dtype) };
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
export function crossEntropy(
  input: Tensor,
  target: Tensor | readonly number[],
  opts: CrossEntropyOptions = {},
): Tensor {
  const o = lossOptions('crossEntropy', opts, ['weight', 'ignoreIndex', 'labelSmoothing']);
  tensors('crossEntropy', input);
  const y = classIndices('crossEntropy', target);
  if (input.ndim < 2)
    throw new ShapeError(
      'crossEntropy',
      `input must be [N, C] or [N, C, d…], got ${formatShape(input.shape)}`,
    );
  const c = input.shape[1];
  const eps = ad.checkNumber('crossEntropy', 'labelSmoothing', o.labelSmoothing ?? 0, {
    min: 0,
    max: 1,
  });
  const weight = classWeight('crossEntropy', o.weight, c);
  const soft = y.shape.join() === input.shape.join() && y.dtype !== 'int32';
  if (!soft) checkTargets('crossEntropy', input, y, o);
  const logP = input.logSoftmax(1);
  const w = weight?.reshape(input.shape.map((d, i) => (i === 1 ? d : 1)));
  if (soft) {
    // probability targets: mean divides by the number of samples, not by weights
    const soft = eps > 0 ? y.mul(1 - eps).add(eps / c) : y;
    const terms = w ? logP.mul(soft).mul(w) : logP.mul(soft);
    if (o.reduction === 'mean')
      return terms
        .sum()
        .neg()
        .div(input.size / c);
    return reduce('crossEntropy', terms.sum(1).neg(), o.reduction);
  }
  const { picked, weights } = pick(logP, y, o);
  const nll = picked.mul(weights).neg();
  const kept = weights.gt(0);
  const smooth = ad.where(y.ne(o.ignoreIndex ?? -100), (w ? logP.mul(w) : logP).sum(1).neg(), 0);
  if (o.reduction === 'mean') {
    const denominator = weight ? weights.sum() : kept.sum().cast(input.dtype);
    const nllMean = nll.sum().div(weights.sum());
    return eps > 0
      ? nllMean.mul(1 - eps).add(
          smooth
            .sum()
            .div(denominator)
            .mul(eps / c),
        )
      : nllMean;
  }
  const combined = eps > 0 ? nll.mul(1 - eps).add(smooth.mul(eps / c)) : nll;
  return reduce('crossEntropy', combined, o.reduction);
}

/** A loss function as a module-like object: `new MSELoss().forward(input, target)`. */
abstract class Loss<O extends LossOptions> {
  constructor(readonly options: O = {} as O) {}
  /** The loss of `input` against `target`. */
  abstract forward(input: Tensor, target: Tensor): Tensor;
}

/** `mseLoss` as an object: mean of (input − target)². */
export class MSELoss extends Loss<LossOptions> {
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}
/** `l1Loss` as an object: mean of |input − target|. */
export class L1Loss extends Loss<LossOptions> {
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}
/** `huberLoss` as an object: ½d² for |d| ≤ δ, else δ(|d| − ½δ). */
export class HuberLoss extends Loss<LossOptions & { delta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}
/** `smoothL1Loss` as an object: Huber loss divided by β. */
export class SmoothL1Loss extends Loss<LossOptions & { beta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}
/** `binaryCrossEntropy` as an object: −[t·log p + (1 − t)·log(1 − p)]. */
export class BCELoss extends Loss<LossOptions & { weight?: Tensor }> {
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}
/** `binaryCrossEntropyWithLogits` as an object: BCE of sigmoid(x), computed stably from the logits. */
export class BCEWithLogitsLoss extends Loss<
  LossOptions & { weight?: Tensor; posWeight?: Tensor | number }
> {
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
/** `crossEntropy` as an object: −log softmax(x)[target]. */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}
/** `nllLoss` as an object: −input[target], for log-probabilities. */
export class NLLLoss extends Loss<NllOptions> {
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}
