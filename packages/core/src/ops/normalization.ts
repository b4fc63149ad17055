// Normalisation as torch.nn.functional computes it: statistics with the biased variance,
// written with ops (so they differentiate to any order), the affine step broadcast per
// channel or per normalised element.
import { checkBool, checkInt, checkIntArray, checkNumber, checkOptions } from '../args';
import { isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { named, toTensor, type TensorLike } from './op';
import type { OpName } from './names';

function floatTensor(op: OpName, x: TensorLike): Tensor {
  const a = toTensor(op, x);
  if (!isFloat(a.dtype)) throw new DTypeError(op, `expects a float tensor, got ${a.dtype}`);
  return a;
}

/** An optional affine tensor of `shape`, checked. */
function affine(
  op: OpName,
  name: string,
  t: TensorLike | null | undefined,
  shape: number[],
  like: Tensor,
) {
  if (t === null || t === undefined) return null;
  const a = toTensor(op, t, like);
  if (a.shape.join() !== shape.join())
    throw new ShapeError(op, `${name} ${fmt(a.shape)} must be ${fmt(shape)}`);
  return a;
}

function trailing(op: OpName, x: Tensor, normalizedShape: number | readonly number[]): number[] {
  const shape = checkIntArray(
    op,
    'normalizedShape',
    typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape,
    1,
  );
  if (
    shape.length === 0 ||
    x.shape.slice(-shape.length).join() !== shape.join() ||
    shape.length > x.ndim
  )
    throw new ShapeError(op, `input ${fmt(x.shape)} does not end in normalizedShape ${fmt(shape)}`);
  return shape.map((_, i) => i - shape.length);
}

/** Options of `layerNorm`: the affine tensors (shaped like `normalizedShape`) and eps. */
export interface LayerNormOptions {
  weight?: TensorLike | null;
  bias?: TensorLike | null;
  eps?: number;
}

/**
 * Normalises over the trailing `normalizedShape` dims (PyTorch's `F.layer_norm`):
 * (x − mean)/√(var + eps)·weight + bias, with the biased variance.
 * @example
 * ```ts
 * ad.functional.layerNorm(x, [64], { weight: g, bias: b })
 * ```
 */
export function layerNorm(
  x: TensorLike,
  normalizedShape: number | readonly number[],
  opts: LayerNormOptions = {},
): Tensor {
  if (trace.on && trace.entering !== layerNorm)
    return traced(layerNorm, [x, normalizedShape, opts]);
  const op = 'functional.layerNorm';
  const a = floatTensor(op, x);
  const o = checkOptions(op, opts, ['weight', 'bias', 'eps']);
  const dims = trailing(op, a, normalizedShape);
  const shape = a.shape.slice(dims[0]);
  const w = affine(op, 'weight', o.weight, shape, a);
  const b = affine(op, 'bias', o.bias, shape, a);
  const eps = checkNumber(op, 'eps', o.eps ?? 1e-5, { min: 0 });
  return named(op, () => {
    const centred = a.sub(a.mean(dims, { keepdim: true }));
    let y = centred.mul(centred.square().mean(dims, { keepdim: true }).add(eps).rsqrt());
    if (w !== null) y = y.mul(w);
    return b === null ? y : y.add(b);
  });
}

/** Options of `rmsNorm`: the weight (shaped like `normalizedShape`) and eps. */
export interface RMSNormOptions {
  weight?: TensorLike | null;
  /** Added to the mean square; PyTorch's default is the dtype's machine epsilon. */
  eps?: number | null;
}

/**
 * x / √(mean(x²) + eps) · weight over the trailing `normalizedShape` dims (PyTorch's
 * `F.rms_norm`); eps defaults to the dtype's machine epsilon, as there.
 * @example
 * ```ts
 * ad.functional.rmsNorm(x, [64], { weight: g })
 * ```
 */
export function rmsNorm(
  x: TensorLike,
  normalizedShape: number | readonly number[],
  opts: RMSNormOptions = {},
): Tensor {
  if (trace.on && trace.entering !== rmsNorm) return traced(rmsNorm, [x, normalizedShape, opts]);
  const op = 'functional.rmsNorm';
  const a = floatTensor(op, x);
  const o = checkOptions(op, opts, ['weight', 'eps']);
  const dims = trailing(op, a, normalizedShape);
  const w = affine(op, 'weight', o.weight, a.shape.slice(dims[0]), a);
  const machine = a.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  const eps =
    o.eps === null || o.eps === undefined ? machine : checkNumber(op, 'eps', o.eps, { min: 0 });
  return named(op, () => {
    const y = a.mul(a.square().mean(dims, { keepdim: true }).add(eps).rsqrt());
    return w === null ? y : y.mul(w);
  });
}

/** Options of `groupNorm`: per-channel affine tensors [C] and eps. */
export interface GroupNormOptions {
  weight?: TensorLike | null;
  bias?: TensorLike | null;
  eps?: number;
}

/**
 * Normalises x [N, C, ...] over each group of C / numGroups channels and the other dims
 * (PyTorch's `F.group_norm`), then scales and shifts per channel.
 * @example
 * ```ts
 * ad.functional.groupNorm(x, 4, { weight: g, bias: b })
 * ```
 */
export function groupNorm(x: TensorLike, numGroups: number, opts: GroupNormOptions = {}): Tensor {
  if (trace.on && trace.entering !== groupNorm) return traced(groupNorm, [x, numGroups, opts]);
  const op = 'functional.groupNorm';
  const a = floatTensor(op, x);
  const o = checkOptions(op, opts, ['weight', 'bias', 'eps']);
  const groups = checkInt(op, 'numGroups', numGroups, 1);
  if (a.ndim < 2 || a.shape[1] % groups !== 0)
    throw new ShapeError(
      op,
      `input ${fmt(a.shape)} must be [N, C, ...] with C divisible by ${groups} groups`,
    );
  const c = a.shape[1];
  const w = affine(op, 'weight', o.weight, [c], a);
  const b = affine(op, 'bias', o.bias, [c], a);
  const eps = checkNumber(op, 'eps', o.eps ?? 1e-5, { min: 0 });
  return named(op, () => {
    const g = a.reshape([a.shape[0], groups, -1]);
    const centred = g.sub(g.mean(-1, { keepdim: true }));
    let y = centred
      .mul(centred.square().mean(-1, { keepdim: true }).add(eps).rsqrt())
      .reshape(a.shape);
    const perChannel = [c, ...a.shape.slice(2).map(() => 1)];
    if (w !== null) y = y.mul(w.reshape(perChannel));
    return b === null ? y : y.add(b.reshape(perChannel));
  });
}

/** Options of `batchNorm`, as in PyTorch's `F.batch_norm`. */
export interface BatchNormOptions {
  weight?: TensorLike | null;
  bias?: TensorLike | null;
  /** Batch statistics (true) or the running ones (false, the default). */
  training?: boolean;
  /** Weight of the batch in the running averages. */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation of x [N, C, ...] (PyTorch's `F.batch_norm`): in training, the batch's
 * statistics per channel, and the running mean and (unbiased) running variance, when given,
 * are updated in place; otherwise the running statistics.
 * @example
 * ```ts
 * ad.functional.batchNorm(x, runningMean, runningVar, { training: true })
 * ```
 */
export function batchNorm(
  x: TensorLike,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  if (trace.on && trace.entering !== batchNorm)
    return traced(batchNorm, [x, runningMean, runningVar, opts]);
  const op = 'functional.batchNorm';
  const a = floatTensor(op, x);
  const o = checkOptions(op, opts, ['weight', 'bias', 'training', 'momentum', 'eps']);
  if (a.ndim < 2) throw new ShapeError(op, `input ${fmt(a.shape)} must be [N, C, ...]`);
  const c = a.shape[1];
  const training = checkBool(op, 'training', o.training ?? false);
  const momentum = checkNumber(op, 'momentum', o.momentum ?? 0.1, { min: 0, max: 1 });
  const eps = checkNumber(op, 'eps', o.eps ?? 1e-5, { min: 0 });
  const w = affine(op, 'weight', o.weight, [c], a);
  const b = affine(op, 'bias', o.bias, [c], a);
  for (const [name, t] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
  ] as const) {
    if (t !== null && (!(t instanceof Tensor) || t.shape.join() !== `${c}`))
      throw new ShapeError(
        op,
        `${name} must be a tensor of shape [${c}], got ${t instanceof Tensor ? fmt(t.shape) : typeof t}`,
      );
  }
  if (!training && (runningMean === null || runningVar === null))
    throw new ValueError(op, 'without running statistics, training must be true');
  const n = a.size / c;
  if (training && n < 2)
    throw new ValueError(
      op,
      `expected more than 1 value per channel when training, got input ${fmt(a.shape)}`,
    );
  const dims = [0, ...a.shape.slice(2).map((_, i) => i + 2)];
  const perChannel = [c, ...a.shape.slice(2).map(() => 1)];
  return named(op, () => {
    let mean: Tensor;
    let variance: Tensor;
    if (training) {
      mean = a.mean(dims, { keepdim: true });
      variance = a.sub(mean).square().mean(dims, { keepdim: true });
      noGrad(() => {
        if (runningMean !== null)
          runningMean.copy_(runningMean.mul(1 - momentum).add(mean.reshape([c]).mul(momentum)));
        if (runningVar !== null)
          runningVar.copy_(
            runningVar.mul(1 - momentum).add(variance.reshape([c]).mul((momentum * n) / (n - 1))),
          );
      });
    } else {
      mean = (runningMean as Tensor).reshape(perChannel);
      variance = (runningVar as Tensor).reshape(perChannel);
    }
    let y = a.sub(mean).mul(variance.add(eps).rsqrt());
    if (w !== null) y = y.mul(w.reshape(perChannel));
    return b === null ? y : y.add(b.reshape(perChannel));
  });
}
