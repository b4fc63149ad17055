import { allocate, promoteTypes } from '../dtype';
import { DTypeError, fmt, ShapeError } from '../errors';
import { gemm, gemmInPlace, gemmScratch } from '../kernels/index';
import { positions } from '../kernels/strided';
import { broadcastShapes, sizeOf } from '../shape';
import { Tensor } from '../tensor';
import { named, record, toTensor, type TensorLike } from './op';
import { registerLowering, registerScratch } from '../compile/registry';
import { trace, traced } from '../compile/trace';

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand gains a
 * dim that is then dropped, and n-D operands are batches of matrices whose batch dims
 * broadcast.
 */
export function matmul(x: TensorLike, y: TensorLike): Tensor {
  if (trace.on && trace.entering !== matmul) return traced(matmul, [x, y]);
  const a = toTensor('matmul', x);
  const b = toTensor('matmul', y, a);
  noBool('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      'matmul',
      `both arguments need at least 1 dim, got ${fmt(a.shape)} and ${fmt(b.shape)}`,
    );
  }
  const k = a.shape[a.ndim - 1];
  const k2 = b.shape[Math.max(b.ndim - 2, 0)];
  if (k !== k2)
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${k} vs ${k2})`,
    );
  if (a.ndim > 1 && b.ndim > 1) return product(a, b, false, false);
  return named('matmul', () => {
    // a 1-D operand becomes a row (left) or a column (right), and that dim is dropped again
    let out = product(
      a.ndim === 1 ? a.unsqueeze(0) : a,
      b.ndim === 1 ? b.unsqueeze(1) : b,
      false,
      false,
    );
    if (a.ndim === 1) out = out.squeeze(-2);
    if (b.ndim === 1) out = out.squeeze(-1);
    return out;
  });
}

/** x·wᵀ + b (PyTorch's `F.linear`): x [..., in], w [out, in], b [out]; wᵀ is never materialised. */
export function linear(x: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor {
  if (trace.on && trace.entering !== linear) return traced(linear, [x, weight, bias]);
  const a = toTensor('linear', x);
  const w = toTensor('linear', weight, a);
  noBool('linear', a, w);
  if (w.ndim !== 2 || a.ndim === 0 || a.shape[a.ndim - 1] !== w.shape[1]) {
    throw new ShapeError(
      'linear',
      `input ${fmt(a.shape)} does not fit weight ${fmt(w.shape)} ([out, in])`,
    );
  }
  const b = bias === undefined || bias === null ? null : toTensor('linear', bias, a);
  if (
    b !== null &&
    !(b.ndim === 0 || (b.ndim === 1 && (b.shape[0] === w.shape[0] || b.shape[0] === 1)))
  ) {
    throw new ShapeError(
      'linear',
      `bias ${fmt(b.shape)} does not fit ${w.shape[0]} outputs (expected [${w.shape[0]}])`,
    );
  }
  if (b !== null) noBool('linear', a, b);
  return named('linear', () => {
    // fold every leading dim into one batch of rows, so the weight's gradient is one product
    const rows = a.ndim === 2 ? a : a.reshape([-1, w.shape[1]]);
    let y = product(rows, w, false, true);
    if (b !== null) y = y.add(b);
    return a.ndim === 2 ? y : y.reshape([...a.shape.slice(0, -1), w.shape[0]]);
  });
}

function noBool(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype === 'bool' || b.dtype === 'bool') {
    throw new DTypeError(
      op,
      `matrix products of bool tensors are not supported (as in PyTorch), got ${a.dtype} and ${b.dtype}`,
    );
  }
}

/**
 * op(a)·op(b) over broadcast batches, op = transpose where flagged: the one primitive behind
 * matmul and linear. Its gradients are products of the same kind, so they differentiate too:
 * with C = op(A)·op(B), d op(A) = dC·op(B)ᵀ and d op(B) = op(A)ᵀ·dC.
 */
function product(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  if (trace.on && trace.entering !== product) return traced(product, [a, b, ta, tb]);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [n, k] = ta ? [ac, ar] : [ar, ac];
  const [k2, m] = tb ? [bc, br] : [br, bc];
  if (k !== k2)
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${k} vs ${k2})`,
    );
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const count = sizeOf(batch);
  const out = new Tensor(allocate(promoteTypes(a.dtype, b.dtype), count * n * m), [...batch, n, m]);
  const A = operand(a, ta, batch);
  const B = operand(b, tb, batch);
  const c = out.storage.data;
  for (let t = 0; t < count; t++) {
    A.offset = A.offsets[t];
    B.offset = B.offsets[t];
    gemm(A, B, c, t * n * m, n, k, m);
  }
  return record('matmul', [a, b], out, (dy, needs) => {
    // dy is often an expanded view (the gradient of a sum): laid out once for both products
    const g = needs[0] && needs[1] ? matrices(dy) : dy;
    return [
      needs[0] ? (ta ? product(b, g, tb, true) : product(g, b, false, !tb)) : null,
      needs[1] ? (tb ? product(g, a, true, ta) : product(a, g, !ta, false)) : null,
    ];
  });
}

// a replay of a product calls the gemm on the recorded buffers, unless an operand was copied
registerLowering(product, ([a, b, ta, tb], [out], space) => {
  const [x, y] = [a as Tensor, b as Tensor];
  const [n, m] = out.shape.slice(-2);
  const k = ta ? x.shape[x.ndim - 2] : x.shape[x.ndim - 1];
  const batch = out.shape.slice(0, -2);
  const A = operand(x, ta as boolean, batch);
  const B = operand(y, tb as boolean, batch);
  if (A.data !== x.storage.data || B.data !== y.storage.data) return null;
  const c = out.storage.data;
  const count = sizeOf(batch);
  if (space !== null && count === 1) {
    [A.offset, B.offset] = [A.offsets[0], B.offsets[0]];
    const bound = gemmInPlace(space, A, B, c, 0, n, k, m);
    if (bound !== null) return bound;
  }
  return () => {
    for (let t = 0; t < count; t++) {
      A.offset = A.offsets[t];
      B.offset = B.offsets[t];
      gemm(A, B, c, t * n * m, n, k, m);
    }
  };
});

// in a compiled program's memory a product also takes room to pack B and for the kernel's work
registerScratch(product, ([a, , ta], [out]) => {
  const x = a as Tensor;
  const [n, m] = out.shape.slice(-2);
  const k = ta ? x.shape[x.ndim - 2] : x.shape[x.ndim - 1];
  return gemmScratch(out.dtype === 'float64', n, k, m);
});

/** x itself when the gemm reads its matrices where they lie, else a row-major copy of it. */
function matrices(x: Tensor): Tensor {
  const nd = x.ndim;
  const [r, c] = x.shape.slice(-2);
  const t = x.strides;
  const rowMajor = (c === 1 || t[nd - 1] === 1) && (r === 1 || t[nd - 2] === c);
  const colMajor = (r === 1 || t[nd - 2] === 1) && (c === 1 || t[nd - 1] === r);
  return x.isContiguous() || rowMajor || colMajor ? x : x.contiguous();
}

/**
 * x's matrices as the gemm reads them, straight from its storage: a transposed view (strides
 * [1, rows]) is a row-major matrix read transposed, so `x.mT` costs no copy; a batch dim
 * broadcast or expanded steps by zero. Other layouts are copied to row-major first.
 */
function operand(x: Tensor, trans: boolean, batch: readonly number[]) {
  // the common case, one row-major matrix, costs no strides or positions
  if (batch.length === 0 && x.isContiguous())
    return { data: x.storage.data, offsets: [x.offset], offset: 0, trans };
  const nd = x.ndim;
  const [r, c] = x.shape.slice(-2);
  const t = x.strides;
  const rowMajor = (c === 1 || t[nd - 1] === 1) && (r === 1 || t[nd - 2] === c);
  const colMajor = !rowMajor && (r === 1 || t[nd - 2] === 1) && (c === 1 || t[nd - 1] === r);
  const src = rowMajor || colMajor ? x : new Tensor(x.data, x.shape);
  const s = src.strides;
  const lead = batch.length - (nd - 2);
  const batchStrides = batch.map((_, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : s[i - lead]));
  return {
    data: src.storage.data,
    offsets: positions(batch, batchStrides, src.offset),
    offset: 0,
    trans: colMajor ? !trans : trans,
  };
}

/** Inner product of two 1-D tensors. */
export function dot(x: TensorLike, y: TensorLike): Tensor {
  if (trace.on && trace.entering !== dot) return traced(dot, [x, y]);
  const a = toTensor('dot', x);
  const b = toTensor('dot', y, a);
  if (a.ndim !== 1 || b.ndim !== 1 || a.size !== b.size) {
    throw new ShapeError(
      'dot',
      `expects two 1-D tensors of one size, got ${fmt(a.shape)} and ${fmt(b.shape)}`,
    );
  }
  return matmul(a, b);
}

/** Outer product aᵢ·bⱼ of two 1-D tensors. */
export function outer(x: TensorLike, y: TensorLike): Tensor {
  if (trace.on && trace.entering !== outer) return traced(outer, [x, y]);
  const a = toTensor('outer', x);
  const b = toTensor('outer', y, a);
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(
      'outer',
      `expects two 1-D tensors, got ${fmt(a.shape)} and ${fmt(b.shape)}`,
    );
  }
  return named('outer', () => a.unsqueeze(1).mul(b.unsqueeze(0)));
}
