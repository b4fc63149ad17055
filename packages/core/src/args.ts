import { ValueError } from './errors';

// Checks for the arguments of the public API. Each throws a ValueError that names the op, the
// argument and what was expected, so a wrong call never surfaces as a TypeError from inside.

/** How a value is shown in an error: `"2"` for a string, `null`, `an object`, `NaN`. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v == null)
    return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  return (v as object).constructor?.name === 'Tensor' ? 'a Tensor' : 'an object';
}

/** Bounds and integrality for `checkNumber`. */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** NaN and ±∞ are allowed only with `finite: false`. */
  finite?: boolean;
}

/** `v` as a number that satisfies `rule` (finite unless told otherwise). */
export function checkNumber(op: string, name: string, v: unknown, rule: NumberRule = {}): number {
  const {
    integer = false,
    min = -Infinity,
    max = Infinity,
    finite = true,
  } = typeof rule === 'object' && rule !== null ? rule : {};
  if (typeof min !== 'number' || typeof max !== 'number')
    throw new ValueError(op, 'a number rule takes numbers as bounds');
  const ok =
    typeof v === 'number' &&
    (!finite || Number.isFinite(v)) &&
    (!integer || Number.isInteger(v)) &&
    (Number.isNaN(v) || (v >= min && v <= max));
  if (!ok) {
    const kind = integer ? 'an integer' : finite ? 'a finite number' : 'a number';
    const range =
      min > -Infinity && max < Infinity
        ? ` in [${min}, ${max}]`
        : min > -Infinity
          ? ` ≥ ${min}`
          : max < Infinity
            ? ` ≤ ${max}`
            : '';
    throw new ValueError(op, `${String(name)} must be ${kind}${range}, got ${show(v)}`);
  }
  return v as number;
}

/** `v` as an integer ≥ `min`. */
export function checkInt(op: string, name: string, v: unknown, min = -Infinity): number {
  return checkNumber(op, name, v, { integer: true, min });
}

/** `v` as a function. */
export function checkFunction(op: string, name: string, v: unknown): void {
  if (typeof v !== 'function')
    throw new ValueError(op, `${String(name)} must be a function, got ${show(v)}`);
}

/** `v` as a boolean. */
export function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new ValueError(op, `${String(name)} must be true or false, got ${show(v)}`);
  return v;
}

/** `v` as one of `values`. */
export function checkOneOf<T extends string>(
  op: string,
  name: string,
  v: unknown,
  values: readonly T[],
): T {
  if (!Array.isArray(values))
    throw new ValueError(op, `the allowed values of ${String(name)} must be an array`);
  if (!values.includes(v as T)) {
    throw new ValueError(
      op,
      `${String(name)} must be one of ${values.map((s) => `'${s}'`).join(', ')}, got ${show(v)}`,
    );
  }
  return v as T;
}

/**
 * `opts` as an options object whose keys are all in `known` (undefined is `{}`). An unknown
 * key is an error rather than silently ignored: it is usually a typo or an unsupported option.
 */
export function checkOptions<T extends object>(
  op: string,
  opts: T | undefined | null,
  known: readonly string[],
): T {
  if (!Array.isArray(known))
    throw new ValueError(op, 'the known options must be an array of names');
  if (opts === undefined || opts === null) return {} as T;
  if (typeof opts !== 'object' || Array.isArray(opts) || opts.constructor?.name === 'Tensor') {
    throw new ValueError(
      op,
      `expected an options object ({ ${known.join(', ')} }), got ${show(opts)}`,
    );
  }
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      const hint = known.length > 0 ? `known options: ${known.join(', ')}` : 'it takes no options';
      throw new ValueError(op, `unknown option '${key}' (${hint})`);
    }
  }
  return opts;
}

/** `v` as an array of integers (sizes, dims, pads), each checked by `checkNumber`. */
export function checkIntArray(op: string, name: string, v: unknown, min = -Infinity): number[] {
  if (!Array.isArray(v))
    throw new ValueError(op, `${String(name)} must be an array of integers, got ${show(v)}`);
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) throw new ValueError(op, `${String(name)} has a hole at position ${i}`);
    out[i] = checkNumber(op, `${String(name)}[${i}]`, v[i], { integer: true, min });
  }
  return out;
}
