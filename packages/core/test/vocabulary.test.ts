import * as ad from '../src';
import { DTypeError, IndexError, ShapeError } from '../src';

// Values of the masking, reordering, scan, sorting and special-function ops, as PyTorch
// gives them (gradients are in the op table: op-cases.ts).

const f64 = { dtype: 'float64' } as const;
const m23 = () =>
  ad.tensor([
    [true, false, true],
    [false, false, true],
  ]);

describe('masks', () => {
  it('maskedFill keeps the dtype, broadcasts the mask and takes a number or a 0-d tensor', () => {
    const x = ad.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.maskedFill(m23(), 0).toArray()).toEqual([
      [0, 2, 0],
      [4, 5, 0],
    ]);
    expect(x.maskedFill(ad.tensor([false, true, false]), ad.tensor(-1)).toArray()).toEqual([
      [1, -1, 3],
      [4, -1, 6],
    ]);
    expect(
      ad.tensor([1, 2], { dtype: 'int32' }).maskedFill(ad.tensor([true, false]), 7).dtype,
    ).toBe('int32');
    expect(() => x.maskedFill(x.gt(0).cast('int32'), 0)).toThrow(DTypeError);
    expect(() => x.maskedFill(ad.tensor([true, false]), 0)).toThrow(ShapeError);
  });

  it('maskedSelect, tril, triu and nonzero', () => {
    const x = ad.arange(6).reshape([2, 3]);
    expect(x.maskedSelect(m23()).toArray()).toEqual([0, 2, 5]);
    expect(x.maskedSelect(ad.tensor([true, false, true])).toArray()).toEqual([0, 2, 3, 5]);
    const sq = ad.arange(1, 10).reshape([3, 3]);
    expect(sq.tril().toArray()).toEqual([
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ]);
    expect(sq.triu(1).toArray()).toEqual([
      [0, 2, 3],
      [0, 0, 6],
      [0, 0, 0],
    ]);
    // a triangle keeps its dtype, as in PyTorch: a causal mask stays bool
    const causal = ad.ones([2, 2], { dtype: 'bool' }).triu(1);
    expect([causal.dtype, sq.tril().dtype]).toEqual(['bool', sq.dtype]);
    expect(causal.toArray()).toEqual([
      [0, 1],
      [0, 0],
    ]);
    // NaN and ∞ outside the triangle are dropped, not multiplied by 0
    expect(
      ad
        .tensor([
          [1, NaN],
          [Infinity, 2],
        ])
        .tril()
        .toArray(),
    ).toEqual([
      [1, 0],
      [Infinity, 2],
    ]);
    expect(
      ad
        .tensor([
          [0, 1],
          [2, 0],
        ])
        .nonzero()
        .toArray(),
    ).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(ad.zeros([2, 2]).nonzero().shape).toEqual([0, 2]);
  });
});

describe('reordering', () => {
  it('flip, roll, tile, repeatInterleave, diagEmbed', () => {
    const x = ad.arange(6).reshape([2, 3]);
    expect(x.flip(1).toArray()).toEqual([
      [2, 1, 0],
      [5, 4, 3],
    ]);
    expect(x.flip([0, 1]).toArray()).toEqual([
      [5, 4, 3],
      [2, 1, 0],
    ]);
    expect(x.T.flip(0).toArray()).toEqual([
      [2, 5],
      [1, 4],
      [0, 3],
    ]);
    expect(x.roll(1, 1).toArray()).toEqual([
      [2, 0, 1],
      [5, 3, 4],
    ]);
    expect(x.roll(-1).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 0],
    ]);
    expect(x.roll([1, 1], [0, 1]).toArray()).toEqual([
      [5, 3, 4],
      [2, 0, 1],
    ]);
    expect(ad.tensor([1, 2]).tile([2, 2]).toArray()).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(ad.tensor([1, 2, 3]).repeatInterleave(2).toArray()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(x.repeatInterleave(ad.tensor([1, 2], { dtype: 'int32' }), 0).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [3, 4, 5],
    ]);
    expect(ad.tensor([1, 2]).diagEmbed().toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
    expect(ad.tensor([1, 2]).diagEmbed(1).toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 2],
      [0, 0, 0],
    ]);
    expect(() => x.flip([1, -1])).toThrow(IndexError);
  });

  it('takeAlongDim, scatter and indexCopy', () => {
    const x = ad.tensor([
      [10, 30, 20],
      [60, 40, 50],
    ]);
    expect(x.takeAlongDim(x.argsort(1), 1).toArray()).toEqual([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    expect(x.takeAlongDim(ad.tensor([[0]], { dtype: 'int32' }), 1).toArray()).toEqual([[10], [60]]);
    expect(x.takeAlongDim([5, 0]).toArray()).toEqual([50, 10]);
    expect(
      ad
        .zeros([2, 3])
        .scatter(1, [[2], [0]], ad.tensor([[1], [2]]))
        .toArray(),
    ).toEqual([
      [0, 0, 1],
      [2, 0, 0],
    ]);
    expect(
      ad
        .zeros([2, 2])
        .scatter(0, [[1, 0]], 7)
        .toArray(),
    ).toEqual([
      [0, 7],
      [7, 0],
    ]);
    expect(
      ad
        .zeros([2, 3])
        .indexCopy(
          1,
          [2, 0],
          ad.tensor([
            [1, 2],
            [3, 4],
          ]),
        )
        .toArray(),
    ).toEqual([
      [2, 0, 1],
      [4, 0, 3],
    ]);
    expect(() => ad.zeros([2, 2]).scatter(0, [[2, 0]], 1)).toThrow(IndexError);
  });
});

describe('scans', () => {
  it('cumsum, cumprod, logcumsumexp, cummax and cummin', () => {
    const x = ad.tensor([1, 2, 3, 4], f64);
    expect(x.cumsum(0).toArray()).toEqual([1, 3, 6, 10]);
    expect(x.cumprod(0).toArray()).toEqual([1, 2, 6, 24]);
    expect(ad.tensor([true, true, false]).cumsum(0).dtype).toBe('int32');
    const big = ad.tensor([1000, 1000, -Infinity], f64).logcumsumexp(0).toArray() as number[];
    expect(big[0]).toBe(1000);
    expect(big[1]).toBeCloseTo(1000 + Math.LN2, 12);
    expect(big[2]).toBeCloseTo(1000 + Math.LN2, 12);
    expect(ad.tensor([Infinity, 1], f64).logcumsumexp(0).toArray()).toEqual([Infinity, Infinity]);
    const [values, indices] = ad.tensor([1, 3, 2, 3, NaN, 0]).cummax(0);
    expect(values.toArray()).toEqual([1, 3, 3, 3, NaN, NaN]);
    expect(indices.toArray()).toEqual([0, 1, 1, 3, 4, 4]);
    expect(
      ad
        .tensor([
          [2, 1],
          [1, 3],
        ])
        .cummin(1)
        .indices.toArray(),
    ).toEqual([
      [0, 1],
      [0, 0],
    ]);
  });
});

describe('sorting and selection', () => {
  it('sort is stable, puts NaN last (first when descending), and returns values and indices', () => {
    const x = ad.tensor([3, NaN, 1, 3, -Infinity]);
    const { values, indices } = x.sort();
    expect(values.toArray()).toEqual([-Infinity, 1, 3, 3, NaN]);
    expect(indices.toArray()).toEqual([4, 2, 0, 3, 1]);
    const [down, at] = x.sort(0, true);
    expect(down.toArray()).toEqual([NaN, 3, 3, 1, -Infinity]);
    expect(at.toArray()).toEqual([1, 0, 3, 2, 4]);
    expect(x.argsort().toArray()).toEqual([4, 2, 0, 3, 1]);
  });

  it('topk, kthvalue and median', () => {
    const x = ad.tensor([
      [5, 1, 4, 2],
      [0, 9, 8, 7],
    ]);
    expect(x.topk(2).values.toArray()).toEqual([
      [5, 4],
      [9, 8],
    ]);
    expect(x.topk(1, 1, false).indices.toArray()).toEqual([[1], [0]]);
    expect(x.kthvalue(2, 1).values.toArray()).toEqual([2, 7]);
    expect(x.kthvalue(2, 1, true).indices.toArray()).toEqual([[3], [3]]);
    expect(x.median().item()).toBe(4); // the lower of the two middle values of 8
    expect(x.median(1).values.toArray()).toEqual([2, 7]);
    expect(ad.tensor([1, NaN, 2]).median().item()).toBeNaN();
    expect(() => x.topk(5)).toThrow(IndexError);
  });
});

describe('special functions', () => {
  const close = (v: ad.Tensor, want: number[], rtol = 1e-13) =>
    (v.toArray() as number[]).forEach((g, i) =>
      expect(Math.abs(g - want[i])).toBeLessThanOrEqual(rtol * Math.abs(want[i])),
    );

  it('lgamma, digamma and polygamma at known values', () => {
    close(ad.tensor([0.5, 3, -0.5, 100], f64).lgamma(), [
      0.5723649429247001,
      Math.log(2),
      1.2655121234846454,
      359.1342053695754,
    ]);
    expect(Math.abs(ad.tensor([1, 2], f64).lgamma().abs().max().item())).toBeLessThan(1e-14);
    expect(ad.tensor([0, -1], f64).lgamma().toArray()).toEqual([Infinity, Infinity]);
    close(
      ad.tensor([1, 0.5, 10], f64).digamma(),
      [-0.5772156649015329, -1.9635100260214235, 2.251752589066721],
    );
    expect(ad.tensor([0, -2], f64).digamma().toArray()).toEqual([-Infinity, NaN]);
    close(ad.tensor([1], f64).polygamma(1), [Math.PI ** 2 / 6]);
    close(ad.tensor([1], f64).polygamma(2), [-2.4041138063191885]);
    close(ad.tensor([0.5], f64).polygamma(1), [Math.PI ** 2 / 2]);
  });

  it('erfc in the tail, erfinv as erf’s inverse, sinc', () => {
    close(
      ad.tensor([3, 10, -1], f64).erfc(),
      [2.209049699858544e-5, 2.088487583762545e-45, 1.8427007929497148],
      1e-12,
    );
    const ys = ad.tensor([-0.999999, -0.3, 0, 0.5, 0.9, 0.99999999], f64);
    const back = ys.erfinv().erf().toArray() as number[];
    (ys.toArray() as number[]).forEach((y, i) => expect(Math.abs(back[i] - y)).toBeLessThan(1e-15));
    close(ad.tensor([0.5], f64).erfinv(), [0.4769362762044699]);
    expect(ad.tensor([1, -1, 2], f64).erfinv().toArray()).toEqual([Infinity, -Infinity, NaN]);
    close(ad.tensor([0.5, 1.5], f64).sinc(), [2 / Math.PI, -2 / (3 * Math.PI)]);
    expect(ad.tensor([0]).sinc().item()).toBe(1);
  });
});

describe('indexing with at', () => {
  it('reads Python’s basic indexing as views', () => {
    const x = ad.arange(24).reshape([2, 3, 4]);
    expect(x.at('1, :, -1').toArray()).toEqual([15, 19, 23]);
    expect(x.at('..., ::2').shape).toEqual([2, 3, 2]);
    expect(x.at(':, 1:3, 1:4:2').toArray()).toEqual([
      [
        [5, 7],
        [9, 11],
      ],
      [
        [17, 19],
        [21, 23],
      ],
    ]);
    expect(x.at('None, 0').shape).toEqual([1, 3, 4]);
    expect(x.at([0, { start: 1 }, '...']).toArray()).toEqual(x.at('0, 1:').toArray());
    expect(x.at('0, ..., 1').storage).toBe(x.storage);
    expect(() => x.at('0, 0, 0, 0')).toThrow(/at: 4 dims indexed, but the tensor \[2,3,4\] has 3/);
    expect(() => x.at('0:1:a')).toThrow(IndexError);
    expect(() => x.at('5')).toThrow(/^at: /);
  });
});

describe('sampling with tensor parameters', () => {
  const g = () => new ad.Generator(7);

  it('bernoulli and multinomial draw from the seeded generator', () => {
    const p = ad.full([20000], 0.3, f64);
    const draws = p.bernoulli({ generator: g() });
    expect(draws.toArray()).toEqual(ad.bernoulli(p, { generator: g() }).toArray());
    expect(Math.abs(draws.mean().item() - 0.3)).toBeLessThan(0.02);
    const w = ad.tensor([
      [0, 1, 3],
      [5, 0, 0],
    ]);
    const picks = w.multinomial(4000, { replacement: true, generator: g() });
    expect(picks.shape).toEqual([2, 4000]);
    const first = picks.select(0, 0).toFlatArray();
    expect(first.every((k) => k === 1 || k === 2)).toBe(true);
    expect(Math.abs(first.filter((k) => k === 2).length / 4000 - 0.75)).toBeLessThan(0.03);
    expect(
      picks
        .select(0, 1)
        .toFlatArray()
        .every((k) => k === 0),
    ).toBe(true);
    const perm = ad.ones([5]).multinomial(5, { generator: g() }).toFlatArray();
    expect([...perm].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => ad.tensor([1, 0]).multinomial(2)).toThrow(/without replacement from 1/);
    expect(() => ad.tensor([0.5, 2]).bernoulli()).toThrow(/\[0, 1\]/);
  });

  it('normal and uniform broadcast tensor parameters', () => {
    const mean = ad.tensor([[0], [100]], f64);
    const y = ad.normal(mean, ad.tensor([1, 2, 3], f64), { generator: g() });
    expect(y.shape).toEqual([2, 3]);
    expect(Math.abs(y.select(0, 1).mean().item() - 100)).toBeLessThan(10);
    const u = ad.uniform(ad.zeros([1000], f64), 2, { generator: g() });
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(2);
    expect(() => ad.normal(0, ad.tensor([-1]))).toThrow(/std must be ≥ 0/);
    expect(() => ad.uniform(1, 0)).toThrow(/low must be ≤ high/);
  });
});

describe('einsum', () => {
  const g = new ad.Generator(3);
  const r = (...shape: number[]) => ad.randn(shape, { dtype: 'float64', generator: g });
  const same = (x: ad.Tensor, y: ad.Tensor) => {
    expect(x.shape).toEqual(y.shape);
    const [a, b] = [x.toFlatArray(), y.toFlatArray()];
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-12));
  };

  it('agrees with the ops it stands for', () => {
    const [a, b, c] = [r(3, 4), r(4, 5), r(2, 3, 4)];
    same(ad.einsum('ij,jk->ik', a, b), a.matmul(b));
    same(ad.einsum('ij,jk', a, b), a.matmul(b));
    same(ad.einsum('ij->ji', a), a.T);
    same(ad.einsum('ij->', a), a.sum());
    same(ad.einsum('bij,jk->bik', c, b), c.matmul(b));
    same(ad.einsum('...ij,jk->...ik', c, b), c.matmul(b));
    same(ad.einsum('...ij->...ji', c), c.mT);
    const s = r(4, 4);
    same(ad.einsum('ii', s), s.diagonal().sum());
    same(ad.einsum('ii->i', s), s.diagonal());
    same(
      ad.einsum('i,j->ij', a.select(0, 0), b.select(1, 0)),
      ad.outer(a.select(0, 0), b.select(1, 0)),
    );
    same(ad.einsum('ij,ij->i', a, a), a.square().sum(1));
    const [x, w, y] = [r(2, 3), r(5, 3, 4), r(2, 4)];
    same(
      ad.einsum('bn,anm,bm->ba', x, w, y),
      x.unsqueeze(1).unsqueeze(-1).mul(w).mul(y.unsqueeze(1).unsqueeze(2)).sum([2, 3]),
    );
  });

  it('broadcasts size-1 dims and names what is wrong', () => {
    const a = r(3, 1);
    const b = r(3, 4);
    same(ad.einsum('ij,ij->ij', a, b), a.mul(b));
    expect(() => ad.einsum('ij,jk', r(2, 3), r(4, 2))).toThrow(
      /einsum: label 'j' is 3 in one place and 4/,
    );
    expect(() => ad.einsum('ij->k', r(2, 3))).toThrow(/output label 'k' is in no operand/);
    expect(() => ad.einsum('ij,jk', r(2, 3))).toThrow(/names 2 operands, got 1/);
    expect(() => ad.einsum('ijk', r(2, 3))).toThrow(ShapeError);
    expect(() => ad.einsum('i1', r(2, 3))).toThrow(/must be letters/);
  });
});
