/**
 * Neural networks on `@ad/core`, named as in PyTorch: modules and layers, losses,
 * optimizers and schedules, initialisers, data loading, `fit`, safetensors checkpoints.
 * @module @ad/nn
 */
export { Module, functionalCall } from './module';
export { Parameter } from './parameter';
export {
  Linear,
  Embedding,
  Identity,
  Flatten,
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
export { Dropout } from './layers/dropout';
export {
  LayerNorm,
  BatchNorm1d,
  type LayerNormOptions,
  type BatchNormOptions,
} from './layers/norm';
/** Initialisers that fill a tensor in place (PyTorch's `torch.nn.init`): xavier, kaiming, uniform, normal, constant. */
export * as init from './init';
export * from './loss';
export * from './loss-pairs';
export * from './loss-distributions';
export {
  Optimizer,
  type OptimizerState,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamState,
} from './optim/optimizer';
export { SGD, type SGDOptions } from './optim/sgd';
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
export { encodeSafetensors, decodeSafetensors } from './safetensors';
export { encodeCheckpoint, restoreCheckpoint, type CheckpointParts } from './checkpoint';
