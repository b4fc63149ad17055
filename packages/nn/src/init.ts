import { defaultGenerator, formatShape, type Generator, noGrad, type Tensor, ValueError } from '@ad/core';

/** Nonlinearities that `calculateGain` knows, named as in PyTorch. */
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** The recommended gain for a nonlinearity (PyTorch's `calculate_gain`). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2));
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError('calculateGain', `unknown nonlinearity ${String(nonlinearity)}`);
  }
}

/** fan in and fan out of a weight of shape [out, in, ...receptive field]. */
export function fans(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new ValueError('init', `fan in and fan out need at least 2 dims, got ${formatShape(t.shape)}`);
  }
  const receptive = t.shape.slice(2).reduce((n, d) => n * d, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

interface Random {
  generator?: Generator;
}

function fill(t: Tensor, draw: () => number): Tensor {
  noGrad(() => {
    for (let i = 0; i < t.size; i++) t.data[i] = draw();
  });
  t.version++;
  return t;
}

/** Fills t with U(low, high). */
export function uniform(t: Tensor, low = 0, high = 1, opts: Random = {}): Tensor {
  const g = opts.generator ?? defaultGenerator;
  return fill(t, () => low + (high - low) * g.random());
}

/** Fills t with N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1, opts: Random = {}): Tensor {
  const g = opts.generator ?? defaultGenerator;
  return fill(t, () => mean + std * g.normal());
}

/** Fills t with `value`. */
export function constant(t: Tensor, value: number): Tensor {
  return fill(t, () => value);
}

/** Glorot uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, opts: Random & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = fans(t);
  const a = (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a, opts);
}

/** Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, opts: Random & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = fans(t);
  return normal(t, 0, (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

/** Options of `kaimingUniform` and `kaimingNormal`. */
export interface KaimingOptions extends Random {
  /** The negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const [fanIn, fanOut] = fans(t);
  const fan = (opts.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(−b, b) with b = √3·gain/√fan. */
export function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform(t, -bound, bound, opts);
}

/** He normal: N(0, std²) with std = gain/√fan. */
export function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, opts), opts);
}
