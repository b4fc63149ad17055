import * as ad from '../src';
import { AutogradError, GradientTape, type Tensor, ValueError } from '../src';

const f64 = { dtype: 'float64' } as const;
const leaf = (data: number[] | number) => ad.tensor(data, { ...f64, requiresGrad: true });

describe('customOp', () => {
  // a numerically careful log(1 + eˣ) with its own backward, written with ops
  const softplus = ad.customOp('mySoftplus', (x) => {
    const y = x.softplus();
    return [y, (dy) => [dy.mul(x.sigmoid())]];
  });

  it('records one tape entry under its own name', () => {
    const x = leaf([0.5, -1]);
    const tape = new GradientTape();
    tape.record(() => softplus(x));
    expect(tape.entries.map((e) => e.op)).toEqual(['mySoftplus']);
  });

  it('works with backward, gradients, transforms, and (written with ops) second order', () => {
    const x = leaf([0.5, -1, 2]);
    expect(ad.gradcheck((v) => softplus(v), [x])).toBe(true);
    expect(ad.gradgradcheck((v) => softplus(v), [x])).toBe(true);
    expect(ad.grad((v: Tensor) => softplus(v).sum())(x)).toBeAllClose(x.sigmoid());
  });

  it('uses the backward it is given, even when it differs from the true derivative', () => {
    // a straight-through estimator: round forward, identity backward
    const roundST = ad.customOp('roundST', (x) => [x.round(), (dy) => [dy]]);
    const x = leaf([0.4, 1.6]);
    roundST(x).mul(3).sum().backward();
    expect(x.grad).toBeAllClose([3, 3]);
  });

  it('stopGradient passes the value and blocks the gradient', () => {
    const x = leaf(3);
    const y = x.mul(ad.stopGradient(x));
    expect(y.item()).toBe(9);
    expect(ad.gradients(y, x).item()).toBe(3);
  });
});

describe('hooks and retainGrad', () => {
  it('a hook observes a gradient and can replace it; removing it restores the plain gradient', () => {
    const x = leaf([1, 2]);
    const h = x.mul(3);
    const seen: number[][] = [];
    const handle = h.registerHook((g) => {
      seen.push(g.toFlatArray());
      return g.mul(10);
    });
    h.sum().backward();
    expect(seen).toEqual([[1, 1]]);
    expect(x.grad).toBeAllClose([30, 30]);
    handle.remove();
    x.grad = null;
    x.mul(3).sum().backward();
    expect(x.grad).toBeAllClose([3, 3]);
  });

  it('a hook on a leaf sees the summed gradient once, and gradients() runs hooks too', () => {
    const x = leaf([1]);
    const calls: number[] = [];
    x.registerHook((g) => void calls.push(g.item()));
    x.mul(2).add(x.mul(5)).sum().backward();
    expect(calls).toEqual([7]);
    ad.gradients(x.mul(4).sum(), x);
    expect(calls).toEqual([7, 4]);
  });
});

describe('in-place ops', () => {
  it('change the value, bump the version, and keep gradients right on non-leaves', () => {
    const x = leaf([1, 2]);
    const h = x.mul(2);
    h.add_(1).mul_(x);
    expect(h.toFlatArray()).toEqual([3, 10]);
    expect(h.version).toBe(2);
    h.sum().backward();
    // h = (2x + 1)·x → dh/dx = 4x + 1
    expect(x.grad).toBeAllClose([5, 9]);
  });

  it('throw on a leaf that requires grad while recording, and work inside noGrad', () => {
    const w = leaf([1, 2]);
    expect(() => w.sub_(1)).toThrow(
      /sub_: a leaf of shape \[2\] that requires grad cannot change in place while recording/,
    );
    expect(w.toFlatArray()).toEqual([1, 2]);
    ad.noGrad(() => w.sub_(1));
    expect(w.toFlatArray()).toEqual([0, 1]);
  });

  it('make a backward that saved the old value throw, naming the op, shape and versions', () => {
    const x = leaf([1, 2, 3]);
    const y = x.exp(); // exp saves its output for backward
    ad.noGrad(() => y.mul_(2));
    expect(() => y.sum().backward()).toThrow(
      /^exp: a tensor of shape \[3\] that exp saved for backward was modified in place \(version 0 when recorded, 1 now\)/,
    );
  });

  it('leave a backward that never reads the changed tensor alone', () => {
    const x = leaf([1, 2]);
    const y = x.add(1); // add saves nothing
    const z = y.mul(3);
    ad.noGrad(() => y.zero_());
    z.sum().backward();
    expect(x.grad).toBeAllClose([3, 3]);
  });

  it('reject results that do not fit: a broadcast to a larger shape, a float into int32', () => {
    const a = ad.zeros([3], f64);
    expect(() => a.add_(ad.zeros([2, 3]))).toThrow(
      /add_: the result's shape \[2,3\] does not fit the tensor's shape \[3\]/,
    );
    expect(() => ad.zeros([2], { dtype: 'int32' }).add_(0.5)).toThrow(
      /add_: a float32 result cannot be stored in a int32 tensor/,
    );
    expect(a.version).toBe(0);
  });
});

describe('anomaly mode', () => {
  it('throws at the forward op that makes a NaN or Inf: log(0)', () => {
    const x = leaf([1, 0]);
    expect(() => ad.detectAnomaly(() => x.log())).toThrow(
      /^log: anomaly: forward produced -Infinity at flat index 1 of a tensor of shape \[2\]/,
    );
    expect(() => x.log()).not.toThrow();
  });

  it('throws at the backward that makes a NaN, naming the forward op and where it was called', () => {
    const x = leaf([0, 4]);
    const run = () => ad.detectAnomaly(() => x.sqrt().sum().backward()); // d√x/dx = ∞ at 0
    expect(run).toThrow(ValueError);
    expect(run).toThrow(
      /^sqrt: anomaly: backward produced Infinity at flat index 0[\s\S]*The forward call of sqrt was:[\s\S]*extensions\.test\.ts/,
    );
  });
});

describe('inspecting the tape', () => {
  // the classic 2-layer example: out = (x·w1)·w2
  const x = ad.tensor(1, f64);
  const w1 = leaf(3);
  const w2 = leaf(2);
  const out = x.mul(w1).mul(w2);

  it('tapeRows lists leaves then entries with values and d(out)/d(value)', () => {
    const rows = ad.tapeRows(out);
    expect(rows.map((r) => [r.op, r.inputs, r.value, r.grad])).toEqual([
      ['leaf', [], '2', '3'],
      ['leaf', [], '3', '2'],
      ['mul', [-1, 1], '3', '2'],
      ['mul', [2, 0], '6', '1'],
    ]);
    expect(w1.grad).toBeNull();
  });

  it('tapeTable prints it as a table and toDot as a Graphviz graph', () => {
    expect(ad.tapeTable(out).split('\n')[0]).toMatch(
      /^#\s+op\s+inputs\s+shape\s+value\s+d\(out\)\/d\(value\)$/,
    );
    expect(ad.tapeTable(out)).toContain('mul   const, #1  []     3      2');
    const dot = ad.toDot(out);
    expect(dot).toMatch(/^digraph "tape" \{/);
    expect(dot).toContain('n2 -> n3;');
    expect(dot).toContain('n3 [label="mul\\n[]\\n6\\ngrad 1", shape=ellipse];');
  });

  it('names label rows, the table and the DOT graph', () => {
    expect(ad.tapeRows(out, { w1, out }).map((r) => r.name)).toEqual(['', 'w1', '', 'out']);
    expect(ad.tapeTable(out, { w1 }).split('\n')[0]).toMatch(/^#\s+op\s+name\s+inputs/);
    expect(ad.toDot(out, { names: { out } })).toContain('label="out = mul\\n');
  });

  it('toSvg draws a box per row with value and gradient and an arrow per use, left to right', () => {
    const svg = ad.toSvg(out, { names: { w1, w2 }, title: 'a < b & c' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
    expect(svg.match(/<rect x=/g)).toHaveLength(4);
    expect(svg.match(/marker-end=/g)).toHaveLength(3); // the constant x gets no box or arrow
    for (const text of ['>w1<', '>w2<', '>value 6<', '>grad 2<', '>a &lt; b &amp; c<'])
      expect(svg).toContain(text);
    // w1 feeds the first mul, which with w2 feeds the output: arrows go right
    const xOf = (label: string) =>
      Number(svg.match(new RegExp(`<text x="([\\d.]+)"[^>]*>${label}<`))![1]);
    expect(xOf('w1')).toBeLessThan(xOf('w2'));
    expect(xOf('w2')).toBeLessThan(xOf('value 6'));
  });

  it('toSvg lays a deep tape out downwards, and x·x gets two arrows', () => {
    let y = leaf(0.5);
    for (let i = 0; i < 7; i++) y = y.tanh();
    const yOf = (svg: string, label: string) =>
      Number(svg.match(new RegExp(`<text x="[\\d.]+" y="([\\d.]+)"[^>]*>${label}<`))![1]);
    const deep = ad.toSvg(y, { names: { y } });
    expect(yOf(deep, 'leaf')).toBeLessThan(yOf(deep, 'y = tanh'));
    const u = leaf(3);
    expect(ad.toSvg(u.mul(u)).match(/marker-end=/g)).toHaveLength(2);
  });

  it('a released tape still prints, without gradients', () => {
    const y = leaf(2).square();
    y.backward();
    expect(ad.tapeRows(y).map((r) => r.grad)).toEqual(['', '']);
  });
});

describe('autograd errors', () => {
  it('retainGrad and registerHook need a tensor that requires grad', () => {
    expect(() => ad.ones([1]).retainGrad()).toThrow(AutogradError);
    expect(() => ad.ones([1]).registerHook(() => undefined)).toThrow(
      /registerHook: cannot hook a tensor that does not require grad/,
    );
  });
});
