// W1: matmul forward, GFLOP/s counted as 2N³. W2: forward + backward of sum(A·B), counted as 6N³.
// W6: a batched product as einsum and as matmul on one thread, 2·batch·N³.
import * as ad from '@ad/core';
import { assertClose } from './check';
import type { Case } from './harness';
import { loadTf, useBackend } from './tfjs';
import { AD_VARIANTS, adVariants, withDefaults } from './variants';

const BACKENDS = ['cpu', 'wasm'] as const;

export async function matmulCases(
  opts: { quick: boolean },
  wanted: (workload: string) => boolean = () => true,
): Promise<Case[]> {
  const tf = await loadTf();
  const cases: Case[] = [];
  const wide: Case[] = []; // float64 runs after every float32 case, so its loops do not slow theirs
  for (const n of !wanted('W1 matmul')
    ? []
    : opts.quick
      ? [64, 256, 512]
      : [64, 128, 256, 512, 1024]) {
    const g = new ad.Generator(n);
    const a = ad.randn([n, n], { generator: g });
    const b = ad.randn([n, n], { generator: g });
    const a64 = a.double();
    const b64 = b.double();
    const reference = a64.matmul(b64).data;
    assertClose(`W1 @ad N=${n}`, a.matmul(b).data, reference, 1e-4, 1e-3);
    const work = (2 * n ** 3) / 1e9;
    cases.push(
      ...adVariants({
        workload: 'W1 matmul',
        size: `N=${n}`,
        unit: 'GFLOP/s',
        work,
        fn: () => void a.matmul(b),
      }),
    );
    wide.push(
      withDefaults({
        workload: 'W1 matmul',
        size: `N=${n}`,
        library: '@ad float64',
        unit: 'GFLOP/s',
        work,
        fn: () => void a64.matmul(b64),
      }),
    );
    for (const backend of BACKENDS) {
      let ta: import('@tensorflow/tfjs').Tensor2D;
      let tb: import('@tensorflow/tfjs').Tensor2D;
      cases.push({
        workload: 'W1 matmul',
        size: `N=${n}`,
        library: `tfjs-${backend}`,
        unit: 'GFLOP/s',
        work,
        before: async () => {
          await useBackend(backend);
          ta = tf.tensor2d(a.data as Float32Array, [n, n]);
          tb = tf.tensor2d(b.data as Float32Array, [n, n]);
          assertClose(
            `W1 tfjs-${backend} N=${n}`,
            tf.matMul(ta, tb).dataSync(),
            reference,
            1e-4,
            1e-3,
          );
        },
        fn: () => tf.tidy(() => void tf.matMul(ta, tb).dataSync()),
      });
    }
  }
  for (const n of wanted('W2 matmul fwd+bwd') ? [64, 256, 512] : []) {
    const g = new ad.Generator(n + 1);
    const a = ad.randn([n, n], { generator: g, requiresGrad: true });
    const b = ad.randn([n, n], { generator: g, requiresGrad: true });
    const [da, db] = ad.gradients(a.matmul(b).sum(), [a, b]);
    const work = (6 * n ** 3) / 1e9;
    cases.push(
      ...adVariants({
        workload: 'W2 matmul fwd+bwd',
        size: `N=${n}`,
        unit: 'GFLOP/s',
        work,
        fn: () => {
          a.grad = null;
          b.grad = null;
          a.matmul(b).sum().backward();
        },
      }),
    );
    for (const backend of BACKENDS) {
      let ta: import('@tensorflow/tfjs').Tensor2D;
      let tb: import('@tensorflow/tfjs').Tensor2D;
      const grads = tf.grads(
        (x: import('@tensorflow/tfjs').Tensor, y: import('@tensorflow/tfjs').Tensor) =>
          tf.sum(
            tf.matMul(
              x as import('@tensorflow/tfjs').Tensor2D,
              y as import('@tensorflow/tfjs').Tensor2D,
            ),
          ),
      );
      cases.push({
        workload: 'W2 matmul fwd+bwd',
        size: `N=${n}`,
        library: `tfjs-${backend}`,
        unit: 'GFLOP/s',
        work,
        before: async () => {
          await useBackend(backend);
          ta = tf.tensor2d(a.data as Float32Array, [n, n]);
          tb = tf.tensor2d(b.data as Float32Array, [n, n]);
          const [ga, gb] = grads([ta, tb]);
          assertClose(`W2 tfjs-${backend} dA N=${n}`, ga.dataSync(), da.data);
          assertClose(`W2 tfjs-${backend} dB N=${n}`, gb.dataSync(), db.data);
        },
        fn: () => tf.tidy(() => grads([ta, tb]).forEach((t) => t.dataSync())),
      });
    }
  }
  // W6: a batched product written as einsum beside the same product as matmul: einsum
  // lowers to one matmul per pair of operands, so the two should run at the same speed
  for (const [batch, n] of wanted('W6 einsum')
    ? [
        [32, 64],
        [8, 256],
      ]
    : []) {
    const g = new ad.Generator(batch + n);
    const a = ad.randn([batch, n, n], { generator: g });
    const b = ad.randn([batch, n, n], { generator: g });
    assertClose(`W6 einsum ${batch}×${n}`, ad.einsum('bij,bjk->bik', a, b).data, a.matmul(b).data);
    const common = {
      workload: "W6 einsum('bij,bjk->bik')",
      size: `${batch}×${n}×${n}`,
      unit: 'GFLOP/s',
      work: (2 * batch * n ** 3) / 1e9,
    };
    // on one thread: both spell one product, and the second core's scheduling (which moves
    // a two-thread product by ±20% between runs) would only blur their ratio
    const oneThread = () => ad.setBackend({ ...AD_VARIANTS['@ad 1 thread'] });
    cases.push(
      { ...common, library: '@ad', before: oneThread, fn: () => void a.matmul(b) },
      {
        ...common,
        library: '@ad einsum',
        before: oneThread,
        fn: () => void ad.einsum('bij,bjk->bik', a, b),
      },
    );
  }
  return [...cases, ...wide];
}
