import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import * as ad from '@ad/core';
import { Generator, type Tensor } from '@ad/core';
import * as nn from '../src';
import { loadCheckpoint, readAll, saveCheckpoint, writeAll } from '../src/node';

const dir = mkdtempSync(join(tmpdir(), 'ad-checkpoint-'));
const g = new Generator(3);
const makeModel = () => new nn.MLP([2, 4, 1], { generator: new Generator(11) });

function trained(): { model: nn.MLP; optimizer: nn.Adam } {
  const model = makeModel();
  const optimizer = new nn.Adam(model.parameters(), { lr: 0.1 });
  for (let i = 0; i < 3; i++) {
    optimizer.zeroGrad();
    model
      .forward(ad.randn([4, 2], { generator: g }))
      .square()
      .mean()
      .backward();
    optimizer.step();
  }
  return { model, optimizer };
}

const snapshot = (m: nn.Module) => m.parameters().map((p) => p.toFlatArray());

describe('safetensors', () => {
  it('round-trips tensors of every dtype, with metadata', () => {
    const tensors = {
      a: ad.randn([2, 3], { generator: g }),
      b: ad.tensor([1.5, -2], { dtype: 'float64' }),
      c: ad.tensor([[1, 2]], { dtype: 'int32' }),
      d: ad.tensor([true, false, true]),
      e: ad.zeros([0, 3]),
    };
    const { tensors: back, metadata } = nn.decodeSafetensors(
      nn.encodeSafetensors(tensors, { note: 'hi' }),
    );
    expect(metadata).toEqual({ note: 'hi' });
    for (const [k, t] of Object.entries(tensors)) {
      expect(back.get(k)!.dtype).toBe(t.dtype);
      expect(back.get(k)!.shape).toEqual(t.shape);
      expect(back.get(k)!.toFlatArray()).toEqual(t.toFlatArray());
    }
  });

  it('writes the layout Python’s safetensors reads: u64 LE length, padded JSON header, contiguous data', () => {
    const bytes = nn.encodeSafetensors({ w: ad.tensor([1, 2], { dtype: 'float32' }) });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect(Array.from(new Float32Array(bytes.slice(8 + n).buffer))).toEqual([1, 2]);
  });

  const valid = () => nn.encodeSafetensors({ a: ad.tensor([1, 2, 3, 4]), b: ad.tensor([5, 6]) });
  const withHeader = (header: string, data = new Uint8Array(24)) => {
    const json = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  };
  it.each<[string, () => Uint8Array, RegExp]>([
    [
      'a file shorter than 8 bytes',
      () => new Uint8Array(3),
      /fewer than the 8 of the header length/,
    ],
    [
      'a header length of 2⁶³',
      () => {
        const b = valid();
        new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true);
        return b;
      },
      /header length 9223372036854775808 does not fit a file of/,
    ],
    [
      'a truncated file',
      () => valid().slice(0, -3),
      /the tensors cover 24 bytes but the data section has 21/,
    ],
    ['invalid JSON', () => withHeader('{"a": '), /the header is not valid JSON/],
    [
      'a __proto__ key',
      () => withHeader('{"__proto__": {"dtype": "F32", "shape": [6], "data_offsets": [0, 24]}}'),
      /forbidden key '__proto__'/,
    ],
    [
      'overlapping offsets',
      () =>
        withHeader(
          '{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}',
        ),
      /tensor 'b' starts at byte 8, expected 16/,
    ],
    [
      'a gap between tensors',
      () =>
        withHeader(
          '{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}}',
        ),
      /tensor 'b' starts at byte 16, expected 8/,
    ],
    [
      'offsets that disagree with the shape',
      () => withHeader('{"a": {"dtype": "F32", "shape": [5], "data_offsets": [0, 24]}}'),
      /tensor 'a' of shape \[5\] and dtype F32 needs 20 bytes, its offsets give 24/,
    ],
    [
      'an unsupported dtype',
      () => withHeader('{"a": {"dtype": "F8_E4M3", "shape": [24], "data_offsets": [0, 24]}}'),
      /unsupported dtype "F8_E4M3"/,
    ],
    [
      'a negative size',
      () => withHeader('{"a": {"dtype": "F32", "shape": [-6], "data_offsets": [0, 24]}}'),
      /invalid shape \[-6\]/,
    ],
    [
      'non-string metadata',
      () =>
        withHeader(
          '{"__metadata__": {"x": 1}, "a": {"dtype": "F32", "shape": [6], "data_offsets": [0, 24]}}',
        ),
      /__metadata__ must be an object of strings/,
    ],
  ])('rejects %s with a clear error', (_, bytes, message) => {
    expect(() => nn.decodeSafetensors(bytes())).toThrow(message);
  });
});

describe('checkpoints', () => {
  it('save and load the model, the optimizer state and the generator', () => {
    const { model, optimizer } = trained();
    const gen = new Generator(5);
    gen.normal();
    const path = join(dir, 'a.safetensors');
    saveCheckpoint(path, { model, optimizer, generator: gen, extra: { epoch: 3 } });
    const model2 = makeModel();
    const optimizer2 = new nn.Adam(model2.parameters(), { lr: 0.5 });
    const gen2 = new Generator(0);
    expect(loadCheckpoint(path, { model: model2, optimizer: optimizer2, generator: gen2 })).toEqual(
      { epoch: 3 },
    );
    expect(snapshot(model2)).toEqual(snapshot(model));
    expect(optimizer2.paramGroups[0].lr).toBe(0.1);
    expect(gen2.normal()).toBe(gen.normal());
    const s = optimizer2.state.get(model2.parameters()[0])!;
    expect((s.expAvg as Tensor).toFlatArray()).toEqual(
      (optimizer.state.get(model.parameters()[0])!.expAvg as Tensor).toFlatArray(),
    );
    expect(s.step).toBe(3);
  });

  it('a corrupted or mismatched checkpoint throws and changes nothing', () => {
    const { model, optimizer } = trained();
    const path = join(dir, 'b.safetensors');
    saveCheckpoint(path, { model, optimizer });
    const target = makeModel();
    const opt = new nn.Adam(target.parameters());
    const gen = new Generator(9);
    const before = [snapshot(target), gen.getState()];
    const bytes = readFileSync(path);
    writeFileSync(join(dir, 'truncated.safetensors'), bytes.subarray(0, bytes.length - 10));
    expect(() =>
      loadCheckpoint(join(dir, 'truncated.safetensors'), { model: target, optimizer: opt }),
    ).toThrow(/loadSafetensors/);
    expect(() => loadCheckpoint(path, { model: target, optimizer: opt, generator: gen })).toThrow(
      /loadCheckpoint: the checkpoint has no generator state/,
    );
    expect(() => loadCheckpoint(path, { model: new nn.MLP([2, 5, 1]) })).toThrow(
      /loadStateDict: 0.weight: expected float32 \[5,2\], got float32 \[4,2\]/,
    );
    expect(() =>
      loadCheckpoint(path, { model: target, optimizer: new nn.SGD(target.parameters()) }),
    ).toThrow(/the checkpoint's optimizer is Adam, not SGD/);
    expect([snapshot(target), gen.getState()]).toEqual(before);
    expect(opt.state.size).toBe(0);
  });

  it('writes atomically: a failed save leaves the old file intact and no temporary file behind', () => {
    const { model } = trained();
    const path = join(dir, 'c.safetensors');
    saveCheckpoint(path, { model });
    const original = readFileSync(path);
    const broken = {
      stateDict: () => ({
        bad: {
          get size(): number {
            throw new Error('disk full');
          },
        },
      }),
    } as unknown as nn.Module;
    expect(() => saveCheckpoint(path, { model: broken })).toThrow(/is not a Tensor/);
    expect(() => saveCheckpoint(join(dir, 'missing-dir', 'c.safetensors'), { model })).toThrow(
      /ENOENT/,
    );
    expect(readFileSync(path)).toEqual(original);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });

  it('a save removes temporaries that crashed saves of the same file left, and only those', () => {
    const { model } = trained();
    const path = join(dir, 'crash.safetensors');
    const dead = join(dir, '.crash.safetensors.999999999.tmp'); // no process has this pid
    const alive = join(dir, `.crash.safetensors.${process.ppid}.tmp`); // a running process: its save may be under way
    const other = join(dir, '.other.safetensors.999999999.tmp');
    for (const f of [dead, alive, other]) writeFileSync(f, 'partial');
    saveCheckpoint(path, { model });
    expect([existsSync(dead), existsSync(alive), existsSync(other)]).toEqual([false, true, true]);
  });

  it('writes in chunks, so a file of 2 GiB or more is not one writeSync', () => {
    const fd = openSync(join(dir, 'chunks.bin'), 'w');
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    writeAll(fd, bytes, 7);
    closeSync(fd);
    expect(new Uint8Array(readFileSync(join(dir, 'chunks.bin')))).toEqual(bytes);
    expect(readAll(join(dir, 'chunks.bin'), 13)).toEqual(bytes); // reads too: readFileSync stops at 2 GiB
  });

  it('resume is exact: 10 steps, save, 10 more in a new process equals 20 in one go, bit for bit', () => {
    const bundle = join(dir, 'resume.js');
    buildSync({
      entryPoints: [resolve(__dirname, 'fixtures/resume.ts')],
      bundle: true,
      platform: 'node',
      outfile: bundle,
      logLevel: 'error',
      alias: {
        '@ad/core': resolve(__dirname, '../../core/src'),
        '@ad/nn/node': resolve(__dirname, '../src/node.ts'),
        '@ad/nn': resolve(__dirname, '../src'),
      },
    });
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [bundle, ...args], { encoding: 'utf8' });
    const ckpt = join(dir, 'resume.safetensors');
    const straight = run('20', '-', '-');
    run('10', '-', ckpt);
    const resumed = run('10', ckpt, '-');
    expect(resumed).toBe(straight);
    expect(run('10', '-', '-')).not.toBe(straight);
  });
});
