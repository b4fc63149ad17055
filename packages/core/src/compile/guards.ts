// What a recording assumed about the world when it was made, and the check of those
// assumptions on every later call. Everything is flattened into a list of facts; a recording
// replays only when every fact still holds.
import { getDefaultDtype } from '../dtype';
import { anomalyEnabled } from '../anomaly';
import { getBackend } from '../backend';
import { isGradEnabled } from '../tape';
import { Tensor } from '../tensor';

/** One fact: where it was read (for messages), and the value or tensor it expects. */
export interface Fact {
  where: string;
  /** A primitive compared with Object.is, an object compared by identity, or a tensor's metadata. */
  value: unknown;
  tensor?: TensorMeta;
  /** The tensor itself must be the same one (it is used, not copied). */
  same?: boolean;
}

export interface TensorMeta {
  shape: readonly number[];
  dtype: string;
  requiresGrad: boolean;
}

/**
 * Objects can tell a recording what it depends on in them: `@ad/nn`'s modules list their
 * parameters, buffers and training flags, so that a replaced parameter or `eval()` re-records.
 */
export interface CompileState {
  compileState(): unknown[];
}

function hasState(x: object): x is CompileState {
  return typeof (x as Partial<CompileState>).compileState === 'function';
}

/** The facts of one value: a tensor's metadata, a primitive's value, an object's identity and state. */
export function factsOf(where: string, x: unknown, out: Fact[], seen = new Set<unknown>()): void {
  if (x instanceof Tensor) {
    // argument tensors that do not require grad are copied in: only their metadata counts
    out.push({
      where,
      value: x,
      tensor: metaOf(x),
      same: !where.startsWith('argument') || x.requiresGrad,
    });
    return;
  }
  if (x === null || (typeof x !== 'object' && typeof x !== 'function')) {
    out.push({ where, value: x });
    return;
  }
  if (seen.has(x)) return;
  seen.add(x);
  if (Array.isArray(x)) {
    out.push({ where: `${where}.length`, value: x.length });
    x.forEach((v, i) => factsOf(`${where}[${i}]`, v, out, seen));
  } else if (isPlain(x)) {
    const keys = Object.keys(x);
    out.push({ where: `${where} keys`, value: keys.join(',') });
    for (const k of keys) factsOf(`${where}.${k}`, (x as Record<string, unknown>)[k], out, seen);
  } else {
    out.push({ where, value: x });
    if (hasState(x)) factsOf(`${where} state`, x.compileState(), out, seen);
  }
}

/** Arrays and object literals are looked into; class instances are compared by identity. */
export function isPlain(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function metaOf(t: Tensor): TensorMeta {
  return { shape: t.shape, dtype: t.dtype, requiresGrad: t.requiresGrad };
}

/** The settings every recording depends on: grad mode, kernels, threads, default dtype, anomaly mode. */
export function settingsFacts(out: Fact[]): void {
  out.push({ where: 'grad mode', value: isGradEnabled() });
  const backend = getBackend();
  out.push({ where: 'backend wasm', value: backend.wasm });
  out.push({ where: 'threads', value: backend.threads });
  out.push({ where: 'default dtype', value: getDefaultDtype() });
  out.push({ where: 'anomaly detection', value: anomalyEnabled() });
}

/** The first fact of `now` that differs from `then` (same order), described; null when all hold. */
export function firstMismatch(then: readonly Fact[], now: readonly Fact[]): string | null {
  if (then.length !== now.length) return `the arguments' structure changed`;
  for (let i = 0; i < then.length; i++) {
    const a = then[i];
    const b = now[i];
    if (a.tensor !== undefined) {
      const m = b.tensor;
      if (m === undefined) return `${a.where} is no longer a tensor`;
      const change = metaChange(a.tensor, m);
      if (change !== null) return `${a.where}: ${change}`;
      if (a.same === true && a.value !== b.value) return `${a.where} is another tensor`;
    } else if (!Object.is(a.value, b.value)) {
      return `${a.where} changed (${show(a.value)} → ${show(b.value)})`;
    }
  }
  return null;
}

export function metaChange(a: TensorMeta, b: TensorMeta): string | null {
  if (a.dtype !== b.dtype) return `dtype ${a.dtype} → ${b.dtype}`;
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]))
    return `shape [${a.shape.join(', ')}] → [${b.shape.join(', ')}]`;
  if (a.requiresGrad !== b.requiresGrad)
    return `requiresGrad ${a.requiresGrad} → ${b.requiresGrad}`;
  return null;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'object' && v !== null) return `a ${v.constructor?.name ?? 'object'}`;
  return String(v);
}
