// Losses on pairs and triplets of inputs, for ranking and embeddings (PyTorch's formulas).
import * as ad from '@ad/core';
import { formatShape, ShapeError, type Tensor } from '@ad/core';
import { type LossOptions, lossOptions, reduce, sameShape, tensors } from './loss-common';

/** Labels of ±1 as a tensor of `like`'s dtype: a plain array or a tensor of any dtype. */
function signs(
  op: string,
  y: Tensor | readonly number[],
  like: Tensor,
  n: readonly number[],
): Tensor {
  const t = Array.isArray(y) ? ad.tensor(y as number[], { dtype: like.dtype }) : (y as Tensor);
  tensors(op, t);
  if (t.shape.join() !== n.join()) {
    throw new ShapeError(
      op,
      `target must have shape ${formatShape(n)}, got ${formatShape(t.shape)}`,
    );
  }
  return t.dtype === like.dtype ? t : t.cast(like.dtype);
}

/**
 * max(0, −y·(x₁ − x₂) + margin) for labels y = ±1 (PyTorch's `margin_ranking_loss`): y = 1
 * wants x₁ ranked above x₂.
 */
export function marginRankingLoss(
  x1: Tensor,
  x2: Tensor,
  target: Tensor | readonly number[],
  opts: LossOptions & { margin?: number } = {},
): Tensor {
  const { reduction, margin = 0 } = lossOptions('marginRankingLoss', opts, ['margin']);
  ad.checkNumber('marginRankingLoss', 'margin', margin);
  sameShape('marginRankingLoss', x1, x2);
  const y = signs('marginRankingLoss', target, x1, x1.shape);
  return reduce('marginRankingLoss', y.neg().mul(x1.sub(x2)).add(margin).clamp(0), reduction);
}

/** x where y = 1, max(0, margin − x) where y = −1 (PyTorch's `hinge_embedding_loss`). */
export function hingeEmbeddingLoss(
  input: Tensor,
  target: Tensor | readonly number[],
  opts: LossOptions & { margin?: number } = {},
): Tensor {
  const { reduction, margin = 1 } = lossOptions('hingeEmbeddingLoss', opts, ['margin']);
  ad.checkNumber('hingeEmbeddingLoss', 'margin', margin);
  tensors('hingeEmbeddingLoss', input);
  const y = signs('hingeEmbeddingLoss', target, input, input.shape);
  const loss = ad
    .where(y.ne(1), ad.sub(margin, input).clamp(0), 0)
    .add(ad.where(y.ne(-1), input, 0));
  return reduce('hingeEmbeddingLoss', loss, reduction);
}

/**
 * 1 − cos(x₁, x₂) where y = 1, max(0, cos − margin) where y = −1, for rows of [N, D] inputs
 * (PyTorch's `cosine_embedding_loss`, cos = x₁·x₂ / √((|x₁|² + ε)(|x₂|² + ε)), ε = 1e−12).
 */
export function cosineEmbeddingLoss(
  x1: Tensor,
  x2: Tensor,
  target: Tensor | readonly number[],
  opts: LossOptions & { margin?: number } = {},
): Tensor {
  const { reduction, margin = 0 } = lossOptions('cosineEmbeddingLoss', opts, ['margin']);
  ad.checkNumber('cosineEmbeddingLoss', 'margin', margin);
  sameShape('cosineEmbeddingLoss', x1, x2);
  if (x1.ndim !== 2 && x1.ndim !== 1)
    throw new ShapeError(
      'cosineEmbeddingLoss',
      `inputs must be [N, D] or [D], got ${formatShape(x1.shape)}`,
    );
  const d = x1.ndim - 1;
  const y = signs('cosineEmbeddingLoss', target, x1, x1.shape.slice(0, d));
  const eps = 1e-12;
  const cos = x1
    .mul(x2)
    .sum(d)
    .div(x1.square().sum(d).add(eps).mul(x2.square().sum(d).add(eps)).sqrt());
  const loss = ad
    .where(y.eq(1), cos.neg().add(1), 0)
    .add(ad.where(y.eq(-1), cos.sub(margin).clamp(0), 0));
  return reduce('cosineEmbeddingLoss', loss, reduction);
}

/** Options of `tripletMarginLoss`. */
export interface TripletMarginOptions extends LossOptions {
  margin?: number;
  /** The norm of the distances. */
  p?: number;
  /** Added to the differences before the norm, as PyTorch's pairwise_distance does. */
  eps?: number;
  /** Use the smaller of d(anchor, negative) and d(positive, negative). */
  swap?: boolean;
}

/**
 * max(d(a, p) − d(a, n) + margin, 0) with d(u, v) = ‖u − v + ε‖ₚ over the last dim
 * (PyTorch's `triplet_margin_loss`).
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts: TripletMarginOptions = {},
): Tensor {
  const op = 'tripletMarginLoss';
  const {
    reduction,
    margin = 1,
    p = 2,
    eps = 1e-6,
    swap = false,
  } = lossOptions(op, opts, ['margin', 'p', 'eps', 'swap']);
  ad.checkNumber(op, 'margin', margin);
  ad.checkNumber(op, 'p', p, { min: 0, finite: false });
  ad.checkNumber(op, 'eps', eps, { min: 0 });
  ad.checkBool(op, 'swap', swap);
  sameShape(op, anchor, positive);
  sameShape(op, anchor, negative);
  const distance = (u: Tensor, v: Tensor) => u.sub(v).add(eps).norm(p, -1);
  let dn = distance(anchor, negative);
  if (swap) dn = dn.minimum(distance(positive, negative));
  return reduce(op, distance(anchor, positive).sub(dn).add(margin).clamp(0), reduction);
}

/** `marginRankingLoss` as an object (PyTorch's `nn.MarginRankingLoss`). */
export class MarginRankingLoss {
  constructor(readonly options: LossOptions & { margin?: number } = {}) {}
  /** The loss of ranking x1 above x2 where the target is 1, below where it is −1. */
  forward(x1: Tensor, x2: Tensor, target: Tensor | readonly number[]): Tensor {
    return marginRankingLoss(x1, x2, target, this.options);
  }
}

/** `hingeEmbeddingLoss` as an object. */
export class HingeEmbeddingLoss {
  constructor(readonly options: LossOptions & { margin?: number } = {}) {}
  /** The loss of `input` for targets ±1. */
  forward(input: Tensor, target: Tensor | readonly number[]): Tensor {
    return hingeEmbeddingLoss(input, target, this.options);
  }
}

/** `cosineEmbeddingLoss` as an object. */
export class CosineEmbeddingLoss {
  constructor(readonly options: LossOptions & { margin?: number } = {}) {}
  /** The loss of the rows of x1 and x2 being alike (target 1) or not (−1). */
  forward(x1: Tensor, x2: Tensor, target: Tensor | readonly number[]): Tensor {
    return cosineEmbeddingLoss(x1, x2, target, this.options);
  }
}

/** `tripletMarginLoss` as an object. */
export class TripletMarginLoss {
  constructor(readonly options: TripletMarginOptions = {}) {}
  /** The loss of the anchor being nearer the positive than the negative by the margin. */
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, negative, this.options);
  }
}
