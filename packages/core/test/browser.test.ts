// @ad/core in a browser: headless Chromium loads a page that runs a matmul and a backward
// pass with the WebAssembly SIMD kernels, first as a plain page (one thread) and then
// cross-origin isolated (Web Workers on a shared memory), and compares with the TypeScript kernels.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { Browser } from 'playwright-core';
import { describeInBrowser, launchChromium } from '../../../test/chromium';

const root = resolve(__dirname, '../../..');

describeInBrowser('@ad/core in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const bundle = buildSync({
      entryPoints: [join(__dirname, 'browser/page.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      alias: { '@ad/core': join(root, 'packages/core/src') },
    }).outputFiles[0].text;
    // `?isolated` serves the page with the headers that give it SharedArrayBuffer (and threads)
    server = createServer((req, res) => {
      const headers: Record<string, string> = req.url?.includes('isolated')
        ? {
            'Cross-Origin-Opener-Policy': 'same-origin',
            'Cross-Origin-Embedder-Policy': 'require-corp',
          }
        : {};
      if (req.url?.startsWith('/page.js'))
        res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(bundle);
      else
        res
          .writeHead(200, { ...headers, 'Content-Type': 'text/html' })
          .end('<!doctype html><script src="page.js"></script>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function resultOf(path: string) {
    const page = await browser.newPage();
    await page.goto(`${url}${path}`);
    await page.waitForFunction(() => 'result' in window, null, { timeout: 30_000 });
    const result = await page.evaluate(
      () => (window as unknown as { result: Record<string, unknown> }).result,
    );
    await page.close();
    return result as {
      error?: string;
      isolated: boolean;
      compiled: boolean;
      memory: boolean;
      backend: { wasm: boolean; threads: number; workers: number };
      diff: Record<string, number>;
    };
  }

  it('a plain page: WebAssembly SIMD kernels on one thread agree with the TypeScript kernels', async () => {
    const r = await resultOf('/?plain');
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(false);
    expect(r.backend).toMatchObject({ wasm: true, workers: 0 });
    expect(r).toMatchObject({ compiled: true, memory: true });
    for (const d of Object.values(r.diff)) expect(d).toBeLessThan(1e-3); // float32 sums of ~300 terms of size ~30
  }, 60_000);

  it('a cross-origin isolated page: the products run on Web Workers too, with the same results', async () => {
    const r = await resultOf('/?isolated');
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.backend.wasm).toBe(true);
    expect(r.backend.workers).toBe(r.backend.threads - 1);
    expect(r).toMatchObject({ compiled: true, memory: true });
    for (const d of Object.values(r.diff)) expect(d).toBeLessThan(1e-3); // float32 sums of ~300 terms of size ~30
  }, 60_000);
});
