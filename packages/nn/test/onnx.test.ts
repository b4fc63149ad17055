/** @jest-environment <rootDir>/test/ort-environment.ts */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ad from '@ad/core';
import * as ort from 'onnxruntime-node';
import * as nn from '../src';
import { exportOnnx } from '../src/node';

// Every exported model runs in onnxruntime (its CPU runtime, from the npm package) and gives
// @ad's outputs within float32 rounding.

const gen = () => new ad.Generator(7);

class Mixer extends nn.Module {
  // a forward of plain ops between layers: split, cat, reductions, broadcasting, where
  fc = new nn.Linear(6, 8, { generator: gen() });
  scale = new nn.Parameter(ad.tensor([0.5, -1.5, 2, 1]));
  forward(x: ad.Tensor): ad.Tensor {
    const h = this.fc.forward(x).tanh();
    const [a, b] = ad.chunk(h, 2, 1);
    const gate = ad.sigmoid(b).mul(this.scale);
    const mixed = ad.cat([a.mul(gate), a.sub(b).div(2)], -1);
    const centred = mixed.sub(mixed.mean(-1, { keepdim: true }));
    return ad.where(centred.gt(0), centred, centred.mul(0.1)).square().add(1).log();
  }
}

class Tagger extends nn.Module {
  embed = new nn.Embedding(11, 6, { generator: gen() });
  gru = new nn.GRU(6, 5, { batchFirst: true, bidirectional: true, generator: gen() });
  head = new nn.Linear(10, 3, { generator: gen() });
  forward(tokens: ad.Tensor): ad.Tensor {
    const [out] = this.gru.forward(this.embed.forward(tokens));
    return this.head.forward(out).logSoftmax(-1);
  }
}

class Attend extends nn.Module {
  mha = new nn.MultiheadAttention(8, 2, { batchFirst: true, generator: gen() });
  forward(x: ad.Tensor): ad.Tensor[] {
    const [y, w] = this.mha.forward(x, x, x);
    return [y, w as ad.Tensor];
  }
}

class Decoder extends nn.Module {
  // the layers opened up into their ops (GroupNorm, RMSNorm) and the ones with ONNX rules
  up = new nn.ConvTranspose2d(4, 6, 3, {
    stride: 2,
    padding: 1,
    outputPadding: 1,
    generator: gen(),
  });
  norm = new nn.GroupNorm(2, 6);
  line = new nn.ConvTranspose1d(6, 3, 2, { stride: 2, generator: gen() });
  rms = new nn.RMSNorm([20]);
  forward(x: ad.Tensor): ad.Tensor[] {
    const h = this.norm.forward(this.up.forward(x)).relu(); // [2, 6, 10, 10]
    const near = ad.functional.interpolate(h, { scaleFactor: 2, mode: 'nearest' });
    const exact = ad.functional.interpolate(h, { size: [7, 13], mode: 'nearest-exact' });
    const bilinear = ad.functional.interpolate(h, { size: [15, 6], mode: 'bilinear' });
    const corners = ad.functional.interpolate(h, {
      scaleFactor: 1.5,
      mode: 'bilinear',
      alignCorners: true,
    });
    const seq = this.rms.forward(this.line.forward(h.mean(-1))); // [2, 3, 20]
    return [near, exact, bilinear, corners, seq];
  }
}

const cases: [string, () => nn.Module, () => ad.Tensor][] = [
  [
    'MLP with every activation',
    () =>
      new nn.Sequential(
        new nn.Linear(5, 12, { generator: gen() }),
        new nn.ReLU(),
        new nn.Linear(12, 12, { generator: gen() }),
        new nn.GELU(),
        new nn.SiLU(),
        new nn.LeakyReLU(0.2),
        new nn.ELU(0.7),
        new nn.Softplus(2),
        new nn.GELU('tanh'),
        new nn.Tanh(),
        new nn.Sigmoid(),
        new nn.Dropout(0.3),
        new nn.Linear(12, 4, { generator: gen() }),
        new nn.LogSoftmax(-1),
      ),
    () => ad.randn([3, 5], { generator: gen() }),
  ],
  [
    'CNN (Conv2d, BatchNorm2d, pools, Flatten)',
    () =>
      new nn.Sequential(
        new nn.Conv2d(2, 4, 3, { padding: 'same', generator: gen() }),
        new nn.BatchNorm2d(4),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, dilation: 1, groups: 2, generator: gen() }),
        new nn.AvgPool2d(2, { ceilMode: true }),
        new nn.AdaptiveAvgPool2d(1),
        new nn.Flatten(),
        new nn.Linear(6, 3, { generator: gen() }),
      ),
    () => ad.randn([2, 2, 12, 12], { generator: gen() }),
  ],
  [
    'Conv1d with pooling and LayerNorm',
    () =>
      new nn.Sequential(
        new nn.Conv1d(3, 4, 5, { padding: 2, generator: gen() }),
        new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
        new nn.LayerNorm(5),
        new nn.AdaptiveAvgPool1d(1),
      ),
    () => ad.randn([2, 3, 10], { generator: gen() }),
  ],
  [
    'a custom forward of plain ops',
    () => new Mixer(),
    () => ad.randn([4, 6], { generator: gen() }),
  ],
  [
    'Embedding and a bidirectional GRU',
    () => new Tagger(),
    () =>
      ad.tensor(
        [
          [1, 4, 9, 2],
          [0, 10, 3, 3],
        ],
        { dtype: 'int32' },
      ),
  ],
  ['MultiheadAttention', () => new Attend(), () => ad.randn([2, 5, 8], { generator: gen() })],
  [
    'TransformerEncoderLayer',
    () =>
      new nn.TransformerEncoderLayer(8, 2, {
        dimFeedforward: 16,
        batchFirst: true,
        normFirst: true,
        activation: 'gelu',
        generator: gen(),
      }),
    () => ad.randn([2, 4, 8], { generator: gen() }),
  ],
  [
    'GroupNorm, RMSNorm, transposed convolutions and resizing',
    () => new Decoder(),
    () => ad.randn([2, 4, 5, 5], { generator: gen() }),
  ],
  [
    'LSTM',
    () => new nn.LSTM(4, 6, { numLayers: 2, generator: gen() }),
    () => ad.randn([5, 2, 4], { generator: gen() }),
  ],
];

async function runOnnx(bytes: Uint8Array, inputs: ad.Tensor[]): Promise<ort.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const feeds = Object.fromEntries(
    inputs.map((x, i) => [
      session.inputNames[i],
      new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', x.data as Float32Array, x.shape),
    ]),
  );
  const out = await session.run(feeds);
  return session.outputNames.map((n) => out[n]);
}

/** onnxruntime's outputs against @ad's: the same shapes, values within float32 rounding. */
function expectOutputs(got: ort.Tensor[], want: ad.Tensor[]): void {
  expect(got.map((t) => t.dims)).toEqual(want.map((t) => t.shape));
  got.forEach((t, i) => {
    const w = want[i].data;
    const worst = Math.max(...Array.from(t.data as Float32Array, (v, j) => Math.abs(v - w[j])));
    expect(worst).toBeLessThan(2e-5);
  });
}

const flat = (y: unknown): ad.Tensor[] =>
  y instanceof ad.Tensor ? [y] : (y as unknown[]).flatMap(flat);

describe.each(cases)('%s', (_, make, input) => {
  it("runs in onnxruntime with @ad's outputs", async () => {
    const model = make().eval();
    const x = input();
    const want = flat(model.forward(x));
    const got = await runOnnx(nn.encodeOnnx(model, x), [x]);
    expectOutputs(got, want);
  });
});

describe('exportOnnx', () => {
  it('writes the file and names inputs and outputs as asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ad-onnx-'));
    try {
      const model = new nn.Linear(3, 2, { generator: gen() });
      const x = ad.randn([4, 3], { generator: gen() });
      exportOnnx(model, x, join(dir, 'm.onnx'), { inputNames: ['x'], outputNames: ['y'] });
      const session = await ort.InferenceSession.create(readFileSync(join(dir, 'm.onnx')));
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses training-mode dropout and batch norm, and ops ONNX cannot express, naming them', () => {
    const x = ad.randn([2, 3, 4, 4], { generator: gen() });
    expect(() => nn.encodeOnnx(new nn.BatchNorm2d(3), x)).toThrow(/model\.eval\(\)/);
    expect(() => nn.encodeOnnx(new nn.Dropout(0.5), x)).toThrow(/model\.eval\(\)/);
    expect(() => nn.encodeOnnx(new nn.AdaptiveAvgPool2d(3).eval(), x)).toThrow(/uneven windows/);
    const custom = ad.customOp('twice', (a: ad.Tensor) => [
      ad.tensor(Array.from(a.data, (v) => 2 * v)).reshape(a.shape),
      (g: ad.Tensor) => [g.mul(2)],
    ]);
    class Odd extends nn.Module {
      forward(v: ad.Tensor) {
        return custom(v).add(1);
      }
    }
    expect(() => nn.encodeOnnx(new Odd().eval(), x)).toThrow(/add uses .* computed by twice/);
  });
});

describe('dynamicBatch', () => {
  // exported at one batch size, run at another
  const grow = (x: ad.Tensor, n: number) =>
    ad
      .cat(
        Array.from({ length: n }, (_, i) => x.narrow(0, i % x.shape[0], 1)),
        0,
      )
      .add(
        x.dtype === 'int32' ? 0 : ad.randn([n, ...x.shape.slice(1)], { generator: gen() }).mul(0.1),
      );
  it.each(cases.filter(([name]) => name !== 'LSTM'))(
    '%s runs at another batch size',
    async (_, make, input) => {
      const model = make().eval();
      const x = input();
      const bytes = nn.encodeOnnx(model, x, { dynamicBatch: true });
      const big = grow(x, 5);
      const want = flat(model.forward(big));
      const got = await runOnnx(bytes, [big]);
      expectOutputs(got, want);
    },
  );

  it('refuses a forward whose constants depend on the batch in other ways', () => {
    class Odd extends nn.Module {
      forward(x: ad.Tensor) {
        return x.add(ad.arange(0, x.shape[0]).reshape([-1, 1]));
      }
    }
    expect(() => nn.encodeOnnx(new Odd(), ad.ones([3, 2]), { dynamicBatch: true })).toThrow(
      /depends on the batch size/,
    );
  });
});
