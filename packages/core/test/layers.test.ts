import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

// The import rules in .dependency-cruiser.cjs: no runtime import cycles in @ad/core or @ad/nn,
// kernels at the bottom, tensor.ts below the ops, and @ad/core depending on nothing.
describe('the layers of @ad', () => {
  it('import one way, with no cycles (dependency-cruiser)', () => {
    const root = resolve(__dirname, '../../..');
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        'packages/core/src',
        'packages/nn/src',
        '--output-type',
        'err',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(run.stdout + run.stderr).toMatch(/no dependency violations found/);
    expect(run.status).toBe(0);
  }, 60_000);
});
