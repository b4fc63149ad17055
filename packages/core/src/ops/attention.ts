// Attention, embeddings and dropout as torch.nn.functional has them, written with ops.
import { checkBool, checkInt, checkNumber, checkOptions, show } from '../args';
import { isFloat } from '../dtype';
import { DTypeError, fmt, IndexError, ShapeError, ValueError } from '../errors';
import { type Generator, generatorOf } from '../random';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { ones, rand, zeros } from './creation';
import { where } from './binary';
import { named, toTensor, type TensorLike } from './op';

/** Options of `dropout`: whether it is on, and the generator of its masks. */
export interface DropoutOptions {
  training?: boolean;
  generator?: Generator;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1 − p), when `training`
 * (the default, as in PyTorch's `F.dropout`); x itself otherwise.
 * @example
 * ```ts
 * ad.functional.dropout(x, 0.1, { generator: g })
 * ```
 */
export function dropout(x: TensorLike, p = 0.5, opts: DropoutOptions = {}): Tensor {
  if (trace.on && trace.entering !== dropout) return traced(dropout, [x, p, opts]);
  const op = 'functional.dropout';
  const a = toTensor(op, x);
  checkNumber(op, 'p', p, { min: 0, max: 1 });
  const o = checkOptions(op, opts, ['training', 'generator']);
  const generator = generatorOf(op, o);
  if (!checkBool(op, 'training', o.training ?? true) || p === 0) return a;
  if (!isFloat(a.dtype)) throw new DTypeError(op, `expects a float tensor, got ${a.dtype}`);
  return named(op, () => {
    if (p === 1) return a.mul(0);
    const keep = rand(a.shape, { dtype: a.dtype, generator }).ge(p);
    return a.mul(keep).div(1 - p);
  });
}

/** Options of `scaledDotProductAttention`, as in PyTorch. */
export interface AttentionOptions {
  /** Bool (true = may attend) or float (added to the scores), broadcast to [..., L, S]. */
  attnMask?: TensorLike | null;
  dropoutP?: number;
  /** Each query attends to keys up to its own position (a lower-triangular L × S mask). */
  isCausal?: boolean;
  /** Multiplies the scores; 1/√E by default. */
  scale?: number | null;
  generator?: Generator;
}

/**
 * softmax(q·kᵀ·scale + mask)·v (PyTorch's `F.scaled_dot_product_attention`): query
 * [..., L, E], key [..., S, E], value [..., S, Ev] → [..., L, Ev], leading dims broadcast. A
 * query that may attend to no key gets NaN, as in PyTorch.
 * @example
 * ```ts
 * ad.functional.scaledDotProductAttention(q, k, v, { isCausal: true })
 * ```
 */
export function scaledDotProductAttention(
  query: TensorLike,
  key: TensorLike,
  value: TensorLike,
  opts: AttentionOptions = {},
): Tensor {
  if (trace.on && trace.entering !== scaledDotProductAttention)
    return traced(scaledDotProductAttention, [query, key, value, opts]);
  const op = 'functional.scaledDotProductAttention';
  const q = toTensor(op, query);
  const k = toTensor(op, key, q);
  const v = toTensor(op, value, q);
  const o = checkOptions(op, opts, ['attnMask', 'dropoutP', 'isCausal', 'scale', 'generator']);
  for (const t of [q, k, v])
    if (!isFloat(t.dtype) || t.ndim < 2)
      throw new ShapeError(
        op,
        `query, key and value must be float tensors [..., L, E], got ${t.dtype} ${fmt(t.shape)}`,
      );
  const [l, e] = q.shape.slice(-2);
  const s = k.shape[k.ndim - 2];
  if (k.shape[k.ndim - 1] !== e || v.shape[v.ndim - 2] !== s)
    throw new ShapeError(
      op,
      `query ${fmt(q.shape)}, key ${fmt(k.shape)} and value ${fmt(v.shape)} do not fit`,
    );
  const causal = checkBool(op, 'isCausal', o.isCausal ?? false);
  const mask = o.attnMask === null || o.attnMask === undefined ? null : toTensor(op, o.attnMask, q);
  if (causal && mask !== null) throw new ValueError(op, 'give attnMask or isCausal, not both');
  const p = checkNumber(op, 'dropoutP', o.dropoutP ?? 0, { min: 0, max: 1 });
  const scale =
    o.scale === null || o.scale === undefined
      ? 1 / Math.sqrt(e)
      : checkNumber(op, 'scale', o.scale);
  const generator = generatorOf(op, o);
  return named(op, () => {
    let scores = q.matmul(k.mT).mul(scale);
    if (causal) scores = where(ones([l, s], { dtype: 'bool' }).tril(), scores, -Infinity);
    else if (mask !== null)
      scores = mask.dtype === 'bool' ? where(mask, scores, -Infinity) : scores.add(mask);
    const weights = dropout(scores.softmax(-1), p, { generator });
    return weights.matmul(v);
  });
}

/** Options of `embedding`: the row whose gradient stays zero (PyTorch's `padding_idx`). */
export interface EmbeddingOptions {
  paddingIdx?: number | null;
}

/**
 * Rows of `weight` [V, D] picked by the integer tensor `input` → [...input.shape, D]
 * (PyTorch's `F.embedding`); the row at `paddingIdx` takes part but gets no gradient.
 * @example
 * ```ts
 * ad.functional.embedding(ad.tensor([1, 0, 1], { dtype: 'int32' }), table, { paddingIdx: 0 })
 * ```
 */
export function embedding(
  input: TensorLike,
  weight: TensorLike,
  opts: EmbeddingOptions = {},
): Tensor {
  if (trace.on && trace.entering !== embedding) return traced(embedding, [input, weight, opts]);
  const op = 'functional.embedding';
  const idx = toTensor(op, input);
  const w = toTensor(op, weight);
  const o = checkOptions(op, opts, ['paddingIdx']);
  if (idx.dtype !== 'int32') throw new DTypeError(op, `indices must be int32, got ${idx.dtype}`);
  if (w.ndim !== 2) throw new ShapeError(op, `weight ${fmt(w.shape)} must be [numEmbeddings, dim]`);
  let pad = o.paddingIdx ?? null;
  if (pad !== null) {
    checkInt(op, 'paddingIdx', pad, -w.shape[0]);
    if (pad >= w.shape[0])
      throw new IndexError(op, `paddingIdx ${pad} is out of range for ${w.shape[0]} embeddings`);
    if (pad < 0) pad += w.shape[0];
  }
  return named(op, () => {
    const rows = w.indexSelect(0, idx.reshape([-1])).reshape([...idx.shape, w.shape[1]]);
    if (pad === null || !rows.requiresGrad) return rows;
    return where(idx.eq(pad).unsqueeze(-1), rows.detach(), rows);
  });
}

/**
 * [...x.shape, numClasses] int32 with a 1 at each element's class (PyTorch's `F.one_hot`);
 * numClasses −1 (the default) means the largest index + 1. Not differentiable.
 * @example
 * ```ts
 * ad.functional.oneHot(ad.tensor([0, 2], { dtype: 'int32' }), 3) // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(x: TensorLike, numClasses = -1): Tensor {
  if (trace.on && trace.entering !== oneHot) return traced(oneHot, [x, numClasses]);
  const op = 'functional.oneHot';
  const a = toTensor(op, x);
  if (a.dtype !== 'int32') throw new DTypeError(op, `expects int32 class indices, got ${a.dtype}`);
  checkInt(op, 'numClasses', numClasses, -1);
  const data = a.data;
  let most = -1;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0) throw new IndexError(op, `class index ${data[i]} is negative`);
    most = Math.max(most, data[i]);
  }
  const n = numClasses === -1 ? most + 1 : numClasses;
  if (most >= n) throw new IndexError(op, `class index ${most} is out of range for ${n} classes`);
  if (n === 0 && numClasses === -1)
    throw new ValueError(
      op,
      `cannot infer the number of classes from an empty tensor ${show(a.shape)}`,
    );
  const y = zeros([...a.shape, n], { dtype: 'int32' });
  const out = y.storage.data;
  for (let i = 0; i < data.length; i++) out[i * n + data[i]] = 1;
  return y;
}
