// Worked example 3: a value used by several branches gets the sum of their deltas.
import * as ad from '@ad/core';

export function run(log: (line: string) => void = console.log) {
  const x = ad.tensor(2, { dtype: 'float64', requiresGrad: true });
  const f = x.mul(x).add(x.mul(3)); // x feeds three uses: both factors of x·x, and 3x
  log('The tape behind f, with d f / d value for every recorded value:');
  log(ad.tapeTable(f));
  const picture = ad.toSvg(f, { names: { x, f }, title: 'Fan-out: f = x·x + 3x at x = 2' });
  f.backward();
  log(`\nf(x) = x·x + 3x at x = 2 is ${f.item()}`);
  log(
    `df/dx = ${x.grad!.item()} — the deltas 2 (first factor) + 2 (second factor) + 3 (from 3x) summed`,
  );
  return { value: f.item(), grad: x.grad!.item(), picture };
}
