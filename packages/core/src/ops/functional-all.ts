// The ad.functional namespace: torch.nn.functional's ops under PyTorch's names in camelCase,
// the ones defined here and the activations and products that are top-level ops too.
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from './conv';
export type { ConvOptions, ConvTransposeOptions } from './conv';
export { unfold, fold } from './patches';
export type { PatchOptions, Size2 } from './patches';
export {
  maxPool1d,
  maxPool2d,
  avgPool1d,
  avgPool2d,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
} from './pool';
export type { MaxPoolOptions, AvgPoolOptions } from './pool';
export { interpolate } from './resize';
export type { InterpolateOptions } from './resize';
export { layerNorm, rmsNorm, groupNorm, batchNorm } from './normalization';
export type {
  LayerNormOptions,
  RMSNormOptions,
  GroupNormOptions,
  BatchNormOptions,
} from './normalization';
export { dropout, scaledDotProductAttention, embedding, oneHot } from './attention';
export type { DropoutOptions, AttentionOptions, EmbeddingOptions } from './attention';
export {
  hardtanh,
  relu6,
  hardsigmoid,
  hardswish,
  mish,
  softsign,
  selu,
  celu,
  glu,
} from './activation-more';
export {
  relu,
  leakyRelu,
  elu,
  gelu,
  silu,
  softplus,
  logSigmoid as logsigmoid,
  softmax,
  logSoftmax,
} from './activation';
export { sigmoid, tanh } from './unary';
export { linear } from './matmul';
export { pad } from './pad';
