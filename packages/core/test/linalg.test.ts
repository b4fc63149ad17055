// ad.linalg's values, errors and special points (its gradients are rows of op-cases.ts).
import * as ad from '../src';
import type { Tensor } from '../src';

const f64 = { dtype: 'float64' } as const;
const A = ad.tensor(
  [
    [4, 2, 0.4],
    [2, 5, 1],
    [0.4, 1, 3],
  ],
  f64,
);

describe('ad.linalg values', () => {
  it('cholesky: L·Lᵀ = A, L lower; upper gives Lᵀ', () => {
    const L = ad.linalg.cholesky(A);
    expect(L.matmul(L.mT)).toBeAllClose(A, { rtol: 1e-14 });
    expect(L.triu(1).abs().sum().item()).toBe(0);
    expect(ad.linalg.cholesky(A, { upper: true })).toBeAllClose(L.mT, { rtol: 0 });
    expect(
      ad.linalg.cholesky(
        ad.tensor([
          [4, 2],
          [2, 3],
        ]),
      ),
    ).toBeAllClose(
      ad.tensor([
        [2, 0],
        [1, Math.SQRT2],
      ]),
    );
  });

  it('solveTriangular and solve invert their products, batched and broadcast', () => {
    const L = ad.linalg.cholesky(A);
    const B = ad.randn([2, 3, 2], f64);
    expect(L.matmul(ad.linalg.solveTriangular(L, B, { upper: false }))).toBeAllClose(B, {
      rtol: 1e-12,
      atol: 1e-12,
    });
    expect(
      ad.linalg.solveTriangular(L.mT, B.mT, { upper: true, left: false }).matmul(L.mT),
    ).toBeAllClose(B.mT, { rtol: 1e-12, atol: 1e-12 });
    expect(A.matmul(ad.linalg.solve(A, B))).toBeAllClose(B, { rtol: 1e-12, atol: 1e-12 });
    const v = ad.tensor([1, 2, 3], f64);
    expect(A.matmul(ad.linalg.solve(A, v).unsqueeze(-1)).squeeze(-1)).toBeAllClose(v, {
      rtol: 1e-12,
    });
    expect(
      ad.linalg.solve(
        ad.tensor([
          [3, 1],
          [1, 2],
        ]),
        ad.tensor([9, 8]),
      ),
    ).toBeAllClose(ad.tensor([2, 3]));
  });

  it('inv, det and slogdet agree with each other and with 2×2 formulas', () => {
    const M = ad.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      f64,
    );
    expect(ad.linalg.inv(M)).toBeAllClose(
      ad.tensor(
        [
          [-2, 1],
          [1.5, -0.5],
        ],
        f64,
      ),
      { rtol: 1e-14 },
    );
    expect(ad.linalg.det(M).item()).toBeCloseTo(-2, 14);
    const { sign, logabsdet } = ad.linalg.slogdet(M);
    expect([sign.item(), logabsdet.item()]).toEqual([-1, expect.closeTo(Math.log(2), 14)]);
    expect(ad.linalg.inv(A).matmul(A)).toBeAllClose(ad.eye(3, 3, f64), { atol: 1e-14 });
    const batch = ad.stack([
      A,
      M.matmul(M.mT)
        .pad([0, 1, 0, 1])
        .add(ad.eye(3, 3, f64)),
    ]);
    const dets = ad.linalg.det(batch);
    const { sign: s, logabsdet: l } = ad.linalg.slogdet(batch);
    expect(s.mul(l.exp())).toBeAllClose(dets, { rtol: 1e-13 });
  });

  it('a singular matrix: det 0 and the cofactors as its gradient; slogdet 0 and −∞', () => {
    const S = ad.tensor(
      [
        [1, 2],
        [2, 4],
      ],
      { ...f64, requiresGrad: true },
    );
    const d = ad.linalg.det(S);
    expect(d.item()).toBe(0);
    d.backward();
    expect(S.grad).toBeAllClose(
      ad.tensor(
        [
          [4, -2],
          [-2, 1],
        ],
        f64,
      ),
      { rtol: 0 },
    );
    const { sign, logabsdet } = ad.linalg.slogdet(S.detach());
    expect([sign.item(), logabsdet.item()]).toEqual([0, -Infinity]);
  });

  it('norms, cross and matrix powers', () => {
    expect(ad.linalg.vectorNorm(ad.tensor([3, 4])).item()).toBe(5);
    const M = ad.tensor(
      [
        [1, -2],
        [3, 4],
      ],
      f64,
    );
    expect([1, -1, Infinity, -Infinity].map((o) => ad.linalg.matrixNorm(M, o).item())).toEqual([
      6, 4, 7, 3,
    ]);
    expect(ad.linalg.matrixNorm(M).item()).toBeCloseTo(Math.sqrt(30), 14);
    expect(ad.linalg.cross(ad.tensor([1, 0, 0]), ad.tensor([0, 1, 0])).toArray()).toEqual([
      0, 0, 1,
    ]);
    const P = ad.tensor(
      [
        [1, 1],
        [0, 1],
      ],
      f64,
    );
    expect(ad.linalg.matrixPower(P, 5).toArray()).toEqual([
      [1, 5],
      [0, 1],
    ]);
    expect(ad.linalg.matrixPower(P, -2).toArray()).toEqual([
      [1, -2],
      [0, 1],
    ]);
    expect(ad.linalg.matrixPower(P, 0).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('float32 in, float32 out', () => {
    const L = ad.linalg.cholesky(A.cast('float32'));
    expect(L.dtype).toBe('float32');
    expect(ad.linalg.solve(A.cast('float32'), ad.ones([3, 1])).dtype).toBe('float32');
  });
});

describe('ad.linalg errors name the op and change nothing', () => {
  it('not positive-definite, singular, shapes, dtypes, options', () => {
    const x = ad.tensor(
      [
        [1, 2],
        [2, 1],
      ],
      { ...f64, requiresGrad: true },
    );
    expect(() => ad.linalg.cholesky(x)).toThrow(
      /linalg\.cholesky: the input is not positive-definite: the leading minor of order 2 is not positive/,
    );
    expect(() =>
      ad.linalg.solve(
        ad.tensor([
          [1, 2],
          [2, 4],
        ]),
        ad.ones([2]),
      ),
    ).toThrow(/linalg\.solve: the matrix is singular/);
    expect(() => ad.linalg.inv(ad.zeros([2, 2, 2]))).toThrow(
      /linalg\.inv: the matrix 0 of the batch is singular/,
    );
    expect(() => ad.linalg.det(ad.ones([2, 3]))).toThrow(/linalg\.det: A must be square matrices/);
    expect(() => ad.linalg.solve(ad.eye(2), ad.ones([3, 1]))).toThrow(/B must have 2 rows/);
    expect(() => ad.linalg.cholesky(ad.eye(2, 2, { dtype: 'int32' }))).toThrow(
      /float32 or float64/,
    );
    expect(() => ad.linalg.solveTriangular(ad.eye(2), ad.ones([2, 1]), {} as never)).toThrow(
      /upper option is required/,
    );
    expect(() => ad.linalg.cholesky(ad.eye(2), { lower: true } as never)).toThrow(/lower/);
    expect(() => ad.linalg.matrixNorm(ad.eye(2), 3)).toThrow(
      /linalg\.matrixNorm: ord 3 is not supported/,
    );
    expect(() => ad.linalg.cross(ad.ones([2]), ad.ones([2]))).toThrow(/must have size 3/);
    expect(() => ad.linalg.matrixPower(ad.eye(2), 0.5)).toThrow(/n must be an integer/);
    expect(x.grad).toBeNull();
    expect(x.isLeaf).toBe(true);
  });
});

describe('a Gaussian log-likelihood through cholesky and solveTriangular', () => {
  // log N(x; 0, Σ) with Σ = W·Wᵀ + I, against the same formula with inv and det
  const x = ad.tensor([0.3, -1.2, 0.5], f64);
  const viaCholesky = (w: Tensor) => {
    const sigma = w.matmul(w.mT).add(ad.eye(3, 3, f64));
    const L = ad.linalg.cholesky(sigma);
    const z = ad.linalg.solveTriangular(L, x.unsqueeze(-1), { upper: false });
    return z
      .square()
      .sum()
      .add(L.diagonal().log().sum().mul(2))
      .add(3 * Math.log(2 * Math.PI))
      .mul(-0.5);
  };
  const viaInverse = (w: Tensor) => {
    const sigma = w.matmul(w.mT).add(ad.eye(3, 3, f64));
    const quad = x.unsqueeze(0).matmul(ad.linalg.inv(sigma)).matmul(x.unsqueeze(-1)).sum();
    return quad
      .add(ad.linalg.det(sigma).log())
      .add(3 * Math.log(2 * Math.PI))
      .mul(-0.5);
  };
  const w = ad.tensor(
    [
      [0.5, -0.2],
      [0.1, 0.8],
      [-0.3, 0.4],
    ],
    f64,
  );

  it('value, gradient and Hessian agree with the inverse-and-determinant formula', () => {
    expect(viaCholesky(w)).toBeAllClose(viaInverse(w), { rtol: 1e-13 });
    expect(ad.grad(viaCholesky)(w)).toBeAllClose(ad.grad(viaInverse)(w), { rtol: 1e-11 });
    const H = ad.hessian(viaCholesky)(w);
    expect(H).toBeAllClose(ad.hessian(viaInverse)(w), { rtol: 1e-9, atol: 1e-12 });
    expect(H.reshape([6, 6])).toBeAllClose(H.reshape([6, 6]).mT, { rtol: 1e-12, atol: 1e-14 });
  });
});

describe('ad.linalg.eigh', () => {
  it('A = V·diag(λ)·Vᵀ with V orthonormal, λ ascending, batched; eigvalsh the same λ', () => {
    const X = ad.randn([2, 4, 4], f64);
    const S = X.add(X.mT);
    const { eigenvalues: L, eigenvectors: V } = ad.linalg.eigh(S);
    expect(V.matmul(ad.diagEmbed(L)).matmul(V.mT)).toBeAllClose(S, { rtol: 1e-12, atol: 1e-12 });
    expect(V.mT.matmul(V)).toBeAllClose(ad.eye(4, 4, f64).expand([2, 4, 4]), { atol: 1e-13 });
    const l = L.data;
    for (let i = 1; i < 4; i++) expect(l[i]).toBeGreaterThanOrEqual(l[i - 1]);
    expect(ad.linalg.eigvalsh(S)).toBeAllClose(L, { rtol: 0 });
    expect(
      ad.linalg.eigh(
        ad.tensor([
          [2, 1],
          [1, 2],
        ]),
      ).eigenvalues,
    ).toBeAllClose(ad.tensor([1, 3]));
  });

  it('reads only the lower triangle', () => {
    const lower = ad.tensor(
      [
        [2, 99],
        [1, 2],
      ],
      f64,
    );
    expect(ad.linalg.eigvalsh(lower)).toBeAllClose(ad.tensor([1, 3], f64), { rtol: 1e-14 });
  });
});

describe('ad.linalg.matrixExp', () => {
  it('e^0 = I, e^diag = diag(e^d), e^A·e^−A = I, a nilpotent series ends', () => {
    expect(ad.linalg.matrixExp(ad.zeros([2, 2], f64))).toBeAllClose(ad.eye(2, 2, f64), { rtol: 0 });
    const d = ad.tensor([0.5, -2, 7], f64);
    expect(ad.linalg.matrixExp(ad.diagEmbed(d))).toBeAllClose(ad.diagEmbed(d.exp()), {
      rtol: 1e-14,
    });
    const A = ad.randn([2, 4, 4], f64).mul(3);
    expect(ad.linalg.matrixExp(A).matmul(ad.linalg.matrixExp(A.neg()))).toBeAllClose(
      ad.eye(4, 4, f64).expand([2, 4, 4]),
      { atol: 1e-9 },
    );
    expect(
      ad.linalg
        .matrixExp(
          ad.tensor([
            [0, 1],
            [0, 0],
          ]),
        )
        .toArray(),
    ).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });
});

describe('ad.linalg.svd', () => {
  it('U·diag(S)·Vh = A, orthonormal factors, S descending; full matrices are square', () => {
    for (const shape of [
      [5, 3],
      [3, 3],
      [2, 4],
      [2, 4, 3],
    ]) {
      const A = ad.randn(shape, f64);
      const { U, S, Vh } = ad.linalg.svd(A, { fullMatrices: false });
      expect(U.mul(S.unsqueeze(-2)).matmul(Vh)).toBeAllClose(A, { rtol: 1e-12, atol: 1e-12 });
      const k = S.shape[S.ndim - 1];
      expect(U.mT.matmul(U)).toBeAllClose(ad.eye(k, k, f64).expand(U.mT.matmul(U).shape), {
        atol: 1e-13,
      });
      const s = S.reshape([-1, k]).toArray() as number[][];
      for (const row of s)
        for (let i = 1; i < k; i++) expect(row[i]).toBeLessThanOrEqual(row[i - 1]);
      const full = ad.linalg.svd(A);
      const [m, n] = shape.slice(-2);
      expect([full.U.shape.slice(-2), full.Vh.shape.slice(-2)]).toEqual([
        [m, m],
        [n, n],
      ]);
      expect(full.U.mT.matmul(full.U)).toBeAllClose(
        ad.eye(m, m, f64).expand(full.U.mT.matmul(full.U).shape),
        {
          atol: 1e-12,
        },
      );
    }
  });

  it('a rank-deficient matrix: zero singular values, pinv inverts the rest', () => {
    const A = ad.tensor(
      [
        [1, 2],
        [2, 4],
        [3, 6],
      ],
      f64,
    );
    const S = ad.linalg.svdvals(A);
    expect(S.select(0, 1).item()).toBeLessThan(1e-14);
    const P = ad.linalg.pinv(A);
    expect(A.matmul(P).matmul(A)).toBeAllClose(A, { rtol: 1e-12, atol: 1e-12 });
    expect(ad.linalg.matrixNorm(A, 'nuc').item()).toBeCloseTo(S.sum().item(), 14);
  });
});

describe('ad.linalg.qr', () => {
  it('Q·R = A, Q orthonormal, R upper triangular, tall, square and wide', () => {
    for (const shape of [
      [5, 3],
      [3, 3],
      [2, 4],
      [2, 4, 3],
    ]) {
      const A = ad.randn(shape, f64);
      const { Q, R } = ad.linalg.qr(A);
      const k = Math.min(shape[shape.length - 2], shape[shape.length - 1]);
      expect(Q.matmul(R)).toBeAllClose(A, { rtol: 1e-12, atol: 1e-12 });
      expect(Q.mT.matmul(Q)).toBeAllClose(ad.eye(k, k, f64).expand(Q.mT.matmul(Q).shape), {
        atol: 1e-13,
      });
      expect(R.tril(-1).abs().sum().item()).toBe(0);
    }
  });

  it("modes 'complete' (square Q) and 'r' (R only)", () => {
    const A = ad.randn([5, 3], { ...f64, requiresGrad: true });
    const { Q, R } = ad.linalg.qr(A, { mode: 'complete' });
    expect([Q.shape, R.shape]).toEqual([
      [5, 5],
      [5, 3],
    ]);
    expect(Q.matmul(R)).toBeAllClose(A, { rtol: 1e-12, atol: 1e-12 });
    expect(Q.mT.matmul(Q)).toBeAllClose(ad.eye(5, 5, f64), { atol: 1e-13 });
    expect(() => Q.sum().backward()).toThrow(/linalg\.qr: mode 'complete' is not differentiable/);
    const r = ad.linalg.qr(A, { mode: 'r' });
    expect(r.Q.size).toBe(0);
    expect(r.R).toBeAllClose(ad.linalg.qr(A).R, { rtol: 0 });
  });

  it('checks its input', () => {
    expect(() => ad.linalg.qr(ad.eye(2), { mode: 'full' } as never)).toThrow(/mode must be/);
    expect(() => ad.linalg.qr(ad.ones([3]))).toThrow(/linalg\.qr: A must be matrices/);
    expect(() => ad.linalg.qr(ad.ones([2, 2], { dtype: 'int32' }))).toThrow(/float32 or float64/);
  });
});
