import { checkOneOf, checkOptions } from './args';
import { fmt, ValueError } from './errors';
import { tapeRows, type TapeRow, type TensorNames } from './inspect';
import type { Tensor } from './tensor';

/** Options of `toSvg`. */
export interface SvgOptions {
  /** Names for tensors on the tape, shown on their nodes, e.g. `{ w, b, loss }`. */
  names?: TensorNames;
  /** A title above the graph. */
  title?: string;
  /** Which way the arrows go: 'right' (default up to five steps deep) or 'down' (default for deeper tapes). */
  direction?: 'right' | 'down';
}

const CHAR = 7.2; // average glyph width of 12px monospace
const LINE = 15;
const PAD = 8;
const GAP_ALONG = { right: 56, down: 36 }; // between layers
const GAP_ACROSS = { right: 18, down: 24 }; // between boxes of a layer
type Point = { x: number; y: number };

/**
 * The tape behind `y` as a standalone SVG picture, drawn left to right from the leaves to
 * `y`: one box per leaf or entry with its op, shape, value and (for a single-element `y`)
 * d y / d value, and an arrow per use, so a value that fans out has several arrows leaving
 * it. A layered layout written here, so no Graphviz is needed; it runs in browsers too.
 */
export function toSvg(y: Tensor, opts: SvgOptions = {}): string {
  opts = checkOptions('toSvg', opts, ['names', 'title', 'direction']);
  if (opts.direction !== undefined)
    checkOneOf('toSvg', 'direction', opts.direction, ['right', 'down']);
  if (opts.title !== undefined && typeof opts.title !== 'string')
    throw new ValueError('toSvg', 'title must be a string');
  const rows = tapeRows(y, opts.names);
  const labels = rows.map(labelOf);
  const box = {
    w: Math.ceil(Math.max(...labels.flat().map((s) => s.length)) * CHAR + 2 * PAD),
    h: Math.max(...labels.map((l) => l.length)) * LINE + 2 * PAD - 4,
  };
  const layers = arrange(rows);
  const dir = opts.direction ?? (layers.length > 5 ? 'down' : 'right');
  const down = dir === 'down';
  // "along" runs from the leaves to y, "across" through the boxes of one layer
  const along = (down ? box.h : box.w) + GAP_ALONG[dir];
  const across = (down ? box.w : box.h) + GAP_ACROSS[dir];
  const top = opts.title ? 34 : 10;
  const widest = Math.max(...layers.map((l) => l.length));
  const position = new Map<number, Point>();
  layers.forEach((layer, depth) =>
    layer.forEach((i, k) => {
      const a = depth * along;
      const b = ((widest - layer.length) * across) / 2 + k * across;
      position.set(i, down ? { x: 10 + b, y: top + a } : { x: 10 + a, y: top + b });
    }),
  );
  const extentAlong = layers.length * along - GAP_ALONG[dir];
  const extentAcross = widest * across - GAP_ACROSS[dir];
  const W = 20 + (down ? extentAcross : extentAlong);
  const H = top + 10 + (down ? extentAlong : extentAcross);
  // each input arrives at its own slot, so x·x shows both of its arrows
  const edges = rows.flatMap((r) =>
    r.inputs.flatMap((i, slot) => {
      if (i < 0) return [];
      const [from, to] = [position.get(i)!, position.get(r.index)!];
      const t = (slot + 1) / (r.inputs.length + 1);
      return down
        ? [
            curve(
              { x: from.x + box.w / 2, y: from.y + box.h },
              { x: to.x + box.w * t, y: to.y - 1 },
              true,
            ),
          ]
        : [
            curve(
              { x: from.x + box.w, y: from.y + box.h / 2 },
              { x: to.x - 1, y: to.y + box.h * t },
              false,
            ),
          ];
    }),
  );
  const nodes = rows.map((r, i) =>
    node(r, labels[i], position.get(i)!, box.w, box.h, i === rows.length - 1),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#64748b"/></marker></defs>',
    `<rect width="${W}" height="${H}" fill="white"/>`,
    opts.title
      ? `<text x="${W / 2}" y="22" text-anchor="middle" font-family="sans-serif" font-size="15">${esc(opts.title)}</text>`
      : '',
    ...edges,
    ...nodes,
    '</svg>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Text lines of a node: what it is, its shape, its value and its gradient. */
function labelOf(r: TapeRow): string[] {
  const what = r.name ? `${r.name}${r.op === 'leaf' ? '' : ` = ${r.op}`}` : r.op;
  return [what, fmt(r.shape), `value ${r.value}`, ...(r.grad ? [`grad ${r.grad}`] : [])];
}

/**
 * Columns of row indices: an entry one column right of its furthest input, a leaf just left
 * of its first use; within a column, ordered by the mean position of inputs, then of uses
 * (the barycentre heuristic of layered graph drawing), which keeps most arrows uncrossed.
 */
function arrange(rows: TapeRow[]): number[][] {
  const col = new Array<number>(rows.length).fill(0);
  const uses = rows.map(() => [] as { by: number; slot: number }[]); // slot: where on `by` the arrow lands, in (-½, ½)
  for (const r of rows) {
    r.inputs.forEach(
      (i, k) =>
        i >= 0 && uses[i].push({ by: r.index, slot: (k + 1) / (r.inputs.length + 1) - 0.5 }),
    );
    if (r.op !== 'leaf')
      col[r.index] = Math.max(
        0,
        ...r.inputs.filter((i) => i >= 0 && rows[i].op !== 'leaf').map((i) => col[i] + 1),
      );
  }
  for (const r of rows) if (r.op !== 'leaf') col[r.index] += 1;
  for (const r of rows)
    if (r.op === 'leaf')
      col[r.index] = uses[r.index].length
        ? Math.min(...uses[r.index].map((u) => col[u.by])) - 1
        : 0;
  const shift = Math.min(...col);
  const layers: number[][] = [];
  rows.forEach((r) => (layers[col[r.index] - shift] ??= []).push(r.index));
  const filled = layers.filter((l) => l !== undefined);
  // positions are centred in their layer, as they are drawn
  const pos = new Map<number, number>();
  const place = (layer: number[]) =>
    layer.forEach((i, k) => pos.set(i, k - (layer.length - 1) / 2));
  const mean = (xs: number[], fallback: number) =>
    xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : fallback;
  filled.forEach(place);
  for (let sweep = 0; sweep < 4; sweep++) {
    const forward = sweep % 2 === 0;
    for (const layer of forward ? filled : [...filled].reverse()) {
      const key = new Map(
        layer.map((i) => [
          i,
          forward
            ? mean(
                rows[i].inputs.filter((p) => p >= 0).map((p) => pos.get(p)!),
                pos.get(i)!,
              )
            : mean(
                uses[i].map((u) => pos.get(u.by)! + u.slot),
                pos.get(i)!,
              ),
        ]),
      );
      layer.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
      place(layer);
    }
  }
  return filled;
}

/** An S-shaped arrow that leaves and arrives along the layout's direction. */
function curve(a: Point, b: Point, down: boolean): string {
  const c1 = down ? { x: a.x, y: (a.y + b.y) / 2 } : { x: (a.x + b.x) / 2, y: a.y };
  const c2 = down ? { x: b.x, y: (a.y + b.y) / 2 } : { x: (a.x + b.x) / 2, y: b.y };
  const p = (q: Point) => `${r1(q.x)},${r1(q.y)}`;
  return `<path d="M${p(a)} C${p(c1)} ${p(c2)} ${p(b)}" fill="none" stroke="#64748b" stroke-width="1.2" marker-end="url(#arrow)"/>`;
}

function node(
  r: TapeRow,
  lines: string[],
  at: Point,
  width: number,
  height: number,
  isOutput: boolean,
): string {
  const fill = r.op === 'leaf' ? '#dbeafe' : isOutput ? '#fef3c7' : '#f8fafc';
  const colours = ['#0f172a', '#64748b', '#0f172a', '#b91c1c'];
  const text = lines.map(
    (s, k) =>
      `<text x="${r1(at.x + PAD)}" y="${r1(at.y + PAD + 11 + k * LINE)}" fill="${colours[k]}"${k === 0 ? ' font-weight="bold"' : ''}>${esc(s)}</text>`,
  );
  return [
    `<g><title>#${r.index} ${esc(r.op)}</title>`,
    `<rect x="${r1(at.x)}" y="${r1(at.y)}" width="${width}" height="${height}" rx="6" fill="${fill}" stroke="#94a3b8"/>`,
    ...text,
    '</g>',
  ].join('');
}

const r1 = (v: number) => String(Math.round(v * 10) / 10);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
