// Worked example 2: input → ×3 → ×2 → output, forward deltas and back-propagated ones.
import * as ad from '@ad/core';

export function run(log: (line: string) => void = console.log) {
  const f64 = { dtype: 'float64' } as const;
  const forward = (v: number) => {
    const hidden = ad.tensor(v, f64).mul(3);
    return { hidden: hidden.item(), output: hidden.mul(2).item() };
  };
  const a = forward(1);
  const b = forward(1.001);
  const forwardDeltas = { input: 0.001, hidden: b.hidden - a.hidden, output: b.output - a.output };
  log(
    `forward: a change of ${forwardDeltas.input} at the input is ${forwardDeltas.hidden.toFixed(3)} after ×3 and ${forwardDeltas.output.toFixed(3)} at the output`,
  );

  // backward: de-stack ×2 then ×3; each derivative tells how much a value moves the output
  const input = ad.tensor(1, { ...f64, requiresGrad: true });
  const hidden = input.mul(3);
  const output = hidden.mul(2);
  const picture = ad.toSvg(output, {
    names: { input, hidden, output },
    title: 'input → ×3 → ×2 → output',
  });
  const [dHidden, dInput] = ad.gradients(output, [hidden, input]);
  log(`d(output)/d(hidden) = ${dHidden.item()}, d(output)/d(input) = ${dInput.item()}`);
  const backwardDeltas = {
    output: 0.006,
    hidden: 0.006 / dHidden.item(),
    input: 0.006 / dInput.item(),
  };
  log(
    `backward: an output delta of 0.006 needs ${backwardDeltas.hidden.toFixed(3)} at the hidden value and ${backwardDeltas.input.toFixed(3)} at the input`,
  );
  return { forwardDeltas, backwardDeltas, derivative: dInput.item(), picture };
}
