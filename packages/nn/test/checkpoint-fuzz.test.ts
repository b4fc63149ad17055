import * as ad from '@ad/core';
import { AdError, Generator, type Tensor } from '@ad/core';
import * as nn from '../src';

// A checkpoint loader meets files that were cut short, bit-flipped or written by someone hostile.
// Whatever the bytes, a load either succeeds or throws a named AdError and changes nothing.

interface Parts {
  model: nn.MLP;
  optimizer: nn.Adam;
  generator: Generator;
}

function parts(seed: number): Parts {
  const model = new nn.MLP([2, 3, 1], { generator: new Generator(seed) });
  const optimizer = new nn.Adam(model.parameters(), { lr: 0.05 });
  optimizer.zeroGrad();
  model
    .forward(ad.randn([4, 2], { generator: new Generator(seed) }))
    .square()
    .mean()
    .backward();
  optimizer.step();
  return { model, optimizer, generator: new Generator(seed + 100) };
}

const saved = parts(1);
const bytes = nn.encodeCheckpoint({ ...saved, extra: { epoch: 3, history: [0.5, 0.25] } });
const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
  string,
  unknown
>;
const data = bytes.subarray(8 + headerLength);

function snapshot(p: Parts): string {
  const tensors = (t: Tensor) => t.toFlatArray();
  const sd = p.optimizer.stateDict();
  const state = Object.entries(sd.state).map(([i, s]) => [
    i,
    Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : tensors(v)]),
  ]);
  return JSON.stringify([
    p.model.parameters().map(tensors),
    sd.paramGroups,
    state,
    p.generator.getState(),
  ]);
}

/** Loads `file` into fresh parts: it must throw an AdError and leave them as they were, or load. */
function attempt(file: Uint8Array): 'rejected' | 'loaded' {
  const target = parts(2);
  const before = snapshot(target);
  try {
    nn.restoreCheckpoint(file, target);
    return 'loaded';
  } catch (e) {
    if (!(e instanceof AdError)) throw new Error(`not an AdError: ${String(e)}`);
    expect(snapshot(target)).toBe(before);
    return 'rejected';
  }
}

function withHeader(h: unknown, body: Uint8Array = data): Uint8Array {
  const json = new TextEncoder().encode(typeof h === 'string' ? h : JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

const meta = header.__metadata__ as Record<string, string>;
const withMeta = (patch: Record<string, string>) =>
  withHeader({ ...header, __metadata__: { ...meta, ...patch } });
const optimizerMeta = JSON.parse(meta.optimizer) as {
  type: string;
  paramGroups: Record<string, unknown>[];
  scalars: Record<string, Record<string, number>>;
};
const withOptimizer = (patch: (o: typeof optimizerMeta) => unknown) =>
  withMeta({
    optimizer: JSON.stringify(patch(JSON.parse(meta.optimizer) as typeof optimizerMeta)),
  });
const firstTensor = Object.keys(header).find((k) => k !== '__metadata__') as string;
const withSpec = (patch: Record<string, unknown>) =>
  withHeader({ ...header, [firstTensor]: { ...(header[firstTensor] as object), ...patch } });

describe('checkpoint fuzzing', () => {
  it('the untouched file loads and restores every part', () => {
    const target = parts(2);
    expect(nn.restoreCheckpoint(bytes, target)).toEqual({ epoch: 3, history: [0.5, 0.25] });
    expect(snapshot(target)).toBe(snapshot(saved));
  });

  it('every truncation is rejected, changing nothing', () => {
    for (let n = 0; n < bytes.length; n++) expect(attempt(bytes.subarray(0, n))).toBe('rejected');
  });

  it('every header byte flipped: a named error or a valid load, never a crash', () => {
    let rejected = 0;
    for (let i = 0; i < 8 + headerLength; i++) {
      for (const mask of [0x01, 0x20, 0x80]) {
        const flipped = bytes.slice();
        flipped[i] ^= mask;
        if (attempt(flipped) === 'rejected') rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(headerLength); // most flips break the file, and all of those were caught
  });

  it.each<[string, () => Uint8Array]>([
    ['offsets past the end', () => withSpec({ data_offsets: [0, data.length + 8] })],
    ['offsets as strings', () => withSpec({ data_offsets: ['0', '8'] })],
    ['a negative offset', () => withSpec({ data_offsets: [-8, 0] })],
    ['a dtype of another size', () => withSpec({ dtype: 'F64' })],
    ['a dtype named toString', () => withSpec({ dtype: 'toString' })],
    ['a fractional shape', () => withSpec({ shape: [1.5, 2] })],
    ['a huge shape', () => withSpec({ shape: [2 ** 40, 2 ** 40] })],
    ['a shape that is not an array', () => withSpec({ shape: 'big' })],
    ['a header nested 100,000 deep', () => withHeader('['.repeat(100_000) + ']'.repeat(100_000))],
    [
      'metadata nested 100,000 deep',
      () => withMeta({ extra: '['.repeat(100_000) + ']'.repeat(100_000) }),
    ],
    ['malformed extra after valid parts', () => withMeta({ extra: '{"epoch": 3' })],
    ['a missing format', () => withMeta({ format: 'other/1' })],
    ['optimizer metadata that is not JSON', () => withMeta({ optimizer: 'nope' })],
    ['optimizer metadata that is an array', () => withMeta({ optimizer: '[]' })],
    ['another optimizer type', () => withOptimizer((o) => ({ ...o, type: 'SGD' }))],
    [
      'lr NaN (as null)',
      () => withOptimizer((o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], lr: null }] })),
    ],
    [
      "lr 'abc'",
      () => withOptimizer((o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], lr: 'abc' }] })),
    ],
    [
      'betas [1, 0.999]',
      () =>
        withOptimizer((o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], betas: [1, 0.999] }] })),
    ],
    [
      'an unknown option',
      () =>
        withOptimizer((o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], nesterov: true }] })),
    ],
    [
      'a group of the wrong size',
      () => withOptimizer((o) => ({ ...o, paramGroups: [{ ...o.paramGroups[0], params: [0] }] })),
    ],
    ['step -1', () => withOptimizer((o) => ({ ...o, scalars: { ...o.scalars, 0: { step: -1 } } }))],
    [
      'step 1.5',
      () => withOptimizer((o) => ({ ...o, scalars: { ...o.scalars, 0: { step: 1.5 } } })),
    ],
    [
      'scalars for a parameter that does not exist',
      () => withOptimizer((o) => ({ ...o, scalars: { ...o.scalars, 99: { step: 1 } } })),
    ],
    ['scalars that are not numbers', () => withOptimizer((o) => ({ ...o, scalars: { 0: 'x' } }))],
    ['a generator at the all-zero state', () => withMeta({ generator: '[0,0,0,0,null]' })],
    ['a generator state of the wrong length', () => withMeta({ generator: '[1,2,3]' })],
    ['a generator word beyond 32 bits', () => withMeta({ generator: '[1,2,3,4294967296,null]' })],
    ['a __proto__ key in extra', () => withMeta({ extra: '{"__proto__": {"polluted": true}}' })],
  ])('%s is rejected and changes nothing', (_, make) => {
    expect(attempt(make())).toBe('rejected');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a deeply nested header is rejected before it is parsed, in bounded memory', () => {
    const file = withHeader('{"a":' + '['.repeat(5_000_000) + ']'.repeat(5_000_000) + '}');
    const before = process.memoryUsage().heapUsed;
    expect(attempt(file)).toBe('rejected');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(400 * 2 ** 20);
  });
});
