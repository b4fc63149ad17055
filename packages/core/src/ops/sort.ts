import { checkBool, checkInt } from '../args';
import { IndexError } from '../errors';
import { normalizeDim } from '../shape';
import type { Tensor } from '../tensor';
import { around } from './indexing';
import { empty, named, record, toTensor, type TensorLike } from './op';
import { pair, type ValuesIndices } from './pair';
import { trace, traced } from '../compile/trace';

// Sorting and selecting by rank. The indices come from a stable sort in which NaN is larger
// than everything (PyTorch's order); values are gathered at them, so gradients flow back to
// the elements they came from.

/** a before b (< 0), after (> 0) or tied (0), with NaN largest. */
function ascending(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** For each row along dim `d`, the positions of its elements in sorted order (int32). */
function argsortRows(a: Tensor, d: number, descending: boolean): Tensor {
  const shape = a.ndim === 0 ? [1] : a.shape;
  const [outer, inner] = around(shape, d);
  const n = shape[d];
  const out = empty(a.shape, 'int32');
  const [v, at] = [a.data, out.data];
  const order = Array.from({ length: n }, (_, k) => k);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) order[k] = k;
      order.sort((p, q) => {
        const c = ascending(v[base + p * inner], v[base + q * inner]);
        return descending ? -c : c;
      });
      for (let k = 0; k < n; k++) at[base + k * inner] = order[k];
    }
  }
  return out;
}

function dimOf(op: string, a: Tensor, dim: number): number {
  return a.ndim === 0 ? 0 : normalizeDim(op, dim, a.ndim);
}

/**
 * x sorted along `dim` (ascending, or descending), and where each element came from. Ties
 * keep their order (a stable sort); NaN sorts as the largest value.
 * @example
 * ```ts
 * const [values, indices] = ad.tensor([3, 1, 2]).sort();
 * ```
 */
export function sort(x: TensorLike, dim = -1, descending = false): ValuesIndices {
  if (trace.on && trace.entering !== sort) return traced(sort, [x, dim, descending]);
  const a = toTensor('sort', x);
  checkBool('sort', 'descending', descending);
  const d = dimOf('sort', a, dim);
  const indices = record('sort', [a], argsortRows(a, d, descending), null);
  return pair(
    named('sort', () => (a.ndim === 0 ? a.clone() : a.gather(d, indices))),
    indices,
  );
}

/**
 * The indices that sort x along `dim` (`sort`'s second result).
 * @example
 * ```ts
 * ad.tensor([3, 1, 2]).argsort()  // [1, 2, 0]
 * ```
 */
export function argsort(x: TensorLike, dim = -1, descending = false): Tensor {
  if (trace.on && trace.entering !== argsort) return traced(argsort, [x, dim, descending]);
  const a = toTensor('argsort', x);
  checkBool('argsort', 'descending', descending);
  return record('argsort', [a], argsortRows(a, dimOf('argsort', a, dim), descending), null);
}

/** The `k` largest (or smallest) elements along `dim`, in order, and their indices. */
export function topk(x: TensorLike, k: number, dim = -1, largest = true): ValuesIndices {
  if (trace.on && trace.entering !== topk) return traced(topk, [x, k, dim, largest]);
  const a = toTensor('topk', x);
  checkBool('topk', 'largest', largest);
  const d = dimOf('topk', a, dim);
  const n = a.ndim === 0 ? 1 : a.shape[d];
  checkInt('topk', 'k', k, 0);
  if (k > n) throw new IndexError('topk', `k = ${k} is more than the ${n} elements of dim ${dim}`);
  const order = argsortRows(a, d, largest);
  const indices = record(
    'topk',
    [a],
    a.ndim === 0 ? order : order.narrow(d, 0, k).contiguous(),
    null,
  );
  return pair(
    named('topk', () => (a.ndim === 0 ? a.clone() : a.gather(d, indices))),
    indices,
  );
}

/** The `k`-th smallest element along `dim` (k from 1) and its index; `keepdim` keeps the dim. */
export function kthvalue(x: TensorLike, k: number, dim = -1, keepdim = false): ValuesIndices {
  if (trace.on && trace.entering !== kthvalue) return traced(kthvalue, [x, k, dim, keepdim]);
  const a = toTensor('kthvalue', x);
  checkBool('kthvalue', 'keepdim', keepdim);
  const d = dimOf('kthvalue', a, dim);
  const n = a.ndim === 0 ? 1 : a.shape[d];
  checkInt('kthvalue', 'k', k, 1);
  if (k > n)
    throw new IndexError('kthvalue', `k = ${k} is more than the ${n} elements of dim ${dim}`);
  return pick('kthvalue', a, d, keepdim, () => k - 1);
}

/**
 * The median: over all elements, a 0-d tensor; along `dim`, the values and their indices.
 * Of an even count it is the lower of the two middle values, and NaN when a NaN is present,
 * as in PyTorch.
 */
export function median(x: TensorLike): Tensor;
export function median(x: TensorLike, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: TensorLike, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (trace.on && trace.entering !== median) return traced(median, [x, dim, keepdim]);
  const a = toTensor('median', x);
  checkBool('median', 'keepdim', keepdim);
  if (a.size === 0) throw new IndexError('median', 'the median of no elements is undefined');
  if (dim === undefined) return named('median', () => median(a.reshape([-1]), 0)[0]);
  const d = dimOf('median', a, dim);
  return pick('median', a, d, keepdim, (sorted) => {
    const nan = sorted.findIndex((v) => v !== v); // NaN sorts last: the first one is the median
    return nan >= 0 ? nan : (sorted.length - 1) >> 1;
  });
}

/** The element of each row at the rank `rank(sorted row)` chooses, and its index. */
/**
 * The most frequent value along `dim` (the smallest of them when several are as frequent)
 * and the index of its last occurrence, as PyTorch's `mode`; the gradient goes to that element.
 * @example
 * ad.tensor([[1, 3, 3, 2, 1]]).mode(1).values  // [1]: 1 and 3 both appear twice, 1 is smaller
 */
export function mode(x: TensorLike, dim = -1, keepdim = false): ValuesIndices {
  if (trace.on && trace.entering !== mode) return traced(mode, [x, dim, keepdim]);
  const a = toTensor('mode', x);
  checkBool('mode', 'keepdim', keepdim);
  const d = dimOf('mode', a, dim);
  if (a.size === 0) throw new IndexError('mode', 'the mode of no elements is undefined');
  return pick('mode', a, d, keepdim, (sorted) => {
    let [best, bestCount, start] = [0, 0, 0];
    for (let k = 1; k <= sorted.length; k++) {
      if (k < sorted.length && sorted[k] === sorted[start]) continue;
      // a run of equal values ends at k − 1; the first longest run wins (the smallest value)
      if (k - start > bestCount) [best, bestCount] = [k - 1, k - start];
      start = k;
    }
    return best;
  });
}

function pick(
  op: 'kthvalue' | 'median' | 'mode',
  a: Tensor,
  d: number,
  keepdim: boolean,
  rank: (sorted: number[]) => number,
): ValuesIndices {
  const order = argsortRows(a, d, false);
  const shape = a.ndim === 0 ? [1] : a.shape;
  const [outer, inner] = around(shape, d);
  const n = shape[d];
  const kept = shape.map((s, i) => (i === d ? 1 : s));
  const idx = empty(kept, 'int32');
  const [v, o, at] = [a.data, order.data, idx.data];
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      const base = p * n * inner + i;
      const sorted = Array.from({ length: n }, (_, k) => v[base + o[base + k * inner] * inner]);
      at[p * inner + i] = o[base + rank(sorted) * inner];
    }
  }
  const indices = record(
    op,
    [a],
    a.ndim === 0 ? idx.reshape([]) : keepdim ? idx : idx.squeeze(d),
    null,
  );
  const values = named(op, () => {
    if (a.ndim === 0) return a.clone();
    const g = a.gather(d, idx);
    return keepdim ? g : g.squeeze(d);
  });
  return pair(values, indices);
}
