import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ad from '@ad/core';
import * as nn from '../src';
import { loadSafetensors, saveSafetensors } from '../src/node';

// The live round trip: @ad models exported with exportTorch, their weights saved with
// saveSafetensors (float32, float64 and bfloat16), loaded by PyTorch with
// load_state_dict(strict=True) and run there — the outputs must be @ad's. Needs Debian's
// python3-torch; CI installs it (.ci/run), so there it never skips.

const python = '/usr/bin/python3';
const hasTorch = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const runs = hasTorch || process.env.CI !== undefined;
if (!runs)
  console.warn('torch round trip: skipped, no python3-torch (apt-get install python3-torch)');
const script = join(__dirname, '..', '..', '..', 'scripts', 'torch-roundtrip.py');
const gen = () => new ad.Generator(11);

class Mixer extends nn.Module {
  fc = new nn.Linear(6, 8, { generator: gen() });
  blocks = [new nn.Linear(4, 4, { generator: gen() }), new nn.Linear(4, 4, { generator: gen() })];
  scale = new nn.Parameter(ad.tensor([0.5, -1.5, 2, 1]));
  norm = new nn.LayerNorm(8);
  forward(x: ad.Tensor): ad.Tensor {
    const h = this.norm.forward(this.fc.forward(x).tanh());
    const [a, b] = ad.chunk(h, 2, 1);
    let gate = ad.sigmoid(b).mul(this.scale);
    for (const block of this.blocks) gate = block.forward(gate).relu().add(gate);
    const mixed = ad.cat([a.mul(gate), a.sub(b).div(2)], -1);
    const centred = mixed.sub(mixed.mean(-1, { keepdim: true }));
    return ad.where(centred.gt(0), centred, centred.mul(0.1)).square().add(1).log();
  }
}

class Tagger extends nn.Module {
  embed = new nn.Embedding(11, 6, { generator: gen() });
  lstm = new nn.LSTM(6, 5, { batchFirst: true, bidirectional: true, generator: gen() });
  head = new nn.Linear(10, 3, { generator: gen() });
  forward(tokens: ad.Tensor): ad.Tensor {
    const [out] = this.lstm.forward(this.embed.forward(tokens));
    return this.head.forward(out).logSoftmax(-1);
  }
}

class Vision extends nn.Module {
  features = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1, generator: gen() }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
  );
  head = new nn.Linear(4 * 4 * 4, 5, { generator: gen() });
  forward(x: ad.Tensor): ad.Tensor {
    return this.head.forward(this.features.forward(x).flatten(1));
  }
}

class Scale extends nn.Module {
  gain = new nn.Parameter(ad.full([8], 1.5));
  forward(x: ad.Tensor): ad.Tensor {
    return x.tanh().mul(this.gain);
  }
}

class Upsampler extends nn.Module {
  // functional calls in a custom forward: transposed convolution and resizing
  weight = new nn.Parameter(ad.randn([3, 2, 2, 2], { generator: gen() }).mul(0.3));
  norm = new nn.GroupNorm(1, 2);
  forward(x: ad.Tensor): ad.Tensor {
    const up = ad.functional.convTranspose2d(x, this.weight, null, { stride: 2 });
    const a = ad.functional.interpolate(up, { scaleFactor: 2, mode: 'nearest' });
    const b = ad.functional.interpolate(up, { size: [5, 7], mode: 'bilinear', alignCorners: true });
    return this.norm
      .forward(a)
      .mean([2, 3])
      .add(b.mean([2, 3]));
  }
}

interface Case {
  name: string;
  model: nn.Module;
  inputs: ad.Tensor[];
  dtype?: 'BF16';
}

function cases(): Case[] {
  const x = (shape: number[]) => ad.randn(shape, { generator: gen() });
  return [
    {
      name: 'an MLP (Sequential)',
      model: new nn.Sequential(
        new nn.Linear(5, 8, { generator: gen() }),
        new nn.GELU('tanh'),
        new nn.Dropout(0.2),
        new nn.Linear(8, 2, { generator: gen() }),
      ),
      inputs: [x([3, 5])],
    },
    {
      name: 'a Sequential holding a module of its own',
      model: new nn.Sequential(
        new nn.Linear(6, 8, { generator: gen() }),
        new Scale(),
        new nn.Linear(8, 3, { generator: gen() }),
      ),
      inputs: [x([5, 6])],
    },
    {
      name: 'the same MLP in bfloat16',
      model: new nn.MLP([5, 8, 2], { generator: gen() }),
      inputs: [x([3, 5])],
      dtype: 'BF16',
    },
    { name: 'a custom forward (traced)', model: new Mixer(), inputs: [x([4, 6])] },
    {
      name: 'Embedding + bidirectional LSTM',
      model: new Tagger(),
      inputs: [
        ad.tensor(
          [
            [1, 4, 9, 2],
            [0, 10, 3, 3],
          ],
          { dtype: 'int32' },
        ),
      ],
    },
    {
      name: 'transposed convolution and resizing',
      model: new Upsampler(),
      inputs: [x([2, 3, 4, 4])],
    },
    { name: 'a CNN with running statistics', model: new Vision(), inputs: [x([2, 1, 8, 8])] },
    {
      name: 'TransformerEncoderLayer',
      model: new nn.TransformerEncoderLayer(8, 2, {
        dimFeedforward: 16,
        batchFirst: true,
        generator: gen(),
      }),
      inputs: [x([2, 4, 8])],
    },
    {
      name: 'a float64 model',
      model: new nn.Sequential(
        new nn.Conv1d(2, 3, 3, { padding: 'same', dtype: 'float64', generator: gen() }),
        new nn.AvgPool1d(2),
        new nn.Flatten(),
        new nn.Linear(6, 2, { dtype: 'float64', generator: gen() }),
      ),
      inputs: [ad.randn([2, 2, 4], { dtype: 'float64', generator: gen() })],
    },
  ];
}

const flat = (y: unknown): ad.Tensor[] =>
  y instanceof ad.Tensor ? [y] : (y as unknown[]).flatMap(flat);

(runs ? describe : describe.skip)('PyTorch runs what @ad exported', () => {
  let dir = '';
  const all = cases();
  let results: { shape: number[]; data: number[] }[][] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ad-torch-'));
    // a few training steps first, so that running statistics are not the initial ones
    const vision = all.find((c) => c.model instanceof Vision) as Case;
    for (let i = 0; i < 3; i++) vision.model.forward(ad.randn([8, 1, 8, 8], { generator: gen() }));
    const manifest = all.map((c, i) => {
      c.model.eval();
      const module = join(dir, `model_${i}.py`);
      const weights = join(dir, `model_${i}.safetensors`);
      writeFileSync(module, nn.exportTorch(c.model, c.inputs));
      saveSafetensors(weights, c.model.stateDict(), c.dtype ? { dtype: c.dtype } : {});
      if (c.dtype) c.model.loadStateDict(loadSafetensors(weights));
      return {
        module,
        weights,
        inputs: c.inputs.map((t) => ({ data: Array.from(t.data), shape: t.shape, dtype: t.dtype })),
      };
    });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    results = JSON.parse(
      execFileSync(python, [script, join(dir, 'manifest.json')], { encoding: 'utf8' }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(all.map((c, i) => [c.name, i] as const))('%s', (_, i) => {
    const c = all[i];
    const want = flat(c.model.forward(...c.inputs));
    expect(results[i].map((r) => r.shape)).toEqual(want.map((t) => t.shape));
    const tol = want[0].dtype === 'float64' ? 1e-12 : 2e-5;
    results[i].forEach((r, j) => {
      const w = want[j].data;
      expect(r.data).toHaveLength(w.length);
      expect(Math.max(...r.data.map((v, k) => Math.abs(v - w[k])))).toBeLessThan(tol);
    });
  });
});
