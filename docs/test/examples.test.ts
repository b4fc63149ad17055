// Runs every example under docs/examples and checks what it prints against the reference
// numbers of shared/reference/worked-examples.md and closed-form formulas, so no page goes stale.
import * as cnn from '../examples/cnn';
import * as composition from '../examples/composition';
import * as customFunction from '../examples/custom-function';
import * as fanOut from '../examples/fan-out';
import * as higherOrder from '../examples/higher-order';
import * as hooks from '../examples/hooks-and-anomalies';
import * as learningModes from '../examples/learning-modes';
import * as names from '../examples/names';
import * as oneWeight from '../examples/one-weight';
import * as readme from '../examples/readme';
import * as symmetry from '../examples/symmetry';
import * as tape from '../examples/tape';
import * as twoTwoTwo from '../examples/two-two-two';
import * as xor from '../examples/xor';

const quiet = () => {
  const lines: string[] = [];
  return { log: (l: string) => void lines.push(l), lines };
};

describe('docs/examples', () => {
  it('one-weight: loss 30 and 30.0060003, derivative 60, convergence, oscillation, divergence', () => {
    const { log, lines } = quiet();
    const r = oneWeight.run(log);
    expect(r.l3).toBe(30);
    expect(r.l3b).toBeCloseTo(30.0060003, 9);
    expect(r.finiteDifference).toBeCloseTo(60.003, 6);
    expect(r.derivative).toBe(60);
    expect(r.best).toBe(2);
    expect(Math.abs(r.path[16] - 2)).toBeLessThan(1e-6);
    expect(Math.abs(r.path[15] - 2)).toBeGreaterThan(1e-6);
    r.oscillating.forEach((w, i) => expect(w).toBeCloseTo(i % 2 ? 1 : 3, 9));
    expect(Math.abs(r.diverging[5] - 2)).toBeGreaterThan(5);
    expect(lines.join('\n')).toContain('loss at W = 3: 30; at W = 3.0001: 30.0060003');
  });

  it('composition: 0.003 and 0.006 forward, 0.003 and 0.001 backward, derivative 6', () => {
    const r = composition.run(quiet().log);
    expect(r.forwardDeltas.hidden).toBeCloseTo(0.003, 12);
    expect(r.forwardDeltas.output).toBeCloseTo(0.006, 12);
    expect(r.backwardDeltas.hidden).toBeCloseTo(0.003, 15);
    expect(r.backwardDeltas.input).toBeCloseTo(0.001, 15);
    expect(r.derivative).toBe(6);
  });

  it('fan-out: f(2) = 10, df/dx = 7, and the tape table shows it', () => {
    const { log, lines } = quiet();
    expect(fanOut.run(log)).toMatchObject({ value: 10, grad: 7 });
    expect(lines.join('\n')).toMatch(/0\s+leaf\s+\[\]\s+2\s+7/);
  });

  it('two-two-two: every value of the reference table', () => {
    const r = twoTwoTwo.run(quiet().log);
    expect(r.h).toBeAllClose([0.5932699921071872, 0.596884378259767], { rtol: 0, atol: 1e-9 });
    expect(r.o).toBeAllClose([0.7513650695523157, 0.7729284653214625], { rtol: 0, atol: 1e-9 });
    expect(r.E).toBeCloseTo(0.2983711087600027, 9);
    expect(r.g1).toBeAllClose(
      [0.0004385677344743465, 0.000877135468948693, 0.0004977127352608599, 0.0009954254705217198],
      { rtol: 0, atol: 1e-9 },
    );
    expect(r.g2).toBeAllClose(
      [0.08216704056423077, 0.08266762784753325, -0.02260254047747507, -0.022740242215978222],
      { rtol: 0, atol: 1e-9 },
    );
    expect(r.w14).toBeAllClose(
      [0.1497807161327628, 0.19956143226552567, 0.24975114363236958, 0.29950228726473915],
      { rtol: 0, atol: 1e-9 },
    );
    expect(r.w58).toBeAllClose(
      [0.35891647971788465, 0.4086661860762334, 0.5113012702387375, 0.5613701211079891],
      { rtol: 0, atol: 1e-9 },
    );
    expect(r.final).toBeAllClose(3.510187782978859e-5, { rtol: 1e-6 });
  });

  it('symmetry: equal rows from zero init, different rows from random init', () => {
    const r = symmetry.run(quiet().log);
    expect(new Set(r.fromZero.map((row) => row.join())).size).toBe(1);
    expect(new Set(r.fromRandom.map((row) => row.join())).size).toBe(3);
  });

  it('learning modes: every mode and optimizer reaches W ≈ 2 with the right steps per epoch', () => {
    const r = learningModes.run(quiet().log);
    expect(r.map((x) => x.stepsPerEpoch)).toEqual([5, 5, 3, 3, 1, 1]);
    r.forEach((x) => expect(x.w).toBeCloseTo(2, 3));
  });

  it('readme: the ten lines give the closed-form gradients', () => {
    const r = readme.run(quiet().log);
    const w = 0.5;
    const expected = [1, 2, 3].map((v) => 2 * Math.sin(v * w) * Math.cos(v * w) * w);
    expect(r.xGrad).toBeAllClose(expected, { rtol: 1e-5 });
    expect(r.wGrad).toBeCloseTo(
      [1, 2, 3].reduce((s, v) => s + 2 * Math.sin(v * w) * Math.cos(v * w) * v, 0),
      5,
    );
    expect(r.dx).toEqual([2, 4, 6]);
    expect(r.d2).toBeCloseTo(-Math.sin(1), 6);
  });

  it('tape: entries in call order, the broadcast gradient summed to b’s shape, the error message', () => {
    const r = tape.run(quiet().log);
    expect(r.entries).toEqual(['matmul', 'add', 'tanh', 'square', 'sum', 'div']);
    expect(r.bGrad).toHaveLength(2);
    expect(r.message).toBe('add: cannot broadcast [3,2] with [4]');
    expect(r.ok).toBe(true);
  });

  it('higher order: ∇f, H·v and H of Σx³ + x₀x₁ at (1, −2, 0.5)', () => {
    const r = higherOrder.run(quiet().log);
    expect(r.g).toBeAllClose([3 - 2, 12 + 1, 0.75]);
    expect(r.H).toBeAllClose([6, 1, 0, 1, -12, 0, 0, 0, 3]);
    expect(r.hv).toBeAllClose([6, 1, 6]);
    expect(r.hv2).toBeAllClose(r.hv);
    expect(r.tangent).toBeAllClose([Math.cos(1) * 2, 0, Math.cos(0.25) * 2 * 0.5 * 2]);
  });

  it('custom function: σ(x) as its gradient, straight-through estimator', () => {
    const r = customFunction.run(quiet().log);
    expect(r.grad).toBeAllClose([-1, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v))));
    expect(r.st).toEqual([3, 3]);
  });

  it('hooks and anomalies: the hook clips, each error names its op', () => {
    const r = hooks.run(quiet().log);
    expect(r.seen).toEqual([4, 8, 12]);
    expect(r.grad).toEqual([1, 1, 1]);
    expect(r.forwardError).toMatch(/^log: anomaly: forward produced -Infinity/);
    expect(r.backwardError).toMatch(
      /^sqrt: anomaly: backward produced Infinity[\s\S]*The forward call of sqrt was:\n\s+at .*hooks-and-anomalies/,
    );
    expect(r.staleError).toMatch(
      /^exp: a tensor of shape \[3\] that exp saved for backward was modified in place/,
    );
  });

  it('xor: learns, and the restored model predicts the same', () => {
    const r = xor.run(quiet().log);
    expect(r.loss).toBeLessThan(0.01);
    expect(r.same).toEqual(r.predictions);
  });

  it('cnn (short): a CNN learns the drawn digits well above chance, and reports them', () => {
    const { log, lines } = quiet();
    const r = cnn.run(log, ['--epochs', '2', '--train', '600']);
    expect(r.accuracy).toBeGreaterThan(0.6);
    expect(r.history[1].loss).toBeLessThan(r.history[0].loss);
    expect(r.confusion.sum().item()).toBe(500);
    expect(lines.join('\n')).toMatch(/Test accuracy \d+\.\d%. Confusion/);
  }, 60_000);

  it('names (short): both models learn letters below ln 27 nats, and sample names', () => {
    const { log, lines } = quiet();
    const runs = names.run(log, ['--epochs', '1']);
    for (const r of runs) {
      expect(r.history[0].valLoss).toBeLessThan(Math.log(27) - 0.5);
      expect(r.samples).toHaveLength(12);
      r.samples.forEach((n) => expect(n).toMatch(/^[a-z]{0,11}$/));
    }
    expect(lines.join('\n')).toMatch(/transformer samples: [a-z]/);
  }, 120_000);
});
