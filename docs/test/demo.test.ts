import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

describe('npm run demo', () => {
  it('trains, prints progress, accuracy and a loss curve, and writes both pictures', () => {
    const out = mkdtempSync(join(tmpdir(), 'ad-demo-'));
    const root = resolve(__dirname, '../..');
    const printed = execFileSync(
      process.execPath,
      [
        join(root, 'scripts/run.mjs'),
        join(root, 'docs/examples/demo.ts'),
        '--epochs',
        '4',
        '--out',
        out,
      ],
      { encoding: 'utf8', cwd: root },
    );
    expect(printed).toMatch(/epoch 4\/4 {2}loss \d\.\d{4} {2}valLoss/);
    expect(printed).toMatch(/Train accuracy \d+\.\d%, test accuracy \d+\.\d%/);
    expect(printed).toContain('┼');
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toMatch(
      /^<svg[\s\S]*<polyline[\s\S]*<\/svg>$/,
    );
    expect(readFileSync(join(out, 'decision-boundary.svg'), 'utf8')).toMatch(/<circle/);
  });

  const root = resolve(__dirname, '../..');
  const demo = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [join(root, 'scripts/run.mjs'), join(root, 'docs/examples/demo.ts'), ...args],
      { encoding: 'utf8', cwd: root },
    );

  it('--help prints the usage and the options', () => {
    const r = demo('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run demo -- \[options\]/);
    expect(r.stdout).toMatch(/--epochs <n>\s+passes over the training set \(default: 200\)/);
  });

  it.each([
    ['--epochs', 'abc'],
    ['--epochs', '0'],
    ['--epoch', '3'],
  ])('a bad flag or value (%s %s) is one line naming the flag, no stack trace', (...args) => {
    const r = demo(...args);
    expect(r.status).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^error: (option '--epochs <n>' argument '\w+' is invalid|unknown option '--epoch')/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
