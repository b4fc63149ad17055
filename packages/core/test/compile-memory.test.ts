// A compiled program keeps its buffers in a memory of its own that the WebAssembly kernels
// compute in (src/compile/residence.ts): replays there must equal eager steps bit for bit,
// in float32 too, with products, element-wise kernels and sums all taking the in-place path.
import * as ad from '../src';
import type { Tensor } from '../src';

/** A 2-layer tanh MLP step with plain SGD, on sizes where every op reaches the kernels. */
function setup(dtype: ad.FloatDType, batch: number) {
  const g = new ad.Generator(7);
  const w1 = ad.randn([24, 12], { generator: g, dtype }).mul(0.3).requiresGrad_();
  const b1 = ad.zeros([24], { dtype }).requiresGrad_();
  const w2 = ad.randn([3, 24], { generator: g, dtype }).mul(0.3).requiresGrad_();
  const x = ad.randn([batch, 12], { generator: g, dtype });
  const y = ad.randn([batch, 3], { generator: g, dtype });
  const params = [w1, b1, w2];
  const step = (xs: Tensor, ys: Tensor) => {
    for (const p of params) p.grad = null;
    const h = xs.matmul(w1.t()).add(b1).tanh();
    const loss = h.matmul(w2.t()).sub(ys).square().mean();
    loss.backward();
    ad.sideEffect('sgd', () => ad.noGrad(() => params.forEach((p) => p.sub_(p.grad!.mul(0.05)))));
    return loss;
  };
  return { params, x, y, step };
}

describe('compiled programs in the kernels’ memory', () => {
  it.each(['float32', 'float64'] as const)('train bit for bit as eager steps in %s', (dtype) => {
    const eager = setup(dtype, 40);
    const ours = setup(dtype, 40);
    const step = ad.compile(ours.step);
    for (let i = 0; i < 20; i++) {
      const want = eager.step(eager.x, eager.y).item();
      expect((step(ours.x, ours.y) as Tensor).item()).toBe(want);
    }
    ours.params.forEach((p, i) =>
      expect(Array.from(p.data)).toEqual(Array.from(eager.params[i].data)),
    );
    expect(step.stats.replays).toBe(19);
    expect(step.explain()).toMatch(/buffers in the kernels' memory/);
  });

  it('runs per-channel broadcasts (a call per block) and reductions in place, bit for bit', () => {
    const g = new ad.Generator(3);
    const x = ad.randn([4, 3, 8, 8], { generator: g });
    const scale = ad.randn([3, 1, 1], { generator: g }).requiresGrad_();
    const shift = ad.randn([3, 1, 1], { generator: g }).requiresGrad_();
    const f = (input: Tensor) => {
      scale.grad = null;
      shift.grad = null;
      const y = input.mul(scale).add(shift).relu();
      y.sum([0, 2, 3]).square().sum().backward();
      return [y, scale.grad!, shift.grad!];
    };
    const step = ad.compile(f);
    for (let i = 0; i < 3; i++) {
      const input = x.mul(1 + i / 10);
      const got = step(input) as Tensor[];
      f(input).forEach((want, k) => expect(Array.from(got[k].data)).toEqual(Array.from(want.data)));
    }
    expect(step.stats.replays).toBe(2);
  });

  it('leaves gradients readable and usable by eager ops between replays', () => {
    const { params, x, y, step } = setup('float32', 40);
    const compiled = ad.compile(step);
    compiled(x, y);
    compiled(x, y);
    const g = params[0].grad!;
    const copy = Array.from(g.data);
    expect(Array.from(g.mul(2).data)).toEqual(copy.map((v) => Math.fround(v * 2)));
    // a replay writes the same buffers again, as eager steps would give new ones
    compiled(x, y);
    expect(params[0].grad).toBe(g);
  });

  it('records again without it when the TypeScript kernels are chosen', () => {
    const eager = setup('float32', 40);
    const ours = setup('float32', 40);
    const step = ad.compile(ours.step);
    step(ours.x, ours.y);
    eager.step(eager.x, eager.y);
    ad.setBackend({ wasm: false });
    try {
      for (let i = 0; i < 3; i++)
        expect((step(ours.x, ours.y) as Tensor).item()).toBe(eager.step(eager.x, eager.y).item());
      expect(step.explain().split('\n')[0]).not.toMatch(/kernels' memory/);
    } finally {
      ad.setBackend({ wasm: true });
    }
    expect(step.stats.recordings).toBe(2);
  });
});
