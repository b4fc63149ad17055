import * as ad from '@ad/core';
import { type Tensor, ValueError } from '@ad/core';
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
    return ad.functional.layerNorm(x, this.normalizedShape, {
      weight: this.weight,
      bias: this.bias,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** Options of `RMSNorm`. */
export interface RMSNormOptions {
  /** Added to the mean square; null (the default) is the dtype's machine epsilon, as in PyTorch. */
  eps?: number | null;
  elementwiseAffine?: boolean;
  dtype?: ad.FloatDType;
}

/** x / √(mean(x²) + eps) · weight over the last dims (PyTorch's `RMSNorm`). */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: RMSNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape))
      throw new ValueError('RMSNorm', 'normalizedShape must be a size or sizes');
    shape.forEach((d) => ad.checkInt('RMSNorm', 'normalizedShape', d, 1));
    this.normalizedShape = [...shape];
    if (this.normalizedShape.length === 0)
      throw new ValueError(
        'RMSNorm',
        'normalizedShape must be a size or a non-empty array of sizes',
      );
    const o = ad.checkOptions('RMSNorm', opts, ['eps', 'elementwiseAffine', 'dtype']);
    this.eps =
      o.eps === null || o.eps === undefined
        ? null
        : ad.checkNumber('RMSNorm', 'eps', o.eps, { min: 0 });
    const affine = ad.checkBool('RMSNorm', 'elementwiseAffine', o.elementwiseAffine ?? true);
    this.weight = affine ? new Parameter(ad.ones(this.normalizedShape, { dtype: o.dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return ad.functional.rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** Options of `GroupNorm`. */
export interface GroupNormOptions {
  eps?: number;
  affine?: boolean;
  dtype?: ad.FloatDType;
}

/** Normalises [N, C, ...] over groups of channels (PyTorch's `GroupNorm`); weight and bias per channel. */
export class GroupNorm extends Module {
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    opts: GroupNormOptions = {},
  ) {
    super();
    ad.checkInt('GroupNorm', 'numGroups', numGroups, 1);
    ad.checkInt('GroupNorm', 'numChannels', numChannels, 1);
    if (numChannels % numGroups !== 0)
      throw new ValueError(
        'GroupNorm',
        `numChannels ${numChannels} must be divisible by numGroups ${numGroups}`,
      );
    const o = ad.checkOptions('GroupNorm', opts, ['eps', 'affine', 'dtype']);
    this.eps = ad.checkNumber('GroupNorm', 'eps', o.eps ?? 1e-5, { min: 0 });
    const affine = ad.checkBool('GroupNorm', 'affine', o.affine ?? true);
    this.weight = affine ? new Parameter(ad.ones([numChannels], { dtype: o.dtype })) : null;
    this.bias = affine ? new Parameter(ad.zeros([numChannels], { dtype: o.dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof ad.Tensor) || x.ndim < 2 || x.shape[1] !== this.numChannels)
      throw new ValueError(
        'GroupNorm',
        `expected [N, ${this.numChannels}, ...], got ${x instanceof ad.Tensor ? ad.formatShape(x.shape) : typeof x}`,
      );
    return ad.functional.groupNorm(x, this.numGroups, {
      weight: this.weight,
      bias: this.bias,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}
