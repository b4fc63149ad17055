// npm run bench [-- --suite matmul|mlp|tape] and npm run bench:quick: every workload for @ad and
// its peers; prints a table and writes bench/results/<suite>-<date>.{json,md}.
//
// Each workload runs in a fresh Node process of its own, with every library side by side in
// it: what V8 learnt about one workload's types (float64 loops, other shapes) then cannot
// slow another's, and each ratio still comes from one process.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Case, machine, type Result, runCases, save, table } from './harness';
import { matmulCases } from './matmul.bench';
import { mlpCases } from './mlp.bench';
import { tapeCases } from './tape.bench';
import { versions } from './tfjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    suite: { type: 'string', default: 'all' },
    out: { type: 'string' },
    // internal: run one workload here and write its results to this file
    workload: { type: 'string' },
    results: { type: 'string' },
  },
});
const quick = values.quick as boolean;
type Wanted = (workload: string) => boolean;
const suites: Record<string, { workloads: string[]; cases: (wanted: Wanted) => Promise<Case[]> }> =
  {
    matmul: { workloads: ['W1', 'W2'], cases: (wanted) => matmulCases({ quick }, wanted) },
    mlp: { workloads: ['W3', 'W4'], cases: (wanted) => mlpCases(wanted) },
    tape: { workloads: ['W5'], cases: () => tapeCases() },
  };
const libraries = ['@ad', '@ad 1 thread', '@ad ts', '@ad float64', 'tfjs-cpu', 'tfjs-wasm'];
const outDir = values.out ?? join(process.cwd(), 'bench', 'results');

/** Runs one workload in this process (the child's side). */
async function runWorkload(suite: string, workload: string, resultsFile: string): Promise<void> {
  const wanted = (w: string) => w.startsWith(`${workload} `);
  const cases = (await suites[suite].cases(wanted)).filter((c) => wanted(c.workload));
  const results = await runCases(
    cases,
    quick ? { maxTime: 0.4, minSamples: 2 } : { maxTime: 2, minSamples: 5 },
  );
  writeFileSync(resultsFile, JSON.stringify(results));
}

/** Runs one workload in a child process and returns its results. */
function spawnWorkload(suite: string, workload: string): Result[] {
  const file = join(tmpdir(), `ad-bench-${process.pid}-${workload}.json`);
  const args = [
    process.argv[1],
    '--suite',
    suite,
    '--workload',
    workload,
    '--results',
    file,
    ...(quick ? ['--quick'] : []),
  ];
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (child.status !== 0)
    throw new Error(`bench: ${workload} failed (exit ${child.status ?? child.signal})`);
  const results = JSON.parse(readFileSync(file, 'utf8')) as Result[];
  rmSync(file);
  return results;
}

async function main(): Promise<void> {
  const chosen = values.suite === 'all' ? Object.keys(suites) : [values.suite as string];
  for (const name of chosen) {
    if (!suites[name])
      throw new Error(`unknown suite '${name}' (known: ${Object.keys(suites).join(', ')})`);
  }
  if (values.workload !== undefined)
    return runWorkload(chosen[0], values.workload, values.results as string);
  const meta = { ...machine(), mode: quick ? 'quick' : 'full', ...versions() };
  for (const name of chosen) {
    console.log(`\n${name}${quick ? ' (quick)' : ''}`);
    const results = suites[name].workloads.flatMap((w) => spawnWorkload(name, w));
    console.log(`\n${table(results, libraries)}`);
    console.log(
      `wrote ${save(outDir, quick ? `${name}-quick` : name, results, libraries, meta)}.{json,md}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
