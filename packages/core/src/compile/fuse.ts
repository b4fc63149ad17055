// Runs of element-wise op steps over the same number of elements, fused into one generated
// loop: each element goes through the whole chain in registers, and every result is still
// stored (later steps, gradients and side effects may read any of them). Runs are fused only
// below the size where eager ops leave the TypeScript kernels, and each op is their formula,
// rounded to float32 after every op where the tensors are float32: a fused run gives the
// eager values bit for bit.
import { type MapOp, scalarMap, scalarZip, type ZipOp } from '../kernels/index';
import { Tensor } from '../tensor';
import type { Run } from './program';
import type { Step } from './recording';
import { elementwiseOf } from './registry';

type OpStep = Extract<Step, { kind: 'op' }>;

/** Longer runs are cut: V8 stops optimizing very large functions. */
const MAX_OPS = 64;
/** From 128 elements on, the WebAssembly kernels' SIMD loops beat one fused JavaScript loop. */
export const MAX_ELEMENTS = 127;

const MAP: Partial<Record<string, (x: string) => string>> = {
  neg: (x) => `-${x}`,
  abs: (x) => `Math.abs(${x})`,
  exp: (x) => `Math.exp(${x})`,
  expm1: (x) => `Math.expm1(${x})`,
  log: (x) => `Math.log(${x})`,
  log1p: (x) => `Math.log1p(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  rsqrt: (x) => `1 / Math.sqrt(${x})`,
  square: (x) => `${x} * ${x}`,
  reciprocal: (x) => `1 / ${x}`,
  sin: (x) => `Math.sin(${x})`,
  cos: (x) => `Math.cos(${x})`,
  tan: (x) => `Math.tan(${x})`,
  tanh: (x) => `Math.tanh(${x})`,
  relu: (x) => `(${x} > 0 || ${x} !== ${x} ? ${x} : 0)`,
  sign: (x) => `Math.sign(${x})`,
  floor: (x) => `Math.floor(${x})`,
  ceil: (x) => `Math.ceil(${x})`,
};

const ZIP: Partial<Record<string, (a: string, b: string) => string>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  maximum: (a, b) => `(${a} !== ${a} || ${b} !== ${b} ? NaN : ${a} > ${b} ? ${a} : ${b})`,
  minimum: (a, b) => `(${a} !== ${a} || ${b} !== ${b} ? NaN : ${a} < ${b} ? ${a} : ${b})`,
  tanhBackward: (a, b) => `${a} * ((1 - ${b}) * (1 + ${b}))`,
  sigmoidBackward: (a, b) => `${a} * ${b} * (1 - ${b})`,
  reluBackward: (a, b) => `(${b} > 0 ? ${a} : 0)`,
};

/** One value, maybe expanded (strides 0): read once, at its storage offset. */
function isScalar(t: Tensor): boolean {
  return t.size === 1 || t.strides.every((s, i) => s === 0 || t.shape[i] === 1);
}

/** The element count of a step that can join a fused run, or -1. */
function fusable(s: Step): number {
  if (s.kind !== 'op' || s.inner.size > 0 || s.outs.length !== 1) return -1;
  const e = elementwiseOf(s.fn);
  const y = s.outs[0];
  if (e === undefined || !y.isContiguous() || (y.dtype !== 'float32' && y.dtype !== 'float64'))
    return -1;
  const arity = e.kind === 'map' ? 1 : 2;
  if (s.args.length !== arity) return -1;
  let tensors = 0;
  for (const a of s.args) {
    if (typeof a === 'number') continue;
    if (!(a instanceof Tensor) || a.dtype !== y.dtype) return -1;
    if (!(isScalar(a) || (a.size === y.size && a.isContiguous()))) return -1;
    tensors++;
  }
  return tensors === 0 || y.size > MAX_ELEMENTS ? -1 : y.size;
}

/**
 * The fused run starting at `steps[at]`, if one does: the op steps there (with the gradient
 * writes among them, done after the loop) and the closure that runs them.
 */
export function fuseSteps(
  steps: readonly Step[],
  at: number,
): { run: Run; count: number; names: string[] } | null {
  const n = fusable(steps[at]);
  if (n < 0) return null;
  const ops: OpStep[] = [];
  const grads: Extract<Step, { kind: 'grad' }>[] = [];
  const written = new Set<object>(); // buffers the run stores into
  const produced = new Set<Tensor>();
  let end = at;
  for (; end < steps.length && ops.length < MAX_OPS; end++) {
    const s = steps[end];
    if (s.kind === 'grad') {
      grads.push(s);
      continue;
    }
    if (fusable(s) !== n) break;
    const op = s as OpStep;
    // an operand that is a view of a buffer this run writes would be read before it is written
    if (op.args.some((a) => a instanceof Tensor && !produced.has(a) && written.has(a.storage.data)))
      break;
    ops.push(op);
    produced.add(op.outs[0]);
    written.add(op.outs[0].storage.data);
  }
  // trailing gradient writes stay outside: they belong after whatever follows
  while (end > at && steps[end - 1].kind === 'grad') {
    end--;
    grads.pop();
  }
  if (ops.length === 0) return null;
  const loop = generate(ops, n);
  if (loop === null) return null;
  const assign = grads.map((g) => () => void (g.target.grad = g.value));
  return {
    count: end - at,
    names: ops.map((o) => `${o.fn.name} [${o.outs[0].shape}]`),
    run: () => {
      loop();
      for (let i = 0; i < assign.length; i++) assign[i]();
    },
  };
}

/** The loop as JavaScript source, compiled once; null where the runtime forbids `new Function`. */
function generate(ops: readonly OpStep[], n: number): (() => void) | null {
  const arrays: ArrayLike<number>[] = [];
  const helpers: ((...x: number[]) => number)[] = [];
  const locals = new Map<Tensor, string>();
  const hoisted: string[] = [];
  const body: string[] = [];
  const f32 = ops[0].outs[0].dtype === 'float32';
  const arrayOf = (data: ArrayLike<number>) => {
    let k = arrays.indexOf(data);
    if (k < 0) k = arrays.push(data) - 1;
    return `a${k}`;
  };
  const read = (x: unknown): string => {
    if (typeof x === 'number') return literal(x);
    const t = x as Tensor;
    const local = locals.get(t);
    if (local !== undefined) return local;
    const name = `r${locals.size}`;
    locals.set(t, name);
    // a single value is loaded once; anything else element by element
    if (isScalar(t)) hoisted.push(`const ${name} = ${arrayOf(t.storage.data)}[${t.offset}];`);
    else body.push(`const ${name} = ${arrayOf(t.data)}[i];`);
    return name;
  };
  ops.forEach((s, k) => {
    const e = elementwiseOf(s.fn)!;
    const args = s.args.map(read);
    let expr: string;
    if (e.kind === 'map') {
      const template = MAP[e.op];
      expr = template?.(args[0]) ?? `h${helpers.push(scalarMap(e.op as MapOp)) - 1}(${args[0]})`;
    } else {
      const template = ZIP[e.op];
      expr =
        template?.(args[0], args[1]) ??
        `h${helpers.push(scalarZip(e.op as ZipOp)) - 1}(${args[0]}, ${args[1]})`;
    }
    const y = s.outs[0];
    const v = `v${k}`;
    body.push(`const ${v} = ${f32 ? `fround(${expr})` : expr};`);
    body.push(`${arrayOf(y.data)}[${y.size === 1 ? 0 : 'i'}] = ${v};`);
    locals.set(y, v);
  });
  const source = [
    ...arrays.map((_, k) => `const a${k} = arrays[${k}];`),
    ...helpers.map((_, k) => `const h${k} = helpers[${k}];`),
    'const fround = Math.fround;',
    'return function fused() {',
    ...hoisted,
    n === 1 ? '{ const i = 0;' : `for (let i = 0; i < ${n}; i++) {`,
    ...body,
    '}',
    '};',
  ].join('\n');
  try {
    return new Function('arrays', 'helpers', source)(arrays, helpers) as () => void;
  } catch {
    return null; // a Content-Security-Policy without 'unsafe-eval': the steps run one by one
  }
}

function literal(x: number): string {
  if (Object.is(x, -0)) return '-0';
  return Number.isFinite(x) || Number.isNaN(x) ? String(x) : x > 0 ? 'Infinity' : '-Infinity';
}
