// W7: conv2d forward, batch 32 × 28 × 28, 3×3 'same': 1 → 32 and 32 → 64 channels (images/s).
// W7b: the same with backward (gradients of input, weight and bias of the output's sum).
// W8: one LSTM training step, batch 32, seq 64, input and hidden 128, MSE on the last state.
// W9: one TransformerEncoderLayer SGD step, batch 16, seq 64, d 64, 4 heads, feed-forward 256,
// causal, with the mean square of its output as loss.
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import * as nn from '@ad/nn';
import type * as TF from '@tensorflow/tfjs';
import { assertClose } from './check';
import type { Case } from './harness';
import { array, loadJax } from './jax';
import { jaxEncoderStep, jaxLstmStep, jaxParams } from './jax-layers';
import { loadTf, useBackend } from './tfjs';
import { adVariants } from './variants';

const F = ad.functional;

/** NCHW → NHWC and OIHW → HWIO, tfjs's layouts. */
const nhwc = (t: Tensor) => t.permute([0, 2, 3, 1]).contiguous().data as Float32Array;
const hwio = (t: Tensor) => t.permute([2, 3, 1, 0]).contiguous().data as Float32Array;

async function convCases(wanted: (w: string) => boolean): Promise<Case[]> {
  const cases: Case[] = [];
  const tf = await loadTf();
  const j = await loadJax();
  for (const [cin, cout] of [
    [1, 32],
    [32, 64],
  ]) {
    const g = new ad.Generator(cin);
    const x = ad.randn([32, cin, 28, 28], { generator: g });
    const w = ad.randn([cout, cin, 3, 3], { generator: g }).mul(1 / (3 * Math.sqrt(cin)));
    const b = ad.randn([cout], { generator: g });
    const y = F.conv2d(x, w, b, { padding: 1 });
    const size = `32×${cin}×28×28 → ${cout}`;
    const common = { size, unit: 'images/s', work: 32 };
    if (wanted('W7 conv2d')) {
      const workload = 'W7 conv2d forward';
      cases.push(
        ...adVariants({ ...common, workload, fn: () => void F.conv2d(x, w, b, { padding: 1 }) }),
      );
      let tx: TF.Tensor4D, tw: TF.Tensor4D, tb: TF.Tensor1D;
      for (const backend of ['wasm', 'cpu'] as const)
        cases.push({
          ...common,
          workload,
          library: `tfjs-${backend}`,
          before: async () => {
            await useBackend(backend);
            [tx, tw] = [
              tf.tensor4d(nhwc(x), [32, 28, 28, cin]),
              tf.tensor4d(hwio(w), [3, 3, cin, cout]),
            ];
            tb = tf.tensor1d(b.data as Float32Array);
            const out = tf.tidy(() =>
              tf.conv2d(tx, tw, 1, 'same').add(tb).transpose([0, 3, 1, 2]).dataSync(),
            );
            assertClose(`${workload} tfjs-${backend} ${size}`, out, y.data, 1e-3, 1e-3);
          },
          fn: () => tf.tidy(() => void tf.conv2d(tx, tw, 1, 'same').add(tb).dataSync()),
        });
      for (const jit of [false, true]) {
        let run: () => void;
        cases.push({
          ...common,
          workload,
          library: jit ? 'jax-js jit' : 'jax-js',
          before: () => {
            const [jx, jw] = [array(j, x.data, x.shape), array(j, w.data, w.shape)];
            const jb = array(j, b.data, [cout, 1, 1]);
            const f = (p: typeof jx, q: typeof jw, c: typeof jb) =>
              j.lax.conv(p, q, [1, 1], 'SAME').add(c);
            const g2 = jit ? j.jit(f) : f;
            const out = (g2(jx.ref, jw.ref, jb.ref) as typeof jx).dataSync();
            assertClose(`${workload} jax-js ${size}`, out, y.data, 1e-3, 1e-3);
            run = () => void (g2(jx.ref, jw.ref, jb.ref) as typeof jx).dataSync();
          },
          fn: () => run(),
        });
      }
    }
    if (wanted('W7b conv2d')) {
      const workload = 'W7b conv2d forward+backward';
      const [xr, wr, br] = [x, w, b].map((t) => t.detach().requiresGrad_());
      const grads = () => ad.gradients(F.conv2d(xr, wr, br, { padding: 1 }).sum(), [xr, wr, br]);
      const want = grads();
      cases.push(...adVariants({ ...common, workload, fn: () => void grads() }));
      // tfjs-wasm registers no Conv2DBackpropFilter kernel (its conv2d does not train), and
      // tfjs-cpu takes minutes for the 32 → 64 layer, so it runs the small one only
      let tfGrads: () => TF.Tensor[];
      if (cin === 1)
        cases.push({
          ...common,
          workload,
          library: 'tfjs-cpu',
          before: async () => {
            await useBackend('cpu');
            const [tx, tw] = [
              tf.tensor4d(nhwc(x), [32, 28, 28, cin]),
              tf.tensor4d(hwio(w), [3, 3, cin, cout]),
            ];
            const tb = tf.tensor1d(b.data as Float32Array);
            const gf = tf.grads((p: TF.Tensor, q: TF.Tensor, c: TF.Tensor) =>
              tf
                .conv2d(p as TF.Tensor4D, q as TF.Tensor4D, 1, 'same')
                .add(c)
                .sum(),
            );
            tfGrads = () => gf([tx, tw, tb]);
            const dw = tf.tidy(() => tfGrads()[1].transpose([3, 2, 0, 1]).dataSync());
            assertClose(`${workload} tfjs-cpu dW ${size}`, dw, want[1]!.data, 1e-3, 1e-2);
          },
          fn: () => tf.tidy(() => tfGrads().forEach((t) => t.dataSync())),
        });
      // jax-js's jitted gradient of the 32 → 64 layer takes over 10 s a call: the small one only
      for (const jit of cin === 1 ? [false, true] : [false]) {
        let run: () => void;
        cases.push({
          ...common,
          workload,
          library: jit ? 'jax-js jit' : 'jax-js',
          before: () => {
            const [jx, jw] = [array(j, x.data, x.shape), array(j, w.data, w.shape)];
            const jb = array(j, b.data, [cout, 1, 1]);
            type A = typeof jx;
            const loss = (p: A, q: A, c: A) => j.lax.conv(p, q, [1, 1], 'SAME').add(c).sum();
            const g2 = j.grad(loss, { argnums: [0, 1, 2] }) as unknown as (...a: A[]) => A[];
            const h = jit ? (j.jit(g2) as typeof g2) : g2;
            const out = h(jx.ref, jw.ref, jb.ref);
            assertClose(
              `${workload} jax-js dW ${size}`,
              out[1].dataSync(),
              want[1]!.data,
              1e-3,
              1e-2,
            );
            out.forEach((t, i) => i !== 1 && t.dispose());
            run = () => h(jx.ref, jw.ref, jb.ref).forEach((t) => t.dataSync());
          },
          fn: () => run(),
        });
      }
    }
  }
  return cases;
}

function lstmStep() {
  const g = new ad.Generator(8);
  const lstm = new nn.LSTM(128, 128, { generator: g });
  const x = ad.randn([64, 32, 128], { generator: g });
  const target = ad.randn([32, 128], { generator: g });
  const opt = new nn.SGD(lstm.parameters(), { lr: 0.01 });
  const step = () => {
    opt.zeroGrad();
    const [, [h]] = lstm.forward(x);
    nn.mseLoss(h.squeeze(0), target).backward();
    opt.step();
  };
  return { lstm, x, target, step };
}

/** tfjs's LSTM layer with @ad's weights (kernel = W_ihᵀ, recurrent = W_hhᵀ, bias = b_ih + b_hh; gates i, f, c, o). */
function tfLstm(tf: typeof TF, ours: ReturnType<typeof lstmStep>) {
  const layer = tf.layers.lstm({ units: 128, returnState: true, recurrentActivation: 'sigmoid' });
  const input = tf.input({ shape: [64, 128] });
  const outputs = layer.apply(input) as TF.SymbolicTensor[];
  const model = tf.model({ inputs: input, outputs: outputs[1] });
  const p = ours.lstm as unknown as Record<string, Tensor>;
  layer.setWeights([
    tf.tensor2d(p.weight_ih_l0.t().contiguous().data as Float32Array, [128, 512]),
    tf.tensor2d(p.weight_hh_l0.t().contiguous().data as Float32Array, [128, 512]),
    tf.tensor1d(p.bias_ih_l0.add(p.bias_hh_l0).data as Float32Array),
  ]);
  const tx = tf.tensor3d(
    ours.x.permute([1, 0, 2]).contiguous().data as Float32Array,
    [32, 64, 128],
  );
  const ty = tf.tensor2d(ours.target.data as Float32Array, [32, 128]);
  const optimizer = tf.train.sgd(0.01);
  const lastState = () => (model.predict(tx) as TF.Tensor).dataSync();
  const step = () =>
    tf.tidy(() => {
      optimizer.minimize(
        () => tf.losses.meanSquaredError(ty, model.apply(tx) as TF.Tensor) as TF.Scalar,
      );
    });
  return { step, lastState };
}

async function recurrentCases(wanted: (w: string) => boolean): Promise<Case[]> {
  const cases: Case[] = [];
  if (wanted('W8 LSTM')) {
    const tf = await loadTf();
    const workload = 'W8 LSTM step';
    const common = { workload, size: 'batch 32, seq 64, 128→128', unit: 'steps/s', work: 1 };
    const ours = lstmStep();
    const [, [h]] = ad.noGrad(() => ours.lstm.forward(ours.x));
    cases.push(...adVariants({ ...common, fn: ours.step }));
    for (const backend of ['wasm', 'cpu'] as const) {
      let theirs: ReturnType<typeof tfLstm>;
      cases.push({
        ...common,
        library: `tfjs-${backend}`,
        before: async () => {
          await useBackend(backend);
          theirs = tfLstm(tf, lstmStep());
          assertClose(
            `${workload} tfjs-${backend} last state`,
            theirs.lastState(),
            h.data,
            1e-3,
            1e-4,
          );
        },
        fn: () => theirs.step(),
      });
    }
    const j = await loadJax();
    const firstLoss = nn.mseLoss(h.squeeze(0), ours.target).item();
    // jax-js eagerly takes 14 s a step (64 steps of ops, each dispatched): jit only
    for (const jit of [true]) {
      let theirs: ReturnType<typeof jaxLstmStep>;
      cases.push({
        ...common,
        library: jit ? 'jax-js jit' : 'jax-js',
        before: () => {
          const fresh = lstmStep();
          const p = fresh.lstm as unknown as Record<string, Tensor>;
          const params = jaxParams(j, [
            p.weight_ih_l0,
            p.weight_hh_l0,
            p.bias_ih_l0.add(p.bias_hh_l0),
          ]);
          theirs = jaxLstmStep(
            j,
            params,
            array(j, fresh.x.data, fresh.x.shape),
            array(j, fresh.target.data, fresh.target.shape),
            0.01,
            jit,
          );
          assertClose(`${workload} jax-js loss`, [theirs.firstLoss()], [firstLoss], 1e-4, 1e-6);
        },
        fn: () => theirs.step(),
      });
    }
  }
  if (wanted('W9 Transformer')) {
    const workload = 'W9 TransformerEncoderLayer step';
    const common = { workload, size: 'batch 16, seq 64, d 64, 4 heads', unit: 'steps/s', work: 1 };
    const make = () => {
      const g = new ad.Generator(9);
      const layer = new nn.TransformerEncoderLayer(64, 4, {
        dimFeedforward: 256,
        dropout: 0,
        batchFirst: true,
        generator: g,
      });
      const x = ad.randn([16, 64, 64], { generator: g });
      const opt = new nn.SGD(layer.parameters(), { lr: 0.01 });
      const loss = () => layer.forward(x, { isCausal: true }).square().mean();
      const step = () => {
        opt.zeroGrad();
        loss().backward();
        opt.step();
      };
      return { layer, x, loss, step };
    };
    const ours = make();
    const firstLoss = ad.noGrad(() => ours.loss().item());
    cases.push(...adVariants({ ...common, fn: ours.step }));
    const j = await loadJax();
    for (const jit of [false, true]) {
      let theirs: ReturnType<typeof jaxEncoderStep>;
      cases.push({
        ...common,
        library: jit ? 'jax-js jit' : 'jax-js',
        before: () => {
          const { layer, x } = make();
          const attention = layer.self_attn;
          const params = jaxParams(j, [
            attention.in_proj_weight!,
            attention.in_proj_bias!,
            attention.out_proj.weight,
            attention.out_proj.bias!,
            layer.linear1.weight,
            layer.linear1.bias!,
            layer.linear2.weight,
            layer.linear2.bias!,
            layer.norm1.weight!,
            layer.norm1.bias!,
            layer.norm2.weight!,
            layer.norm2.bias!,
          ]);
          theirs = jaxEncoderStep(j, params, array(j, x.data, x.shape), 4, 0.01, jit);
          assertClose(`${workload} jax-js loss`, [theirs.firstLoss()], [firstLoss], 1e-4, 1e-6);
        },
        fn: () => theirs.step(),
      });
    }
  }
  return cases;
}

export async function layerCases(wanted: (w: string) => boolean = () => true): Promise<Case[]> {
  return [...(await convCases(wanted)), ...(await recurrentCases(wanted))];
}
