import { checkBool, checkNumber, checkOptions, show } from '../args';
import {
  allocate,
  castArray,
  checkDtype,
  checkInt32,
  type DType,
  dtypeOfArray,
  getDefaultDtype,
  isFloat,
  toElement,
  type TypedArray,
} from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { type Generator, generatorOf } from '../random';
import { checkShape, sizeOf } from '../shape';
import { Tensor } from '../tensor';
import { toTensor } from './op';
import { registerConstant } from '../compile/registry';
import { trace, traced } from '../compile/trace';

/** Options every creation function takes. */
export interface CreateOptions {
  /** Element type; numbers default to `getDefaultDtype()` (float32 unless changed). */
  dtype?: DType;
  /** Make the new tensor a leaf that collects gradients in `.grad`. */
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  /** Where the randomness comes from; the default generator (seeded by `manualSeed`) if omitted. */
  generator?: Generator;
}

/** Nested arrays of numbers (or booleans), any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * A new leaf tensor from a number, nested arrays, a typed array or another tensor (the data
 * is copied). Numbers become the default float dtype; a typed array keeps its own type.
 * @example
 * ```ts
 * ad.tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true })
 * ```
 */
export function tensor(
  data: NestedArray | TypedArray | Tensor,
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  if (trace.on && trace.entering !== tensor) return traced(tensor, [data, opts]);
  opts = checkOptions('tensor', opts, ['dtype', 'requiresGrad', 'shape']);
  let flat: ArrayLike<number>;
  let shape: number[];
  let inferred: DType;
  if (data instanceof Tensor) {
    [flat, shape, inferred] = [data.data, [...data.shape], data.dtype];
  } else if (ArrayBuffer.isView(data)) {
    if (!(
      data instanceof Float32Array ||
      data instanceof Float64Array ||
      data instanceof Int32Array ||
      data instanceof Uint8Array
    )) {
      throw new DTypeError(
        'tensor',
        `takes Float32Array, Float64Array, Int32Array or Uint8Array data, got ${(data as object).constructor.name}`,
      );
    }
    [flat, shape, inferred] = [data, [data.length], dtypeOfArray(data)];
  } else {
    shape = shapeOfNested(data);
    const values = Array.isArray(data)
      ? (data.flat(Infinity) as (number | boolean)[])
      : [data as number | boolean];
    checkValues(values);
    flat = values.map(Number);
    inferred =
      values.length > 0 && values.every((v) => typeof v === 'boolean') ? 'bool' : getDefaultDtype();
  }
  if (opts.shape !== undefined) {
    checkShape('tensor', opts.shape);
    if (sizeOf(opts.shape) !== flat.length) {
      throw new ShapeError(
        'tensor',
        `shape ${fmt(opts.shape)} needs ${sizeOf(opts.shape)} values, got ${flat.length}`,
      );
    }
    shape = [...opts.shape];
  }
  return leaf(
    castArray(
      flat,
      opts.dtype === undefined ? inferred : checkDtype('tensor', opts.dtype),
      'tensor',
    ),
    shape,
    opts,
  );
}

function shapeOfNested(data: NestedArray): number[] {
  const shape: number[] = [];
  for (let v: NestedArray = data; Array.isArray(v); v = (v as readonly NestedArray[])[0])
    shape.push(v.length);
  checkRagged(data, shape, 0, []);
  return shape;
}

function checkRagged(v: NestedArray, shape: readonly number[], depth: number, at: number[]): void {
  const isArray = Array.isArray(v);
  if (depth === shape.length) {
    if (isArray)
      throw new ValueError(
        'tensor',
        `ragged nested array: [${at}] is an array where a number was expected`,
      );
    return;
  }
  if (!isArray || (v as readonly NestedArray[]).length !== shape[depth]) {
    const got = isArray ? `length ${(v as readonly NestedArray[]).length}` : 'a number';
    throw new ValueError(
      'tensor',
      `ragged nested array: [${at}] has ${got}, expected length ${shape[depth]}`,
    );
  }
  const items = v as readonly NestedArray[];
  // a sparse array's holes are skipped by flat() and forEach(): the data would come out short
  for (let i = 0; i < items.length; i++) {
    if (!(i in items))
      throw new ValueError('tensor', `the array has a hole at [${[...at, i]}] (a sparse array)`);
    checkRagged(items[i], shape, depth + 1, [...at, i]);
  }
}

function checkValues(values: readonly unknown[]): void {
  for (const v of values) {
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new ValueError('tensor', `expected numbers or booleans, got ${show(v)}`);
    }
  }
}

function leaf(data: TypedArray, shape: readonly number[], opts: CreateOptions): Tensor {
  const t = new Tensor(data, [...shape]);
  if (opts?.requiresGrad !== undefined && checkBool('tensor', 'requiresGrad', opts.requiresGrad))
    t.requiresGrad = true;
  return t;
}

/** The dtype a creation function makes: the one asked for (checked), else the default float. */
function dtypeFrom(
  op: string,
  opts: CreateOptions,
  known: readonly string[] = CREATE_KEYS,
  fallback?: DType,
): DType {
  const o = checkOptions(op, opts, known);
  if (o.requiresGrad !== undefined) checkBool(op, 'requiresGrad', o.requiresGrad);
  return o.dtype === undefined ? (fallback ?? getDefaultDtype()) : checkDtype(op, o.dtype);
}

const CREATE_KEYS = ['dtype', 'requiresGrad'];
const RANDOM_KEYS = ['dtype', 'requiresGrad', 'generator'];

function filled(op: string, shape: readonly number[], value: number, opts: CreateOptions): Tensor {
  checkShape(op, shape);
  checkNumber(op, 'value', value, { finite: false });
  const dtype = dtypeFrom(op, opts);
  const data = allocate(dtype, sizeOf(shape), op);
  if (value !== 0) data.fill(toElement(op, value, dtype));
  return leaf(data, shape, opts);
}

/**
 * A shape as one array, or as separate sizes as PyTorch takes them (`zeros(2, 3)`), then the
 * options: `zeros([2, 3], { dtype })` and `zeros(2, 3, { dtype })` are the same.
 */
export type ShapeArgs<O> =
  [shape: readonly number[], opts?: O] | number[] | [...sizes: number[], opts: O];

function shapeAndOptions<O>(op: string, args: ShapeArgs<O>): [readonly number[], O | undefined] {
  if (Array.isArray(args[0])) {
    if (args.length > 2)
      throw new ValueError(op, `takes a shape and options, got ${args.length} arguments`);
    return [args[0], args[1] as O | undefined];
  }
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && typeof last === 'object' && last !== null;
  const sizes = hasOptions ? args.slice(0, -1) : args;
  if (sizes.some((d) => typeof d !== 'number')) {
    throw new ValueError(
      op,
      `takes a shape ([2, 3]) or sizes (2, 3), then options; got ${args.map(show).join(', ')}`,
    );
  }
  return [sizes as number[], (hasOptions ? last : undefined) as O | undefined];
}

/**
 * A tensor of zeros: `zeros([2, 3])` or `zeros(2, 3)`.
 * @example
 * ```ts
 * ad.zeros([2, 3])  // or ad.zeros(2, 3)
 * ```
 */
export function zeros(...args: ShapeArgs<CreateOptions>): Tensor {
  if (trace.on && trace.entering !== zeros) return traced(zeros, [...args]);
  const [shape, opts] = shapeAndOptions('zeros', args);
  return filled('zeros', shape, 0, opts ?? {});
}

/**
 * A tensor of ones: `ones([2, 3])` or `ones(2, 3)`.
 * @example
 * ```ts
 * ad.ones(2, 3, { dtype: 'float64' })
 * ```
 */
export function ones(...args: ShapeArgs<CreateOptions>): Tensor {
  if (trace.on && trace.entering !== ones) return traced(ones, [...args]);
  const [shape, opts] = shapeAndOptions('ones', args);
  return filled('ones', shape, 1, opts ?? {});
}

/**
 * A tensor filled with `value`.
 * @example
 * ```ts
 * ad.full([2, 2], 7)
 * ```
 */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  if (trace.on && trace.entering !== full) return traced(full, [shape, value, opts]);
  return filled('full', shape, value, opts);
}

/**
 * Zeros with x's shape and dtype.
 * @example
 * ```ts
 * ad.zerosLike(x)
 * ```
 */
export function zerosLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  if (trace.on && trace.entering !== zerosLike) return traced(zerosLike, [x, opts]);
  return filledLike('zerosLike', x, 0, opts);
}

/**
 * Ones with x's shape and dtype.
 * @example
 * ```ts
 * ad.onesLike(x)
 * ```
 */
export function onesLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  if (trace.on && trace.entering !== onesLike) return traced(onesLike, [x, opts]);
  return filledLike('onesLike', x, 1, opts);
}

/**
 * `value` with x's shape and dtype.
 * @example
 * ```ts
 * ad.fullLike(x, 0.5)
 * ```
 */
export function fullLike(x: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  if (trace.on && trace.entering !== fullLike) return traced(fullLike, [x, value, opts]);
  return filledLike('fullLike', x, value, opts);
}

function filledLike(op: string, x: Tensor, value: number, opts: CreateOptions): Tensor {
  const a = toTensor(op, x);
  return filled(op, a.shape, value, { dtype: a.dtype, ...checkOptions(op, opts, CREATE_KEYS) });
}

/**
 * start, start + step, … up to but excluding end; `arange(n)` is 0 … n−1.
 * @example
 * ```ts
 * ad.arange(5)  // [0, 1, 2, 3, 4]; ad.arange(1, 2, 0.25) is [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (trace.on && trace.entering !== arange) return traced(arange, [start, end, step, opts]);
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  checkNumber('arange', 'start', lo);
  checkNumber('arange', 'end', hi);
  checkNumber('arange', 'step', step);
  if (step === 0) throw new ValueError('arange', 'step must be non-zero');
  const dtype = dtypeFrom('arange', opts);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = allocate(dtype, n, 'arange');
  for (let i = 0; i < n; i++) data[i] = toElement('arange', lo + i * step, dtype);
  return leaf(data, [n], opts);
}

/**
 * `steps` evenly spaced values from start to end, both included.
 * @example
 * ```ts
 * ad.linspace(0, 1, 5)  // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  opts: CreateOptions = {},
): Tensor {
  if (trace.on && trace.entering !== linspace) return traced(linspace, [start, end, steps, opts]);
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', end);
  checkShape('linspace', [steps]);
  const dtype = dtypeFrom('linspace', opts);
  const data = allocate(dtype, steps, 'linspace');
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill from both ends so that the last value is exactly `end`, as PyTorch does
  for (let i = 0; i < steps; i++) {
    data[i] = toElement(
      'linspace',
      i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step,
      dtype,
    );
  }
  return leaf(data, [steps], opts);
}

/**
 * The n×m identity matrix (m = n by default).
 * @example
 * ```ts
 * ad.eye(3)
 * ```
 */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  if (trace.on && trace.entering !== eye) return traced(eye, [n, m, opts]);
  const t = filled('eye', [n, m], 0, opts);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

function randomFill(
  op: string,
  shape: readonly number[],
  opts: RandomOptions,
  draw: (g: Generator) => number,
): Tensor {
  checkShape(op, shape);
  const dtype = dtypeFrom(op, opts, RANDOM_KEYS);
  if (!isFloat(dtype)) throw new DTypeError(op, `needs a floating dtype, got ${dtype}`);
  const g = generatorOf(op, opts);
  const data = allocate(dtype, sizeOf(shape), op);
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return leaf(data, shape, opts);
}

/**
 * Uniform samples in [0, 1): `rand([2, 3])` or `rand(2, 3)`.
 * @example
 * ```ts
 * ad.rand([2, 3], { generator: new ad.Generator(0) })
 * ```
 */
export function rand(...args: ShapeArgs<RandomOptions>): Tensor {
  if (trace.on && trace.entering !== rand) return traced(rand, [...args]);
  const [shape, opts] = shapeAndOptions('rand', args);
  return randomFill('rand', shape, opts ?? {}, (g) => g.random());
}

/**
 * Standard normal samples: `randn([2, 3])` or `randn(2, 3)`.
 * @example
 * ```ts
 * ad.randn(2, 3)
 * ```
 */
export function randn(...args: ShapeArgs<RandomOptions>): Tensor {
  if (trace.on && trace.entering !== randn) return traced(randn, [...args]);
  const [shape, opts] = shapeAndOptions('randn', args);
  return randomFill('randn', shape, opts ?? {}, (g) => g.normal());
}

/**
 * Uniform integers in [low, high) (int32 unless a dtype is given).
 * @example
 * ```ts
 * ad.randint(0, 10, [4])  // int32 in [0, 10)
 * ```
 */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
): Tensor {
  if (trace.on && trace.entering !== randint) return traced(randint, [low, high, shape, opts]);
  checkShape('randint', shape);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(
      'randint',
      `needs integers low < high, got ${show(low)} and ${show(high)}`,
    );
  }
  const dtype = dtypeFrom('randint', opts, RANDOM_KEYS, 'int32');
  if (dtype === 'int32') checkInt32('randint', [low, high - 1]);
  const g = generatorOf('randint', opts);
  const data = allocate(dtype, sizeOf(shape), 'randint');
  for (let i = 0; i < data.length; i++) data[i] = toElement('randint', g.integer(low, high), dtype);
  return leaf(data, shape, opts);
}

/**
 * A random permutation of 0 … n−1 (int32), by Fisher–Yates.
 * @example
 * ```ts
 * ad.randperm(5)  // a shuffle of 0 … 4
 * ```
 */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (trace.on && trace.entering !== randperm) return traced(randperm, [n, opts]);
  checkShape('randperm', [n]);
  const dtype = dtypeFrom('randperm', opts, RANDOM_KEYS, 'int32');
  if (dtype === 'bool' && n > 2)
    throw new DTypeError('randperm', `a permutation of ${n} values does not fit bool`);
  const g = generatorOf('randperm', opts);
  const data = allocate(dtype, n, 'randperm');
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  }
  return leaf(data, [n], opts);
}

// what these make depends on their arguments alone: a compiled replay keeps the recorded result
registerConstant(zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye);
