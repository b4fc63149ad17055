// W3: MLP 784-256-128-10, ReLU, softmax cross-entropy, batch 128, one SGD step (samples/s).
// W4: MLP 2-16-16-1, tanh, MSE, batch 32, one SGD step (steps/s).
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import * as nn from '@ad/nn';
import type * as TF from '@tensorflow/tfjs';
import { assertClose } from './check';
import type { Case } from './harness';
import { array, loadJax, mlpStep } from './jax';
import { loadTf, useBackend } from './tfjs';
import { adVariants, withDefaults } from './variants';

interface Spec {
  workload: string;
  sizes: number[];
  batch: number;
  activation: 'relu' | 'tanh';
  classification: boolean;
  unit: string;
  /** Units of work per step: samples for W3, 1 step for W4. */
  work: number;
}

const W3: Spec = {
  workload: 'W3 MLP 784-256-128-10',
  sizes: [784, 256, 128, 10],
  batch: 128,
  activation: 'relu',
  classification: true,
  unit: 'samples/s',
  work: 128,
};
const W4: Spec = {
  workload: 'W4 MLP 2-16-16-1',
  sizes: [2, 16, 16, 1],
  batch: 32,
  activation: 'tanh',
  classification: false,
  unit: 'steps/s',
  work: 1,
};

function adStep(spec: Spec, dtype: ad.FloatDType) {
  const g = new ad.Generator(spec.sizes[0]);
  const model = new nn.MLP(spec.sizes, { activation: spec.activation, generator: g, dtype });
  const x = ad.randn([spec.batch, spec.sizes[0]], { generator: g, dtype });
  const y = spec.classification
    ? ad.randint(0, spec.sizes[3], [spec.batch], { generator: g })
    : ad.randn([spec.batch, 1], { generator: g, dtype });
  const optimizer = new nn.SGD(model.parameters(), { lr: 0.01 });
  const loss = (o: Tensor) => (spec.classification ? nn.crossEntropy(o, y) : nn.mseLoss(o, y));
  const step = () => {
    optimizer.zeroGrad();
    loss(model.forward(x)).backward();
    optimizer.step();
  };
  return { model, x, y, step };
}

function oneHot(y: Tensor, classes: number): Float32Array {
  const out = new Float32Array(y.size * classes);
  y.data.forEach((c, i) => (out[i * classes + c] = 1));
  return out;
}

/** The same step for jax-js, from the same start (weights transposed to in×out). */
async function jaxStep(spec: Spec, model: nn.MLP, x: Tensor, y: Tensor, jit: boolean) {
  const j = await loadJax();
  const linears = model.layers.filter((l): l is nn.Linear => l instanceof nn.Linear);
  const params = linears.flatMap((l) => [
    array(j, l.weight.t().contiguous().data, [l.inFeatures, l.outFeatures]),
    array(j, l.bias!.data, [l.outFeatures]),
  ]);
  const classes = spec.sizes[spec.sizes.length - 1];
  const targets = spec.classification
    ? array(j, oneHot(y, classes), [spec.batch, classes])
    : array(j, y.data, y.shape);
  return mlpStep(j, params, array(j, x.data, x.shape), targets, {
    act: spec.activation,
    classification: spec.classification,
    lr: 0.01,
    jit,
  });
}

function tfStep(tf: typeof TF, spec: Spec, model: nn.MLP, x: Tensor, y: Tensor) {
  const linears = model.layers.filter((l): l is nn.Linear => l instanceof nn.Linear);
  const ws = linears.map((l) =>
    tf.variable(
      tf.tensor2d(l.weight.data as Float32Array, l.weight.shape as [number, number]).transpose(),
    ),
  );
  const bs = linears.map((l) => tf.variable(tf.tensor1d(l.bias!.data as Float32Array)));
  const tx = tf.tensor2d(x.data as Float32Array, x.shape as [number, number]);
  const ty = spec.classification
    ? tf.oneHot(tf.tensor1d(Array.from(y.data), 'int32'), spec.sizes[3])
    : tf.tensor2d(y.data as Float32Array, y.shape as [number, number]);
  const optimizer = tf.train.sgd(0.01);
  const forward = () => {
    let h: TF.Tensor = tx;
    ws.forEach((w, i) => {
      h = tf.add(tf.matMul(h as TF.Tensor2D, w), bs[i]);
      if (i < ws.length - 1) h = spec.activation === 'relu' ? tf.relu(h) : tf.tanh(h);
    });
    return spec.classification
      ? tf.losses.softmaxCrossEntropy(ty, h)
      : tf.losses.meanSquaredError(ty, h);
  };
  const step = () => tf.tidy(() => void optimizer.minimize(() => forward() as TF.Scalar, false));
  return { step, firstWeight: () => ws[0].transpose().dataSync() };
}

export async function mlpCases(
  wanted: (workload: string) => boolean = () => true,
): Promise<Case[]> {
  const tf = await loadTf();
  const cases: Case[] = [];
  for (const spec of [W3, W4].filter((s) => wanted(s.workload))) {
    const ours = adStep(spec, 'float32');
    // one step from the same start in every library must give the same weights
    const start = ours.model.parameters().map((p) => p.data.slice());
    ours.step();
    const after = (ours.model.layers[0] as nn.Linear).weight.data.slice();
    ours.model.parameters().forEach((p, i) => p.data.set(start[i]));
    cases.push(
      ...adVariants({
        workload: spec.workload,
        size: `batch ${spec.batch}`,
        unit: spec.unit,
        work: spec.work,
        fn: ours.step,
      }),
    );
    // the same step recorded once and replayed (its first call records, from the same start)
    const compiled = adStep(spec, 'float32');
    compiled.model.parameters().forEach((p, i) => p.data.set(start[i]));
    const replay = ad.compile(compiled.step);
    replay();
    assertClose(
      `${spec.workload} @ad compiled first step`,
      (compiled.model.layers[0] as nn.Linear).weight.data,
      after,
      1e-4,
      1e-6,
    );
    cases.push(
      withDefaults({
        workload: spec.workload,
        size: `batch ${spec.batch}`,
        library: '@ad compiled',
        unit: spec.unit,
        work: spec.work,
        fn: () => void replay(),
      }),
      // what compiling costs: each call records the step anew and builds its program
      withDefaults({
        workload: `${spec.workload.split(' ')[0]} compile (first call)`,
        size: `batch ${spec.batch}`,
        library: '@ad compiled',
        unit: 'compiles/s',
        work: 1,
        fn: () => void ad.compile(compiled.step)(),
      }),
    );
    for (const jit of [false, true]) {
      let theirs: Awaited<ReturnType<typeof jaxStep>>;
      cases.push({
        workload: spec.workload,
        size: `batch ${spec.batch}`,
        library: jit ? 'jax-js jit' : 'jax-js',
        unit: spec.unit,
        work: spec.work,
        before: async () => {
          const fresh = adStep(spec, 'float32');
          theirs = await jaxStep(spec, fresh.model, fresh.x, fresh.y, jit);
          theirs.step();
          const w = theirs.params()[0];
          const [inF, outF] = [spec.sizes[0], spec.sizes[1]];
          const back = ad.tensor(Array.from(w)).reshape([inF, outF]).t().contiguous().data;
          assertClose(`${spec.workload} jax-js first step`, back, after, 1e-3, 1e-5);
        },
        fn: () => theirs.step(),
      });
    }
    if (spec === W3) {
      const wide = adStep(spec, 'float64');
      cases.push(
        withDefaults({
          workload: spec.workload,
          size: `batch ${spec.batch}`,
          library: '@ad float64',
          unit: spec.unit,
          work: spec.work,
          fn: wide.step,
        }),
      );
    }
    for (const backend of ['cpu', 'wasm'] as const) {
      let theirs: ReturnType<typeof tfStep>;
      cases.push({
        workload: spec.workload,
        size: `batch ${spec.batch}`,
        library: `tfjs-${backend}`,
        unit: spec.unit,
        work: spec.work,
        before: async () => {
          await useBackend(backend);
          const fresh = adStep(spec, 'float32');
          theirs = tfStep(tf, spec, fresh.model, fresh.x, fresh.y);
          theirs.step();
          assertClose(
            `${spec.workload} tfjs-${backend} first step`,
            theirs.firstWeight(),
            after,
            1e-3,
            1e-5,
          );
        },
        fn: () => theirs.step(),
      });
    }
  }
  return cases;
}
