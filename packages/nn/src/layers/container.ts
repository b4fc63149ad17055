import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import { checkInt, checkOptions, ValueError } from '@ad/core';
import { Module } from '../module';
import { ELU, GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './activation';
import { Identity, Linear, type LinearOptions } from './linear';

/** Modules applied one after another; children are named 0, 1, 2… as in PyTorch. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) throw new ValueError('Sequential', `layer ${i} is not a Module`);
    });
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer, i) => {
      const y = layer.forward(h);
      if (!(y instanceof ad.Tensor))
        throw new ValueError(
          'Sequential',
          `layer ${i} (${layer.constructor.name}) returned ${Array.isArray(y) ? 'an array' : typeof y}, not a Tensor: wrap it in a module that picks its output`,
        );
      return y;
    }, x);
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }
}

/** Activation names that `MLP` accepts. */
export type ActivationName =
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'gelu'
  | 'tanh'
  | 'sigmoid'
  | 'silu'
  | 'softplus'
  | 'softmax'
  | 'identity';

const ACTIVATIONS: Record<ActivationName, () => Module> = {
  relu: () => new ReLU(),
  leakyRelu: () => new LeakyReLU(),
  elu: () => new ELU(),
  gelu: () => new GELU(),
  tanh: () => new Tanh(),
  sigmoid: () => new Sigmoid(),
  silu: () => new SiLU(),
  softplus: () => new Softplus(),
  softmax: () => new Softmax(),
  identity: () => new Identity(),
};

/** Options of `MLP`: the `Linear` options for every layer, and what goes between them. */
export interface MLPOptions extends LinearOptions {
  /** Between hidden layers (default 'relu'): a name, or a function making a module. */
  activation?: ActivationName | (() => Module);
  /** After the last layer (default none). */
  outputActivation?: ActivationName | (() => Module) | null;
}

function make(a: ActivationName | (() => Module)): Module {
  if (typeof a === 'function') return a();
  const factory =
    typeof a === 'string' && Object.hasOwn(ACTIVATIONS, a) ? ACTIVATIONS[a] : undefined;
  if (!factory)
    throw new ValueError(
      'MLP',
      `unknown activation '${a}' (known: ${Object.keys(ACTIVATIONS).join(', ')})`,
    );
  return factory();
}

/** A multilayer perceptron from its sizes: `new MLP([2, 16, 16, 1])` is Linear-ReLU-Linear-ReLU-Linear. */
export class MLP extends Sequential {
  constructor(sizes: readonly number[], opts: MLPOptions = {}) {
    if (!Array.isArray(sizes) || sizes.length < 2)
      throw new ValueError('MLP', 'needs at least an input and an output size, as an array');
    sizes.forEach((n) => checkInt('MLP', 'sizes', n, 0));
    const { activation, outputActivation, ...linear } = checkOptions('MLP', opts, [
      'activation',
      'outputActivation',
      'bias',
      'dtype',
      'generator',
    ]);
    const layers: Module[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      layers.push(new Linear(sizes[i], sizes[i + 1], linear));
      const last = i + 2 === sizes.length;
      if (!last) layers.push(make(activation ?? 'relu'));
      else if (outputActivation) layers.push(make(outputActivation));
    }
    super(...layers);
  }
}
