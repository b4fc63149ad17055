import { inspect } from 'node:util';
import * as ad from '@ad/core';
import { Generator } from '@ad/core';
import * as nn from '../src';

// The forms a PyTorch user types first: they work, or fail with an error saying what to write.

describe('PyTorch habits', () => {
  const x = ad.arange(6).reshape(2, 3);

  it('sizes and dims as separate numbers, as well as arrays', () => {
    expect(x.shape).toEqual([2, 3]);
    expect(x.reshape(3, 2).shape).toEqual([3, 2]);
    expect(x.view(-1).shape).toEqual([6]);
    expect(x.permute(1, 0).toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(x.unsqueeze(0).expand(4, 2, 3).shape).toEqual([4, 2, 3]);
    expect(x.repeat(2, 1).shape).toEqual([4, 3]);
    expect(ad.zeros(2, 3).shape).toEqual([2, 3]);
    expect(ad.ones(2, 3, { dtype: 'float64' }).dtype).toBe('float64');
    expect(ad.randn(4, 5, { generator: new Generator(1) }).shape).toEqual([4, 5]);
  });

  it('T transposes, and reverses the dims of n-d tensors as PyTorch does', () => {
    expect(x.T.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(ad.zeros(2, 3, 4).T.shape).toEqual([4, 3, 2]);
    expect(ad.zeros(3).T.shape).toEqual([3]);
  });

  it('keepdim as the positional boolean of sum, mean, max, min and logsumexp', () => {
    for (const f of ['sum', 'mean', 'max', 'min', 'logsumexp', 'amax', 'amin', 'prod'] as const)
      expect(x[f](1, true).shape).toEqual([2, 1]);
    // var/std(dim, unbiased, keepdim): PyTorch's boolean after dim is `unbiased`, not keepdim
    const y = ad.tensor([
      [1, 2, 4],
      [0, 0, 3],
    ]);
    expect(y.var(1, false).toArray()).toEqual(y.var(1, { correction: 0 }).toArray());
    expect(y.std(1, true, true).shape).toEqual([2, 1]);
    expect(y.std(1, true, true).toArray()).toEqual(y.std(1, { keepdim: true }).toArray());
  });

  it('class targets as plain arrays', () => {
    const logits = ad.tensor([
      [2, 0, 0],
      [0, 0, 3],
    ]);
    expect(nn.crossEntropy(logits, [0, 2]).item()).toBeCloseTo(
      nn.crossEntropy(logits, ad.tensor([0, 2], { dtype: 'int32' })).item(),
      7,
    );
    expect(nn.nllLoss(logits.logSoftmax(1), [0, 2]).item()).toBeGreaterThan(0);
  });

  it('console.log(model) prints the module tree', () => {
    const model = new nn.MLP([2, 4, 1], { generator: new Generator(1) });
    expect(inspect(model)).toBe(String(model));
    expect(inspect(model)).toMatch(
      /^MLP\(\n {2}\(0\): Linear\(inFeatures=2, outFeatures=4, bias=true\)\n {2}\(1\): ReLU\(\)/,
    );
  });

  it('BatchNorm1d keeps its buffers under PyTorch names, and reads the old camelCase keys', () => {
    const bn = new nn.BatchNorm1d(2);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    const old = {
      weight: ad.ones([2]),
      bias: ad.zeros([2]),
      runningMean: ad.tensor([1, 2]),
      runningVar: ad.tensor([3, 4]),
      numBatchesTracked: ad.tensor(7, { dtype: 'int32' }),
    };
    bn.loadStateDict(old);
    expect([
      bn.runningMean.toArray(),
      bn.runningVar.toArray(),
      bn.numBatchesTracked.item(),
    ]).toEqual([[1, 2], [3, 4], 7]);
    const copy = new nn.BatchNorm1d(2);
    nn.restoreCheckpoint(nn.encodeCheckpoint({ model: bn }), { model: copy });
    expect(copy.runningVar.toArray()).toEqual([3, 4]);
  });
});
