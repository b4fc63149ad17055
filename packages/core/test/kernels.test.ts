// Kernels against plain reference loops, on awkward sizes: 1, 3, 17, 129, non-square, batched.
import fc from 'fast-check';
import * as ad from '../src';
import { Generator } from '../src';
import {
  map,
  type MapOp,
  numberZip,
  useKernels,
  zip,
  zipNumber,
  type ZipOp,
} from '../src/kernels/index';
import { gemm } from '../src/kernels/index';
import { reduceInto } from '../src/kernels/index';
import { broadcastStrides, copyStrided } from '../src/kernels/strided';

const g = new Generator(17);
const random = (n: number) => Float64Array.from({ length: n }, () => g.normal());

/** C = op(A)·op(B) the obvious way. */
function referenceGemm(
  a: Float64Array,
  ta: boolean,
  b: Float64Array,
  tb: boolean,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (ta ? a[p * n + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * m + j]);
      c[i * m + j] = s;
    }
  }
  return c;
}

// both implementations: the WebAssembly SIMD kernels and the TypeScript ones they fall back to
describe.each(['wasm', 'typescript'])('gemm (%s)', (kernels) => {
  beforeAll(() => useKernels(kernels));
  afterAll(() => useKernels('wasm'));
  const sizes = [1, 3, 17, 129];
  const shapes = sizes.flatMap((n) => sizes.map((k) => [n, k, sizes[(n + k) % 4]]));
  it.each(
    shapes.flatMap(([n, k, m]) =>
      [false, true].flatMap((ta) => [false, true].map((tb) => [n, k, m, ta, tb] as const)),
    ),
  )('n=%i k=%i m=%i transA=%s transB=%s', (n, k, m, ta, tb) => {
    const a = random(n * k);
    const b = random(k * m);
    const c = new Float64Array(n * m + 5).fill(7);
    gemm({ data: a, offset: 0, trans: ta }, { data: b, offset: 0, trans: tb }, c, 5, n, k, m);
    expect(Array.from(c.subarray(0, 5))).toEqual([7, 7, 7, 7, 7]); // nothing written before the offset
    expect(c.subarray(5)).toBeAllClose(referenceGemm(a, ta, b, tb, n, k, m), {
      rtol: 1e-12,
      atol: 1e-12,
    });
  });

  it('crosses k-blocks (k = 600) and reads operands at offsets, in float32', () => {
    const [n, k, m] = [9, 600, 70];
    const a = Float32Array.from(random(3 + n * k));
    const b = Float32Array.from(random(2 + k * m));
    const c = new Float32Array(n * m);
    gemm({ data: a, offset: 3, trans: false }, { data: b, offset: 2, trans: false }, c, 0, n, k, m);
    expect(c).toBeAllClose(
      referenceGemm(
        Float64Array.from(a.subarray(3)),
        false,
        Float64Array.from(b.subarray(2)),
        false,
        n,
        k,
        m,
      ),
      { rtol: 1e-5, atol: 1e-4 },
    );
  });

  it('batched matmul with broadcast batch dims equals a loop of 2-D products', () => {
    const a = ad.randn([2, 1, 17, 3], { dtype: 'float64', generator: g });
    const b = ad.randn([3, 3, 129], { dtype: 'float64', generator: g });
    const c = a.matmul(b);
    expect(c.shape).toEqual([2, 3, 17, 129]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const ref = referenceGemm(
          a.select(0, i).select(0, 0).data as Float64Array,
          false,
          b.select(0, j).data as Float64Array,
          false,
          17,
          3,
          129,
        );
        expect(c.select(0, i).select(0, j)).toBeAllClose(ref, { rtol: 1e-12, atol: 1e-12 });
      }
    }
  });
});

describe('element-wise and reduction kernels', () => {
  const shapeArb = fc.array(fc.constantFrom<number>(1, 2, 3, 17), { minLength: 0, maxLength: 4 });
  /** A shape that broadcasts to `shape`: some dims 1, some leading dims dropped. */
  const broadcastOf = (shape: number[]) =>
    fc
      .tuple(
        fc.nat(shape.length),
        fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      )
      .map(([drop, ones]) => shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

  const index = (shape: readonly number[], flat: number) => {
    const idx: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(flat % shape[d]);
      flat = Math.floor(flat / shape[d]);
    }
    return idx;
  };
  const at = (
    data: ArrayLike<number>,
    shape: readonly number[],
    outShape: readonly number[],
    idx: number[],
  ) => {
    let p = 0;
    shape.forEach((d, i) => (p = p * d + (d === 1 ? 0 : idx[i + outShape.length - shape.length])));
    return data[p];
  };

  // The scalar each kernel must compute, written the obvious way.
  const zipReference: Record<ZipOp, (x: number, y: number) => number> = {
    add: (x, y) => x + y,
    sub: (x, y) => x - y,
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
    pow: Math.pow,
    maximum: Math.max,
    minimum: Math.min,
    eq: (x, y) => +(x === y),
    ne: (x, y) => +(x !== y),
    lt: (x, y) => +(x < y),
    le: (x, y) => +(x <= y),
    gt: (x, y) => +(x > y),
    ge: (x, y) => +(x >= y),
    tanhBackward: (dy, y) => dy * ((1 - y) * (1 + y)),
    sigmoidBackward: (dy, y) => dy * y * (1 - y),
    reluBackward: (dy, x) => (x > 0 ? dy : 0),
    atan2: Math.atan2,
    hypot: Math.hypot,
    logaddexp: (x, y) => Math.max(x, y) + Math.log1p(Math.exp(-Math.abs(x - y))),
    xlogy: (x, y) => (x === 0 ? 0 : x * Math.log(y)),
  };
  // the special functions have no independent one-line reference: vocabulary.test.ts checks
  // them against known values instead
  type Special = 'erf' | 'lgamma' | 'digamma' | 'erfc' | 'erfinv' | 'sinc';
  const mapReference: Record<Exclude<MapOp, Special>, (x: number) => number> = {
    neg: (x) => -x,
    abs: Math.abs,
    exp: Math.exp,
    expm1: Math.expm1,
    log: Math.log,
    log1p: Math.log1p,
    sqrt: Math.sqrt,
    rsqrt: (x) => 1 / Math.sqrt(x),
    square: (x) => x * x,
    reciprocal: (x) => 1 / x,
    sin: Math.sin,
    cos: Math.cos,
    tan: Math.tan,
    tanh: Math.tanh,
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    relu: (x) => Math.max(x, 0),
    sign: Math.sign,
    floor: Math.floor,
    ceil: Math.ceil,
    round: (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)),
    asin: Math.asin,
    acos: Math.acos,
    atan: Math.atan,
    sinh: (x) => (Math.exp(x) - Math.exp(-x)) / 2,
    cosh: (x) => (Math.exp(x) + Math.exp(-x)) / 2,
    asinh: (x) => Math.sign(x) * Math.log(Math.abs(x) + Math.sqrt(x * x + 1)),
    acosh: (x) => Math.log(x + Math.sqrt(x * x - 1)),
    atanh: (x) => 0.5 * Math.log((1 + x) / (1 - x)),
    log2: (x) => Math.log(x) / Math.LN2,
    log10: (x) => Math.log(x) / Math.LN10,
    exp2: (x) => Math.exp(x * Math.LN2),
  };

  it.each(Object.keys(zipReference) as ZipOp[])(
    'zip(%s) broadcasts like indexing each element by hand',
    (op) => {
      const f = zipReference[op];
      fc.assert(
        fc.property(
          shapeArb.chain((s) => fc.tuple(fc.constant(s), broadcastOf(s), broadcastOf(s))),
          ([out, sa, sb]) => {
            const n = out.reduce((p, d) => p * d, 1);
            const a = random(sa.reduce((p, d) => p * d, 1)).map((v, i) =>
              i % 5 === 0 ? Math.round(v) : v,
            ); // some ties
            const b = random(sb.reduce((p, d) => p * d, 1)).map((v, i) =>
              i % 3 === 0 ? Math.round(v) : v,
            );
            const got = new Float64Array(n);
            zip(op, a, sa, b, sb, got, out);
            const expected = Array.from({ length: n }, (_, i) =>
              f(at(a, sa, out, index(out, i)), at(b, sb, out, index(out, i))),
            );
            expect(got).toBeAllClose(expected, { rtol: 0, atol: 0 }); // exact, ±0 alike
          },
        ),
        { numRuns: 60, seed: 1 },
      );
    },
  );

  it.each(Object.keys(zipReference) as ZipOp[])(
    'zip(%s) with a plain number on either side',
    (op) => {
      const f = zipReference[op];
      const x = Float32Array.from(random(37));
      const [right, left] = [new Float32Array(37), new Float32Array(37)];
      zipNumber(op, x, 0.75, right);
      numberZip(op, -1.5, x, left);
      expect(right).toEqual(x.map((v) => f(v, 0.75)));
      expect(left).toEqual(x.map((v) => f(-1.5, v)));
    },
  );

  it.each(Object.keys(mapReference) as (keyof typeof mapReference)[])(
    'map(%s) equals its scalar function',
    (op) => {
      const x = Float64Array.from(
        random(257).map((v, i) => (i % 7 === 0 ? Math.round(v * 2) / 2 : v * 3)),
      );
      const got = new Float64Array(x.length);
      map(op, x, got);
      expect(got).toBeAllClose(x.map(mapReference[op]), { rtol: 1e-15, atol: 1e-15 });
    },
  );

  it('map(erf) matches tabulated values to double precision', () => {
    const got = new Float64Array(4);
    map('erf', Float64Array.of(0, 0.5, -1, 3.5), got);
    expect(got).toBeAllClose([0, 0.5204998778130465, -0.8427007929497149, 0.9999992569016276], {
      rtol: 1e-15,
      atol: 0,
    });
  });

  it('reduceInto over any set of dims equals summing by hand', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
          ),
        ),
        ([shape, reduced]) => {
          const x = random(shape.reduce((p, d) => p * d, 1));
          const keep = shape.map((d, i) => (reduced[i] ? 1 : d));
          const out = new Float64Array(keep.reduce((p, d) => p * d, 1));
          const strides = broadcastStrides(keep, shape);
          reduceInto(x, shape, strides, out, 'sum');
          const expected = new Float64Array(out.length);
          for (let i = 0; i < x.length; i++) {
            const idx = index(shape, i);
            expected[idx.reduce((p, v, d) => p * keep[d] + (reduced[d] ? 0 : v), 0)] += x[i];
          }
          expect(out).toBeAllClose(expected, { rtol: 1e-12, atol: 1e-12 });
        },
      ),
      { numRuns: 300, seed: 2 },
    );
  });

  it('copyStrided transposes, broadcasts and offsets blocks', () => {
    const src = Float64Array.from({ length: 12 }, (_, i) => i); // a 3×4 matrix
    const dst = new Float64Array(12);
    copyStrided(src, 0, [1, 4], dst, 0, [3, 1], [4, 3]); // its transpose
    expect(Array.from(dst)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    const row = new Float64Array(8);
    copyStrided(Float64Array.of(5, 6), 0, [0, 1], row, 1, [3, 1], [2, 2]); // broadcast into an offset block
    expect(Array.from(row)).toEqual([0, 5, 6, 0, 5, 6, 0, 0]);
  });
});
