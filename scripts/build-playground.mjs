#!/usr/bin/env node
// Builds the browser playground (docs/playground) into docs/playground/dist: one script
// bundled by esbuild from the TypeScript sources. Open docs/playground/index.html afterwards.
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { alias, root } from './workspace.mjs';

const outfile = join(root, 'docs/playground/dist/playground.js');
buildSync({
  entryPoints: [join(root, 'docs/playground/main.ts')],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile,
  logLevel: 'warning',
  alias,
});
console.log(`built ${outfile}; open docs/playground/index.html in a browser`);
