// ad.compile: a replay gives what eager execution gives, or the call records again. Every
// guard case runs the same calls eagerly and compiled and compares them bitwise (float64).
import fc from 'fast-check';
import * as ad from '../src';
import type { Tensor } from '../src';
import { inputsOf, programs, run } from './random-programs';

const f64 = { dtype: 'float64' } as const;
const values = (t: unknown) => Array.from((t as Tensor).data);

/** Calls `make()`'s function eagerly and compiled on the same inputs, expecting equal results. */
function agree<A extends unknown[]>(
  make: () => (...args: A) => unknown,
  calls: A[],
  between: (i: number, world: 'eager' | 'compiled') => void = () => {},
  opts: ad.CompileOptions = {},
) {
  const eager = make();
  const compiled = ad.compile(make(), opts);
  calls.forEach((args, i) => {
    between(i, 'eager');
    between(i, 'compiled');
    const want = eager(...args);
    const got = compiled(...args);
    expect(flat(got)).toEqual(flat(want));
  });
  return compiled;
}

function flat(x: unknown): unknown {
  if (x instanceof ad.Tensor) return [x.shape, values(x)];
  if (Array.isArray(x)) return x.map(flat);
  return x;
}

describe('compile: replays equal eager execution', () => {
  it('replays a function of tensors, reading each call’s arguments', () => {
    const f = agree(
      () => (x: Tensor, y: Tensor) => x.mul(y).add(1).tanh().sum(1),
      [0, 1, 2].map((i) => [ad.randn([3, 4], f64).add(i), ad.randn([4], f64)]),
    );
    expect(f.stats).toEqual({ calls: 3, replays: 2, recordings: 1, eager: 0 });
  });

  it('gives results the next call does not overwrite', () => {
    const f = ad.compile((x: Tensor) => x.mul(2));
    const a = f(ad.tensor([1, 2])) as Tensor;
    const b = f(ad.tensor([3, 4])) as Tensor;
    expect(values(a)).toEqual([2, 4]);
    expect(values(b)).toEqual([6, 8]);
    expect(b.requiresGrad).toBe(false);
  });

  it('random programs with their gradients, float64, bitwise', () => {
    fc.assert(
      fc.property(programs, (p) => {
        const xs = inputsOf(p, 'float64');
        const step = () => {
          for (const x of xs) x.grad = null;
          const y = run(p, xs).sum();
          y.backward();
          return [y, ...xs.map((x) => x.grad ?? ad.zeros([]))];
        };
        const compiled = ad.compile(step);
        for (let i = 0; i < 3; i++) {
          const got = compiled() as Tensor[];
          const want = step();
          got.forEach((t, k) => expect(values(t)).toEqual(values(want[k])));
          ad.noGrad(() => xs.forEach((x) => x.mul_(0.7)));
        }
        expect(compiled.stats.replays).toBe(2);
      }),
      { numRuns: 40 },
    );
  });

  it('large float64 tensors (the WebAssembly kernels) replay bitwise', () => {
    const w = ad.randn([300, 200], { ...f64, requiresGrad: true });
    agree(
      () => (x: Tensor) => {
        w.grad = null;
        const loss = x.matmul(w).tanh().square().mean();
        loss.backward();
        return [loss, w.grad];
      },
      [0, 1, 2].map(() => [ad.randn([64, 300], f64)]),
    );
  });

  it('float32 replays agree within rounding', () => {
    const w = ad.randn([300, 200], { requiresGrad: true });
    const step = (x: Tensor) => {
      w.grad = null;
      const loss = x.matmul(w).sigmoid().mul(x.sum(1, true)).mean();
      loss.backward();
      return [loss, w.grad as unknown as Tensor];
    };
    const compiled = ad.compile(step);
    for (let i = 0; i < 3; i++) {
      const x = ad.randn([64, 300]);
      const got = compiled(x) as Tensor[];
      const want = step(x);
      got.forEach((t, k) => expect(t).toBeAllClose(want[k], { rtol: 1e-5, atol: 1e-7 }));
    }
  });
});

describe('compile: guards', () => {
  it('a value read back (a branch on item()) that changes records again', () => {
    const x = ad.tensor([1, -2, 3], f64);
    const [pos, neg] = [ad.tensor([1, 1, 1], f64), ad.tensor([-5, 1, 1], f64)];
    const f = agree(
      () => (s: Tensor) => (s.sum().item() > 0 ? s.mul(x) : s.sub(x)),
      [[pos], [pos], [neg], [pos], [neg]],
    );
    expect(f.stats).toMatchObject({ recordings: 2, replays: 3 });
  });

  it('a shape or dtype change records again; an old shape replays its recording', () => {
    const f = agree(
      () => (x: Tensor) => x.exp().sum(0),
      [
        [ad.ones([2, 3], f64)],
        [ad.ones([4, 3], f64)],
        [ad.ones([2, 3])],
        [ad.ones([2, 3], f64).mul(2)],
      ],
    );
    expect(f.stats).toMatchObject({ recordings: 3, replays: 1 });
  });

  it('a replaced parameter, requiresGrad toggled, grad mode: record again', () => {
    const holder = { w: ad.tensor([1, 2, 3], { ...f64, requiresGrad: true }) };
    const make = () => () => {
      holder.w.grad = null;
      const y = holder.w.square().sum();
      if (holder.w.requiresGrad) y.backward();
      return [y, holder.w.grad ?? ad.zeros([3], f64)];
    };
    const f = agree(
      make,
      [[], [], [], [], []],
      (i) => {
        if (i === 2) holder.w = ad.tensor([4, 5, 6], { ...f64, requiresGrad: true });
        if (i === 3) holder.w.requiresGrad = false;
      },
      { guards: () => [holder.w] },
    );
    expect(f.stats.recordings).toBe(3);
  });

  it('an argument changed in place by the user is read anew', () => {
    const x = ad.tensor([1, 2, 3], f64);
    agree(
      () => (t: Tensor) => t.mul(3).sum(),
      [[x], [x], [x]],
      (_, world) => world === 'compiled' && x.add_(1),
    );
  });

  it('a closure constant listed in guards records again when it changes', () => {
    let scale = 2;
    const f = agree(
      () => (x: Tensor) => x.mul(scale),
      [[ad.ones([2], f64)], [ad.ones([2], f64)], [ad.ones([2], f64)]],
      (i, world) => world === 'eager' && i === 2 && (scale = 5),
      { guards: () => [scale] },
    );
    expect(f.stats.recordings).toBe(2);
  });

  it('a data-dependent shape (nonzero) records again rather than replaying a stale one', () => {
    agree(
      () => (x: Tensor) => x.gt(0).nonzero().sum(),
      [[ad.tensor([1, -1, 2], f64)], [ad.tensor([1, 1, 2], f64)], [ad.tensor([-1, -1, 2], f64)]],
    );
  });

  it('warns once when a guard keeps failing, naming it', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const f = ad.compile((x: Tensor) => x.sum());
    for (let n = 1; n <= 12; n++) f(ad.ones([n]));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/argument 0: shape \[\d+\] → \[\d+\]/);
    warn.mockRestore();
  });

  it('debug prints each recording and why it was made', () => {
    const lines: string[] = [];
    const f = ad.compile((x: Tensor) => x.add(1), { debug: (m) => lines.push(m) });
    f(ad.ones([2]));
    f(ad.ones([3]));
    expect(lines.join('\n')).toMatch(
      /recorded 1 ops[\s\S]*recording again: argument 0: shape \[2\] → \[3\]/,
    );
    expect(f.explain()).toMatch(/fused loop: add/);
  });
});

describe('compile: what runs eagerly, and side effects', () => {
  it('a function whose result is differentiated outside the call runs eagerly', () => {
    const w = ad.tensor([1, 2], { ...f64, requiresGrad: true });
    const f = ad.compile((x: Tensor) => x.mul(w).sum());
    for (let i = 0; i < 2; i++) {
      w.grad = null;
      (f(ad.tensor([3, 4], f64)) as Tensor).backward();
      expect(values(w.grad)).toEqual([3, 4]);
    }
    expect(f.explain()).toMatch(/runs eagerly: it returns a tensor that requires grad/);
  });

  it('ad.sideEffect runs on every replay, after what precedes it', () => {
    const seen: number[] = [];
    const f = ad.compile((x: Tensor) => {
      const s = x.sum();
      ad.sideEffect('log', () => seen.push(s.item()));
      return s;
    });
    for (const v of [1, 2, 3]) f(ad.full([2], v));
    expect(seen).toEqual([2, 4, 6]);
    expect(f.stats.replays).toBe(2);
  });

  it('random ops draw anew on each replay, as eagerly', () => {
    const g1 = new ad.Generator(9);
    const g2 = new ad.Generator(9);
    const make = (g: ad.Generator) => (x: Tensor) =>
      x.mul(ad.rand([4], { generator: g, dtype: 'float64' }));
    const eager = make(g1);
    const compiled = ad.compile(make(g2));
    for (let i = 0; i < 3; i++) {
      const x = ad.ones([4], f64);
      expect(values(compiled(x))).toEqual(values(eager(x)));
    }
  });

  it('an in-place change of an argument reaches the caller’s tensor', () => {
    const f = ad.compile((x: Tensor) => void x.mul_(2));
    const a = ad.tensor([1, 2], f64);
    f(a);
    f(a);
    expect(values(a)).toEqual([4, 8]);
  });

  it('a compiled function called inside another recording is part of it', () => {
    const inner = ad.compile((x: Tensor) => x.exp());
    const outer = agree(
      () => (x: Tensor) => (inner as (x: Tensor) => Tensor)(x).sum(),
      [[ad.ones([2], f64)], [ad.zeros([2], f64)]],
    );
    expect(outer.stats.replays).toBe(1);
  });

  it('a 20,000-op chain records and replays', () => {
    const x0 = ad.tensor([0.5], { ...f64, requiresGrad: true });
    const chain = () => {
      x0.grad = null;
      let x = x0;
      for (let i = 0; i < 5000; i++) x = x.mul(1.0001).add(0.001).sin().mul(x0);
      x.backward();
      return [x, x0.grad];
    };
    const f = ad.compile(chain);
    f();
    expect(flat(f())).toEqual(flat(chain()));
  });

  it('checks its options', () => {
    expect(() => ad.compile(3 as never)).toThrow(/compile/);
    expect(() => ad.compile(() => 1, { maxVariants: 0 })).toThrow(/maxVariants/);
    expect(() => ad.compile(() => 1, { nope: 1 } as never)).toThrow(/nope/);
    expect(() => ad.sideEffect('x', 5 as never)).toThrow(/sideEffect/);
    const later = ad.compile(async (x: Tensor) => x.add(1));
    expect(() => later(ad.ones([1]))).toThrow(/returned a Promise/);
  });
});
