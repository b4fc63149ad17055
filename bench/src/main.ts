// npm run bench [-- --suite matmul|mlp|tape] and npm run bench:quick: every workload for @ad and
// its peers in one process; prints a table and writes bench/results/<suite>-<date>.{json,md}.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Case, machine, runCases, save, table } from './harness';
import { matmulCases } from './matmul.bench';
import { mlpCases } from './mlp.bench';
import { tapeCases } from './tape.bench';
import { versions } from './tfjs';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, suite: { type: 'string', default: 'all' }, out: { type: 'string' } } });
const quick = values.quick as boolean;
const suites: Record<string, () => Promise<Case[]>> = {
  matmul: () => matmulCases({ quick }),
  mlp: () => mlpCases(),
  tape: () => tapeCases(),
};
const libraries = ['@ad', '@ad float64', 'tfjs-cpu', 'tfjs-wasm'];
const outDir = values.out ?? join(process.cwd(), 'bench', 'results');

async function main(): Promise<void> {
  const chosen = values.suite === 'all' ? Object.keys(suites) : [values.suite as string];
  const meta = { ...machine(), mode: quick ? 'quick' : 'full', ...versions() };
  for (const name of chosen) {
    if (!suites[name]) throw new Error(`unknown suite '${name}' (known: ${Object.keys(suites).join(', ')})`);
    console.log(`\n${name}${quick ? ' (quick)' : ''}`);
    const results = await runCases(await suites[name](), quick ? { maxTime: 0.4, minSamples: 2 } : { maxTime: 2, minSamples: 5 });
    console.log(`\n${table(results, libraries)}`);
    console.log(`wrote ${save(outDir, quick ? `${name}-quick` : name, results, libraries, meta)}.{json,md}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
