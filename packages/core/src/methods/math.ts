// Tensor methods: arithmetic, comparisons, element-wise functions, activations and special functions. One-line sugar over the op functions
// of the same names (see ../methods.ts).
import * as ops from '../ops/index';
import type { TensorLike } from '../ops/index';
import type { Tensor } from '../tensor';

export const mathMethods = {
  add(this: Tensor, other: TensorLike): Tensor {
    return ops.add(this, other);
  },
  sub(this: Tensor, other: TensorLike): Tensor {
    return ops.sub(this, other);
  },
  mul(this: Tensor, other: TensorLike): Tensor {
    return ops.mul(this, other);
  },
  div(this: Tensor, other: TensorLike): Tensor {
    return ops.div(this, other);
  },
  pow(this: Tensor, exponent: TensorLike): Tensor {
    return ops.pow(this, exponent);
  },
  maximum(this: Tensor, other: TensorLike): Tensor {
    return ops.maximum(this, other);
  },
  minimum(this: Tensor, other: TensorLike): Tensor {
    return ops.minimum(this, other);
  },
  eq(this: Tensor, other: TensorLike): Tensor {
    return ops.eq(this, other);
  },
  ne(this: Tensor, other: TensorLike): Tensor {
    return ops.ne(this, other);
  },
  lt(this: Tensor, other: TensorLike): Tensor {
    return ops.lt(this, other);
  },
  le(this: Tensor, other: TensorLike): Tensor {
    return ops.le(this, other);
  },
  gt(this: Tensor, other: TensorLike): Tensor {
    return ops.gt(this, other);
  },
  ge(this: Tensor, other: TensorLike): Tensor {
    return ops.ge(this, other);
  },
  /** `cond ? this : other` (PyTorch's `Tensor.where`). */
  where(this: Tensor, cond: TensorLike, other: TensorLike): Tensor {
    return ops.where(cond, this, other);
  },
  neg(this: Tensor): Tensor {
    return ops.neg(this);
  },
  abs(this: Tensor): Tensor {
    return ops.abs(this);
  },
  exp(this: Tensor): Tensor {
    return ops.exp(this);
  },
  expm1(this: Tensor): Tensor {
    return ops.expm1(this);
  },
  log(this: Tensor): Tensor {
    return ops.log(this);
  },
  log1p(this: Tensor): Tensor {
    return ops.log1p(this);
  },
  sqrt(this: Tensor): Tensor {
    return ops.sqrt(this);
  },
  rsqrt(this: Tensor): Tensor {
    return ops.rsqrt(this);
  },
  square(this: Tensor): Tensor {
    return ops.square(this);
  },
  reciprocal(this: Tensor): Tensor {
    return ops.reciprocal(this);
  },
  sin(this: Tensor): Tensor {
    return ops.sin(this);
  },
  cos(this: Tensor): Tensor {
    return ops.cos(this);
  },
  tan(this: Tensor): Tensor {
    return ops.tan(this);
  },
  asin(this: Tensor): Tensor {
    return ops.asin(this);
  },
  acos(this: Tensor): Tensor {
    return ops.acos(this);
  },
  atan(this: Tensor): Tensor {
    return ops.atan(this);
  },
  sinh(this: Tensor): Tensor {
    return ops.sinh(this);
  },
  cosh(this: Tensor): Tensor {
    return ops.cosh(this);
  },
  asinh(this: Tensor): Tensor {
    return ops.asinh(this);
  },
  acosh(this: Tensor): Tensor {
    return ops.acosh(this);
  },
  atanh(this: Tensor): Tensor {
    return ops.atanh(this);
  },
  log2(this: Tensor): Tensor {
    return ops.log2(this);
  },
  log10(this: Tensor): Tensor {
    return ops.log10(this);
  },
  exp2(this: Tensor): Tensor {
    return ops.exp2(this);
  },
  atan2(this: Tensor, other: TensorLike): Tensor {
    return ops.atan2(this, other);
  },
  hypot(this: Tensor, other: TensorLike): Tensor {
    return ops.hypot(this, other);
  },
  logaddexp(this: Tensor, other: TensorLike): Tensor {
    return ops.logaddexp(this, other);
  },
  xlogy(this: Tensor, other: TensorLike): Tensor {
    return ops.xlogy(this, other);
  },
  tanh(this: Tensor): Tensor {
    return ops.tanh(this);
  },
  sigmoid(this: Tensor): Tensor {
    return ops.sigmoid(this);
  },
  erf(this: Tensor): Tensor {
    return ops.erf(this);
  },
  sign(this: Tensor): Tensor {
    return ops.sign(this);
  },
  floor(this: Tensor): Tensor {
    return ops.floor(this);
  },
  ceil(this: Tensor): Tensor {
    return ops.ceil(this);
  },
  round(this: Tensor): Tensor {
    return ops.round(this);
  },
  clamp(this: Tensor, min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  },
  relu(this: Tensor): Tensor {
    return ops.relu(this);
  },
  leakyRelu(this: Tensor, negativeSlope?: number): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  },
  elu(this: Tensor, alpha?: number): Tensor {
    return ops.elu(this, alpha);
  },
  gelu(this: Tensor, opts?: { approximate?: 'none' | 'tanh' }): Tensor {
    return ops.gelu(this, opts);
  },
  softplus(this: Tensor, beta?: number, threshold?: number): Tensor {
    return ops.softplus(this, beta, threshold);
  },
  silu(this: Tensor): Tensor {
    return ops.silu(this);
  },
  logSigmoid(this: Tensor): Tensor {
    return ops.logSigmoid(this);
  },
  softmax(this: Tensor, dim?: number): Tensor {
    return ops.softmax(this, dim);
  },
  logSoftmax(this: Tensor, dim?: number): Tensor {
    return ops.logSoftmax(this, dim);
  },
  lgamma(this: Tensor): Tensor {
    return ops.lgamma(this);
  },
  digamma(this: Tensor): Tensor {
    return ops.digamma(this);
  },
  /** ψ⁽ⁿ⁾ of this tensor (PyTorch's `x.polygamma(n)`). */
  polygamma(this: Tensor, n: number): Tensor {
    return ops.polygamma(n, this);
  },
  erfc(this: Tensor): Tensor {
    return ops.erfc(this);
  },
  erfinv(this: Tensor): Tensor {
    return ops.erfinv(this);
  },
  sinc(this: Tensor): Tensor {
    return ops.sinc(this);
  },
};
