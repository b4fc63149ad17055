// Small SVG charts for the examples and docs: no plotting dependency, readable output.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A line chart of one or more series (e.g. training and validation loss per epoch). */
export function lineChart(series: Record<string, number[]>,
  opts: { title?: string; xLabel?: string; yLabel?: string; log?: boolean; legend?: 'top-right' | 'bottom-left' } = {}): string {
  const W = 640;
  const H = 360;
  const m = { l: 64, r: 16, t: 36, b: 44 };
  const f = (v: number) => (opts.log ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = Object.values(series).flat().map(f);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const n = Math.max(...Object.values(series).map((s) => s.length));
  const x = (i: number) => m.l + ((W - m.l - m.r) * i) / Math.max(n - 1, 1);
  const y = (v: number) => m.t + (H - m.t - m.b) * (1 - (f(v) - lo) / (hi - lo || 1));
  const colours = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];
  const bottom = opts.legend === 'bottom-left';
  const legendX = bottom ? m.l + 12 : W - m.r - 150;
  const legendY = bottom ? H - m.b - 12 - 18 * (Object.keys(series).length - 1) : m.t + 16;
  const lines = Object.entries(series).map(([name, s], k) =>
    `<polyline fill="none" stroke="${colours[k % 4]}" stroke-width="2" points="${s.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"><title>${esc(name)}</title></polyline>` +
    `<text x="${legendX}" y="${legendY + 18 * k}" fill="${colours[k % 4]}" font-size="13">— ${esc(name)}</text>`);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const v = lo + t * (hi - lo);
    const label = opts.log ? (10 ** v).toExponential(1) : v.toPrecision(3);
    const yy = m.t + (H - m.t - m.b) * (1 - t);
    return `<line x1="${m.l}" x2="${W - m.r}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/><text x="${m.l - 6}" y="${yy + 4}" text-anchor="end" font-size="11">${label}</text>`;
  });
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const i = Math.round(t * (n - 1));
    return `<text x="${x(i)}" y="${H - m.b + 16}" text-anchor="middle" font-size="11">${i + 1}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    ...ticks,
    ...xTicks,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title ?? '')}</text>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(opts.xLabel ?? '')}</text>`,
    `<text transform="translate(16 ${H / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(opts.yLabel ?? '')}</text>`,
    ...lines,
    '</svg>',
  ].join('\n');
}

/** A decision boundary: a grid of predicted class colours with the data points on top. */
export function decisionBoundary(
  predict: (points: number[][]) => number[],
  points: number[][],
  labels: number[],
  opts: { title?: string; resolution?: number; extent?: [number, number, number, number] } = {},
): string {
  const S = 480;
  const res = opts.resolution ?? 80;
  const [x0, x1, y0, y1] = opts.extent ?? extentOf(points);
  const grid: number[][] = [];
  for (let j = 0; j < res; j++) for (let i = 0; i < res; i++) grid.push([x0 + ((i + 0.5) / res) * (x1 - x0), y1 - ((j + 0.5) / res) * (y1 - y0)]);
  const classes = predict(grid);
  const cell = S / res;
  const fills = ['#bfdbfe', '#fecaca', '#bbf7d0', '#e9d5ff'];
  const dots = ['#1d4ed8', '#b91c1c', '#15803d', '#7e22ce'];
  const px = (v: number) => ((v - x0) / (x1 - x0)) * S;
  const py = (v: number) => ((y1 - v) / (y1 - y0)) * S;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S + 30}" font-family="sans-serif">`,
    `<text x="${S / 2}" y="20" text-anchor="middle" font-size="15">${esc(opts.title ?? '')}</text>`,
    `<g transform="translate(0 30)">`,
    ...runs(classes, res).map(({ row, start, length, c }) =>
      `<rect x="${(start * cell).toFixed(1)}" y="${(row * cell).toFixed(1)}" width="${(length * cell + 0.5).toFixed(1)}" height="${(cell + 0.5).toFixed(1)}" fill="${fills[c % 4]}"/>`),
    ...points.map((p, k) => `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="2.5" fill="${dots[labels[k] % 4]}"/>`),
    '</g></svg>',
  ].join('\n');
}

/** Cells of each grid row merged into runs of one class: one rect per run keeps the file small. */
function runs(classes: number[], res: number): { row: number; start: number; length: number; c: number }[] {
  const out: { row: number; start: number; length: number; c: number }[] = [];
  classes.forEach((c, k) => {
    const [row, col] = [Math.floor(k / res), k % res];
    const last = out[out.length - 1];
    if (col > 0 && last.c === c) last.length++;
    else out.push({ row, start: col, length: 1, c });
  });
  return out;
}

function extentOf(points: number[][]): [number, number, number, number] {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const pad = 0.1 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  return [Math.min(...xs) - pad, Math.max(...xs) + pad, Math.min(...ys) - pad, Math.max(...ys) + pad];
}
