// The packages as users get them: built, packed, installed from the tarballs into a fresh
// project, then used from Node ESM, CommonJS, TypeScript (tsc --init defaults, then with our
// declarations checked too) and a browser bundle. Each computes a gradient it knows.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { describeInBrowser, pageResult } from './chromium';

const root = resolve(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'ad-packaging-'));
const project = join(work, 'app');
const tarballs: Record<string, { file: string; size: number; files: string[] }> = {};

const run = (cmd: string, args: string[], cwd: string, timeout = 120_000) => {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return { status: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
};
const node = (file: string) => run(process.execPath, [file], project, 60_000);
const tsc = (config: string) =>
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], project);

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/build-packages.mjs')], {
    cwd: root,
    stdio: 'pipe',
  });
  const packed = JSON.parse(
    execFileSync(
      'npm',
      [
        'pack',
        '--json',
        '--ignore-scripts',
        '--pack-destination',
        work,
        '--workspace',
        'packages/core',
        '--workspace',
        'packages/nn',
      ],
      { cwd: root, encoding: 'utf8' },
    ),
  ) as { name: string; filename: string; size: number; files: { path: string }[] }[];
  for (const p of packed)
    tarballs[p.name] = {
      file: join(work, p.filename),
      size: p.size,
      files: p.files.map((f) => f.path),
    };
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  const install = run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarballs['@ad/core'].file,
      tarballs['@ad/nn'].file,
    ],
    project,
  );
  if (install.status !== 0) throw new Error(`npm install of the tarballs failed:\n${install.err}`);
}, 300_000);

describe('the npm packages', () => {
  it('carry the build, declarations, maps and a README, and no sources, tests or AssemblyScript', () => {
    for (const [name, t] of Object.entries(tarballs)) {
      expect(t.files).toEqual(
        expect.arrayContaining([
          'package.json',
          'README.md',
          'dist/index.mjs',
          'dist/index.js',
          'dist/index.d.ts',
          'dist/index.d.mts',
          'dist/index.mjs.map',
        ]),
      );
      expect(
        t.files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md'].includes(f)),
      ).toEqual([]);
      console.log(`${name}: ${t.files.length} files, ${(t.size / 1024).toFixed(0)} KiB packed`);
    }
  });

  it('work from plain Node ESM, products on worker threads included, and the process exits by itself', () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { saveCheckpoint, loadCheckpoint } from '@ad/nn/node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const x = ad.tensor([1, 2, 3], { requiresGrad: true });
x.mul(x).sum().backward();
ad.setBackend({ threads: 2 });
const a = ad.ones([512, 512], { requiresGrad: true });
const b = ad.full([512, 512], 0.5);
let workers = 0;
for (let i = 0; i < 50 && workers === 0; i++) {
  a.grad = null;
  a.matmul(b).sum().backward();
  workers = ad.getBackend().workers;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // the workers start in the background
}
const model = new nn.Linear(3, 2);
const path = join(mkdtempSync(join(tmpdir(), 'ad-')), 'm.safetensors');
saveCheckpoint(path, { model });
const copy = new nn.Linear(3, 2);
loadCheckpoint(path, { model: copy });
console.log(JSON.stringify({ grad: x.grad.toArray(), aGrad: a.grad.data[0], workers, same: copy.weight.data[0] === model.weight.data[0] }));
`,
    );
    const r = node('esm.mjs');
    expect(r.signal).toBeNull(); // not killed by the timeout: the worker threads let the process end
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({ grad: [2, 4, 6], aGrad: 256, workers: 1, same: true });
  }, 90_000);

  it('train on worker threads and export ONNX and PyTorch code from the installed packages', () => {
    writeFileSync(
      join(project, 'interop.mjs'),
      `
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import { DataParallel } from '@ad/nn/node';
const g = new ad.Generator(1);
const x = ad.randn([12, 3], { generator: g, dtype: 'float64' });
const y = ad.randn([12, 2], { generator: g, dtype: 'float64' });
const model = new nn.Sequential(new nn.Linear(3, 4, { generator: g, dtype: 'float64' }), new nn.Tanh(), new nn.Linear(4, 2, { generator: g, dtype: 'float64' }));
const dp = new DataParallel(model, nn.mseLoss, { workers: 2 });
dp.backward(x, y); // the replicas record their step
const loss = dp.backward(x, y); // and replay it compiled
const grad = Array.from(model.parameters()[0].grad.data);
dp.close();
model.zeroGrad();
const want = nn.mseLoss(model.forward(x), y);
want.backward();
const close = grad.every((v, i) => Math.abs(v - model.parameters()[0].grad.data[i]) < 1e-12);
const onnx = nn.encodeOnnx(model.eval(), x).length;
const torch = nn.exportTorch(model).includes('nn.Sequential(nn.Linear(3, 4');
console.log(JSON.stringify({ loss: Math.abs(loss - want.item()) < 1e-12, close, onnx: onnx > 100, torch }));
`,
    );
    const r = node('interop.mjs');
    expect(r.signal).toBeNull();
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({ loss: true, close: true, onnx: true, torch: true });
  }, 90_000);

  it('work from CommonJS require', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `
const ad = require('@ad/core');
const nn = require('@ad/nn');
const { progressBar } = require('@ad/nn/node');
const w = ad.tensor([[2, -1]], { requiresGrad: true });
const y = nn.mseLoss(w.matmul(ad.tensor([[1], [3]])), ad.tensor([[0]]));
y.backward();
console.log(JSON.stringify({ loss: y.item(), grad: w.grad.toArray(), bar: typeof progressBar, module: String(new nn.Linear(2, 1)) }));
`,
    );
    const r = node('cjs.cjs');
    expect(r.err).toBe('');
    // (2·1 − 1·3)² = 1, d/dw = 2·(−1)·[1, 3]
    expect(JSON.parse(r.out)).toEqual({
      loss: 1,
      grad: [[-2, -6]],
      bar: 'function',
      module: 'Linear(inFeatures=2, outFeatures=1, bias=true)',
    });
  });

  it('type-check in a user project under tsc --init defaults, and with the declarations checked too', () => {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--init'], project);
    writeFileSync(
      join(project, 'check.ts'),
      `
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
import type { Tensor } from '@ad/core';
class Net extends nn.Module {
  readonly fc = new nn.Linear(2, 1);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x).tanh();
  }
}
const net = new Net();
const opt = new nn.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const loss: Tensor = net.forward(ad.randn([4, 2])).square().mean();
loss.backward();
opt.step();
const g: Tensor | null = net.fc.weight.grad;
const first: number | undefined = net.parameters()[0]?.toFlatArray()[0];
const sum = ad.tensor([[1, 2]]).sum(1, { keepdim: true });
export { g, first, sum };
`,
    );
    writeFileSync(
      join(project, 'check-cjs.cts'),
      `
import ad = require('@ad/core');
import nn = require('@ad/nn');
const y: ad.Tensor = new nn.MLP([2, 3, 1]).forward(ad.zeros([1, 2]));
export = y;
`,
    );
    const defaults = tsc('tsconfig.json');
    expect(defaults.out).toBe('');
    expect(defaults.status).toBe(0);
    writeFileSync(
      join(project, 'tsconfig.strict.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: {
          skipLibCheck: false,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
        },
      }),
    );
    const strict = tsc('tsconfig.strict.json');
    expect(strict.out).toBe('');
    expect(strict.status).toBe(0);
    // TypeScript 5's classic resolution (node10) has no exports maps: typesVersions serves it
    writeFileSync(
      join(project, 'check-node10.ts'),
      `
import * as ad from '@ad/core';
import { saveCheckpoint } from '@ad/nn/node';
export const f: typeof saveCheckpoint = saveCheckpoint;
export const t: ad.Tensor = ad.zeros(2);
`,
    );
    writeFileSync(
      join(project, 'tsconfig.node10.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['check-node10.ts'],
      }),
    );
    const node10 = tsc('tsconfig.node10.json');
    expect(node10.out).toBe('');
    expect(node10.status).toBe(0);
  }, 120_000);

  describeInBrowser('bundled for the browser with esbuild', () => {
    let server: Server;
    afterAll(() => server?.close());

    it('runs in headless Chromium with the embedded WebAssembly kernels', async () => {
      writeFileSync(
        join(project, 'browser.ts'),
        `
import * as ad from '@ad/core';
import * as nn from '@ad/nn';
const x = ad.tensor([0.5, -1], { requiresGrad: true });
nn.mseLoss(x, ad.zeros([2]), { reduction: 'sum' }).backward();
const a = ad.randn([64, 64], { requiresGrad: true });
a.matmul(a).sum().backward();
(window as unknown as { result: unknown }).result = { grad: x.grad!.toArray(), wasm: ad.getBackend().wasm, finite: a.grad!.toFlatArray().every(Number.isFinite) };
`,
      );
      // esbuild from the project's folder resolves @ad/* to the installed tarballs, not the sources
      const bundle = buildSync({
        entryPoints: [join(project, 'browser.ts')],
        absWorkingDir: project,
        bundle: true,
        write: false,
        platform: 'browser',
        format: 'iife',
        logLevel: 'error',
      }).outputFiles[0].text;
      server = createServer((req, res) => {
        if (req.url === '/app.js')
          res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
        else
          res
            .writeHead(200, { 'Content-Type': 'text/html' })
            .end('<!doctype html><script src="app.js"></script>');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { result, errors } = await pageResult(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      );
      expect(errors).toEqual([]);
      expect(result).toEqual({ grad: [1, -2], wasm: true, finite: true });
    }, 90_000);
  });
});

afterAll(() => {
  // the tarballs' sizes, for the record (the packaging note quotes them)
  for (const f of readdirSync(work).filter((n) => n.endsWith('.tgz')))
    console.log(`${f}: ${statSync(join(work, f)).size} bytes`);
});
