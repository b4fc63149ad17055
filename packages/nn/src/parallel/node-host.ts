// Node's side of DataParallel: replicas on worker threads, loading @ad/core the way this
// process has it (part of the node entry: it needs this file's own location).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerHost } from '@ad/nn';

/**
 * Where a worker loads @ad/core from: the installed package's CommonJS build, or, in a
 * checkout of this repository (tests, `npm run example`), its TypeScript sources, which the
 * worker compiles as it loads them — so that the workers run the same code as this thread.
 */
function coreLocation(): { core: string; esbuild?: string } {
  const require = createRequire(__filename);
  // this file itself as TypeScript (under ts-jest): @ad/core's sources are beside it
  const source = __filename.endsWith('.ts')
    ? join(__dirname, '..', '..', '..', 'core', 'src', 'index.ts')
    : join(dirname(require.resolve('@ad/core/package.json')), 'src', 'index.ts');
  if (existsSync(source)) return { core: source, esbuild: require.resolve('esbuild') };
  return { core: require.resolve('@ad/core') };
}

/** The worker's program: load @ad/core, then run `serve` (sent as text). */
const BOOT = `
const { workerData: w, parentPort } = require('node:worker_threads');
let ad;
try {
  if (w.esbuild) {
    const { transformSync } = require(w.esbuild);
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (m, file) =>
      m._compile(transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', target: 'es2022' }).code, file);
  }
  ad = require(w.core);
} catch (e) {
  // a replica that cannot start fails every step, so that the main thread never waits for it
  const C = w.control;
  const c = new Int32Array(w.data.control);
  const text = new TextEncoder().encode('cannot load @ad/core from ' + w.core + ': ' + e.message);
  const n = Math.min(text.length, C.bytes - C.messageAt);
  new Uint8Array(w.data.control, C.messageAt, n).set(text.subarray(0, n));
  Atomics.store(c, C.messageLength, n);
  for (let seen = 0; ; ) {
    Atomics.wait(c, C.seq, seen);
    seen = Atomics.load(c, C.seq);
    Atomics.store(c, C.failed, 1);
    for (const k of [C.done, C.reduced]) { Atomics.add(c, k, 1); Atomics.notify(c, k); }
    if (Atomics.load(c, C.variant) < 0) break;
  }
}
if (ad) (0, eval)('(' + w.serve + ')')(ad, w.data, parentPort, w.control);
`;

/** Replicas on Node's worker threads. */
export const nodeWorkers: WorkerHost = ({ serve, data, control }) => {
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { data, control, serve, ...coreLocation() },
  });
  worker.unref();
  return {
    postMessage: (m) => worker.postMessage(m),
    terminate: () => void worker.terminate(),
  };
};
