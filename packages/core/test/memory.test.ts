import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as ad from '../src';
import { Generator, type Tensor } from '../src';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('memory', () => {
  it('100,000 forward passes of a small MLP without backward keep the heap flat', () => {
    const g = new Generator(0);
    const params = [[2, 16], [16], [16, 16], [16], [16, 1], [1]].map((s) =>
      ad.randn(s, { generator: g }).requiresGrad_(),
    );
    const x = ad.randn([4, 2], { generator: g });
    const forward = () => {
      let h: Tensor = x;
      for (let i = 0; i < params.length; i += 2) {
        h = h.matmul(params[i]).add(params[i + 1]);
        if (i < params.length - 2) h = h.tanh();
      }
      return h.square().mean();
    };
    for (let i = 0; i < 2_000; i++) forward();
    const before = heapAfterGc();
    let last: Tensor | null = null;
    for (let i = 0; i < 100_000; i++) last = forward();
    expect(last!.requiresGrad).toBe(true);
    last = null;
    const growth = heapAfterGc() - before;
    // a leak of one entry per pass would be tens of megabytes
    expect(growth).toBeLessThan(2 * 1024 * 1024);
  });

  it('backward releases what the entries saved, keeping only op names and shapes', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    const entries = [y.entry!, y.entry!.parents[0] as ad.Entry];
    y.backward();
    expect(entries.map((e) => [e.op, e.released])).toEqual([
      ['sum', true],
      ['exp', true],
    ]);
  });
});
