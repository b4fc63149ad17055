// How each @ad op becomes ONNX nodes (opset 17). An op without a rule is opened up and its
// inner ops are exported instead; shapes are the sample input's (as torch.onnx.export without
// dynamic axes), so reshapes carry the shapes the capture saw.
import { type CapturedCall, Tensor, ValueError } from '@ad/core';
import type { Attribute, Graph } from './graph';
import { type Rule, toShape } from './common';
import { SPATIAL } from './spatial';

export const OPSET = 17;

const arg = (g: Graph, x: unknown, like: Tensor): string =>
  x instanceof Tensor ? g.name(x) : g.constant([Number(x)], like.dtype, []);

/** The dtype of a call's first tensor output, for scalar operands. */
const out0 = (c: CapturedCall): Tensor => c.outs[0];

const unary =
  (opType: string, attrs: Record<string, Attribute> = {}): Rule =>
  (g, c) => [g.node(opType, [g.name(c.args[0] as Tensor)], attrs)];

/** A binary op; a number operand becomes a scalar constant of the tensor operand's dtype. */
const binary =
  (opType: string, then?: string): Rule =>
  (g, c) => {
    const like = (c.args.find((a) => a instanceof Tensor) as Tensor | undefined) ?? out0(c);
    const y = g.node(opType, [arg(g, c.args[0], like), arg(g, c.args[1], like)]);
    return [then === undefined ? y : g.node(then, [y])];
  };

/** An index argument: a tensor, or numbers as an int64 constant. */
const indexArg = (g: Graph, i: unknown): string =>
  i instanceof Tensor ? g.name(i) : g.constant((i as number[]).flat(), 'int64');

/** Any op whose result is its input's elements in the same order: one Reshape to the result's shape. */
const reshape: Rule = (g, c) => [toShape(g, g.name(c.args[0] as Tensor), c.outs[0].shape)];

const axis = (d: number, ndim: number) => (d < 0 ? d + ndim : d);

function dimsOf(dim: unknown, ndim: number): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: ndim }, (_, i) => i);
  return (typeof dim === 'number' ? [dim] : (dim as number[])).map((d) => axis(d, ndim));
}

const keepdimOf = (o: unknown) =>
  typeof o === 'boolean' ? o : Boolean((o as { keepdim?: boolean } | undefined)?.keepdim);

/** ReduceSum takes its axes as an input since opset 13; the others as an attribute until 18. */
const reduce =
  (opType: string): Rule =>
  (g, c) => {
    const x = c.args[0] as Tensor;
    const axes = dimsOf(c.args[1], x.ndim);
    const keepdims = keepdimOf(c.args[2]) ? 1 : 0;
    if (opType === 'ReduceSum')
      return [g.node(opType, [g.name(x), g.constant(axes, 'int64')], { keepdims })];
    return [g.node(opType, [g.name(x)], { axes, keepdims })];
  };

function slices(g: Graph, c: CapturedCall, dim: number): string[] {
  // split/chunk/unbind: consecutive pieces along dim, each as large as its output
  const x = c.args[0] as Tensor;
  const d = axis(dim, x.ndim);
  let at = 0;
  return c.outs.map((o) => {
    const size = o.ndim === x.ndim ? o.shape[d] : 1;
    const s = sliceNode(g, g.name(x), d, at, at + size, 1);
    at += size;
    return o.ndim === x.ndim ? s : toShape(g, s, o.shape);
  });
}

function sliceNode(g: Graph, x: string, d: number, start: number, end: number, step: number) {
  const c = (v: number) => g.constant([v], 'int64');
  return g.node('Slice', [x, c(start), c(end), c(d), c(step)]);
}

/** GELU as ONNX 17 spells it: 0.5·x·(1 + erf(x/√2)), or the tanh approximation. */
const gelu: Rule = (g, c) => {
  const x = c.args[0] as Tensor;
  const s = (v: number) => g.constant([v], x.dtype, []);
  const xn = g.name(x);
  let inner: string;
  if ((c.args[1] as { approximate?: string } | undefined)?.approximate === 'tanh') {
    const cube = g.node('Mul', [xn, g.node('Mul', [xn, xn])]);
    const poly = g.node('Add', [xn, g.node('Mul', [cube, s(0.044715)])]);
    inner = g.node('Tanh', [g.node('Mul', [poly, s(Math.sqrt(2 / Math.PI))])]);
  } else inner = g.node('Erf', [g.node('Mul', [xn, s(Math.SQRT1_2)])]);
  return [g.node('Mul', [g.node('Mul', [xn, s(0.5)]), g.node('Add', [inner, s(1)])])];
};

function norm(g: Graph, x: Tensor, weight: unknown, bias: unknown, n: number): string[] {
  const ones = Array.from({ length: n }, () => 1);
  return [
    weight instanceof Tensor ? g.name(weight) : g.constant(ones, x.dtype),
    bias instanceof Tensor
      ? g.name(bias)
      : g.constant(
          ones.map(() => 0),
          x.dtype,
        ),
  ];
}

export const RULES: Record<string, Rule> = {
  ...SPATIAL,
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  matmul: binary('MatMul'),
  eq: binary('Equal'),
  ne: binary('Equal', 'Not'),
  gt: binary('Greater'),
  lt: binary('Less'),
  ge: binary('GreaterOrEqual'),
  le: binary('LessOrEqual'),
  indexSelect: (g, c) => [
    g.node('Gather', [g.name(c.args[0] as Tensor), indexArg(g, c.args[2])], {
      axis: axis(Number(c.args[1]), (c.args[0] as Tensor).ndim),
    }),
  ],
  gather: (g, c) => [
    g.node('GatherElements', [g.name(c.args[0] as Tensor), indexArg(g, c.args[2])], {
      axis: axis(Number(c.args[1]), (c.args[0] as Tensor).ndim),
    }),
  ],
  neg: unary('Neg'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  abs: unary('Abs'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  tanh: unary('Tanh'),
  sigmoid: unary('Sigmoid'),
  relu: unary('Relu'),
  erf: unary('Erf'),
  reciprocal: unary('Reciprocal'),
  floor: unary('Floor'),
  ceil: unary('Ceil'),
  sign: unary('Sign'),
  square: (g, c) => [g.node('Mul', [g.name(c.args[0] as Tensor), g.name(c.args[0] as Tensor)])],
  rsqrt: (g, c) => [g.node('Reciprocal', [g.node('Sqrt', [g.name(c.args[0] as Tensor)])])],
  silu: (g, c) => {
    const x = g.name(c.args[0] as Tensor);
    return [g.node('Mul', [x, g.node('Sigmoid', [x])])];
  },
  gelu,
  leakyRelu: (g, c) => [
    g.node('LeakyRelu', [g.name(c.args[0] as Tensor)], { alpha: { f: Number(c.args[1] ?? 0.01) } }),
  ],
  elu: (g, c) => [
    g.node('Elu', [g.name(c.args[0] as Tensor)], { alpha: { f: Number(c.args[1] ?? 1) } }),
  ],
  softplus: (g, c) => {
    const x = c.args[0] as Tensor;
    const beta = Number(c.args[1] ?? 1);
    if (beta === 1) return [g.node('Softplus', [g.name(x)])];
    const b = g.constant([beta], x.dtype, []);
    return [g.node('Div', [g.node('Softplus', [g.node('Mul', [g.name(x), b])]), b])];
  },
  softmax: (g, c) => [
    g.node('Softmax', [g.name(c.args[0] as Tensor)], { axis: Number(c.args[1] ?? -1) }),
  ],
  logSoftmax: (g, c) => [
    g.node('LogSoftmax', [g.name(c.args[0] as Tensor)], { axis: Number(c.args[1] ?? -1) }),
  ],
  clamp: (g, c) => {
    const x = c.args[0] as Tensor;
    const bound = (v: unknown) => (v == null ? '' : g.constant([Number(v)], x.dtype, []));
    return [g.node('Clip', [g.name(x), bound(c.args[1]), bound(c.args[2])])];
  },
  linear: (g, c) => {
    const [x, w, b] = c.args as [Tensor, Tensor, Tensor | null | undefined];
    const y = g.node('MatMul', [g.name(x), g.node('Transpose', [g.name(w)], { perm: [1, 0] })]);
    return [b ? g.node('Add', [y, g.name(b)]) : y];
  },
  reshape,
  view: reshape,
  flatten: reshape,
  squeeze: reshape,
  unsqueeze: reshape,
  contiguous: unary('Identity'),
  clone: unary('Identity'),
  permute: (g, c) => {
    const x = c.args[0] as Tensor;
    return [g.node('Transpose', [g.name(x)], { perm: dimsOf(c.args[1], x.ndim) })];
  },
  transpose: (g, c) => {
    const x = c.args[0] as Tensor;
    const perm = Array.from({ length: x.ndim }, (_, i) => i);
    const [a, b] = [axis(Number(c.args[1]), x.ndim), axis(Number(c.args[2]), x.ndim)];
    [perm[a], perm[b]] = [perm[b], perm[a]];
    return [g.node('Transpose', [g.name(x)], { perm })];
  },
  expand: (g, c) => [
    g.node('Expand', [g.name(c.args[0] as Tensor), g.constant([...c.outs[0].shape], 'int64')]),
  ],
  sum: reduce('ReduceSum'),
  mean: reduce('ReduceMean'),
  amax: reduce('ReduceMax'),
  amin: reduce('ReduceMin'),
  cat: (g, c) => {
    const xs = c.args[0] as Tensor[];
    return [
      g.node(
        'Concat',
        xs.map((x) => g.name(x)),
        { axis: axis(Number(c.args[1] ?? 0), xs[0].ndim) },
      ),
    ];
  },
  stack: (g, c) => {
    const xs = c.args[0] as Tensor[];
    const d = axis(Number(c.args[1] ?? 0), xs[0].ndim + 1);
    const shape = [...xs[0].shape.slice(0, d), 1, ...xs[0].shape.slice(d)];
    return [
      g.node(
        'Concat',
        xs.map((x) => toShape(g, g.name(x), shape)),
        { axis: d },
      ),
    ];
  },
  split: (g, c) => slices(g, c, Number(c.args[2] ?? 0)),
  chunk: (g, c) => slices(g, c, Number(c.args[2] ?? 0)),
  unbind: (g, c) => slices(g, c, Number(c.args[1] ?? 0)),
  narrow: (g, c) => {
    const [x, dim, start, length] = c.args as [Tensor, number, number, number];
    const d = axis(dim, x.ndim);
    const s = start < 0 ? start + x.shape[d] : start;
    return [sliceNode(g, g.name(x), d, s, s + length, 1)];
  },
  select: (g, c) => {
    const [x, dim, index] = c.args as [Tensor, number, number];
    const d = axis(dim, x.ndim);
    const i = index < 0 ? index + x.shape[d] : index;
    return [toShape(g, sliceNode(g, g.name(x), d, i, i + 1, 1), c.outs[0].shape)];
  },
  slice: (g, c) => {
    const [x, dim, start = 0, end = Infinity, step = 1] = c.args as number[] & [Tensor];
    const d = axis(dim as number, x.ndim);
    const n = x.shape[d];
    const at = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    return [sliceNode(g, g.name(x), d, at(start as number), at(end as number), step as number)];
  },
  where: (g, c) => {
    const [cond, x, y] = c.args;
    return [g.node('Where', [g.name(cond as Tensor), arg(g, x, out0(c)), arg(g, y, out0(c))])];
  },
  'functional.layerNorm': (g, c) => {
    const [x, shape, opts = {}] = c.args as [Tensor, number | number[], Record<string, unknown>];
    const dims = typeof shape === 'number' ? [shape] : shape;
    const n = dims.reduce((a, d) => a * d, 1);
    const [w, b] = norm(g, x, opts.weight, opts.bias, n);
    const wb = [w, b].map((v) => (dims.length > 1 ? toShape(g, v, dims) : v));
    return [
      g.node('LayerNormalization', [g.name(x), ...wb], {
        axis: -dims.length,
        epsilon: { f: Number(opts.eps ?? 1e-5) },
      }),
    ];
  },
  'functional.batchNorm': (g, c) => {
    const [x, mean, variance, opts = {}] = c.args as [
      Tensor,
      Tensor | null,
      Tensor | null,
      Record<string, unknown>,
    ];
    if (opts.training || mean === null || variance === null)
      throw new ValueError(
        'exportOnnx',
        'batch norm exports in eval mode, with running statistics: call model.eval() first',
      );
    const [w, b] = norm(g, x, opts.weight, opts.bias, x.shape[1]);
    return [
      g.node('BatchNormalization', [g.name(x), w, b, g.name(mean), g.name(variance)], {
        epsilon: { f: Number(opts.eps ?? 1e-5) },
      }),
    ];
  },
  'functional.dropout': (g, c) => {
    const opts = (c.args[2] ?? {}) as { training?: boolean };
    if (opts.training !== false && Number(c.args[1] ?? 0.5) > 0)
      throw new ValueError('exportOnnx', 'dropout exports in eval mode: call model.eval() first');
    return [g.node('Identity', [g.name(c.args[0] as Tensor)])];
  },
  'functional.embedding': (g, c) => [
    g.node('Gather', [g.name(c.args[1] as Tensor), g.name(c.args[0] as Tensor)], { axis: 0 }),
  ],
};
