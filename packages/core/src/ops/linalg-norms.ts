// ad.linalg's norms and products: vector and matrix norms, the cross product, integer matrix
// powers (composites, so their gradients come from their ops'), and the matrix exponential.
import { checkBool, checkOptions, show } from '../args';
import { fmt, ShapeError, ValueError } from '../errors';
import { expmInto } from '../kernels/index';
import { noGrad } from '../tape';
import { broadcastShapes } from '../shape';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { eye, zeros } from './creation';
import { inv } from './linalg';
import { svdvals } from './linalg-svd';
import { squareMatrices } from './matrix-args';
import { cat, stack } from './movement';
import type { OpName } from './names';
import { named, record } from './op';
import { norm } from './reduce';

/**
 * The vector `ord`-norm of x over `dim` (all elements when omitted): PyTorch's
 * `linalg.vector_norm` (ord 2 by default; ±∞, 0 and any p > 0 as `norm`).
 * @example
 * ad.linalg.vectorNorm(ad.tensor([3, 4]))  // 5
 */
export function vectorNorm(
  x: Tensor,
  ord = 2,
  dim?: number | number[],
  opts?: { keepdim?: boolean } | boolean,
): Tensor {
  if (trace.on && trace.entering !== vectorNorm) return traced(vectorNorm, [x, ord, dim, opts]);
  return named('linalg.vectorNorm', () => norm(x, ord, dim, opts));
}

/**
 * The matrix norm of each matrix over `dim` (the last two): 'fro' (default), 'nuc' (the sum of
 * the singular values), 2 and −2 (the largest and smallest), 1 and −1 (the largest and
 * smallest column sum of |a|), ∞ and −∞ (row sums).
 * @example
 * ad.linalg.matrixNorm(ad.tensor([[1, -2], [3, 4]]), 1)  // 6
 */
export function matrixNorm(
  A: Tensor,
  ord: 'fro' | 'nuc' | number = 'fro',
  dim: [number, number] = [-2, -1],
  opts: { keepdim?: boolean } = {},
): Tensor {
  if (trace.on && trace.entering !== matrixNorm) return traced(matrixNorm, [A, ord, dim, opts]);
  const op = 'linalg.matrixNorm';
  if (!(A instanceof Tensor) || A.ndim < 2)
    throw new ShapeError(
      op,
      `A must be matrices (…, m, n), got ${A instanceof Tensor ? fmt(A.shape) : show(A)}`,
    );
  const keepdim = checkBool(op, 'keepdim', checkOptions(op, opts, ['keepdim']).keepdim ?? false);
  if (!Array.isArray(dim) || dim.length !== 2)
    throw new ValueError(op, `dim must be two dims, got ${show(dim)}`);
  const [r, c] = dim.map((d) => normalize(op, d, A.ndim));
  if (r === c) throw new ValueError(op, `dim must be two different dims, got ${show(dim)}`);
  if (
    ord !== 'fro' &&
    ord !== 'nuc' &&
    ![1, -1, 2, -2, Infinity, -Infinity].includes(ord as number)
  )
    throw new ValueError(
      op,
      `ord ${show(ord)} is not supported: use 'fro', 'nuc', ±1, ±2 or ±Infinity`,
    );
  return named(op, () => {
    if (ord === 'fro') return A.square().sum([r, c], keepdim).sqrt();
    if (ord === 'nuc' || ord === 2 || ord === -2) {
      // singular values of the matrices spanned by dims r and c, moved last
      const rest = A.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
      const moved = A.permute([...rest, r, c]);
      const s = svdvals(moved);
      const v = ord === 'nuc' ? s.sum(-1) : ord === 2 ? s.amax(-1) : s.amin(-1);
      return keepdim ? v.unsqueeze(Math.min(r, c)).unsqueeze(Math.max(r, c)) : v;
    }
    const abs = A.abs();
    // ord ±1 sums down each column (over r), ±∞ along each row (over c), then takes max or min
    const [summed, across] = ord === 1 || ord === -1 ? [r, c] : [c, r];
    const sums = abs.sum(summed, true);
    const extreme = (ord as number) > 0 ? sums.amax(across, true) : sums.amin(across, true);
    return keepdim ? extreme : extreme.squeeze(Math.max(r, c)).squeeze(Math.min(r, c));
  });
}

function normalize(op: OpName, d: unknown, ndim: number): number {
  if (!Number.isInteger(d) || (d as number) < -ndim || (d as number) >= ndim)
    throw new ValueError(op, `dim ${show(d)} is out of range for ${ndim} dims`);
  return (d as number) < 0 ? (d as number) + ndim : (d as number);
}

/**
 * The cross product of 3-vectors along `dim` (default −1), a and b broadcast.
 * @example
 * ad.linalg.cross(ad.tensor([1, 0, 0]), ad.tensor([0, 1, 0]))  // [0, 0, 1]
 */
export function cross(a: Tensor, b: Tensor, dim = -1): Tensor {
  if (trace.on && trace.entering !== cross) return traced(cross, [a, b, dim]);
  const op = 'linalg.cross';
  if (!(a instanceof Tensor) || !(b instanceof Tensor))
    throw new ValueError(op, 'a and b must be Tensors');
  const shape = broadcastShapes(op, a.shape, b.shape);
  const d = normalize(op, dim, shape.length);
  if (shape[d] !== 3) throw new ShapeError(op, `dim ${dim} must have size 3, got ${fmt(shape)}`);
  return named(op, () => {
    const [x, y] = [a.expand(shape), b.expand(shape)];
    const at = (t: Tensor, i: number) => t.select(d, i);
    const part = (i: number, j: number) =>
      at(x, i)
        .mul(at(y, j))
        .sub(at(x, j).mul(at(y, i)));
    return stack([part(1, 2), part(2, 0), part(0, 1)], d);
  });
}

/**
 * Aⁿ for an integer n (A⁰ = I; a negative n inverts A first), by repeated squaring.
 * @example
 * ad.linalg.matrixPower(ad.tensor([[1, 1], [0, 1]]), 3)  // [[1, 3], [0, 1]]
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  if (trace.on && trace.entering !== matrixPower) return traced(matrixPower, [A, n]);
  const op = 'linalg.matrixPower';
  const size = squareMatrices(op, A);
  if (!Number.isInteger(n) || Math.abs(n) > 2 ** 31)
    throw new ValueError(op, `n must be an integer, got ${show(n)}`);
  return named(op, () => {
    let base = n < 0 ? inv(A) : A;
    let result: Tensor | null = null;
    for (let k = Math.abs(n); k > 0; k = Math.floor(k / 2)) {
      if (k % 2 === 1) result = result === null ? base : result.matmul(base);
      if (k > 1) base = base.matmul(base);
    }
    return result ?? eye(size, size, { dtype: A.dtype }).expand(A.shape).clone();
  });
}

/**
 * e^A of each square matrix (batched), by scaling and squaring a Taylor series. Its gradient
 * is the adjoint of the Fréchet derivative: the top-right block of e^M, M = [[Aᵀ, G], [0, Aᵀ]],
 * so it differentiates again through matrixExp itself.
 * @example
 * ad.linalg.matrixExp(ad.tensor([[0, 1], [0, 0]]))  // [[1, 1], [0, 1]]
 */
export function matrixExp(A: Tensor): Tensor {
  if (trace.on && trace.entering !== matrixExp) return traced(matrixExp, [A]);
  const op = 'linalg.matrixExp';
  const n = squareMatrices(op, A);
  const src = noGrad(() => A.contiguous());
  const y = zeros(A.shape, { dtype: A.dtype });
  expmInto(src.data, A.size / (n * n), n, y.data);
  return record(op, [A], y, (g) => {
    const top = cat([A.mT, g], -1);
    const bottom = cat([zeros(A.shape, { dtype: g.dtype }), A.mT], -1);
    return [
      matrixExp(cat([top, bottom], -2))
        .narrow(-2, 0, n)
        .narrow(-1, n, n),
    ];
  });
}
