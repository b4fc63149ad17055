#!/usr/bin/env node
// Runs a TypeScript file with plain node: bundles it with esbuild first (about half a
// second), because tsx's closure wrapping distorts timings ~10x. Source maps make stack
// traces (and anomaly mode's "forward call was") point at the file's own lines. With
// --check (what `npm run example` passes) the file is type-checked first, and a file with
// type errors is reported instead of run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { alias, root } from './workspace.mjs';

const argv = process.argv.slice(2);
const check = argv[0] === '--check';
const [entry, ...args] = check ? argv.slice(1) : argv;
if (!entry) {
  console.error('usage: npm run example <file.ts> [args...]');
  process.exit(2);
}
const outdir = join(root, 'node_modules', '.cache', 'ad-run');
mkdirSync(outdir, { recursive: true });
if (check) typeCheck(resolve(entry));
// named for the checkout too: a bench baseline's checkout shares this node_modules (and cache)
const tree = createHash('sha1').update(root).digest('hex').slice(0, 8);
const outfile = join(outdir, `${basename(entry, '.ts')}-${tree}.cjs`);
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
  external: ['@tensorflow/*', '@jax-js/*', 'benchmark', 'typescript', 'onnxruntime-node'],
  alias,
  sourcemap: true,
});
const result = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

/** Type-checks `file` (and what it imports) with the repo's settings; exits on errors. */
function typeCheck(file) {
  const config = join(outdir, 'tsconfig.check.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true },
      files: [file],
      include: [],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', config],
    { encoding: 'utf8' },
  );
  if (tsc.status === 0) return;
  process.stderr.write(tsc.stdout + tsc.stderr);
  console.error(`\n${entry} has type errors (above); not running it.`);
  process.exit(1);
}
