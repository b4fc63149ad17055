import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import { Module } from '../module';

const F = ad.functional;

/** Sizes as the pooling ops take them: one number, or one per spatial dim. */
type Size = number | [number, number];

/** Options of `MaxPool1d`/`MaxPool2d`: PyTorch's; `stride` defaults to the kernel size. */
export type MaxPoolOptions = ad.functional.MaxPoolOptions;
/** Options of `AvgPool1d`/`AvgPool2d`, as in PyTorch. */
export type AvgPoolOptions = ad.functional.AvgPoolOptions;

/** A pooling layer's options, checked when it is made: the kernel size and the option names. */
function options<T extends object>(op: string, kernel: unknown, opts: T, keys: string[]): T {
  const sizes = Array.isArray(kernel) ? kernel : [kernel];
  if (sizes.length === 0 || sizes.length > 2)
    throw new ad.ValueError(op, 'kernelSize must be a number or one per spatial dim');
  sizes.forEach((k) => ad.checkInt(op, 'kernelSize', k, 1));
  return ad.checkOptions(op, opts, keys);
}

/** 2-D max pooling over [N, C, H, W] (PyTorch's `MaxPool2d`). */
export class MaxPool2d extends Module {
  readonly opts: MaxPoolOptions;
  constructor(
    readonly kernelSize: Size,
    opts: MaxPoolOptions = {},
  ) {
    super();
    this.opts = options('MaxPool2d', kernelSize, opts, [
      'stride',
      'padding',
      'dilation',
      'ceilMode',
    ]);
  }

  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, this.opts);
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`;
  }
}

/** 1-D max pooling over [N, C, L] (PyTorch's `MaxPool1d`). */
export class MaxPool1d extends Module {
  readonly opts: MaxPoolOptions;
  constructor(
    readonly kernelSize: number,
    opts: MaxPoolOptions = {},
  ) {
    super();
    this.opts = options('MaxPool1d', kernelSize, opts, [
      'stride',
      'padding',
      'dilation',
      'ceilMode',
    ]);
  }

  forward(x: Tensor): Tensor {
    return F.maxPool1d(x, this.kernelSize, this.opts);
  }

  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`;
  }
}

const AVG_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];

/** 2-D average pooling over [N, C, H, W] (PyTorch's `AvgPool2d`). */
export class AvgPool2d extends Module {
  readonly opts: AvgPoolOptions;
  constructor(
    readonly kernelSize: Size,
    opts: AvgPoolOptions = {},
  ) {
    super();
    this.opts = options('AvgPool2d', kernelSize, opts, AVG_KEYS);
  }

  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.opts);
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`;
  }
}

/** 1-D average pooling over [N, C, L] (PyTorch's `AvgPool1d`). */
export class AvgPool1d extends Module {
  readonly opts: AvgPoolOptions;
  constructor(
    readonly kernelSize: number,
    opts: AvgPoolOptions = {},
  ) {
    super();
    this.opts = options('AvgPool1d', kernelSize, opts, AVG_KEYS.slice(0, 4));
  }

  forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, this.opts);
  }

  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`;
  }
}

/** Average pooling to a fixed output size (PyTorch's `AdaptiveAvgPool2d`); null keeps a dim. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | [number | null, number | null]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

/** Average pooling to a fixed length (PyTorch's `AdaptiveAvgPool1d`). */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
    ad.checkInt('AdaptiveAvgPool1d', 'outputSize', outputSize, 1);
  }

  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${this.outputSize}`;
  }
}
