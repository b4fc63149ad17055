// fusedSgd and fusedAdam (what @ad/nn's SGD, Adam and AdamW call): the WebAssembly kernels
// against the TypeScript loops, bit for bit, over every option that changes the formula,
// both dtypes, sizes on either side of where the kernels take over and across their chunks,
// and values with zeros, large ones and NaNs. Their formulas against PyTorch are checked by
// @ad/nn's optimizer tests.
import * as ad from '../src';
import type { TypedArray } from '../src/dtype';
import { useKernels } from '../src/kernels/index';

type Floats = Float32Array | Float64Array;
const dtypes = ['float32', 'float64'] as const;
const sizes = [5, 1023, 1024, 1500, 20000]; // the kernels take 1024 on, 16384 a chunk

let pool: Float64Array | null = null;

/** n values (normal, scaled, with a few special ones), the `seed`th set: drawn once per test file. */
function values(dtype: (typeof dtypes)[number], n: number, seed: number, scale = 1): Floats {
  const most = Math.max(...sizes);
  if (pool === null) {
    const g = new ad.Generator(0);
    const special = [0, -0, NaN, 1e-30, 100, -100, 1e20];
    pool = Float64Array.from({ length: 8 * most }, () =>
      g.random() < 0.02 ? special[g.integer(0, special.length)] : g.normal(),
    );
  }
  const x = pool.slice(seed * most, seed * most + n).map((v) => scale * v);
  return dtype === 'float32' ? Float32Array.from(x) : x;
}

/** The arrays after `steps` updates by `step`, with the kernels of `backend`. */
function after(backend: 'wasm' | 'ts', arrays: Floats[], steps: (a: Floats[]) => void): Floats[] {
  const copies = arrays.map((a) => a.slice());
  try {
    useKernels(backend);
    steps(copies);
  } finally {
    useKernels('wasm');
  }
  return copies;
}

function expectSameBits(fast: TypedArray[], slow: TypedArray[], what: string) {
  fast.forEach((f, k) => {
    for (let i = 0; i < f.length; i++)
      if (!Object.is(f[i], slow[k][i]))
        throw new Error(
          `${what}: array ${k}[${i}] is ${f[i]}, the TypeScript loop gives ${slow[k][i]}`,
        );
  });
}

describe('fused optimizer updates', () => {
  const sgdCases: Partial<ad.SgdStep>[] = [
    {},
    { maximize: true },
    { weightDecay: 0.01 },
    { momentum: 0.9 },
    { momentum: 0.9, dampening: 0.1, weightDecay: 0.01, maximize: true },
    { momentum: 0.9, nesterov: true },
    { momentum: 0.5, nesterov: true, weightDecay: 0.001 },
  ];
  it.each(dtypes.flatMap((d) => sgdCases.map((c) => [d, c] as const)))(
    'SGD %s %j gives the same bits on both backends',
    (dtype, opts) => {
      for (const n of sizes) {
        const base = [values(dtype, n, 1), values(dtype, n, 2, 0.1), values(dtype, n, 3)];
        const run = ([p, , buf]: Floats[], grads: Floats[]) =>
          grads.forEach((g, t) =>
            ad.fusedSgd(p, g, opts.momentum ? buf : null, {
              lr: 0.05,
              momentum: 0,
              dampening: 0,
              nesterov: false,
              weightDecay: 0,
              maximize: false,
              ...opts,
              first: t === 0,
            }),
          );
        const grads = [2, 4, 5].map((s) => values(dtype, n, s, 0.1));
        const [fast, slow] = (['wasm', 'ts'] as const).map((b) =>
          after(b, base, (a) => run(a, grads)),
        );
        expectSameBits(fast, slow, `SGD ${dtype} n=${n}`);
        // and the update did something
        expect(Array.from(fast[0]).some((v, i) => !Object.is(v, base[0][i]))).toBe(true);
      }
    },
  );

  const adamCases: Partial<ad.AdamStep & { amsgrad: boolean }>[] = [
    {},
    { maximize: true },
    { weightDecay: 0.01 },
    { decoupled: true, weightDecay: 0.01 },
    { amsgrad: true },
    { amsgrad: true, weightDecay: 0.1, maximize: true },
    { beta1: 0.3 }, // 1 − β1 ≥ ½: lerp's other side
  ];
  it.each(dtypes.flatMap((d) => adamCases.map((c) => [d, c] as const)))(
    'Adam %s %j gives the same bits on both backends',
    (dtype, { amsgrad, ...opts }) => {
      for (const n of sizes) {
        const zeros = () => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
        const base = [values(dtype, n, 1), zeros(), zeros(), zeros()];
        const grads = [2, 4, 5].map((s) => values(dtype, n, s, 0.1));
        const run = ([p, m, v, vMax]: Floats[]) =>
          grads.forEach((g, i) => {
            const [b1, b2, lr, t] = [opts.beta1 ?? 0.9, 0.999, 1e-3, i + 1];
            ad.fusedAdam(p, g, m, v, amsgrad ? vMax : null, {
              stepSize: lr / (1 - b1 ** t),
              bc2Sqrt: Math.sqrt(1 - b2 ** t),
              beta1: b1,
              beta2: b2,
              eps: 1e-8,
              weightDecay: 0,
              decoupled: false,
              decay: 1 - lr * (opts.weightDecay ?? 0),
              maximize: false,
              ...opts,
            });
          });
        const [fast, slow] = (['wasm', 'ts'] as const).map((b) => after(b, base, run));
        expectSameBits(fast, slow, `Adam ${dtype} n=${n}`);
        expect(Array.from(fast[1]).some((v) => v !== 0)).toBe(true);
      }
    },
  );

  it('refuses arrays that do not fit, naming the call, and changes nothing', () => {
    const p = new Float32Array(2000).fill(1);
    const g = new Float32Array(1999);
    const sgd = { lr: 1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
    const step = { ...sgd, maximize: false, first: true };
    expect(() => ad.fusedSgd(p, g, null, step)).toThrow(
      /fusedSgd: grad has 1999 elements, the parameter 2000/,
    );
    expect(() => ad.fusedSgd(p, new Float32Array(2000), null, { ...step, momentum: 0.9 })).toThrow(
      /fusedSgd: momentum needs a momentum buffer/,
    );
    const adam = { stepSize: 1, bc2Sqrt: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const o = { ...adam, weightDecay: 0, decoupled: false, decay: 1, maximize: false };
    const ok = new Float32Array(2000);
    expect(() => ad.fusedAdam(p, ok, ok, [0] as unknown as Float32Array, null, o)).toThrow(
      /fusedAdam: expAvgSq must be a typed array/,
    );
    expect(() => ad.fusedAdam(p, ok, ok, ok, new Float32Array(3), o)).toThrow(
      /fusedAdam: maxExpAvgSq has 3 elements/,
    );
    expect(() => ad.fusedSgd(p, ok, null, { ...step, lr: NaN })).toThrow(/fusedSgd: lr must be/);
    expect(() => ad.fusedAdam(p, ok, ok, ok, null, { ...o, amsgrad: true } as never)).toThrow(
      /fusedAdam: unknown option 'amsgrad'/,
    );
    expect(() => ad.fusedAdam(p, ok, ok, ok, null, { ...o, eps: undefined } as never)).toThrow(
      /fusedAdam: eps must be/,
    );
    expect(p.every((v) => v === 1)).toBe(true);
  });
});
