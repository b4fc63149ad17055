// The WebAssembly SIMD kernels: built from their committed source, loaded in Node, and equal
// to the TypeScript kernels within float32 rounding on random shapes, transposes and batches.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import * as ad from '../src';
import { gemm, useKernels } from '../src/kernels/index';
import { wasmSupported, workersReady } from '../src/kernels/wasm/index';
import { KERNELS_WASM, KERNELS_WASM_RELAXED, MAX_PAGES } from '../src/kernels/wasm/binary';
import { withSharedMemory } from '../src/kernels/wasm/shared-memory';

const root = resolve(__dirname, '../../..');

/** C = op(A)·op(B) by one implementation. */
function product(
  wasm: boolean,
  a: Float32Array | Float64Array,
  ta: boolean,
  b: typeof a,
  tb: boolean,
  n: number,
  k: number,
  m: number,
) {
  useKernels(wasm ? 'wasm' : 'ts');
  try {
    const c = new (a.constructor as Float32ArrayConstructor)(n * m);
    gemm({ data: a, offset: 0, trans: ta }, { data: b, offset: 0, trans: tb }, c, 0, n, k, m);
    return c;
  } finally {
    useKernels('wasm');
  }
}

describe('WebAssembly kernels', () => {
  it('the committed binary is what scripts/build-wasm.mjs builds from packages/core/assembly', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);

  it('the builds for a shared memory, derived from the plain ones, are byte for byte what the compiler builds', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--shared'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const compiled = JSON.parse(run.stdout) as { plain: string; relaxed: string };
    const derived = (base64: string) =>
      Buffer.from(withSharedMemory(Buffer.from(base64, 'base64'), MAX_PAGES)).toString('base64');
    expect(derived(KERNELS_WASM)).toBe(compiled.plain);
    expect(derived(KERNELS_WASM_RELAXED)).toBe(compiled.relaxed);
  }, 60_000);

  it('load in Node (WebAssembly SIMD is supported here)', () => {
    expect(wasmSupported()).toBe(true);
    expect(ad.getBackend().wasm).toBe(true);
  });

  it.each(['float32', 'float64'] as const)(
    '%s: equal the TypeScript kernels within rounding on random shapes and transposes',
    (dtype) => {
      const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
      const sizes = fc.constantFrom(1, 3, 8, 17, 31, 64, 129, 300);
      fc.assert(
        fc.property(
          sizes,
          sizes,
          sizes,
          fc.boolean(),
          fc.boolean(),
          fc.integer({ min: 0, max: 1e6 }),
          (n, k, m, ta, tb, seed) => {
            const g = new ad.Generator(seed);
            const draw = (length: number) => {
              const values = Float64Array.from({ length }, () => g.normal());
              return dtype === 'float32' ? Float32Array.from(values) : values;
            };
            const a = draw(n * k);
            const b = draw(k * m);
            const fast = product(true, a, ta, b, tb, n, k, m);
            const slow = product(false, a, ta, b, tb, n, k, m);
            // rounding of a k-term sum: at most ~k·eps·Σ|a||b|; compare with Σ|a||b| per entry
            const bound = product(false, a.map(Math.abs), ta, b.map(Math.abs), tb, n, k, m);
            for (let i = 0; i < n * m; i++) {
              if (Math.abs(fast[i] - slow[i]) > 2 * k * eps * bound[i] + 1e-30) return false;
            }
            return true;
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it('batched and broadcast products, forward and backward, agree with the TypeScript kernels', () => {
    const run = (wasm: boolean) => {
      ad.setBackend({ wasm });
      const a = ad.randn([2, 1, 17, 129], { generator: new ad.Generator(1) }).requiresGrad_();
      const b = ad.randn([3, 129, 33], { generator: new ad.Generator(2) }).requiresGrad_();
      const y = a.matmul(b);
      y.mul(ad.randn(y.shape, { generator: new ad.Generator(3) }))
        .sum()
        .backward();
      ad.setBackend({ wasm: true });
      return [y, a.grad!, b.grad!];
    };
    const [fast, slow] = [run(true), run(false)];
    fast.forEach((t, i) => expect(t).toBeAllClose(slow[i], { rtol: 1e-4, atol: 1e-4 }));
  });

  it.each(['float32', 'float64'] as const)(
    'im2col (unfold) on the kernel gives the TypeScript loop’s bits, %s, with stride, dilation and padding',
    (dtype) => {
      const x = ad.randn([2, 3, 23, 19], { generator: new ad.Generator(4), dtype });
      const cases = [
        { padding: 1 },
        { padding: [2, 0] as [number, number], stride: [1, 2] as [number, number], dilation: 2 },
        { stride: 3 },
      ];
      for (const opts of cases) {
        const run = (wasm: boolean) => {
          ad.setBackend({ wasm });
          const cols = ad.functional.unfold(x, 3, opts);
          ad.setBackend({ wasm: true });
          return cols;
        };
        expect(Array.from(run(true).data)).toEqual(Array.from(run(false).data));
      }
      // −∞ outside the input (max pooling's fill) too
      const pooled = (wasm: boolean) => {
        ad.setBackend({ wasm });
        const y = ad.functional.maxPool2d(x, 3, { stride: 2, padding: 1 });
        ad.setBackend({ wasm: true });
        return y;
      };
      expect(Array.from(pooled(true).data)).toEqual(Array.from(pooled(false).data));
    },
  );

  it('a matrix times a vector gives the bits of a column of a wider product', () => {
    const g = new ad.Generator(4);
    for (const [n, k] of [
      [40, 30],
      [9, 300],
    ])
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const a = ad.randn([n * k], { generator: g }).data as Float32Array;
          const wide = ad.randn([k * 8], { generator: g }).data as Float32Array;
          // column 0 of B (k×8, or 8×k when transposed) as a vector of its own
          const v = Float32Array.from({ length: k }, (_, p) => wide[tb ? p : p * 8]);
          const column = product(true, a, ta, wide, tb, n, k, 8).filter((_, i) => i % 8 === 0);
          expect(Array.from(product(true, a, ta, v, tb, n, k, 1))).toEqual(Array.from(column));
        }
  });

  it('threads split large products by rows and give the same bits as one thread', async () => {
    expect(ad.getBackend().threads).toBeGreaterThanOrEqual(1);
    const a = ad.randn([203, 300], { generator: new ad.Generator(8) });
    const b = ad.randn([300, 190], { generator: new ad.Generator(9) });
    const threads = ad.getBackend().threads;
    ad.setBackend({ threads: 1 });
    const one = a.matmul(b);
    ad.setBackend({ threads: 2 });
    // workers start in the background, on the first large product
    for (let started = Date.now(); workersReady() < 1 && Date.now() - started < 10_000;)
      await new Promise((r) => setTimeout(r, 10));
    expect(workersReady()).toBe(1);
    const two = a.matmul(b);
    ad.setBackend({ threads });
    expect(Array.from(two.data)).toEqual(Array.from(one.data));
  }, 20_000);

  it('setBackend rejects bad settings and changes nothing', () => {
    const before = ad.getBackend();
    expect(() => ad.setBackend({ threads: 0 })).toThrow(
      /setBackend: threads must be an integer from 1 to 64, got 0/,
    );
    expect(() => ad.setBackend({ wasm: 'yes' as unknown as boolean, threads: 2 })).toThrow(
      /setBackend: wasm must be a boolean/,
    );
    expect(ad.getBackend()).toEqual(before);
  });

  it('with the kernels switched off, products still work (the fallback)', () => {
    ad.setBackend({ wasm: false });
    expect(ad.getBackend().wasm).toBe(false);
    const y = ad.ones([40, 40]).matmul(ad.ones([40, 40]));
    ad.setBackend({ wasm: true });
    expect(y.data[0]).toBe(40);
  });
});
