// Pooling as PyTorch defines it, built on the sliding blocks: max pooling reads −∞ outside
// the input and sends each window's gradient to its first maximum; average pooling divides
// by PyTorch's count (with or without the padding); adaptive pooling averages PyTorch's
// variable windows, written as products with averaging matrices so they run on the gemm.
import { checkBool, checkInt, checkOptions, show } from '../args';
import { allocate, isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { named, toTensor, type TensorLike } from './op';
import type { OpName } from './names';
import { blocks, pair, patchesOf, type Size2, spatial, widthOnly } from './patches';

/** Options of `maxPool1d`/`maxPool2d`, as in PyTorch; `stride` defaults to the kernel size. */
export interface MaxPoolOptions {
  stride?: Size2 | null;
  padding?: Size2;
  dilation?: Size2;
  ceilMode?: boolean;
}

/** Options of `avgPool1d`/`avgPool2d`, as in PyTorch. */
export interface AvgPoolOptions {
  stride?: Size2 | null;
  padding?: Size2;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** x, checked to be a float tensor of a pooling layout, and that layout as [N, C, H, W]. */
function floatInput(op: OpName, x: TensorLike, dims: 1 | 2) {
  const a = toTensor(op, x);
  if (!isFloat(a.dtype)) throw new DTypeError(op, `expects a float tensor, got ${a.dtype}`);
  const what = dims === 2 ? '[N, C, H, W] or [C, H, W]' : '[N, C, L] or [C, L]';
  return { a, ...spatial(op, a, dims, what) };
}

function windows(op: OpName, shape: number[], kernel: Size2, o: MaxPoolOptions, dims: number) {
  // a 1-D op's sizes are widths, with height 1 (padding 0)
  const sizes = (name: string, v: unknown, min: number, h = 1) =>
    dims === 2 ? pair(op, name, v, min) : widthOnly(op, name, v, min, h);
  const [kh, kw] = sizes('kernelSize', kernel, 1);
  const [ph, pw] = sizes('padding', o.padding ?? 0, 0, 0);
  if (ph > kh / 2 || pw > kw / 2)
    throw new ValueError(
      op,
      `padding ${show(o.padding)} must be at most half the kernel size ${show(kernel)}`,
    );
  return patchesOf(op, shape, [kh, kw], {
    stride: o.stride === undefined || o.stride === null ? [kh, kw] : sizes('stride', o.stride, 1),
    padding: [ph, pw],
    dilation: sizes('dilation', o.dilation ?? 1, 1),
    ceilMode: checkBool(op, 'ceilMode', o.ceilMode ?? false),
  });
}

function maxPool(
  op: OpName,
  x: TensorLike,
  kernel: Size2,
  opts: MaxPoolOptions,
  dims: 1 | 2,
): Tensor {
  const o = checkOptions(op, opts, ['stride', 'padding', 'dilation', 'ceilMode']);
  const { a, shape, restore } = floatInput(op, x, dims);
  const p = windows(op, shape, kernel, o, dims);
  const [n, c] = shape;
  return named(op, () => {
    const cols = blocks(a.reshape(shape), p, -Infinity).reshape([n, c, p.kh * p.kw, p.oh * p.ow]);
    return restore(cols.max(2).reshape([n, c, p.oh, p.ow]));
  });
}

/**
 * 2-D max pooling (PyTorch's `F.max_pool2d`): the largest element of each window, reading
 * −∞ outside the input; the gradient goes to the window's first maximum.
 * @example
 * ```ts
 * ad.functional.maxPool2d(x, 2) // halves H and W
 * ```
 */
export function maxPool2d(x: TensorLike, kernelSize: Size2, opts: MaxPoolOptions = {}): Tensor {
  if (trace.on && trace.entering !== maxPool2d) return traced(maxPool2d, [x, kernelSize, opts]);
  return maxPool('functional.maxPool2d', x, kernelSize, opts, 2);
}

/**
 * 1-D max pooling (PyTorch's `F.max_pool1d`) over [N, C, L] or [C, L].
 * @example
 * ```ts
 * ad.functional.maxPool1d(x, 3, { stride: 2, padding: 1 })
 * ```
 */
export function maxPool1d(x: TensorLike, kernelSize: number, opts: MaxPoolOptions = {}): Tensor {
  if (trace.on && trace.entering !== maxPool1d) return traced(maxPool1d, [x, kernelSize, opts]);
  return maxPool('functional.maxPool1d', x, kernelSize, opts, 1);
}

/** PyTorch's divisor per window position along one dim: the window's size, clipped. */
function counts(
  size: number,
  out: number,
  k: number,
  s: number,
  pad: number,
  withPad: boolean,
): number[] {
  return Array.from({ length: out }, (_, i) => {
    const start = i * s - pad;
    const end = Math.min(start + k, size + pad);
    return withPad ? end - start : Math.min(end, size) - Math.max(start, 0);
  });
}

function avgPool(
  op: OpName,
  x: TensorLike,
  kernel: Size2,
  opts: AvgPoolOptions,
  dims: 1 | 2,
): Tensor {
  const o = checkOptions(op, opts, [
    'stride',
    'padding',
    'ceilMode',
    'countIncludePad',
    'divisorOverride',
  ]);
  const { a, shape, restore } = floatInput(op, x, dims);
  const withPad = checkBool(op, 'countIncludePad', o.countIncludePad ?? true);
  const divisor =
    o.divisorOverride === undefined || o.divisorOverride === null
      ? null
      : checkInt(op, 'divisorOverride', o.divisorOverride, 1);
  const p = windows(op, shape, kernel, { ...o, dilation: 1 }, dims);
  const [n, c] = shape;
  return named(op, () => {
    const sums = blocks(a.reshape(shape), p)
      .reshape([n, c, p.kh * p.kw, p.oh * p.ow])
      .sum(2);
    let by: Tensor | number = divisor ?? 0;
    if (divisor === null) {
      const rows = counts(p.height, p.oh, p.kh, p.sh, p.ph, withPad);
      const cols = counts(p.width, p.ow, p.kw, p.sw, p.pw, withPad);
      const d = allocate(a.dtype, p.oh * p.ow);
      rows.forEach((r, i) => cols.forEach((q, j) => (d[i * p.ow + j] = r * q)));
      by = new Tensor(d, [p.oh * p.ow]);
    }
    return restore(sums.div(by).reshape([n, c, p.oh, p.ow]));
  });
}

/**
 * 2-D average pooling (PyTorch's `F.avg_pool2d`); `countIncludePad` (default true) counts
 * the zero padding in each window's divisor, `divisorOverride` replaces it.
 * @example
 * ```ts
 * ad.functional.avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false })
 * ```
 */
export function avgPool2d(x: TensorLike, kernelSize: Size2, opts: AvgPoolOptions = {}): Tensor {
  if (trace.on && trace.entering !== avgPool2d) return traced(avgPool2d, [x, kernelSize, opts]);
  return avgPool('functional.avgPool2d', x, kernelSize, opts, 2);
}

/**
 * 1-D average pooling (PyTorch's `F.avg_pool1d`) over [N, C, L] or [C, L].
 * @example
 * ```ts
 * ad.functional.avgPool1d(x, 2)
 * ```
 */
export function avgPool1d(x: TensorLike, kernelSize: number, opts: AvgPoolOptions = {}): Tensor {
  if (trace.on && trace.entering !== avgPool1d) return traced(avgPool1d, [x, kernelSize, opts]);
  if (opts.divisorOverride !== undefined)
    throw new ValueError('functional.avgPool1d', 'divisorOverride is a 2-D option (as in PyTorch)');
  return avgPool('functional.avgPool1d', x, kernelSize, opts, 1);
}

/** [out, size]: row i averages PyTorch's window [⌊i·size/out⌋, ⌈(i+1)·size/out⌉). */
export function averaging(size: number, out: number, dtype: Tensor['dtype']): Tensor {
  const m = allocate(dtype, out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) m[i * size + j] = 1 / (end - start);
  }
  return new Tensor(m, [out, size]);
}

function outputSizes(op: OpName, v: unknown, dims: number, given: readonly number[]): number[] {
  const list = typeof v === 'number' || v === null ? Array(dims).fill(v) : v;
  if (!Array.isArray(list) || list.length !== dims)
    throw new ValueError(
      op,
      `outputSize must be a size or ${dims} sizes (null keeps one), got ${show(v)}`,
    );
  return list.map((s, i) => (s === null ? given[i] : checkInt(op, 'outputSize', s, 1)));
}

/**
 * 2-D adaptive average pooling (PyTorch's `F.adaptive_avg_pool2d`): the output is
 * `outputSize` (a size, or [h, w] with null keeping that dim), windows as PyTorch splits them.
 * @example
 * ```ts
 * ad.functional.adaptiveAvgPool2d(x, 1) // global average: [N, C, 1, 1]
 * ```
 */
export function adaptiveAvgPool2d(
  x: TensorLike,
  outputSize: number | readonly (number | null)[],
): Tensor {
  if (trace.on && trace.entering !== adaptiveAvgPool2d)
    return traced(adaptiveAvgPool2d, [x, outputSize]);
  const op = 'functional.adaptiveAvgPool2d';
  const { a } = floatInput(op, x, 2);
  const [h, w] = a.shape.slice(-2);
  const [oh, ow] = outputSizes(op, outputSize, 2, [h, w]);
  return named(op, () => {
    if (oh === 1 && ow === 1) return a.mean([-2, -1], { keepdim: true });
    const rows = oh === h ? a : averaging(h, oh, a.dtype).matmul(a);
    return ow === w ? rows : rows.matmul(averaging(w, ow, a.dtype).mT);
  });
}

/**
 * 1-D adaptive average pooling (PyTorch's `F.adaptive_avg_pool1d`) over [N, C, L] or [C, L].
 * @example
 * ```ts
 * ad.functional.adaptiveAvgPool1d(x, 4)
 * ```
 */
export function adaptiveAvgPool1d(x: TensorLike, outputSize: number): Tensor {
  if (trace.on && trace.entering !== adaptiveAvgPool1d)
    return traced(adaptiveAvgPool1d, [x, outputSize]);
  const op = 'functional.adaptiveAvgPool1d';
  const a = toTensor(op, x);
  if (!isFloat(a.dtype)) throw new DTypeError(op, `expects a float tensor, got ${a.dtype}`);
  if (a.ndim !== 2 && a.ndim !== 3)
    throw new ShapeError(op, `expected [N, C, L] or [C, L], got ${fmt(a.shape)}`);
  const l = a.shape[a.ndim - 1];
  const [out] = outputSizes(op, outputSize, 1, [l]);
  return named(op, () => (out === l ? a : a.matmul(averaging(l, out, a.dtype).mT)));
}
