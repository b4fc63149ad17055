import * as ad from '../src';
import type { Tensor } from '../src';
import { specialPoints } from './op-cases';

const label = (c: (typeof specialPoints)[number]) => `${c.op}: ${c.note}`;

describe.each(['float32', 'float64'] as const)(
  'gradients at special points are PyTorch’s (%s)',
  (dtype) => {
    it.each(specialPoints.map((c) => [label(c), c] as const))('%s', (_, c) => {
      const xs = c.at.map((v) => ad.tensor(v as number[], { dtype, requiresGrad: true }));
      const grads = ad.gradients(c.fn(...xs).sum(), xs, { createGraph: true });
      grads.forEach((g, i) => expect(g).toBeAllClose(c.grads[i] as number[], { rtol: 1e-6 }));
      // differentiating once more must not leak a NaN out of a masked branch
      const total = grads.reduce(
        (s: Tensor, g) => s.add(g.mul(g.detach().abs().lt(Infinity)).sum()),
        ad.tensor(0, { dtype }),
      );
      if (!total.requiresGrad) return;
      const second = ad.gradients(total, xs, { allowUnused: true });
      for (const h of second)
        if (h && !c.infiniteSecondOrder) expect(h.toFlatArray().every(Number.isFinite)).toBe(true);
    });
  },
);

describe('higher order at zeros of prod', () => {
  // ∂²(Π x)/∂xᵢ∂xⱼ = Π_{k≠i,j} x_k for i ≠ j, and 0 on the diagonal
  const others = (x: number[], i: number, j: number) =>
    i === j ? 0 : x.reduce((p, v, k) => (k === i || k === j ? p : p * v), 1);
  it.each([[[0.5, 0, -1.2, 2]], [[0.5, 0, 0, 2]], [[0, 0, 0, 3]], [[1.5, -2, 0.25, 4]]])(
    'Hessian at %j',
    (x) => {
      const h = ad.hessian((t: Tensor) => t.prod())(ad.tensor(x, { dtype: 'float64' }));
      const expected = x.map((_, i) => x.map((__, j) => others(x, i, j)));
      expect(h).toBeAllClose(expected, { rtol: 1e-12, atol: 1e-12 });
    },
  );
});
