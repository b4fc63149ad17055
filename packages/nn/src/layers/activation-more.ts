import * as ad from '@ad/core';
import { checkInt, checkNumber, type Tensor } from '@ad/core';
import { Module } from '../module';

// torch.nn's remaining activation modules: each wraps its ad.functional op.

const F = ad.functional;

/** x clipped to [minVal, maxVal] (PyTorch's `Hardtanh`). */
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
    checkNumber('Hardtanh', 'minVal', minVal);
    checkNumber('Hardtanh', 'maxVal', maxVal, { min: minVal });
  }

  forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }

  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/** min(max(x, 0), 6). */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return F.relu6(x);
  }
}

/** relu6(x + 3) / 6. */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.hardsigmoid(x);
  }
}

/** x · relu6(x + 3) / 6. */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return F.hardswish(x);
  }
}

/** x · tanh(softplus(x)). */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return F.mish(x);
  }
}

/** x / (1 + |x|). */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return F.softsign(x);
  }
}

/** scale · elu(x, α) with PyTorch's constants. */
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return F.selu(x);
  }
}

/** max(0, x) + min(0, α(exp(x/α) − 1)). */
export class CELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkNumber('CELU', 'alpha', alpha);
  }

  forward(x: Tensor): Tensor {
    return F.celu(x, this.alpha);
  }
}

/** log σ(x). */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.logsigmoid(x);
  }
}

/** a · σ(b) for x's halves a, b along `dim`. */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
    checkInt('GLU', 'dim', dim);
  }

  forward(x: Tensor): Tensor {
    return F.glu(x, this.dim);
  }
}
