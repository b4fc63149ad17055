import { checkFunction, checkNumber, show } from '../args';
import { castArray, floatOf, isFloat, promoteTypes, toElement, type TypedArray } from '../dtype';
import { copyStrided } from '../kernels/strided';
import { AutogradError, DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { defaultGenerator, Generator as GeneratorClass, type Generator } from '../random';
import { broadcastShapes, shapesEqual, stridesOf } from '../shape';
import { bump, overlaps } from '../storage';
import { type Entry, isGradEnabled, noGrad } from '../tape';
import { setEntry, Tensor } from '../tensor';
import { add, div, mul, sub } from './binary';
import { full } from './creation';
import { named, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

/**
 * Replaces x's value by `compute(x)`, writing into x's storage, so every view of it (and
 * its base, when x is a view) sees the change, and the shared version goes up. When
 * recording, the op is taped against a copy of x's old value and x takes over the new entry;
 * when x is a view, its base takes a `copySlices` entry: the base's old value outside the
 * view, the new value inside (PyTorch's CopySlices). A pullback that saved x or an alias of
 * it throws instead of using the new value.
 */
function inplace(
  op: string,
  x: Tensor,
  others: readonly Tensor[],
  compute: (old: Tensor) => Tensor,
): Tensor {
  target(op, x);
  checkWritable(op, x);
  const base = x.base;
  const recording =
    isGradEnabled() &&
    (x.requiresGrad || base?.requiresGrad === true || others.some((t) => t.requiresGrad));
  if (recording) checkRecordable(op, x);
  if (!recording) {
    const r = noGrad(() => compute(x));
    check(op, x, r);
    store(op, x, r);
    return x;
  }
  const values = x.isContiguous() ? x.data.slice() : x.data; // a view's data is a copy already
  const old = new Tensor(values, x.shape); // a pullback may read the old value
  setEntry(old, x.entry);
  let r = compute(old);
  check(op, x, r);
  if (r.dtype !== x.dtype) r = r.cast(x.dtype);
  const baseEntry = base?.entry ?? null;
  store(op, x, r);
  if (base !== null) copySlices(base, baseEntry, x, r);
  setEntry(x, r.entry);
  r.entry?.adopt(x);
  return x;
}

/** Writes r's elements into x's storage, through x's strides, and bumps the version. */
function store(op: string, x: Tensor, r: Tensor): void {
  checkWritable(op, x);
  const src = r.dtype === x.dtype ? r.data : castArray(r.data, x.dtype);
  if (x.isContiguous()) x.data.set(src);
  else copyStrided(src, 0, stridesOf(x.shape), x.storage.data, x.offset, x.strides, x.shape);
  bump(x.storage);
}

/**
 * The base of view x now holds x's new value r inside the view and its old value outside:
 * its gradient flows to the old base outside the view and to r inside.
 */
function copySlices(base: Tensor, baseEntry: Entry | null, x: Tensor, r: Tensor): void {
  const oldBase = new Tensor(base.storage, base.shape, {
    strides: base.strides,
    offset: base.offset,
    base: null,
    replay: null,
  });
  setEntry(oldBase, baseEntry);
  const replay = x.replay as (b: Tensor) => Tensor;
  let outside: Tensor | null = null; // ones outside the view, zeros inside
  record('copySlices', [oldBase, r], base, (dy, needs) => {
    if (needs[0] && outside === null) {
      const ones = full(base.shape, 1, { dtype: dy.dtype });
      noGrad(() => replay(ones).fill_(0));
      outside = ones;
    }
    return [needs[0] ? dy.mul(outside as Tensor) : null, needs[1] ? replay(dy) : null];
  });
}

/** An expanded view cannot be written: several of its elements are one memory location. */
function checkWritable(op: string, x: Tensor): void {
  if (overlaps(x.shape, x.strides)) {
    throw new ValueError(
      op,
      `unsupported operation: more than one element of the ${fmt(x.shape)} tensor written to ` +
        `refers to a single memory location (strides ${fmt(x.strides)}); clone() it first`,
    );
  }
}

/** The cases PyTorch refuses, because no gradient could be right after them. */
function checkRecordable(op: string, x: Tensor): void {
  const base = x.base;
  if (base === null && x.isLeaf && x.requiresGrad) {
    throw new AutogradError(
      op,
      `a leaf of shape ${fmt(x.shape)} that requires grad cannot change in place while ` +
        'recording (its gradient would refer to a value that no longer exists); do it inside noGrad(() => …)',
    );
  }
  if (base === null) return;
  if (base.isLeaf && base.requiresGrad) {
    throw new AutogradError(
      op,
      `a view (${fmt(x.shape)}) of a leaf that requires grad (${fmt(base.shape)}) cannot change ` +
        'in place while recording; change the leaf inside noGrad(() => …), or clone() it first',
    );
  }
  if (base.requiresGrad && x.entry === null) {
    throw new AutogradError(
      op,
      `a view (${fmt(x.shape)}) made inside noGrad cannot change in place while recording: ` +
        'its base requires grad but the view has no gradient path to it; make the view while recording',
    );
  }
}

function check(op: string, x: Tensor, r: Tensor): void {
  if (!shapesEqual(r.shape, x.shape)) {
    throw new ShapeError(
      op,
      `the result's shape ${fmt(r.shape)} does not fit the tensor's shape ${fmt(x.shape)}`,
    );
  }
  if (isFloat(r.dtype) && !isFloat(x.dtype)) {
    throw new DTypeError(op, `a ${r.dtype} result cannot be stored in a ${x.dtype} tensor`);
  }
}

function target(op: string, x: unknown): void {
  if (!(x instanceof Tensor)) throw new ValueError(op, `changes a Tensor in place, got ${show(x)}`);
}

/**
 * An in-place form of a binary op: x = op(x, other). The result's shape and dtype are checked
 * first, so that a call that cannot be stored fails before anything is recorded.
 */
function inplaceBinary(name: string, op: (a: Tensor, b: Tensor) => Tensor, floatResult = false) {
  const f = function (x: Tensor, other: TensorLike): Tensor {
    if (trace.on && trace.entering !== f) return traced(f, [x, other]);
    target(name, x);
    const o = toTensor(name, other, x);
    const shape = broadcastShapes(name, x.shape, o.shape);
    if (!shapesEqual(shape, x.shape)) {
      throw new ShapeError(
        name,
        `the result's shape ${fmt(shape)} does not fit the tensor's shape ${fmt(x.shape)}`,
      );
    }
    const dtype = floatResult
      ? floatOf(promoteTypes(x.dtype, o.dtype))
      : promoteTypes(x.dtype, o.dtype);
    if (isFloat(dtype) && !isFloat(x.dtype))
      throw new DTypeError(name, `a ${dtype} result cannot be stored in a ${x.dtype} tensor`);
    return inplace(name, x, [o], (v) => op(v, o));
  };
  return Object.defineProperty(f, 'name', { value: name });
}

/**
 * x += other, in place.
 * @function
 */
export const add_ = inplaceBinary('add_', add);
/**
 * x −= other, in place.
 * @function
 */
export const sub_ = inplaceBinary('sub_', sub);
/**
 * x ·= other, in place.
 * @function
 */
export const mul_ = inplaceBinary('mul_', mul);
/**
 * x /= other, in place.
 * @function
 */
export const div_ = inplaceBinary('div_', div, true);

/** x limited to [min, max], in place. */
export function clamp_(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if (trace.on && trace.entering !== clamp_) return traced(clamp_, [x, min, max]);
  target('clamp_', x);
  if (x.dtype === 'bool')
    throw new DTypeError('clamp_', 'clamp is not supported for bool tensors (as in PyTorch)');
  if (min !== undefined && min !== null) checkNumber('clamp_', 'min', min, { finite: false });
  if (max !== undefined && max !== null) checkNumber('clamp_', 'max', max, { finite: false });
  return inplace('clamp_', x, [], (v) => v.clamp(min, max));
}

/** Every element set to `value`, in place. */
export function fill_(x: Tensor, value: number): Tensor {
  if (trace.on && trace.entering !== fill_) return traced(fill_, [x, value]);
  target('fill_', x);
  toElement('fill_', checkNumber('fill_', 'value', value, { finite: false }), x.dtype);
  return inplace('fill_', x, [], (v) =>
    named('fill_', () => full(v.shape, value, { dtype: v.dtype })),
  );
}

/** Every element set to 0, in place. */
export function zero_(x: Tensor): Tensor {
  if (trace.on && trace.entering !== zero_) return traced(zero_, [x]);
  return fill_(x, 0);
}

/** x's elements replaced by `src`'s (broadcast to x's shape), in place. */
export function copy_(x: Tensor, src: TensorLike): Tensor {
  if (trace.on && trace.entering !== copy_) return traced(copy_, [x, src]);
  target('copy_', x);
  const s = toTensor('copy_', src, x);
  if (!shapesEqual(broadcastShapes('copy_', x.shape, s.shape), x.shape))
    throw new ShapeError('copy_', `cannot copy ${fmt(s.shape)} into ${fmt(x.shape)}`);
  if (isFloat(s.dtype) && !isFloat(x.dtype))
    throw new DTypeError('copy_', `a ${s.dtype} source cannot be stored in a ${x.dtype} tensor`);
  return inplace('copy_', x, [s], (v) => named('copy_', () => s.expand(v.shape)));
}

/**
 * Refills x with uniform samples in [low, high) (used by initialisers).
 * @example
 * ```ts
 * ad.noGrad(() => ad.uniform_(w, -0.1, 0.1))
 * ```
 */
export function uniform_(
  x: Tensor,
  low = 0,
  high = 1,
  generator: Generator = defaultGenerator,
): Tensor {
  if (trace.on && trace.entering !== uniform_) return traced(uniform_, [x, low, high, generator]);
  checkNumber('uniform_', 'low', low);
  checkNumber('uniform_', 'high', high);
  return fillRandom('uniform_', x, generator, (g) => low + (high - low) * g.random());
}

/**
 * Refills x with normal samples of the given mean and standard deviation.
 * @example
 * ```ts
 * ad.noGrad(() => ad.normal_(w, 0, 0.02))
 * ```
 */
export function normal_(
  x: Tensor,
  mean = 0,
  std = 1,
  generator: Generator = defaultGenerator,
): Tensor {
  if (trace.on && trace.entering !== normal_) return traced(normal_, [x, mean, std, generator]);
  checkNumber('normal_', 'mean', mean);
  checkNumber('normal_', 'std', std, { min: 0 });
  return fillRandom('normal_', x, generator, (g) => mean + std * g.normal());
}

function fillRandom(
  op: string,
  x: Tensor,
  generator: Generator,
  draw: (g: Generator) => number,
): Tensor {
  target(op, x);
  if (!(generator instanceof GeneratorClass))
    throw new ValueError(op, `generator must be a Generator, got ${show(generator)}`);
  if (!isFloat(x.dtype)) throw new DTypeError(op, `needs a floating tensor, got ${x.dtype}`);
  if (isGradEnabled() && x.requiresGrad) {
    throw new AutogradError(
      op,
      `a tensor of shape ${fmt(x.shape)} that requires grad cannot be refilled while recording; use noGrad`,
    );
  }
  return writeInPlace(x, (data) => {
    for (let i = 0; i < data.length; i++) data[i] = draw(generator);
  });
}

/**
 * Runs `fill` on x's elements (row-major) and stores what it leaves there back into x's
 * storage, bumping the version: for kernels that update a tensor in place (optimizer steps,
 * initialisers, gradient clipping). Not recorded, like writing PyTorch's `x.data`.
 */
export function writeInPlace(x: Tensor, fill: (data: TypedArray) => void): Tensor {
  if (trace.on && trace.entering !== writeInPlace) return traced(writeInPlace, [x, fill]);
  target('writeInPlace', x);
  checkFunction('writeInPlace', 'fill', fill);
  if (x.isContiguous()) {
    fill(x.data);
    bump(x.storage);
    return x;
  }
  const values = x.data;
  fill(values);
  store('writeInPlace', x, new Tensor(values, x.shape));
  return x;
}
