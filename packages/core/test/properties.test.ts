import fc from 'fast-check';
import * as ad from '../src';
import { gradcheck, gradgradcheck } from '../src';
import { inputsOf, programs, run } from './random-programs';

describe('random programs (fast-check)', () => {
  it('have gradients that match central differences in float64', () => {
    fc.assert(
      fc.property(programs, (p) => gradcheck((...xs) => run(p, xs), inputsOf(p, 'float64'))),
      { numRuns: 200, seed: 42 },
    );
  });

  it('have second derivatives that match central differences in float64', () => {
    fc.assert(
      fc.property(programs, (p) =>
        gradgradcheck((...xs) => run(p, xs), inputsOf(p, 'float64'), { atol: 1e-4 }),
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('give the same values and gradients in float32 as in float64, to float32 precision', () => {
    fc.assert(
      fc.property(programs, (p) => {
        const results = (['float32', 'float64'] as const).map((dtype) => {
          const xs = inputsOf(p, dtype);
          const y = run(p, xs);
          const grads = ad.gradients(y.sum(), xs, { allowUnused: true });
          expect(y.dtype).toBe(dtype);
          return { y, grads };
        });
        expect(results[0].y).toBeAllClose(results[1].y, { rtol: 1e-4, atol: 1e-5 });
        results[0].grads.forEach((g, i) => {
          if (g === null) expect(results[1].grads[i]).toBeNull();
          else expect(g).toBeAllClose(results[1].grads[i], { rtol: 1e-3, atol: 1e-4 });
        });
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
