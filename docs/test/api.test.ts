import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nonDifferentiable, notOps, opCases } from '../../packages/core/test/op-cases';

// typedoc.json treats warnings as errors and requires a comment on every export, so an
// undocumented export (or a broken {@link}) fails this test with typedoc's message.
describe('API reference (npm run docs)', () => {
  const root = resolve(__dirname, '../..');
  const out = mkdtempSync(join(tmpdir(), 'ad-api-'));
  let log = '';
  let status: number | null = null;

  beforeAll(() => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out],
      { cwd: root, encoding: 'utf8' },
    );
    log = `${run.stdout}${run.stderr}`;
    status = run.status;
  }, 120_000);

  it('typedoc builds without warnings', () => {
    expect(log).not.toMatch(/warning|error/i);
    expect(status).toBe(0);
  });

  it('has a landing page and modules named as the packages', () => {
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('@ad API reference');
    expect(readdirSync(join(out, 'modules')).sort()).toEqual([
      '_ad_core.functional.html',
      '_ad_core.html',
      '_ad_core.linalg.html',
      '_ad_nn.html',
      '_ad_nn.init.html',
      '_ad_nn_node.html',
    ]);
  });

  it('lists every op as a function with its signature and an example', () => {
    const ops = [
      ...new Set([...opCases.filter((c) => !c.internal).map((c) => c.op), ...nonDifferentiable]),
    ].filter((op) => !notOps.includes(op) && op !== 'var'); // `var` is an alias of `variance`'s page
    const page = (op: string) =>
      readFileSync(join(out, 'functions', `_ad_core.${op}.html`), 'utf8');
    const withoutExample = ops.filter((op) => !page(op).includes('id="example"'));
    expect(withoutExample).toEqual([]);
    expect(page('exp')).toMatch(/tsd-signature/);
  });
});
