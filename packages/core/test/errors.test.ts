import * as ad from '../src';
import {
  AutogradError,
  DTypeError,
  GradientTape,
  IndexError,
  ShapeError,
  type Tensor,
  ValueError,
} from '../src';

type ErrorClass = new (...args: never[]) => Error;

interface BadCase {
  what: string;
  run: (x: Tensor, y: Tensor) => unknown;
  error: ErrorClass;
  message: RegExp;
  /** Entries the call records before the failing op (e.g. the sum in `x.sum().matmul(x)`). */
  before?: number;
}

// x is [2,3] and y is [4]; both are leaves that require grad
const cases: BadCase[] = [
  {
    what: 'broadcasting',
    run: (x, y) => x.add(y),
    error: ShapeError,
    message: /^add: cannot broadcast \[2,3\] with \[4\]$/,
  },
  {
    what: 'broadcasting in where',
    run: (x, y) => ad.where(x.gt(0), x, y),
    error: ShapeError,
    message: /^where: cannot broadcast \[2,3\] with \[4\]/,
  },
  {
    what: 'matmul inner dims',
    run: (x, y) => x.matmul(y),
    error: ShapeError,
    message: /^matmul: inner dimensions differ: \[2,3\] @ \[4\] \(3 vs 4\)/,
  },
  {
    what: 'matmul of a 0-d tensor',
    run: (x) => x.sum().matmul(x),
    error: ShapeError,
    message: /^matmul: both arguments need at least 1 dim/,
    before: 1,
  },
  {
    what: 'reshape to another size',
    run: (x) => x.reshape([4, 2]),
    error: ShapeError,
    message: /^reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,2\]/,
  },
  {
    what: 'reshape with two -1',
    run: (x) => x.reshape([-1, -1]),
    error: ShapeError,
    message: /^reshape: only one size may be -1/,
  },
  {
    what: 'a dim out of range',
    run: (x) => x.sum(2),
    error: IndexError,
    message: /^sum: dim 2 is out of range for a 2-d tensor \(valid: \[-2, 1\]\)/,
  },
  {
    what: 'a negative dim out of range',
    run: (x) => x.softmax(-3),
    error: IndexError,
    message: /^softmax: dim -3 is out of range/,
  },
  {
    what: 'permute that is no permutation',
    run: (x) => x.permute([0, 0]),
    error: IndexError,
    message: /^permute: dims \[0,0\] are not a permutation/,
  },
  {
    what: 'expand to an incompatible shape',
    run: (x) => x.expand([2, 4]),
    error: ShapeError,
    message: /^expand: cannot expand \[2,3\] to \[2,4\]/,
  },
  {
    what: 'cat of mismatched shapes',
    run: (x, y) => ad.cat([x, y]),
    error: ShapeError,
    message: /^cat: shapes \[2,3\], \[4\] differ/,
  },
  {
    what: 'an index out of range',
    run: (x) => x.indexSelect(1, [0, 3]),
    error: IndexError,
    message: /^indexSelect: index 3 is out of range for a dim of size 3/,
  },
  {
    what: 'a negative index',
    run: (x) => x.gather(1, [[0], [-1]]),
    error: IndexError,
    message: /^gather: index -1 is out of range/,
  },
  {
    what: 'select out of range',
    run: (x) => x.select(0, 2),
    error: IndexError,
    message: /^select: index 2 is out of range for dim 0 of size 2/,
  },
  {
    what: 'narrow past the end',
    run: (x) => x.narrow(1, 2, 2),
    error: IndexError,
    message: /^narrow: start 2 and length 2 do not fit dim 1 of \[2,3\]/,
  },
  {
    what: 'backward on a non-scalar',
    run: (x) => x.mul(2).backward(),
    error: AutogradError,
    message:
      /^backward: output 0 has shape \[2,3\]; a gradient can be implied only for a single-element output/,
    before: 1,
  },
  {
    what: 'backward with a wrong-shaped gradient',
    run: (x) => x.mul(2).backward(ad.ones([3])),
    error: ShapeError,
    message: /^backward: gradient of shape \[3\] does not match output 0 of shape \[2,3\]/,
    before: 1,
  },
  {
    what: 'backward on a constant',
    run: () => ad.ones([1]).backward(),
    error: AutogradError,
    message: /^backward: output 0 \(shape \[1\]\) does not require grad/,
  },
  {
    what: 'item of several elements',
    run: (x) => x.item(),
    error: ValueError,
    message: /^item: only single-element tensors have an item, this one is \[2,3\]/,
  },
  {
    what: 'requiresGrad on integers',
    run: () => ad.tensor([1], { dtype: 'int32', requiresGrad: true }),
    error: DTypeError,
    message: /^requiresGrad: only floating tensors can require grad, this one is int32/,
  },
  {
    what: 'a ragged nested array',
    run: () => ad.tensor([[1, 2], [3]]),
    error: ValueError,
    message: /^tensor: ragged nested array: \[1\] has length 1, expected length 2/,
  },
  {
    what: 'a non-integer size',
    run: () => ad.zeros([2, 2.5]),
    error: ValueError,
    message: /^zeros: shape \[2,2.5\] has an invalid size 2.5/,
  },
  {
    what: 'a negative size',
    run: () => ad.ones([-1]),
    error: ValueError,
    message: /^ones: shape \[-1\] has an invalid size -1/,
  },
  {
    what: 'an array where a tensor goes',
    run: (x) => x.add([1, 2] as never),
    error: ValueError,
    message: /^add: expected a Tensor or a number, got an array/,
  },
];

describe('bad input throws a typed error naming the op and shapes, and changes nothing', () => {
  it.each(cases.map((c) => [c.what, c] as const))('%s', (_, c) => {
    const x = ad.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const y = ad.tensor([1, 2, 3, 4], { requiresGrad: true });
    x.grad = ad.ones([2, 3]);
    const before = [x, y].map((t) => ({
      data: t.toFlatArray(),
      grad: t.grad?.toFlatArray(),
      version: t.version,
    }));
    const tape = new GradientTape();
    let thrown: unknown;
    tape.record(() => {
      try {
        c.run(x, y);
      } catch (e) {
        thrown = e;
      }
    });
    expect(thrown).toBeInstanceOf(c.error);
    expect((thrown as Error).message).toMatch(c.message);
    expect(
      [x, y].map((t) => ({
        data: t.toFlatArray(),
        grad: t.grad?.toFlatArray(),
        version: t.version,
      })),
    ).toEqual(before);
    // the failing op recorded nothing, and nothing was released
    expect(tape.entries.length).toBe(c.before ?? 0);
    expect(tape.entries.some((e) => e.released)).toBe(false);
  });

  it('a second backward through released entries throws and leaves .grad as it was', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const y = x.square().sum();
    y.backward();
    const grad = x.grad!.toFlatArray();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(x.grad!.toFlatArray()).toEqual(grad);
  });

  it('a failed backward releases nothing, so it can be retried', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(AutogradError);
    y.sum().backward();
    expect(x.grad).toBeAllClose([2, 2]);
  });
});
