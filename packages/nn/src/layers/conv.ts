import * as ad from '@ad/core';
import { type Generator, type Tensor, ValueError } from '@ad/core';
import { fans, kaimingUniform, uniform } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';

const F = ad.functional;

/** A size per spatial dim, or one for all of them. */
export type Size = number | readonly number[];

/** Options of `Conv1d` and `Conv2d`, as in PyTorch. */
export interface ConvOptions {
  stride?: Size;
  padding?: Size | 'same' | 'valid';
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  /** How the padding is filled: zeros (the default), or F.pad's reflect, replicate, circular. */
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
  dtype?: ad.FloatDType;
  generator?: Generator;
}

/** Options of `ConvTranspose1d` and `ConvTranspose2d`, as in PyTorch. */
export interface ConvTransposeOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  dtype?: ad.FloatDType;
  generator?: Generator;
}

/** `v` as one size per spatial dim. */
function sizes(op: string, name: string, v: unknown, dims: number, min: number): number[] {
  const list = typeof v === 'number' ? Array<number>(dims).fill(v) : v;
  if (!Array.isArray(list) || list.length !== dims)
    throw new ValueError(op, `${name} must be a number or ${dims} numbers`);
  list.forEach((n) => ad.checkInt(op, name, n, min));
  return list as number[];
}

/**
 * The weight and bias every convolution has, initialised as PyTorch does: the weight with
 * kaiming_uniform_(a = √5), the bias U(−1/√fanIn, 1/√fanIn).
 */
function parameters(
  shape: number[],
  out: number,
  bias: boolean,
  opts: { dtype?: ad.FloatDType; generator?: Generator },
): [Parameter, Parameter | null] {
  const weight = new Parameter(ad.zeros(shape, { dtype: opts.dtype }));
  kaimingUniform(weight, { a: Math.sqrt(5), generator: opts.generator });
  if (!bias) return [weight, null];
  const bound = 1 / Math.sqrt(fans(weight)[0]);
  const b = new Parameter(ad.zeros([out], { dtype: opts.dtype }));
  return [weight, uniform(b, -bound, bound, { generator: opts.generator }) as Parameter];
}

/** What every convolution layer checks: channels, kernel, stride, dilation and groups. */
function geometry(
  op: string,
  dims: 1 | 2,
  inChannels: number,
  outChannels: number,
  kernelSize: Size,
  o: { stride?: Size; dilation?: Size; groups?: number },
) {
  ad.checkInt(op, 'inChannels', inChannels, 1);
  ad.checkInt(op, 'outChannels', outChannels, 1);
  const groups = ad.checkInt(op, 'groups', o.groups ?? 1, 1);
  if (inChannels % groups !== 0 || outChannels % groups !== 0)
    throw new ValueError(
      op,
      `groups ${groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`,
    );
  return {
    kernelSize: sizes(op, 'kernelSize', kernelSize, dims, 1),
    stride: sizes(op, 'stride', o.stride ?? 1, dims, 1),
    dilation: sizes(op, 'dilation', o.dilation ?? 1, dims, 1),
    groups,
  };
}

/** Conv1d and Conv2d: one class over the number of spatial dims. */
abstract class ConvNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: NonNullable<ConvOptions['paddingMode']>;

  protected constructor(
    private readonly op: string,
    private readonly dims: 1 | 2,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    opts: ConvOptions,
  ) {
    super();
    const o = ad.checkOptions(op, opts, [
      'stride',
      'padding',
      'dilation',
      'groups',
      'bias',
      'paddingMode',
      'dtype',
      'generator',
    ]);
    ({
      kernelSize: this.kernelSize,
      stride: this.stride,
      dilation: this.dilation,
      groups: this.groups,
    } = geometry(op, dims, inChannels, outChannels, kernelSize, o));
    this.padding =
      o.padding === 'same' || o.padding === 'valid'
        ? o.padding
        : sizes(op, 'padding', o.padding ?? 0, dims, 0);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1))
      throw new ValueError(op, "padding 'same' needs stride 1");
    this.paddingMode = ad.checkOneOf(op, 'paddingMode', o.paddingMode ?? 'zeros', [
      'zeros',
      'reflect',
      'replicate',
      'circular',
    ]);
    [this.weight, this.bias] = parameters(
      [outChannels, inChannels / this.groups, ...this.kernelSize],
      outChannels,
      ad.checkBool(op, 'bias', o.bias ?? true),
      o,
    );
  }

  forward(x: Tensor): Tensor {
    const conv = this.dims === 2 ? F.conv2d : F.conv1d;
    const opts = {
      stride: this.stride as [number, number],
      dilation: this.dilation as [number, number],
      groups: this.groups,
    };
    if (this.paddingMode === 'zeros')
      return conv(x, this.weight, this.bias, {
        ...opts,
        padding: this.padding as [number, number] | 'same' | 'valid',
      });
    // other modes pad first, as PyTorch does: [left, right] per dim, last dim first
    const pads = this.kernelSize
      .map((k, i) => {
        if (this.padding === 'valid') return [0, 0];
        if (this.padding === 'same') {
          const total = this.dilation[i] * (k - 1);
          return [Math.floor(total / 2), total - Math.floor(total / 2)];
        }
        return [this.padding[i], this.padding[i]];
      })
      .reverse()
      .flat();
    const padded = ad.pad(x, pads, { mode: this.paddingMode });
    return conv(padded, this.weight, this.bias, { ...opts, padding: 'valid' });
  }

  override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}`,
      `kernelSize=[${this.kernelSize}]`,
      `stride=[${this.stride}]`,
    ];
    if (
      this.padding !== 'valid' &&
      (typeof this.padding === 'string' || this.padding.some((p) => p))
    )
      parts.push(
        `padding=${typeof this.padding === 'string' ? this.padding : `[${this.padding}]`}`,
      );
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=[${this.dilation}]`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    if (this.paddingMode !== 'zeros') parts.push(`paddingMode=${this.paddingMode}`);
    return parts.join(', ');
  }
}

/**
 * 2-D convolution over [N, C, H, W] (PyTorch's `Conv2d`): weight [out, in/groups, kh, kw],
 * bias [out], PyTorch's initialisation and padding modes.
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
  }
}

/** 1-D convolution over [N, C, L] (PyTorch's `Conv1d`): weight [out, in/groups, k]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
  }
}

/** ConvTranspose1d and ConvTranspose2d. */
abstract class ConvTransposeNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;

  protected constructor(
    private readonly op: string,
    private readonly dims: 1 | 2,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    opts: ConvTransposeOptions,
  ) {
    super();
    const o = ad.checkOptions(op, opts, [
      'stride',
      'padding',
      'outputPadding',
      'dilation',
      'groups',
      'bias',
      'dtype',
      'generator',
    ]);
    ({
      kernelSize: this.kernelSize,
      stride: this.stride,
      dilation: this.dilation,
      groups: this.groups,
    } = geometry(op, dims, inChannels, outChannels, kernelSize, o));
    this.padding = sizes(op, 'padding', o.padding ?? 0, dims, 0);
    this.outputPadding = sizes(op, 'outputPadding', o.outputPadding ?? 0, dims, 0);
    [this.weight, this.bias] = parameters(
      [inChannels, outChannels / this.groups, ...this.kernelSize],
      outChannels,
      ad.checkBool(op, 'bias', o.bias ?? true),
      o,
    );
  }

  /** The transposed convolution; `outputSize` picks the output padding that reaches it. */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    let outputPadding = this.outputPadding;
    if (outputSize !== undefined) {
      if (!Array.isArray(outputSize) || outputSize.some((n) => typeof n !== 'number'))
        throw new ValueError(this.op, 'outputSize must be an array of sizes');
      const spatial = x.shape.slice(-this.dims);
      const wanted = [...outputSize].slice(-this.dims);
      outputPadding = spatial.map((n, i) => {
        const least =
          (n - 1) * this.stride[i] -
          2 * this.padding[i] +
          this.dilation[i] * (this.kernelSize[i] - 1) +
          1;
        const extra = wanted[i] - least;
        if (!(extra >= 0 && extra < Math.max(this.stride[i], this.dilation[i])))
          throw new ValueError(
            this.op,
            `outputSize [${outputSize}] cannot be reached from input [${x.shape}]`,
          );
        return extra;
      });
    }
    const conv = this.dims === 2 ? F.convTranspose2d : F.convTranspose1d;
    const pair = (v: number[]) => v as [number, number];
    return conv(x, this.weight, this.bias, {
      stride: pair(this.stride),
      padding: pair(this.padding),
      outputPadding: pair(outputPadding),
      dilation: pair(this.dilation),
      groups: this.groups,
    });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}]`;
  }
}

/** 2-D transposed convolution (PyTorch's `ConvTranspose2d`): weight [in, out/groups, kh, kw]. */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: ConvTransposeOptions = {},
  ) {
    super('ConvTranspose2d', 2, inChannels, outChannels, kernelSize, opts);
  }
}

/** 1-D transposed convolution (PyTorch's `ConvTranspose1d`): weight [in, out/groups, k]. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: ConvTransposeOptions = {},
  ) {
    super('ConvTranspose1d', 1, inChannels, outChannels, kernelSize, opts);
  }
}
