// Each @ad op as the PyTorch expression that computes the same: a traced forward of a custom
// module becomes the body of its `forward` in the exported Python. An op without a rule is
// opened up and written as the ops it calls.
import type { CapturedCall } from '@ad/core';
import { py } from './python';

/** Writes a value as Python: a tensor as its variable, plain values as literals. */
export type Render = (x: unknown) => string;
type Rule = (r: Render, c: CapturedCall) => string;

const a = (c: CapturedCall, i: number) => c.args[i];
const operator =
  (op: string): Rule =>
  (r, c) =>
    `(${r(a(c, 0))} ${op} ${r(a(c, 1))})`;
const fn =
  (name: string, extra: (c: CapturedCall) => unknown[] = () => []): Rule =>
  (r, c) =>
    `${name}(${[r(a(c, 0)), ...extra(c).map(py)].join(', ')})`;
const method =
  (name: string): Rule =>
  (r, c) =>
    `${r(a(c, 0))}.${name}(${c.args.slice(1).map(py).join(', ')})`;

/** Keyword arguments from an options object, leaving out what is undefined. */
function kwargs(pairs: Record<string, unknown>, r: Render): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `, ${k}=${r(v)}`)
    .join('');
}

const opts = (c: CapturedCall, i: number) => (c.args[i] ?? {}) as Record<string, unknown>;

function reduce(name: string): Rule {
  return (r, c) => {
    const dim = a(c, 1);
    const o = a(c, 2);
    const keepdim = typeof o === 'boolean' ? o : Boolean((o as { keepdim?: boolean })?.keepdim);
    if (dim === undefined || dim === null)
      return keepdim
        ? `${name}(${r(a(c, 0))}, dim=tuple(range(${r(a(c, 0))}.dim())), keepdim=True)`
        : `${name}(${r(a(c, 0))})`;
    return `${name}(${r(a(c, 0))}, dim=${py(dim)}, keepdim=${py(keepdim)})`;
  };
}

/** A number operand of maximum/minimum/where as a tensor of the other operand's dtype. */
const asTensor = (r: Render, v: unknown, like: unknown) =>
  typeof v === 'number' ? `torch.full_like(${r(like)}, ${py(v)})` : r(v);

const pool =
  (name: string, keys: string[]): Rule =>
  (r, c) => {
    const o = opts(c, 2);
    const kw: Record<string, unknown> = {};
    for (const k of keys) kw[k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)] = o[k] ?? undefined;
    return `F.${name}(${r(a(c, 0))}, ${py(a(c, 1))}${kwargs(kw, py)})`;
  };

const conv =
  (name: string): Rule =>
  (r, c) => {
    const o = opts(c, 3);
    return `F.${name}(${r(a(c, 0))}, ${r(a(c, 1))}, ${r(a(c, 2) ?? null)}${kwargs({ stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups }, py)})`;
  };

const convTranspose =
  (name: string): Rule =>
  (r, c) => {
    const o = opts(c, 3);
    return `F.${name}(${r(a(c, 0))}, ${r(a(c, 1))}, ${r(a(c, 2) ?? null)}${kwargs({ stride: o.stride, padding: o.padding, output_padding: o.outputPadding, groups: o.groups, dilation: o.dilation }, py)})`;
  };

export const TORCH_OPS: Record<string, Rule> = {
  add: operator('+'),
  sub: operator('-'),
  mul: operator('*'),
  div: operator('/'),
  pow: operator('**'),
  matmul: operator('@'),
  eq: operator('=='),
  ne: operator('!='),
  gt: operator('>'),
  lt: operator('<'),
  ge: operator('>='),
  le: operator('<='),
  maximum: (r, c) => `torch.maximum(${r(a(c, 0))}, ${asTensor(r, a(c, 1), a(c, 0))})`,
  minimum: (r, c) => `torch.minimum(${r(a(c, 0))}, ${asTensor(r, a(c, 1), a(c, 0))})`,
  neg: fn('torch.neg'),
  exp: fn('torch.exp'),
  log: fn('torch.log'),
  sqrt: fn('torch.sqrt'),
  rsqrt: fn('torch.rsqrt'),
  square: fn('torch.square'),
  abs: fn('torch.abs'),
  sin: fn('torch.sin'),
  cos: fn('torch.cos'),
  tanh: fn('torch.tanh'),
  sigmoid: fn('torch.sigmoid'),
  relu: fn('torch.relu'),
  erf: fn('torch.erf'),
  reciprocal: fn('torch.reciprocal'),
  floor: fn('torch.floor'),
  ceil: fn('torch.ceil'),
  sign: fn('torch.sign'),
  silu: fn('F.silu'),
  gelu: (r, c) => `F.gelu(${r(a(c, 0))}, approximate=${py(opts(c, 1).approximate ?? 'none')})`,
  leakyRelu: fn('F.leaky_relu', (c) => [a(c, 1) ?? 0.01]),
  elu: fn('F.elu', (c) => [a(c, 1) ?? 1]),
  softplus: (r, c) =>
    `F.softplus(${r(a(c, 0))}, beta=${py(a(c, 1) ?? 1)}, threshold=${py(a(c, 2) ?? 20)})`,
  softmax: fn('torch.softmax', (c) => [a(c, 1) ?? -1]),
  logSoftmax: fn('torch.log_softmax', (c) => [a(c, 1) ?? -1]),
  clamp: (r, c) => `torch.clamp(${r(a(c, 0))}, min=${py(a(c, 1))}, max=${py(a(c, 2))})`,
  linear: (r, c) => `F.linear(${r(a(c, 0))}, ${r(a(c, 1))}, ${r(a(c, 2) ?? null)})`,
  reshape: method('reshape'),
  view: method('reshape'),
  flatten: (r, c) => `torch.flatten(${r(a(c, 0))}, ${py(a(c, 1) ?? 0)}, ${py(a(c, 2) ?? -1)})`,
  squeeze: method('squeeze'),
  unsqueeze: method('unsqueeze'),
  contiguous: method('contiguous'),
  clone: method('clone'),
  permute: method('permute'),
  transpose: method('transpose'),
  expand: method('expand'),
  sum: reduce('torch.sum'),
  mean: reduce('torch.mean'),
  amax: reduce('torch.amax'),
  amin: reduce('torch.amin'),
  cat: (r, c) => `torch.cat(${r(a(c, 0))}, ${py(a(c, 1) ?? 0)})`,
  stack: (r, c) => `torch.stack(${r(a(c, 0))}, ${py(a(c, 1) ?? 0)})`,
  split: (r, c) => `torch.split(${r(a(c, 0))}, ${py(a(c, 1))}, ${py(a(c, 2) ?? 0)})`,
  chunk: (r, c) => `torch.chunk(${r(a(c, 0))}, ${py(a(c, 1))}, ${py(a(c, 2) ?? 0)})`,
  unbind: (r, c) => `torch.unbind(${r(a(c, 0))}, ${py(a(c, 1) ?? 0)})`,
  narrow: fn('torch.narrow', (c) => [a(c, 1), a(c, 2), a(c, 3)]),
  select: fn('torch.select', (c) => [a(c, 1), a(c, 2)]),
  slice: (r, c) => {
    const [, dim, start = 0, end = Infinity, step = 1] = c.args as number[];
    const x = c.args[0] as { ndim: number };
    const d = dim < 0 ? dim + x.ndim : dim;
    const stop = end === Infinity ? '' : String(end);
    return `${r(a(c, 0))}[${[...Array<string>(d).fill(':'), `${start}:${stop}:${step}`].join(', ')}]`;
  },
  where: (r, c) =>
    `torch.where(${r(a(c, 0))}, ${asTensor(r, a(c, 1), a(c, 2))}, ${asTensor(r, a(c, 2), a(c, 1))})`,
  indexSelect: (r, c) => `torch.index_select(${r(a(c, 0))}, ${py(a(c, 1))}, ${r(a(c, 2))}.long())`,
  gather: (r, c) => `torch.gather(${r(a(c, 0))}, ${py(a(c, 1))}, ${r(a(c, 2))}.long())`,
  'functional.convTranspose1d': convTranspose('conv_transpose1d'),
  'functional.convTranspose2d': convTranspose('conv_transpose2d'),
  'functional.interpolate': (r, c) => {
    const o = opts(c, 1);
    return `F.interpolate(${r(a(c, 0))}${kwargs({ size: o.size ?? undefined, scale_factor: o.scaleFactor ?? undefined, mode: o.mode, align_corners: o.alignCorners ?? undefined }, py)})`;
  },
  'functional.conv1d': conv('conv1d'),
  'functional.conv2d': conv('conv2d'),
  'functional.maxPool1d': pool('max_pool1d', ['stride', 'padding', 'dilation', 'ceilMode']),
  'functional.maxPool2d': pool('max_pool2d', ['stride', 'padding', 'dilation', 'ceilMode']),
  'functional.avgPool1d': pool('avg_pool1d', ['stride', 'padding', 'ceilMode', 'countIncludePad']),
  'functional.avgPool2d': pool('avg_pool2d', [
    'stride',
    'padding',
    'ceilMode',
    'countIncludePad',
    'divisorOverride',
  ]),
  'functional.adaptiveAvgPool1d': fn('F.adaptive_avg_pool1d', (c) => [a(c, 1)]),
  'functional.adaptiveAvgPool2d': fn('F.adaptive_avg_pool2d', (c) => [a(c, 1)]),
  'functional.layerNorm': (r, c) => {
    const o = opts(c, 2);
    const shape = typeof a(c, 1) === 'number' ? [a(c, 1)] : a(c, 1);
    return `F.layer_norm(${r(a(c, 0))}, ${py(shape)}, ${r(o.weight ?? null)}, ${r(o.bias ?? null)}, ${py(o.eps ?? 1e-5)})`;
  },
  // the training flag as the module's own, as PyTorch code writes it
  'functional.batchNorm': (r, c) => {
    const o = opts(c, 3);
    return `F.batch_norm(${r(a(c, 0))}, ${r(a(c, 1))}, ${r(a(c, 2))}, ${r(o.weight ?? null)}, ${r(o.bias ?? null)}, self.training, ${py(o.momentum ?? 0.1)}, ${py(o.eps ?? 1e-5)})`;
  },
  'functional.dropout': (r, c) =>
    `F.dropout(${r(a(c, 0))}, ${py(a(c, 1) ?? 0.5)}, training=self.training)`,
  'functional.embedding': (r, c) =>
    `F.embedding(${r(a(c, 0))}.long(), ${r(a(c, 1))}, padding_idx=${py(opts(c, 2).paddingIdx ?? null)})`,
};
