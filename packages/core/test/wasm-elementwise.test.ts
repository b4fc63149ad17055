// The WebAssembly SIMD element-wise and reduction kernels against the TypeScript ones (the
// reference): random values with zeros, infinities and NaNs, awkward and chunk-crossing sizes,
// every broadcast layout, reductions over any dims, and whole forward/backward passes.
import fc from 'fast-check';
import * as ad from '../src';
import type { TypedArray } from '../src/dtype';
import {
  map,
  type MapOp,
  numberZip,
  useKernels,
  zip,
  zipNumber,
  type ZipOp,
} from '../src/kernels/index';
import { type FoldOp, reduceInto } from '../src/kernels/index';
import { stridesOf } from '../src/shape';

type Floats = Float32Array | Float64Array;
const dtypes = ['float32', 'float64'] as const;

/** `run` with the WebAssembly kernels and with the TypeScript ones. */
function both<T>(run: () => T): [T, T] {
  try {
    useKernels('wasm');
    const fast = run();
    useKernels('ts');
    return [fast, run()];
  } finally {
    useKernels('wasm');
  }
}

/** Normal values, a few large ones, and the special values at random places. */
function values(dtype: (typeof dtypes)[number], n: number, seed: number): Floats {
  const g = new ad.Generator(seed);
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30, 100, -100, 1e30];
  const x = Float64Array.from({ length: n }, () =>
    g.random() < 0.05 ? special[g.integer(0, special.length)] : 3 * g.normal(),
  );
  return dtype === 'float32' ? Float32Array.from(x) : x;
}

/** Element-wise agreement: NaN where the reference is NaN, else within `ulps` of its magnitude. */
function expectClose(fast: TypedArray, slow: TypedArray, ulps: number, what: string) {
  const eps = fast instanceof Float32Array ? 2 ** -23 : 2 ** -52;
  for (let i = 0; i < slow.length; i++) {
    const [f, s] = [fast[i], slow[i]];
    const ok = Number.isNaN(s)
      ? Number.isNaN(f)
      : f === s || Math.abs(f - s) <= ulps * eps * Math.abs(s) + 1e-300;
    if (!ok) throw new Error(`${what}: element ${i} is ${f}, the TypeScript kernel gives ${s}`);
  }
}

const sizes = [1, 3, 17, 129, 1000, 40000]; // 40000 crosses the 16384-element chunks

describe('WebAssembly element-wise kernels', () => {
  // exact ops must agree bitwise; exp/tanh/sigmoid are rounded once from float64 (≤ 1 ulp)
  const maps: [MapOp, number][] = [
    ['neg', 0],
    ['abs', 0],
    ['square', 0],
    ['sqrt', 0],
    ['relu', 0],
    ['exp', 1],
    ['tanh', 1],
    ['sigmoid', 1],
  ];

  it.each(dtypes.flatMap((d) => maps.map(([op, ulps]) => [d, op, ulps] as const)))(
    '%s %s equals the TypeScript kernel',
    (dtype, op, ulps) => {
      for (const n of sizes) {
        const x = values(dtype, n, n);
        const [fast, slow] = both(() => {
          const out = new (x.constructor as Float64ArrayConstructor)(n);
          map(op, x, out);
          return out;
        });
        expectClose(fast, slow, ulps, `${op} n=${n}`);
      }
    },
  );

  it('float32 exp, tanh and sigmoid across their whole range, including overflow and saturation', () => {
    const x = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 20); // −100 … 100
    for (const op of ['exp', 'tanh', 'sigmoid'] as const) {
      const [fast, slow] = both(() => {
        const out = new Float32Array(x.length);
        map(op, x, out);
        return out;
      });
      expectClose(fast, slow, 1, op);
    }
  });

  const zips: [ZipOp, number][] = [
    ['add', 0],
    ['sub', 0],
    ['mul', 0],
    ['div', 0],
    ['maximum', 0],
    ['minimum', 0],
    ['tanhBackward', 4],
    ['sigmoidBackward', 4],
    ['reluBackward', 0],
  ];
  // same shape, bias-like rows, keepdim columns, scalars, either side, and ones no layout fits
  const layouts: [number[], number[]][] = [
    [
      [129, 17],
      [129, 17],
    ],
    [[129, 17], [17]],
    [[17], [129, 17]],
    [
      [129, 17],
      [129, 1],
    ],
    [
      [3, 1],
      [3, 129],
    ],
    [[129, 17], []],
    [[], [3, 17]],
    [
      [2, 3, 129],
      [3, 129],
    ],
    [
      [2, 3, 129],
      [2, 3, 1],
    ],
    [
      [2, 1, 129],
      [2, 3, 129],
    ],
    [
      [4, 1, 1],
      [4, 17, 3],
    ],
    [[3, 20000], [20000]],
    [
      [20000, 3],
      [20000, 1],
    ],
    [[40000], [1]],
    [[1, 40000], [40000]],
  ];

  const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
  const operands = Object.fromEntries(
    dtypes.map((d) => [
      d,
      layouts.map(([sa, sb], i) => [values(d, size(sa), i), values(d, size(sb), i + 100)]),
    ]),
  );

  it.each(dtypes.flatMap((d) => zips.map(([op, ulps]) => [d, op, ulps] as const)))(
    '%s %s equals the TypeScript kernel in every broadcast layout',
    (dtype, op, ulps) => {
      layouts.forEach(([sa, sb], i) => {
        const outShape = ad.broadcastShapes('test', sa, sb);
        const [a, raw] = operands[dtype][i];
        // a saved output of tanh or sigmoid lies in [−1, 1] or [0, 1]
        const b =
          op === 'tanhBackward'
            ? raw.map(Math.tanh)
            : op === 'sigmoidBackward'
              ? raw.map((v) => 1 / (1 + Math.exp(-v)))
              : raw;
        const [fast, slow] = both(() => {
          const out = new (a.constructor as Float64ArrayConstructor)(
            outShape.reduce((p, d) => p * d, 1),
          );
          zip(op, a, sa, b, sb, out, outShape);
          return out;
        });
        expectClose(fast, slow, ulps, `${op} [${sa}] with [${sb}]`);
      });
    },
  );

  it.each(dtypes)(
    '%s: a plain-number operand is read in the tensor type, as PyTorch does',
    (dtype) => {
      const x = values(dtype, 1000, 7);
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        for (const s of [0.1, -3, 1e-3]) {
          const [fast, slow] = both(() => {
            const [left, right] = [
              new (x.constructor as Float64ArrayConstructor)(x.length),
              new (x.constructor as Float64ArrayConstructor)(x.length),
            ];
            zipNumber(op, x, s, left);
            numberZip(op, s, x, right);
            return [left, right];
          });
          // float32 reads 0.1 as the nearest float32: one more rounding than the TypeScript loop
          const ulps = dtype === 'float32' ? 2 : 0;
          expectClose(fast[0], slow[0], ulps, `x ${op} ${s}`);
          expectClose(fast[1], slow[1], ulps, `${s} ${op} x`);
        }
      }
    },
  );

  it.each(dtypes)('%s: sum, max and min over any dims equal the TypeScript reduction', (dtype) => {
    const dims = fc
      .array(fc.constantFrom<number>(1, 2, 3, 17, 129), { minLength: 1, maxLength: 4 })
      .filter((s) => s.reduce((p, d) => p * d, 1) <= 20000);
    fc.assert(
      fc.property(
        dims,
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.constantFrom<FoldOp>('sum', 'max', 'min'),
        fc.nat(1000),
        (shape, reduce, op, seed) => {
          const x = values(
            dtype,
            shape.reduce((p, d) => p * d, 1),
            seed,
          ); // with NaNs and infinities
          const keep = shape.map((d, i) => (reduce[i] ? 1 : d));
          const strides = stridesOf(keep).map((s, i) => (reduce[i] ? 0 : s));
          const init = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
          const [fast, slow] = both(() => {
            const out = new (x.constructor as Float64ArrayConstructor)(
              keep.reduce((p, d) => p * d, 1),
            ).fill(init);
            reduceInto(x, shape, strides, out, op);
            return out;
          });
          const same = (v: number, s: number) => v === s || (Number.isNaN(v) && Number.isNaN(s));
          if (op !== 'sum') return fast.every((v, i) => same(v, slow[i]));
          // a sum in another order: within n·eps·Σ|x| of the reference
          const bound = new Float64Array(slow.length);
          useKernels('ts');
          reduceInto(Float64Array.from(x, Math.abs), shape, strides, bound, 'sum');
          useKernels('wasm');
          const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
          const n = x.length / slow.length;
          return fast.every((v, i) =>
            Number.isFinite(slow[i])
              ? Math.abs(v - slow[i]) <= n * eps * bound[i]
              : same(v, slow[i]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('float32 sums along the contiguous axis accumulate in float64', () => {
    const ones = ad.ones([1_000_001], { dtype: 'float32' }).mul(0.1);
    expect(ones.sum().item()).toBeCloseTo(100000.1, 0);
    expect(ad.ones([3, 1 << 24], { dtype: 'float32' }).sum(1).data[0]).toBe(1 << 24);
  });

  it('softmax and logSoftmax along every dim, and their gradients, agree with the TypeScript kernels', () => {
    for (const dtype of dtypes) {
      for (const dim of [0, 1, 2]) {
        const run = () => {
          const x = ad
            .randn([3, 17, 129], { generator: new ad.Generator(dim), dtype })
            .mul(4)
            .requiresGrad_();
          const w = ad.randn([3, 17, 129], { generator: new ad.Generator(9), dtype });
          const y = x.softmax(dim);
          const z = x.logSoftmax(dim);
          y.mul(w).sum().add(z.mul(w).sum()).backward();
          return [y, z, x.grad!];
        };
        const [fast, slow] = both(run);
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        fast.forEach((t, i) => expect(t).toBeAllClose(slow[i], { rtol: tol, atol: tol }));
      }
    }
  });

  it('training steps of an MLP agree with the TypeScript kernels (float32, tanh and relu)', () => {
    for (const activation of ['tanh', 'relu'] as const) {
      const run = () => {
        const g = new ad.Generator(3);
        const w1 = ad.randn([20, 64], { generator: g }).mul(0.3).requiresGrad_();
        const b1 = ad.randn([64], { generator: g }).requiresGrad_();
        const w2 = ad.randn([64, 10], { generator: g }).mul(0.3).requiresGrad_();
        const x = ad.randn([33, 20], { generator: g });
        const targets = ad.randn([33, 10], { generator: g }).softmax(-1);
        const h = x.matmul(w1).add(b1)[activation]();
        const logits = h.matmul(w2);
        const loss = logits.logSoftmax(-1).mul(targets).sum(-1).mean().neg();
        loss.backward();
        return [loss, w1.grad!, b1.grad!, w2.grad!];
      };
      const [fast, slow] = both(run);
      fast.forEach((t, i) => expect(t).toBeAllClose(slow[i], { rtol: 1e-5, atol: 1e-6 }));
    }
  });
});
