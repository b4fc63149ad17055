import { checkInt, checkNumber, checkOneOf, type Tensor } from '@ad/core';
import { Module } from '../module';

/** max(x, 0). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** x for x > 0, slope·x otherwise. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** x for x > 0, α(eˣ − 1) otherwise. */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkNumber('ELU', 'alpha', alpha);
  }

  forward(x: Tensor): Tensor {
    return x.elu(this.alpha);
  }
}

/** x·Φ(x). */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    checkOneOf('GELU', 'approximate', approximate, ['none', 'tanh']);
  }

  forward(x: Tensor): Tensor {
    return x.gelu({ approximate: this.approximate });
  }
}

/** tanh x. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/** 1/(1 + e⁻ˣ). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** x·σ(x). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

/** (1/β)·ln(1 + e^(βx)). */
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
    checkNumber('Softplus', 'beta', beta);
    checkNumber('Softplus', 'threshold', threshold, { finite: false });
  }

  forward(x: Tensor): Tensor {
    return x.softplus(this.beta, this.threshold);
  }
}

/** Softmax along `dim` (last by default). */
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
    checkInt('Softmax', 'dim', dim);
  }

  forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }
}

/** log softmax along `dim` (last by default). */
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
    checkInt('LogSoftmax', 'dim', dim);
  }

  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.dim);
  }
}
