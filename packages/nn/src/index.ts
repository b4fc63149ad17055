/**
 * Neural networks on `@ad/core`, named as in PyTorch: modules and layers, losses,
 * optimizers and schedules, initialisers, data loading, `fit`, safetensors checkpoints.
 * @module @ad/nn
 */
export { Module, functionalCall } from './module';
export { checkpoint } from './recompute';
export { Parameter } from './parameter';
export {
  Linear,
  Embedding,
  Identity,
  Flatten,
  Unflatten,
  type LinearOptions,
  type EmbeddingOptions,
} from './layers/linear';
export { Sequential, MLP, type MLPOptions, type ActivationName } from './layers/container';
export {
  ReLU,
  LeakyReLU,
  ELU,
  GELU,
  Tanh,
  Sigmoid,
  SiLU,
  Softplus,
  Softmax,
  LogSoftmax,
} from './layers/activation';
export {
  Hardtanh,
  ReLU6,
  Hardsigmoid,
  Hardswish,
  Mish,
  Softsign,
  SELU,
  CELU,
  LogSigmoid,
  GLU,
} from './layers/activation-more';
export { Dropout } from './layers/dropout';
export {
  LayerNorm,
  RMSNorm,
  GroupNorm,
  type LayerNormOptions,
  type RMSNormOptions,
  type GroupNormOptions,
} from './layers/norm';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, type BatchNormOptions } from './layers/batchnorm';
export {
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  type ConvOptions,
  type ConvTransposeOptions,
} from './layers/conv';
export {
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  type MaxPoolOptions,
  type AvgPoolOptions,
} from './layers/pool';
export { RNN, LSTM, GRU, type RNNOptions, type SimpleRNNOptions } from './layers/recurrent';
export {
  MultiheadAttention,
  type MultiheadAttentionOptions,
  type AttentionCallOptions,
} from './layers/attention';
export {
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
  type EncoderCallOptions,
} from './layers/transformer';
/** torch.nn.functional: the same namespace as `ad.functional` of `@ad/core`. */
export { functional as F } from '@ad/core';
/** Initialisers that fill a tensor in place (PyTorch's `torch.nn.init`): xavier, kaiming, uniform, normal, constant. */
export * as init from './init';
export * from './loss';
export * from './loss-pairs';
export * from './loss-distributions';
export { ctcLoss, CTCLoss, type CTCLossOptions } from './loss-ctc';
export {
  Optimizer,
  type OptimizerState,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamState,
} from './optim/optimizer';
export { SGD, type SGDOptions } from './optim/sgd';
export {
  RAdam,
  Rprop,
  ASGD,
  type RAdamOptions,
  type RpropOptions,
  type ASGDOptions,
} from './optim/more';
export { LBFGS, type LBFGSOptions } from './optim/lbfgs';
export { Adam, AdamW, Adamax, NAdam, type AdamOptions, type NAdamOptions } from './optim/adam';
export {
  RMSprop,
  Adagrad,
  Adadelta,
  type RMSpropOptions,
  type AdagradOptions,
  type AdadeltaOptions,
} from './optim/adaptive';
export {
  LRScheduler,
  StepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  ReduceLROnPlateau,
  type PlateauOptions,
} from './optim/scheduler';
export {
  LambdaLR,
  MultiplicativeLR,
  PolynomialLR,
  CosineAnnealingWarmRestarts,
} from './optim/scheduler-more';
export {
  CyclicLR,
  OneCycleLR,
  SequentialLR,
  type CyclicLROptions,
  type OneCycleLROptions,
} from './optim/scheduler-cyclic';
export { clipGradNorm, clipGradValue } from './optim/clip';
export { TensorDataset, DataLoader, trainTestSplit, type DataLoaderOptions } from './data';
export { xor, twoSpirals, moons, noisySine } from './datasets';
export {
  fit,
  evaluate,
  earlyStopping,
  accuracy,
  mse,
  type FitOptions,
  type EpochLog,
  type Callback,
  type Model,
  type MetricFn,
} from './train';
export {
  DataParallel,
  type DataParallelOptions,
  registerWorkerHost,
  type WorkerHandle,
  type WorkerHost,
} from './parallel/data-parallel';
export type { ReplicaData } from './parallel/replica';
export { topKAccuracy, confusionMatrix } from './metrics';
export {
  type DecodeOptions,
  decodeSafetensors,
  type EncodeOptions,
  encodeSafetensors,
} from './safetensors';
export { encodeCheckpoint, restoreCheckpoint, type CheckpointParts } from './checkpoint';
export { encodeOnnx, type OnnxOptions } from './onnx/export';
export { exportTorch } from './torch/export';
