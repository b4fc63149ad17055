import { show } from '../args';
import { fmt, ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { named, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

// einsum, lowered to ops the fast kernels run: repeated labels of one operand become
// diagonal views, labels no one else needs are summed out at once, and each pair of operands
// is contracted by one batched matmul. Everything is an op with a gradient, so einsum
// differentiates (and again) without a rule of its own.

/** One operand on the way: its tensor and a label per dim. */
interface Term {
  t: Tensor;
  labels: string[];
}

/**
 * Sums of products over labelled dims, as `torch.einsum` and `numpy.einsum` read them:
 * `'ij,jk->ik'` is a matrix product, `'ii'` a trace, `'bij,bjk->bik'` a batched product,
 * `'...ij->...ji'` a transpose of the last two dims. Without `->`, the output is the labels
 * that appear once, in alphabetical order (after the `...` dims). Dims of size 1 broadcast.
 * @example
 * ```ts
 * ad.einsum('ij,jk->ik', a, b)  // a.matmul(b)
 * ```
 */
export function einsum(equation: string, ...operands: TensorLike[]): Tensor {
  if (trace.on && trace.entering !== einsum) return traced(einsum, [equation, ...operands]);
  if (typeof equation !== 'string')
    throw new ValueError('einsum', `the equation must be a string, got ${show(equation)}`);
  const xs = operands.map((x) => toTensor('einsum', x));
  const { inputs, output } = parsed(equation, xs);
  checkSizes(inputs, xs);
  return named('einsum', () => {
    let terms = inputs.map((labels, i) => diagonals({ t: xs[i], labels }));
    const needed = (except: number) => {
      const s = new Set(output);
      terms.forEach((term, i) => i !== except && term.labels.forEach((l) => s.add(l)));
      return s;
    };
    terms = terms.map((term, i) => sumOut(term, needed(i)));
    let acc = terms[0];
    for (let i = 1; i < terms.length; i++) {
      const keep = new Set(output);
      for (let j = i + 1; j < terms.length; j++) terms[j].labels.forEach((l) => keep.add(l));
      acc = contract(acc, terms[i], keep);
    }
    acc = sumOut(acc, new Set(output));
    return permuted(
      acc.t,
      output.map((l) => acc.labels.indexOf(l)),
    );
  });
}

// parsing an equation costs more than a small product: keep the last few, keyed by the
// operands' ranks (which decide how many dims '...' stands for)
const plans = new Map<string, { inputs: string[][]; output: string[] }>();

function parsed(equation: string, xs: Tensor[]): { inputs: string[][]; output: string[] } {
  const key = `${equation}|${xs.map((x) => x.ndim).join(',')}`;
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = parse(equation, xs);
    if (plans.size >= 64) plans.delete(plans.keys().next().value as string);
    plans.set(key, plan);
  }
  return plan;
}

/** x.permute(order), or x itself when the order keeps every dim in place. */
function permuted(x: Tensor, order: number[]): Tensor {
  return order.every((d, i) => d === i) ? x : x.permute(order);
}

/** x.reshape(shape), or x itself when it has that shape already. */
function reshaped(x: Tensor, shape: number[]): Tensor {
  return sameShape(x.shape, shape) ? x : x.reshape(shape);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Labels per operand and of the output; `...` becomes one label per broadcast dim. */
function parse(equation: string, xs: Tensor[]): { inputs: string[][]; output: string[] } {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.includes('->') ? eq.split('->') : [eq, undefined];
  const specs = lhs.split(',');
  if (specs.length !== xs.length)
    throw new ValueError(
      'einsum',
      `'${equation}' names ${specs.length} operands, got ${xs.length}`,
    );
  const ellipsisDims = Math.max(
    0,
    ...specs.map((s, i) => (s.includes('...') ? xs[i].ndim - s.replace('...', '').length : 0)),
  );
  // broadcast dims get labels no letter can be, aligned from the right as broadcasting aligns
  const broadcast = Array.from({ length: ellipsisDims }, (_, k) => `…${k}`);
  const expand = (spec: string, ndim: number, where: string): string[] => {
    checkLetters(spec, equation, where);
    if (!spec.includes('...')) return [...spec];
    const [before, after] = spec.split('...');
    const own = ndim - before.length - after.length;
    if (own < 0) throw new ShapeError('einsum', `${where} has fewer dims than '${spec}' names`);
    return [...before, ...broadcast.slice(ellipsisDims - own), ...after];
  };
  const inputs = specs.map((s, i) => expand(s, xs[i].ndim, `operand ${i} ${fmt(xs[i].shape)}`));
  inputs.forEach((labels, i) => {
    if (labels.length !== xs[i].ndim)
      throw new ShapeError(
        'einsum',
        `operand ${i} has ${xs[i].ndim} dims but '${specs[i]}' names ${labels.length}`,
      );
  });
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    inputs.flat().forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
    const once = [...counts].filter(([l, c]) => c === 1 && !l.startsWith('…')).map(([l]) => l);
    output = [...broadcast, ...once.sort()];
  } else {
    output = expand(rhs, ellipsisDims + rhs.replace('...', '').length, 'the output');
    const all = new Set(inputs.flat());
    for (const l of output) {
      if (!all.has(l))
        throw new ValueError('einsum', `output label '${l}' is in no operand of '${equation}'`);
      if (output.indexOf(l) !== output.lastIndexOf(l))
        throw new ValueError('einsum', `output label '${l}' appears twice in '${equation}'`);
    }
  }
  return { inputs, output };
}

function checkLetters(spec: string, equation: string, where: string): void {
  if (!/^[a-zA-Z]*(\.\.\.)?[a-zA-Z]*$/.test(spec))
    throw new ValueError(
      'einsum',
      `'${spec}' (${where}) in '${equation}' must be letters and at most one ...`,
    );
}

/** Every label has one size (or 1, which broadcasts) across the operands. */
function checkSizes(inputs: string[][], xs: Tensor[]): void {
  const size = new Map<string, number>();
  inputs.forEach((labels, i) =>
    labels.forEach((l, d) => {
      const n = xs[i].shape[d];
      const seen = size.get(l);
      if (seen === undefined || seen === 1) size.set(l, n);
      else if (n !== 1 && n !== seen)
        throw new ShapeError(
          'einsum',
          `label '${l.replace('…', '...')}' is ${seen} in one place and ${n} in operand ${i} ${fmt(xs[i].shape)}`,
        );
    }),
  );
}

/** A label repeated within one operand reads its diagonal (a view): 'ii' → one dim i. */
function diagonals(term: Term): Term {
  let { t, labels } = term;
  for (let d1 = 0; d1 < labels.length; d1++) {
    const d2 = labels.indexOf(labels[d1], d1 + 1);
    if (d2 < 0) continue;
    const l = labels[d1];
    t = t.diagonal(0, d1, d2); // drops both dims, appends the diagonal
    labels = [...labels.filter((_, i) => i !== d1 && i !== d2), l];
    d1 = -1; // look again from the start: the dims moved
  }
  return { t, labels };
}

/** Sums the dims whose labels are not in `keep`. */
function sumOut(term: Term, keep: ReadonlySet<string>): Term {
  const gone = term.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (gone.length === 0) return term;
  return { t: term.t.sum(gone), labels: term.labels.filter((l) => keep.has(l)) };
}

/**
 * Contracts two terms with one batched matmul: labels in both and kept are batch dims,
 * labels in both and not kept are summed over, the rest are rows of one side or columns of
 * the other. A size-1 dim facing a larger one is expanded (a view) first.
 */
function contract(a: Term, b: Term, keep: ReadonlySet<string>): Term {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const rows = a.labels.filter((l) => !inB.has(l));
  const cols = b.labels.filter((l) => !inA.has(l));
  const sizeOf = (l: string) =>
    Math.max(a.t.shape[a.labels.indexOf(l)] ?? 1, b.t.shape[b.labels.indexOf(l)] ?? 1);
  const arrange = (term: Term, order: string[]) => {
    const t = permuted(
      term.t,
      order.map((l) => term.labels.indexOf(l)),
    );
    const sizes = order.map(sizeOf);
    return sameShape(t.shape, sizes) ? t : t.expand(sizes);
  };
  const product = (ls: string[]) => ls.reduce((n, l) => n * sizeOf(l), 1);
  const [nb, nm, nk, nn] = [product(batch), product(rows), product(summed), product(cols)];
  const left = reshaped(arrange(a, [...batch, ...rows, ...summed]), [nb, nm, nk]);
  const right = reshaped(arrange(b, [...batch, ...summed, ...cols]), [nb, nk, nn]);
  const t = reshaped(left.matmul(right), [...batch, ...rows, ...cols].map(sizeOf));
  return { t, labels: [...batch, ...rows, ...cols] };
}
