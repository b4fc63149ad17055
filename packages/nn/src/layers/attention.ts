import * as ad from '@ad/core';
import { type Generator, type Tensor, ValueError } from '@ad/core';
import { constant, xavierUniform } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { Linear } from './linear';

/** Options of `MultiheadAttention`, as in PyTorch. */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights, in training. */
  dropout?: number;
  bias?: boolean;
  /** Key and value feature sizes, when they differ from embedDim. */
  kdim?: number;
  vdim?: number;
  /** Inputs and output as [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
  dtype?: ad.FloatDType;
  generator?: Generator;
}

/** Options of `MultiheadAttention.forward`, as in PyTorch. */
export interface AttentionCallOptions {
  /** Shape [N, S]; true (or −∞) marks a key position to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (the default, as in PyTorch). */
  needWeights?: boolean;
  /** Shape [L, S] or [N·heads, L, S]; true marks a pair that may not attend, floats are added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (the default). */
  averageAttnWeights?: boolean;
  /** Each query attends to keys up to its own position, when no attnMask is given. */
  isCausal?: boolean;
}

/**
 * Multi-head attention (PyTorch's `MultiheadAttention`, its parameter names and layout:
 * `in_proj_weight` [3E, E] or `q/k/v_proj_weight`, `in_proj_bias`, `out_proj`).
 * `forward(query, key, value, opts)` → [output, weights or null].
 */
export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly kdim: number;
  readonly vdim: number;
  readonly in_proj_weight: Parameter | null = null;
  readonly q_proj_weight: Parameter | null = null;
  readonly k_proj_weight: Parameter | null = null;
  readonly v_proj_weight: Parameter | null = null;
  readonly in_proj_bias: Parameter | null;
  readonly out_proj: Linear;
  /** The generator of the dropout on attention weights. */
  readonly generator: Generator | undefined;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    opts: MultiheadAttentionOptions = {},
  ) {
    super();
    const op = 'MultiheadAttention';
    ad.checkInt(op, 'embedDim', embedDim, 1);
    ad.checkInt(op, 'numHeads', numHeads, 1);
    if (embedDim % numHeads !== 0)
      throw new ValueError(op, `embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    const o = ad.checkOptions(op, opts, [
      'dropout',
      'bias',
      'kdim',
      'vdim',
      'batchFirst',
      'dtype',
      'generator',
    ]);
    this.headDim = embedDim / numHeads;
    this.dropout = ad.checkNumber(op, 'dropout', o.dropout ?? 0, { min: 0, max: 1 });
    this.batchFirst = ad.checkBool(op, 'batchFirst', o.batchFirst ?? false);
    this.kdim = ad.checkInt(op, 'kdim', o.kdim ?? embedDim, 1);
    this.vdim = ad.checkInt(op, 'vdim', o.vdim ?? embedDim, 1);
    const bias = ad.checkBool(op, 'bias', o.bias ?? true);
    this.generator = o.generator;
    const dtype = o.dtype;
    const g = { generator: o.generator };
    // PyTorch: xavier_uniform_ on the projections, zero biases, out_proj's weight as Linear's
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = xavierUniform(
        new Parameter(ad.zeros([3 * embedDim, embedDim], { dtype })),
        g,
      ) as Parameter;
    } else {
      this.q_proj_weight = xavierUniform(
        new Parameter(ad.zeros([embedDim, embedDim], { dtype })),
        g,
      ) as Parameter;
      this.k_proj_weight = xavierUniform(
        new Parameter(ad.zeros([embedDim, this.kdim], { dtype })),
        g,
      ) as Parameter;
      this.v_proj_weight = xavierUniform(
        new Parameter(ad.zeros([embedDim, this.vdim], { dtype })),
        g,
      ) as Parameter;
    }
    this.in_proj_bias = bias ? new Parameter(ad.zeros([3 * embedDim], { dtype })) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype, generator: o.generator });
    if (this.out_proj.bias !== null) constant(this.out_proj.bias, 0);
  }

  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    opts: AttentionCallOptions = {},
  ): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const o = ad.checkOptions(op, opts, [
      'keyPaddingMask',
      'needWeights',
      'attnMask',
      'averageAttnWeights',
      'isCausal',
    ]);
    const needWeights = ad.checkBool(op, 'needWeights', o.needWeights ?? true);
    const average = ad.checkBool(op, 'averageAttnWeights', o.averageAttnWeights ?? true);
    const causal = ad.checkBool(op, 'isCausal', o.isCausal ?? false);
    for (const t of [query, key, value])
      if (!(t instanceof ad.Tensor) || (t.ndim !== 2 && t.ndim !== 3))
        throw new ValueError(
          op,
          'query, key and value must be tensors [L, N, E] (or [N, L, E] with batchFirst, or [L, E])',
        );
    const batched = query.ndim === 3;
    // to [L, N, E]
    const seqFirst = (t: Tensor) =>
      !batched ? t.unsqueeze(1) : this.batchFirst ? t.transpose(0, 1) : t;
    const [q0, k0, v0] = [seqFirst(query), seqFirst(key), seqFirst(value)];
    const [l, n, e] = q0.shape;
    const s = k0.shape[0];
    if (
      e !== this.embedDim ||
      k0.shape[2] !== this.kdim ||
      v0.shape[2] !== this.vdim ||
      k0.shape[1] !== n ||
      v0.shape[1] !== n ||
      v0.shape[0] !== s
    )
      throw new ValueError(
        op,
        `query ${ad.formatShape(query.shape)}, key ${ad.formatShape(key.shape)} and value ${ad.formatShape(value.shape)} do not fit embedDim ${this.embedDim}, kdim ${this.kdim}, vdim ${this.vdim}`,
      );
    const h = this.numHeads;
    const mask = additiveMask(
      this,
      o.attnMask ?? null,
      o.keyPaddingMask ?? null,
      causal,
      l,
      s,
      n,
      q0.dtype,
      batched,
    );
    const [wq, wk, wv] = projections(this);
    const [bq, bk, bv] =
      this.in_proj_bias === null ? [null, null, null] : this.in_proj_bias.chunk(3, 0);
    // [L, N, E] → [N·heads, L, headDim]
    const heads = (t: Tensor, len: number) => t.reshape([len, n * h, this.headDim]).transpose(0, 1);
    const q = heads(ad.linear(q0, wq, bq), l);
    const k = heads(ad.linear(k0, wk, bk), s);
    const v = heads(ad.linear(v0, wv, bv), s);
    let scores = q.div(Math.sqrt(this.headDim)).matmul(k.mT);
    if (mask !== null) scores = scores.add(mask);
    let weights = scores.softmax(-1);
    if (this.training && this.dropout > 0)
      weights = ad.functional.dropout(weights, this.dropout, { generator: this.generator });
    const attended = weights
      .matmul(v)
      .transpose(0, 1)
      .reshape([l * n, e]);
    let out = this.out_proj.forward(attended).reshape([l, n, e]);
    out = !batched ? out.squeeze(1) : this.batchFirst ? out.transpose(0, 1) : out;
    if (!needWeights) return [out, null];
    // the weights as applied: after dropout, as PyTorch returns them
    let w = weights.reshape([n, h, l, s]);
    if (average) w = w.mean(1);
    return [out, batched ? w : w.squeeze(0)];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, batchFirst=${this.batchFirst}`;
  }
}

/** The query, key and value projections' weights, one [E, in] each. */
function projections(m: MultiheadAttention): [Tensor, Tensor, Tensor] {
  if (m.in_proj_weight !== null) return m.in_proj_weight.chunk(3, 0) as [Tensor, Tensor, Tensor];
  return [m.q_proj_weight, m.k_proj_weight, m.v_proj_weight] as [Tensor, Tensor, Tensor];
}

/** The additive mask [N·heads, L, S] (or one that broadcasts), −∞ where attending is not allowed. */
function additiveMask(
  m: MultiheadAttention,
  attnMask: Tensor | null,
  keyPadding: Tensor | null,
  causal: boolean,
  l: number,
  s: number,
  n: number,
  dtype: ad.DType,
  batched: boolean,
): Tensor | null {
  const op = 'MultiheadAttention';
  const additive = (m: Tensor) =>
    m.dtype === 'bool' ? ad.zeros(m.shape, { dtype }).maskedFill(m, -Infinity) : m;
  let mask: Tensor | null = null;
  if (attnMask !== null) {
    const ok =
      attnMask instanceof ad.Tensor &&
      ((attnMask.ndim === 2 && attnMask.shape.join() === `${l},${s}`) ||
        (attnMask.ndim === 3 && attnMask.shape.join() === `${n * m.numHeads},${l},${s}`));
    if (!ok)
      throw new ValueError(op, `attnMask must be [${l}, ${s}] or [${n * m.numHeads}, ${l}, ${s}]`);
    mask = additive(attnMask);
  } else if (causal) {
    mask = additive(ad.ones([l, s], { dtype: 'bool' }).triu(1));
  }
  if (keyPadding !== null) {
    const shape = batched ? [n, s] : [s];
    if (!(keyPadding instanceof ad.Tensor) || keyPadding.shape.join() !== shape.join())
      throw new ValueError(op, `keyPaddingMask must be ${ad.formatShape(shape)}`);
    const pad = additive(keyPadding)
      .reshape([n, 1, 1, s])
      .expand([n, m.numHeads, 1, s])
      .reshape([n * m.numHeads, 1, s]);
    mask = mask === null ? pad : mask.add(pad);
  }
  return mask;
}
