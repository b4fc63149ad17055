import { gradients } from './autograd';
import { checkOptions, show } from './args';
import { fmt, ValueError } from './errors';
import { Entry, type Node } from './tape';
import { Tensor } from './tensor';

/** One row of the tape behind a tensor: a leaf or an entry, its value and its gradient. */
export interface TapeRow {
  index: number;
  op: string;
  /** The tensor's name in `names`, or ''. */
  name: string;
  inputs: number[];
  shape: readonly number[];
  value: string;
  grad: string;
}

/** Names for tensors on a tape, e.g. `{ w, b, loss }`, shown by the inspection functions. */
export type TensorNames = Readonly<Record<string, Tensor>>;

/**
 * The tape behind `y` in call order: its leaves first, then each entry, with a summary of
 * the value and, for a single-element `y`, of d y / d value (computed, `.grad` untouched).
 */
export function tapeRows(y: Tensor, names: TensorNames = {}): TapeRow[] {
  if (!(y instanceof Tensor)) throw new ValueError('tapeRows', `expected a Tensor, got ${show(y)}`);
  names ??= {};
  if (typeof names !== 'object' || Array.isArray(names))
    throw new ValueError('tapeRows', `names must be an object of tensors, got ${show(names)}`);
  const { leaves, entries } = behind(y);
  const nodes: Node[] = [...leaves, ...entries];
  const tensors = nodes.map((n) => (n instanceof Entry ? n.output : n));
  const released = entries.some((e) => e.released);
  const grads =
    y.size === 1 && y.requiresGrad && !released
      ? gradients(y, tensors, { retainGraph: true, allowUnused: true })
      : tensors.map(() => null);
  const nameOf = new Map(Object.entries(names).map(([k, t]) => [t, k]));
  return nodes.map((n, i) => ({
    index: i,
    op: n instanceof Entry ? n.op : 'leaf',
    name: nameOf.get(tensors[i]) ?? '',
    inputs: n instanceof Entry ? n.parents.map((p) => (p === null ? -1 : nodes.indexOf(p))) : [],
    shape: tensors[i].shape,
    value: summarize(tensors[i]),
    grad: grads[i] ? summarize(grads[i] as Tensor) : '',
  }));
}

/** The tape behind `y` as a plain-text table, in the style of classic back-propagation worked examples. */
export function tapeTable(y: Tensor, names: TensorNames = {}): string {
  const rows = tapeRows(y, names);
  const withNames = rows.some((r) => r.name !== '');
  const keep = (row: string[]) => (withNames ? row : row.filter((_, c) => c !== 2));
  const header = keep(['#', 'op', 'name', 'inputs', 'shape', 'value', `d(out)/d(value)`]);
  const cells = rows.map((r) =>
    keep([
      String(r.index),
      r.op,
      r.name,
      r.inputs.map((i) => (i < 0 ? 'const' : `#${i}`)).join(', '),
      fmt(r.shape),
      r.value,
      r.grad,
    ]),
  );
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row
      .map((v, c) => v.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The tape behind `y` as a Graphviz DOT graph: leaves as boxes, entries as ellipses. */
export function toDot(y: Tensor, opts: { name?: string; names?: TensorNames } = {}): string {
  opts = checkOptions('toDot', opts, ['name', 'names']);
  if (opts.name !== undefined && typeof opts.name !== 'string')
    throw new ValueError('toDot', `name must be a string, got ${show(opts.name)}`);
  const rows = tapeRows(y, opts.names);
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const lines = rows.map((r) => {
    const label = [
      r.name ? `${r.name} = ${r.op}` : r.op,
      fmt(r.shape),
      r.value,
      r.grad ? `grad ${r.grad}` : '',
    ]
      .filter(Boolean)
      .map(esc)
      .join('\\n');
    return `  n${r.index} [label="${label}", shape=${r.op === 'leaf' ? 'box' : 'ellipse'}];`;
  });
  const edges = rows.flatMap((r) =>
    r.inputs.filter((i) => i >= 0).map((i) => `  n${i} -> n${r.index};`),
  );
  return [`digraph "${esc(opts.name ?? 'tape')}" {`, '  rankdir=LR;', ...lines, ...edges, '}'].join(
    '\n',
  );
}

/** Leaves (that require grad) and entries reachable from y, each in call order. */
export function behind(y: Tensor): { leaves: Tensor[]; entries: Entry[] } {
  const entries = new Set<Entry>();
  const leaves = new Set<Tensor>();
  const stack: (Node | null)[] = [y.entry ?? (y.requiresGrad ? y : null)];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n instanceof Tensor) leaves.add(n);
    else if (n && !entries.has(n)) {
      entries.add(n);
      stack.push(...n.parents);
    }
  }
  return { leaves: [...leaves], entries: [...entries].sort((a, b) => a.id - b.id) };
}

/** A short description of a tensor's values: all of them if few, else mean and range. */
export function summarize(x: Tensor): string {
  const num = (v: number) =>
    Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
  if (x.size <= 4) return x.ndim === 0 ? num(x.data[0]) : `[${Array.from(x.data, num).join(', ')}]`;
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of x.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  return `mean ${num(sum / x.size)} in [${num(lo)}, ${num(hi)}]`;
}
