// Python source from JavaScript values: literals and keyword names.
import { ValueError } from '@ad/core';

/** A Python literal of a plain value: numbers, booleans, null, strings, arrays (as lists). */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return "float('nan')";
    if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  throw new ValueError('exportTorch', `cannot write ${String(v)} as Python`);
}

/** PyTorch's keyword for one of ours: `keyPaddingMask` → `key_padding_mask`. */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `self.a.b[0].weight` for the dotted state-dict name `a.b.0.weight`. */
export function attribute(dotted: string): string {
  return dotted
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^/, 'self');
}
