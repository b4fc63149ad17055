// Worked example 4: back-propagation through the classic 2-2-2 sigmoid network of a well-known tutorial, every number shown.
import * as ad from '@ad/core';
import * as nn from '@ad/nn';

const f64 = { dtype: 'float64' } as const;

export function run(log: (line: string) => void = console.log) {
  const i = ad.tensor([[0.05, 0.1]], f64);
  const t = ad.tensor([[0.01, 0.99]], f64);
  const hidden = new nn.Linear(2, 2, { bias: false, ...f64 });
  const output = new nn.Linear(2, 2, { bias: false, ...f64 });
  hidden.weight.data.set([0.15, 0.2, 0.25, 0.3]); // w1 w2 (into h1), w3 w4 (into h2)
  output.weight.data.set([0.4, 0.45, 0.5, 0.55]); // w5 w6 (into o1), w7 w8 (into o2)
  const b1 = 0.35; // shared biases, not trained in this example
  const b2 = 0.6;
  const forward = () => {
    const h = hidden.forward(i).add(b1).sigmoid();
    const o = output.forward(h).add(b2).sigmoid();
    return { h, o, E: nn.mseLoss(o, t, { reduction: 'sum' }).mul(0.5) }; // E = ½Σ(t − o)²
  };
  const { h, o, E } = forward();
  log(`h1, h2 = ${h.toFlatArray().join(', ')}`);
  log(`o1, o2 = ${o.toFlatArray().join(', ')}`);
  log(`E = ${E.item()}`);
  const picture = ad.toSvg(E, {
    names: { 'w1..w4': hidden.weight, 'w5..w8': output.weight, h, o, E },
    title: 'The 2-2-2 network: forward values and ∂E/∂value',
  });
  E.backward();
  const g1 = hidden.weight.grad!.toFlatArray();
  const g2 = output.weight.grad!.toFlatArray();
  log(`∂E/∂w1..w4 = ${g1.join(', ')}`);
  log(`∂E/∂w5..w8 = ${g2.join(', ')}`);
  const sgd = new nn.SGD([hidden.weight, output.weight], { lr: 0.5 });
  sgd.step();
  const w14 = hidden.weight.toFlatArray();
  const w58 = output.weight.toFlatArray();
  log(`after one update (lr = 0.5): w1..w4 = ${w14.join(', ')}`);
  log(`                             w5..w8 = ${w58.join(', ')}`);
  for (let k = 1; k < 10_000; k++) {
    sgd.zeroGrad();
    forward().E.backward();
    sgd.step();
  }
  const final = forward().E.item();
  log(`E after 10,000 updates = ${final}`);
  return { h: h.toFlatArray(), o: o.toFlatArray(), E: E.item(), g1, g2, w14, w58, final, picture };
}
