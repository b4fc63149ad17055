import fc from 'fast-check';
import * as ad from '../src';
import { Generator, type Tensor } from '../src';
import { inputsOf, programs, run } from './random-programs';

const f64 = { dtype: 'float64' } as const;
const t = (data: number[] | number) => ad.tensor(data, f64);

describe('grad and valueAndGrad', () => {
  const cubeSum = (x: Tensor) => x.pow(3).sum();

  it('grad gives ∇f in the argument’s shape, without touching .grad', () => {
    const x = t([1, -2, 3]);
    expect(ad.grad(cubeSum)(x)).toBeAllClose([3, 12, 27]);
    expect(x.grad).toBeNull();
  });

  it('composes: grad(grad(sin)) = −sin, and three levels deep', () => {
    const sin = (x: Tensor) => x.sin();
    const d2 = ad.grad(ad.grad(sin));
    const d3 = ad.grad(ad.grad(ad.grad(sin)));
    for (const v of [-1.3, 0.2, 2.5]) {
      expect(d2(t(v)).item()).toBeCloseTo(-Math.sin(v), 12);
      expect(d3(t(v)).item()).toBeCloseTo(-Math.cos(v), 12);
    }
  });

  it('argnums picks arguments; trees of tensors come back in the same structure', () => {
    const loss = (p: { w: Tensor; b: Tensor }, x: Tensor) => x.matmul(p.w).add(p.b).square().sum();
    const p = { w: t([0.5, -1]), b: t(0.25) };
    const x = ad.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      f64,
    );
    const g = ad.grad(loss)(p, x);
    // by hand: r = x·w + b, dL/dw = 2 xᵀr, dL/db = 2 Σ r
    const r = x.matmul(p.w).add(p.b);
    expect(g.w).toBeAllClose(x.t().matmul(r).mul(2));
    expect(g.b).toBeAllClose(r.sum().mul(2));
    const [gp, gx] = ad.grad(loss, { argnums: [0, 1] })(p, x) as [typeof p, Tensor];
    expect(gp.w).toBeAllClose(g.w);
    expect(gx).toBeAllClose(r.unsqueeze(1).mul(p.w).mul(2));
  });

  it('valueAndGrad returns the value too, and passes aux through with hasAux', () => {
    const [value, g] = ad.valueAndGrad(cubeSum)(t([2]));
    expect(value.item()).toBe(8);
    expect(g).toBeAllClose([12]);
    const [[loss, aux], g2] = ad.valueAndGrad((x: Tensor) => [x.square().sum(), 'note'] as const, {
      hasAux: true,
    })(t([3]));
    expect([loss.item(), aux]).toEqual([9, 'note']);
    expect(g2).toBeAllClose([6]);
    const [g3, aux3] = ad.grad((x: Tensor) => [x.square().sum(), 42], { hasAux: true })(
      t([3]),
    ) as unknown as [Tensor, number];
    expect(g3).toBeAllClose([6]);
    expect(aux3).toBe(42);
  });

  it('rejects non-scalar outputs and argnums out of range', () => {
    expect(() => ad.grad((x: Tensor) => x.mul(2))(t([1, 2]))).toThrow(
      /grad: f must return a single-element tensor, got shape \[2\]/,
    );
    expect(() => ad.grad(cubeSum, { argnums: 1 })(t([1]))).toThrow(
      /argnums 1 is out of range for 1 arguments/,
    );
  });

  it('gives zeros for an argument f ignores', () => {
    expect(
      ad.grad((_x: Tensor, y: Tensor) => y.sum(), { argnums: 0 })(t([1, 2]), t([3])),
    ).toBeAllClose([0, 0]);
  });
});

describe('vjp, jvp, jacobian, hessian, hvp', () => {
  const f = (x: Tensor) => ad.stack([x.select(0, 0).mul(x.select(0, 1)), x.select(0, 0).sin()]);
  const x = t([0.7, -1.2]);
  // J = [[x1, x0], [cos x0, 0]]
  const J = [
    [-1.2, 0.7],
    [Math.cos(0.7), 0],
  ];

  it('jacobian has shape [...out, ...in] and the closed-form entries', () => {
    const j = ad.jacobian(f)(x);
    expect(j.shape).toEqual([2, 2]);
    expect(j).toBeAllClose(J.flat());
  });

  it('vjp gives vᵀJ for any cotangent, and jvp gives J·t', () => {
    const [out, pullback] = ad.vjp(f, x);
    expect(out).toBeAllClose(f(x));
    const [g] = pullback(t([2, 3]));
    expect(g).toBeAllClose([2 * J[0][0] + 3 * J[1][0], 2 * J[0][1] + 3 * J[1][1]]);
    const [y, tangent] = ad.jvp(f, [x], [t([2, 3])]);
    expect(y).toBeAllClose(f(x));
    expect(tangent).toBeAllClose([J[0][0] * 2 + J[0][1] * 3, J[1][0] * 2 + J[1][1] * 3]);
  });

  it('hessian and hvp of Σx³ + x0·x1 match 6·diag(x) + the cross term', () => {
    const g = (v: Tensor) =>
      v
        .pow(3)
        .sum()
        .add(v.select(0, 0).mul(v.select(0, 1)));
    const H = [
      [6 * 0.7, 1],
      [1, 6 * -1.2],
    ];
    expect(ad.hessian(g)(x)).toBeAllClose(H.flat(), { rtol: 1e-12 });
    const [value, hv] = ad.hvp(g, x, t([1, 2]));
    expect(value.item()).toBeCloseTo(g(x).item(), 12);
    expect(hv).toBeAllClose([H[0][0] + 2 * H[0][1], H[1][0] + 2 * H[1][1]]);
  });

  it('hvp of random programs matches finite differences of the gradient in float64', () => {
    fc.assert(
      fc.property(programs, (p) => {
        const xs = inputsOf(p, 'float64').map((x) => x.detach());
        const g = new Generator(p.seed + 1);
        const vs = xs.map((x) => ad.randn(x.shape, { dtype: 'float64', generator: g }));
        const weights = ad.randn(run(p, xs).shape, { dtype: 'float64', generator: g });
        const scalar = (ys: Tensor[]) => run(p, ys).mul(weights).sum();
        const [, hv] = ad.hvp(scalar, xs, vs);
        const eps = 1e-5;
        const shifted = (s: number) =>
          ad.grad(scalar)(xs.map((x, i) => x.add(vs[i].mul(s * eps)))) as Tensor[];
        const [plus, minus] = [shifted(1), shifted(-1)];
        hv.forEach((h, i) =>
          expect(h).toBeAllClose(plus[i].sub(minus[i]).div(2 * eps), { rtol: 1e-4, atol: 1e-6 }),
        );
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
