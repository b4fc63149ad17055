// The tape: what forward records, how backward de-stacks it, broadcasting, noGrad, gradcheck, errors.
import * as ad from '@ad/core';

export function run(log: (line: string) => void = console.log) {
  const w = ad.tensor(
    [
      [0.5, -1],
      [2, 0.25],
    ],
    { dtype: 'float64', requiresGrad: true },
  );
  const b = ad.tensor([0.1, -0.2], { dtype: 'float64', requiresGrad: true }); // broadcast over rows
  const x = ad.tensor(
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    { dtype: 'float64' },
  );

  // 1. forward records one entry per op, in call order
  const tape = new ad.GradientTape();
  const loss = tape.record(() => x.matmul(w).add(b).tanh().square().mean());
  log('recorded entries (op, input shapes -> output shape):');
  log(tape.toString());

  // 2. the same tape with values and d(loss)/d(value), as the classic worked examples draw it
  log('\nvalues and gradients on the tape:');
  log(ad.tapeTable(loss));

  const picture = ad.toSvg(loss, {
    names: { w, b, loss },
    title: 'loss = mean(tanh(x·w + b)²): values and d(loss)/d(value)',
  });

  // 3. backward de-stacks it; b's gradient is summed over the 3 rows it was broadcast to
  loss.backward();
  log(`\nw.grad = ${JSON.stringify(w.grad!.toArray())}`);
  log(`b.grad = ${JSON.stringify(b.grad!.toArray())} (shape [${b.grad!.shape}], like b)`);

  // 4. noGrad: nothing is recorded, e.g. for evaluation or a manual update
  const evaluated = ad.noGrad(() => x.matmul(w).add(b));
  log(`\ninside noGrad: requiresGrad = ${evaluated.requiresGrad}`);

  // 5. gradcheck compares backward with central differences in float64
  const ok = ad.gradcheck((wt, bt) => x.matmul(wt).add(bt).tanh().square().mean(), [w, b]);
  log(`gradcheck: ${ok}`);

  // 6. errors name the op and the shapes, and change nothing
  let message = '';
  try {
    x.add(ad.ones([4]));
  } catch (e) {
    message = (e as Error).message;
  }
  log(`error: ${message}`);

  log('\nGraphviz DOT of a small tape (render with `dot -Tsvg`):');
  const u = ad.tensor(2, { requiresGrad: true });
  log(ad.toDot(u.mul(u).add(u.sin())));
  return {
    picture,
    entries: tape.entries.map((e) => e.op),
    wGrad: w.grad!.toFlatArray(),
    bGrad: b.grad!.toFlatArray(),
    message,
    ok,
  };
}
