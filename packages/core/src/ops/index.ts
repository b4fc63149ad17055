export {
  elu,
  gelu,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  relu,
  silu,
  softmax,
  softplus,
} from './activation';
export { add, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, pow, sub, where } from './binary';
export * from './creation';
export { gather, indexAdd, type IndexLike, indexSelect, scatterAdd } from './indexing';
export * from './inplace';
export * from './matmul';
export * from './movement';
export * from './view';
export * from './pad';
export * from './reduce';
export {
  abs,
  ceil,
  clamp,
  cos,
  erf,
  exp,
  expm1,
  floor,
  log,
  log1p,
  neg,
  reciprocal,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tan,
  tanh,
} from './unary';
export * from './math';
export * from './mask';
export * from './reorder';
export * from './scatter';
export * from './scatter-reduce';
export { indexPut } from './index-put';
export * from './cumulative';
export * from './sort';
export * from './special';
export * from './sample';
export { einsum } from './einsum';
/**
 * Linear algebra (PyTorch's `torch.linalg`): `cholesky`, `solveTriangular`, `solve`, `inv`,
 * `det`, `slogdet`, `eigh`, `eigvalsh`, `qr`, `svd`, `svdvals`, `pinv`, `lstsq`, `matrixExp`, `vectorNorm`, `matrixNorm`, `cross` and `matrixPower`, batched over
 * leading dims, with gradients of any order.
 */
export * as linalg from './linalg-all';
/**
 * torch.nn.functional's ops (`import { F } from '@ad/nn'` names the same namespace):
 * convolutions (`conv1d`, `conv2d`, `convTranspose1d`, `convTranspose2d`, `unfold`, `fold`),
 * pooling (`maxPool1d/2d`, `avgPool1d/2d`, `adaptiveAvgPool1d/2d`), `interpolate`,
 * normalisation (`layerNorm`, `rmsNorm`, `groupNorm`, `batchNorm`), `dropout`,
 * `scaledDotProductAttention`, `embedding`, `oneHot`, and the activations.
 */
export * as functional from './functional-all';
export { at, type IndexPart } from './at';
export type { ValuesIndices } from './pair';
export type { TensorLike } from './op';
