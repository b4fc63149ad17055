// A typedoc plugin for @ad's reference:
// - Tensor's methods are one-line sugar over the op functions of the same name, so each
//   method shows its op's documentation instead of repeating ~100 comments in tensor.ts;
// - every differentiable op gets an example: the first row of the gradient-check table
//   (packages/core/test/op-cases.ts) that calls it, so each example is code the tests run.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommentTag, Converter, ReflectionKind } from 'typedoc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** op name → an example made from its first row in the op table: the inputs' shapes, then the call. */
function examplesFromOpTable() {
  const text = readFileSync(join(root, 'packages/core/test/op-cases.ts'), 'utf8');
  const examples = new Map();
  const row =
    /^\s*\{ op: '(\w+)'(?:, note: '[^']*')?, fn: \(([^)]*)\) => (.*?), shapes: (\[\[.*?\]\])(?:, domains: (\[.*?\]))?(.*)\},?$/;
  for (const line of text.split('\n')) {
    const m = row.exec(line);
    if (!m || examples.has(m[1]) || /constants|internal/.test(m[6])) continue;
    const [, op, params, body, shapes] = m;
    const names = params
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const dims = JSON.parse(shapes);
    const inputs = names.map(
      (n, i) => `const ${n} = ad.randn(${JSON.stringify(dims[i])}, { requiresGrad: true });`,
    );
    examples.set(op, ['```ts', ...inputs, `const y = ${body};`, '```'].join('\n'));
  }
  return examples;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  const examples = examplesFromOpTable();
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    const ops = new Map();
    // ops are functions or consts made by a factory (`export const add = binary(…)`)
    for (const f of project.getReflectionsByKind(
      ReflectionKind.Function | ReflectionKind.Variable,
    )) {
      const comment = f.signatures?.[0]?.comment ?? f.comment;
      if (f.parent?.name !== '@ad/core' || !comment) continue;
      const example = examples.get(f.name);
      if (example && !comment.getTag('@example'))
        comment.blockTags.push(new CommentTag('@example', [{ kind: 'code', text: example }]));
      ops.set(f.name, comment);
    }
    for (const m of project.getReflectionsByKind(ReflectionKind.Method)) {
      if (!['Tensor', 'Parameter'].includes(m.parent?.name)) continue;
      const comment = ops.get(m.name);
      if (!comment) continue;
      for (const sig of m.signatures ?? []) if (!sig.comment) sig.comment = comment.clone();
    }
  });
}
