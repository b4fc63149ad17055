import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

// typedoc.json treats warnings as errors and requires a comment on every export, so an
// undocumented export (or a broken {@link}) fails this test with typedoc's message.
describe('API reference (npm run docs)', () => {
  it('typedoc builds without warnings', () => {
    const root = resolve(__dirname, '../..');
    const run = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--emit', 'none'], { cwd: root, encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/warning|error/i);
    expect(run.status).toBe(0);
  }, 120_000);
});
