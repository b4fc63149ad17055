// Kernels against plain reference loops, on awkward sizes: 1, 3, 17, 129, non-square, batched.
import fc from 'fast-check';
import * as ad from '../src';
import { Generator } from '../src';
import { binaryKernel } from '../src/kernels/elementwise';
import { gemm } from '../src/kernels/matmul';
import { reduceInto } from '../src/kernels/reduce';
import { broadcastStrides, copyStrided } from '../src/kernels/strided';

const g = new Generator(17);
const random = (n: number) => Float64Array.from({ length: n }, () => g.normal());

/** C = op(A)·op(B) the obvious way. */
function referenceGemm(a: Float64Array, ta: boolean, b: Float64Array, tb: boolean, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * n + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * m + j]);
      c[i * m + j] = s;
    }
  }
  return c;
}

describe('gemm', () => {
  const sizes = [1, 3, 17, 129];
  const shapes = sizes.flatMap((n) => sizes.map((k) => [n, k, sizes[(n + k) % 4]]));
  it.each(shapes.flatMap(([n, k, m]) => [false, true].flatMap((ta) => [false, true].map((tb) => [n, k, m, ta, tb] as const))))(
    'n=%i k=%i m=%i transA=%s transB=%s', (n, k, m, ta, tb) => {
      const a = random(n * k);
      const b = random(k * m);
      const c = new Float64Array(n * m + 5).fill(7);
      gemm({ data: a, offset: 0, trans: ta }, { data: b, offset: 0, trans: tb }, c, 5, n, k, m);
      expect(Array.from(c.subarray(0, 5))).toEqual([7, 7, 7, 7, 7]); // nothing written before the offset
      expect(c.subarray(5)).toBeAllClose(referenceGemm(a, ta, b, tb, n, k, m), { rtol: 1e-12, atol: 1e-12 });
    });

  it('crosses k-blocks (k = 600) and reads operands at offsets, in float32', () => {
    const [n, k, m] = [9, 600, 70];
    const a = Float32Array.from(random(3 + n * k));
    const b = Float32Array.from(random(2 + k * m));
    const c = new Float32Array(n * m);
    gemm({ data: a, offset: 3, trans: false }, { data: b, offset: 2, trans: false }, c, 0, n, k, m);
    expect(c).toBeAllClose(referenceGemm(Float64Array.from(a.subarray(3)), false, Float64Array.from(b.subarray(2)), false, n, k, m), { rtol: 1e-5, atol: 1e-4 });
  });

  it('batched matmul with broadcast batch dims equals a loop of 2-D products', () => {
    const a = ad.randn([2, 1, 17, 3], { dtype: 'float64', generator: g });
    const b = ad.randn([3, 3, 129], { dtype: 'float64', generator: g });
    const c = a.matmul(b);
    expect(c.shape).toEqual([2, 3, 17, 129]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const ref = referenceGemm(a.select(0, i).select(0, 0).data as Float64Array, false, b.select(0, j).data as Float64Array, false, 17, 3, 129);
        expect(c.select(0, i).select(0, j)).toBeAllClose(ref, { rtol: 1e-12, atol: 1e-12 });
      }
    }
  });
});

describe('element-wise and reduction kernels', () => {
  const shapeArb = fc.array(fc.constantFrom<number>(1, 2, 3, 17), { minLength: 0, maxLength: 4 });
  /** A shape that broadcasts to `shape`: some dims 1, some leading dims dropped. */
  const broadcastOf = (shape: number[]) => fc.tuple(fc.nat(shape.length), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
    .map(([drop, ones]) => shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

  const index = (shape: readonly number[], flat: number) => {
    const idx: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(flat % shape[d]);
      flat = Math.floor(flat / shape[d]);
    }
    return idx;
  };
  const at = (data: ArrayLike<number>, shape: readonly number[], outShape: readonly number[], idx: number[]) => {
    let p = 0;
    shape.forEach((d, i) => (p = p * d + (d === 1 ? 0 : idx[i + outShape.length - shape.length])));
    return data[p];
  };

  it('broadcasting binary kernel equals indexing each element by hand', () => {
    const k = binaryKernel((x, y) => x - 2 * y);
    fc.assert(fc.property(shapeArb.chain((s) => fc.tuple(fc.constant(s), broadcastOf(s), broadcastOf(s))), ([out, sa, sb]) => {
      const n = out.reduce((p, d) => p * d, 1);
      const a = random(sa.reduce((p, d) => p * d, 1));
      const b = random(sb.reduce((p, d) => p * d, 1));
      const got = new Float64Array(n);
      k.zip(a, sa, b, sb, got, out);
      for (let i = 0; i < n; i++) {
        const idx = index(out, i);
        expect(got[i]).toBe(at(a, sa, out, idx) - 2 * at(b, sb, out, idx));
      }
    }), { numRuns: 300, seed: 1 });
  });

  it('reduceInto over any set of dims equals summing by hand', () => {
    fc.assert(fc.property(shapeArb.chain((s) => fc.tuple(fc.constant(s), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }))), ([shape, reduced]) => {
      const x = random(shape.reduce((p, d) => p * d, 1));
      const keep = shape.map((d, i) => (reduced[i] ? 1 : d));
      const out = new Float64Array(keep.reduce((p, d) => p * d, 1));
      const strides = broadcastStrides(keep, shape);
      reduceInto(x, shape, strides, out, (s, v) => s + v);
      const expected = new Float64Array(out.length);
      for (let i = 0; i < x.length; i++) {
        const idx = index(shape, i);
        expected[idx.reduce((p, v, d) => p * keep[d] + (reduced[d] ? 0 : v), 0)] += x[i];
      }
      expect(out).toBeAllClose(expected, { rtol: 1e-12, atol: 1e-12 });
    }), { numRuns: 300, seed: 2 });
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
