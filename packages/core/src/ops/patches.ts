// Sliding blocks (PyTorch's F.unfold and F.fold): the two linear maps that convolution and
// pooling are built from. Each is the other's adjoint, so each one's gradient is the other
// and every convolution differentiates to any order without a rule of its own.
import { checkInt, checkIntArray, checkOptions, show } from '../args';
import { fmt, ShapeError, ValueError } from '../errors';
import { col2im, im2col, type Patches } from '../kernels/index';
import type { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { empty, record, toTensor, type TensorLike } from './op';

/** A size per spatial dim, or one size for both. */
export type Size2 = number | readonly [number, number];

/** Options of `unfold` and `fold`, as in PyTorch: each a size or one per spatial dim. */
export interface PatchOptions {
  dilation?: Size2;
  padding?: Size2;
  stride?: Size2;
}

/** `v` as [height, width], checked: a number stands for both. */
export function pair(op: string, name: string, v: unknown, min: number): [number, number] {
  if (typeof v === 'number') {
    checkInt(op, name, v, min);
    return [v, v];
  }
  const a = checkIntArray(op, name, v, min);
  if (a.length !== 2)
    throw new ValueError(op, `${name} must be a number or 2 numbers, got ${show(v)}`);
  return [a[0], a[1]];
}

/** `v` as [1 (or `h`), width] for a 1-D op: a number, or an array of one. */
export function widthOnly(
  op: string,
  name: string,
  v: unknown,
  min: number,
  h = 1,
): [number, number] {
  const n = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
  if (typeof n !== 'number')
    throw new ValueError(op, `${name} must be a number or an array of 1 number, got ${show(v)}`);
  checkInt(op, name, n, min);
  return [h, n];
}

/** How many blocks fit along one dim; `ceil` keeps a last partial block that starts inside. */
export function blockCount(
  size: number,
  k: number,
  stride: number,
  pad: number,
  dilation: number,
  ceil = false,
): number {
  const span = size + 2 * pad - dilation * (k - 1) - 1;
  if (span < 0) return 0;
  let n = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (n - 1) * stride >= size + pad) n--;
  return n;
}

/** The block geometry of an input [N, C, H, W] for a kernel, checked: at least one block fits. */
export function patchesOf(
  op: string,
  shape: readonly number[],
  kernel: Size2,
  opts: PatchOptions & { ceilMode?: boolean },
  kernelName = 'kernelSize',
): Patches {
  const [kh, kw] = pair(op, kernelName, kernel, 1);
  const [dh, dw] = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const [ph, pw] = pair(op, 'padding', opts.padding ?? 0, 0);
  const [sh, sw] = pair(op, 'stride', opts.stride ?? 1, 1);
  const [, channels, height, width] = shape;
  const ceil = opts.ceilMode ?? false;
  const oh = blockCount(height, kh, sh, ph, dh, ceil);
  const ow = blockCount(width, kw, sw, pw, dw, ceil);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      op,
      `a ${kh}×${kw} kernel (dilation ${dh}×${dw}, padding ${ph}×${pw}) does not fit input ${fmt(shape)}`,
    );
  }
  return { channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

/** The blocks of x [N, C, H, W] as columns [N, C·kh·kw, oh·ow]; outside the input reads `fill`. */
export function blocks(x: Tensor, p: Patches, fill = 0): Tensor {
  if (trace.on && trace.entering !== blocks) return traced(blocks, [x, p, fill]);
  const n = x.shape[0];
  const cols = empty([n, p.channels * p.kh * p.kw, p.oh * p.ow], x.dtype);
  im2col(x.data, cols.storage.data, n, p, fill);
  return record('functional.unfold', [x], cols, (dy) => [unblocks(dy, p)]);
}

/** Columns [N, C·kh·kw, oh·ow] added back into [N, C, H, W]: `blocks`' adjoint. */
export function unblocks(cols: Tensor, p: Patches): Tensor {
  if (trace.on && trace.entering !== unblocks) return traced(unblocks, [cols, p]);
  const n = cols.shape[0];
  const y = empty([n, p.channels, p.height, p.width], cols.dtype);
  col2im(cols.data, y.storage.data, n, p);
  return record('functional.fold', [cols], y, (dy) => [blocks(dy, p)]);
}

/**
 * x's layout as [N, C, H, W] (a 1-D op's as [N, C, 1, L], an unbatched input's with N = 1),
 * checked before any op runs: `shape` is it, `restore` gives a result [N, C', h, w] the
 * input's layout again.
 */
export function spatial(
  op: string,
  x: Tensor,
  dims: 1 | 2,
  what: string,
): { shape: number[]; restore: (y: Tensor) => Tensor } {
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2)
    throw new ShapeError(op, `expected ${what}, got ${fmt(x.shape)}`);
  const batch = x.ndim === dims + 2 ? x.shape.slice(0, 1) : [];
  const rest = x.shape.slice(batch.length);
  const shape = [batch[0] ?? 1, rest[0], ...(dims === 1 ? [1] : []), ...rest.slice(1)];
  const restore = (y: Tensor) =>
    y.reshape([...batch, y.shape[1], ...(dims === 1 ? y.shape.slice(3) : y.shape.slice(2))]);
  return { shape, restore };
}

/**
 * The sliding blocks of x [N, C, H, W] as columns [N, C·kh·kw, L] (PyTorch's `F.unfold`,
 * im2col): column l holds the block at position l, channel-major, zero outside the input.
 * @example
 * ```ts
 * ad.functional.unfold(ad.ones([1, 2, 4, 4]), 3, { padding: 1 }).shape // [1, 18, 16]
 * ```
 */
export function unfold(x: TensorLike, kernelSize: Size2, opts: PatchOptions = {}): Tensor {
  if (trace.on && trace.entering !== unfold) return traced(unfold, [x, kernelSize, opts]);
  const a = toTensor('functional.unfold', x);
  const o = checkOptions('functional.unfold', opts, ['dilation', 'padding', 'stride']);
  const { shape } = spatial('functional.unfold', a, 2, '[N, C, H, W] or [C, H, W]');
  const p = patchesOf('functional.unfold', shape, kernelSize, o);
  const cols = blocks(a.reshape(shape), p);
  return a.ndim === 4 ? cols : cols.squeeze(0);
}

/**
 * Sums columns [N, C·kh·kw, L] back into [N, C, H, W] (PyTorch's `F.fold`, col2im): the
 * adjoint of `unfold`, where overlapping blocks add up.
 * @example
 * ```ts
 * const F = ad.functional;
 * F.fold(F.unfold(x, 2), [4, 4], 2) // x again, for non-overlapping 2×2 blocks
 * ```
 */
export function fold(
  cols: TensorLike,
  outputSize: Size2,
  kernelSize: Size2,
  opts: PatchOptions = {},
): Tensor {
  if (trace.on && trace.entering !== fold)
    return traced(fold, [cols, outputSize, kernelSize, opts]);
  const c = toTensor('functional.fold', cols);
  const o = checkOptions('functional.fold', opts, ['dilation', 'padding', 'stride']);
  const [h, w] = pair('functional.fold', 'outputSize', outputSize, 1);
  if (c.ndim !== 2 && c.ndim !== 3)
    throw new ShapeError(
      'functional.fold',
      `expected [N, C·kh·kw, L] or [C·kh·kw, L], got ${fmt(c.shape)}`,
    );
  const shape = c.ndim === 3 ? c.shape : [1, ...c.shape];
  const [kh, kw] = pair('functional.fold', 'kernelSize', kernelSize, 1);
  if (shape[1] % (kh * kw) !== 0)
    throw new ShapeError(
      'functional.fold',
      `${fmt(c.shape)}: dim ${c.ndim - 2} (${shape[1]}) is not a multiple of the kernel's ${kh}×${kw}`,
    );
  const p = patchesOf('functional.fold', [shape[0], shape[1] / (kh * kw), h, w], [kh, kw], o);
  if (p.oh * p.ow !== shape[2])
    throw new ShapeError(
      'functional.fold',
      `${fmt(c.shape)} has ${shape[2]} blocks, but ${p.oh}×${p.ow} fit output ${h}×${w}`,
    );
  const y = unblocks(c.reshape(shape), p);
  return c.ndim === 3 ? y : y.squeeze(0);
}
