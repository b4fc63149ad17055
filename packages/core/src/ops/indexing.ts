import { checkNumber, checkOptions, show } from '../args';
import { castArray, promoteTypes } from '../dtype';
import { DTypeError, fmt, IndexError, ShapeError, ValueError } from '../errors';
import { normalizeDim, sizeOf } from '../shape';
import { Tensor } from '../tensor';
import { asBool, mul } from './binary';
import { empty, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

/** Indices: an integer tensor, or plain (nested) arrays of integers. */
export type IndexLike = Tensor | number | readonly number[] | readonly (readonly number[])[];

/**
 * `index` as an int32 tensor, every value checked to be an integer in [0, size). Plain arrays
 * get exactly the checks a tensor's values get: nothing is coerced (no 1.5 → 1, '2' → 2,
 * null → 0 or 2³² → 0 on the way in).
 */
export function toIndex(op: string, index: IndexLike, size: number): Tensor {
  if (index instanceof Tensor && index.dtype === 'bool') {
    throw new DTypeError(
      op,
      'index must hold integers, got a bool tensor (use where or a mask op for masks)',
    );
  }
  const t = index instanceof Tensor ? index : tensorOfIndices(op, index);
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!Number.isInteger(v) || v < 0 || v >= size) {
      throw new IndexError(op, `index ${v} is out of range for a dim of size ${size}`);
    }
  }
  return t.dtype === 'int32' ? t : new Tensor(castArray(d, 'int32', op), t.shape);
}

export function tensorOfIndices(op: string, index: unknown): Tensor {
  if (typeof index === 'number') return new Tensor(Float64Array.of(index), []);
  if (!Array.isArray(index))
    throw new ValueError(
      op,
      `index must be a tensor or (nested) arrays of integers, got ${show(index)}`,
    );
  const shape: number[] = [];
  for (let v: unknown = index; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number')
        throw new IndexError(op, `index values must be integers, got ${show(v)}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      throw new ShapeError(op, 'index arrays are ragged');
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) throw new IndexError(op, `index array has a hole at position ${i}`);
      walk(v[i], depth + 1);
    }
  };
  walk(index, 0);
  // checked as numbers first, so the Float64Array keeps 1.5, NaN and 2³² for toIndex to reject
  return new Tensor(Float64Array.from(flat), shape);
}

/** Sizes of the blocks before and after `dim`. */
export function around(shape: readonly number[], dim: number): [number, number] {
  return [sizeOf(shape.slice(0, dim)), sizeOf(shape.slice(dim + 1))];
}

/** Picks the slices `index` (1-D) along `dim`; repeated indices are allowed and their gradients add. */
export function indexSelect(x: TensorLike, dim: number, index: IndexLike): Tensor {
  if (trace.on && trace.entering !== indexSelect) return traced(indexSelect, [x, dim, index]);
  const a = toTensor('indexSelect', x);
  const d = normalizeDim('indexSelect', dim, a.ndim);
  const idx = toIndex('indexSelect', index, a.shape[d]);
  if (idx.ndim > 1) throw new ShapeError('indexSelect', `index must be 1-D, got ${fmt(idx.shape)}`);
  const [outer, inner] = around(a.shape, d);
  const n = a.shape[d];
  const k = idx.size;
  const y = empty(
    a.shape.map((s, i) => (i === d ? k : s)),
    a.dtype,
  );
  const [from, at, to] = [a.data, idx.data, y.data]; // read once: a view's data is a copy
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * n + at[j]) * inner;
      to.set(from.subarray(src, src + inner), (o * k + j) * inner);
    }
  }
  return record('indexSelect', [a], y, (dy) => [a.zerosLike().indexAdd(d, idx, dy)]);
}

/** x with `alpha`·`source`'s slices added at `index` along `dim` (repeats accumulate). */
export function indexAdd(
  x: TensorLike,
  dim: number,
  index: IndexLike,
  source: TensorLike,
  opts: { alpha?: number } = {},
): Tensor {
  if (trace.on && trace.entering !== indexAdd)
    return traced(indexAdd, [x, dim, index, source, opts]);
  const a = toTensor('indexAdd', x);
  const { alpha = 1 } = checkOptions('indexAdd', opts, ['alpha']);
  checkNumber('indexAdd', 'alpha', alpha, { finite: false });
  const src0 = toTensor('indexAdd', source, a);
  const d = normalizeDim('indexAdd', dim, a.ndim);
  const idx = toIndex('indexAdd', index, a.shape[d]);
  const expected = a.shape.map((n, i) => (i === d ? idx.size : n));
  if (src0.ndim !== a.ndim || src0.shape.some((n, i) => n !== expected[i])) {
    throw new ShapeError(
      'indexAdd',
      `source ${fmt(src0.shape)} should be ${fmt(expected)} for x ${fmt(a.shape)} and ${idx.size} indices`,
    );
  }
  // alpha scales the source as a taped mul of its own, so its gradient comes free
  const s = alpha === 1 ? src0 : mul(src0, alpha);
  const [outer, inner] = around(a.shape, d);
  const n = a.shape[d];
  const k = idx.size;
  const y = empty(a.shape, promoteTypes(a.dtype, s.dtype));
  const [from, at, to] = [s.data, idx.data, y.data];
  to.set(a.data);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const dst = (o * n + at[j]) * inner;
      const src = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) to[dst + i] += from[src + i];
    }
  }
  if (y.dtype === 'bool') asBool(y.data);
  return record('indexAdd', [a, s], y, (dy, needs) => [
    dy,
    needs[1] ? dy.indexSelect(d, idx) : null,
  ]);
}

/** `out[…i…] = x[…index[…i…]…]` along `dim` (PyTorch's `gather`); out has index's shape. */
export function gather(x: TensorLike, dim: number, index: IndexLike): Tensor {
  if (trace.on && trace.entering !== gather) return traced(gather, [x, dim, index]);
  const a = toTensor('gather', x);
  const d = normalizeDim('gather', dim, a.ndim);
  const idx = toIndex('gather', index, a.shape[d]);
  checkScatterShape('gather', a, idx, d);
  const y = empty(idx.shape, a.dtype);
  const [from, to] = [a.data, y.data];
  scatterWalk(a.shape, idx, d, (src, pos) => {
    to[pos] = from[src];
  });
  return record('gather', [a], y, (dy) => [a.zerosLike().scatterAdd(d, idx, dy)]);
}

/** x with `src[…i…]` added at `x[…index[…i…]…]` along `dim` (repeats accumulate). */
export function scatterAdd(x: TensorLike, dim: number, index: IndexLike, src: TensorLike): Tensor {
  if (trace.on && trace.entering !== scatterAdd) return traced(scatterAdd, [x, dim, index, src]);
  const a = toTensor('scatterAdd', x);
  const s = toTensor('scatterAdd', src, a);
  const d = normalizeDim('scatterAdd', dim, a.ndim);
  const idx = toIndex('scatterAdd', index, a.shape[d]);
  checkScatterShape('scatterAdd', a, idx, d);
  if (s.ndim !== idx.ndim || s.shape.some((n, i) => n !== idx.shape[i])) {
    throw new ShapeError(
      'scatterAdd',
      `src ${fmt(s.shape)} must have the index's shape ${fmt(idx.shape)}`,
    );
  }
  const y = empty(a.shape, promoteTypes(a.dtype, s.dtype));
  const [from, to] = [s.data, y.data];
  to.set(a.data);
  scatterWalk(a.shape, idx, d, (dst, pos) => {
    to[dst] += from[pos];
  });
  if (y.dtype === 'bool') asBool(y.data);
  return record('scatterAdd', [a, s], y, (dy, needs) => [dy, needs[1] ? dy.gather(d, idx) : null]);
}

export function checkScatterShape(op: string, x: Tensor, idx: Tensor, d: number): void {
  if (idx.ndim !== x.ndim || idx.shape.some((n, i) => i !== d && n > x.shape[i])) {
    throw new ShapeError(
      op,
      `index ${fmt(idx.shape)} must have x's ${x.ndim} dims and fit inside ${fmt(x.shape)} outside dim ${d}`,
    );
  }
}

/** For each position of `idx`, the flat offset in a tensor of `shape` it points at. */
export function scatterWalk(
  shape: readonly number[],
  idx: Tensor,
  d: number,
  visit: (offset: number, pos: number) => void,
): void {
  const nd = shape.length;
  const strides = new Array<number>(nd);
  for (let i = nd - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const pos = new Array<number>(nd).fill(0);
  const at = idx.data;
  for (let p = 0; p < idx.size; p++) {
    let offset = 0;
    for (let i = 0; i < nd; i++) offset += (i === d ? at[p] : pos[i]) * strides[i];
    visit(offset, p);
    for (let i = nd - 1; i >= 0; i--) {
      if (++pos[i] < idx.shape[i]) break;
      pos[i] = 0;
    }
  }
}
