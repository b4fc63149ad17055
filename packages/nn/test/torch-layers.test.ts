// Layers against torch.nn, in float64 to 1e-7 relative: each case loads the state dict that
// scripts/torch-layer-fixtures.py saved (PyTorch's keys, strict), runs the same call, and
// compares every output, the gradients of every input and parameter, and the buffers after.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ad from '@ad/core';
import type { Tensor } from '@ad/core';
import * as nn from '../src';

interface Encoded {
  shape: number[];
  dtype: 'float' | 'int' | 'bool';
  data: number[];
}
interface Case {
  name: string;
  state: Record<string, Encoded>;
  inputs: Encoded[];
  outputs: Encoded[];
  cotangents: Encoded[];
  inputGrads: Encoded[];
  paramGrads: Record<string, Encoded>;
  buffers: Record<string, Encoded>;
}

const fixtures = JSON.parse(
  readFileSync(join(__dirname, 'fixtures/torch-layers.json'), 'utf8'),
) as { torch: string; cases: Case[] };

const f64 = { dtype: 'float64' } as const;
const padMask = () =>
  ad.tensor([
    [false, false, true, false],
    [false, false, false, true],
  ]);
const boolMask = () =>
  ad.tensor([
    [false, true, false, false],
    [false, false, true, true],
    [false, false, false, false],
  ]);
const flat = (y: unknown): Tensor[] =>
  y instanceof ad.Tensor ? [y] : Array.isArray(y) ? y.flatMap(flat) : [];

/** A loss as the fixture's module: a function of the inputs (targets detached, as there). */
class Loss extends nn.Module {
  constructor(readonly fn: (...x: Tensor[]) => Tensor) {
    super();
  }
  forward(...x: Tensor[]): Tensor {
    return this.fn(...x);
  }
}
const loss = (
  fn: (...x: Tensor[]) => Tensor,
): [() => nn.Module, (m: never, ...x: Tensor[]) => unknown] => [
  () => new Loss(fn),
  (m: Loss, ...x) => m.forward(...x),
];
const w64 = (v: number[]) => ad.tensor(v, f64);

/** Each fixture's layer, made as PyTorch made it, and its call. */
const layers: Record<string, [() => nn.Module, (m: never, ...x: Tensor[]) => unknown]> = {
  Conv1d: [
    () => new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1, ...f64 }),
    (m: nn.Conv1d, x) => m.forward(x),
  ],
  'Conv2d same reflect': [
    () => new nn.Conv2d(3, 4, [3, 2], { padding: 'same', paddingMode: 'reflect', ...f64 }),
    (m: nn.Conv2d, x) => m.forward(x),
  ],
  'Conv2d grouped strided': [
    () => new nn.Conv2d(4, 6, 3, { stride: 2, groups: 2, bias: false, ...f64 }),
    (m: nn.Conv2d, x) => m.forward(x),
  ],
  'Conv2d circular dilated': [
    () => new nn.Conv2d(2, 3, 3, { padding: 2, dilation: 2, paddingMode: 'circular', ...f64 }),
    (m: nn.Conv2d, x) => m.forward(x),
  ],
  ConvTranspose2d: [
    () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1, ...f64 }),
    (m: nn.ConvTranspose2d, x) => m.forward(x),
  ],
  'ConvTranspose1d grouped': [
    () => new nn.ConvTranspose1d(4, 6, 3, { stride: 3, groups: 2, ...f64 }),
    (m: nn.ConvTranspose1d, x) => m.forward(x),
  ],
  'MaxPool2d AvgPool2d AdaptiveAvgPool2d': [
    () =>
      new nn.Sequential(
        new nn.MaxPool2d(2, { stride: 1, padding: 1 }),
        new nn.AvgPool2d(3, { stride: 2, ceilMode: true, countIncludePad: false }),
        new nn.AdaptiveAvgPool2d([2, 1]),
      ),
    (m: nn.Sequential, x) => m.forward(x),
  ],
  'BatchNorm2d training': [
    () => new nn.BatchNorm2d(3, f64),
    (m: nn.BatchNorm2d, x) => m.forward(x),
  ],
  'BatchNorm1d eval': [
    () => new nn.BatchNorm1d(3, f64).eval(),
    (m: nn.BatchNorm1d, x) => m.forward(x),
  ],
  GroupNorm: [() => new nn.GroupNorm(2, 4, f64), (m: nn.GroupNorm, x) => m.forward(x)],
  LayerNorm: [() => new nn.LayerNorm([3, 4], f64), (m: nn.LayerNorm, x) => m.forward(x)],
  'Embedding paddingIdx': [
    () => new nn.Embedding(6, 3, { paddingIdx: 2, ...f64 }),
    (m: nn.Embedding, i) => m.forward(i),
  ],
  'RNN tanh bidirectional 2 layers': [
    () => new nn.RNN(3, 4, { numLayers: 2, bidirectional: true, ...f64 }),
    (m: nn.RNN, x, h) => m.forward(x, h),
  ],
  'RNN relu batchFirst': [
    () => new nn.RNN(3, 4, { nonlinearity: 'relu', batchFirst: true, ...f64 }),
    (m: nn.RNN, x) => m.forward(x),
  ],
  'LSTM bidirectional batchFirst': [
    () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, ...f64 }),
    (m: nn.LSTM, x, h, c) => m.forward(x, [h, c]),
  ],
  'LSTM unbatched no bias': [
    () => new nn.LSTM(3, 5, { bias: false, ...f64 }),
    (m: nn.LSTM, x) => m.forward(x),
  ],
  'GRU 2 layers': [
    () => new nn.GRU(3, 4, { numLayers: 2, ...f64 }),
    (m: nn.GRU, x, h) => m.forward(x, h),
  ],
  'GRU bidirectional batchFirst': [
    () => new nn.GRU(2, 3, { bidirectional: true, batchFirst: true, ...f64 }),
    (m: nn.GRU, x) => m.forward(x),
  ],
  MultiheadAttention: [
    () => new nn.MultiheadAttention(8, 2, { batchFirst: true, ...f64 }),
    (m: nn.MultiheadAttention, q, k, v) =>
      m.forward(q, k, v, { keyPaddingMask: padMask(), attnMask: boolMask() }),
  ],
  'MultiheadAttention kdim vdim per-head weights': [
    () => new nn.MultiheadAttention(6, 3, { kdim: 4, vdim: 5, ...f64 }),
    (m: nn.MultiheadAttention, q, k, v) => m.forward(q, k, v, { averageAttnWeights: false }),
  ],
  'MultiheadAttention unbatched float mask': [
    () => new nn.MultiheadAttention(4, 2, f64),
    (m: nn.MultiheadAttention, q, k, v, f) => m.forward(q, k, v, { attnMask: f }),
  ],
  'CTC padded mean': [() => new CTC(), (m: CTC, ...a) => m.forward(a[0], a[1], a[2], a[3])],
  'CTC concatenated sum blank 2': [
    () => new CTC({ blank: 2, reduction: 'sum' }),
    (m: CTC, ...a) => m.forward(a[0], a[1], a[2], a[3]),
  ],
  'CTC none zeroInfinity': [
    () => new CTC({ reduction: 'none', zeroInfinity: true }),
    (m: CTC, ...a) => m.forward(a[0], a[1], a[2], a[3]),
  ],
  'klDiv batchmean': loss((x, t) =>
    nn.klDiv(x.logSoftmax(-1), t.detach().softmax(-1), { reduction: 'batchmean' }),
  ),
  'klDiv logTarget': loss((x, t) =>
    nn.klDiv(x.logSoftmax(-1), t.detach().logSoftmax(-1), { reduction: 'sum', logTarget: true }),
  ),
  'poissonNllLoss full': loss((x, t) =>
    nn.poissonNllLoss(x, t.detach().mul(3).add(3), { full: true }),
  ),
  'poissonNllLoss rate': loss((x, t) =>
    nn.poissonNllLoss(x.add(1.5), t.detach().add(1), { logInput: false, reduction: 'sum' }),
  ),
  gaussianNllLoss: loss((x, t, v) =>
    nn.gaussianNllLoss(x, t.detach(), v.abs().add(0.1), { full: true }),
  ),
  cosineEmbeddingLoss: loss((a, b, y) => nn.cosineEmbeddingLoss(a, b, y, { margin: 0.2 })),
  marginRankingLoss: loss((a, b, y) => nn.marginRankingLoss(a, b, y, { margin: 0.1 })),
  hingeEmbeddingLoss: loss((x, y) =>
    nn.hingeEmbeddingLoss(x, y, { margin: 1.5, reduction: 'sum' }),
  ),
  'tripletMarginLoss swap': loss((a, p, n) =>
    nn.tripletMarginLoss(a, p, n, { margin: 0.5, p: 3, swap: true }),
  ),
  multilabelSoftMarginLoss: loss((x, y) =>
    nn.multilabelSoftMarginLoss(x, y.cast('float64'), { weight: w64([0.5, 1, 2]) }),
  ),
  'smoothL1Loss huberLoss': loss((x, t) =>
    nn.smoothL1Loss(x, t.detach(), { beta: 0.5 }).add(nn.huberLoss(x, t.detach(), { delta: 0.3 })),
  ),
  'crossEntropy weights ignoreIndex smoothing': loss((x, t) =>
    nn.crossEntropy(x, t, { weight: w64([0.2, 1, 3, 0.5]), ignoreIndex: 1, labelSmoothing: 0.1 }),
  ),
  'crossEntropy probabilities 3-D': loss((x, t) =>
    nn.crossEntropy(x, t.detach().softmax(1), { labelSmoothing: 0.2 }),
  ),
  'nllLoss binaryCrossEntropy': loss((x, t, p) =>
    nn.nllLoss(x.logSoftmax(1), t, { reduction: 'sum' }).add(
      nn.binaryCrossEntropy(
        p.sigmoid(),
        ad.tensor([1, 0, 0], f64).reshape([3, 1]).expand([3, 2]), // t mod 2, as there
      ),
    ),
  ),
  'binaryCrossEntropyWithLogits posWeight': loss((x, t) =>
    nn.binaryCrossEntropyWithLogits(x, t.detach().sigmoid(), { posWeight: w64([2, 0.5, 1]) }),
  ),
  TransformerEncoderLayer: [
    () =>
      new nn.TransformerEncoderLayer(8, 2, {
        dimFeedforward: 16,
        dropout: 0,
        batchFirst: true,
        ...f64,
      }),
    (m: nn.TransformerEncoderLayer, x) => m.forward(x, { srcKeyPaddingMask: padMask() }),
  ],
  'TransformerEncoderLayer normFirst gelu': [
    () =>
      new nn.TransformerEncoderLayer(8, 4, {
        dimFeedforward: 12,
        dropout: 0,
        activation: 'gelu',
        normFirst: true,
        ...f64,
      }),
    (m: nn.TransformerEncoderLayer, x) => m.forward(x, { srcMask: causal(5) }),
  ],
};

/** ctcLoss on logSoftmax of its first input, as the fixture's module. */
class CTC extends nn.Module {
  constructor(readonly opts: nn.CTCLossOptions = {}) {
    super();
  }
  forward(x: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor): Tensor {
    return nn.ctcLoss(x.logSoftmax(-1), targets, inputLengths, targetLengths, this.opts);
  }
}

/** PyTorch's generate_square_subsequent_mask: 0 on and below the diagonal, −∞ above. */
function causal(n: number): Tensor {
  return ad.zeros([n, n], f64).maskedFill(ad.ones([n, n], { dtype: 'bool' }).triu(1), -Infinity);
}

function decode(e: Encoded): Tensor {
  const dtype = e.dtype === 'float' ? 'float64' : e.dtype === 'int' ? 'int32' : 'bool';
  return ad.tensor(e.data, { dtype }).reshape(e.shape);
}

const close = { rtol: 1e-7, atol: 1e-10 };

describe(`layers agree with torch.nn ${fixtures.torch} in float64, state dicts by PyTorch's names`, () => {
  it('every fixture has a layer here, and every layer a fixture', () => {
    expect(fixtures.cases.map((k) => k.name).sort()).toEqual(Object.keys(layers).sort());
  });

  it.each(fixtures.cases.map((k) => [k.name, k] as const))('%s', (name, k) => {
    const [make, call] = layers[name];
    const m = make();
    m.loadStateDict(
      Object.fromEntries(Object.entries(k.state).map(([key, e]) => [key, decode(e)])),
    );
    const inputs = k.inputs.map((e) => {
      const t = decode(e);
      return e.dtype === 'float' ? t.requiresGrad_() : t;
    });
    const ys = flat((call as (m: nn.Module, ...x: Tensor[]) => unknown)(m, ...inputs));
    expect(ys.length).toBe(k.outputs.length);
    ys.forEach((y, i) => expect(y).toBeAllClose(decode(k.outputs[i]), close));
    const loss = ys.reduce<Tensor>(
      (s, y, i) => s.add(y.mul(decode(k.cotangents[i])).sum()),
      ad.zeros([], f64),
    );
    const params = m.namedParameters();
    const floats = inputs.filter((x) => x.requiresGrad);
    const grads = ad.gradients(loss, [...floats, ...params.map(([, p]) => p)], {
      allowUnused: true,
    });
    floats.forEach((x, i) =>
      expect(grads[i] ?? ad.zerosLike(x)).toBeAllClose(decode(k.inputGrads[i]), close),
    );
    expect(params.map(([key]) => key).sort()).toEqual(Object.keys(k.paramGrads).sort());
    params.forEach(([key, p], i) =>
      expect(grads[floats.length + i] ?? ad.zerosLike(p)).toBeAllClose(
        decode(k.paramGrads[key]),
        close,
      ),
    );
    const buffers = Object.fromEntries(m.namedBuffers());
    for (const [key, e] of Object.entries(k.buffers))
      expect(buffers[key]).toBeAllClose(decode(e), close);
  });
});
