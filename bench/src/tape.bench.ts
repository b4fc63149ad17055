// W5: a chain of 1,000 element-wise ops on a 1-element tensor, forward and backward: the
// tape's own cost per recorded op (ops/s). W5b: the same chain with + c in place of sin —
// only adds and multiplies, the chain jax-js's jit can trace (its trace of W5 overflows the stack).
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import type * as TF from '@tensorflow/tfjs';
import { assertClose } from './check';
import type { Case } from './harness';
import { array, chainGradient, loadJax } from './jax';
import { loadTf, useBackend } from './tfjs';
import { adVariants, withDefaults } from './variants';

const OPS = 1000;

interface Ops<T> {
  mul: (a: T, b: T | number) => T;
  add: (a: T, b: number) => T;
  sin: (a: T) => T;
}

/** 250 rounds of ×c, +c, sin (or + c), ×x0: 1,000 ops in which x0 fans out 251 times. */
function chain<T>(x0: T, o: Ops<T>, withSin: boolean): T {
  let x = x0;
  for (let i = 0; i < OPS / 4; i++) {
    const y = o.add(o.mul(x, 1.0001), 0.001);
    x = o.mul(withSin ? o.sin(y) : o.add(y, -0.0005), x0);
  }
  return x;
}

const ourOps: Ops<Tensor> = {
  mul: (a, b) => a.mul(b),
  add: (a, b) => a.add(b),
  sin: (a) => a.sin(),
};

export async function tapeCases(wanted: (workload: string) => boolean): Promise<Case[]> {
  const cases: Case[] = [];
  for (const withSin of [true, false]) {
    const workload = withSin ? 'W5 1,000-op chain fwd+bwd' : 'W5b 1,000-op add/mul chain fwd+bwd';
    if (wanted(workload)) cases.push(...(await chainCases(workload, withSin)));
  }
  return cases;
}

async function chainCases(workload: string, withSin: boolean): Promise<Case[]> {
  const tf = await loadTf();
  const x0 = ad.tensor([0.5], { requiresGrad: true });
  const ours = (x: Tensor) => chain(x, ourOps, withSin);
  const expected = ad.gradients(ours(x0), x0).data;
  const common = { workload, size: '1 element', unit: 'ops/s', work: OPS };
  // every backend setting, though 1-element ops never reach the kernels: what this measures
  // is the tape, so the three must agree within noise
  const step = () => {
    x0.grad = null;
    ours(x0).backward();
    return x0.grad as unknown as Tensor;
  };
  const cases: Case[] = adVariants({ ...common, fn: () => void step() });
  // recorded once, replayed: the whole chain and its backward become a few fused loops
  const replay = ad.compile(step);
  assertClose(`${workload} @ad compiled`, (replay() as Tensor).data, expected);
  cases.push(withDefaults({ ...common, library: '@ad compiled', fn: () => void replay() }));
  const j = await loadJax();
  for (const jit of [false, true]) {
    const library = jit ? 'jax-js jit' : 'jax-js';
    let g: ReturnType<typeof chainGradient>;
    try {
      g = chainGradient(j, OPS / 4, withSin, jit);
      assertClose(`${workload} ${library}`, g(array(j, [0.5], [1])), expected);
    } catch (e) {
      console.log(`  ${workload} ${library}: not measured (${(e as Error).message})`);
      continue;
    }
    cases.push({ ...common, library, fn: () => void g(array(j, [0.5], [1])) });
  }
  const theirs = tf.grad((x: TF.Tensor) =>
    chain<TF.Tensor>(
      x,
      { mul: (a, b) => tf.mul(a, b), add: (a, b) => tf.add(a, b), sin: (a) => tf.sin(a) },
      withSin,
    ),
  );
  for (const backend of ['cpu', 'wasm'] as const) {
    let tx0: TF.Tensor;
    cases.push({
      ...common,
      library: `tfjs-${backend}`,
      before: async () => {
        await useBackend(backend);
        tx0 = tf.tensor1d([0.5]);
        assertClose(`${workload} tfjs-${backend}`, theirs(tx0).dataSync(), expected);
      },
      fn: () => tf.tidy(() => void theirs(tx0).dataSync()),
    });
  }
  return cases;
}
