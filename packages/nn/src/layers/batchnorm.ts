import * as ad from '@ad/core';
import { type Tensor, ValueError } from '@ad/core';
import { Module } from '../module';
import { Parameter } from '../parameter';

/** Options of `BatchNorm1d`, `BatchNorm2d` and `BatchNorm3d`. */
export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages; null averages all batches equally. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: ad.FloatDType;
}

/**
 * Batch normalisation over the channels of [N, C, ...]: batch statistics in training (which
 * also update the running mean and the unbiased running variance), running statistics in
 * eval. Buffers carry PyTorch's names, so its state dicts load as they are.
 */
abstract class BatchNorm extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  declare runningMean: Tensor;
  declare runningVar: Tensor;
  declare numBatchesTracked: Tensor;
  private readonly tracking: boolean;

  protected constructor(
    private readonly op: string,
    private readonly layouts: readonly number[],
    private readonly layout: string,
    readonly numFeatures: number,
    opts: BatchNormOptions,
  ) {
    super();
    ad.checkInt(op, 'numFeatures', numFeatures, 1);
    const o = ad.checkOptions(op, opts, [
      'eps',
      'momentum',
      'affine',
      'trackRunningStats',
      'dtype',
    ]);
    this.eps = ad.checkNumber(op, 'eps', o.eps ?? 1e-5, { min: 0 });
    this.momentum =
      o.momentum === null
        ? null
        : ad.checkNumber(op, 'momentum', o.momentum ?? 0.1, { min: 0, max: 1 });
    const affine = ad.checkBool(op, 'affine', o.affine ?? true);
    this.tracking = ad.checkBool(op, 'trackRunningStats', o.trackRunningStats ?? true);
    this.weight = affine ? new Parameter(ad.ones([numFeatures], { dtype: o.dtype })) : null;
    this.bias = affine ? new Parameter(ad.zeros([numFeatures], { dtype: o.dtype })) : null;
    if (this.tracking) {
      this.registerBuffer('runningMean', ad.zeros([numFeatures], { dtype: o.dtype }), {
        key: 'running_mean',
      });
      this.registerBuffer('runningVar', ad.ones([numFeatures], { dtype: o.dtype }), {
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
      !this.layouts.includes(x.ndim) ||
      x.shape[1] !== this.numFeatures
    ) {
      const got = x instanceof ad.Tensor ? ad.formatShape(x.shape) : typeof x;
      throw new ValueError(
        this.op,
        `expected ${this.layout.replace(/C/g, String(this.numFeatures))}, got ${got}`,
      );
    }
    const update = this.training && this.tracking;
    // PyTorch's momentum=None: a cumulative average over the batches seen so far
    const momentum = this.momentum ?? (update ? 1 / (this.numBatchesTracked.item() + 1) : 0);
    const y = ad.functional.batchNorm(
      x,
      this.tracking ? this.runningMean : null,
      this.tracking ? this.runningVar : null,
      {
        weight: this.weight,
        bias: this.bias,
        training: this.training || !this.tracking,
        momentum,
        eps: this.eps,
      },
    );
    if (update) ad.noGrad(() => this.numBatchesTracked.add_(1));
    return y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.tracking}`;
  }
}

/** Batch normalisation of [N, C] or [N, C, L] (PyTorch's `BatchNorm1d`). */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm1d', [2, 3], '[N, C] or [N, C, L]', numFeatures, opts);
  }
}

/** Batch normalisation of [N, C, H, W] (PyTorch's `BatchNorm2d`). */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm2d', [4], '[N, C, H, W]', numFeatures, opts);
  }
}

/** Batch normalisation of [N, C, D, H, W] (PyTorch's `BatchNorm3d`). */
export class BatchNorm3d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm3d', [5], '[N, C, D, H, W]', numFeatures, opts);
  }
}
