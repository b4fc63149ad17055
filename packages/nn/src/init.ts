import {
  checkNumber,
  checkOneOf,
  checkOptions,
  defaultGenerator,
  formatShape,
  Generator,
  linalg,
  Tensor,
  ValueError,
  writeInPlace,
} from '@ad/core';

/** Nonlinearities that `calculateGain` knows, named as in PyTorch. */
export type Nonlinearity =
  'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

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
      return Math.sqrt(2 / (1 + checkNumber('calculateGain', 'param', param ?? 0.01) ** 2));
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(
        'calculateGain',
        `unknown nonlinearity ${typeof nonlinearity === 'string' ? nonlinearity : typeof nonlinearity}`,
      );
  }
}

/** fan in and fan out of a weight of shape [out, in, ...receptive field]. */
export function fans(t: Tensor): [number, number] {
  target('fans', t);
  if (t.ndim < 2) {
    throw new ValueError(
      'init',
      `fan in and fan out need at least 2 dims, got ${formatShape(t.shape)}`,
    );
  }
  const receptive = t.shape.slice(2).reduce((n, d) => n * d, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

interface Random {
  generator?: Generator;
}

/** `t` checked to be a floating tensor that an initialiser may fill. */
function target(op: string, t: unknown): void {
  if (!(t instanceof Tensor)) throw new ValueError(op, 'fills a Tensor');
  if (t.dtype !== 'float32' && t.dtype !== 'float64')
    throw new ValueError(op, `fills floating tensors, got ${t.dtype}`);
}

/** The generator of `opts` (the default one when omitted), with the options checked against `keys`. */
function generatorOf(
  op: string,
  opts: Random | undefined,
  keys: readonly string[] = ['generator'],
): Generator {
  const { generator = defaultGenerator } = checkOptions(op, opts, keys);
  if (!(generator instanceof Generator)) throw new ValueError(op, 'generator must be a Generator');
  return generator;
}

function fill(t: Tensor, draw: () => number): Tensor {
  writeInPlace(t, (data) => {
    for (let i = 0; i < data.length; i++) data[i] = draw();
  });
  return t;
}

/** Fills t with U(low, high). */
export function uniform(t: Tensor, low = 0, high = 1, opts: Random = {}): Tensor {
  target('uniform', t);
  checkNumber('uniform', 'low', low);
  checkNumber('uniform', 'high', high);
  const g = generatorOf('uniform', opts);
  return fill(t, () => low + (high - low) * g.random());
}

/** Fills t with N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1, opts: Random = {}): Tensor {
  target('normal', t);
  checkNumber('normal', 'mean', mean);
  checkNumber('normal', 'std', std, { min: 0 });
  const g = generatorOf('normal', opts);
  return fill(t, () => mean + std * g.normal());
}

/** Fills t with `value`. */
export function constant(t: Tensor, value: number): Tensor {
  target('constant', t);
  checkNumber('constant', 'value', value, { finite: false });
  return fill(t, () => value);
}

/** Glorot uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, opts: Random & { gain?: number } = {}): Tensor {
  const generator = generatorOf('xavierUniform', opts, ['generator', 'gain']);
  const [fanIn, fanOut] = fans(t);
  const a = checkNumber('xavierUniform', 'gain', opts?.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a, { generator });
}

/** Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, opts: Random & { gain?: number } = {}): Tensor {
  const generator = generatorOf('xavierNormal', opts, ['generator', 'gain']);
  const [fanIn, fanOut] = fans(t);
  return normal(
    t,
    0,
    checkNumber('xavierNormal', 'gain', opts?.gain ?? 1, { min: 0 }) *
      Math.sqrt(2 / (fanIn + fanOut)),
    { generator },
  );
}

/** Options of `kaimingUniform` and `kaimingNormal`. */
export interface KaimingOptions extends Random {
  /** The negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, opts: KaimingOptions): number {
  const { mode = 'fanIn', nonlinearity = 'leaky_relu', a = 0 } = opts;
  checkOneOf(op, 'mode', mode, ['fanIn', 'fanOut']);
  checkNumber(op, 'a', a);
  const [fanIn, fanOut] = fans(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

const KAIMING_KEYS = ['generator', 'a', 'mode', 'nonlinearity'];

/** He uniform: U(−b, b) with b = √3·gain/√fan. */
export function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const generator = generatorOf('kaimingUniform', opts, KAIMING_KEYS);
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, opts ?? {});
  return uniform(t, -bound, bound, { generator });
}

/** He normal: N(0, std²) with std = gain/√fan. */
export function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const generator = generatorOf('kaimingNormal', opts, KAIMING_KEYS);
  return normal(t, 0, kaimingStd('kaimingNormal', t, opts ?? {}), { generator });
}

/** erf on a number, through the library's own. */
const erf = (x: number) => new Tensor(Float64Array.of(x), []).erf().item();

/** Φ, the standard normal's CDF. */
function normalCdf(x: number): number {
  return (1 + erf(x / Math.SQRT2)) / 2;
}

/**
 * Fills t with N(mean, std²) truncated to [a, b] (PyTorch's `trunc_normal_`): uniform draws
 * between the bounds' CDF values, mapped back through the inverse CDF.
 */
export function truncNormal(
  t: Tensor,
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
  opts: Random = {},
): Tensor {
  target('truncNormal', t);
  checkNumber('truncNormal', 'mean', mean);
  checkNumber('truncNormal', 'std', std, { min: 0 });
  checkNumber('truncNormal', 'a', a, { finite: false });
  checkNumber('truncNormal', 'b', b, { finite: false, min: a });
  const g = generatorOf('truncNormal', opts);
  const lo = 2 * normalCdf((a - mean) / std) - 1;
  const hi = 2 * normalCdf((b - mean) / std) - 1;
  const u = new Tensor(
    Float64Array.from({ length: t.size }, () => lo + (hi - lo) * g.random()),
    [t.size],
  );
  const values = u
    .erfinv()
    .mul(std * Math.SQRT2)
    .add(mean)
    .clamp(a, b).data;
  writeInPlace(t, (data) => data.set(values));
  return t;
}

/**
 * Fills t (2-D or more, rows × the rest) with a (semi-)orthogonal matrix times `gain`
 * (PyTorch's `orthogonal_`): the Q of a Gaussian matrix's QR, signs fixed by R's diagonal.
 */
export function orthogonal(t: Tensor, opts: Random & { gain?: number } = {}): Tensor {
  target('orthogonal', t);
  if (t.ndim < 2)
    throw new ValueError('orthogonal', `needs at least 2 dims, got ${formatShape(t.shape)}`);
  const generator = generatorOf('orthogonal', opts, ['generator', 'gain']);
  const gain = checkNumber('orthogonal', 'gain', opts.gain ?? 1);
  const rows = t.shape[0];
  const cols = t.size / Math.max(rows, 1);
  if (t.size === 0) return t;
  const g = gaussian(rows, cols, generator, t.dtype);
  const tall = rows < cols ? g.mT : g;
  const { Q, R } = linalg.qr(tall);
  const signs = R.diagonal().sign();
  const q = Q.mul(signs);
  const values = (rows < cols ? q.mT : q).mul(gain).contiguous().data;
  writeInPlace(t, (data) => data.set(values));
  return t;
}

function gaussian(
  rows: number,
  cols: number,
  generator: Generator,
  dtype: Tensor['dtype'],
): Tensor {
  const out = new Tensor(new Float64Array(rows * cols), [rows, cols]);
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = generator.normal();
  return out.cast(dtype);
}
