// torch.nn.functional's values and gradients against ad.functional's, in float64 to 1e-7
// relative; each expression is the one scripts/torch-fixtures.py --set functional ran.
import * as ad from '../src';
import type { Tensor } from '../src';
import { agreesWithTorch } from './torch-fixture';

const F = ad.functional;
const f64 = { dtype: 'float64' } as const;
const knots = () => ad.tensor([-4, -3, -1, 0, 1, 3, 6], f64);
const withKnots = (x: Tensor, scale = 1, knotScale = 1) =>
  ad.cat([x.mul(scale), knots().div(knotScale)]);

const expressions: Record<string, (...x: Tensor[]) => Tensor> = {
  conv2d: (x, w, b) => F.conv2d(x, w, b, { padding: 1 }),
  'conv2d strided dilated grouped': (x, w, b) =>
    F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }),
  'conv2d same': (x, w) => F.conv2d(x, w, null, { padding: 'same', dilation: [1, 2] }),
  'conv2d unbatched valid': (x, w) => F.conv2d(x, w, null, { padding: 'valid', stride: 2 }),
  conv1d: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }),
  'conv1d grouped same': (x, w) =>
    F.conv1d(x, w, null, { padding: 'same', groups: 3, dilation: 2 }),
  convTranspose2d: (x, w, b) =>
    F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
  'convTranspose2d dilated': (x, w) =>
    F.convTranspose2d(x, w, null, { stride: [1, 2], dilation: 2, padding: [2, 1] }),
  convTranspose1d: (x, w, b) =>
    F.convTranspose1d(x, w, b, { stride: 3, padding: 1, outputPadding: 2 }),
  unfold: (x) => F.unfold(x, [2, 3], { dilation: [2, 1], padding: 1, stride: [1, 2] }),
  fold: (c) => F.fold(c, [5, 6], 2, { padding: [1, 0], stride: [2, 1] }),
  maxPool2d: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }),
  'maxPool2d ceil dilated': (x) =>
    F.maxPool2d(x, [2, 3], { stride: 2, dilation: [2, 1], ceilMode: true }),
  maxPool1d: (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 }),
  avgPool2d: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }),
  'avgPool2d exclude pad ceil': (x) =>
    F.avgPool2d(x, [3, 2], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  'avgPool2d ceil divisor': (x) => F.avgPool2d(x, 2, { ceilMode: true, divisorOverride: 3 }),
  avgPool1d: (x) => F.avgPool1d(x, 4, { stride: 3, padding: 2, ceilMode: true }),
  adaptiveAvgPool2d: (x) => F.adaptiveAvgPool2d(x, [3, 2]),
  'adaptiveAvgPool2d keep': (x) => F.adaptiveAvgPool2d(x, [null, 4]).add(F.adaptiveAvgPool2d(x, 1)),
  adaptiveAvgPool1d: (x) => F.adaptiveAvgPool1d(x, 4),
  'interpolate nearest': (x) => F.interpolate(x, { size: [7, 3] }),
  'interpolate nearest scale': (x) => F.interpolate(x, { scaleFactor: [2, 1.5], mode: 'nearest' }),
  'interpolate nearest-exact': (x) => F.interpolate(x, { size: 5, mode: 'nearest-exact' }),
  'interpolate bilinear': (x) => F.interpolate(x, { scaleFactor: 1.5, mode: 'bilinear' }),
  'interpolate bilinear aligned': (x) =>
    F.interpolate(x, { size: [5, 2], mode: 'bilinear', alignCorners: true }),
  'interpolate linear': (x) => F.interpolate(x, { size: 7, mode: 'linear' }),
  layerNorm: (x, w, b) => F.layerNorm(x, [3, 4], { weight: w, bias: b }),
  rmsNorm: (x, w) => F.rmsNorm(x, [4], { weight: w, eps: 1e-6 }).add(F.rmsNorm(x, [3, 4])),
  groupNorm: (x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }),
  'batchNorm training': (x, w, b) =>
    F.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
  'batchNorm eval': (x, w, b) =>
    F.batchNorm(x, ad.tensor([0.5, -0.25, 1], f64), ad.tensor([1.5, 0.5, 2], f64), {
      weight: w,
      bias: b,
      eps: 1e-3,
    }),
  scaledDotProductAttention: (q, k, v) => F.scaledDotProductAttention(q, k, v),
  'scaledDotProductAttention causal': (q, k, v) =>
    F.scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.3 }),
  'scaledDotProductAttention masks': (q, k, v, f, m) =>
    F.scaledDotProductAttention(q, k, v, { attnMask: f }).add(
      F.scaledDotProductAttention(q, k, v, { attnMask: m }),
    ),
  embedding: (w, i) => F.embedding(i, w, { paddingIdx: 1 }).mul(2),
  hardtanh: (x) => F.hardtanh(withKnots(x, 1, 3), -1, 1),
  relu6: (x) => F.relu6(withKnots(x, 4)),
  hardsigmoid: (x) => F.hardsigmoid(withKnots(x, 2)),
  hardswish: (x) => F.hardswish(withKnots(x, 2)),
  mish: (x) => F.mish(x.mul(3)),
  softsign: (x) => F.softsign(withKnots(x)),
  selu: (x) => F.selu(withKnots(x)),
  celu: (x) => F.celu(withKnots(x), 0.7),
  glu: (x) => F.glu(x, 1),
  logsigmoid: (x) => F.logsigmoid(x.mul(5)),
};

agreesWithTorch('torch-functional.json', expressions);
