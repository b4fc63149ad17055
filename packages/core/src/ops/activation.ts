import { checkNumber, checkOneOf, checkOptions } from '../args';
import { allocate, floatOf } from '../dtype';
import { softplusKernel } from '../kernels/index';
import { normalizeDim } from '../shape';
import { Tensor } from '../tensor';
import { binary, where } from './binary';
import { named, record, toTensor, type TensorLike } from './op';
import { unary } from './unary';
import { trace, traced } from '../compile/trace';

/**
 * max(x, 0); the gradient at 0 is 0, as in PyTorch.
 * @function
 */
export const relu = unary('relu', (dy, x) => reluBackward(dy, x), true);

/**
 * dy where x > 0, else 0: relu's gradient in one loop (it dominates the W3 benchmark's backward).
 * @function
 */
export const reluBackward = binary('reluBackward', 'arith', (g, _dy, x, _out, needs) => [
  needs[0] ? reluBackward(g, x) : null,
  null,
]);

/** x for x > 0, slope·x otherwise. */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  if (trace.on && trace.entering !== leakyRelu) return traced(leakyRelu, [x, negativeSlope]);
  const a = toTensor('leakyRelu', x);
  checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return named('leakyRelu', () => where(a.gt(0), a, a.mul(negativeSlope)));
}

/**
 * x for x > 0, α(eˣ − 1) otherwise. The exponential branch sees min(x, 0): for large x, eˣ
 * would overflow and 0·∞ would leak NaN through `where` into the gradient.
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  if (trace.on && trace.entering !== elu) return traced(elu, [x, alpha]);
  const a = toTensor('elu', x);
  checkNumber('elu', 'alpha', alpha);
  return named('elu', () => where(a.gt(0), a, a.clamp(null, 0).expm1().mul(alpha)));
}

/** x·Φ(x), Φ the standard normal CDF; `approximate: 'tanh'` uses PyTorch's tanh formula. */
export function gelu(x: TensorLike, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  if (trace.on && trace.entering !== gelu) return traced(gelu, [x, opts]);
  const a = toTensor('gelu', x);
  const { approximate = 'none' } = checkOptions('gelu', opts, ['approximate']);
  checkOneOf('gelu', 'approximate', approximate, ['none', 'tanh']);
  return named('gelu', () => {
    if (approximate === 'tanh') {
      const inner = a.add(a.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
      return a.mul(0.5).mul(inner.tanh().add(1));
    }
    return a.mul(0.5).mul(a.mul(Math.SQRT1_2).erf().add(1));
  });
}

/**
 * (1/β)·ln(1 + e^(βx)), taken as x where βx > threshold (as PyTorch). Evaluated as
 * max(z, 0) + log1p(e^(−|z|)) so it neither overflows nor loses small values; σ(βx) is its slope.
 */
export function softplus(x: TensorLike, beta = 1, threshold = 20): Tensor {
  if (trace.on && trace.entering !== softplus) return traced(softplus, [x, beta, threshold]);
  const a = toTensor('softplus', x);
  checkNumber('softplus', 'beta', beta);
  checkNumber('softplus', 'threshold', threshold, { finite: false });
  const y = new Tensor(allocate(floatOf(a.dtype), a.size, 'softplus'), a.shape);
  softplusKernel(a.data, y.data, beta, threshold);
  return record('softplus', [a], y, (dy) => [
    dy.mul(where(a.mul(beta).gt(threshold), 1, a.mul(beta).sigmoid())),
  ]);
}

/** x·σ(x) (also called swish). */
export function silu(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== silu) return traced(silu, [x]);
  const a = toTensor('silu', x);
  return named('silu', () => a.mul(a.sigmoid()));
}

/** ln σ(x) = −softplus(−x), stable for large |x|. */
export function logSigmoid(x: TensorLike): Tensor {
  if (trace.on && trace.entering !== logSigmoid) return traced(logSigmoid, [x]);
  const a = toTensor('logSigmoid', x);
  return named('logSigmoid', () => softplus(a.neg()).neg());
}

/** Softmax along `dim` (last by default): exp(x − logsumexp x), stable for logits of ±1000. */
export function softmax(x: TensorLike, dim = -1): Tensor {
  if (trace.on && trace.entering !== softmax) return traced(softmax, [x, dim]);
  const a = toTensor('softmax', x);
  const d = normalizeDim('softmax', dim, Math.max(a.ndim, 1));
  return named('softmax', () => logSoftmax(a, d).exp());
}

/** log softmax along `dim` (last by default): x − logsumexp x. */
export function logSoftmax(x: TensorLike, dim = -1): Tensor {
  if (trace.on && trace.entering !== logSoftmax) return traced(logSoftmax, [x, dim]);
  const a = toTensor('logSoftmax', x);
  const d = normalizeDim('logSoftmax', dim, Math.max(a.ndim, 1));
  return named('logSoftmax', () =>
    a.ndim === 0 ? a.sub(a) : a.sub(a.logsumexp(d, { keepdim: true })),
  );
}
