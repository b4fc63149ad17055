import { checkIntArray, checkNumber, checkOneOf, checkOptions } from '../args';
import { toElement } from '../dtype';
import { fmt, ValueError } from '../errors';
import { copyStrided } from '../kernels/strided';
import { stridesOf } from '../shape';
import type { Tensor } from '../tensor';
import { empty, named, record, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

/** How `pad` fills: a constant, the mirror image (without the edge), the edge value, or wrapping around. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of `pad`: the mode, and the fill value of constant padding. */
export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

/**
 * Pads x (PyTorch's `F.pad`): `pads` = [before, after] pairs starting from the last dim. The
 * third argument is the fill value, or `{ mode, value }`; reflect, replicate and circular pick
 * existing elements, so their gradients come from `indexSelect`.
 */
export function pad(x: TensorLike, pads: readonly number[], opts: number | PadOptions = 0): Tensor {
  if (trace.on && trace.entering !== pad) return traced(pad, [x, pads, opts]);
  const a = toTensor('pad', x);
  const o =
    typeof opts === 'number' ? { value: opts } : checkOptions('pad', opts, ['mode', 'value']);
  const mode = checkOneOf('pad', 'mode', o.mode ?? 'constant', [
    'constant',
    'reflect',
    'replicate',
    'circular',
  ]);
  if (mode !== 'constant' && o.value !== undefined)
    throw new ValueError('pad', `mode '${mode}' takes no value`);
  const value = checkNumber('pad', 'value', o.value ?? 0, { finite: false });
  const ps = checkIntArray('pad', 'pads', pads, 0);
  if (ps.length % 2 !== 0 || ps.length / 2 > a.ndim) {
    throw new ValueError(
      'pad',
      `pads ${fmt(ps)} must be pairs of integers ≥ 0 for at most ${a.ndim} dims`,
    );
  }
  return mode === 'constant' ? padConstant(a, ps, value) : padByIndex(a, ps, mode);
}

function padConstant(a: Tensor, pads: readonly number[], value: number): Tensor {
  const before = a.shape.map((_, i) => pads[2 * (a.ndim - 1 - i)] ?? 0);
  const after = a.shape.map((_, i) => pads[2 * (a.ndim - 1 - i) + 1] ?? 0);
  const shape = a.shape.map((n, i) => n + before[i] + after[i]);
  const y = empty(shape, a.dtype);
  if (value !== 0) y.data.fill(toElement('pad', value, a.dtype));
  const strides = stridesOf(shape);
  const offset = before.reduce((o, b, i) => o + b * strides[i], 0);
  copyStrided(a.data, 0, stridesOf(a.shape), y.data, offset, strides, a.shape);
  return record('pad', [a], y, (dy) => [
    a.shape.reduce((g: Tensor, n, i) => g.narrow(i, before[i], n), dy),
  ]);
}

function padByIndex(
  a: Tensor,
  pads: readonly number[],
  mode: Exclude<PadMode, 'constant'>,
): Tensor {
  for (let k = 0; k < pads.length / 2; k++) {
    const n = a.shape[a.ndim - 1 - k];
    const most = Math.max(pads[2 * k], pads[2 * k + 1]);
    const limit =
      mode === 'reflect' ? n - 1 : mode === 'circular' ? n : most > 0 && n > 0 ? Infinity : 0;
    if (most > limit) {
      throw new ValueError(
        'pad',
        `${mode} padding of ${most} does not fit dim ${a.ndim - 1 - k} of size ${n} in ${fmt(a.shape)}`,
      );
    }
  }
  return named('pad', () => {
    let y = a;
    for (let k = 0; k < pads.length / 2; k++) {
      const [before, after] = [pads[2 * k], pads[2 * k + 1]];
      const d = a.ndim - 1 - k;
      const n = a.shape[d];
      if (before + after > 0)
        y = y.indexSelect(
          d,
          Array.from({ length: before + n + after }, (_, i) => sourceOf(i - before, n, mode)),
        );
    }
    return y;
  });
}

/** Which element position j (which may lie outside [0, n)) copies. */
function sourceOf(j: number, n: number, mode: Exclude<PadMode, 'constant'>): number {
  if (mode === 'replicate') return Math.min(Math.max(j, 0), n - 1);
  if (mode === 'circular') return ((j % n) + n) % n;
  return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
}
