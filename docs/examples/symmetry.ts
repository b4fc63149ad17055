// Worked example 5: with equal initial weights every hidden unit learns the same thing.
import * as ad from '@ad/core';
import * as nn from '@ad/nn';

const f64 = { dtype: 'float64' } as const;

export function run(log: (line: string) => void = console.log) {
  const g = new ad.Generator(5);
  const x = ad.randn([16, 2], { ...f64, generator: g });
  const y = x.select(1, 0).mul(x.select(1, 1)).unsqueeze(1);
  const train = (init: (p: ad.Tensor) => void) => {
    const first = new nn.Linear(2, 3, f64);
    const model = new nn.Sequential(first, new nn.Sigmoid(), new nn.Linear(3, 1, f64));
    model.parameters().forEach(init);
    const sgd = new nn.SGD(model.parameters(), { lr: 0.5 });
    for (let step = 0; step < 100; step++) {
      sgd.zeroGrad();
      nn.mseLoss(model.forward(x), y).backward();
      sgd.step();
    }
    return first.weight.toArray() as number[][];
  };
  const fromZero = train((p) => nn.init.constant(p, 0));
  const fromRandom = train((p) => nn.init.normal(p, 0, 1, { generator: new ad.Generator(1) }));
  log('hidden weight rows after 100 steps from zero init (all equal: one unit in effect):');
  fromZero.forEach((r) => log(`  [${r.map((v) => v.toFixed(6)).join(', ')}]`));
  log('from a seeded random init (the symmetry is broken):');
  fromRandom.forEach((r) => log(`  [${r.map((v) => v.toFixed(6)).join(', ')}]`));
  return { fromZero, fromRandom };
}
