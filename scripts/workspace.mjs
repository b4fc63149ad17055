// Where the workspace packages' sources are, for esbuild: bundles use the TypeScript
// sources directly, so nothing has to be compiled first.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const alias = {
  '@ad/core': join(root, 'packages/core/src'),
  '@ad/nn/node': join(root, 'packages/nn/src/node.ts'),
  '@ad/nn': join(root, 'packages/nn/src'),
};
