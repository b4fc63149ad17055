// Every op of the gradient table, compiled: a replay gives exactly what eager execution gives
// (values, first and second derivatives), reads tensors changed in place between calls, and
// is a real replay (no op escapes the recording).
import * as ad from '../src';
import type { Tensor } from '../src';
import { inputsFor, type OpCase, opCases } from './op-cases';

const label = (c: OpCase) => `${c.op}${c.note ? ` (${c.note})` : ''} ${JSON.stringify(c.shapes)}`;

/** Values, gradients and the gradient of the gradients' sum, for seed `dy`. */
function derivatives(c: OpCase, xs: Tensor[], consts: Tensor[], dy: Tensor): Tensor[] {
  for (const x of xs) x.grad = null;
  const y = c.fn(...xs, ...consts);
  const gs = ad.gradients(y, xs, { gradOutputs: dy, createGraph: true, allowUnused: true });
  const total = gs.reduce<Tensor>(
    (s, g) => (g === null ? s : s.add(g.sum())),
    ad.zeros([], { dtype: 'float64' }),
  );
  if (total.requiresGrad) total.backward();
  return [y, ...gs.map((g) => g ?? ad.zeros([])), ...xs.map((x) => x.grad ?? ad.zeros([]))];
}

describe('compiled ops equal eager ones in float64', () => {
  // a generator made inside the function is not something a replay can see (docs/compile.md)
  const replayable = opCases.filter((c) => !c.seeded);
  it.each(replayable.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const xs = inputsFor(c, 2).slice(0, c.shapes.length);
    const consts = c.constants?.() ?? [];
    const compiled = ad.compile((dy: Tensor) => derivatives(c, xs, consts, dy));
    const g = new ad.Generator(5);
    for (let call = 0; call < 3; call++) {
      const shape = c.fn(...xs, ...consts).shape;
      const dy = ad.randn(shape, { generator: g, dtype: 'float64' });
      const got = compiled(dy) as Tensor[];
      const want = derivatives(c, xs, consts, dy);
      got.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(want[i].data)));
      // the next call must read the inputs' new values
      ad.noGrad(() => xs.forEach((x) => x.mul_(0.9)));
    }
    expect(compiled.explain()).not.toMatch(/runs eagerly/);
    expect(compiled.stats.replays).toBe(2);
  });
});
