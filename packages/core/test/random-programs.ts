import fc from 'fast-check';
import * as ad from '../src';
import { Generator, type Tensor } from '../src';

/**
 * Random differentiable programs: a DAG of ops over a few inputs whose shapes broadcast
 * to [rows, cols]. Nodes may reuse any earlier node, so values fan out; every op is
 * smooth on the values it can see (kinks only on sets of measure zero).
 */
export interface Program {
  rows: number;
  cols: number;
  inputShapes: number[][];
  steps: { op: number; a: number; b: number; dim: number }[];
  seed: number;
}

const unary: ((x: Tensor) => Tensor)[] = [
  (x) => x.tanh(),
  (x) => x.sin(),
  (x) => x.sigmoid(),
  (x) => x.square().add(1).log(),
  (x) => x.mul(0.5).exp(),
  (x) => x.softplus(),
  (x) => x.square().add(1).sqrt(),
  (x) => x.gelu(),
  (x) => x.div(x.square().add(1)),
  (x) => x.neg().cos(),
];

const binary: ((a: Tensor, b: Tensor) => Tensor)[] = [
  (a, b) => a.add(b),
  (a, b) => a.sub(b),
  (a, b) => a.mul(b),
  (a, b) => a.div(b.square().add(1)),
  (a, b) => a.maximum(b),
  (a, b) => ad.where(a.gt(b), a.mul(b), b),
];

/** Reductions that keep dims, so the result still broadcasts against everything else. */
const reductions: ((x: Tensor, dim: number) => Tensor)[] = [
  (x, d) => x.sum(d, { keepdim: true }),
  (x, d) => x.mean(d, { keepdim: true }),
  (x, d) => x.logsumexp(d, { keepdim: true }),
  (x, d) => x.max(d, { keepdim: true }),
  (x, d) => x.softmax(d),
  (x, d) => x.var(d, { keepdim: true, correction: 0 }),
];

const OPS = unary.length + binary.length + reductions.length + 1;

export const programs: fc.Arbitrary<Program> = fc
  .record({
    rows: fc.integer({ min: 1, max: 3 }),
    cols: fc.integer({ min: 1, max: 3 }),
    kinds: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
    steps: fc.array(fc.record({ op: fc.nat(OPS - 1), a: fc.nat(), b: fc.nat(), dim: fc.nat(1) }), {
      minLength: 1,
      maxLength: 8,
    }),
    seed: fc.nat(),
  })
  .map(({ rows, cols, kinds, steps, seed }) => ({
    rows,
    cols,
    // each input is full-shape, a row vector, a column, or a scalar
    inputShapes: kinds.map((k) => [[rows, cols], [cols], [rows, 1], []][k]),
    steps,
    seed,
  }));

/** Runs a program on `inputs`; the result is the last node. */
export function run(p: Program, inputs: readonly Tensor[]): Tensor {
  const nodes: Tensor[] = [...inputs];
  const full = (x: Tensor) => x.expand([p.rows, p.cols]);
  for (const s of p.steps) {
    const a = nodes[s.a % nodes.length];
    const b = nodes[s.b % nodes.length];
    let op = s.op;
    let out: Tensor;
    if (op < unary.length) out = unary[op](a);
    else if ((op -= unary.length) < binary.length) out = binary[op](a, b);
    else if ((op -= binary.length) < reductions.length)
      out = a.ndim === 0 ? a.tanh() : reductions[op](a, s.dim % a.ndim);
    else out = full(a).matmul(full(b).mT).matmul(full(a)).mul(0.1);
    nodes.push(out);
  }
  return nodes[nodes.length - 1];
}

/** The program's inputs, drawn from its seed, as leaves of `dtype` that require grad. */
export function inputsOf(p: Program, dtype: 'float32' | 'float64'): Tensor[] {
  const g = new Generator(p.seed);
  return p.inputShapes.map((shape) =>
    ad.rand(shape, { dtype: 'float64', generator: g }).mul(3).sub(1.5).cast(dtype).requiresGrad_(),
  );
}
