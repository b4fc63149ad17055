// Writes docs/ops.md, the op reference, from the op table: every op of the gradcheck table
// and of the non-differentiable list, its signature (read from the sources with the
// TypeScript compiler), how its gradient is checked, its special points, and PyTorch's name
// where it differs. `npm run docs:ops` writes it; a test fails while it is stale.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { nonDifferentiable, notOps, opCases, specialPoints } from '../packages/core/test/op-cases';

// this file runs from scripts/ (tests) and bundled from node_modules/.cache (npm run docs:ops)
let root = __dirname;
while (!existsSync(join(root, 'packages/core/src/index.ts'))) root = dirname(root);

/** PyTorch's names where they are not simply our camelCase name in snake_case. */
const TORCH: Record<string, string> = {
  at: 'x[…] (Python indexing)',
  cast: 'Tensor.to(dtype)',
  sumTo: 'Tensor.sum_to_size',
  variance: 'var',
  logSigmoid: 'F.logsigmoid',
  leakyRelu: 'F.leaky_relu',
  relu: 'relu',
  linear: 'F.linear',
  elu: 'F.elu',
  gelu: 'F.gelu',
  silu: 'F.silu',
  softplus: 'F.softplus',
  tensor: 'tensor',
  randint: 'randint',
  clamp_: 'clamp_',
};

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function torchName(op: string): string {
  if (TORCH[op] !== undefined) return TORCH[op];
  const [ns, fn] = op.includes('.') ? op.split('.') : ['', op];
  if (ns === 'functional') return `F.${snake(fn)}`;
  return ns === '' ? snake(fn) : `${ns}.${snake(fn)}`;
}

/** Each exported op's signature as TypeScript prints it. */
function signatures(): Map<string, string> {
  const entry = join(root, 'packages/core/src/index.ts');
  const program = ts.createProgram([entry], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const out = new Map<string, string>();
  const add = (prefix: string, symbols: ts.Symbol[]) => {
    for (const s of symbols) {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      const decl = target.valueDeclaration ?? target.declarations?.[0];
      if (decl === undefined) continue;
      const type = checker.getTypeOfSymbolAtLocation(target, decl);
      const sig = type.getCallSignatures()[0];
      if (sig === undefined) continue;
      const text = checker.signatureToString(sig, undefined, ts.TypeFormatFlags.NoTruncation);
      out.set(`${prefix}${s.name}`, text.replace(/import\("[^"]*"\)\./g, ''));
    }
  };
  const exports = checker.getExportsOfModule(module);
  add('', exports);
  for (const name of ['linalg', 'functional']) {
    const ns = exports.find((s) => s.name === name);
    if (ns !== undefined) add(`${name}.`, checker.getExportsOfModule(checker.getAliasedSymbol(ns)));
  }
  return out;
}

/** The page, as it should be. */
export function opReference(): string {
  const sigs = signatures();
  const ops = [
    ...new Set([...opCases.filter((c) => !c.internal).map((c) => c.op), ...nonDifferentiable]),
  ]
    .filter((op) => !notOps.includes(op))
    .sort((a, b) => a.localeCompare(b));
  const rows = ops.map((op) => {
    const cases = opCases.filter((c) => c.op === op);
    const notes = cases.map((c) => c.note).filter((n): n is string => n !== undefined);
    const gradient =
      cases.length === 0
        ? 'none (not differentiable)'
        : `gradcheck and gradgradcheck, float64: ${cases.length} row${cases.length > 1 ? 's' : ''}` +
          (notes.length > 0 ? ` (${notes.join('; ')})` : '');
    const special = specialPoints
      .filter((p) => p.op === op)
      .map((p) => p.note)
      .join('; ');
    const name = op.includes('.') ? op : op;
    const torch = torchName(op);
    const sig = (sigs.get(op) ?? '').replace(/\|/g, '\\|');
    return `| \`${name}\` | \`${sig}\` | ${gradient} | ${special || '—'} | ${torch === op ? '—' : `\`${torch}\``} |`;
  });
  return [
    '# Op reference',
    '',
    'Every op of `@ad/core`, generated from the op table (`packages/core/test/op-cases.ts`) by',
    '`npm run docs:ops`: its signature, how its gradient is checked (every differentiable op',
    'has rows in the float64 gradcheck and gradgradcheck table, with broadcasting, batches and',
    'fan-out where they apply), its special points (where the gradient is fixed by convention,',
    'checked against PyTorch’s rule in float32 and float64), and PyTorch’s name where it',
    'differs. Ops are also `Tensor` methods where PyTorch has one (`x.sum(1)`); `ad.linalg`',
    'holds the linear algebra, `ad.functional` (`F` in `@ad/nn`) torch.nn.functional’s ops. [Expressions and gradients](expressions.md) explains them by family.',
    '',
    `${ops.length} ops, ${ops.filter((op) => opCases.some((c) => c.op === op)).length} of them differentiable.`,
    '',
    '| op | signature | gradient | special points | PyTorch |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(join(root, 'docs/ops.md'), opReference());
  console.log('wrote docs/ops.md');
}
