// Runs benchmark cases with benchmark.js, one library after another per workload, in one process.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import Benchmark from 'benchmark';

// Call test functions by reference: benchmark.js would otherwise inline their source and lose closures.
Benchmark.support.decompilation = false;

/** One timed case: `fn` does `work` units (FLOPs, samples, ops) per call. */
export interface Case {
  workload: string;
  size: string;
  library: string;
  unit: string;
  work: number;
  fn: () => void;
  /** Runs before timing (e.g. switching a backend). */
  before?: () => Promise<void> | void;
}

export interface Result {
  workload: string;
  size: string;
  library: string;
  unit: string;
  /** Units of work per second. */
  rate: number;
  rme: number;
  samples: number;
}

export interface RunOptions {
  maxTime: number;
  minSamples: number;
}

export async function runCases(cases: readonly Case[], opts: RunOptions): Promise<Result[]> {
  const results: Result[] = [];
  for (const c of cases) {
    await c.before?.();
    warmUp(c.fn, opts.maxTime / 2);
    const b = new Benchmark(`${c.workload} ${c.size} ${c.library}`, c.fn, {
      maxTime: opts.maxTime,
      minSamples: opts.minSamples,
      initCount: 1,
    });
    b.run();
    if (b.error) throw b.error;
    const r = {
      workload: c.workload,
      size: c.size,
      library: c.library,
      unit: c.unit,
      rate: b.hz * c.work,
      rme: b.stats.rme,
      samples: b.stats.sample.length,
    };
    process.stdout.write(
      `  ${c.workload} ${c.size} ${c.library}: ${format(r.rate)} ${c.unit} ±${r.rme.toFixed(1)}%\n`,
    );
    results.push(r);
  }
  return results;
}

/**
 * Runs `fn` for `seconds` untimed first: V8 keeps optimising shared code (ops, kernels) well
 * past benchmark.js's own short warm-up, which otherwise penalises whichever case comes first.
 */
function warmUp(fn: () => void, seconds: number): void {
  const end = performance.now() + seconds * 1000;
  do fn();
  while (performance.now() < end);
}

export function format(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (v >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

/** A markdown table: one row per workload and size, one column per library, plus @ad's ratios. */
export function table(results: readonly Result[], libraries: readonly string[]): string {
  const rows = new Map<string, Result[]>();
  for (const r of results)
    rows.set(`${r.workload}|${r.size}`, [...(rows.get(`${r.workload}|${r.size}`) ?? []), r]);
  const peers = libraries.filter((l) => !l.startsWith('@ad'));
  // @ad against every peer, and single-threaded @ad against tfjs-wasm (single-threaded too)
  const has = (l: string) => results.some((r) => r.library === l);
  const pairs = [
    ...peers.map((p) => ['@ad', p]),
    ...(libraries.includes('@ad 1 thread') ? [['@ad 1 thread', 'tfjs-wasm']] : []),
    ...(has('@ad compiled')
      ? [
          ['@ad compiled', '@ad'],
          ['@ad compiled', 'jax-js jit'],
        ]
      : []),
  ];
  const header = [
    'workload',
    'size',
    'unit',
    ...libraries,
    ...pairs.map(([o, p]) => `${o} / ${p}`),
  ];
  const lines = [...rows.values()].map((rs) => {
    const by = (l: string) => rs.find((r) => r.library === l);
    return [
      rs[0].workload,
      rs[0].size,
      rs[0].unit,
      ...libraries.map((l) => (by(l) ? format(by(l)!.rate) : '—')),
      ...pairs.map(([o, p]) =>
        by(o) && by(p) ? `${(by(o)!.rate / by(p)!.rate).toFixed(2)}×` : '—',
      ),
    ];
  });
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...lines.map((l) => `| ${l.join(' | ')} |`),
  ].join('\n');
}

export function machine(): Record<string, string> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: String(cpus().length),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Writes `<suite>-<date>.json` and `.md` under bench/results. */
export function save(
  dir: string,
  suite: string,
  results: Result[],
  libraries: string[],
  meta: Record<string, string>,
): string {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const base = join(dir, `${suite}-${date}`);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ suite, date: new Date().toISOString(), ...meta, results }, null, 2)}\n`,
  );
  const md = [
    `# ${suite} — ${date}`,
    '',
    ...Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`),
    '',
    table(results, libraries),
    '',
  ].join('\n');
  writeFileSync(`${base}.md`, md);
  return base;
}
