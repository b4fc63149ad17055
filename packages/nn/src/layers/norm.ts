import * as ad from '@ad/core';
import { noGrad, type Tensor, ValueError } from '@ad/core';
import { Module } from '../module';
import { Parameter } from '../parameter';

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
  dtype?: ad.FloatDType;
}

/** Normalises over the last dims: (x − mean)/√(var + eps)·weight + bias, with the biased variance. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const shape =
      typeof normalizedShape === 'number'
        ? [normalizedShape]
        : Array.isArray(normalizedShape)
          ? [...normalizedShape]
          : null;
    if (shape === null || shape.length === 0)
      throw new ValueError(
        'LayerNorm',
        'normalizedShape must be a size or a non-empty array of sizes',
      );
    shape.forEach((d) => ad.checkInt('LayerNorm', 'normalizedShape', d, 1));
    this.normalizedShape = shape;
    opts = ad.checkOptions('LayerNorm', opts, ['eps', 'elementwiseAffine', 'bias', 'dtype']);
    this.eps = ad.checkNumber('LayerNorm', 'eps', opts.eps ?? 1e-5, { min: 0 });
    const affine = ad.checkBool('LayerNorm', 'elementwiseAffine', opts.elementwiseAffine ?? true);
    ad.checkBool('LayerNorm', 'bias', opts.bias ?? true);
    this.weight = affine
      ? new Parameter(ad.ones(this.normalizedShape, { dtype: opts.dtype }))
      : null;
    this.bias =
      affine && opts.bias !== false
        ? new Parameter(ad.zeros(this.normalizedShape, { dtype: opts.dtype }))
        : null;
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof ad.Tensor)) throw new ValueError('LayerNorm', 'forward takes a Tensor');
    const n = this.normalizedShape.length;
    if (x.shape.slice(-n).join() !== this.normalizedShape.join()) {
      throw new ValueError(
        'LayerNorm',
        `input ${ad.formatShape(x.shape)} does not end in ${ad.formatShape(this.normalizedShape)}`,
      );
    }
    const dims = this.normalizedShape.map((_, i) => i - n);
    const centred = x.sub(x.mean(dims, { keepdim: true }));
    let y = centred.div(centred.square().mean(dims, { keepdim: true }).add(this.eps).sqrt());
    if (this.weight) y = y.mul(this.weight);
    return this.bias ? y.add(this.bias) : y;
  }

  override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** Options of `BatchNorm1d`. */
export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages (PyTorch's convention). */
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: ad.FloatDType;
}

/**
 * Batch normalisation over [N, C] or [N, C, L]: batch statistics in training (which also
 * update the running mean and the unbiased running variance), running statistics in eval.
 */
export class BatchNorm1d extends Module {
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  declare runningMean: Tensor;
  declare runningVar: Tensor;
  declare numBatchesTracked: Tensor;
  private readonly tracking: boolean;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    ad.checkInt('BatchNorm1d', 'numFeatures', numFeatures, 1);
    opts = ad.checkOptions('BatchNorm1d', opts, [
      'eps',
      'momentum',
      'affine',
      'trackRunningStats',
      'dtype',
    ]);
    this.eps = ad.checkNumber('BatchNorm1d', 'eps', opts.eps ?? 1e-5, { min: 0 });
    this.momentum = ad.checkNumber('BatchNorm1d', 'momentum', opts.momentum ?? 0.1, {
      min: 0,
      max: 1,
    });
    const affine = ad.checkBool('BatchNorm1d', 'affine', opts.affine ?? true);
    ad.checkBool('BatchNorm1d', 'trackRunningStats', opts.trackRunningStats ?? true);
    this.weight = affine ? new Parameter(ad.ones([numFeatures], { dtype: opts.dtype })) : null;
    this.bias = affine ? new Parameter(ad.zeros([numFeatures], { dtype: opts.dtype })) : null;
    this.tracking = opts.trackRunningStats ?? true;
    if (this.tracking) {
      // stored under PyTorch's names, so that its state dicts load as they are
      this.registerBuffer('runningMean', ad.zeros([numFeatures], { dtype: opts.dtype }), {
        key: 'running_mean',
      });
      this.registerBuffer('runningVar', ad.ones([numFeatures], { dtype: opts.dtype }), {
        key: 'running_var',
      });
      this.registerBuffer('numBatchesTracked', ad.zeros([], { dtype: 'int32' }), {
        key: 'num_batches_tracked',
      });
    }
  }

  forward(x: Tensor): Tensor {
    if (
      !(x instanceof ad.Tensor) ||
      (x.ndim !== 2 && x.ndim !== 3) ||
      x.shape[1] !== this.numFeatures
    ) {
      const got = x instanceof ad.Tensor ? ad.formatShape(x.shape) : typeof x;
      throw new ValueError(
        'BatchNorm1d',
        `expected [N, ${this.numFeatures}] or [N, ${this.numFeatures}, L], got ${got}`,
      );
    }
    if (this.training && this.tracking && x.size / this.numFeatures < 2) {
      throw new ValueError('BatchNorm1d', 'expected more than 1 value per channel when training');
    }
    const dims = x.ndim === 2 ? [0] : [0, 2];
    const shape = x.ndim === 2 ? [1, this.numFeatures] : [1, this.numFeatures, 1];
    let mean: Tensor;
    let variance: Tensor;
    if (this.training || !this.tracking) {
      mean = x.mean(dims, { keepdim: true });
      variance = x.sub(mean).square().mean(dims, { keepdim: true });
      if (this.training && this.tracking)
        this.updateRunningStats(mean, variance, x.size / this.numFeatures);
    } else {
      mean = this.runningMean.reshape(shape);
      variance = this.runningVar.reshape(shape);
    }
    let y = x.sub(mean).div(variance.add(this.eps).sqrt());
    if (this.weight) y = y.mul(this.weight.reshape(shape));
    return this.bias ? y.add(this.bias.reshape(shape)) : y;
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, n: number): void {
    noGrad(() => {
      const m = this.momentum;
      this.runningMean.copy_(this.runningMean.mul(1 - m).add(mean.reshape([-1]).mul(m)));
      this.runningVar.copy_(
        this.runningVar.mul(1 - m).add(variance.reshape([-1]).mul((m * n) / (n - 1))),
      );
      this.numBatchesTracked.add_(1);
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}
