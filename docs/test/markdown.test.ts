// Every ```ts block of the README and of docs/*.md runs here, so no page's code can rot.
// A page's blocks become one program: their imports hoisted, each block in its own scope.
// A line `console.log(expr); // → value` also checks what it prints against the comment.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const cache = join(root, 'node_modules/.cache/ad-doctest');

const CHECK = `
function __show(value: unknown, expected: string, where: string): void {
  const text = (v: unknown): string => (Array.isArray(v) ? \`[\${v.map(text).join(', ')}]\` : typeof v === 'string' ? v : String(v));
  const printed = text(value);
  console.log(printed);
  if (printed.replace(/\\s+/g, '') !== expected.replace(/\\s+/g, '')) throw new Error(\`\${where}: printed \${printed}, the page says \${expected}\`);
}
`;

const IMPORT = /^import .* from '.*';$/;

/** `console.log(expr); // → value` becomes a call that prints and checks; other lines stay. */
function withCheck(text: string, where: string): string {
  const check = text.match(/^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/);
  return check
    ? `${check[1]}__show(${check[2]}, ${JSON.stringify(check[3])}, ${JSON.stringify(where)});`
    : text;
}

/** The program made of one page's ```ts blocks, or null when it has none. */
function programOf(markdown: string, page: string): string | null {
  const blocks = [...markdown.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => ({
    lines: m[1].split('\n'),
    first: markdown.slice(0, m.index).split('\n').length + 1,
  }));
  if (blocks.length === 0) return null;
  const imports = new Set(blocks.flatMap((b) => b.lines.filter((l) => IMPORT.test(l))));
  const bodies = blocks.map(({ lines, first }) =>
    lines.map((l, k) => (IMPORT.test(l) ? '' : withCheck(l, `${page}:${first + k}`))).join('\n'),
  );
  // inside an async function, so that a block may await (the program is CommonJS)
  return [
    ...imports,
    CHECK,
    'async function main(): Promise<void> {',
    ...bodies.map((b) => `{\n${b}\n}`),
    '}',
    'main().catch((e) => {',
    '  console.error(e);',
    '  process.exit(1);',
    '});',
  ].join('\n');
}

describe('code in the docs', () => {
  const programs = pages.flatMap((page) => {
    const program = programOf(readFileSync(join(root, page), 'utf8'), page);
    if (program === null) return [];
    const file = join(
      cache,
      `${basename(page, '.md')}${page.startsWith('docs/') ? '' : '.root'}.ts`,
    );
    return [{ page, file, program }];
  });

  beforeAll(() => {
    mkdirSync(cache, { recursive: true });
    for (const { file, program } of programs) writeFileSync(file, `${program}\nexport {};\n`);
  });

  it('type-checks', () => {
    writeFileSync(
      join(cache, 'tsconfig.json'),
      JSON.stringify({ extends: join(root, 'tsconfig.json'), include: ['*.ts'] }),
    );
    const tsc = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '-p',
        join(cache, 'tsconfig.json'),
      ],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  it.each(pages.filter((p) => programs.some((q) => q.page === p)))(
    '%s runs',
    (page) => {
      const { file } = programs.find((p) => p.page === page)!;
      const cwd = mkdtempSync(join(tmpdir(), 'ad-doctest-')); // pages may write files (checkpoints)
      const run = spawnSync(process.execPath, [join(root, 'scripts/run.mjs'), file], {
        cwd,
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    },
    60_000,
  );
});
