// ad.linalg: factorizations and solves of square matrices, batched over leading dims (which
// broadcast between operands), with PyTorch's gradients written with ops, so they
// differentiate again. A matrix that cannot be factored is a named error, never a NaN
// passed on quietly — except where PyTorch too gives ±∞/NaN (a triangular solve with a zero
// on the diagonal, the log-determinant of a singular matrix).
import { checkBool, checkOptions, show } from '../args';
import { isFloat, promoteTypes } from '../dtype';
import { AutogradError, DTypeError, fmt, ShapeError, ValueError } from '../errors';
import {
  choleskyInPlace,
  eighInto,
  luInPlace,
  luSolveInPlace,
  qrInto,
  triangularSolveInPlace,
} from '../kernels/index';
import { broadcastShapes, shapesEqual } from '../shape';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { eye, zeros } from './creation';
import { tril, triu } from './mask';
import { diagEmbed } from './reorder';
import { cat } from './movement';
import { complete, squareMatrices } from './matrix-args';
import { named, record } from './op';
import type { OpName } from './names';

/** `[Q, R]`, also by name: PyTorch's `qr` result. */
export type QR = [Tensor, Tensor] & { Q: Tensor; R: Tensor };

/** `[eigenvalues, eigenvectors]`, also by name: PyTorch's `eigh` result. */
export type Eigh = [Tensor, Tensor] & { eigenvalues: Tensor; eigenvectors: Tensor };

/** `[sign, logabsdet]`, also by name: PyTorch's `slogdet` result. */
export type SignLogAbsDet = [Tensor, Tensor] & { sign: Tensor; logabsdet: Tensor };

/** A contiguous copy of `t` broadcast to `shape`, in `dtype`: what the in-place kernels write. */
function workingCopy(t: Tensor, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  return noGrad(() =>
    t
      .expand([...shape])
      .cast(dtype)
      .clone(),
  );
}

function count(batch: readonly number[]): number {
  return batch.reduce((n, d) => n * d, 1);
}

/**
 * The lower Cholesky factor L of symmetric positive-definite A = L·Lᵀ (Lᵀ with `upper`);
 * only A's lower triangle is read. Not positive-definite: a ValueError naming the order of
 * the leading minor that is not. Gradient as PyTorch's (symmetric in A).
 * @example
 * ad.linalg.cholesky(ad.tensor([[4, 2], [2, 3]]))  // [[2, 0], [1, 1.414…]]
 */
export function cholesky(A: Tensor, opts: { upper?: boolean } = {}): Tensor {
  if (trace.on && trace.entering !== cholesky) return traced(cholesky, [A, opts]);
  const op = 'linalg.cholesky';
  const n = squareMatrices(op, A);
  const { upper = false } = checkOptions(op, opts, ['upper']);
  checkBool(op, 'upper', upper);
  const L = workingCopy(A, A.shape, A.dtype);
  const batch = A.shape.slice(0, -2);
  const failed = choleskyInPlace(L.data, count(batch), n);
  if (failed !== null) {
    const which = batch.length > 0 ? ` of matrix ${failed[0]}` : '';
    throw new ValueError(
      op,
      `the input is not positive-definite: the leading minor of order ${failed[1]}${which} is not positive`,
    );
  }
  const y = record(op, [A], L, (gL) => [choleskyBackward(L, gL)]);
  return upper ? y.mT : y;
}

// PyTorch's rule: with P = tril(Lᵀ·gL), gA = L⁻ᵀ·½(P + tril(P, −1)ᵀ)·L⁻¹
function choleskyBackward(L: Tensor, gL: Tensor): Tensor {
  const P = tril(L.mT.matmul(gL));
  const S = P.add(tril(P, -1).mT).mul(0.5);
  const X = solveTriangular(L.mT, S, { upper: true });
  return solveTriangular(L, X, { upper: false, left: false });
}

/** Options of `solveTriangular`: `upper` is required, as in PyTorch. */
export interface SolveTriangularOptions {
  /** A is upper triangular (else lower); the other triangle is not read. */
  upper: boolean;
  /** Solve A·X = B (default), or X·A = B when false. */
  left?: boolean;
  /** Take A's diagonal as ones without reading it. */
  unitriangular?: boolean;
}

/**
 * X with A·X = B (X·A = B when `left` is false), A triangular; batch dims broadcast. A zero
 * on A's diagonal gives ±∞ or NaN, as in PyTorch.
 * @example
 * ad.linalg.solveTriangular(ad.tensor([[2, 0], [1, 1]]), ad.tensor([[2], [3]]), { upper: false })
 * // [[1], [2]]
 */
export function solveTriangular(A: Tensor, B: Tensor, opts: SolveTriangularOptions): Tensor {
  if (trace.on && trace.entering !== solveTriangular) return traced(solveTriangular, [A, B, opts]);
  const op = 'linalg.solveTriangular';
  const n = squareMatrices(op, A);
  const o = checkOptions(op, opts, ['upper', 'left', 'unitriangular']);
  if (o.upper === undefined) throw new ValueError(op, 'the upper option is required');
  const upper = checkBool(op, 'upper', o.upper);
  const left = checkBool(op, 'left', o.left ?? true);
  const unit = checkBool(op, 'unitriangular', o.unitriangular ?? false);
  squareOrRhs(op, B);
  if (!left)
    return named(op, () => solveTriangular(A.mT, B.mT, { upper: !upper, unitriangular: unit }).mT);
  const { batch, k, dtype } = rhs(op, A, B, n);
  const a = workingCopy(A, [...batch, n, n], dtype);
  const x = workingCopy(B, [...batch, n, k], dtype);
  triangularSolveInPlace(a.data, x.data, count(batch), n, k, upper, unit);
  return record(op, [A, B], x, (gX, needs) => {
    const gB = solveTriangular(A.mT, gX, { upper: !upper, unitriangular: unit });
    if (!needs[0]) return [null, gB];
    const gA = gB.matmul(x.mT).neg();
    return [upper ? triu(gA, unit ? 1 : 0) : tril(gA, unit ? -1 : 0), gB];
  });
}

function squareOrRhs(op: OpName, B: unknown): asserts B is Tensor {
  if (!(B instanceof Tensor)) throw new ValueError(op, `B must be a Tensor, got ${show(B)}`);
  if (!isFloat(B.dtype)) throw new DTypeError(op, `B must be float32 or float64, got ${B.dtype}`);
  if (B.ndim < 2) throw new ShapeError(op, `B must be matrices (…, n, k), got ${fmt(B.shape)}`);
}

/** The broadcast batch, B's column count and the result dtype of A·X = B. */
function rhs(op: OpName, A: Tensor, B: Tensor, n: number) {
  if (B.shape[B.ndim - 2] !== n)
    throw new ShapeError(
      op,
      `A ${fmt(A.shape)} and B ${fmt(B.shape)}: B must have ${n} rows, as A has`,
    );
  const batch = broadcastShapes(op, A.shape.slice(0, -2), B.shape.slice(0, -2));
  return { batch, k: B.shape[B.ndim - 1], dtype: promoteTypes(A.dtype, B.dtype) };
}

/**
 * X with A·X = B (X·A = B when `left` is false), by LU with partial pivoting; B may be a
 * vector (…, n), as in PyTorch. A singular matrix is a ValueError.
 * @example
 * ad.linalg.solve(ad.tensor([[3, 1], [1, 2]]), ad.tensor([9, 8]))  // [2, 3]
 */
export function solve(A: Tensor, B: Tensor, opts: { left?: boolean } = {}): Tensor {
  if (trace.on && trace.entering !== solve) return traced(solve, [A, B, opts]);
  const op = 'linalg.solve';
  const n = squareMatrices(op, A);
  const left = checkBool(op, 'left', checkOptions(op, opts, ['left']).left ?? true);
  if (!(B instanceof Tensor)) throw new ValueError(op, `B must be a Tensor, got ${show(B)}`);
  const vector =
    B.ndim === 1 || (B.ndim === A.ndim - 1 && shapesEqual(B.shape, A.shape.slice(0, -1)));
  if (vector && left) return named(op, () => solve(A, B.unsqueeze(-1)).squeeze(-1));
  squareOrRhs(op, B);
  if (!left) return named(op, () => solve(A.mT, B.mT).mT);
  const { batch, k, dtype } = rhs(op, A, B, n);
  const lu = workingCopy(A, [...batch, n, n], dtype);
  const x = workingCopy(B, [...batch, n, k], dtype);
  const pivots = new Int32Array(count(batch) * n);
  const singular = luInPlace(lu.data, count(batch), n, pivots).indexOf(0);
  if (singular >= 0)
    throw new ValueError(
      op,
      `the matrix${batch.length > 0 ? ` ${singular} of the batch` : ''} is singular: it has no inverse`,
    );
  luSolveInPlace(lu.data, pivots, x.data, count(batch), n, k);
  return record(op, [A, B], x, (gX, needs) => {
    const gB = solve(A.mT, gX);
    return [needs[0] ? gB.matmul(x.mT).neg() : null, gB];
  });
}

/**
 * A⁻¹ (batched). A singular matrix is a ValueError.
 * @example
 * ad.linalg.inv(ad.tensor([[2, 0], [0, 4]]))  // [[0.5, 0], [0, 0.25]]
 */
export function inv(A: Tensor): Tensor {
  if (trace.on && trace.entering !== inv) return traced(inv, [A]);
  const n = squareMatrices('linalg.inv', A);
  return named('linalg.inv', () => solve(A, eye(n, n, { dtype: A.dtype }).expand(A.shape)));
}

/** Each matrix's LU factors: the permutation signs (0 where singular) and U's diagonal. */
function factor(A: Tensor, n: number): { signs: number[]; lu: Tensor } {
  const lu = workingCopy(A, A.shape, A.dtype);
  const signs = luInPlace(lu.data, count(A.shape.slice(0, -2)), n, new Int32Array(lu.size / n));
  return { signs, lu };
}

/**
 * det A (batched). Its gradient is det·A⁻ᵀ, and at a singular matrix the cofactor matrix
 * (there it does not differentiate again).
 * @example
 * ad.linalg.det(ad.tensor([[1, 2], [3, 4]]))  // -2
 */
export function det(A: Tensor): Tensor {
  if (trace.on && trace.entering !== det) return traced(det, [A]);
  const n = squareMatrices('linalg.det', A);
  const { signs, lu } = factor(A, n);
  const y = noGrad(() => lu.diagonal(0, -2, -1).prod(-1));
  const d = y.data;
  signs.forEach((s, b) => (d[b] *= s));
  return record('linalg.det', [A], y, (g) => {
    const gy = g.unsqueeze(-1).unsqueeze(-1);
    if (signs.every((s) => s !== 0)) return [gy.mul(y.unsqueeze(-1).unsqueeze(-1)).mul(inv(A).mT)];
    return [gy.mul(cofactors(A, n))];
  });
}

/** The cofactor matrix of each matrix (det of each minor, signed), without recording. */
function cofactors(A: Tensor, n: number): Tensor {
  return noGrad(() => {
    const out = workingCopy(A, A.shape, A.dtype);
    const src = workingCopy(A, A.shape, A.dtype).data;
    const m = n - 1;
    const minor = new Float64Array(Math.max(m * m, 1));
    const pivots = new Int32Array(Math.max(m, 1));
    for (let b = 0; b < out.size / (n * n); b++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let q = 0;
          for (let r = 0; r < n; r++)
            for (let c = 0; c < n; c++)
              if (r !== i && c !== j) minor[q++] = src[b * n * n + r * n + c];
          let value = m === 0 ? 1 : luInPlace(minor, 1, m, pivots)[0];
          for (let t = 0; t < m; t++) value *= minor[t * m + t];
          out.data[b * n * n + i * n + j] = (i + j) % 2 === 0 ? value : -value;
        }
      }
    }
    return out;
  });
}

/**
 * sign(det A) and log|det A| (batched), PyTorch's `slogdet`: accurate where det itself would
 * under- or overflow. A singular matrix gives sign 0 and −∞; the gradient of log|det A| is
 * A⁻ᵀ (not defined at a singular matrix: its backward is a ValueError there).
 * @example
 * const { sign, logabsdet } = ad.linalg.slogdet(ad.tensor([[1, 2], [3, 4]]));  // -1, ln 2
 */
export function slogdet(A: Tensor): SignLogAbsDet {
  if (trace.on && trace.entering !== slogdet) return traced(slogdet, [A]);
  const n = squareMatrices('linalg.slogdet', A);
  const { signs, lu } = factor(A, n);
  const diagonal = noGrad(() => lu.diagonal(0, -2, -1));
  const sign = noGrad(() => diagonal.sign().prod(-1));
  const logabsdet = noGrad(() => diagonal.abs().log().sum(-1));
  signs.forEach((s, b) => (sign.data[b] *= s));
  const y = record('linalg.slogdet', [A], logabsdet, (g) => [
    g.unsqueeze(-1).unsqueeze(-1).mul(inv(A).mT),
  ]);
  return Object.assign([sign, y] as [Tensor, Tensor], { sign, logabsdet: y });
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric matrices, read
 * from their lower triangles: A = V·diag(λ)·Vᵀ. Each eigenvector's largest component is
 * positive. The gradient is PyTorch's, gauge-invariant (it sees only the part of V's
 * gradient that a sign change of a vector cannot change); it is infinite where two
 * eigenvalues coincide and the eigenvectors are used, as in PyTorch.
 * @example
 * const { eigenvalues } = ad.linalg.eigh(ad.tensor([[2, 1], [1, 2]]));  // [1, 3]
 */
export function eigh(A: Tensor): Eigh {
  if (trace.on && trace.entering !== eigh) return traced(eigh, [A]);
  const op = 'linalg.eigh';
  const n = squareMatrices(op, A);
  const batch = A.shape.slice(0, -2);
  const src = workingCopy(A, A.shape, A.dtype);
  // both results in one tensor on the tape: row 0 the eigenvalues, then the eigenvectors
  const both = zeros([...batch, n + 1, n], { dtype: A.dtype });
  const values = new Float64Array(count(batch) * n);
  const vectors = new Float64Array(count(batch) * n * n);
  eighInto(src.data, count(batch), n, values, vectors);
  const out = both.data;
  for (let t = 0; t < count(batch); t++) {
    out.set(values.subarray(t * n, (t + 1) * n), t * (n + 1) * n);
    out.set(vectors.subarray(t * n * n, (t + 1) * n * n), t * (n + 1) * n + n);
  }
  const y = record(op, [A], both, (g) => {
    const [L, V] = [y.select(-2, 0), y.narrow(-2, 1, n)];
    const [gL, gV] = [g.select(-2, 0), g.narrow(-2, 1, n)];
    const M = V.mT.matmul(gV);
    const skew = M.sub(M.mT).mul(0.5);
    const I = eye(n, n, { dtype: A.dtype });
    const gaps = L.unsqueeze(-2).sub(L.unsqueeze(-1)).add(I); // λj − λi, 1 on the diagonal
    const inner = skew.div(gaps).mul(I.neg().add(1)).add(diagEmbed(gL));
    return [V.matmul(inner).matmul(V.mT)];
  });
  const eigenvalues = y.select(-2, 0);
  const eigenvectors = y.narrow(-2, 1, n);
  return Object.assign([eigenvalues, eigenvectors] as [Tensor, Tensor], {
    eigenvalues,
    eigenvectors,
  });
}

/**
 * The eigenvalues of symmetric matrices, ascending (from their lower triangles).
 * @example
 * ad.linalg.eigvalsh(ad.tensor([[2, 1], [1, 2]]))  // [1, 3]
 */
export function eigvalsh(A: Tensor): Tensor {
  if (trace.on && trace.entering !== eigvalsh) return traced(eigvalsh, [A]);
  return named('linalg.eigvalsh', () => eigh(A).eigenvalues);
}

/**
 * The QR decomposition A = Q·R of each m×n matrix (Householder, with LAPACK's signs on R's
 * diagonal), k = min(m, n): `mode` 'reduced' (default) gives Q m×k with orthonormal columns
 * and R k×n upper triangular; 'complete' Q m×m orthogonal and R m×n (not differentiable when
 * m > n, as in PyTorch); 'r' only R (Q is empty; differentiable here, unlike PyTorch's).
 * Gradient as PyTorch's; for m < n, through the QR of the first m columns.
 * @example
 * const { Q, R } = ad.linalg.qr(ad.tensor([[3, 1], [4, 2]]));  // Q·R = A
 */
export function qr(A: Tensor, opts: { mode?: 'reduced' | 'complete' | 'r' } = {}): QR {
  if (trace.on && trace.entering !== qr) return traced(qr, [A, opts]);
  const op = 'linalg.qr';
  if (!(A instanceof Tensor)) throw new ValueError(op, `A must be a Tensor, got ${show(A)}`);
  if (!isFloat(A.dtype)) throw new DTypeError(op, `A must be float32 or float64, got ${A.dtype}`);
  if (A.ndim < 2) throw new ShapeError(op, `A must be matrices (…, m, n), got ${fmt(A.shape)}`);
  const { mode = 'reduced' } = checkOptions(op, opts, ['mode']);
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r')
    throw new ValueError(op, `mode must be 'reduced', 'complete' or 'r', got ${show(mode)}`);
  if (mode !== 'reduced') return named(op, () => otherMode(A, mode));
  const [m, n] = A.shape.slice(-2);
  if (m < n) {
    // A = [X Y] with X square: X = Q·U, and R = [U, Qᵀ·Y]
    return named(op, () => {
      const { Q, R: U } = qr(A.narrow(-1, 0, m));
      const R = cat([U, Q.mT.matmul(A.narrow(-1, m, n - m))], -1);
      return Object.assign([Q, R] as [Tensor, Tensor], { Q, R });
    });
  }
  const batch = A.shape.slice(0, -2);
  const src = workingCopy(A, A.shape, A.dtype);
  // Q and R side by side in one flat tensor on the tape, so that one pullback serves both
  const both = zeros([...batch, m * n + n * n], { dtype: A.dtype });
  const q = new Float64Array(count(batch) * m * n);
  const r = new Float64Array(count(batch) * n * n);
  qrInto(src.data, count(batch), m, n, q, r);
  const out = both.data;
  for (let t = 0; t < count(batch); t++) {
    const o = t * (m * n + n * n);
    out.set(q.subarray(t * m * n, (t + 1) * m * n), o);
    out.set(r.subarray(t * n * n, (t + 1) * n * n), o + m * n);
  }
  const parts = (t: Tensor) => [
    t.narrow(-1, 0, m * n).reshape([...batch, m, n]),
    t.narrow(-1, m * n, n * n).reshape([...batch, n, n]),
  ];
  const y = record(op, [A], both, (g) => {
    // M = R·gRᵀ − gQᵀ·Q; gA = (gQ + Q·copyltu(M))·R⁻ᵀ, copyltu: M's lower triangle mirrored
    const [Q, R] = parts(y);
    const [gQ, gR] = parts(g);
    const M = R.matmul(gR.mT).sub(gQ.mT.matmul(Q));
    const mirrored = tril(M).add(tril(M, -1).mT);
    const B = gQ.add(Q.matmul(mirrored));
    return [solveTriangular(R.mT, B, { upper: false, left: false })];
  });
  const [Q, R] = parts(y);
  return Object.assign([Q, R] as [Tensor, Tensor], { Q, R });
}

/** qr's 'r' and 'complete' modes, from the reduced one. */
function otherMode(A: Tensor, mode: 'complete' | 'r'): QR {
  const [m, n] = A.shape.slice(-2);
  const { Q, R } = qr(A);
  const pack = (q: Tensor, r: Tensor) => Object.assign([q, r] as [Tensor, Tensor], { Q: q, R: r });
  if (mode === 'r') return pack(zeros([0], { dtype: A.dtype }), R);
  if (m <= n) return pack(Q, R);
  // Q's complement is not a function of A that has a derivative (PyTorch refuses it too)
  const full = record('linalg.qr', [A], complete(Q.detach(), m, n), () => {
    throw new AutogradError(
      'linalg.qr',
      `mode 'complete' is not differentiable when A has more rows than columns (${m} > ${n}); use mode 'reduced'`,
    );
  });
  const rows = cat([R, zeros([...R.shape.slice(0, -2), m - n, n], { dtype: R.dtype })], -2);
  return pack(full, rows);
}
