// Facts the docs state about the project, checked against the project, so that they cannot drift.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { opReference } from '../../scripts/op-reference';

const root = resolve(__dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const examples = readdirSync(join(root, 'docs/examples'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `docs/examples/${f}`);

describe('the docs', () => {
  it('have an op reference generated from the op table (npm run docs:ops)', () => {
    expect(read('docs/ops.md')).toBe(opReference());
  }, 60_000);

  it('cite the classic worked examples as what they are, not as the texts @ad was made from', () => {
    const offending = [...pages, ...examples].filter((f) =>
      /\bseeds? 0\d\d\b|\bseeds'|\bthe seeds\b|texts @ad/i.test(read(f)),
    );
    expect(offending).toEqual([]);
  });

  it('quote the playground script’s real size', () => {
    execFileSync(process.execPath, [join(root, 'scripts/build-playground.mjs')], {
      cwd: root,
      stdio: 'pipe',
    });
    const kb = statSync(join(root, 'docs/playground/dist/playground.js')).size / 1000;
    const quoted = Number(/script of about (\d+) KB/.exec(read('docs/playground.md'))?.[1]);
    expect(Math.abs(quoted - kb) / kb).toBeLessThan(0.15);
  });

  it('title each page as the index names it, and link only to files that exist', () => {
    const index = read('docs/README.md');
    for (const [, title, file] of index.matchAll(/\| \[([^\]]+)\]\(([\w-]+\.md)\)/g)) {
      expect(read(`docs/${file}`).split('\n')[0]).toBe(`# ${title}`);
    }
    for (const page of pages) {
      const dir = page.startsWith('docs/') ? 'docs' : '';
      for (const [, target] of read(page).matchAll(/\]\(((?!https?:)[^)#\s]+)(?:#[^)]*)?\)/g)) {
        expect([
          page,
          statSync(join(root, dir, target), { throwIfNoEntry: false }) !== undefined,
        ]).toEqual([page, true]);
      }
    }
  });
});
