import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ad from '@ad/core';
import * as nn from '../src';
import { loadSafetensors } from '../src/node';

// State dicts PyTorch saved as safetensors (scripts/torch-safetensors-fixtures.py: float16,
// bfloat16, float32, float64, and every integer dtype) load by PyTorch's names into the same
// @ad models and give PyTorch's outputs.

const dir = join(__dirname, 'fixtures');
interface Case {
  file: string;
  model: 'mlp' | 'cnn' | 'tagger';
  dtype: 'F16' | 'BF16' | 'F32' | 'F64';
  input: unknown;
  inputShape: number[];
  output: number[];
  outputShape: number[];
  keys: Record<string, [string, number[]]>;
}
const fixture = JSON.parse(readFileSync(join(dir, 'torch-safetensors.json'), 'utf8')) as {
  cases: Case[];
  dtypes: Record<string, { dtype: string; shape: number[]; values: number[] }>;
};

class Tagger extends nn.Module {
  embed = new nn.Embedding(11, 6);
  lstm = new nn.LSTM(6, 7, { batchFirst: true });
  head = new nn.Linear(7, 4);
  forward(tokens: ad.Tensor): ad.Tensor {
    const [out] = this.lstm.forward(this.embed.forward(tokens));
    return this.head.forward(out);
  }
}

function build(name: Case['model'], dtype: ad.FloatDType): nn.Module {
  if (name === 'mlp')
    return new nn.Sequential(
      new nn.Linear(6, 16, { dtype }),
      new nn.LayerNorm(16, { dtype }),
      new nn.GELU(),
      new nn.Dropout(0.1),
      new nn.Linear(16, 3, { dtype }),
    );
  if (name === 'cnn')
    return new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1, dtype }),
      new nn.BatchNorm2d(4, { dtype }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(64, 5, { dtype }),
    );
  return new Tagger();
}

describe.each(fixture.cases.map((c) => [`${c.model} saved as ${c.dtype}`, c] as const))(
  '%s',
  (_, c) => {
    const dtype = c.dtype === 'F64' ? 'float64' : 'float32';
    const state = loadSafetensors(join(dir, c.file));

    it('has the keys, shapes and dtypes PyTorch wrote (half precision widened)', () => {
      expect(Object.keys(state).sort()).toEqual(Object.keys(c.keys).sort());
      for (const [k, [, shape]] of Object.entries(c.keys)) expect(state[k].shape).toEqual(shape);
      expect(state[Object.keys(c.keys)[0]].dtype).toBe(dtype);
    });

    it("loads strictly into the same @ad model and gives PyTorch's output", () => {
      const model = build(c.model, dtype);
      model.loadStateDict(state);
      model.eval();
      const x =
        c.model === 'tagger'
          ? ad.tensor(c.input as number[][], { dtype: 'int32' })
          : ad.tensor(c.input as number[], { dtype }).reshape(c.inputShape);
      const y = model.forward(x) as ad.Tensor;
      expect(y.shape).toEqual(c.outputShape);
      const tol = dtype === 'float64' ? 1e-12 : 2e-5;
      const got = Array.from(y.data);
      const worst = Math.max(...got.map((v, i) => Math.abs(v - c.output[i])));
      expect(worst).toBeLessThan(tol);
    });
  },
);

it('reads every integer and bool dtype PyTorch writes, by value', () => {
  const t = loadSafetensors(join(dir, 'torch-dtypes.safetensors'));
  for (const [k, want] of Object.entries(fixture.dtypes)) {
    expect(t[k].shape).toEqual(want.shape);
    if (want.values.length > 0) expect(Array.from(t[k].data)).toEqual(want.values);
  }
  expect(t.bool.dtype).toBe('bool');
  expect(t.i64.dtype).toBe('int32');
  expect(t.empty.dtype).toBe('float32');
});

describe('loadSafetensors reads each tensor straight from the file', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors'));

  it.each(files)('%s: the same tensors as decoding the whole file', (file) => {
    const direct = loadSafetensors(join(dir, file));
    const decoded = nn.decodeSafetensors(readFileSync(join(dir, file))).tensors;
    expect(Object.keys(direct).sort()).toEqual([...decoded.keys()].sort());
    for (const [k, t] of decoded) {
      expect(direct[k].dtype).toBe(t.dtype);
      expect(direct[k].shape).toEqual(t.shape);
      expect(Array.from(direct[k].data)).toEqual(Array.from(t.data));
    }
    const f64 = loadSafetensors(join(dir, file), { dtype: 'float64' });
    for (const t of Object.values(f64))
      if (t.dtype !== 'int32' && t.dtype !== 'bool') expect(t.dtype).toBe('float64');
  });

  it('throws what decoding throws for a damaged file, naming loadSafetensors', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ad-st-'));
    try {
      const good = readFileSync(join(dir, 'torch-mlp-bf16.safetensors'));
      const cases: [string, Uint8Array][] = [
        ['truncated', good.subarray(0, good.length - 3)],
        ['too short', good.subarray(0, 5)],
        [
          'header past the end',
          Uint8Array.from([...good.subarray(0, 8)].map((b, i) => (i === 3 ? 0x7f : b))),
        ],
      ];
      for (const [name, bytes] of cases) {
        const path = join(tmp, `${name}.safetensors`);
        writeFileSync(path, bytes);
        let decodeError = '';
        try {
          nn.decodeSafetensors(bytes);
        } catch (e) {
          decodeError = (e as Error).message;
        }
        expect(decodeError).toMatch(/^loadSafetensors: /);
        expect(() => loadSafetensors(path)).toThrow(decodeError);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
