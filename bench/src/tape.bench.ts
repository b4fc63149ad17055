// W5: a chain of 1,000 element-wise ops on a 1-element tensor, forward and backward: the
// tape's own cost per recorded op (ops/s).
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import type * as TF from '@tensorflow/tfjs';
import { assertClose } from './check';
import type { Case } from './harness';
import { loadTf, useBackend } from './tfjs';
import { adVariants } from './variants';

const OPS = 1000;

/** 250 rounds of ×c, +c, sin, ×x0: 1,000 ops in which x0 fans out 251 times. */
function chain<T>(
  x0: T,
  mul: (a: T, b: T | number) => T,
  add: (a: T, b: number) => T,
  sin: (a: T) => T,
): T {
  let x = x0;
  for (let i = 0; i < OPS / 4; i++) x = mul(sin(add(mul(x, 1.0001), 0.001)), x0);
  return x;
}

export async function tapeCases(): Promise<Case[]> {
  const tf = await loadTf();
  const x0 = ad.tensor([0.5], { requiresGrad: true });
  const ours = (x: Tensor) =>
    chain(
      x,
      (a, b) => a.mul(b),
      (a, b) => a.add(b),
      (a) => a.sin(),
    );
  const expected = ad.gradients(ours(x0), x0).data;
  // every backend setting, though 1-element ops never reach the kernels: what this measures
  // is the tape, so the three must agree within noise
  const cases: Case[] = adVariants({
    workload: 'W5 1,000-op chain fwd+bwd',
    size: '1 element',
    unit: 'ops/s',
    work: OPS,
    fn: () => {
      x0.grad = null;
      ours(x0).backward();
    },
  });
  const theirs = tf.grad((x: TF.Tensor) =>
    chain<TF.Tensor>(
      x,
      (a, b) => tf.mul(a, b),
      (a, b) => tf.add(a, b),
      (a) => tf.sin(a),
    ),
  );
  for (const backend of ['cpu', 'wasm'] as const) {
    let tx0: TF.Tensor;
    cases.push({
      workload: 'W5 1,000-op chain fwd+bwd',
      size: '1 element',
      library: `tfjs-${backend}`,
      unit: 'ops/s',
      work: OPS,
      before: async () => {
        await useBackend(backend);
        tx0 = tf.tensor1d([0.5]);
        assertClose(`W5 tfjs-${backend}`, theirs(tx0).dataSync(), expected);
      },
      fn: () => tf.tidy(() => void theirs(tx0).dataSync()),
    });
  }
  return cases;
}
