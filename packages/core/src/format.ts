import { isFloat } from './dtype';
import type { Tensor } from './tensor';

const EDGE = 3;
const THRESHOLD = 1000;

/** PyTorch-like printing: `tensor([[1.0000, 2.0000]], dtype=float64, requiresGrad=true)`. */
export function format(x: Tensor): string {
  const values = Array.from(x.data);
  const summarise = x.size > THRESHOLD;
  const fmtValue = formatter(
    x.dtype === 'bool' ? [] : values,
    isFloat(x.dtype),
    x.dtype === 'bool',
  );
  const body =
    x.ndim === 0
      ? fmtValue(values[0])
      : nest(x, values, fmtValue, summarise, 0, 0, x.size, 'tensor('.length + 1);
  const extras: string[] = [];
  if (x.dtype !== 'float32') extras.push(`dtype=${x.dtype}`);
  if (x.entry) extras.push(`op=${x.entry.op}`);
  else if (x.requiresGrad) extras.push('requiresGrad=true');
  return `tensor(${body}${extras.map((e) => `, ${e}`).join('')})`;
}

function formatter(values: number[], float: boolean, bool: boolean): (v: number) => string {
  if (bool) return (v) => (v ? 'true' : 'false');
  if (!float) return (v) => String(v);
  const finite = values.filter(Number.isFinite).map(Math.abs);
  const big = finite.length > 0 ? Math.max(...finite) : 0;
  const small = finite.filter((v) => v > 0);
  const scientific = big >= 1e8 || (small.length > 0 && Math.min(...small) < 1e-4);
  if (scientific) return (v) => (Number.isFinite(v) ? v.toExponential(4) : String(v));
  if (values.every((v) => !Number.isFinite(v) || Number.isInteger(v)))
    return (v) => (Number.isFinite(v) ? `${v}.` : String(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
}

function nest(
  x: Tensor,
  values: readonly number[],
  f: (v: number) => string,
  summarise: boolean,
  dim: number,
  offset: number,
  span: number,
  indent: number,
): string {
  const n = x.shape[dim];
  const inner = span / Math.max(n, 1);
  const picks =
    summarise && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  const parts = picks.map((i) => {
    if (i < 0) return '...';
    if (dim === x.ndim - 1) return f(values[offset + i]);
    return nest(x, values, f, summarise, dim + 1, offset + i * inner, inner, indent + 1);
  });
  if (dim === x.ndim - 1) return `[${parts.join(', ')}]`;
  const sep = `,${'\n'.repeat(x.ndim - dim - 1)}${' '.repeat(indent)}`;
  return `[${parts.join(sep)}]`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
