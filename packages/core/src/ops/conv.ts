// Convolutions as PyTorch computes them on CPU: the input's blocks laid out as columns
// (im2col), then one product with the weights, which runs on the gemm kernels in forward and
// backward alike. A transposed convolution is the same two steps in reverse order.
import { checkInt, checkOptions, show } from '../args';
import { isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import type { Patches } from '../kernels/index';
import type { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { named, toTensor, type TensorLike } from './op';
import type { OpName } from './names';
import { blockCount, blocks, pair, type Size2, spatial, unblocks, widthOnly } from './patches';
import { convolveBlocks } from './conv-blocks';

/** Options of `conv1d`/`conv2d`: PyTorch's, with `padding` also 'same' or 'valid'. */
export interface ConvOptions {
  stride?: Size2;
  padding?: Size2 | 'same' | 'valid';
  dilation?: Size2;
  groups?: number;
}

/** Options of `convTranspose1d`/`convTranspose2d`. */
export interface ConvTransposeOptions {
  stride?: Size2;
  padding?: Size2;
  outputPadding?: Size2;
  dilation?: Size2;
  groups?: number;
}

type Pair = [number, number];

/** The checked tensors of a convolution: input, weight and bias of one float dtype. */
function operands<O extends object>(
  op: OpName,
  input: TensorLike,
  weight: TensorLike,
  bias: TensorLike | null | undefined,
  opts: O,
  dims: 1 | 2,
  transposed: boolean,
): [Tensor, Tensor, Tensor | null, O] {
  const x = toTensor(op, input);
  const w = toTensor(op, weight, x);
  const b = bias === null || bias === undefined ? null : toTensor(op, bias, x);
  for (const [name, t] of [
    ['weight', w],
    ['bias', b],
  ] as const) {
    if (t !== null && (t.dtype !== x.dtype || !isFloat(x.dtype)))
      throw new DTypeError(
        op,
        `input (${x.dtype}) and ${name} (${t.dtype}) must be one float dtype`,
      );
  }
  const keys = transposed
    ? ['stride', 'padding', 'outputPadding', 'dilation', 'groups']
    : ['stride', 'padding', 'dilation', 'groups'];
  const o = checkOptions(op, opts, keys);
  if (w.ndim !== dims + 2) {
    const layout = transposed ? 'in, out/groups' : 'out, in/groups';
    throw new ShapeError(
      op,
      `weight ${fmt(w.shape)} must be [${layout}, ${dims === 2 ? 'kh, kw' : 'k'}]`,
    );
  }
  return [x, w, b, o];
}

/** `v` as a pair; a 1-D op's size is the width, with height 1 (or `h`). */
function sizes(op: OpName, name: string, v: unknown, min: number, dims: number, h = 1): Pair {
  return dims === 2 ? pair(op, name, v, min) : widthOnly(op, name, v, min, h);
}

/** The group count, checked: it divides the input and output channels. */
function checkGroups(op: OpName, groups: unknown, inC: number, outC: number): number {
  const g = checkInt(op, 'groups', groups, 1);
  if (inC % g !== 0 || outC % g !== 0)
    throw new ValueError(op, `groups ${g} must divide the ${inC} in and ${outC} out channels`);
  return g;
}

/** w's shape as 2-D weights: a 1-D op's kernel gains height 1. */
function kernel4(w: Tensor, dims: 1 | 2): number[] {
  return dims === 2 ? [...w.shape] : [w.shape[0], w.shape[1], 1, w.shape[2]];
}

/**
 * The convolution of x [N, C, H, W] (or an unbatched or 1-D layout) with weights
 * [O, C/g, kh, kw]: every argument is checked first, then the input's blocks become columns
 * and each group's weights multiply its columns in one product.
 */
function convolve(
  op: OpName,
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  o: ConvOptions,
  dims: 1 | 2,
): Tensor {
  const { shape, restore } = spatial(
    op,
    x,
    dims,
    dims === 2 ? '[N, C, H, W] or [C, H, W]' : '[N, C, L] or [C, L]',
  );
  const [n, c, h, wd] = shape;
  const ws = kernel4(w, dims);
  const [out, cg, kh, kw] = ws;
  const groups = checkGroups(op, o.groups ?? 1, c, out);
  if (c !== cg * groups)
    throw new ShapeError(
      op,
      `input ${fmt(x.shape)} has ${c} channels, weight ${fmt(w.shape)} takes ${cg} × ${groups} groups`,
    );
  if (b !== null) checkBias(op, b, out);
  const [sh, sw] = sizes(op, 'stride', o.stride ?? 1, 1, dims);
  const [dh, dw] = sizes(op, 'dilation', o.dilation ?? 1, 1, dims);
  let [ph, pw] = [0, 0];
  let same = false;
  if (o.padding === 'same') {
    if (sh !== 1 || sw !== 1)
      throw new ValueError(op, `padding 'same' needs stride 1, got ${show(o.stride)}`);
    // PyTorch puts the odd one of an even kernel's padding after the input
    [ph, pw] = [Math.floor((dh * (kh - 1)) / 2), Math.floor((dw * (kw - 1)) / 2)];
    same = true;
  } else if (o.padding !== 'valid') {
    [ph, pw] = sizes(op, 'padding', o.padding ?? 0, 0, dims, 0);
  }
  const oh = same ? h : blockCount(h, kh, sh, ph, dh);
  const ow = same ? wd : blockCount(wd, kw, sw, pw, dw);
  if (oh < 1 || ow < 1)
    throw new ShapeError(
      op,
      `weight ${fmt(w.shape)} (dilation ${show(o.dilation ?? 1)}, padding ${show(o.padding ?? 0)}) does not fit input ${fmt(x.shape)}`,
    );
  const p: Patches = { channels: c, height: h, width: wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
  return named(op, () => {
    const k = cg * kh * kw;
    if (groups === 1)
      return restore(
        convolveBlocks(x.reshape(shape), w.reshape([out, k]), p, b).reshape([n, out, oh, ow]),
      );
    const y = w
      .reshape([groups, out / groups, k])
      .matmul(blocks(x.reshape(shape), p).reshape([n, groups, k, oh * ow]));
    const shaped = y.reshape([n, out, oh, ow]);
    return restore(b === null ? shaped : shaped.add(b.reshape([out, 1, 1])));
  });
}

function checkBias(op: OpName, b: Tensor, out: number): Tensor {
  if (b.ndim !== 1 || b.shape[0] !== out)
    throw new ShapeError(op, `bias ${fmt(b.shape)} does not fit ${out} out channels ([${out}])`);
  return b;
}

/**
 * 2-D convolution (PyTorch's `F.conv2d`, a cross-correlation): input [N, C, H, W] or
 * [C, H, W], weight [O, C/groups, kh, kw], bias [O]; `padding` may be 'same' or 'valid'.
 * @example
 * ```ts
 * ad.functional.conv2d(x, w, b, { padding: 'same' }) // [N, O, H, W]
 * ```
 */
export function conv2d(
  input: TensorLike,
  weight: TensorLike,
  bias: TensorLike | null = null,
  opts: ConvOptions = {},
): Tensor {
  if (trace.on && trace.entering !== conv2d) return traced(conv2d, [input, weight, bias, opts]);
  const op = 'functional.conv2d';
  const [x, w, b, o] = operands(op, input, weight, bias, opts, 2, false);
  return convolve(op, x, w, b, o, 2);
}

/**
 * 1-D convolution (PyTorch's `F.conv1d`): input [N, C, L] or [C, L], weight [O, C/groups, k].
 * @example
 * ```ts
 * ad.functional.conv1d(x, w, null, { stride: 2, padding: 1 }) // [N, O, L']
 * ```
 */
export function conv1d(
  input: TensorLike,
  weight: TensorLike,
  bias: TensorLike | null = null,
  opts: ConvOptions = {},
): Tensor {
  if (trace.on && trace.entering !== conv1d) return traced(conv1d, [input, weight, bias, opts]);
  const op = 'functional.conv1d';
  const [x, w, b, o] = operands(op, input, weight, bias, opts, 1, false);
  return convolve(op, x, w, b, o, 1);
}

/**
 * The transposed convolution of a batch [N, Cin, H, W] with weights [Cin, Cout/g, kh, kw]:
 * each input element scatters its kernel-sized contribution (columns, summed back by fold).
 */
function convolveTransposed(
  op: OpName,
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  o: ConvTransposeOptions,
  dims: 1 | 2,
): Tensor {
  const { shape, restore } = spatial(
    op,
    x,
    dims,
    dims === 2 ? '[N, C, H, W] or [C, H, W]' : '[N, C, L] or [C, L]',
  );
  const [n, c, h, wd] = shape;
  const [cin, og, kh, kw] = kernel4(w, dims);
  if (c !== cin)
    throw new ShapeError(
      op,
      `input ${fmt(x.shape)} has ${c} channels, weight ${fmt(w.shape)} takes ${cin}`,
    );
  const groups = checkGroups(op, o.groups ?? 1, c, og * checkInt(op, 'groups', o.groups ?? 1, 1));
  const [sh, sw] = sizes(op, 'stride', o.stride ?? 1, 1, dims);
  const [dh, dw] = sizes(op, 'dilation', o.dilation ?? 1, 1, dims);
  const [ph, pw] = sizes(op, 'padding', o.padding ?? 0, 0, dims, 0);
  const [qh, qw] = sizes(op, 'outputPadding', o.outputPadding ?? 0, 0, dims, 0);
  if ((qh >= sh && qh >= dh) || (qw >= sw && qw >= dw))
    throw new ValueError(
      op,
      `outputPadding ${show(o.outputPadding)} must be smaller than stride or dilation`,
    );
  const oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + qh + 1;
  const ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + qw + 1;
  if (oh < 1 || ow < 1)
    throw new ShapeError(
      op,
      `padding ${show(o.padding)} leaves no output for input ${fmt(x.shape)}`,
    );
  const out = og * groups;
  if (b !== null) checkBias(op, b, out);
  const k = og * kh * kw;
  return named(op, () => {
    const xs = x.reshape(shape);
    const cols =
      groups === 1
        ? w.reshape([c, k]).mT.matmul(xs.reshape([n, c, h * wd]))
        : w
            .reshape([groups, c / groups, k])
            .mT.matmul(xs.reshape([n, groups, c / groups, h * wd]))
            .reshape([n, out * kh * kw, h * wd]);
    const p: Patches = {
      channels: out,
      height: oh,
      width: ow,
      kh,
      kw,
      sh,
      sw,
      ph,
      pw,
      dh,
      dw,
      oh: h,
      ow: wd,
    };
    const y = unblocks(cols, p);
    return restore(b === null ? y : y.add(b.reshape([out, 1, 1])));
  });
}

/**
 * 2-D transposed convolution (PyTorch's `F.conv_transpose2d`), the gradient of `conv2d` with
 * respect to its input: input [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw], bias [Cout].
 * @example
 * ```ts
 * ad.functional.convTranspose2d(x, w, null, { stride: 2 }) // doubles H and W (2×2 kernel)
 * ```
 */
export function convTranspose2d(
  input: TensorLike,
  weight: TensorLike,
  bias: TensorLike | null = null,
  opts: ConvTransposeOptions = {},
): Tensor {
  if (trace.on && trace.entering !== convTranspose2d)
    return traced(convTranspose2d, [input, weight, bias, opts]);
  const op = 'functional.convTranspose2d';
  const [x, w, b, o] = operands(op, input, weight, bias, opts, 2, true);
  return convolveTransposed(op, x, w, b, o, 2);
}

/**
 * 1-D transposed convolution (PyTorch's `F.conv_transpose1d`): input [N, Cin, L], weight
 * [Cin, Cout/groups, k].
 * @example
 * ```ts
 * ad.functional.convTranspose1d(x, w, null, { stride: 2 })
 * ```
 */
export function convTranspose1d(
  input: TensorLike,
  weight: TensorLike,
  bias: TensorLike | null = null,
  opts: ConvTransposeOptions = {},
): Tensor {
  if (trace.on && trace.entering !== convTranspose1d)
    return traced(convTranspose1d, [input, weight, bias, opts]);
  const op = 'functional.convTranspose1d';
  const [x, w, b, o] = operands(op, input, weight, bias, opts, 1, true);
  return convolveTransposed(op, x, w, b, o, 1);
}
