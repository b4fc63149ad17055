import * as ad from '../src';
import { Entry, GradientTape, type Pullback, type Tensor } from '../src';
import { backpropagate, type Node } from '../src/tape';
import { setEntry } from '../src/tensor';

/** A hand-built entry whose pullback logs its name and multiplies dy by fixed factors. */
function entry(log: string[], op: string, inputs: Tensor[], factors: number[]): Entry {
  const out = ad.zeros([2], { dtype: 'float64' });
  const pullback: Pullback = (dy) => {
    log.push(op);
    return factors.map((f) => dy.mul(f));
  };
  const e = new Entry(op, inputs, out, pullback);
  setEntry(out, e);
  return e;
}

const walk = (roots: Map<Node, Tensor>) =>
  backpropagate(roots, {
    createGraph: false,
    reduceTo: (dx) => dx,
    accumulate: (a, b) => a.add(b),
  });

describe('the reverse walk over hand-built tapes', () => {
  it('de-stacks entries in reverse call order and runs each pullback exactly once', () => {
    const log: string[] = [];
    const x = ad.ones([2], { dtype: 'float64', requiresGrad: true });
    const a = entry(log, 'a', [x], [2]);
    const b = entry(log, 'b', [a.output], [3]);
    const c = entry(log, 'c', [a.output, b.output], [5, 7]); // a's output fans out to b and c
    const { grads } = walk(new Map([[c as Node, ad.ones([2], { dtype: 'float64' })]]));
    expect(log).toEqual(['c', 'b', 'a']);
    // dc/dx = 2·(5 + 3·7): the deltas from both uses of a's output are summed before a runs
    expect(grads.get(x)).toBeAllClose([52, 52]);
  });

  it('skips entries that the roots do not reach', () => {
    const log: string[] = [];
    const x = ad.ones([2], { dtype: 'float64', requiresGrad: true });
    const a = entry(log, 'a', [x], [2]);
    entry(log, 'unrelated', [x], [9]);
    walk(new Map([[a as Node, ad.ones([2], { dtype: 'float64' })]]));
    expect(log).toEqual(['a']);
  });

  it('gives no gradient to inputs whose parent is a constant', () => {
    const log: string[] = [];
    const x = ad.ones([2], { dtype: 'float64', requiresGrad: true });
    const k = ad.ones([2], { dtype: 'float64' });
    const a = entry(log, 'a', [k, x], [2, 3]);
    const { grads } = walk(new Map([[a as Node, ad.ones([2], { dtype: 'float64' })]]));
    expect(a.parents[0]).toBeNull();
    expect([...grads.keys()]).toEqual([x]);
  });

  it('reduces a broadcast gradient to the input shape once, in the engine', () => {
    const x = ad.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const y = x.add(ad.zeros([4, 3], { dtype: 'float64' }));
    y.sum().backward();
    expect(x.grad).toBeAllClose([4, 4, 4]);
    expect(x.grad!.shape).toEqual([3]);
  });
});

describe('recording', () => {
  it('records an entry per op with inputs that require grad, in call order', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const tape = new GradientTape();
    const y = tape.record(() => x.mul(2).exp().sum());
    expect(tape.entries.map((e) => e.op)).toEqual(['mul', 'exp', 'sum']);
    expect(tape.entries.map((e) => e.id)).toEqual(
      [...tape.entries.map((e) => e.id)].sort((p, q) => p - q),
    );
    expect(tape.toString()).toBe('0: mul([2]) -> [2]\n1: exp([2]) -> [2]\n2: sum([2]) -> []');
    expect(y.entry).toBe(tape.entries[2]);
  });

  it('records nothing for constants, inside noGrad, or for non-differentiable ops', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const tape = new GradientTape();
    tape.record(() => {
      ad.tensor([1]).exp();
      ad.noGrad(() => x.exp());
      x.gt(0);
      x.argmax();
    });
    expect(tape.entries).toEqual([]);
  });

  it('enableGrad records inside noGrad', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const y = ad.noGrad(() => ad.enableGrad(() => x.exp()));
    expect(y.requiresGrad).toBe(true);
    expect(ad.isGradEnabled()).toBe(true);
  });

  it('tape.gradient walks only the entries of that tape', () => {
    const x = ad.tensor(3, { dtype: 'float64', requiresGrad: true });
    const u = x.mul(x); // outside the tape: a constant to it
    const tape = new GradientTape();
    const y = tape.record(() => u.mul(x));
    expect((tape.gradient(y, x, { retainGraph: true }) as Tensor).item()).toBeCloseTo(9);
    expect(ad.gradients(y, x).item()).toBeCloseTo(27);
  });
});

describe('backward and gradients', () => {
  it('accumulates into .grad over several backward calls', () => {
    const x = ad.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    x.square().sum().backward();
    x.square().sum().backward();
    expect(x.grad).toBeAllClose([4, 8]);
  });

  it('releases the entries after backward; a second backward throws naming retainGraph', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/retainGraph/);
  });

  it('retainGraph keeps the entries for another backward', () => {
    const x = ad.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = x.square().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad).toBeAllClose([4, 8]);
  });

  it('takes an explicit gradient for a non-scalar output', () => {
    const x = ad.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    x.mul(x).backward(ad.tensor([1, 0, -1], { dtype: 'float64' }));
    expect(x.grad).toBeAllClose([2, 0, -6]);
  });

  it('gradients returns the vector-Jacobian product without touching .grad', () => {
    const x = ad.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const w = ad.tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const [gx, gw] = ad.gradients(x.mul(w).sum(), [x, w]);
    expect(gx).toBeAllClose([3, 4]);
    expect(gw).toBeAllClose([1, 2]);
    expect(x.grad).toBeNull();
  });

  it('gradients with respect to an intermediate tensor', () => {
    const x = ad.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const h = x.mul(3);
    expect(ad.gradients(h.square().sum(), h)).toBeAllClose([6, 12]);
  });

  it('gradients sums the outputs and takes gradOutputs', () => {
    const x = ad.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const g = ad.gradients([x.sum(), x.mul(2)], x, {
      gradOutputs: [null, ad.tensor([1, 10], { dtype: 'float64' })],
    });
    expect(g).toBeAllClose([3, 21]);
  });

  it('allowUnused returns null for an input the outputs ignore, and its absence throws', () => {
    const x = ad.tensor([1], { requiresGrad: true });
    const z = ad.tensor([1], { requiresGrad: true });
    expect(() => ad.gradients(x.sum(), [x, z])).toThrow(/not used.*allowUnused/);
    expect(ad.gradients(x.sum(), [x, z], { allowUnused: true })[1]).toBeNull();
  });

  it('retainGrad keeps the gradient of a non-leaf', () => {
    const x = ad.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const h = x.mul(2).retainGrad();
    h.square().sum().backward();
    expect(h.grad).toBeAllClose([4, 8]);
  });

  it('detach cuts the tape', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const y = x.detach().mul(x).sum();
    y.backward();
    expect(x.grad).toBeAllClose([1, 2]);
  });
});
