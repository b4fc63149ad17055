// npm run bench [-- --suite matmul|mlp|tape|layers|scale] and npm run bench:quick: every workload for @ad and
// its peers; prints a table and writes bench/results/<suite>-<date>.{json,md}. With
// --baseline <commit>, that commit's @ad runs each workload just before this tree's.
//
// Each workload runs in a fresh Node process of its own, with every library side by side in
// it: what V8 learnt about one workload's types (float64 loops, other shapes) then cannot
// slow another's, and each ratio still comes from one process.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Case, machine, type Result, runCases, save, table } from './harness';
import { matmulCases } from './matmul.bench';
import { mlpCases } from './mlp.bench';
import { tapeCases } from './tape.bench';
import { layerCases } from './layers.bench';
import { scaleCases } from './scale.bench';
import { versions } from './tfjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    suite: { type: 'string', default: 'all' },
    out: { type: 'string' },
    // a commit to measure beside this tree, as the library '@ad before' (its own bench, its own process)
    baseline: { type: 'string' },
    // internal: run one workload here and write its results to this file
    workload: { type: 'string' },
    results: { type: 'string' },
  },
});
const quick = values.quick as boolean;
type Wanted = (workload: string) => boolean;
const suites: Record<string, { workloads: string[]; cases: (wanted: Wanted) => Promise<Case[]> }> =
  {
    matmul: { workloads: ['W1', 'W2', 'W6'], cases: (wanted) => matmulCases({ quick }, wanted) },
    mlp: { workloads: ['W3', 'W4'], cases: (wanted) => mlpCases(wanted) },
    tape: { workloads: ['W5', 'W5b'], cases: (wanted) => tapeCases(wanted) },
    layers: { workloads: ['W7', 'W7b', 'W8', 'W9'], cases: (wanted) => layerCases(wanted) },
    scale: { workloads: ['W10', 'W11'], cases: (wanted) => scaleCases(wanted) },
  };
const libraries = [
  '@ad',
  '@ad compiled',
  '@ad einsum',
  '@ad 1 thread',
  '@ad 1 worker',
  '@ad 2 workers',
  '@ad ts',
  '@ad float64',
  'tfjs-cpu',
  'tfjs-wasm',
  'jax-js',
  'jax-js jit',
];
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
function spawnWorkload(suite: string, workload: string, tree?: string): Result[] {
  const file = join(tmpdir(), `ad-bench-${process.pid}-${workload}.json`);
  const args = [
    ...(tree === undefined
      ? [process.argv[1]]
      : [join(tree, 'scripts/run.mjs'), join(tree, 'bench/src/main.ts')]),
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
  return tree === undefined
    ? results
    : results.filter((r) => r.library === '@ad').map((r) => ({ ...r, library: '@ad before' }));
}

/** A checkout of `commit` beside this one, sharing its node_modules, for `--baseline`. */
function checkout(commit: string): string {
  const dir = join(tmpdir(), `ad-baseline-${commit}`);
  if (!existsSync(dir)) {
    const add = spawnSync('git', ['worktree', 'add', '--detach', dir, commit], {
      stdio: 'inherit',
    });
    if (add.status !== 0) throw new Error(`bench: cannot check out ${commit}`);
    symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
  }
  return dir;
}

async function main(): Promise<void> {
  const chosen = values.suite === 'all' ? Object.keys(suites) : [values.suite as string];
  for (const name of chosen) {
    if (!suites[name])
      throw new Error(`unknown suite '${name}' (known: ${Object.keys(suites).join(', ')})`);
  }
  if (values.workload !== undefined)
    return runWorkload(chosen[0], values.workload, values.results as string);
  const tree = values.baseline === undefined ? undefined : checkout(values.baseline);
  const meta = {
    ...machine(),
    mode: quick ? 'quick' : 'full',
    ...versions(),
    ...(values.baseline === undefined ? {} : { baseline: values.baseline }),
  };
  for (const name of chosen) {
    console.log(`\n${name}${quick ? ' (quick)' : ''}`);
    // the baseline's run of each workload right before ours, so both see the same machine
    const results = suites[name].workloads.flatMap((w) => [
      ...(tree === undefined ? [] : spawnWorkload(name, w, tree)),
      ...spawnWorkload(name, w),
    ]);
    const shown = tree === undefined ? libraries : ['@ad before', ...libraries];
    const file = `${name}${quick ? '-quick' : ''}${tree === undefined ? '' : '-vs-before'}`;
    console.log(`\n${table(results, shown)}`);
    console.log(`wrote ${save(outDir, file, results, shown, meta)}.{json,md}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
