import * as ad from '@ad/core';

// ad.captureOps: the ops a function ran, kept whole where the caller has a rule for them and
// opened up elsewhere; what cannot be captured through is named, never silently frozen.

describe('captureOps', () => {
  const x = ad.tensor([
    [1, -2],
    [3, 4],
  ]);
  const w = ad.tensor([
    [0.5, 1],
    [-1, 2],
  ]);

  it('lists the ops by public name, in order, with their arguments and results', () => {
    const { result, calls } = ad.captureOps(
      () => ad.linear(x, w).relu().sum(1),
      (name) => name !== 'linear',
    );
    const names = calls.map((c) => c.name);
    expect(names).not.toContain('linear'); // opened up: the ops it is made of
    expect(names.slice(-2)).toEqual(['relu', 'sum']);
    const last = calls[calls.length - 1];
    expect(last.outs).toEqual([result]);
    expect(last.args[1]).toBe(1);
    expect(Array.from(result.data)).toEqual(Array.from(ad.linear(x, w).relu().sum(1).data));
  });

  it('keeps an op whole when asked, its inside unheard', () => {
    const { calls } = ad.captureOps(
      () => ad.functional.layerNorm(x, [2]).softmax(-1),
      (name) => name === 'functional.layerNorm' || name === 'softmax',
    );
    expect(calls.map((c) => c.name)).toEqual(['functional.layerNorm', 'softmax']);
  });

  it('treats tensors of plain numbers and zeros/arange as constants, not calls', () => {
    const { calls } = ad.captureOps(
      () => x.add(ad.tensor([1, 2])).mul(ad.ones([2])),
      () => true,
    );
    expect(calls.map((c) => c.name)).toEqual(['add', 'mul']);
  });

  it('names a custom op whose result is used, instead of freezing its value', () => {
    const twice = ad.customOp('twice', (a: ad.Tensor) => [a.mul(2), (g: ad.Tensor) => [g.mul(2)]]);
    const rules = (name: string) => name !== 'twice'; // a caller with no rule for it
    expect(() => ad.captureOps(() => twice(x).add(1), rules)).toThrow(/computed by twice/);
    expect(() => ad.captureOps(() => twice(x), rules, 'myExporter')).toThrow(/^myExporter: /);
    // a caller that keeps it whole gets it as one call
    const { calls } = ad.captureOps(
      () => twice(x),
      () => true,
    );
    expect(calls.map((c) => c.name)).toEqual(['twice']);
  });

  it('notes values read back, and refuses to nest', () => {
    const { reads } = ad.captureOps(
      () => {
        const s = x.sum();
        return s.item() > 0 ? x.mul(2) : x;
      },
      () => true,
    );
    expect(reads.length).toBe(1);
    expect(() =>
      ad.captureOps(
        () =>
          ad.captureOps(
            () => x.neg(),
            () => true,
          ),
        () => true,
      ),
    ).toThrow(/cannot capture inside/);
    expect(() => ad.captureOps(5 as never, () => true)).toThrow(/captureOps/);
  });

  it('has a name for every public op', () => {
    const names = new Set(ad.opNames().values());
    for (const n of ['add', 'matmul', 'functional.conv2d', 'linalg.svd', 'fft.fft'])
      if (n.includes('.') && !n.startsWith('functional.')) continue;
      else expect(names).toContain(n);
  });
});
