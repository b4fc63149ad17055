import * as ad from '@ad/core';
import { type Generator, type Tensor } from '@ad/core';
import { kaimingUniform, normal, uniform } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';

/** Options of `Linear`. */
export interface LinearOptions {
  bias?: boolean;
  dtype?: ad.FloatDType;
  generator?: Generator;
}

/** y = x·Wᵀ + b, with W of shape [out, in] and PyTorch's default initialisation. */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    const dtype = opts.dtype;
    this.weight = new Parameter(ad.zeros([outFeatures, inFeatures], { dtype }));
    // PyTorch: kaiming_uniform_(a=√5), i.e. U(−1/√in, 1/√in), and the same bound for the bias
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = opts.bias === false ? null : uniform(new Parameter(ad.zeros([outFeatures], { dtype })), -bound, bound, opts) as Parameter;
  }

  forward(x: Tensor): Tensor {
    return ad.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** A lookup table: row i of the weight for index i (PyTorch's `Embedding`, N(0, 1) init). */
export class Embedding extends Module {
  readonly weight: Parameter;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: { dtype?: ad.FloatDType; generator?: Generator } = {},
  ) {
    super();
    this.weight = normal(new Parameter(ad.zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype })), 0, 1, opts) as Parameter;
  }

  forward(indices: Tensor): Tensor {
    return this.weight.indexSelect(0, indices.reshape([-1])).reshape([...indices.shape, this.embeddingDim]);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Collapses dims startDim..endDim (by default all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
