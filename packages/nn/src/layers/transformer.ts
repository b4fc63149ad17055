import * as ad from '@ad/core';
import { type Generator, type Tensor, ValueError } from '@ad/core';
import { Module } from '../module';
import { MultiheadAttention } from './attention';
import { Dropout } from './dropout';
import { Linear } from './linear';
import { LayerNorm } from './norm';

/** Options of `TransformerEncoderLayer`, as in PyTorch. */
export interface TransformerEncoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  /** The feed-forward block's activation: 'relu' (the default), 'gelu', or a function. */
  activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor);
  layerNormEps?: number;
  batchFirst?: boolean;
  /** Normalise before each block (pre-norm) instead of after it. */
  normFirst?: boolean;
  bias?: boolean;
  dtype?: ad.FloatDType;
  generator?: Generator;
}

/** Options of `TransformerEncoderLayer.forward`. */
export interface EncoderCallOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/**
 * Self-attention and a feed-forward block, each with a residual connection and layer norm
 * (PyTorch's `TransformerEncoderLayer`, its submodule names: self_attn, linear1, linear2,
 * norm1, norm2, dropout, dropout1, dropout2).
 */
export class TransformerEncoderLayer extends Module {
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly normFirst: boolean;
  private readonly activation: (x: Tensor) => Tensor;
  /** 'relu' or 'gelu' as given; null for a function (which an exporter cannot translate). */
  readonly activationName: 'relu' | 'gelu' | null;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    opts: TransformerEncoderLayerOptions = {},
  ) {
    super();
    const op = 'TransformerEncoderLayer';
    const o = ad.checkOptions(op, opts, [
      'dimFeedforward',
      'dropout',
      'activation',
      'layerNormEps',
      'batchFirst',
      'normFirst',
      'bias',
      'dtype',
      'generator',
    ]);
    const ff = ad.checkInt(op, 'dimFeedforward', o.dimFeedforward ?? 2048, 1);
    const p = ad.checkNumber(op, 'dropout', o.dropout ?? 0.1, { min: 0, max: 1 });
    const eps = ad.checkNumber(op, 'layerNormEps', o.layerNormEps ?? 1e-5, { min: 0 });
    const bias = ad.checkBool(op, 'bias', o.bias ?? true);
    this.normFirst = ad.checkBool(op, 'normFirst', o.normFirst ?? false);
    const act = o.activation ?? 'relu';
    this.activationName = typeof act === 'function' ? null : act;
    if (typeof act === 'function') this.activation = act;
    else if (act === 'relu') this.activation = (x) => x.relu();
    else if (act === 'gelu') this.activation = (x) => x.gelu();
    else
      throw new ValueError(
        op,
        `activation must be 'relu', 'gelu' or a function, got ${String(act)}`,
      );
    const { dtype, generator } = o;
    this.self_attn = new MultiheadAttention(dModel, nhead, {
      dropout: p,
      bias,
      batchFirst: o.batchFirst ?? false,
      dtype,
      generator,
    });
    this.linear1 = new Linear(dModel, ff, { bias, dtype, generator });
    this.dropout = new Dropout(p, { generator });
    this.linear2 = new Linear(ff, dModel, { bias, dtype, generator });
    this.norm1 = new LayerNorm(dModel, { eps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, bias, dtype });
    this.dropout1 = new Dropout(p, { generator });
    this.dropout2 = new Dropout(p, { generator });
  }

  forward(src: Tensor, opts: EncoderCallOptions = {}): Tensor {
    const op = 'TransformerEncoderLayer';
    const o = ad.checkOptions(op, opts, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    if (
      !(src instanceof ad.Tensor) ||
      src.ndim < 2 ||
      src.ndim > 3 ||
      src.shape[src.ndim - 1] !== this.dModel
    ) {
      const got = src instanceof ad.Tensor ? ad.formatShape(src.shape) : typeof src;
      throw new ValueError(
        op,
        `src must be [L, N, ${this.dModel}] ([N, L, ${this.dModel}] with batchFirst, or [L, ${this.dModel}]), got ${got}`,
      );
    }
    const attend = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.forward(x, x, x, {
          attnMask: o.srcMask ?? null,
          keyPaddingMask: o.srcKeyPaddingMask ?? null,
          isCausal: o.isCausal ?? false,
          needWeights: false,
        })[0],
      );
    const feed = (x: Tensor) =>
      this.dropout2.forward(
        this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))),
      );
    if (this.normFirst) {
      const x = src.add(attend(this.norm1.forward(src)));
      return x.add(feed(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(attend(src)));
    return this.norm2.forward(x.add(feed(x)));
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}
