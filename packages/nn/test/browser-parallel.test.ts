import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { describeInBrowser, pageResult } from '../../../test/chromium';

// DataParallel on a browser's Web Workers: a cross-origin isolated page starts a worker to
// train in (a page's main thread may not block), which replicates the model into two more
// workers that import @ad/core from a URL; the gradient must be one thread's.

const root = resolve(__dirname, '../../..');
const alias = {
  '@ad/core': join(root, 'packages/core/src'),
  '@ad/nn': join(root, 'packages/nn/src'),
};

const TRAINER = `
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
const g = new ad.Generator(3);
const x = ad.randn([10, 4], { generator: g, dtype: 'float64' });
const y = ad.randn([10, 2], { generator: g, dtype: 'float64' });
const model = new nn.Sequential(new nn.Linear(4, 8, { generator: g, dtype: 'float64' }), new nn.Tanh(), new nn.Linear(8, 2, { generator: g, dtype: 'float64' }));
const dp = new nn.DataParallel(model, nn.mseLoss, { workers: 2, coreUrl: '/core.mjs' });
await dp.ready();
const loss = dp.backward(x, y);
const grads = model.parameters().map((p) => Array.from(p.grad.data));
dp.close();
model.zeroGrad();
const want = nn.mseLoss(model.forward(x), y);
want.backward();
const worst = Math.max(...model.parameters().flatMap((p, i) => Array.from(p.grad.data, (v, j) => Math.abs(v - grads[i][j]))));
postMessage({ isolated: crossOriginIsolated, lossError: Math.abs(loss - want.item()), worst });
`;

describeInBrowser('DataParallel in the browser', () => {
  let server: Server;
  let dir = '';
  const files: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ad-web-dp-'));
    writeFileSync(join(dir, 'trainer.ts'), TRAINER);
    const bundle = (entry: string) =>
      buildSync({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        alias,
        logLevel: 'error',
      }).outputFiles[0].text;
    files['/core.mjs'] = bundle(join(root, 'packages/core/src/index.ts'));
    files['/trainer.mjs'] = bundle(join(dir, 'trainer.ts'));
    files['/'] = `<!doctype html><script type="module">
const w = new Worker('/trainer.mjs', { type: 'module' });
w.onmessage = (e) => (window.result = e.data);
w.onerror = (e) => (window.result = { error: e.message });
</script>`;
    server = createServer((req, res) => {
      const body = files[req.url ?? ''];
      const type = req.url === '/' ? 'text/html' : 'text/javascript';
      // cross-origin isolated: SharedArrayBuffer is available to the page and its workers
      res
        .writeHead(body === undefined ? 404 : 200, {
          'Content-Type': type,
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        })
        .end(body ?? '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  }, 60_000);

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives one thread's gradient on two Web Workers", async () => {
    const { result, errors } = await pageResult(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      60_000,
    );
    expect(errors).toEqual([]);
    expect(result).toEqual({
      isolated: true,
      lossError: expect.any(Number),
      worst: expect.any(Number),
    });
    const { lossError, worst } = result as { lossError: number; worst: number };
    expect(lossError).toBeLessThan(1e-12);
    expect(worst).toBeLessThan(1e-12);
  }, 90_000);
});
