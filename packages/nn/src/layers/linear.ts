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
    ad.checkInt('Linear', 'inFeatures', inFeatures, 0);
    ad.checkInt('Linear', 'outFeatures', outFeatures, 0);
    opts = ad.checkOptions('Linear', opts, ['bias', 'dtype', 'generator']);
    if (opts.bias !== undefined) ad.checkBool('Linear', 'bias', opts.bias);
    const dtype = opts.dtype;
    this.weight = new Parameter(ad.zeros([outFeatures, inFeatures], { dtype }));
    // PyTorch: kaiming_uniform_(a=√5), i.e. U(−1/√in, 1/√in), and the same bound for the bias
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias =
      opts.bias === false
        ? null
        : (uniform(new Parameter(ad.zeros([outFeatures], { dtype })), -bound, bound, {
            generator: opts.generator,
          }) as Parameter);
  }

  forward(x: Tensor): Tensor {
    return ad.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Options of `Embedding`. */
export interface EmbeddingOptions {
  /** A row that stays as it is: it gets no gradient (PyTorch's `padding_idx`; negative counts from the end). */
  paddingIdx?: number | null;
  dtype?: ad.FloatDType;
  generator?: Generator;
}

/**
 * A lookup table: row i of the weight for index i (PyTorch's `Embedding`, N(0, 1) init). The
 * `paddingIdx` row starts at zero and receives no gradient, as in PyTorch.
 */
export class Embedding extends Module {
  readonly weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    ad.checkInt('Embedding', 'numEmbeddings', numEmbeddings, 0);
    ad.checkInt('Embedding', 'embeddingDim', embeddingDim, 0);
    const {
      paddingIdx = null,
      dtype,
      generator,
    } = ad.checkOptions('Embedding', opts, ['paddingIdx', 'dtype', 'generator']);
    if (paddingIdx !== null)
      ad.checkNumber('Embedding', 'paddingIdx', paddingIdx, {
        integer: true,
        min: -numEmbeddings,
        max: numEmbeddings - 1,
      });
    this.paddingIdx =
      paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.weight = normal(new Parameter(ad.zeros([numEmbeddings, embeddingDim], { dtype })), 0, 1, {
      generator,
    }) as Parameter;
    if (this.paddingIdx !== null)
      this.weight.data.fill(
        0,
        this.paddingIdx * embeddingDim,
        (this.paddingIdx + 1) * embeddingDim,
      );
  }

  forward(indices: Tensor): Tensor {
    if (!(indices instanceof ad.Tensor))
      throw new ad.ValueError('Embedding', 'forward takes a Tensor of indices');
    const bad = indices
      .toFlatArray()
      .find((i) => !(Number.isInteger(i) && i >= 0 && i < this.numEmbeddings));
    if (bad !== undefined)
      throw new ad.IndexError(
        'Embedding',
        `index ${bad} is out of range for ${this.numEmbeddings} embeddings`,
      );
    const rows = this.weight
      .indexSelect(0, indices.reshape([-1]))
      .reshape([...indices.shape, this.embeddingDim]);
    if (this.paddingIdx === null) return rows;
    // the padding rows keep their value but pass no gradient back to the weight
    const keep = indices.ne(this.paddingIdx).unsqueeze(-1);
    return ad.where(keep, rows, rows.detach());
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
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
    ad.checkInt('Flatten', 'startDim', startDim);
    ad.checkInt('Flatten', 'endDim', endDim);
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

/** Splits dim `dim` into `unflattenedSize` (PyTorch's `Unflatten`; one size may be −1). */
export class Unflatten extends Module {
  readonly unflattenedSize: number[];

  constructor(
    readonly dim: number,
    unflattenedSize: readonly number[],
  ) {
    super();
    ad.checkInt('Unflatten', 'dim', dim);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0)
      throw new ad.ValueError('Unflatten', 'unflattenedSize must be a non-empty array of sizes');
    unflattenedSize.forEach((n) => ad.checkInt('Unflatten', 'unflattenedSize', n, -1));
    this.unflattenedSize = [...unflattenedSize];
  }

  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (d < 0 || d >= x.ndim)
      throw new ad.IndexError(
        'Unflatten',
        `dim ${this.dim} is out of range for ${ad.formatShape(x.shape)}`,
      );
    return x.reshape([...x.shape.slice(0, d), ...this.unflattenedSize, ...x.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize}]`;
  }
}
