import * as ad from '../src';
import { AdError, AutogradError, DTypeError, IndexError, type Tensor, ValueError } from '../src';

// Regression tests for paths that used to corrupt data quietly: each names the failure it guards.

describe('indices given as plain arrays are checked like tensor indices', () => {
  const x = () =>
    ad.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  const bad: [string, unknown][] = [
    ['a fraction', [1.5]],
    ['2³²', [2 ** 32]],
    ['NaN', [NaN]],
    ['null', [null]],
    ["a string '2'", ['2']],
    // eslint-disable-next-line no-sparse-arrays
    ['a hole', [0, , 1]],
    ['a nested fraction', [[0.5]]],
    ['undefined', [undefined]],
    ['a boolean', [true]],
  ];
  it.each(bad)('indexSelect rejects %s', (_, index) => {
    expect(() => x().indexSelect(1, index as number[])).toThrow(IndexError);
  });
  it.each(bad)('gather, indexAdd and scatterAdd reject %s', (_, index) => {
    const nested = Array.isArray((index as unknown[])[0]) ? index : [index, index];
    expect(() => x().gather(1, nested as number[][])).toThrow(AdError);
    expect(() => x().indexAdd(1, index as number[], ad.ones([2, 1]))).toThrow(AdError);
    expect(() => x().scatterAdd(1, nested as number[][], ad.ones([2, 1]))).toThrow(AdError);
  });
  it('a bool tensor is not an index', () => {
    expect(() => x().indexSelect(1, ad.tensor([true, false]))).toThrow(DTypeError);
  });
  it('valid plain arrays still work', () => {
    expect(x().indexSelect(1, [2, 0]).toArray()).toEqual([
      [3, 1],
      [6, 4],
    ]);
  });
  it('indexAdd takes alpha as PyTorch does', () => {
    const y = ad.zeros([2, 3]).indexAdd(1, [2, 2], ad.ones([2, 2]), { alpha: 2.5 });
    expect(y.toArray()).toEqual([
      [0, 0, 5],
      [0, 0, 5],
    ]);
    expect(() => ad.zeros([2, 3]).indexAdd(1, [0], ad.ones([2, 1]), { alfa: 2 } as never)).toThrow(
      /unknown option 'alfa'/,
    );
  });
});

describe('tensors always hold data that matches their shape and dtype', () => {
  it('a sparse array is rejected, not shortened', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => ad.tensor([1, , 3] as number[])).toThrow(/tensor: the array has a hole at \[1\]/);
    expect(() => ad.tensor(new Array(3))).toThrow(ValueError);
    expect(() => ad.tensor([[1, 2], new Array(2)])).toThrow(/hole at \[1,0\]/);
  });
  it('int32 overflow on creation is an error, not a wrap-around', () => {
    expect(() => ad.tensor([3e9], { dtype: 'int32' })).toThrow(
      /tensor: value 3000000000 cannot be converted to int32/,
    );
    expect(() => ad.tensor([NaN], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => ad.full([2], 2 ** 31, { dtype: 'int32' })).toThrow(ValueError);
    expect(() => ad.tensor([1.5, -2.5]).cast('int32').toArray()).not.toThrow();
    expect(ad.tensor([1.5, -2.5]).cast('int32').toArray()).toEqual([1, -2]);
    expect(() => ad.tensor([Infinity]).cast('int32')).toThrow(/cast: value Infinity/);
  });
  it('bool arithmetic stays 0/1 (PyTorch: add is or, mul is and) or raises', () => {
    const b = ad.tensor([true, false, true]);
    const c = ad.tensor([true, true, false]);
    expect(b.add(b).dtype).toBe('bool');
    expect(Array.from(b.add(c).data)).toEqual([1, 1, 1]);
    expect(Array.from(b.mul(c).data)).toEqual([1, 0, 0]);
    expect(() => ad.tensor([false]).sub(ad.tensor([true]))).toThrow(
      /sub: subtracting two bool tensors is not supported/,
    );
    expect(() => b.neg()).toThrow(DTypeError);
    expect(() => b.reshape([3, 1]).matmul(b.reshape([1, 3]))).toThrow(DTypeError);
    expect(() => b.clamp(0, 1)).toThrow(DTypeError);
    expect(Array.from(ad.full([2], 2, { dtype: 'bool' }).data)).toEqual([1, 1]);
    expect(Array.from(ad.zeros([2], { dtype: 'bool' }).fill_(255).data)).toEqual([1, 1]);
    expect(Array.from(b.pad([1, 1], 7).data)).toEqual([1, 1, 0, 1, 1]);
    expect(() => ad.uniform_(ad.zeros([2], { dtype: 'bool' }))).toThrow(DTypeError);
    expect(() => ad.normal_(ad.zeros([2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(Array.from(b.indexAdd(0, [0, 0], ad.tensor([true, true])).data)).toEqual([1, 0, 1]);
    expect(b.add(1).dtype).toBe('int32');
    expect(b.sum().item()).toBe(2);
  });
  it('max and min of int32 tensors are right for negative values', () => {
    expect(ad.tensor([-5, -3], { dtype: 'int32' }).max().item()).toBe(-3);
    expect(ad.tensor([5, 3], { dtype: 'int32' }).min().item()).toBe(3);
  });
  it('an unknown dtype names itself, even one inherited from Object', () => {
    expect(() => ad.zeros([2], { dtype: 'toString' as never })).toThrow(
      /zeros: unknown dtype 'toString'/,
    );
    expect(() => ad.tensor([1], { dtype: 'float16' as never })).toThrow(DTypeError);
  });
  it('a shape too large for a typed array is an AdError', () => {
    expect(() => ad.zeros([1e6, 1e6])).toThrow(/zeros: cannot allocate 1000000000000 elements/);
  });
});

describe('reductions over empty tensors', () => {
  const empty = () => ad.zeros([0, 4], { requiresGrad: true });
  it('along a non-empty dim they return empty results, as PyTorch', () => {
    expect(empty().max(1).shape).toEqual([0]);
    expect(empty().amax(1).shape).toEqual([0]);
    expect(empty().softmax(1).shape).toEqual([0, 4]);
    expect(empty().logSoftmax(1).shape).toEqual([0, 4]);
    expect(empty().logsumexp(1).shape).toEqual([0]);
    expect(empty().argmax(1).shape).toEqual([0]);
  });
  it('argmax of an empty tensor fails before recording anything; sumTo of bools counts them', () => {
    const tape = new ad.GradientTape();
    tape.record(() =>
      expect(() => ad.zeros([2, 0], { requiresGrad: true }).argmax()).toThrow(
        /argmax: cannot take argmax of an empty dim/,
      ),
    );
    expect(tape.entries).toEqual([]);
    expect(ad.tensor([true, true, false]).sumTo([1]).toArray()).toEqual([2]);
  });
  it('over an empty dim, logsumexp is −∞ and max keeps its error', () => {
    expect(ad.zeros([3, 0]).logsumexp(1).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(() => empty().max(0)).toThrow(/max: cannot reduce over an empty dim/);
    expect(() => empty().max()).toThrow(ValueError);
  });
  it('gradients flow through them', () => {
    const x = empty();
    x.softmax(1).sum().backward();
    expect(x.grad!.shape).toEqual([0, 4]);
  });
});

describe('backward is all or nothing', () => {
  it('a throwing hook leaves every .grad as it was, and a retry counts once', () => {
    const a = ad.tensor([1, 2], { requiresGrad: true });
    const b = ad.tensor([3, 4], { requiresGrad: true });
    let fail = true;
    b.registerHook(() => {
      if (fail) throw new Error('hook failed');
    });
    const y = a.mul(b).sum();
    expect(() => y.backward({ retainGraph: true })).toThrow('hook failed');
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
    fail = false;
    y.backward();
    expect(a.grad!.toArray()).toEqual([3, 4]);
    expect(b.grad!.toArray()).toEqual([1, 2]);
  });
  it('a hook that changes the gradient’s size, or returns a number, is a named error', () => {
    const x = ad.tensor([1, 2, 3], { requiresGrad: true });
    x.registerHook(() => ad.ones([2]));
    expect(() => x.mul(2).sum().backward()).toThrow(
      /registerHook: a hook changed the size of the gradient of a tensor of shape \[3\]/,
    );
    const z = ad.tensor([1, 2], { requiresGrad: true });
    const h = z.mul(2);
    h.registerHook((() => 5) as never);
    expect(() => h.sum().backward()).toThrow(
      /registerHook: a hook on a tensor of shape \[2\] returned number/,
    );
    expect(z.grad).toBeNull();
  });
  it('a second backward started from inside a hook is the named AutogradError', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    const loss = y.sum();
    let inner = false;
    y.registerHook((g) => {
      if (!inner) {
        inner = true;
        loss.backward(); // consumes the entries the outer backward is about to use
      }
      return g;
    });
    let thrown: unknown;
    try {
      loss.backward();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AutogradError);
    expect(String(thrown)).toMatch(/backward through the tape a second time/);
  });
  it('a customOp gradient of the wrong shape names the custom op', () => {
    const bad = ad.customOp('myOp', (x: Tensor) => [
      x.mul(2),
      (dy: Tensor) => [dy.sum(0, true).expand([4, 3])],
    ]);
    const x = ad.ones([2, 3], { requiresGrad: true });
    expect(() => bad(x).sum().backward()).toThrow(
      /^myOp: the gradient of input 0 has shape \[4,3\], which does not fit the input's shape \[2,3\]/,
    );
    const worse = ad.customOp('worse', (x: Tensor) => [x.mul(2), () => [3 as never]]);
    expect(() => worse(x).sum().backward()).toThrow(
      /^worse: the backward rule returned a number as the gradient of input 0/,
    );
    expect(x.grad).toBeNull();
  });
});

describe('errors name the op the user called', () => {
  it('copy_ of a source that does not broadcast', () => {
    expect(() => ad.zeros([2, 3]).copy_(ad.ones([4]))).toThrow(/^copy_: /);
  });
  it('wrong argument types say what was expected', () => {
    const x = ad.ones([2, 3]);
    expect(() => x.sum('1' as never)).toThrow(
      /^sum: dim must be an integer or an array of them, got "1"/,
    );
    expect(() => x.sum(null, 'yes' as never)).toThrow(/^sum: expected an options object/);
    expect(() => x.softmax({} as never)).toThrow(/^softmax: dim must be an integer, got an object/);
    expect(() => x.clamp('a' as never)).toThrow(/^clamp: min must be a number/);
    expect(() => x.leakyRelu(null as never)).toThrow(
      /^leakyRelu: negativeSlope must be a finite number/,
    );
    expect(() => ad.zeros('3' as never)).toThrow(
      /^zeros: takes a shape \(\[2, 3\]\) or sizes \(2, 3\), then options; got "3"/,
    );
    expect(() => x.gelu({ approximate: 'fast' } as never)).toThrow(
      /^gelu: approximate must be one of 'none', 'tanh'/,
    );
  });
  it('PyTorch’s positional keepdim works', () => {
    const x = ad.ones([2, 3]);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.max(0, true).shape).toEqual([1, 3]);
    expect(x.var(1, true).shape).toEqual([2]); // PyTorch's var(dim, unbiased)
    expect(() => x.var(1, {}, true)).toThrow(/var: takes keepdim in its options/);
  });
});
