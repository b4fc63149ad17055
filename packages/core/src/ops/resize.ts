// Resampling (PyTorch's F.interpolate). Each spatial dim is resampled on its own: nearest
// picks one source index per output index (an indexSelect), linear mixes two neighbours,
// written as a product with a sparse [out, in] matrix so bilinear is two small gemms.
import { checkBool, checkNumber, checkOneOf, checkOptions, show } from '../args';
import { allocate, isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { named, toTensor, type TensorLike } from './op';

/** Options of `interpolate`: an output `size` or a `scaleFactor` (one number or one per dim). */
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: 'nearest' | 'nearest-exact' | 'linear' | 'bilinear';
  /** Linear modes: the corner pixels' centres align (true) or their edges do (false, default). */
  alignCorners?: boolean | null;
}

/**
 * Source index per output index, PyTorch's: `scale` is in/out, or 1/scaleFactor, and it
 * computes in float32, whose rounding decides ties such as 3 → 5.
 */
function sourceIndex(dst: number, scale: number, exact: boolean): number {
  const s = Math.fround(scale);
  return Math.floor(Math.fround(exact ? Math.fround(dst + 0.5) * s : dst * s));
}

function nearest(size: number, out: number, scale: number, exact: boolean): Tensor {
  const idx = allocate('int32', out);
  for (let i = 0; i < out; i++) idx[i] = Math.min(sourceIndex(i, scale, exact), size - 1);
  return new Tensor(idx, [out]);
}

/** [out, size]: each row's two weights, at PyTorch's source coordinate. */
function linearWeights(
  size: number,
  out: number,
  scale: number,
  align: boolean,
  dtype: Tensor['dtype'],
): Tensor {
  const m = allocate(dtype, out * size);
  for (let i = 0; i < out; i++) {
    const src = align
      ? out > 1
        ? (i * (size - 1)) / (out - 1)
        : 0
      : Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), size - 1);
    const i1 = Math.min(i0 + 1, size - 1);
    const l1 = src - i0;
    m[i * size + i0] += 1 - l1;
    m[i * size + i1] += l1;
  }
  return new Tensor(m, [out, size]);
}

/**
 * Resamples x [N, C, L] or [N, C, H, W] (PyTorch's `F.interpolate`) to `size` or by
 * `scaleFactor`: 'nearest' (PyTorch's default), 'nearest-exact', 'linear' (3-D) or
 * 'bilinear' (4-D), with `alignCorners` as there.
 * @example
 * ```ts
 * ad.functional.interpolate(x, { scaleFactor: 2, mode: 'bilinear' })
 * ```
 */
export function interpolate(x: TensorLike, opts: InterpolateOptions): Tensor {
  if (trace.on && trace.entering !== interpolate) return traced(interpolate, [x, opts]);
  const op = 'functional.interpolate';
  const a = toTensor(op, x);
  const o = checkOptions(op, opts, ['size', 'scaleFactor', 'mode', 'alignCorners']);
  const mode = checkOneOf(op, 'mode', o.mode ?? 'nearest', [
    'nearest',
    'nearest-exact',
    'linear',
    'bilinear',
  ]);
  if (!isFloat(a.dtype)) throw new DTypeError(op, `expects a float tensor, got ${a.dtype}`);
  const dims = a.ndim - 2;
  if (dims !== 1 && dims !== 2)
    throw new ShapeError(op, `expected [N, C, L] or [N, C, H, W], got ${fmt(a.shape)}`);
  if ((mode === 'linear' && dims !== 1) || (mode === 'bilinear' && dims !== 2))
    throw new ShapeError(
      op,
      `mode '${mode}' takes ${mode === 'linear' ? '3' : '4'}-D input, got ${fmt(a.shape)}`,
    );
  const linear = mode === 'linear' || mode === 'bilinear';
  const alignGiven = o.alignCorners !== undefined && o.alignCorners !== null;
  if (alignGiven && !linear)
    throw new ValueError(op, `alignCorners is for linear modes, not '${mode}'`);
  const align = alignGiven ? checkBool(op, 'alignCorners', o.alignCorners) : false;
  const hasSize = o.size !== undefined && o.size !== null;
  const hasScale = o.scaleFactor !== undefined && o.scaleFactor !== null;
  if (hasSize === hasScale) throw new ValueError(op, 'give exactly one of size and scaleFactor');
  const perDim = (v: unknown, name: string) => {
    const list = typeof v === 'number' ? Array(dims).fill(v) : v;
    if (!Array.isArray(list) || list.length !== dims)
      throw new ValueError(op, `${name} must be a number or ${dims} numbers, got ${show(v)}`);
    return list.map((n) => checkNumber(op, name, n, { min: 0 }));
  };
  const inSizes = a.shape.slice(2);
  let outSizes: number[];
  let scales: number[];
  if (hasSize) {
    outSizes = perDim(o.size, 'size').map((n) => {
      if (!Number.isInteger(n) || n < 1)
        throw new ValueError(op, `size must be whole numbers ≥ 1, got ${show(o.size)}`);
      return n;
    });
    scales = inSizes.map((n, i) => n / outSizes[i]);
  } else {
    const factors = perDim(o.scaleFactor, 'scaleFactor');
    outSizes = inSizes.map((n, i) => Math.floor(n * factors[i]));
    if (outSizes.some((n) => n < 1))
      throw new ValueError(
        op,
        `scaleFactor ${show(o.scaleFactor)} leaves an empty output for ${fmt(a.shape)}`,
      );
    scales = factors.map((f) => 1 / f);
  }
  return named(op, () => {
    let y = a;
    for (let i = 0; i < dims; i++) {
      const d = 2 + i;
      const [size, out] = [inSizes[i], outSizes[i]];
      if (linear) {
        const m = linearWeights(size, out, scales[i], align, a.dtype);
        // the last dim is one product; an earlier one is a product from the left
        y = d === a.ndim - 1 ? y.matmul(m.mT) : m.matmul(y);
      } else {
        y = y.indexSelect(d, nearest(size, out, scales[i], mode === 'nearest-exact'));
      }
    }
    return y;
  });
}
