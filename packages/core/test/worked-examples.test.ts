// The worked examples 1–3 of shared/reference/worked-examples.md, with their exact numbers.
import * as ad from '../src';
import type { Tensor } from '../src';

const f64 = { dtype: 'float64' } as const;

describe('1. fit y = 2x with one weight', () => {
  const x = ad.tensor([0, 1, 2, 3, 4], f64);
  const y = ad.tensor([0, 2, 4, 6, 8], f64);
  const loss = (w: Tensor) => w.mul(x).sub(y).square().sum();

  it('W = 3 gives outputs [0,3,6,9,12], absolute errors totalling 10, and loss 30', () => {
    const w = ad.tensor(3, f64);
    expect(w.mul(x).toFlatArray()).toEqual([0, 3, 6, 9, 12]);
    const errors = w.mul(x).sub(y).abs();
    expect(errors.toFlatArray()).toEqual([0, 1, 2, 3, 4]);
    expect(errors.sum().item()).toBe(10);
    expect(loss(w).item()).toBe(30);
  });

  it('W = 3.0001 gives loss 30.0060003, a finite difference of 60.003, and the exact derivative 60', () => {
    const plus = loss(ad.tensor(3.0001, f64)).item();
    expect(plus).toBeCloseTo(30.0060003, 9);
    expect((plus - 30) / 0.0001).toBeCloseTo(60.003, 6);
    const w = ad.tensor(3, { ...f64, requiresGrad: true });
    loss(w).backward();
    expect(w.grad!.item()).toBeCloseTo(60, 9);
  });

  /** Runs the delta rule W ← W − lr·dLoss/dW from W = 3 and returns every W visited. */
  function deltaRule(lr: number, steps: number): number[] {
    const w = ad.tensor(3, { ...f64, requiresGrad: true });
    const path = [w.item()];
    for (let i = 0; i < steps; i++) {
      w.grad = null;
      loss(w).backward();
      ad.noGrad(() => w.data.set([w.item() - lr * w.grad!.item()]));
      path.push(w.item());
    }
    return path;
  }

  it('lr = 0.01 converges: |W − 2| < 1e-6 first at step 16, shrinking by (1 − 60·lr) each step', () => {
    const path = deltaRule(0.01, 20);
    const firstClose = path.findIndex((w) => Math.abs(w - 2) < 1e-6);
    expect(firstClose).toBe(16);
    path.forEach((w, i) => expect(w - 2).toBeCloseTo(0.4 ** i, 12));
  });

  it('lr = 1/30 oscillates between 3 and 1 forever; lr > 1/30 diverges', () => {
    const path = deltaRule(1 / 30, 6);
    path.forEach((w, i) => expect(w).toBeCloseTo(i % 2 === 0 ? 3 : 1, 9));
    const diverging = deltaRule(0.04, 10);
    expect(Math.abs(diverging[10] - 2)).toBeGreaterThan(
      Math.abs(diverging[0] - 2) * 1.4 ** 10 * 0.99,
    );
  });
});

describe('2. back-propagation through input → ×3 → ×2 → output', () => {
  it('a 0.001 change at the input is 0.003 after ×3 and 0.006 at the output', () => {
    const forward = (v: number) => {
      const h = ad.tensor(v, f64).mul(3);
      return [h.item(), h.mul(2).item()];
    };
    const [h0, o0] = forward(1);
    const [h1, o1] = forward(1.001);
    expect(h1 - h0).toBeCloseTo(0.003, 12);
    expect(o1 - o0).toBeCloseTo(0.006, 12);
  });

  it('back-propagating an output delta of 0.006 gives 0.003 at the hidden value and 0.001 at the input', () => {
    const input = ad.tensor(1, { ...f64, requiresGrad: true });
    const hidden = input.mul(3);
    const output = hidden.mul(2);
    // de-stacking ×2 then ×3: d(output)/d(hidden) = 2, d(output)/d(input) = 2·3 = 6
    const [dHidden, dInput] = ad.gradients(output, [hidden, input]);
    expect(dHidden.item()).toBe(2);
    expect(dInput.item()).toBe(6);
    // the change each value needs for a 0.006 change at the output
    expect(0.006 / dHidden.item()).toBeCloseTo(0.003, 15);
    expect(0.006 / dInput.item()).toBeCloseTo(0.001, 15);
  });
});

describe('3. fan-out: x feeds several uses and their deltas are summed', () => {
  it('f(x) = x·x + 3x at x = 2 is 10 with df/dx = 2 + 2 + 3 = 7', () => {
    const x = ad.tensor(2, { ...f64, requiresGrad: true });
    const f = x.mul(x).add(x.mul(3));
    expect(f.item()).toBe(10);
    f.backward();
    expect(x.grad!.item()).toBe(7);
  });
});
