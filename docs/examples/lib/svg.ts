// SVG charts for the examples and docs. d3-scale picks the scales and round tick values;
// the SVG is written here, so the output stays small, readable and dependency-free to view.
import { type ScaleContinuousNumeric, scaleLinear, scaleLog } from 'd3-scale';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];
const FILLS = ['#dbeafe', '#fee2e2', '#dcfce7', '#f3e8ff'];

interface Box {
  x: ScaleContinuousNumeric<number, number>;
  y: ScaleContinuousNumeric<number, number>;
  xLabel: string;
  yLabel: string;
  log?: boolean;
}

/** Axes with round tick values, grid lines and labels (a log scale labels the ticks d3 picks as readable). */
function axes({ x, y, xLabel, yLabel, log }: Box): string[] {
  const [x0, x1] = x.range();
  const [y0, y1] = y.range();
  const yFormat = y.tickFormat(6, log ? '~g' : undefined);
  const yTicks = y.ticks(6).filter((v) => yFormat(v) !== '');
  const xFormat = x.tickFormat(8);
  return [
    ...yTicks.map(
      (v) =>
        `<line x1="${x0}" x2="${x1}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>` +
        `<text x="${x0 - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${yFormat(v)}</text>`,
    ),
    ...x
      .ticks(8)
      .map(
        (v) =>
          `<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${y0}" y2="${y0 + 5}" stroke="#374151"/>` +
          `<text x="${x(v).toFixed(1)}" y="${y0 + 18}" text-anchor="middle" font-size="11">${xFormat(v)}</text>`,
      ),
    `<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" stroke="#374151"/>`,
    `<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y1}" stroke="#374151"/>`,
    `<text x="${(x0 + x1) / 2}" y="${y0 + 36}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
  ];
}

/** The width of a legend box for these rows (12px sans-serif: about 6.5px a character). */
function legendWidth(rows: { label: string }[]): number {
  return 44 + Math.ceil(6.5 * Math.max(...rows.map((r) => r.label.length)));
}

/** A legend box: one row per entry, each with its own mark (a line sample, a dot, a ring). */
function legend(at: { x: number; y: number }, rows: { mark: string; label: string }[]): string[] {
  const w = legendWidth(rows);
  return [
    `<rect x="${at.x}" y="${at.y}" width="${w}" height="${8 + 18 * rows.length}" fill="white" fill-opacity="0.9" stroke="#d1d5db"/>`,
    ...rows.map(
      (r, k) =>
        `<g transform="translate(${at.x + 8} ${at.y + 16 + 18 * k})">${r.mark}<text x="26" y="4" font-size="12">${esc(r.label)}</text></g>`,
    ),
  ];
}

/** A line chart of one or more series over steps 1…n (e.g. training and test loss per epoch). */
export function lineChart(
  series: Record<string, number[]>,
  opts: {
    title?: string;
    xLabel?: string;
    yLabel?: string;
    log?: boolean;
    legend?: 'top-right' | 'bottom-left';
  } = {},
): string {
  const W = 640;
  const H = 380;
  const m = { l: 64, r: 20, t: 36, b: 52 };
  const values = Object.values(series)
    .flat()
    .filter((v) => Number.isFinite(v) && (!opts.log || v > 0));
  const n = Math.max(...Object.values(series).map((s) => s.length));
  const x = scaleLinear()
    .domain([1, Math.max(n, 2)])
    .range([m.l, W - m.r]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // a log axis keeps the data's own range (nice() would stretch it to whole decades)
  const y = opts.log
    ? scaleLog()
        .domain([lo / 1.05, hi * 1.05])
        .range([H - m.b, m.t])
    : scaleLinear()
        .domain([lo, hi])
        .nice()
        .range([H - m.b, m.t]);
  const lines = Object.entries(series).map(([name, s], k) => {
    const points = s
      .map((v, i) => (Number.isFinite(v) ? `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}` : null))
      .filter(Boolean);
    return `<polyline fill="none" stroke="${COLOURS[k % 4]}" stroke-width="2" points="${points.join(' ')}"><title>${esc(name)}</title></polyline>`;
  });
  const names = Object.keys(series);
  const rows = names.map((name, k) => ({
    mark: `<line x1="0" x2="20" y1="0" y2="0" stroke="${COLOURS[k % 4]}" stroke-width="2"/>`,
    label: name,
  }));
  const at =
    opts.legend === 'bottom-left'
      ? { x: m.l + 12, y: H - m.b - 14 - 18 * rows.length }
      : { x: W - m.r - 8 - legendWidth(rows), y: m.t + 8 };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title ?? '')}</text>`,
    ...axes({ x, y, xLabel: opts.xLabel ?? '', yLabel: opts.yLabel ?? '', log: opts.log }),
    ...lines,
    ...(names.length > 1 ? legend(at, rows) : []),
    '</svg>',
  ].join('\n');
}

/** Points of a data set: coordinates and class labels. */
export interface LabelledPoints {
  points: number[][];
  labels: number[];
}

/**
 * A decision boundary: a grid of predicted class colours under the data, with training
 * points filled and test points as rings, on axes with round ticks and a legend.
 */
export function decisionBoundary(
  predict: (points: number[][]) => number[],
  data: { train: LabelledPoints; test?: LabelledPoints },
  opts: { title?: string; resolution?: number } = {},
): string {
  const S = 440;
  const m = { l: 56, r: 16, t: 36, b: 52 };
  const res = opts.resolution ?? 80;
  const all = [...data.train.points, ...(data.test?.points ?? [])];
  const x = scaleLinear()
    .domain(padded(all.map((p) => p[0])))
    .nice()
    .range([m.l, m.l + S]);
  const y = scaleLinear()
    .domain(padded(all.map((p) => p[1])))
    .nice()
    .range([m.t + S, m.t]);
  const [x0, x1] = x.domain();
  const [y0, y1] = y.domain();
  const grid: number[][] = [];
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++)
      grid.push([x0 + ((i + 0.5) / res) * (x1 - x0), y1 - ((j + 0.5) / res) * (y1 - y0)]);
  const cell = S / res;
  const classes = [...new Set(data.train.labels)].sort((a, b) => a - b);
  const dot = (c: number, test: boolean) =>
    test
      ? `r="3.5" fill="white" stroke="${COLOURS[c % 4]}" stroke-width="1.5"`
      : `r="2.5" fill="${COLOURS[c % 4]}"`;
  const draw = (d: LabelledPoints, test: boolean) =>
    d.points.map(
      (p, k) =>
        `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" ${dot(d.labels[k], test)}/>`,
    );
  const rows = [
    ...classes.map((c) => ({
      mark: `<rect x="2" y="-6" width="16" height="12" fill="${FILLS[c % 4]}" stroke="${COLOURS[c % 4]}"/>`,
      label: `predicted class ${c}`,
    })),
    { mark: `<circle cx="10" cy="0" r="2.5" fill="#374151"/>`, label: 'training point' },
    ...(data.test
      ? [
          {
            mark: `<circle cx="10" cy="0" r="3.5" fill="white" stroke="#374151" stroke-width="1.5"/>`,
            label: 'test point',
          },
        ]
      : []),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${m.l + S + 24 + legendWidth(rows) + m.r}" height="${m.t + S + m.b}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${m.l + S / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title ?? '')}</text>`,
    ...runs(predict(grid), res).map(
      ({ row, start, length, c }) =>
        `<rect x="${(m.l + start * cell).toFixed(1)}" y="${(m.t + row * cell).toFixed(1)}" width="${(length * cell + 0.5).toFixed(1)}" height="${(cell + 0.5).toFixed(1)}" fill="${FILLS[c % 4]}"/>`,
    ),
    ...draw(data.train, false),
    ...(data.test ? draw(data.test, true) : []),
    ...axes({ x, y, xLabel: 'x₁', yLabel: 'x₂' }),
    ...legend({ x: m.l + S + 12, y: m.t }, rows),
    '</svg>',
  ].join('\n');
}

/** Cells of each grid row merged into runs of one class: one rect per run keeps the file small. */
function runs(
  classes: number[],
  res: number,
): { row: number; start: number; length: number; c: number }[] {
  const out: { row: number; start: number; length: number; c: number }[] = [];
  classes.forEach((c, k) => {
    const [row, col] = [Math.floor(k / res), k % res];
    const last = out[out.length - 1];
    if (col > 0 && last.c === c) last.length++;
    else out.push({ row, start: col, length: 1, c });
  });
  return out;
}

/** The range of `values` widened by a tenth on each side. */
function padded(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = 0.1 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

/** One grey-level image (row-major, 0 = white, 1 = black) and its caption. */
export interface Thumb {
  pixels: number[];
  caption: string;
}

/** Images in a grid, each scaled up with square pixels and captioned underneath. */
export function imageGrid(
  images: Thumb[],
  opts: { title: string; side: number; columns: number; scale?: number },
): string {
  const { side, columns } = opts;
  const px = opts.scale ?? 4;
  const cell = side * px + 16;
  const rows = Math.ceil(images.length / columns);
  const width = Math.max(columns * cell, 8 * opts.title.length) + 16;
  // four grey levels (below 0.3 is white) and each row's equal neighbours in one rect: a
  // picture of noisy images stays a small file
  const level = (v: number) => (v < 0.3 ? 0 : Math.round(3 * Math.min(1, v)));
  const grey = (l: number) => {
    const c = Math.round(255 * (1 - l / 3));
    return `rgb(${c},${c},${c})`;
  };
  const thumbs = images.map((img, k) => {
    const [x, y] = [8 + (k % columns) * cell, 36 + Math.floor(k / columns) * (cell + 6)];
    const cells: string[] = [];
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side;) {
        const l = level(img.pixels[r * side + c]);
        let e = c + 1;
        while (e < side && level(img.pixels[r * side + e]) === l) e++;
        if (l > 0)
          cells.push(
            `<rect x="${c * px}" y="${r * px}" width="${(e - c) * px}" height="${px}" fill="${grey(l)}"/>`,
          );
        c = e;
      }
    }
    return (
      `<g transform="translate(${x} ${y})"><rect width="${side * px}" height="${side * px}" fill="white" stroke="#d1d5db"/>${cells.join('')}` +
      `<text x="${(side * px) / 2}" y="${side * px + 14}" text-anchor="middle" font-size="11">${esc(img.caption)}</text></g>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${44 + rows * (cell + 6)}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="22" font-size="15">${esc(opts.title)}</text>`,
    ...thumbs,
    '</svg>',
  ].join('\n');
}
