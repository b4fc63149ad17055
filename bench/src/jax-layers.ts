// jax-js versions of W8's LSTM step and W9's transformer step, from @ad's weights (matrices
// transposed to in × out). Every jax-js op consumes its arguments: an array used again later
// is passed as `a.ref`.
import type { Tensor } from '@ad/core';
import { array, type loadJax } from './jax';

type Jax = Awaited<ReturnType<typeof loadJax>>;
type A = import('@jax-js/jax').numpy.Array;

/** In × out copies of @ad's [out, in] weight matrices, and vectors as they are. */
export function jaxParams(j: Jax, ts: Tensor[]): A[] {
  return ts.map((t) =>
    t.ndim === 2
      ? array(j, t.t().contiguous().data, [t.shape[1], t.shape[0]])
      : array(j, t.data, t.shape),
  );
}

/**
 * One SGD step of an LSTM layer (gates i, f, g, o) on x [T, N, in] with MSE on the last
 * hidden state; params [W_ih (in × 4H), W_hh (H × 4H), b (4H)]. Returns the step and the
 * forward's loss (to check against @ad's).
 */
export function jaxLstmStep(j: Jax, start: A[], x: A, y: A, lr: number, jit: boolean) {
  const np = j.numpy;
  const [steps, n, inputs] = x.shape;
  const hidden = start[1].shape[0];
  const loss = (ps: A[], xs: A, ys: A) => {
    const [wih, whh, b] = ps;
    const projected = np
      .matmul(xs.reshape([steps * n, inputs]), wih)
      .add(b)
      .reshape([steps, n, 4 * hidden]);
    const frames = np.split(projected, steps, 0);
    let h = np.zeros([n, hidden]);
    let c = np.zeros([n, hidden]);
    for (let t = 0; t < steps; t++) {
      const gates = frames[t]
        .reshape([n, 4 * hidden])
        .add(np.matmul(h, t === steps - 1 ? whh : whh.ref));
      const [gi, gf, gg, go] = np.split(gates, 4, 1);
      c = j.nn
        .sigmoid(gf)
        .mul(c)
        .add(j.nn.sigmoid(gi).mul(np.tanh(gg)));
      h = j.nn.sigmoid(go).mul(np.tanh(c.ref));
    }
    c.dispose();
    return np.mean(np.square(h.sub(ys)));
  };
  return sgdSteps(j, loss, start, [x, y], lr, jit);
}

/** Layer norm over the last dim with weight and bias, eps 1e-5 (PyTorch's). */
function layerNorm(j: Jax, x: A, w: A, b: A): A {
  const np = j.numpy;
  const mean = np.mean(x.ref, -1, { keepdims: true });
  const centred = x.sub(mean);
  const variance = np.mean(np.square(centred.ref), -1, { keepdims: true });
  return centred
    .div(np.sqrt(variance.add(1e-5)))
    .mul(w)
    .add(b);
}

/**
 * One SGD step of a post-norm TransformerEncoderLayer (ReLU, no dropout, causal) on x
 * [B, L, d] with the mean square of the output as loss; params [W_qkv (d × 3d), b_qkv,
 * W_o (d × d), b_o, W_1 (d × ff), b_1, W_2 (ff × d), b_2, γ1, β1, γ2, β2].
 */
export function jaxEncoderStep(j: Jax, start: A[], x: A, heads: number, lr: number, jit: boolean) {
  const np = j.numpy;
  const [batch, len, d] = x.shape;
  // 0 where a query may attend, −1e9 above the diagonal
  const causal = array(
    j,
    Float32Array.from({ length: len * len }, (_, i) => (i % len > Math.floor(i / len) ? -1e9 : 0)),
    [len, len],
  );
  const loss = (ps: A[], xs: A) => {
    const [wqkv, bqkv, wo, bo, w1, b1, w2, b2, g1, be1, g2, be2] = ps;
    const qkv = np
      .matmul(xs.ref, wqkv)
      .add(bqkv)
      .reshape([batch, len, 3, heads, d / heads]);
    // [B, L, heads, hd] → [B, heads, L, hd]; jax-js's dotProductAttention needs Node 22
    const [q, k, v] = np
      .split(qkv, 3, 2)
      .map((t) => np.transpose(t.reshape([batch, len, heads, d / heads]), [0, 2, 1, 3]));
    const scores = np
      .matmul(q, np.matrixTranspose(k))
      .mul(1 / Math.sqrt(d / heads))
      .add(causal.ref);
    const weights = j.nn.softmax(scores, -1);
    const attended = np.transpose(np.matmul(weights, v), [0, 2, 1, 3]).reshape([batch, len, d]);
    const h = layerNorm(j, xs.add(np.matmul(attended, wo).add(bo)), g1, be1);
    const ff = np.matmul(j.nn.relu(np.matmul(h.ref, w1).add(b1)), w2).add(b2);
    return np.mean(np.square(layerNorm(j, h.add(ff), g2, be2)));
  };
  return sgdSteps(j, loss, start, [x], lr, jit);
}

/** SGD steps on `loss(params, ...inputs)`, and its first value (to check against @ad's). */
function sgdSteps(
  j: Jax,
  loss: (ps: A[], ...xs: A[]) => A,
  start: A[],
  inputs: A[],
  lr: number,
  jit: boolean,
) {
  const gradient = j.grad(loss as (ps: A[], ...xs: A[]) => A);
  const update = (ps: A[], ...xs: A[]) => {
    const gs = (gradient as unknown as (...a: unknown[]) => A[])(
      ps.map((p) => p.ref),
      ...xs,
    );
    return ps.map((p, i) => p.sub(gs[i].mul(lr)));
  };
  const run = (jit ? j.jit(update) : update) as (ps: A[], ...xs: A[]) => A[];
  let params = start;
  const refs = () => inputs.map((x) => x.ref);
  return {
    firstLoss: () =>
      loss(
        params.map((p) => p.ref),
        ...refs(),
      ).dataSync()[0],
    step: () => {
      params = run(params, ...refs());
      params[params.length - 1].ref.dataSync();
    },
  };
}
