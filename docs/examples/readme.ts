// The README's ten lines.
import * as ad from '@ad/core';

export function run(log: (line: string) => void = console.log) {
  const x = ad.tensor([1, 2, 3], { requiresGrad: true });
  const w = ad.tensor(0.5, { requiresGrad: true });
  const loss = x.mul(w).sin().square().sum(); // recorded on the tape as it runs
  loss.backward(); // de-stacks the tape, summing where values fan out
  log(`${JSON.stringify(x.grad?.toArray())} ${w.grad?.item()}`);

  const [dx] = ad.gradients(x.mul(x).sum(), [x]); // torch.autograd.grad: .grad untouched
  const d2 = ad.grad(ad.grad((t: ad.Tensor) => t.sin())); // transforms compose: −sin
  log(`${JSON.stringify(dx.toArray())} ${d2(ad.tensor(1)).item()}`);
  return {
    xGrad: x.grad!.toFlatArray(),
    wGrad: w.grad!.item(),
    dx: dx.toFlatArray(),
    d2: d2(ad.tensor(1)).item(),
  };
}
