// Hooks observe or change gradients in flight; anomaly mode finds where a NaN or Inf was born.
import * as ad from '@ad/core';

export function run(log: (line: string) => void = console.log) {
  const x = ad.tensor([1, 2, 3], { requiresGrad: true });
  const h = x.mul(2);
  const seen: number[][] = [];
  const handle = h.registerHook((g) => {
    seen.push(g.toFlatArray());
    return g.clamp(-0.5, 0.5); // replace the gradient: clip it as it passes
  });
  h.square().sum().backward();
  handle.remove();
  log(
    `the hook saw ${JSON.stringify(seen[0])} and passed on the clipped gradient; x.grad = ${JSON.stringify(x.grad!.toArray())}`,
  );

  let forwardError = '';
  try {
    ad.detectAnomaly(() => ad.tensor([1, 0]).log());
  } catch (e) {
    forwardError = (e as Error).message.split('\n')[0];
  }
  log(`anomaly mode, forward: ${forwardError}`);

  let backwardError = '';
  try {
    const z = ad.tensor([0, 4], { requiresGrad: true });
    ad.detectAnomaly(() => z.sqrt().sum().backward()); // d√z/dz is infinite at 0
  } catch (e) {
    backwardError = (e as Error).message.split('\n').slice(0, 4).join('\n  ');
  }
  log(`anomaly mode, backward: ${backwardError}`);

  let staleError = '';
  try {
    const w = ad.tensor([1, 2, 3], { requiresGrad: true });
    const e = w.exp(); // exp saves its output for backward
    ad.noGrad(() => e.mul_(2));
    e.sum().backward();
  } catch (err) {
    staleError = (err as Error).message;
  }
  log(`in-place safety: ${staleError}`);
  return { seen: seen[0], grad: x.grad!.toFlatArray(), forwardError, backwardError, staleError };
}
