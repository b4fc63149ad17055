// What the linear algebra ops share: their argument check, and completing a basis.
import { show } from '../args';
import { isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { zeros } from './creation';
import { cat } from './movement';
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

/** U (m×n) completed with an orthonormal basis of its complement; only the first n columns carry gradient. */
export function complete(U: Tensor, m: number, n: number): Tensor {
  const extra = noGrad(() => {
    const basis = zeros([...U.shape.slice(0, -2), m, m - n], { dtype: U.dtype });
    const [u, out] = [U.contiguous().data, basis.data];
    const count = U.size / (m * n);
    for (let t = 0; t < count; t++) {
      const cols: Float64Array[] = [];
      for (let j = 0; j < n; j++)
        cols.push(Float64Array.from({ length: m }, (_, i) => u[t * m * n + i * n + j]));
      for (let e = 0; e < m && cols.length < m; e++) {
        const c = new Float64Array(m);
        c[e] = 1;
        for (const b of cols) {
          const dot = b.reduce((s, x, i) => s + x * c[i], 0);
          for (let i = 0; i < m; i++) c[i] -= dot * b[i];
        }
        const norm = Math.hypot(...c);
        if (norm < 1e-6) continue;
        for (let i = 0; i < m; i++) c[i] /= norm;
        cols.push(c);
        const k = cols.length - 1 - n;
        for (let i = 0; i < m; i++) out[t * m * (m - n) + i * (m - n) + k] = c[i];
      }
    }
    return basis;
  });
  return cat([U, extra], -1);
}
