// The methods of Tensor that call ops: one-line sugar over the op functions, named as in
// PyTorch, one file per family in methods/. They live above the ops, which make tensors, so
// the layers import one way: tensor.ts (data and bookkeeping) ← ops ← methods; index.ts
// installs them.
import { backward, type BackwardOptions } from './autograd';
import { indexingMethods } from './methods/indexing';
import { inplaceMethods } from './methods/inplace';
import { mathMethods } from './methods/math';
import { reduceMethods } from './methods/reduce';
import { shapeMethods } from './methods/shape';
import type { TensorLike } from './ops/index';
import { Tensor } from './tensor';

export type { Sizes } from './methods/args';

const autogradMethods = {
  /** Back-propagates from this tensor into `.grad` of the leaves (PyTorch's `backward`). */
  backward(
    this: Tensor,
    gradient?: TensorLike | BackwardOptions | null,
    opts?: BackwardOptions,
  ): void {
    const isOptions =
      gradient !== null && typeof gradient === 'object' && !(gradient instanceof Tensor);
    if (isOptions) backward(this, undefined, gradient as BackwardOptions);
    else backward(this, gradient as TensorLike | undefined, opts);
  },
};

// merged by their property descriptors, not spread: a spread would call the getters (T, mT)
const families = [
  autogradMethods,
  mathMethods,
  reduceMethods,
  shapeMethods,
  indexingMethods,
  inplaceMethods,
] as const;

/** Every method, each with `this` the tensor it is called on; tensor.ts merges them into Tensor's type. */
export type TensorMethods = typeof autogradMethods &
  typeof mathMethods &
  typeof reduceMethods &
  typeof shapeMethods &
  typeof indexingMethods &
  typeof inplaceMethods;

/**
 * Puts the methods on Tensor's prototype, as class methods are (not enumerable). The package's
 * entry calls it, and package.json names that one source file as having side effects, so that
 * bundling the sources keeps the call (the published build is one file, where it always stays).
 */
export function installTensorMethods(): void {
  for (const family of families) {
    const descriptors = Object.getOwnPropertyDescriptors(family);
    for (const d of Object.values(descriptors)) d.enumerable = false;
    Object.defineProperties(Tensor.prototype, descriptors);
  }
}
