import * as ad from '../src';
import type { OpCase, SpecialPoint } from './op-cases';
import { inputGrad, weightGrad } from '../src/ops/conv-blocks';
import type { Patches } from '../src/kernels/index';

// ad.functional's rows of the op table: convolutions in every geometry, pooling (ceil mode,
// padding counted or not), resampling, normalisation, attention and the activations.

const F = ad.functional;
const idx = (rows: number[][]) => () => [ad.tensor(rows, { dtype: 'int32' })];
/** A 2×2 kernel over [·, 2, 4, 3] with padding 1: 5×4 blocks. */
const P: Patches = {
  channels: 2,
  height: 4,
  width: 3,
  kh: 2,
  kw: 2,
  sh: 1,
  sw: 1,
  ph: 1,
  pw: 1,
  dh: 1,
  dw: 1,
  oh: 5,
  ow: 4,
};
const boolMask = () => [
  ad.tensor([
    [true, false, true, true],
    [false, true, true, false],
    [true, true, true, true],
  ]),
];

// one row per line keeps the table a table
// prettier-ignore
export const functionalCases: OpCase[] = [
  { op: 'functional.conv2d', fn: (x, w, b) => F.conv2d(x, w, b, { padding: 1 }), shapes: [[2, 2, 4, 3], [3, 2, 2, 2], [3]] },
  { op: 'functional.conv2d', note: 'stride, dilation, groups', fn: (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 }), shapes: [[1, 4, 5, 5], [4, 2, 2, 2], [4]] },
  { op: 'functional.conv2d', note: "'same', unbatched, fan-out", fn: (x, w) => F.conv2d(x, w, null, { padding: 'same' }).add(F.conv2d(x, w, null, { padding: 'same' }).square()), shapes: [[2, 4, 4], [2, 2, 2, 3]] },
  { op: 'conv2dInputGrad', internal: true, fn: (dy, w) => inputGrad(dy, w, P), shapes: [[2, 3, 20], [3, 8]] },
  { op: 'conv2dWeightGrad', internal: true, fn: (dy, x) => weightGrad(dy, x, P), shapes: [[2, 3, 20], [2, 2, 4, 3]] },
  { op: 'functional.conv1d', fn: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }), shapes: [[2, 2, 5], [3, 2, 2], [3]] },
  { op: 'functional.convTranspose2d', fn: (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), shapes: [[1, 2, 3, 2], [2, 2, 2, 2], [2]] },
  { op: 'functional.convTranspose2d', note: 'groups, dilation', fn: (x, w) => F.convTranspose2d(x, w, null, { groups: 2, dilation: 2 }), shapes: [[1, 4, 2, 3], [4, 1, 2, 2]] },
  { op: 'functional.convTranspose1d', fn: (x, w) => F.convTranspose1d(x, w, null, { stride: 2 }), shapes: [[2, 2, 3], [2, 3, 3]] },
  { op: 'functional.unfold', fn: (x) => F.unfold(x, 2, { padding: 1, stride: [2, 1] }), shapes: [[1, 2, 4, 3]] },
  { op: 'functional.fold', fn: (c) => F.fold(c, [3, 4], 2), shapes: [[1, 8, 6]] },
  { op: 'functional.maxPool2d', fn: (x) => F.maxPool2d(x, 2, { stride: 1, padding: 1 }), shapes: [[1, 2, 5, 4]] },
  { op: 'functional.maxPool1d', note: 'ceil mode', fn: (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true }), shapes: [[2, 3, 6]] },
  { op: 'functional.avgPool2d', note: 'padding not counted, ceil mode', fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), shapes: [[1, 2, 5, 4]] },
  { op: 'functional.avgPool1d', fn: (x) => F.avgPool1d(x, 2), shapes: [[2, 2, 5]] },
  { op: 'functional.adaptiveAvgPool2d', fn: (x) => F.adaptiveAvgPool2d(x, [2, 2]), shapes: [[1, 2, 5, 3]] },
  { op: 'functional.adaptiveAvgPool1d', fn: (x) => F.adaptiveAvgPool1d(x, 3), shapes: [[2, 2, 5]] },
  { op: 'functional.interpolate', note: 'bilinear', fn: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), shapes: [[1, 1, 3, 2]] },
  { op: 'functional.interpolate', note: 'nearest, linear aligned', fn: (x) => F.interpolate(x, { size: 5 }).add(F.interpolate(x, { size: 5, mode: 'linear', alignCorners: true })), shapes: [[2, 1, 3]] },
  { op: 'functional.layerNorm', fn: (x, w, b) => F.layerNorm(x, 4, { weight: w, bias: b }), shapes: [[2, 3, 4], [4], [4]] },
  { op: 'functional.rmsNorm', fn: (x, w) => F.rmsNorm(x, [3], { weight: w }), shapes: [[2, 3], [3]] },
  { op: 'functional.groupNorm', fn: (x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }), shapes: [[2, 4, 3], [4], [4]] },
  { op: 'functional.batchNorm', note: 'training', fn: (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), shapes: [[4, 2, 3], [2], [2]] },
  { op: 'functional.scaledDotProductAttention', note: 'causal', fn: (q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }), shapes: [[2, 3, 2], [2, 4, 2], [2, 4, 3]] },
  { op: 'functional.scaledDotProductAttention', note: 'float mask broadcast; bool mask', fn: (q, k, v, m, b) => F.scaledDotProductAttention(q, k, v, { attnMask: m }).add(F.scaledDotProductAttention(q, k, v, { attnMask: b })), shapes: [[2, 3, 2], [1, 4, 2], [2, 4, 3], [4]], constants: boolMask },
  { op: 'functional.embedding', note: 'repeated rows', fn: (w, i) => F.embedding(i, w), shapes: [[4, 3]], constants: idx([[0, 2], [3, 2]]) },
  { op: 'functional.dropout', note: 'one mask', fn: (x) => F.dropout(x, 0.4, { generator: new ad.Generator(3) }), shapes: [[3, 4]], seeded: true },
  { op: 'functional.hardtanh', fn: (x) => F.hardtanh(x, -1, 1.5), shapes: [[2, 3]] },
  { op: 'functional.relu6', fn: (x) => F.relu6(x.mul(4)), shapes: [[2, 3]], domains: ['nonzero'] },
  { op: 'functional.hardsigmoid', fn: (x) => F.hardsigmoid(x.mul(2)), shapes: [[2, 3]] },
  { op: 'functional.hardswish', fn: (x) => F.hardswish(x.mul(2)), shapes: [[2, 3]] },
  { op: 'functional.mish', fn: (x) => F.mish(x), shapes: [[2, 3]] },
  { op: 'functional.softsign', fn: (x) => F.softsign(x), shapes: [[2, 3]], domains: ['nonzero'] },
  { op: 'functional.selu', fn: (x) => F.selu(x), shapes: [[2, 3]], domains: ['nonzero'] },
  { op: 'functional.celu', fn: (x) => F.celu(x, 0.6), shapes: [[2, 3]], domains: ['nonzero'] },
  { op: 'functional.glu', fn: (x) => F.glu(x, 0), shapes: [[4, 3]] },
];

// prettier-ignore
export const functionalPoints: SpecialPoint[] = [
  { op: 'functional.hardtanh', note: 'the bounds pass nothing', fn: (x) => F.hardtanh(x), at: [[-1, 1, 0, 2]], grads: [[0, 0, 1, 0]] },
  { op: 'functional.relu6', note: 'at 0 and 6', fn: (x) => F.relu6(x), at: [[0, 6, 3]], grads: [[0, 0, 1]] },
  { op: 'functional.hardsigmoid', note: 'at ±3', fn: (x) => F.hardsigmoid(x), at: [[-3, 3, 0]], grads: [[0, 0, 1 / 6]] },
  { op: 'functional.hardswish', note: 'at ±3', fn: (x) => F.hardswish(x), at: [[-3, 3, 4]], grads: [[-0.5, 1.5, 1]] },
  { op: 'functional.maxPool2d', note: 'ties: the first maximum takes it', fn: (x) => F.maxPool2d(x.reshape([1, 1, 2, 2]), 2), at: [[[1, 2], [2, 0]]], grads: [[[0, 1], [0, 0]]] },
];
