// A custom differentiable function: forward and backward in one place, one tape entry.
import * as ad from '@ad/core';

/** log(1 + eˣ), with its own backward σ(x), written with ops so that second order works too. */
export const mySoftplus = ad.customOp('mySoftplus', (x) => {
  const y = x.softplus();
  return [y, (dy) => [dy.mul(x.sigmoid())]];
});

/** A straight-through estimator: rounds forward, passes the gradient through unchanged. */
export const roundStraightThrough = ad.customOp('roundST', (x) => [x.round(), (dy) => [dy]]);

export function run(log: (line: string) => void = console.log) {
  const x = ad.tensor([-1, 0.5, 2], { dtype: 'float64', requiresGrad: true });
  const y = mySoftplus(x).sum();
  log(
    `tape behind y: ${ad
      .tapeRows(y)
      .map((r) => r.op)
      .join(' → ')}`,
  );
  y.backward();
  log(`dy/dx = ${JSON.stringify(x.grad!.toArray())} (σ(x))`);
  log(
    `gradcheck: ${ad.gradcheck(mySoftplus, [x])}, gradgradcheck: ${ad.gradgradcheck(mySoftplus, [x])}`,
  );
  const z = ad.tensor([0.4, 1.6], { requiresGrad: true });
  roundStraightThrough(z).mul(3).sum().backward();
  log(`straight-through gradient: ${JSON.stringify(z.grad!.toArray())}`);
  return { grad: x.grad!.toFlatArray(), st: z.grad!.toFlatArray() };
}
