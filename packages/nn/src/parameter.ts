import { checkBool, Tensor, ValueError } from '@ad/core';

/** A tensor that a Module owns and trains: a leaf that requires grad (PyTorch's `nn.Parameter`). */
export class Parameter extends Tensor {
  constructor(value: Tensor, requiresGrad = true) {
    if (!(value instanceof Tensor)) throw new ValueError('Parameter', 'wraps a Tensor');
    super(value.data.slice(), value.shape);
    this.requiresGrad = checkBool('Parameter', 'requiresGrad', requiresGrad);
  }
}
