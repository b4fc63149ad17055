import * as ad from '../src';
import { Generator, type GradcheckOptions, type Tensor } from '../src';
import { reluBackward } from '../src/ops/activation';
import { sigmoidBackward, tanhBackward } from '../src/ops/unary';
import { functionalCases, functionalPoints } from './op-cases-functional';

/** Where an input's values are drawn: [lo, hi], or 'nonzero' for ±[0.2, 2]. */
export type Domain = readonly [number, number] | 'nonzero';

/** One row of the op table: what gradcheck and gradgradcheck run for one op. */
export interface OpCase {
  /** The exported op this row checks (several rows may check one op). */
  op: string;
  /** What the row adds: broadcasting, keepdim, fan-out… */
  note?: string;
  fn: (...xs: Tensor[]) => Tensor;
  shapes: readonly (readonly number[])[];
  domains?: readonly Domain[];
  /** Extra inputs that are not differentiated (indices, conditions), appended after the sampled ones. */
  constants?: () => Tensor[];
  /** Gradcheck settings for this row, e.g. a larger step where float32 rounding sits inside. */
  check?: GradcheckOptions;
  /** An op used inside other ops' gradients, not exported. */
  internal?: true;
  /** `fn` makes its own seeded generator, so every call draws the same sample (a replay of a compiled step draws on instead). */
  seeded?: true;
}

const pos: Domain = [0.2, 2];
const nz: Domain = 'nonzero';
const mask = () => [
  ad.tensor([
    [true, false, true],
    [false, false, true],
  ]),
];

/** x·xᵀ + n·I: symmetric positive-definite, for cholesky. */
const spd = (x: Tensor) =>
  x
    .matmul(x.mT)
    .add(ad.eye(x.shape[x.ndim - 1], undefined, { dtype: x.dtype }).mul(x.shape[x.ndim - 1]));
/** x + 5·I: diagonally dominant for 3×3 inputs in [−2, 2], so solves stay well-conditioned. */
const dominant = (x: Tensor) =>
  x.add(ad.eye(x.shape[x.ndim - 1], undefined, { dtype: x.dtype }).mul(5));

// one row per line keeps the table a table
// prettier-ignore
const coreCases: OpCase[] = [
  // element-wise unary
  { op: 'neg', fn: (x) => x.neg(), shapes: [[2, 3]] },
  { op: 'abs', fn: (x) => x.abs(), shapes: [[2, 3]], domains: [nz] },
  { op: 'exp', fn: (x) => x.exp(), shapes: [[2, 3]] },
  { op: 'expm1', fn: (x) => x.expm1(), shapes: [[4]] },
  { op: 'log', fn: (x) => x.log(), shapes: [[2, 3]], domains: [pos] },
  { op: 'log1p', fn: (x) => x.log1p(), shapes: [[4]], domains: [[-0.5, 2]] },
  { op: 'sqrt', fn: (x) => x.sqrt(), shapes: [[2, 3]], domains: [pos] },
  { op: 'rsqrt', fn: (x) => x.rsqrt(), shapes: [[4]], domains: [pos] },
  { op: 'square', fn: (x) => x.square(), shapes: [[2, 3]] },
  { op: 'reciprocal', fn: (x) => x.reciprocal(), shapes: [[4]], domains: [nz] },
  { op: 'sin', fn: (x) => x.sin(), shapes: [[2, 3]] },
  { op: 'cos', fn: (x) => x.cos(), shapes: [[2, 3]] },
  { op: 'tan', fn: (x) => x.tan(), shapes: [[4]], domains: [[-1.2, 1.2]] },
  { op: 'tanh', fn: (x) => x.tanh(), shapes: [[2, 3]] },
  { op: 'sigmoid', fn: (x) => x.sigmoid(), shapes: [[2, 3]], domains: [[-6, 6]] },
  { op: 'erf', fn: (x) => x.erf(), shapes: [[5]], domains: [[-3.5, 3.5]] },
  { op: 'clamp', fn: (x) => x.clamp(-0.5, 0.7), shapes: [[2, 3]] },
  { op: 'clamp', note: 'one bound', fn: (x) => ad.clamp(x, null, 0.3), shapes: [[5]] },
  { op: 'relu', fn: (x) => x.relu(), shapes: [[2, 3]], domains: [nz] },
  { op: 'asin', fn: (x) => x.asin(), shapes: [[2, 3]], domains: [[-0.9, 0.9]] },
  { op: 'acos', fn: (x) => x.acos(), shapes: [[4]], domains: [[-0.9, 0.9]] },
  { op: 'atan', fn: (x) => x.atan(), shapes: [[2, 3]] },
  { op: 'sinh', fn: (x) => x.sinh(), shapes: [[2, 3]] },
  { op: 'cosh', fn: (x) => x.cosh(), shapes: [[4]] },
  { op: 'asinh', fn: (x) => x.asinh(), shapes: [[2, 3]] },
  { op: 'acosh', fn: (x) => x.acosh(), shapes: [[4]], domains: [[1.2, 3]] },
  { op: 'atanh', fn: (x) => x.atanh(), shapes: [[4]], domains: [[-0.9, 0.9]] },
  { op: 'log2', fn: (x) => x.log2(), shapes: [[4]], domains: [pos] },
  { op: 'log10', fn: (x) => x.log10(), shapes: [[4]], domains: [pos] },
  { op: 'exp2', fn: (x) => x.exp2(), shapes: [[2, 3]] },
  { op: 'atan2', fn: (a, b) => a.atan2(b), shapes: [[2, 3], [3]], domains: [nz, nz] },
  { op: 'atan2', note: 'number on either side', fn: (a) => ad.atan2(a, -0.5).add(ad.atan2(0.7, a)), shapes: [[4]], domains: [nz] },
  { op: 'hypot', fn: (a, b) => a.hypot(b), shapes: [[2, 3], [2, 1]], domains: [nz, nz] },
  { op: 'logaddexp', fn: (a, b) => a.logaddexp(b), shapes: [[2, 3], [3]] },
  { op: 'xlogy', fn: (a, b) => a.xlogy(b), shapes: [[2, 3], [3]], domains: [[-2, 2], pos] },
  { op: 'xlogy', note: 'zeros in x', fn: (a, b) => a.mul(ad.tensor([0, 1, 0], { dtype: 'float64' })).xlogy(b), shapes: [[3], [3]], domains: [[-2, 2], pos] },
  // the fused gradient rules behind tanh, sigmoid and relu (internal ops; their own
  // gradients are what second and third derivatives of those activations run through)
  { op: 'tanhBackward', internal: true, fn: (dy, y) => tanhBackward(dy, y), shapes: [[2, 3], [2, 3]], domains: [[-1, 1], [-0.9, 0.9]] },
  { op: 'tanhBackward', internal: true, note: 'broadcast y', fn: (dy, y) => tanhBackward(dy, y), shapes: [[2, 3], [3]] },
  { op: 'sigmoidBackward', internal: true, fn: (dy, y) => sigmoidBackward(dy, y), shapes: [[2, 3], [2, 3]], domains: [[-1, 1], [0.05, 0.95]] },
  { op: 'reluBackward', internal: true, fn: (dy, x) => reluBackward(dy, x), shapes: [[2, 3], [2, 3]], domains: [[-1, 1], nz] },
  { op: 'leakyRelu', fn: (x) => x.leakyRelu(0.1), shapes: [[2, 3]], domains: [nz] },
  { op: 'elu', fn: (x) => x.elu(0.7), shapes: [[2, 3]], domains: [nz] },
  { op: 'elu', note: 'x past exp overflow', fn: (x) => x.elu(), shapes: [[3]], domains: [[700, 800]] },
  { op: 'gelu', fn: (x) => x.gelu(), shapes: [[2, 3]], domains: [[-3, 3]] },
  { op: 'gelu', note: 'tanh approximation', fn: (x) => x.gelu({ approximate: 'tanh' }), shapes: [[5]] },
  { op: 'softplus', fn: (x) => x.softplus(), shapes: [[2, 3]], domains: [[-5, 5]] },
  { op: 'softplus', note: 'beta and threshold', fn: (x) => x.softplus(2, 3), shapes: [[5]], domains: [[-1, 1]] },
  { op: 'silu', fn: (x) => x.silu(), shapes: [[2, 3]] },
  { op: 'logSigmoid', fn: (x) => x.logSigmoid(), shapes: [[2, 3]], domains: [[-5, 5]] },
  // element-wise binary, with broadcasting and scalars on either side
  { op: 'add', fn: (a, b) => a.add(b), shapes: [[2, 3], [2, 3]] },
  { op: 'add', note: 'broadcast both ways', fn: (a, b) => a.add(b), shapes: [[2, 1, 3], [4, 1]] },
  { op: 'add', note: 'number operand', fn: (a) => ad.add(2.5, a), shapes: [[3]] },
  { op: 'sub', fn: (a, b) => a.sub(b), shapes: [[2, 3], [3]] },
  { op: 'sub', note: '0-d operand', fn: (a, b) => a.sub(b), shapes: [[], [2, 2]] },
  { op: 'mul', fn: (a, b) => a.mul(b), shapes: [[2, 3], [2, 1]] },
  { op: 'mul', note: 'fan-out x·x', fn: (a) => a.mul(a), shapes: [[3]] },
  { op: 'div', fn: (a, b) => a.div(b), shapes: [[2, 3], [3]], domains: [[-2, 2], nz] },
  { op: 'div', note: 'number numerator', fn: (a) => ad.div(1, a), shapes: [[3]], domains: [nz] },
  { op: 'pow', fn: (a, b) => a.pow(b), shapes: [[2, 3], [2, 3]], domains: [pos, [-2, 2]] },
  { op: 'pow', note: 'integer exponent, negative base', fn: (a) => a.pow(3), shapes: [[4]] },
  { op: 'pow', note: 'exponent 0 at a zero base', fn: (a, b) => a.mul(ad.tensor([0, 1, 1], { dtype: 'float64' })).pow(b.mul(ad.tensor([0, 1, 0], { dtype: 'float64' }))), shapes: [[3], [3]], domains: [pos, pos] },
  { op: 'maximum', fn: (a, b) => a.maximum(b), shapes: [[2, 3], [3]] },
  { op: 'minimum', fn: (a, b) => a.minimum(b), shapes: [[2, 3], [2, 1]] },
  { op: 'where', fn: (a, b, c) => ad.where(c, a, b), shapes: [[2, 3], [3]], constants: mask },
  { op: 'where', note: 'number branch', fn: (a, c) => ad.where(c, a, 0.5), shapes: [[2, 3]], constants: mask },
  // matmul family
  { op: 'matmul', fn: (a, b) => a.matmul(b), shapes: [[3, 4], [4, 2]] },
  { op: 'matmul', note: '1-D · 1-D', fn: (a, b) => a.matmul(b), shapes: [[4], [4]] },
  { op: 'matmul', note: '1-D · 2-D', fn: (a, b) => a.matmul(b), shapes: [[3], [3, 2]] },
  { op: 'matmul', note: '2-D · 1-D', fn: (a, b) => a.matmul(b), shapes: [[2, 3], [3]] },
  { op: 'matmul', note: 'batched with broadcast batch', fn: (a, b) => a.matmul(b), shapes: [[2, 1, 2, 3], [3, 3, 2]] },
  { op: 'matmul', note: '1-D · batched', fn: (a, b) => a.matmul(b), shapes: [[3], [2, 3, 2]] },
  { op: 'matmul', note: 'big enough for the packed kernel, odd sizes', fn: (a, b) => a.matmul(b), shapes: [[33, 35], [35, 37]], check: { eps: 1e-5 } },
  { op: 'linear', fn: (x, w, b) => ad.linear(x, w, b), shapes: [[4, 3], [2, 3], [2]] },
  { op: 'linear', note: '3-D input, no bias', fn: (x, w) => ad.linear(x, w), shapes: [[2, 2, 3], [4, 3]] },
  { op: 'dot', fn: (a, b) => a.dot(b), shapes: [[5], [5]] },
  { op: 'outer', fn: (a, b) => a.outer(b), shapes: [[3], [2]] },
  // reductions
  { op: 'sum', fn: (x) => x.sum(), shapes: [[2, 3]] },
  { op: 'sum', note: 'dim, keepdim', fn: (x) => x.sum(1, { keepdim: true }), shapes: [[2, 3, 2]] },
  { op: 'sum', note: 'several negative dims', fn: (x) => x.sum([-1, 0]), shapes: [[2, 3, 2]] },
  { op: 'mean', fn: (x) => x.mean(0), shapes: [[3, 2]] },
  { op: 'prod', fn: (x) => x.prod(1), shapes: [[2, 3]], domains: [nz] },
  { op: 'prod', note: 'with zeros', fn: (x) => x.mul(ad.tensor([[0, 1, 1], [1, 1, 1]], { dtype: 'float64' })).prod(1), shapes: [[2, 3]], domains: [nz] },
  { op: 'prod', note: 'one and two zeros, all dims', fn: (x) => x.mul(ad.tensor([[0, 1, 1, 1], [1, 1, 0, 0]], { dtype: 'float64' })).prod([1]).add(x.mul(ad.tensor([[1, 1, 0, 1], [1, 1, 1, 1]], { dtype: 'float64' })).prod()), shapes: [[2, 4]], domains: [nz] },
  { op: 'max', fn: (x) => x.max(), shapes: [[2, 3]] },
  { op: 'max', note: 'dim, keepdim', fn: (x) => x.max(0, { keepdim: true }), shapes: [[3, 2]] },
  { op: 'min', fn: (x) => x.min(-1), shapes: [[2, 3]] },
  { op: 'min', note: 'all dims', fn: (x) => x.min(), shapes: [[2, 3]] },
  { op: 'amax', fn: (x) => x.amax([0, 2], { keepdim: true }), shapes: [[2, 3, 2]] },
  { op: 'amin', fn: (x) => x.amin(1), shapes: [[2, 3]] },
  { op: 'logsumexp', fn: (x) => x.logsumexp(1), shapes: [[2, 3]] },
  { op: 'logsumexp', note: 'all dims, keepdim', fn: (x) => x.logsumexp(null, { keepdim: true }), shapes: [[2, 2]] },
  { op: 'logsumexp', note: 'an empty dim gives −∞', fn: (x) => x.reshape([2, 3, 1]).narrow(2, 0, 0).logsumexp(2).exp().add(x), shapes: [[2, 3]] },
  { op: 'var', fn: (x) => x.var(), shapes: [[2, 3]] },
  { op: 'var', note: 'dim, correction 0', fn: (x) => x.var(1, { correction: 0, keepdim: true }), shapes: [[2, 3]] },
  { op: 'variance', note: 'the function behind var', fn: (x) => ad.variance(x, [0, 1]), shapes: [[2, 2]] },
  { op: 'std', fn: (x) => x.std(0), shapes: [[3, 2]] },
  { op: 'norm', fn: (x) => x.norm(), shapes: [[2, 3]] },
  { op: 'norm', note: 'p = 3 along a dim', fn: (x) => x.norm(3, 1), shapes: [[2, 3]], domains: [nz] },
  { op: 'norm', note: 'p = 1.5, 0.5, 1, ∞, −∞, 0', fn: (x) => ad.stack([1.5, 0.5, 1, Infinity, -Infinity, 0].map((p) => x.norm(p, 0))), shapes: [[3, 2]], domains: [nz] },
  { op: 'norm', note: 'a row of zeros', fn: (x) => x.mul(ad.tensor([[0, 0, 0], [1, 1, 1]], { dtype: 'float64' })).norm(2, 1, true).add(x.sum()), shapes: [[2, 3]] },
  { op: 'softmax', fn: (x) => x.softmax(), shapes: [[2, 3]] },
  { op: 'softmax', note: 'dim 0', fn: (x) => x.softmax(0), shapes: [[3, 2]] },
  { op: 'logSoftmax', fn: (x) => x.logSoftmax(1), shapes: [[2, 4]] },
  // movement
  { op: 'reshape', fn: (x) => x.reshape([3, -1]), shapes: [[2, 3]] },
  { op: 'flatten', fn: (x) => x.flatten(1), shapes: [[2, 2, 2]] },
  { op: 'squeeze', fn: (x) => x.squeeze(), shapes: [[2, 1, 3]] },
  { op: 'unsqueeze', fn: (x) => x.unsqueeze(-1), shapes: [[2, 3]] },
  { op: 'transpose', fn: (x) => x.transpose(0, 2), shapes: [[2, 3, 2]] },
  { op: 'permute', fn: (x) => x.permute([2, 0, 1]), shapes: [[2, 3, 2]] },
  { op: 'expand', fn: (x) => x.expand([2, 3, 3]), shapes: [[3, 1]] },
  { op: 'sumTo', fn: (x) => x.sumTo([1, 3]), shapes: [[2, 2, 3]] },
  { op: 'narrow', fn: (x) => x.narrow(1, 1, 2), shapes: [[2, 4]] },
  { op: 'pad', fn: (x) => x.pad([1, 0, 0, 2], 0.5), shapes: [[2, 3]] },
  { op: 'pad', note: 'reflect', fn: (x) => x.pad([2, 1, 1, 1], { mode: 'reflect' }), shapes: [[2, 3]] },
  { op: 'pad', note: 'replicate and circular', fn: (x) => x.pad([3, 1], { mode: 'replicate' }).add(x.pad([1, 3], { mode: 'circular' })), shapes: [[2, 3]] },
  { op: 'slice', fn: (x) => x.slice(1, -3, undefined, 2), shapes: [[2, 5]] },
  { op: 'select', fn: (x) => x.select(0, -1), shapes: [[3, 2]] },
  // views: the input's storage read through other strides, offsets and shapes
  { op: 'view', fn: (x) => x.view([3, 2]), shapes: [[2, 3]] },
  { op: 'view', note: 'of a transpose made contiguous', fn: (x) => x.mT.contiguous().view([-1]), shapes: [[2, 3]] },
  { op: 'reshape', note: 'of a transpose (copies)', fn: (x) => x.T.reshape([6]).mul(ad.arange(6, undefined, 1, { dtype: 'float64' })), shapes: [[2, 3]] },
  { op: 'contiguous', fn: (x) => x.transpose(0, 1).contiguous().mul(x.T.contiguous()), shapes: [[2, 3]] },
  { op: 'diagonal', fn: (x) => x.diagonal(), shapes: [[3, 3]] },
  { op: 'diagonal', note: 'offsets and batch dims', fn: (x) => x.diagonal(1, 1, 2).add(x.diagonal(-1, 2, 0).sum()), shapes: [[2, 3, 4]] },
  { op: 'unfold', note: 'overlapping windows', fn: (x) => x.unfold(1, 3, 1), shapes: [[2, 5]] },
  { op: 'unfold', note: 'step past the size', fn: (x) => x.unfold(0, 2, 3).square(), shapes: [[8, 2]] },
  { op: 'select', note: 'views of views', fn: (x) => x.T.narrow(0, 1, 2).select(1, 0).unsqueeze(0).expand([2, 2]).mul(x.select(0, 1).narrow(0, 0, 2)), shapes: [[2, 3]] },
  { op: 'sum', note: 'of a transpose, read in place', fn: (x) => x.T.sum(1).add(x.unsqueeze(0).expand([2, 2, 3]).sum([0, 1])), shapes: [[2, 3]] },
  { op: 'amax', note: 'over a strided slice', fn: (x) => x.slice(1, 0, undefined, 2).amax(1), shapes: [[2, 5]] },
  { op: 'expand', note: 'into a matmul (zero strides read in place)', fn: (x, w) => x.expand([3, 2]).matmul(w.mT), shapes: [[2], [4, 2]] },
  { op: 'mul_', note: 'through a view of a non-leaf (copySlices)', fn: (x, s) => { const y = x.mul(1); y.narrow(1, 0, 2).mul_(s); return y.mul(y); }, shapes: [[2, 3], [2, 2]] },
  { op: 'copy_', note: 'into a diagonal; a view made before sees it', fn: (x, s) => { const y = x.mul(1.5); const t = y.T; y.diagonal().copy_(s.sin()); return t.mul(y.sum(0)); }, shapes: [[3, 3], [3]] },
  { op: 'add_', note: 'through views of views, base used after', fn: (x) => { const y = x.mul(x); y.T.select(0, 1).narrow(0, 0, 1).add_(y.select(1, 0).narrow(0, 1, 1)); return y.square(); }, shapes: [[2, 3]] },
  { op: 'cat', fn: (a, b) => ad.cat([a, b, a], 1), shapes: [[2, 2], [2, 1]] },
  { op: 'stack', fn: (a, b) => ad.stack([a, b], 1), shapes: [[2, 3], [2, 3]] },
  { op: 'split', fn: (x) => ad.cat(x.split(2, 1).map((p, i) => p.mul(i + 1)), 1), shapes: [[2, 5]] },
  { op: 'chunk', fn: (x) => ad.cat(x.chunk(2, 0).map((p, i) => p.mul(i + 2)), 0), shapes: [[3, 2]] },
  { op: 'repeat', fn: (x) => x.repeat([2, 1, 2]), shapes: [[2, 3]] },
  { op: 'indexSelect', note: 'repeated indices', fn: (x) => x.indexSelect(1, [2, 0, 2]), shapes: [[2, 3]] },
  { op: 'indexAdd', fn: (x, s) => x.indexAdd(0, [1, 1, 0], s), shapes: [[2, 3], [3, 3]] },
  { op: 'indexAdd', note: 'alpha', fn: (x, s) => x.indexAdd(1, [2, 0], s, { alpha: -1.5 }), shapes: [[2, 3], [2, 2]] },
  { op: 'gather', fn: (x) => x.gather(1, [[0, 0, 2], [1, 2, 2]]), shapes: [[2, 3]] },
  { op: 'scatterAdd', fn: (x, s) => x.scatterAdd(0, [[1, 0], [1, 1]], s), shapes: [[2, 2], [2, 2]] },
  { op: 'clone', fn: (x) => x.clone(), shapes: [[2, 3]] },
  { op: 'cast', note: 'through float32 and back', fn: (x) => x.cast('float32').mul(3).cast('float64'), shapes: [[3]], check: { eps: 1e-2 } },
  { op: 'at', note: 'Python indexing: views all the way', fn: (x) => x.at('1:, None, ::2').mul(x.at([-1, '...']).sum()), shapes: [[3, 4]] },
  { op: 'einsum', note: 'a batched product, implicit output', fn: (a, b) => ad.einsum('bij,bjk', a, b), shapes: [[2, 2, 3], [2, 3, 2]] },
  { op: 'einsum', note: 'trace, diagonal, outer, ellipsis', fn: (a, v) => ad.einsum('ii->', a).mul(ad.einsum('ii->i', a)).add(ad.einsum('i,j->ij', v, v).sum()).add(ad.einsum('...i->...', v)), shapes: [[3, 3], [3]] },
  { op: 'einsum', note: 'a bilinear form with a broadcast dim', fn: (x, w, y) => ad.einsum('bn,anm,bm->ba', x, w, y), shapes: [[2, 3], [1, 3, 2], [2, 2]] },
  // linear algebra: inputs made well-conditioned (and symmetric positive-definite for
  // cholesky) by the row itself, so that finite differences see the op's own gradient
  { op: 'mode', note: 'values with repeats', fn: (x) => x.round().mode(1).values.add(x.mode(0, true).values.sum()), shapes: [[3, 4]], domains: [[-1.4, 1.4]] },
  { op: 'indexPut', note: 'copy and accumulate, negative and repeated indices, broadcast values', fn: (x, v, i, j) => x.indexPut([i, j], v).add(x.indexPut([i], v.sum(), { accumulate: true })), shapes: [[3, 4], [2]], constants: () => [ad.tensor([0, -1], { dtype: 'int32' }), ad.tensor([[1], [3]], { dtype: 'int32' })] },
  { op: 'indexPut', note: 'a bool mask', fn: (x, v, m) => x.indexPut([m], v), shapes: [[2, 3], [3]], constants: () => [ad.tensor([[true, false, true], [false, true, false]])] },
  { op: 'scatterReduce', note: 'sum, and mean without x', fn: (x, s, i) => x.scatterReduce(0, i, s, 'sum').add(x.scatterReduce(0, i, s, 'mean', { includeSelf: false })), shapes: [[3, 2], [4, 2]], constants: () => [ad.tensor([[0, 1], [2, 1], [0, 0], [2, 1]], { dtype: 'int32' })] },
  { op: 'scatterReduce', note: 'amax, and amin without x, from a larger src', fn: (x, s, i) => x.scatterReduce(1, i, s, 'amax').add(x.scatterReduce(1, i, s, 'amin', { includeSelf: false })), shapes: [[2, 3], [2, 4]], constants: () => [ad.tensor([[0, 2, 0], [1, 1, 2]], { dtype: 'int32' })] },
  { op: 'scatterReduce', note: 'prod', fn: (x, s, i) => x.scatterReduce(0, i, s, 'prod'), shapes: [[3], [4]], domains: [nz, nz], constants: () => [ad.tensor([0, 2, 0, 1], { dtype: 'int32' })] },
  { op: 'linalg.cholesky', fn: (x) => ad.linalg.cholesky(spd(x)), shapes: [[3, 3]] },
  { op: 'linalg.cholesky', note: 'batched, upper', fn: (x) => ad.linalg.cholesky(spd(x), { upper: true }), shapes: [[2, 3, 3]] },
  { op: 'linalg.solveTriangular', fn: (a, b) => ad.linalg.solveTriangular(dominant(a), b, { upper: false }), shapes: [[3, 3], [3, 2]] },
  { op: 'linalg.solveTriangular', note: 'upper, right, unit diagonal, broadcast batch', fn: (a, b) => ad.linalg.solveTriangular(a, b, { upper: true, left: false, unitriangular: true }), shapes: [[3, 3], [2, 2, 3]], domains: [[-0.5, 0.5], [-2, 2]] },
  { op: 'linalg.solve', fn: (a, b) => ad.linalg.solve(dominant(a), b), shapes: [[3, 3], [3, 2]] },
  { op: 'linalg.solve', note: 'a vector, broadcast batch', fn: (a, b) => ad.linalg.solve(dominant(a), b), shapes: [[2, 3, 3], [3]] },
  { op: 'linalg.solve', note: 'left: false', fn: (a, b) => ad.linalg.solve(dominant(a), b, { left: false }), shapes: [[3, 3], [2, 3]] },
  { op: 'linalg.inv', fn: (a) => ad.linalg.inv(dominant(a)), shapes: [[2, 3, 3]] },
  { op: 'linalg.det', fn: (a) => ad.linalg.det(a), shapes: [[3, 3]] },
  { op: 'linalg.det', note: 'batched, fan-out', fn: (a) => ad.linalg.det(a).mul(a.sum([1, 2])), shapes: [[2, 2, 2]] },
  { op: 'linalg.slogdet', fn: (a) => ad.linalg.slogdet(dominant(a)).logabsdet, shapes: [[3, 3]] },
  { op: 'linalg.slogdet', note: 'batched, a negative determinant', fn: (a) => ad.linalg.slogdet(dominant(a).neg()).logabsdet, shapes: [[2, 3, 3]] },
  { op: 'linalg.eigh', note: 'values, and vectors squared (free of their sign)', fn: (x) => { const [L, V] = ad.linalg.eigh(x.add(x.mT)); return L.mul(ad.tensor([1, 2, 3], { dtype: 'float64' })).sum().add(V.square().mul(ad.arange(0, 9, 1, { dtype: 'float64' }).reshape([3, 3])).sum()); }, shapes: [[3, 3]] },
  { op: 'linalg.eigvalsh', note: 'batched', fn: (x) => ad.linalg.eigvalsh(x.add(x.mT)), shapes: [[2, 4, 4]] },
  { op: 'linalg.qr', note: 'tall, batched', fn: (a) => { const { Q, R } = ad.linalg.qr(a); return Q.mul(ad.arange(0, 6, 1, { dtype: 'float64' }).reshape([3, 2])).sum().add(R.square().sum()); }, shapes: [[2, 3, 2]] },
  { op: 'linalg.qr', note: 'wide', fn: (a) => { const { Q, R } = ad.linalg.qr(a); return Q.sum().add(R.mul(ad.arange(0, 6, 1, { dtype: 'float64' }).reshape([2, 3])).sum()); }, shapes: [[2, 3]] },
  { op: 'linalg.matrixExp', fn: (a) => ad.linalg.matrixExp(a), shapes: [[3, 3]], domains: [[-1, 1]] },
  { op: 'linalg.matrixExp', note: 'batched, a larger norm (scaled and squared)', fn: (a) => ad.linalg.matrixExp(a.mul(2)), shapes: [[2, 2, 2]] },
  { op: 'linalg.svd', note: 'tall: S, and U and Vh squared (free of their signs)', fn: (a) => { const { U, S, Vh } = ad.linalg.svd(a, { fullMatrices: false }); return S.sum().add(U.square().mul(ad.arange(0, 6, 1, { dtype: 'float64' }).reshape([3, 2])).sum()).add(Vh.square().mul(ad.tensor([[1, 2], [3, 4]], { dtype: 'float64' })).sum()); }, shapes: [[3, 2]] },
  { op: 'linalg.svd', note: 'wide, batched', fn: (a) => { const { U, S, Vh } = ad.linalg.svd(a, { fullMatrices: false }); return S.mul(ad.tensor([1, 3], { dtype: 'float64' })).sum().add(Vh.square().mul(ad.arange(0, 6, 1, { dtype: 'float64' }).reshape([2, 3])).sum()).add(U.square().sum()); }, shapes: [[2, 2, 3]] },
  { op: 'linalg.svdvals', fn: (a) => ad.linalg.svdvals(a), shapes: [[4, 3]] },
  { op: 'linalg.pinv', note: 'tall and wide', fn: (a) => ad.linalg.pinv(a).sum().add(ad.linalg.pinv(a.mT).square().sum()), shapes: [[4, 3]] },
  { op: 'linalg.lstsq', note: 'a vector and a matrix on the right', fn: (a, b, c) => ad.linalg.lstsq(a, b).solution.sum().add(ad.linalg.lstsq(a, c).residuals.sum()), shapes: [[4, 2], [4], [4, 3]] },
  { op: 'linalg.vectorNorm', fn: (x) => ad.linalg.vectorNorm(x, 3, 1), shapes: [[2, 3]], domains: [nz] },
  { op: 'linalg.matrixNorm', note: "'nuc', 2, −2 over dims (0, 2)", fn: (a) => ad.linalg.matrixNorm(a, 'nuc', [0, 2]).add(ad.linalg.matrixNorm(a, 2, [0, 2])).add(ad.linalg.matrixNorm(a, -2, [0, 2], { keepdim: true }).reshape([3])), shapes: [[2, 3, 4]] },
  { op: 'linalg.matrixNorm', note: "'fro', 1, ∞, −1, −∞", fn: (a) => ad.linalg.matrixNorm(a).add(ad.linalg.matrixNorm(a, 1)).add(ad.linalg.matrixNorm(a, Infinity)).add(ad.linalg.matrixNorm(a, -1)).add(ad.linalg.matrixNorm(a, -Infinity, [-2, -1], { keepdim: true }).squeeze(-1).squeeze(-1)), shapes: [[2, 3, 4]], domains: [nz] },
  { op: 'linalg.cross', note: 'broadcast', fn: (a, b) => ad.linalg.cross(a, b, 1), shapes: [[2, 3], [1, 3]] },
  { op: 'linalg.matrixPower', note: '3, 0 and −2', fn: (a) => ad.linalg.matrixPower(a, 3).add(ad.linalg.matrixPower(a, 0)).add(ad.linalg.matrixPower(dominant(a), -2)), shapes: [[2, 3, 3]], domains: [[-1, 1]] },
  // masks, reordering, scatter
  { op: 'maskedFill', fn: (x, m) => x.maskedFill(m, -1), shapes: [[2, 3]], constants: mask },
  { op: 'maskedFill', note: 'a tensor value, a broadcast mask', fn: (x, v, m) => x.maskedFill(m.select(0, 0), v), shapes: [[2, 3], []], constants: mask },
  { op: 'maskedSelect', fn: (x, m) => x.maskedSelect(m).mul(ad.arange(3, undefined, 1, { dtype: 'float64' })), shapes: [[2, 3]], constants: mask },
  { op: 'tril', fn: (x) => x.tril(-1), shapes: [[3, 4]] },
  { op: 'triu', note: 'batched, above the diagonal', fn: (x) => x.triu(1), shapes: [[2, 3, 3]] },
  { op: 'flip', fn: (x) => x.flip([0, 2]).mul(ad.arange(12, undefined, 1, { dtype: 'float64' }).reshape([2, 3, 2])), shapes: [[2, 3, 2]] },
  { op: 'roll', fn: (x) => x.roll([1, -2], [0, 1]).mul(ad.arange(6, undefined, 1, { dtype: 'float64' }).reshape([2, 3])), shapes: [[2, 3]] },
  { op: 'roll', note: 'flattened', fn: (x) => x.roll(4).square(), shapes: [[2, 3]] },
  { op: 'tile', fn: (x) => x.tile([2]), shapes: [[2, 3]] },
  { op: 'repeatInterleave', fn: (x) => x.repeatInterleave([1, 0, 2], 1), shapes: [[2, 3]] },
  { op: 'repeatInterleave', note: 'flattened, a number of repeats', fn: (x) => x.repeatInterleave(2).square(), shapes: [[2, 2]] },
  { op: 'diagEmbed', fn: (x) => x.diagEmbed(1), shapes: [[2, 3]] },
  { op: 'diagEmbed', note: 'other dims, below the diagonal', fn: (x) => x.diagEmbed(-1, 0, 2).square(), shapes: [[2, 2]] },
  { op: 'takeAlongDim', fn: (x) => x.takeAlongDim([[0, 2], [1, 1]], 1), shapes: [[2, 3]] },
  { op: 'takeAlongDim', note: 'indices broadcast; flattened', fn: (x) => x.takeAlongDim([[2, 0]], 1).sum().add(x.takeAlongDim([5, 0, 5])), shapes: [[2, 3]] },
  { op: 'scatter', fn: (x, s) => x.scatter(1, [[0, 2], [1, 0]], s), shapes: [[2, 3], [2, 2]] },
  { op: 'scatter', note: 'a number, a larger src', fn: (x, s) => x.scatter(0, [[1, 0, 1]], 0.5).add(x.scatter(1, [[2], [0]], s).sum()), shapes: [[2, 3], [2, 3]] },
  { op: 'indexCopy', fn: (x, s) => x.indexCopy(1, [2, 0], s), shapes: [[2, 3], [2, 2]] },
  // scans, sorting and selection
  { op: 'cumsum', fn: (x) => x.cumsum(1), shapes: [[2, 4]] },
  { op: 'cumprod', fn: (x) => x.cumprod(1), shapes: [[2, 4]] },
  { op: 'cumprod', note: 'with zeros, dim 0', fn: (x) => x.mul(ad.tensor([[1, 0], [1, 1], [0, 1]], { dtype: 'float64' })).cumprod(0), shapes: [[3, 2]] },
  { op: 'logcumsumexp', fn: (x) => x.logcumsumexp(1), shapes: [[2, 4]] },
  { op: 'cummax', fn: (x) => x.cummax(1).values, shapes: [[2, 4]] },
  { op: 'cummin', fn: (x) => x.cummin(0)[0], shapes: [[4, 2]] },
  { op: 'sort', fn: (x) => x.sort(1, true).values.mul(ad.arange(4, undefined, 1, { dtype: 'float64' })), shapes: [[2, 4]] },
  { op: 'topk', fn: (x) => x.topk(2, 0).values, shapes: [[4, 2]] },
  { op: 'kthvalue', fn: (x) => x.kthvalue(2, 1, true).values, shapes: [[2, 4]] },
  { op: 'median', fn: (x) => x.median(), shapes: [[2, 3]] },
  { op: 'median', note: 'along a dim', fn: (x) => x.median(1).values, shapes: [[2, 4]] },
  // special functions
  { op: 'lgamma', fn: (x) => x.lgamma(), shapes: [[2, 3]], domains: [[0.2, 4]] },
  { op: 'lgamma', note: 'negative, between the poles', fn: (x) => x.sub(2.5).lgamma(), shapes: [[3]], domains: [[0.2, 0.8]] },
  { op: 'digamma', fn: (x) => x.digamma(), shapes: [[2, 3]], domains: [[0.2, 4]] },
  { op: 'polygamma', fn: (x) => x.polygamma(2), shapes: [[2, 3]], domains: [[0.5, 3]] },
  { op: 'polygamma', note: 'n = 1 and the function form', fn: (x) => ad.polygamma(1, x), shapes: [[3]], domains: [[0.5, 3]] },
  { op: 'erfc', fn: (x) => x.erfc(), shapes: [[2, 3]], domains: [[-2, 3]] },
  { op: 'erfinv', fn: (x) => x.erfinv(), shapes: [[2, 3]], domains: [[-0.9, 0.9]] },
  { op: 'sinc', fn: (x) => x.sinc(), shapes: [[2, 3]], domains: [[-2, 2]] },
  // in place on non-leaves: taped against the old value, so gradients flow through it
  { op: 'add_', fn: (x, o) => x.mul(2).add_(o), shapes: [[2, 3], [3]] },
  { op: 'sub_', fn: (x, o) => x.mul(2).sub_(o).mul(x), shapes: [[2, 3], [2, 1]] },
  { op: 'mul_', fn: (x, o) => x.clone().mul_(o), shapes: [[2, 3], [2, 3]] },
  { op: 'div_', fn: (x, o) => x.sin().div_(o), shapes: [[3], [3]], domains: [[-2, 2], nz] },
  { op: 'clamp_', fn: (x) => x.mul(1).clamp_(-0.5, 0.5), shapes: [[2, 3]] },
  { op: 'copy_', fn: (x, o) => ad.zeros([2, 3], { dtype: 'float64' }).copy_(o).mul(x), shapes: [[2, 3], [3]] },
  { op: 'fill_', note: 'cuts the old value off', fn: (x) => x.mul(3).fill_(2).add(x), shapes: [[3]] },
  { op: 'zero_', fn: (x) => x.exp().zero_().add(x.square()), shapes: [[3]] },
  // compositions: fan-out diamonds, broadcasting into fan-out, deep chains
  { op: 'add', note: 'diamond: two paths from x', fn: (x) => x.exp().mul(x.sin()).add(x), shapes: [[3]] },
  { op: 'mul', note: 'broadcast fan-out', fn: (x, b) => x.mul(b).add(b.square()).sum(0), shapes: [[3, 2], [2]] },
];

/** The op table: every row that gradcheck and gradgradcheck run. */
export const opCases: OpCase[] = [...coreCases, ...functionalCases];

/** Seeded inputs for a row: float64 leaves that require grad, then its constants. */
export function inputsFor(c: OpCase, seed = 1): Tensor[] {
  const g = new Generator(seed);
  const sampled = c.shapes.map((shape, i) => {
    const domain = c.domains?.[i] ?? [-2, 2];
    const t = ad.rand([...shape], { dtype: 'float64', generator: g });
    const d = t.data;
    for (let k = 0; k < d.length; k++) {
      d[k] =
        domain === 'nonzero'
          ? (g.random() < 0.5 ? -1 : 1) * (0.2 + 1.8 * d[k])
          : domain[0] + (domain[1] - domain[0]) * d[k];
    }
    return t.requiresGrad_();
  });
  return [...sampled, ...(c.constants?.() ?? [])];
}

/** Exported functions with no gradient: comparisons, rounding, index and creation functions. */
export const nonDifferentiable = [
  'functional.oneHot',
  'sign',
  'floor',
  'ceil',
  'round',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'argmax',
  'argmin',
  'argsort',
  'nonzero',
  'bernoulli',
  'multinomial',
  'normal',
  'uniform',
  'detach',
  'tensor',
  'zeros',
  'ones',
  'full',
  'zerosLike',
  'onesLike',
  'fullLike',
  'arange',
  'linspace',
  'eye',
  'rand',
  'randn',
  'randint',
  'randperm',
  'uniform_',
  'normal_',
  'stopGradient',
];

/** Exported functions that are not ops: autograd machinery and settings. */
export const notOps = [
  'backward',
  'compile',
  'sideEffect',
  'dependsOn',
  'captureOps',
  'opNames',
  'gradients',
  'noGrad',
  'enableGrad',
  'isGradEnabled',
  'gradcheck',
  'gradgradcheck',
  'manualSeed',
  'setDefaultDtype',
  'getDefaultDtype',
  'promoteTypes',
  'broadcastShapes',
  'detectAnomaly',
  'setDetectAnomaly',
  'grad',
  'valueAndGrad',
  'vjp',
  'jvp',
  'jacobian',
  'hessian',
  'hvp',
  'customOp',
  'tapeRows',
  'tapeTable',
  'toDot',
  'toSvg',
  'getBackend',
  'setBackend',
  'formatShape',
  'checkBool',
  'checkInt',
  'checkNumber',
  'checkOneOf',
  'checkOptions',
  'writeInPlace',
  'fusedSgd',
  'fusedAdam',
];

/**
 * A point where an op's gradient is fixed by convention rather than by a limit: a kink, a
 * tie, a zero. Each row gives PyTorch's value there (its documented rule), for the gradient
 * of `fn(...).sum()`; the test also checks that differentiating again stays finite.
 */
export interface SpecialPoint {
  op: string;
  note: string;
  fn: (...xs: Tensor[]) => Tensor;
  at: readonly (number | readonly number[] | readonly (readonly number[])[])[];
  grads: readonly (number | readonly number[] | readonly (readonly number[])[])[];
  /** The second derivative is legitimately infinite here (√x at 0). */
  infiniteSecondOrder?: true;
}

// one row per line keeps the table a table
// prettier-ignore
const corePoints: SpecialPoint[] = [
  { op: 'abs', note: 'at 0', fn: (x) => x.abs(), at: [[0, -1, 2]], grads: [[0, -1, 1]] },
  { op: 'relu', note: 'at 0', fn: (x) => x.relu(), at: [[0, -1, 2]], grads: [[0, 0, 1]] },
  { op: 'leakyRelu', note: 'at 0 takes the slope', fn: (x) => x.leakyRelu(0.25), at: [[0, -1, 2]], grads: [[0.25, 0.25, 1]] },
  { op: 'elu', note: 'at 0 takes α; no overflow far right', fn: (x) => x.elu(0.5), at: [[0, 1000, 100]], grads: [[0.5, 1, 1]] },
  { op: 'clamp', note: 'the bounds pass the gradient', fn: (x) => x.clamp(-0.5, 0.75), at: [[-0.5, 0.75, 1, -1, 0]], grads: [[1, 1, 0, 0, 1]] },
  { op: 'maximum', note: 'ties split evenly', fn: (a, b) => a.maximum(b), at: [[1, 2], [1, 3]], grads: [[0.5, 0], [0.5, 1]] },
  { op: 'minimum', note: 'ties split evenly', fn: (a, b) => a.minimum(b), at: [[1, 2], [1, 3]], grads: [[0.5, 1], [0.5, 0]] },
  { op: 'max', note: 'all dims: ties split evenly', fn: (x) => x.max(), at: [[1, 3, 3]], grads: [[0, 0.5, 0.5]] },
  { op: 'max', note: 'one dim: the first maximum takes it', fn: (x) => x.max(1), at: [[[1, 3, 3], [2, 2, 0]]], grads: [[[0, 1, 0], [1, 0, 0]]] },
  { op: 'min', note: 'one dim: the first minimum takes it', fn: (x) => x.min(0), at: [[[1, 3], [1, 0]]], grads: [[[1, 0], [0, 1]]] },
  { op: 'amax', note: 'ties split evenly', fn: (x) => x.amax(1), at: [[[1, 3, 3], [2, 2, 0]]], grads: [[[0, 0.5, 0.5], [0.5, 0.5, 0]]] },
  { op: 'cumprod', note: 'a zero: exact, no division', fn: (x) => x.cumprod(0), at: [[2, 0, 3]], grads: [[1, 8, 0]] },
  { op: 'cummax', note: 'ties: the latest index takes it', fn: (x) => x.cummax(0).values, at: [[1, 1, 0]], grads: [[1, 2, 0]] },
  { op: 'sinc', note: 'at 0', fn: (x) => x.sinc(), at: [[0, 0.5]], grads: [[0, -4 / Math.PI]] },
  { op: 'sort', note: 'ties keep their order; NaN sorts last', fn: (x) => x.sort().values.mul(ad.tensor([1, 2, 3], { dtype: x.dtype })), at: [[2, 1, 1]], grads: [[3, 1, 2]] },
  { op: 'amin', note: 'ties split evenly', fn: (x) => x.amin(), at: [[[1, 1], [1, 2]]], grads: [[[1 / 3, 1 / 3], [1 / 3, 0]]] },
  { op: 'sqrt', note: 'at 0 is +∞', fn: (x) => x.sqrt(), at: [[0, 4]], grads: [[Infinity, 0.25]], infiniteSecondOrder: true },
  { op: 'norm', note: '2-norm of zeros', fn: (x) => x.norm(), at: [[0, 0, 0]], grads: [[0, 0, 0]] },
  { op: 'norm', note: '3-norm of zeros', fn: (x) => x.norm(3), at: [[0, 0]], grads: [[0, 0]] },
  { op: 'norm', note: '0.5-norm with zeros', fn: (x) => x.norm(0.5), at: [[0, 0]], grads: [[0, 0]] },
  { op: 'norm', note: '∞-norm and 1-norm of zeros', fn: (x) => x.norm(Infinity).add(x.norm(1)), at: [[0, 0]], grads: [[0, 0]] },
  { op: 'norm', note: 'a zero row beside a 3-4-5 row', fn: (x) => x.norm(2, 1), at: [[[0, 0], [3, 4]]], grads: [[[0, 0], [0.6, 0.8]]] },
  { op: 'pow', note: 'x⁰ at x = 0', fn: (x) => x.pow(0), at: [[0, 2]], grads: [[0, 0]] },
  { op: 'pow', note: 'tensor exponents 0 and 2 at a zero base', fn: (a, b) => a.pow(b), at: [[0, 0, 2], [0, 2, 0]], grads: [[0, 0, 0], [0, 0, Math.LN2]] },
  { op: 'pow', note: '0ˣ for x > 0', fn: (b) => ad.pow(0, b), at: [[1, 2]], grads: [[0, 0]] },
  { op: 'prod', note: 'one zero', fn: (x) => x.prod(), at: [[0.5, 0, -1.25, 2]], grads: [[0, -1.25, 0, 0]] },
  { op: 'prod', note: 'two zeros', fn: (x) => x.prod(), at: [[0.5, 0, 0, 2]], grads: [[0, 0, 0, 0]] },
  { op: 'logsumexp', note: 'a −∞ entry', fn: (x) => x.logsumexp(), at: [[-Infinity, 0]], grads: [[0, 1]] },
  { op: 'xlogy', note: 'x = 0 gives 0 and passes nothing to x', fn: (x, y) => x.xlogy(y), at: [[0, 2], [3, 4]], grads: [[0, Math.log(4)], [0, 0.5]] },
  { op: 'logaddexp', note: 'a −∞ side', fn: (a, b) => a.logaddexp(b), at: [[-Infinity], [2]], grads: [[0], [1]] },
];

export const specialPoints: SpecialPoint[] = [...corePoints, ...functionalPoints];
