// What a recording assumed about its call, and the check of it on every later call. The
// arguments, the settings and the listed guards flatten into one list of values; a call
// replays a recording only when its list matches the recorded one. The check allocates one
// array and names nothing; only a failed one walks again, slowly, to say where it failed.
import { backendKey } from '../backend';
import { getDefaultDtype } from '../dtype';
import { anomalyEnabled } from '../anomaly';
import { isGradEnabled } from '../tape';
import { Tensor } from '../tensor';

export interface TensorMeta {
  shape: readonly number[];
  dtype: string;
  requiresGrad: boolean;
}

/**
 * Objects can tell a recording what it depends on in them: `@ad/nn`'s modules list their
 * parameters, buffers and training flags, so that a replaced parameter or `eval()` records again.
 */
export interface CompileState {
  compileState(): unknown[];
}

/** The recorded list: values, and for each tensor its metadata then and whether it must be the same one. */
export interface Facts {
  values: unknown[];
  metas: (TensorMeta | null)[];
  same: boolean[];
}

const ARGS_END = Symbol('end of arguments');
const LENGTH = Symbol('length');

/** Every value the call depends on, flattened (arguments, then settings, then guards). */
export function flatten(args: readonly unknown[], guards: readonly unknown[] | null): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  for (const a of args) walk(a, out, seen, null);
  out.push(ARGS_END, isGradEnabled(), backendKey(), getDefaultDtype(), anomalyEnabled());
  if (guards !== null) for (const g of guards) walk(g, out, seen, null);
  return out;
}

/** The flattened state of objects a recording found it depends on (see `dependsOn`). */
export function flattenObjects(objects: readonly object[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  for (const o of objects) walk(o, out, seen, null);
  return out;
}

/** The same walk, naming each value (only to describe a failed check). */
function names(args: readonly unknown[], guards: readonly unknown[] | null): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  args.forEach((a, i) => walk(a, [], seen, `argument ${i}`, out));
  out.push('the arguments', 'grad mode', 'the backend', 'the default dtype', 'anomaly detection');
  guards?.forEach((g, i) => walk(g, [], seen, `guard ${i}`, out));
  return out;
}

function walk(
  x: unknown,
  out: unknown[],
  seen: Set<unknown>,
  path: string | null,
  names?: string[],
): void {
  if (x === null || (typeof x !== 'object' && typeof x !== 'function') || x instanceof Tensor) {
    push(out, names, x, path);
    return;
  }
  if (seen.has(x)) return;
  seen.add(x);
  if (Array.isArray(x)) {
    items(x, out, seen, path, names);
  } else if (isPlain(x)) {
    const keys = Object.keys(x);
    push(out, names, keys.join(','), path && `the keys of ${path}`);
    for (const k of keys)
      walk((x as Record<string, unknown>)[k], out, seen, path && `${path}.${k}`, names);
  } else {
    push(out, names, x, path);
    const state = (x as Partial<CompileState>).compileState;
    const values: unknown = typeof state === 'function' ? state.call(x) : null;
    // a list made for this call: walked as an array is, without remembering it
    if (Array.isArray(values)) items(values, out, seen, path && `the state of ${path}`, names);
  }
}

/** An array's length, then its elements. */
function items(
  xs: readonly unknown[],
  out: unknown[],
  seen: Set<unknown>,
  path: string | null,
  names?: string[],
): void {
  push(out, names, LENGTH, null);
  push(out, names, xs.length, path && `the length of ${path}`);
  for (let i = 0; i < xs.length; i++) walk(xs[i], out, seen, path && `${path}[${i}]`, names);
}

function push(out: unknown[], names: string[] | undefined, v: unknown, name: string | null): void {
  out.push(v);
  names?.push(name ?? '');
}

/** Arrays and object literals are looked into; class instances are compared by identity. */
export function isPlain(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function metaOf(t: Tensor): TensorMeta {
  return { shape: t.shape, dtype: t.dtype, requiresGrad: t.requiresGrad };
}

/** The facts of a call, to keep with its recording (`args`: they start with the arguments). */
export function record(values: unknown[], args = true): Facts {
  const metas = values.map((v) => (v instanceof Tensor ? metaOf(v) : null));
  let inArgs = args;
  const same = values.map((v) => {
    if (v === ARGS_END) inArgs = false;
    // argument tensors that do not require grad are copied in: only their metadata counts
    return v instanceof Tensor && (!inArgs || v.requiresGrad);
  });
  return { values, metas, same };
}

/** Whether `now` matches the recorded facts. */
export function matches(facts: Facts, now: readonly unknown[]): boolean {
  const { values, metas, same } = facts;
  if (values.length !== now.length) return false;
  for (let i = 0; i < values.length; i++) {
    const a = values[i];
    const b = now[i];
    const meta = metas[i];
    if (meta === null) {
      if (a !== b && !(a !== a && b !== b)) return false;
    } else if (a === b) {
      // the same tensor: its shape and dtype never change, its requiresGrad may
      if ((b as Tensor).requiresGrad !== meta.requiresGrad) return false;
    } else if (!(b instanceof Tensor) || same[i] || metaChange(meta, b) !== null) {
      return false;
    }
  }
  return true;
}

/** Why `now` does not match: the first difference, named. */
export function mismatch(
  facts: Facts,
  now: readonly unknown[],
  args: readonly unknown[],
  guards: readonly unknown[] | null,
): string {
  const named = names(args, guards);
  const { values, metas, same } = facts;
  const n = Math.min(values.length, now.length);
  for (let i = 0; i < n; i++) {
    const a = values[i];
    const b = now[i];
    const meta = metas[i];
    const where = named[i] || 'a value';
    if (meta === null) {
      if (a !== b && !(a !== a && b !== b)) return `${where} changed (${show(a)} → ${show(b)})`;
    } else if (!(b instanceof Tensor)) return `${where} is no longer a tensor`;
    else if (same[i] && a !== b) return `${where} is another tensor`;
    else {
      const change = metaChange(meta, b);
      if (change !== null) return `${where}: ${change}`;
    }
  }
  return `the arguments' structure changed`;
}

export function metaChange(a: TensorMeta, b: Tensor | TensorMeta): string | null {
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
  if (typeof v === 'symbol') return 'a list';
  if (typeof v === 'object' && v !== null) return `a ${v.constructor?.name ?? 'object'}`;
  return String(v);
}
