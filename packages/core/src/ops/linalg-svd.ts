// ad.linalg's singular value decomposition and what is built on it: svdvals, pinv.
import { checkBool, checkOptions, show } from '../args';
import { isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { svdInto } from '../kernels/index';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { eye, zeros } from './creation';
import { diagEmbed } from './reorder';
import { where } from './binary';
import { complete } from './matrix-args';
import { named, record } from './op';

/** `[U, S, Vh]`, also by name: PyTorch's `svd` result. */
export type SVD = [Tensor, Tensor, Tensor] & { U: Tensor; S: Tensor; Vh: Tensor };

function matrices(op: 'linalg.svd' | 'linalg.pinv' | 'linalg.lstsq', A: unknown): [number, number] {
  if (!(A instanceof Tensor)) throw new ValueError(op, `A must be a Tensor, got ${show(A)}`);
  if (!isFloat(A.dtype)) throw new DTypeError(op, `A must be float32 or float64, got ${A.dtype}`);
  if (A.ndim < 2) throw new ShapeError(op, `A must be matrices (…, m, n), got ${fmt(A.shape)}`);
  return A.shape.slice(-2) as [number, number];
}

/**
 * The singular value decomposition A = U·diag(S)·Vh of each m×n matrix (one-sided Jacobi,
 * accurate for small singular values): S descending, and — with `fullMatrices: false` — U
 * m×k and Vh k×n, k = min(m, n). PyTorch's default, `fullMatrices: true`, completes U and
 * Vh to square orthogonal matrices (differentiable only where they are square, as in
 * PyTorch). The gradient is PyTorch's gauge-invariant rule; it is infinite where two
 * singular values coincide and the singular vectors are used.
 * @example
 * ad.linalg.svd(ad.tensor([[3, 0], [0, -2]])).S  // [3, 2]
 */
export function svd(A: Tensor, opts: { fullMatrices?: boolean } = {}): SVD {
  if (trace.on && trace.entering !== svd) return traced(svd, [A, opts]);
  const op = 'linalg.svd';
  const [m, n] = matrices(op, A);
  const full = checkBool(
    op,
    'fullMatrices',
    checkOptions(op, opts, ['fullMatrices']).fullMatrices ?? true,
  );
  if (m < n)
    // Aᵀ = U'·S·V'ᵀ, so A = V'·S·U'ᵀ
    return named(op, () => {
      const t = svd(A.mT, { fullMatrices: full });
      return result(t.Vh.mT, t.S, t.U.mT);
    });
  const thin = reduced(A, m, n);
  if (!full || m === n) return thin;
  return named(op, () => result(complete(thin.U, m, n), thin.S, thin.Vh));
}

function result(U: Tensor, S: Tensor, Vh: Tensor): SVD {
  return Object.assign([U, S, Vh] as [Tensor, Tensor, Tensor], { U, S, Vh });
}

/** The thin SVD of tall matrices (m ≥ n), recorded as one flat tensor: U, then S, then V. */
function reduced(A: Tensor, m: number, n: number): SVD {
  const batch = A.shape.slice(0, -2);
  const count = A.size / (m * n);
  const size = m * n + n + n * n;
  const both = zeros([...batch, size], { dtype: A.dtype });
  const src = noGrad(() => A.contiguous());
  const [u, s, v] = [
    new Float64Array(count * m * n),
    new Float64Array(count * n),
    new Float64Array(count * n * n),
  ];
  svdInto(src.data, count, m, n, u, s, v);
  for (let t = 0; t < count; t++) {
    both.data.set(u.subarray(t * m * n, (t + 1) * m * n), t * size);
    both.data.set(s.subarray(t * n, (t + 1) * n), t * size + m * n);
    both.data.set(v.subarray(t * n * n, (t + 1) * n * n), t * size + m * n + n);
  }
  const parts = (x: Tensor): [Tensor, Tensor, Tensor] => [
    x.narrow(-1, 0, m * n).reshape([...batch, m, n]),
    x.narrow(-1, m * n, n),
    x.narrow(-1, m * n + n, n * n).reshape([...batch, n, n]),
  ];
  const y = record('linalg.svd', [A], both, (g) => {
    // Townsend's rule, as PyTorch's: with F_ij = 1/(s_j² − s_i²),
    // gA = U[(F∘(UᵀgU − gUᵀU))S + diag(gS) + S(F∘(VᵀgV − gVᵀV))]Vᵀ
    //      + (I − UUᵀ)·gU·S⁻¹·Vᵀ + U·S⁻¹·gVᵀ·(I − VVᵀ)
    const [U, S, V] = parts(y);
    const [gU, gS, gV] = parts(g);
    const I = eye(n, n, { dtype: A.dtype });
    const S2 = S.square();
    const F = I.neg()
      .add(1)
      .div(S2.unsqueeze(-2).sub(S2.unsqueeze(-1)).add(I));
    const J = F.mul(U.mT.matmul(gU).sub(gU.mT.matmul(U)));
    const K = F.mul(V.mT.matmul(gV).sub(gV.mT.matmul(V)));
    const inner = J.mul(S.unsqueeze(-2))
      .add(diagEmbed(gS))
      .add(K.mul(S.unsqueeze(-1)));
    let gA = U.matmul(inner).matmul(V.mT);
    const inverse = S.reciprocal().unsqueeze(-2); // divides columns by s
    if (m > n)
      gA = gA.add(
        gU
          .sub(U.matmul(U.mT.matmul(gU)))
          .mul(inverse)
          .matmul(V.mT),
      );
    return [
      gA.add(
        U.mul(inverse)
          .matmul(gV.mT)
          .matmul(I.sub(V.matmul(V.mT))),
      ),
    ];
  });
  const [U, S, V] = parts(y);
  return result(U, S, V.mT);
}

/**
 * The singular values of each matrix, descending.
 * @example
 * ad.linalg.svdvals(ad.tensor([[3, 0], [0, -2]]))  // [3, 2]
 */
export function svdvals(A: Tensor): Tensor {
  if (trace.on && trace.entering !== svdvals) return traced(svdvals, [A]);
  return named('linalg.svdvals', () => svd(A, { fullMatrices: false }).S);
}

/**
 * The Moore–Penrose pseudo-inverse: V·diag(1/s)·Uᵀ over the singular values above
 * `rtol`·max(s) (default max(m, n)·ε of the dtype, as PyTorch); the others count as 0.
 * @example
 * ad.linalg.pinv(ad.tensor([[1, 0], [0, 0]]))  // [[1, 0], [0, 0]]
 */
export function pinv(A: Tensor, opts: { rtol?: number } = {}): Tensor {
  if (trace.on && trace.entering !== pinv) return traced(pinv, [A, opts]);
  const op = 'linalg.pinv';
  const [m, n] = matrices(op, A);
  const eps = A.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  const { rtol = Math.max(m, n) * eps } = checkOptions(op, opts, ['rtol']);
  if (typeof rtol !== 'number' || !(rtol >= 0))
    throw new ValueError(op, `rtol must be a number ≥ 0, got ${show(rtol)}`);
  return named(op, () => {
    const { U, S, Vh } = svd(A, { fullMatrices: false });
    const kept = S.gt(S.amax(-1, true).mul(rtol));
    // 1/s only where kept: a reciprocal of 0 would put NaN into the gradient
    const inverse = where(kept, where(kept, S, 1).reciprocal(), 0);
    return Vh.mT.mul(inverse.unsqueeze(-2)).matmul(U.mT);
  });
}

/** What `lstsq` returns, PyTorch's fields (`residuals` empty unless m > n and A has full rank). */
export interface Lstsq {
  solution: Tensor;
  residuals: Tensor;
  rank: Tensor;
  singularValues: Tensor;
}

/**
 * The least-squares solution X of A·X ≈ B, of minimum norm where A is rank-deficient (as
 * LAPACK's gelsd, PyTorch's choice for such inputs): X = pinv(A)·B; B may be a vector.
 * Also the squared residual per column (when m > n and A has full rank), A's rank and
 * singular values.
 * @example
 * ad.linalg.lstsq(ad.tensor([[1, 0], [0, 1], [1, 1]]), ad.tensor([1, 2, 3])).solution  // [1, 2]
 */
export function lstsq(A: Tensor, B: Tensor, opts: { rtol?: number } = {}): Lstsq {
  if (trace.on && trace.entering !== lstsq) return traced(lstsq, [A, B, opts]);
  const op = 'linalg.lstsq';
  const [m, n] = matrices(op, A);
  if (!(B instanceof Tensor)) throw new ValueError(op, `B must be a Tensor, got ${show(B)}`);
  const vector = B.ndim === A.ndim - 1;
  if (B.shape[vector ? B.ndim - 1 : B.ndim - 2] !== m)
    throw new ShapeError(op, `A ${fmt(A.shape)} and B ${fmt(B.shape)}: B must have ${m} rows`);
  // checked before anything is computed, so that a bad option records nothing
  const { rtol } = checkOptions(op, opts, ['rtol']);
  if (rtol !== undefined && (typeof rtol !== 'number' || !(rtol >= 0)))
    throw new ValueError(op, `rtol must be a number ≥ 0, got ${show(rtol)}`);
  return named(op, () => {
    const b = vector ? B.unsqueeze(-1) : B;
    const S = svdvals(A);
    const eps = A.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
    const rank = noGrad(() =>
      S.gt(S.amax(-1, true).mul(opts.rtol ?? Math.max(m, n) * eps)).sum(-1),
    );
    const X = pinv(A, opts).matmul(b);
    const fullRank = noGrad(() => rank.ne(n).sum().item()) === 0;
    const residuals =
      m > n && fullRank ? A.matmul(X).sub(b).square().sum(-2) : zeros([0], { dtype: A.dtype });
    return {
      solution: vector ? X.squeeze(-1) : X,
      residuals: vector && residuals.size > 0 ? residuals.squeeze(-1) : residuals,
      rank,
      singularValues: S,
    };
  });
}
