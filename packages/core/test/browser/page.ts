// Loaded by browser.test.ts in headless Chromium: runs a matmul layer (bias, tanh, log-softmax)
// and its backward pass with the WebAssembly kernels (the product on worker threads when the
// page is cross-origin isolated), compiled (replays equal to eager calls, bit for bit), and
// with the TypeScript kernels, and reports them for the test to compare.
import * as ad from '@ad/core';

async function check() {
  const a = ad.randn([160, 300], { generator: new ad.Generator(1) }).requiresGrad_();
  const b = ad
    .randn([300, 130], { generator: new ad.Generator(2) })
    .mul(0.05)
    .requiresGrad_();
  const bias = ad.randn([130], { generator: new ad.Generator(3) });
  const pass = () => {
    a.grad = null;
    b.grad = null;
    const y = a.matmul(b);
    const h = y.add(bias).tanh();
    h.square().sum().add(h.logSoftmax(-1).sum()).backward();
    return [y, a.grad!, b.grad!];
  };
  const flat = ([y, da, db]: ad.Tensor[]) => ({
    y: y.toFlatArray(),
    da: da.toFlatArray(),
    db: db.toFlatArray(),
  });
  const run = () => flat(pass());
  run(); // the first large product starts the workers
  for (let i = 0; i < 200 && ad.getBackend().workers < ad.getBackend().threads - 1; i++)
    await new Promise((r) => setTimeout(r, 10));
  const backend = ad.getBackend();
  const fast = run();
  // the same step compiled: its replays compute in a WebAssembly memory of their own
  const step = ad.compile(pass);
  const replays = [step(), step()].map(flat);
  const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  const compiled = replays.every(
    (r) => same(r.y, fast.y) && same(r.da, fast.da) && same(r.db, fast.db),
  );
  const memory = /kernels' memory/.test(step.explain());
  ad.setBackend({ wasm: false });
  const slow = run();
  const maxDiff = (x: number[], y: number[]) =>
    x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]) / (1 + Math.abs(y[i]))), 0);
  return {
    backend,
    isolated: crossOriginIsolated,
    compiled,
    memory,
    diff: {
      y: maxDiff(fast.y, slow.y),
      da: maxDiff(fast.da, slow.da),
      db: maxDiff(fast.db, slow.db),
    },
  };
}

check().then(
  (result) => Object.assign(window, { result }),
  (e: Error) => Object.assign(window, { result: { error: e.message } }),
);
