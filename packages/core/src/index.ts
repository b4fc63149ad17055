/**
 * Tensors (float32 and float64), the tape that records every op, back-propagation with
 * PyTorch's `backward()` and `.grad`, JAX-style transforms, `gradcheck`, and the WebAssembly
 * kernels. No runtime dependencies; runs in Node and in browsers.
 * @module @ad/core
 */
import { installTensorMethods } from './methods';

installTensorMethods(); // Tensor's op methods live above the ops, so imports go one way

export { Tensor, type GradHook, type HookHandle } from './tensor';
export type { Sizes } from './methods';
export {
  type DType,
  type FloatDType,
  type TypedArray,
  getDefaultDtype,
  setDefaultDtype,
  promoteTypes,
} from './dtype';
export {
  AdError,
  AutogradError,
  DTypeError,
  IndexError,
  ShapeError,
  ValueError,
  fmt as formatShape,
} from './errors';
export { Generator, defaultGenerator, manualSeed } from './random';
export { type Shape, broadcastShapes } from './shape';
export { Entry, isGradEnabled, noGrad, enableGrad, type Pullback } from './tape';
export { GradientTape } from './gradient-tape';
export { backward, gradients, type BackwardOptions, type GradientsOptions } from './autograd';
export { detectAnomaly, setDetectAnomaly } from './anomaly';
export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions } from './gradcheck';
export {
  grad,
  valueAndGrad,
  vjp,
  jvp,
  jacobian,
  hessian,
  hvp,
  type GradOptions,
} from './functional';
export { customOp, stopGradient } from './custom';
export { tapeRows, tapeTable, toDot, type TapeRow, type TensorNames } from './inspect';
export { toSvg, type SvgOptions } from './tape-svg';
export { getBackend, setBackend, type Backend } from './backend';
export type { TensorTree } from './tree';
export {
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  type NumberRule,
} from './args';
export * from './ops/index';
export { fusedAdam, fusedSgd, type AdamStep, type SgdStep } from './fused';
export { variance as var } from './ops/reduce';
export {
  compile,
  type CompileOptions,
  type CompiledFunction,
  type CompileStats,
} from './compile/compile';
export { dependsOn, sideEffect } from './compile/trace';
export {
  captureOps,
  opNames,
  type Captured,
  type CapturedCall,
  type CaptureSession,
} from './compile/capture';
