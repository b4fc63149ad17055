// The argument check the linear algebra ops share.
import { show } from '../args';
import { isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import type { OpName } from './names';

/** A floating tensor of square matrices (…, n, n); returns n. */
export function squareMatrices(op: OpName, a: unknown, what = 'A'): number {
  if (!(a instanceof Tensor)) throw new ValueError(op, `${what} must be a Tensor, got ${show(a)}`);
  if (!isFloat(a.dtype))
    throw new DTypeError(op, `${what} must be float32 or float64, got ${a.dtype}`);
  const [r, c] = a.shape.slice(-2);
  if (a.ndim < 2 || r !== c)
    throw new ShapeError(op, `${what} must be square matrices (…, n, n), got ${fmt(a.shape)}`);
  return r;
}
