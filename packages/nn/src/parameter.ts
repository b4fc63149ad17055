import { Tensor } from '@ad/core';

/** A tensor that a Module owns and trains: a leaf that requires grad (PyTorch's `nn.Parameter`). */
export class Parameter extends Tensor {
  constructor(value: Tensor, requiresGrad = true) {
    super(value.data.slice(), value.shape);
    this.requiresGrad = requiresGrad;
  }
}
