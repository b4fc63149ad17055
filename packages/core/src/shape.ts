import { show } from './args';
import { fmt, IndexError, ShapeError, ValueError } from './errors';

/** A tensor's extent along each dim, outermost first; `[]` is a 0-d (scalar) tensor. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless every dimension is a non-negative integer. */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape))
    throw new ValueError(op, `shape must be an array of sizes, got ${show(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(
        op,
        `shape ${fmt(shape)} has an invalid size ${show(d)} (sizes are integers ≥ 0)`,
      );
    }
  }
}

/** The NumPy broadcast of two shapes: align right, sizes equal or one of them 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (!Array.isArray(a) || !Array.isArray(b))
    throw new ValueError(
      op,
      `expected two shapes (arrays of sizes), got ${show(a)} and ${show(b)}`,
    );
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `cannot broadcast ${fmt(a)} with ${fmt(b)}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** A dim in [-ndim, ndim) made non-negative; `extra` widens the range (unsqueeze takes ndim). */
export function normalizeDim(op: string, dim: number, ndim: number, extra = 0): number {
  const n = ndim + extra;
  if (!Number.isInteger(dim)) throw new ValueError(op, `dim must be an integer, got ${show(dim)}`);
  if (dim < -n || dim >= n) {
    const range = n === 0 ? 'none (the tensor is 0-d)' : `[${-n}, ${n - 1}]`;
    throw new IndexError(op, `dim ${dim} is out of range for a ${ndim}-d tensor (valid: ${range})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalised, sorted, distinct dims; `undefined` or `null` means all dims. */
export function normalizeDims(
  op: string,
  dim: number | readonly number[] | null | undefined,
  ndim: number,
): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim))
    throw new ValueError(op, `dim must be an integer or an array of them, got ${show(dim)}`);
  const dims = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normalizeDim(op, d, ndim));
  const sorted = [...new Set(dims)].sort((x, y) => x - y);
  if (sorted.length !== dims.length) throw new IndexError(op, `dim ${fmt(dims)} repeats a dim`);
  return sorted;
}

/** The shape after reducing `dims`: kept as 1s with keepdim, removed otherwise. */
export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}
