#!/usr/bin/env node
// Runs a TypeScript file of this repo with plain node: bundles it with esbuild first
// (about half a second), because tsx's closure wrapping distorts timings ~10x.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <file.ts> [args...]');
  process.exit(2);
}
const outdir = join(root, 'node_modules', '.cache', 'ad-run');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${basename(entry, '.ts')}.cjs`);
buildSync({
  entryPoints: [resolve(entry)],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  logLevel: 'warning',
  // an example exports run() instead of running on import, so examples can import each other
  footer: { js: "if (typeof module.exports.run === 'function') module.exports.run();" },
  external: ['@tensorflow/*', 'benchmark'],
  alias: {
    '@ad/core': join(root, 'packages/core/src'),
    '@ad/nn/node': join(root, 'packages/nn/src/node.ts'),
    '@ad/nn': join(root, 'packages/nn/src'),
  },
});
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
