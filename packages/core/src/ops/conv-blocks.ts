// Convolution's three products, fused per image: the forward (weights times each image's
// columns), the input's gradient (the weights' transpose times the output's gradient,
// folded back) and the weights' gradient (the output's gradient times the columns,
// summed over images). Each image's columns live in one buffer that stays in cache. The
// three are each other's gradients, so a convolution differentiates to any order.
import { allocate } from '../dtype';
import { col2im, gemm, im2col, type Patches } from '../kernels/index';
import type { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { empty, record } from './op';

const plain = (data: Tensor['data'], offset = 0, trans = false) => ({ data, offset, trans });

/**
 * w [O, C·kh·kw] times the blocks of each image of x [N, C, H, W], plus a bias [O] → [N, O,
 * oh·ow]. The bias rides in the product as one more weight column against a row of ones: a
 * separate broadcast add over the output cost as much as a shallow product itself.
 */
export function convolveBlocks(x: Tensor, w: Tensor, p: Patches, b: Tensor | null = null): Tensor {
  if (trace.on && trace.entering !== convolveBlocks) return traced(convolveBlocks, [x, w, p, b]);
  const [n] = x.shape;
  const [out, k] = w.shape;
  const l = p.oh * p.ow;
  const y = empty([n, out, l], x.dtype);
  const depth = b === null ? k : k + 1;
  const cols = allocate(x.dtype, depth * l);
  if (b !== null) cols.fill(1, k * l);
  let weights = w.data;
  if (b !== null) {
    const bias = b.data;
    weights = allocate(x.dtype, out * depth);
    for (let o = 0; o < out; o++) {
      weights.set(w.data.subarray(o * k, (o + 1) * k), o * depth);
      weights[o * depth + k] = bias[o];
    }
  }
  const src = x.data;
  const plane = p.channels * p.height * p.width;
  const [a, columns] = [plain(weights), plain(cols)];
  for (let i = 0; i < n; i++) {
    im2col(src.subarray(i * plane, (i + 1) * plane), cols, 1, p, 0);
    gemm(a, columns, y.storage.data, i * out * l, out, depth, l);
  }
  const inputs = b === null ? [x, w] : [x, w, b];
  return record('functional.conv2d', inputs, y, (g, needs) => [
    needs[0] ? inputGrad(g, w, p) : null,
    needs[1] ? weightGrad(g, x, p) : null,
    ...(b === null ? [] : [needs[2] ? g.sum([0, 2]) : null]),
  ]);
}

/** The blocks' adjoint of wᵀ·dy per image → [N, C, H, W]: a convolution's input gradient. */
export function inputGrad(dy: Tensor, w: Tensor, p: Patches): Tensor {
  if (trace.on && trace.entering !== inputGrad) return traced(inputGrad, [dy, w, p]);
  const [n, out, l] = dy.shape;
  const k = w.shape[1];
  const dx = empty([n, p.channels, p.height, p.width], dy.dtype);
  const cols = allocate(dy.dtype, k * l);
  const [g, weights, plane] = [dy.data, plain(w.data, 0, true), p.channels * p.height * p.width];
  const target = dx.storage.data;
  for (let i = 0; i < n; i++) {
    gemm(weights, plain(g, i * out * l), cols, 0, k, out, l);
    col2im(cols, target.subarray(i * plane, (i + 1) * plane), 1, p);
  }
  return record('conv2dInputGrad', [dy, w], dx, (h, needs) => [
    needs[0] ? convolveBlocks(h, w, p) : null,
    needs[1] ? weightGrad(dy, h, p) : null,
  ]);
}

/** Σ over images of dy·blocksᵀ → [O, C·kh·kw]: a convolution's weight gradient. */
export function weightGrad(dy: Tensor, x: Tensor, p: Patches): Tensor {
  if (trace.on && trace.entering !== weightGrad) return traced(weightGrad, [dy, x, p]);
  const [n, out, l] = dy.shape;
  const k = p.channels * p.kh * p.kw;
  const dw = empty([out, k], dy.dtype);
  const sum = dw.storage.data;
  const part = allocate(dy.dtype, out * k);
  const cols = allocate(dy.dtype, k * l);
  const [g, src, plane] = [dy.data, x.data, p.channels * p.height * p.width];
  const columns = plain(cols, 0, true);
  for (let i = 0; i < n; i++) {
    im2col(src.subarray(i * plane, (i + 1) * plane), cols, 1, p, 0);
    gemm(plain(g, i * out * l), columns, part, 0, out, l, k);
    for (let j = 0; j < part.length; j++) sum[j] += part[j];
  }
  return record('conv2dWeightGrad', [dy, x], dw, (h, needs) => [
    needs[0] ? convolveBlocks(x, h, p) : null,
    needs[1] ? inputGrad(dy, h, p) : null,
  ]);
}
