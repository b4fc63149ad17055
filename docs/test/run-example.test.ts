// `npm run example FILE` on a user's own file: type errors are reported instead of running it,
// and stack traces (anomaly mode's "forward call was" included) point at the file's own lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'ad-example-'));

function example(name: string, source: string) {
  const file = join(dir, name);
  writeFileSync(file, source);
  const r = spawnSync('npm', ['run', '--silent', 'example', file], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('npm run example', () => {
  it('reports type errors in the file, with its line and column, and does not run it', () => {
    const r = example(
      'typo.ts',
      `import * as ad from '@ad/core';\nconst n: number = ad.tensor([1, 2]);\nconsole.log('ran', n);\n`,
    );
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/typo\.ts\(2,7\): error TS2322/);
    expect(r.out).toMatch(/has type errors \(above\); not running it/);
    expect(r.out).not.toMatch(/ran/);
  }, 60_000);

  it('shows a stack trace at the file’s own line and column', () => {
    const r = example(
      'throws.ts',
      `import * as ad from '@ad/core';\n\nconst x = ad.ones([2, 3]);\nx.matmul(ad.ones([2, 3]));\n`,
    );
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/matmul: inner dimensions differ/);
    expect(r.out).toMatch(/throws\.ts:4:3/);
  }, 60_000);

  it('points anomaly mode’s "forward call was" at the line that made the value', () => {
    const r = example(
      'anomaly.ts',
      [
        "import * as ad from '@ad/core';",
        '',
        'const x = ad.tensor([0, 4], { requiresGrad: true });',
        'ad.detectAnomaly(() => {',
        '  const y = x.sqrt();',
        '  y.sum().backward();',
        '});',
      ].join('\n'),
    );
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/sqrt: anomaly: backward produced Infinity/);
    expect(r.out).toMatch(/The forward call of sqrt was:\n\s*at .*anomaly\.ts:5:/);
  }, 60_000);
});
