// Worked example 1: fit y = 2x with a single weight W, the classic first example.
// Loss = Σ (W·x − y)², the sum of squared errors. Shows the classic tables with correct numbers.
import * as ad from '@ad/core';

const f64 = { dtype: 'float64' } as const;
const x = ad.tensor([0, 1, 2, 3, 4], f64);
const y = ad.tensor([0, 2, 4, 6, 8], f64);
const loss = (w: ad.Tensor) => w.mul(x).sub(y).square().sum();

/** The loss at a given W. */
export const lossAt = (w: number) => loss(ad.tensor(w, f64)).item();

/** Gradient descent with the delta rule W ← W − lr·dLoss/dW, from W = 3. */
export function descend(lr: number, steps: number): number[] {
  const w = ad.tensor(3, { ...f64, requiresGrad: true });
  const path = [w.item()];
  for (let i = 0; i < steps; i++) {
    w.grad = null;
    loss(w).backward();
    ad.noGrad(() => w.sub_(w.grad!.mul(lr)));
    path.push(w.item());
  }
  return path;
}

export function run(log: (line: string) => void = console.log) {
  log('input  target  W=3 output  abs error  W=3.0001 output');
  const out3 = ad.tensor(3, f64).mul(x).toFlatArray();
  const out3b = ad.tensor(3.0001, f64).mul(x).toFlatArray();
  x.toFlatArray().forEach((xi, i) =>
    log(
      `${String(xi).padStart(5)}  ${String(y.data[i]).padStart(6)}  ${String(out3[i]).padStart(10)}  ${String(Math.abs(out3[i] - y.data[i])).padStart(9)}  ${out3b[i].toFixed(4).padStart(15)}`,
    ),
  );
  const l3 = loss(ad.tensor(3, f64)).item();
  const l3b = loss(ad.tensor(3.0001, f64)).item();
  log(`loss at W = 3: ${l3}; at W = 3.0001: ${l3b.toFixed(7)}`);
  const finiteDifference = (l3b - l3) / 0.0001;
  const w = ad.tensor(3, { ...f64, requiresGrad: true });
  loss(w).backward();
  log(
    `finite difference (${l3b.toFixed(7)} − ${l3}) / 0.0001 = ${finiteDifference.toFixed(3)}; backward gives dLoss/dW = ${w.grad!.item()}`,
  );

  // brute force tries every W on a grid; gradient descent follows the slope
  const grid = Array.from({ length: 401 }, (_, i) => i / 100);
  const best = grid.reduce((b, v) =>
    loss(ad.tensor(v, f64)).item() < loss(ad.tensor(b, f64)).item() ? v : b,
  );
  log(
    `brute force over ${grid.length} values of W in [0, 4]: best W = ${best} (${grid.length} loss evaluations)`,
  );
  const path = descend(0.01, 16);
  log(
    `gradient descent, lr = 0.01: W = ${path
      .map((v) => v.toFixed(4))
      .slice(0, 6)
      .join(' → ')} → … → ${path[16].toFixed(7)} after 16 steps`,
  );
  const oscillating = descend(1 / 30, 4);
  log(`lr = 1/30 oscillates: W = ${oscillating.map((v) => v.toFixed(4)).join(' → ')}`);
  const diverging = descend(0.04, 5);
  log(`lr = 0.04 diverges:   W = ${diverging.map((v) => v.toFixed(4)).join(' → ')}`);
  return {
    l3,
    l3b,
    finiteDifference,
    derivative: w.grad!.item(),
    best,
    path,
    oscillating,
    diverging,
  };
}
