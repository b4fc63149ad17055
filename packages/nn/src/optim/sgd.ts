import { fusedSgd, type Tensor, type TypedArray } from '@ad/core';
import { Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer';
import { finite, flag, nonNegative, type OptimizerSpec } from './rules';

/** Hyper-parameters of `SGD` (PyTorch's names and defaults). */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

const SPEC: OptimizerSpec<SGDOptions> = {
  rules: {
    lr: nonNegative,
    momentum: nonNegative,
    dampening: finite,
    nesterov: flag,
    weightDecay: nonNegative,
    maximize: flag,
  },
  state: { momentumBuffer: 'tensor' },
  combined: (o) =>
    o.nesterov && (o.momentum <= 0 || o.dampening !== 0)
      ? 'Nesterov momentum requires a momentum and zero dampening'
      : null,
};

/**
 * Stochastic gradient descent, torch.optim.SGD's formula: g += wd·p; with momentum,
 * buf = g on the first step, else momentum·buf + (1 − dampening)·g; p −= lr·g (or the
 * nesterov g + momentum·buf).
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupSpec<SGDOptions>[],
    opts: Partial<SGDOptions> = {},
  ) {
    super(
      params,
      { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
      opts,
      SPEC,
    );
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    o: ParamGroup<SGDOptions>,
    s: ParamState,
    param: Tensor,
  ): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = o;
    const first = s.momentumBuffer === undefined;
    const buf = momentum !== 0 ? this.buffer(s, 'momentumBuffer', param) : null;
    fusedSgd(p, g, buf, { lr, momentum, dampening, nesterov, weightDecay, maximize, first });
  }
}
