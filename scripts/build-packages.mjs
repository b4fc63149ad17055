#!/usr/bin/env node
// Builds @ad/core and @ad/nn into their dist/ folders with tsup (esbuild for the JavaScript,
// rollup-plugin-dts for one declaration file per entry): ESM (.mjs) and CommonJS (.js), each
// with its .d.mts / .d.ts and source maps. In order: core, then nn's main entry (whose
// declarations import core's), then @ad/nn/node (whose declarations import nn's).
import { join } from 'node:path';
import { build } from 'tsup';
import { root } from './workspace.mjs';

const packages = [
  { dir: 'packages/core', entry: { index: 'src/index.ts' }, platform: 'neutral' },
  { dir: 'packages/nn', entry: { index: 'src/index.ts' }, platform: 'neutral' },
  { dir: 'packages/nn', entry: { node: 'src/node.ts' }, platform: 'node', keep: true },
];

// `node scripts/build-packages.mjs core` builds one package (core's prepack; nn's builds both,
// since its declarations import core's)
const only = process.argv[2];
for (const { dir, entry, platform, keep } of packages.filter(
  (p) => !only || p.dir.endsWith(`/${only}`),
)) {
  const cwd = join(root, dir);
  await build({
    entry: Object.fromEntries(Object.entries(entry).map(([name, file]) => [name, join(cwd, file)])),
    outDir: join(cwd, 'dist'),
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: !keep,
    target: 'es2022',
    platform,
    tsconfig: join(cwd, 'tsconfig.build.json'),
    // not bundled: @ad/nn's dependencies, and @ad/nn itself for its node entry
    external: ['@ad/core', '@ad/nn', 'cli-progress', 'protobufjs', 'protobufjs/light.js'],
    silent: true,
    // __filename in the ES module build too (DataParallel finds @ad/core from it)
    shims: platform === 'node',
  });
  console.log(`built ${dir}/dist (${Object.keys(entry).join(', ')})`);
}
