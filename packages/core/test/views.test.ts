import * as ad from '../src';
import { AutogradError, type Tensor, ValueError } from '../src';

const f64 = { dtype: 'float64' } as const;
const grid = () => ad.arange(24, undefined, 1, f64).reshape([2, 3, 4]);

describe('views share their base’s storage', () => {
  it.each<[string, (x: Tensor) => Tensor]>([
    ['view', (x) => x.view([6, 4])],
    ['reshape', (x) => x.reshape([4, -1])],
    ['transpose', (x) => x.transpose(0, 2)],
    ['permute', (x) => x.permute(2, 0, 1)],
    ['mT', (x) => x.mT],
    ['narrow', (x) => x.narrow(2, 1, 2)],
    ['select', (x) => x.select(1, -1)],
    ['slice with a step', (x) => x.slice(2, 0, undefined, 3)],
    ['diagonal', (x) => x.diagonal(0, 1, 2)],
    ['unfold', (x) => x.unfold(2, 2, 1)],
    ['squeeze / unsqueeze / flatten', (x) => x.unsqueeze(1).squeeze(1).flatten(1)],
    ['detach', (x) => x.detach()],
  ])('%s: no copy, and a write through it shows in the base', (_, make) => {
    const x = grid();
    const v = make(x);
    expect(v.storage).toBe(x.storage);
    const before = x.version;
    ad.noGrad(() => v.select(-1, 0).fill_(-1));
    expect(x.version).toBe(before + 1);
    expect(v.version).toBe(x.version);
    expect(x.toFlatArray()).toContain(-1);
    expect(
      v
        .select(-1, 0)
        .toFlatArray()
        .every((e) => e === -1),
    ).toBe(true);
  });

  it('x.view(shape).add_() changes x whatever the shape (the trap PyTorch users expect)', () => {
    const x = ad.tensor([1, 2, 3], f64);
    x.view(x.shape).add_(10);
    x.view([3, 1]).add_(100);
    expect(x.toArray()).toEqual([111, 112, 113]);
  });

  it('reports strides and offsets as PyTorch does', () => {
    const x = grid();
    expect(x.stride()).toEqual([12, 4, 1]);
    expect(x.transpose(0, 2).stride()).toEqual([1, 4, 12]);
    expect(x.narrow(2, 1, 2).storageOffset()).toBe(1);
    expect(x.select(1, 2).stride()).toEqual([12, 1]);
    expect(x.select(1, 2).storageOffset()).toBe(8);
    expect(x.diagonal(1, 1, 2).stride()).toEqual([12, 5]);
    expect(x.diagonal(1, 1, 2).storageOffset()).toBe(1);
    expect(x.unfold(2, 2, 2).stride()).toEqual([12, 4, 2, 1]);
    expect(x.slice(1, 1, undefined, 2).stride(1)).toBe(8);
    expect(x.expand([2, 2, 3, 4]).stride()).toEqual([0, 12, 4, 1]);
    expect(x.isContiguous()).toBe(true);
    expect(x.mT.isContiguous()).toBe(false);
    expect(x.mT.contiguous().isContiguous()).toBe(true);
    expect(x.narrow(0, 1, 1).isContiguous()).toBe(true);
  });

  it('reads a view’s elements in its own order', () => {
    const x = ad.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      f64,
    );
    expect(x.T.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(x.T.contiguous().data).toEqual(Float64Array.from([1, 4, 2, 5, 3, 6]));
    expect(x.diagonal(1).toArray()).toEqual([2, 6]);
    expect(x.unfold(1, 2, 1).toArray()).toEqual([
      [
        [1, 2],
        [2, 3],
      ],
      [
        [4, 5],
        [5, 6],
      ],
    ]);
    expect(x.T.add(1).toArray()).toEqual([
      [2, 5],
      [3, 6],
      [4, 7],
    ]);
    expect(x.T.matmul(x).toArray()).toEqual([
      [17, 22, 27],
      [22, 29, 36],
      [27, 36, 45],
    ]);
  });
});

describe('view and reshape follow PyTorch’s rules', () => {
  it('view throws where the strides forbid it, and reshape copies then', () => {
    const t = grid().transpose(1, 2);
    expect(() => t.view([2, 12])).toThrow(/view: cannot view \[2,4,3\] with strides \[12,1,4\]/);
    const r = t.reshape([2, 12]);
    expect(r.storage).not.toBe(t.storage);
    expect(r.toArray()).toEqual(t.contiguous().view([2, 12]).toArray());
    // merging dims that stay evenly spaced is still a view
    expect(t.view([2, 4, 3]).storage).toBe(t.storage);
    const g = grid();
    expect(() => g.narrow(2, 0, 2).view([2, 6])).toThrow(/view/);
    expect(g.narrow(1, 0, 2).view([2, 8]).storage).toBe(g.storage);
  });
});

describe('in-place ops through views', () => {
  it('differentiate like the same computation written without them (copySlices)', () => {
    const run = (inPlace: boolean) => {
      const x = ad
        .tensor(
          [
            [0.5, -1, 2],
            [1.5, 0.3, -0.7],
          ],
          f64,
        )
        .requiresGrad_();
      const s = ad.tensor([2, -3], f64).requiresGrad_();
      let y = x.mul(2);
      if (inPlace) y.select(1, 1).mul_(s);
      else y = ad.stack([y.select(1, 0), y.select(1, 1).mul(s), y.select(1, 2)], 1);
      y.square().sum().backward();
      return [y.toArray(), x.grad?.toArray(), s.grad?.toArray()];
    };
    expect(run(true)).toEqual(run(false));
  });

  it('give a base that did not require grad a gradient path to what was written', () => {
    const s = ad.tensor([1, 2, 3], f64).requiresGrad_();
    const z = ad.zeros([3, 3], f64);
    z.diagonal().copy_(s.mul(s));
    expect(z.requiresGrad).toBe(true);
    z.sum().backward();
    expect(s.grad?.toArray()).toEqual([2, 4, 6]);
  });

  it('refuse a view of a leaf that requires grad, and change nothing', () => {
    const w = ad.tensor([1, 2, 3, 4], f64).requiresGrad_();
    expect(() => w.narrow(0, 0, 2).mul_(2)).toThrow(AutogradError);
    expect(() => w.view([2, 2]).add_(1)).toThrow(/view \(\[2,2\]\) of a leaf that requires grad/);
    expect(w.toArray()).toEqual([1, 2, 3, 4]);
    expect(w.version).toBe(0);
    ad.noGrad(() => w.narrow(0, 0, 2).mul_(2)); // allowed where nothing records
    expect(w.toArray()).toEqual([2, 4, 3, 4]);
  });

  it('refuse an expanded view (several elements share one location), and change nothing', () => {
    const x = ad.tensor([1, 2], f64);
    const e = x.expand([3, 2]);
    expect(() => e.add_(1)).toThrow(ValueError);
    expect(() => e.add_(1)).toThrow(
      /add_: unsupported operation: more than one element .* refers to a single memory location/,
    );
    expect(x.toArray()).toEqual([1, 2]);
    expect(x.version).toBe(0);
  });

  it('refuse a view made inside noGrad of a base that requires grad', () => {
    const y = ad.tensor([1, 2], f64).requiresGrad_().mul(1);
    const v = ad.noGrad(() => y.narrow(0, 0, 1));
    expect(() => v.mul_(3)).toThrow(/made inside noGrad cannot change in place while recording/);
  });

  it('make a backward that saved the base (or another view of it) throw, naming the op', () => {
    const x = ad.tensor([0.1, 0.2, 0.3], f64).requiresGrad_();
    const y = x.exp(); // exp saves its output
    y.narrow(0, 1, 1).mul_(2);
    expect(() => y.sum().backward()).toThrow(/exp: a tensor of shape \[3\] that exp saved/);
  });

  it('leave views made before the write reading, and differentiating, the new values', () => {
    const x = ad.tensor([1, 2, 3, 4], f64).requiresGrad_();
    const y = x.mul(1);
    const early = y.view([2, 2]).T;
    y.narrow(0, 2, 2).mul_(10);
    expect(early.toArray()).toEqual([
      [1, 30],
      [2, 40],
    ]);
    early.sum().backward();
    expect(x.grad?.toArray()).toEqual([1, 1, 10, 10]);
  });
});

describe('views cost no memory proportional to their size', () => {
  it('transpose, reshape, expand, narrow and detach of a 4096×4096 float32 allocate nothing', () => {
    const x = ad.zeros([4096, 4096], { dtype: 'float32' }).requiresGrad_();
    const before = process.memoryUsage().arrayBuffers;
    const views = [
      x.transpose(0, 1),
      x.reshape([2048, 8192]),
      x.view([-1]),
      x.unsqueeze(0).expand([4, 4096, 4096]),
      x.narrow(0, 100, 3000),
      x.select(1, 7),
      x.diagonal(),
      x.detach(),
      x.mT.mT,
    ];
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(1 << 20); // the tensor itself is 64 MiB
    for (const v of views) expect(v.storage).toBe(x.storage);
  });

  it('reductions and products read a transposed 4096×4096 view where it lies', () => {
    const x = ad.rand([4096, 4096]);
    const v = ad.rand([4096, 1]);
    const before = process.memoryUsage().arrayBuffers;
    const sums = x.T.sum(1);
    const product = x.T.matmul(v);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    expect(sums.shape).toEqual([4096]);
    expect(product.shape).toEqual([4096, 1]);
  });

  it('element-wise ops read an expanded operand where it lies (its zero strides broadcast)', () => {
    const row = ad.randn([1, 4096]);
    const column = ad.randn([2048, 1]);
    const big = ad.randn([2048, 4096]);
    const outBytes = 2048 * 4096 * 4;
    for (const op of [
      () => row.expand([2048, 4096]).mul(big),
      () => big.sub(column.expand([2048, 4096])),
      () => ad.where(big.gt(0), row.expand([2048, 4096]), column.expand([2048, 4096])),
    ]) {
      const before = process.memoryUsage().arrayBuffers;
      const r = op();
      const grown = process.memoryUsage().arrayBuffers - before;
      expect(grown).toBeLessThan(outBytes * 1.5); // the result (and where's mask), no copy of a 32 MiB expand
      expect(r.shape).toEqual([2048, 4096]);
    }
  });
});
