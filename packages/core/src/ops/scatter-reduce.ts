// PyTorch's scatter_reduce: src's elements folded into x along `dim` at `index`, by sum,
// prod, mean, amax or amin, with or without x's own value. Sums and means are scatterAdd
// underneath; the extremes and the product fold in a loop and take their gradients as PyTorch.
import { checkBool, checkOneOf, checkOptions, show } from '../args';
import { isFloat } from '../dtype';
import { DTypeError, fmt, ShapeError, ValueError } from '../errors';
import { normalizeDim } from '../shape';
import { noGrad } from '../tape';
import { Tensor } from '../tensor';
import { trace, traced } from '../compile/trace';
import { onesLike, zerosLike } from './creation';
import { checkScatterShape, type IndexLike, scatterWalk, toIndex } from './indexing';
import { empty, named, record, toTensor, type TensorLike } from './op';

/** How `scatterReduce` folds the values that meet at one place. */
export type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

const REDUCTIONS: readonly ScatterReduction[] = ['sum', 'prod', 'mean', 'amax', 'amin'];

/**
 * x with `src[…i…]` folded into `x[…index[…i…]…]` along `dim` by `reduce` (PyTorch's
 * out-of-place `scatter_reduce`); with `includeSelf: false` x's own value at a place that
 * receives any is left out. 'mean' of integers rounds down. Gradients as PyTorch: ties of
 * amax/amin share it evenly; prod's is exact at zeros (there to first order only).
 * @example
 * ad.zeros([3]).scatterReduce(0, ad.tensor([0, 2, 0], { dtype: 'int32' }), ad.tensor([5, 1, 7]), 'amax')
 * // [7, 0, 1]
 */
export function scatterReduce(
  x: TensorLike,
  dim: number,
  index: IndexLike,
  src: Tensor,
  reduce: ScatterReduction,
  opts: { includeSelf?: boolean } = {},
): Tensor {
  if (trace.on && trace.entering !== scatterReduce)
    return traced(scatterReduce, [x, dim, index, src, reduce, opts]);
  const op = 'scatterReduce';
  const a = toTensor(op, x);
  const d = normalizeDim(op, dim, a.ndim);
  const idx = toIndex(op, index, a.shape[d]);
  checkScatterShape(op, a, idx, d);
  if (!(src instanceof Tensor)) throw new ValueError(op, `src must be a Tensor, got ${show(src)}`);
  if (src.dtype !== a.dtype)
    throw new DTypeError(op, `src is ${src.dtype} but x is ${a.dtype}; cast one of them first`);
  if (src.ndim !== idx.ndim || idx.shape.some((n, i) => n > src.shape[i]))
    throw new ShapeError(
      op,
      `src ${fmt(src.shape)} must cover the index's shape ${fmt(idx.shape)}`,
    );
  checkOneOf(op, 'reduce', reduce, REDUCTIONS);
  const { includeSelf = true } = checkOptions(op, opts, ['includeSelf']);
  checkBool(op, 'includeSelf', includeSelf);
  return named(op, () => {
    // the part of src the index reads
    let part = src;
    idx.shape.forEach((n, i) => (part = n < part.shape[i] ? part.narrow(i, 0, n) : part));
    const base = includeSelf ? a : a.scatter(d, idx, 0);
    if (reduce === 'sum') return base.scatterAdd(d, idx, part);
    if (reduce === 'mean') {
      const counts = noGrad(() =>
        (includeSelf ? onesLike(a) : onesLike(a).scatter(d, idx, 0)).scatterAdd(
          d,
          idx,
          onesLike(part),
        ),
      );
      const mean = base.scatterAdd(d, idx, part).div(counts);
      return isFloat(a.dtype) ? mean : mean.floor().cast(a.dtype);
    }
    return folded(reduce, a, d, idx, part, includeSelf);
  });
}

/** prod, amax and amin: a loop for the values, ops for the gradient. */
function folded(
  reduce: 'prod' | 'amax' | 'amin',
  a: Tensor,
  d: number,
  idx: Tensor,
  part: Tensor,
  includeSelf: boolean,
): Tensor {
  const y = empty(a.shape, a.dtype);
  const [to, from] = [y.data, part.data];
  to.set(a.data);
  const fresh = new Uint8Array(includeSelf ? 0 : a.size); // places whose x is left out, still unwritten
  if (!includeSelf) scatterWalk(a.shape, idx, d, (dst) => (fresh[dst] = 1));
  scatterWalk(a.shape, idx, d, (dst, pos) => {
    const v = from[pos];
    if (!includeSelf && fresh[dst]) {
      fresh[dst] = 0;
      to[dst] = v;
      return;
    }
    const u = to[dst];
    to[dst] =
      reduce === 'prod'
        ? u * v
        : u !== u || v !== v
          ? NaN
          : (reduce === 'amax' ? v > u : v < u)
            ? v
            : u;
  });
  return record('scatterReduce', [a, part], y, (g, needs) => {
    // where x's own value took part: everywhere with includeSelf, else where nothing was written
    const own = includeSelf ? onesLike(a) : onesLike(a).scatter(d, idx, 0);
    if (reduce === 'prod') return prodGrads(g, a, d, idx, part, y, own, needs);
    const yAt = y.gather(d, idx);
    const selfTies = a.eq(y).mul(own);
    const srcTies = part.eq(yAt).cast(g.dtype);
    const share = g.div(selfTies.cast(g.dtype).scatterAdd(d, idx, srcTies));
    return [
      needs[0] ? share.mul(selfTies) : null,
      needs[1] ? share.gather(d, idx).mul(srcTies) : null,
    ];
  });
}

/** The product of the others at each place: y/x without zeros, else counted out exactly. */
function prodGrads(
  g: Tensor,
  a: Tensor,
  d: number,
  idx: Tensor,
  part: Tensor,
  y: Tensor,
  own: Tensor,
  needs: readonly boolean[],
): (Tensor | null)[] {
  const hasZero = noGrad(() => a.eq(0).mul(own).sum().add(part.eq(0).sum()).item()) > 0;
  if (!hasZero) {
    return [
      needs[0] ? g.mul(y).div(a).mul(own) : null,
      needs[1] ? g.mul(y).gather(d, idx).div(part) : null,
    ];
  }
  // with zeros: for each place, the factors that met there, and each one's product of the others
  const [selfOthers, srcOthers] = noGrad(() => othersProducts(a, d, idx, part, own));
  return [
    needs[0] ? g.mul(selfOthers).mul(own) : null,
    needs[1] ? g.gather(d, idx).mul(srcOthers) : null,
  ];
}

function othersProducts(a: Tensor, d: number, idx: Tensor, part: Tensor, own: Tensor) {
  const factors = new Map<number, { value: number; pos: number }[]>(); // pos −1: x itself
  const [x, src, self] = [a.data, part.data, own.data];
  for (let i = 0; i < a.size; i++) if (self[i]) factors.set(i, [{ value: x[i], pos: -1 }]);
  scatterWalk(a.shape, idx, d, (dst, pos) => {
    const list = factors.get(dst) ?? [];
    list.push({ value: src[pos], pos });
    factors.set(dst, list);
  });
  const selfOthers = zerosLike(a);
  const srcOthers = empty(part.shape, part.dtype);
  for (const [dst, list] of factors) {
    list.forEach((f, k) => {
      let p = 1;
      for (let j = 0; j < list.length; j++) if (j !== k) p *= list[j].value;
      if (f.pos < 0) selfOthers.data[dst] = p;
      else srcOthers.data[f.pos] = p;
    });
  }
  return [selfOthers, srcOthers];
}
