import { allocate, type DType, floatOf, isFloat, promoteTypes, type TypedArray } from '../dtype';
import { DTypeError } from '../errors';
import {
  numberInPlace,
  numberZip,
  select3,
  type Space,
  stridesIn,
  zip,
  zipInPlace,
  zipNumber,
  type ZipOp,
} from '../kernels/index';
import { broadcastShapes, shapesEqual } from '../shape';
import type { Grads } from '../tape';
import { Tensor } from '../tensor';
import { record, toTensor, type TensorLike, unexpanded } from './op';
import { registerElementwise, registerLowering } from '../compile/registry';
import { trace, traced } from '../compile/trace';

/** Gradients of a binary op; a side given as a plain number arrives as that number. */
type BinaryGrad = (
  dy: Tensor,
  a: TensorLike,
  b: TensorLike,
  y: Tensor,
  needs: readonly boolean[],
) => Grads;
type Kind = 'arith' | 'float' | 'compare';

/**
 * A broadcasting element-wise op: the kernel `op` and its gradient rule. The pullback
 * returns gradients in the output's shape; the engine reduces them to each input's shape.
 * `kind` sets the result dtype: the promoted one (arith), a float (float), or bool (compare).
 */
export function binary(op: ZipOp, kind: Kind, grad: BinaryGrad | null) {
  const f = function (x: TensorLike, y: TensorLike): Tensor {
    if (trace.on && trace.entering !== f) return traced(f, [x, y]);
    if (typeof y === 'number' && x instanceof Tensor)
      return withNumber(op, kind, grad, x, y, false);
    if (typeof x === 'number' && y instanceof Tensor) return withNumber(op, kind, grad, y, x, true);
    const a = toTensor(op, x, y instanceof Tensor ? y : undefined);
    const b = toTensor(op, y, a);
    const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(op, a.shape, b.shape);
    const dtype = resultDtype(kind, a.dtype, b.dtype);
    if (dtype === 'bool' && kind === 'arith' && op === 'sub') {
      throw new DTypeError(
        'sub',
        'subtracting two bool tensors is not supported (as in PyTorch); for masks use ne (xor) or where',
      );
    }
    const out = new Tensor(allocate(dtype, sizeOfShape(shape), op), shape);
    const [ua, ub] = [unexpanded(a), unexpanded(b)]; // an expand is read where it lies
    zip(op, ua.data, ua.shape, ub.data, ub.shape, out.data, shape);
    // bool arithmetic stays bool, as PyTorch's: add is a logical or, so 1 + 1 is stored as 1
    if (dtype === 'bool' && kind === 'arith') asBool(out.data);
    return record(op, [a, b], out, grad && ((dy, needs) => grad(dy, a, b, out, needs)));
  };
  if (kind !== 'compare') registerElementwise(f, { kind: 'zip', op });
  registerLowering(f, (args, [out], space) => lowerZip(op, args[0], args[1], out, space));
  return Object.defineProperty(f, 'name', { value: op });
}

/** A replay of `op(x, y)` into `out` with the buffers bound once; null where eager execution made copies. */
function lowerZip(
  op: ZipOp,
  x: unknown,
  y: unknown,
  out: Tensor,
  space: Space | null,
): (() => void) | null {
  if (!out.isContiguous() || out.dtype === 'bool') return null;
  const o = out.data;
  if (x instanceof Tensor && typeof y === 'number') {
    if (!x.isContiguous()) return null;
    const d = x.data;
    return (space && numberInPlace(space, op, d, y, o, false)) ?? (() => zipNumber(op, d, y, o));
  }
  if (typeof x === 'number' && y instanceof Tensor) {
    if (!y.isContiguous()) return null;
    const d = y.data;
    return (space && numberInPlace(space, op, d, x, o, true)) ?? (() => numberZip(op, x, d, o));
  }
  if (!(x instanceof Tensor && y instanceof Tensor)) return null;
  const [ua, ub] = [unexpanded(x), unexpanded(y)];
  if (!ua.isContiguous() || !ub.isContiguous()) return null;
  const [a, as, b, bs, shape] = [ua.data, ua.shape, ub.data, ub.shape, out.shape];
  return (
    (space && zipInPlace(space, op, a, as, b, bs, o, shape)) ??
    (() => zip(op, a, as, b, bs, o, shape))
  );
}

/**
 * The common case of a plain-number operand (`x.mul(2)`, `ad.sub(1, x)`): no 0-d tensor is
 * made, no broadcasting is needed, and only the tensor side is taped. The number takes the
 * tensor's dtype when it fits, as PyTorch treats Python scalars.
 */
function withNumber(
  op: ZipOp,
  kind: Kind,
  grad: BinaryGrad | null,
  t: Tensor,
  s: number,
  numberFirst: boolean,
): Tensor {
  const sDtype = isFloat(t.dtype) ? t.dtype : Number.isInteger(s) ? 'int32' : floatOf('int32');
  const out = new Tensor(allocate(resultDtype(kind, t.dtype, sDtype), t.size), t.shape);
  if (numberFirst) numberZip(op, s, t.data, out.data);
  else zipNumber(op, t.data, s, out.data);
  return record(
    op,
    [t],
    out,
    grad &&
      ((dy, needs) =>
        numberFirst
          ? [grad(dy, s, t, out, [false, needs[0]])[1]]
          : [grad(dy, t, s, out, [needs[0], false])[0]]),
  );
}

/** Stores every non-zero element as 1. */
export function asBool(data: TypedArray): void {
  for (let i = 0; i < data.length; i++) if (data[i] > 1) data[i] = 1;
}

function resultDtype(kind: Kind, a: DType, b: DType): DType {
  if (kind === 'compare') return 'bool';
  const t = promoteTypes(a, b);
  return kind === 'float' ? floatOf(t) : t;
}

function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * a + b, broadcast.
 * @function
 */
export const add = binary('add', 'arith', (dy) => [dy, dy]);
/**
 * a − b, broadcast.
 * @function
 */
export const sub = binary('sub', 'arith', (dy, _a, _b, _y, needs) => [
  dy,
  needs[1] ? dy.neg() : null,
]);
/**
 * a · b, broadcast.
 * @function
 */
export const mul = binary('mul', 'arith', (dy, a, b, _y, needs) => [
  needs[0] ? dy.mul(b) : null,
  needs[1] ? dy.mul(a) : null,
]);
/**
 * a / b, broadcast (true division: integers give floats). d(a/b)/db = −(a/b)/b.
 * @function
 */
export const div = binary('div', 'float', (dy, _a, b, y, needs) => [
  needs[0] ? dy.div(b) : null,
  needs[1] ? dy.mul(y).div(b).neg() : null,
]);
/**
 * aᵇ, broadcast. d/da = b·aᵇ⁻¹, taken as 0 where b = 0 (also at a = 0); d/db = aᵇ·ln a, taken
 * as 0 where a = 0 and b ≥ 0: PyTorch's values at those points. The masked branches run on
 * safe inputs, so no 0·∞ leaks into higher derivatives either.
 * @function
 */
export const pow = binary('pow', 'arith', (dy, a, b, y, needs) => [
  needs[0] ? powBaseGrad(dy, a, b) : null,
  needs[1] ? powExponentGrad(dy, a, b, y) : null,
]);

function powBaseGrad(dy: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return b === 0 ? dy.mul(0) : dy.mul(b).mul(pow(a, b - 1));
  const zero = b.eq(0);
  return where(zero, 0, dy.mul(b).mul(pow(a, where(zero, 1, b).sub(1))));
}

function powExponentGrad(dy: Tensor, a: TensorLike, b: TensorLike, y: Tensor): Tensor {
  if (typeof a === 'number') return a === 0 ? dy.mul(0) : dy.mul(y).mul(Math.log(a));
  const zero = a.eq(0);
  return where(zero.mul(ge(b, 0)), 0, dy.mul(y).mul(where(zero, 1, a).log()));
}
/**
 * Element-wise maximum; on ties each side gets half the gradient (as PyTorch).
 * @function
 */
export const maximum = binary('maximum', 'arith', (dy, a, b) => splitByOrder(dy, a, b));
/**
 * Element-wise minimum; on ties each side gets half the gradient (as PyTorch).
 * @function
 */
export const minimum = binary('minimum', 'arith', (dy, a, b) => splitByOrder(dy, b, a));

function splitByOrder(dy: Tensor, winner: TensorLike, loser: TensorLike): Grads {
  const half = eq(winner, loser).mul(0.5);
  return [dy.mul(gt(winner, loser).add(half)), dy.mul(gt(loser, winner).add(half))];
}

/**
 * a == b, element-wise (bool, not differentiable).
 * @example
 * ```ts
 * ad.tensor([1, 2]).eq(ad.tensor([1, 3]))  // bool [true, false]
 * ```
 * @function
 */
export const eq = binary('eq', 'compare', null);
/**
 * a != b, element-wise (bool).
 * @example
 * ```ts
 * ad.tensor([1, 2]).ne(2)  // bool [true, false]
 * ```
 * @function
 */
export const ne = binary('ne', 'compare', null);
/**
 * a < b, element-wise (bool).
 * @example
 * ```ts
 * ad.tensor([1, 2]).lt(2)  // bool [true, false]
 * ```
 * @function
 */
export const lt = binary('lt', 'compare', null);
/**
 * a ≤ b, element-wise (bool).
 * @example
 * ```ts
 * ad.tensor([1, 2]).le(2)  // bool [true, true]
 * ```
 * @function
 */
export const le = binary('le', 'compare', null);
/**
 * a > b, element-wise (bool).
 * @example
 * ```ts
 * ad.tensor([1, 2]).gt(1)  // bool [false, true]
 * ```
 * @function
 */
export const gt = binary('gt', 'compare', null);
/**
 * a ≥ b, element-wise (bool).
 * @example
 * ```ts
 * ad.tensor([1, 2]).ge(1)  // bool [true, true]
 * ```
 * @function
 */
export const ge = binary('ge', 'compare', null);

/**
 * `cond ? a : b` element-wise, all three broadcast; the gradient goes to the chosen side.
 * @example
 * ```ts
 * ad.where(x.gt(0), x, x.mul(0.1))  // a leaky ReLU
 * ```
 */
export function where(cond: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  if (trace.on && trace.entering !== where) return traced(where, [cond, x, y]);
  const c = toTensor('where', cond);
  const a = toTensor('where', x, y instanceof Tensor ? y : undefined);
  const b = toTensor('where', y, a);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
  const out = new Tensor(allocate(promoteTypes(a.dtype, b.dtype), sizeOfShape(shape)), shape);
  const operand = (t: Tensor) => ({
    data: t.storage.data,
    offset: t.offset,
    strides: stridesIn(t.shape, t.strides, shape),
  });
  select3(operand(c), operand(a), operand(b), out.data, shape);
  return record('where', [c, a, b], out, (dy, needs) => [
    null,
    needs[1] ? where(c, dy, 0) : null,
    needs[2] ? where(c, 0, dy) : null,
  ]);
}
