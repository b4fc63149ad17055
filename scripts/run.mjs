#!/usr/bin/env node
// Runs a TypeScript file of this repo with plain node: bundles it with esbuild first
// (about half a second), because tsx's closure wrapping distorts timings ~10x.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { alias, root } from './workspace.mjs';

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
  alias,
});
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
