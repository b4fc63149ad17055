import { show } from '../args';
import { fmt, IndexError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { named, toTensor, type TensorLike } from './op';
import { trace, traced } from '../compile/trace';

// Python's basic indexing for TypeScript: x.at(':, 1:5:2, -1') is x[:, 1:5:2, -1]. Every
// part is a view (select, slice, unsqueeze), so nothing is copied and gradients flow back.

/** One part of an index: an integer (selects, removing the dim), a slice, null (a new dim of size 1) or '...'. */
export type IndexPart =
  number | null | '...' | ':' | { start?: number; stop?: number; step?: number };

/**
 * x indexed as Python indexes it: `x.at(':, 1:5:2, -1')` is `x[:, 1:5:2, -1]`, and the array
 * form `x.at([':', { start: 1, stop: 5, step: 2 }, -1])` the same. Integers select (and
 * count from the end when negative), `start:stop:step` slices (each part optional), `None`
 * (or null) inserts a dim of size 1, and `...` stands for the dims not named. The result
 * is a view of x.
 * @example
 * ```ts
 * ad.arange(24).reshape([2, 3, 4]).at('..., ::2')  // shape [2, 3, 2]
 * ```
 */
export function at(x: TensorLike, index: string | readonly IndexPart[]): Tensor {
  if (trace.on && trace.entering !== at) return traced(at, [x, index]);
  const a = toTensor('at', x);
  const parts = typeof index === 'string' ? parse(index) : checkParts(index);
  const ellipses = parts.filter((p) => p === '...').length;
  if (ellipses > 1) throw new IndexError('at', 'an index can have only one ...');
  const counted = parts.filter((p) => p !== null && p !== '...').length;
  if (counted > a.ndim)
    throw new IndexError(
      'at',
      `${counted} dims indexed, but the tensor ${fmt(a.shape)} has ${a.ndim}`,
    );
  return named('at', () => {
    let y = a;
    let d = 0; // the dim of y the next part applies to
    for (const p of parts) {
      if (p === '...') d += a.ndim - counted;
      else if (p === null) y = y.unsqueeze(d++);
      else if (typeof p === 'number') y = y.select(d, p);
      else if (p === ':') d++;
      else y = y.slice(d++, p.start ?? 0, p.stop ?? Infinity, p.step ?? 1);
    }
    return y;
  });
}

function parse(text: string): IndexPart[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const t = raw.trim();
    if (t === '...') return '...';
    if (t === 'None' || t === 'null') return null;
    if (/^-?\d+$/.test(t)) return Number(t);
    const bits = t.split(':');
    if (
      bits.length < 2 ||
      bits.length > 3 ||
      bits.some((b) => b.trim() !== '' && !/^-?\d+$/.test(b.trim()))
    )
      throw new IndexError(
        'at',
        `cannot read '${t}' as an integer, a start:stop:step slice, None or ...`,
      );
    const [start, stop, step] = bits.map((b) => (b.trim() === '' ? undefined : Number(b)));
    return { start, stop, step };
  });
}

function checkParts(parts: readonly IndexPart[]): IndexPart[] {
  if (!Array.isArray(parts))
    throw new ValueError(
      'at',
      `the index must be a string or an array of parts, got ${show(parts)}`,
    );
  // Array.from visits holes too (map would skip them): a hole is an undefined part
  return Array.from(parts, (p) => {
    if (p === null || p === '...' || p === ':' || (typeof p === 'number' && Number.isInteger(p)))
      return p;
    if (typeof p === 'object' && !Array.isArray(p)) {
      for (const k of Object.keys(p))
        if (k !== 'start' && k !== 'stop' && k !== 'step')
          throw new IndexError('at', `a slice has start, stop and step, not '${k}'`);
      return p;
    }
    throw new IndexError(
      'at',
      `cannot index with ${show(p)}: use integers, slices, null or '...' (for index tensors, indexSelect or gather)`,
    );
  });
}
