import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

describe('npm run demo', () => {
  it('trains, prints progress, accuracy and a loss curve, and writes both pictures', () => {
    const out = mkdtempSync(join(tmpdir(), 'ad-demo-'));
    const root = resolve(__dirname, '../..');
    const printed = execFileSync(process.execPath, [join(root, 'scripts/run.mjs'), join(root, 'docs/examples/demo.ts'), '--epochs', '4', '--out', out],
      { encoding: 'utf8', cwd: root });
    expect(printed).toMatch(/epoch 4\/4 {2}loss \d\.\d{4} {2}valLoss/);
    expect(printed).toMatch(/Train accuracy \d+\.\d%, test accuracy \d+\.\d%/);
    expect(printed).toContain('┼');
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>$/);
    expect(readFileSync(join(out, 'decision-boundary.svg'), 'utf8')).toMatch(/<circle/);
  });
});
