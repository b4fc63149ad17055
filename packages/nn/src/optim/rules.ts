import { checkBool, checkNumber, Tensor, ValueError } from '@ad/core';

/** Checks one option's value, throwing a named error. */
export type Rule = (op: string, name: string, v: unknown) => void;

/** A rule for each option of an optimizer: an unknown option is an error, as a typo would be. */
export type Rules<O> = { [K in keyof O]-?: Rule };

/**
 * What a per-parameter state entry holds: a buffer shaped like the parameter, a tensor of
 * any shape (LBFGS's history over all parameters), a step count or a number.
 */
export type StateSpec = Record<string, 'tensor' | 'flat' | 'count' | 'number'>;

/** What an optimizer class tells its base: how to check options and state. */
export interface OptimizerSpec<O> {
  rules: Rules<O>;
  state: StateSpec;
  /** A check across options (PyTorch's "Nesterov momentum requires a momentum and zero dampening"). */
  combined?: (o: O) => string | null;
}

export const nonNegative: Rule = (op, name, v) => void checkNumber(op, name, v, { min: 0 });
export const finite: Rule = (op, name, v) => void checkNumber(op, name, v);
export const flag: Rule = (op, name, v) => void checkBool(op, name, v);

/** A number in [0, 1), like Adam's betas and RMSprop's smoothing. */
export const unitOpen: Rule = (op, name, v) => {
  if (!(typeof v === 'number' && v >= 0 && v < 1))
    throw new ValueError(op, `${name} must be in [0, 1), got ${show(v)}`);
};

/** A number in [0, 1], like Adadelta's rho. */
export const unitClosed: Rule = (op, name, v) => void checkNumber(op, name, v, { min: 0, max: 1 });

/** Adam's (β1, β2): two numbers in [0, 1). */
export const betas: Rule = (op, name, v) => {
  if (!Array.isArray(v) || v.length !== 2)
    throw new ValueError(op, `${name} must be two numbers in [0, 1), got ${show(v)}`);
  v.forEach((b, i) => unitOpen(op, `${name}[${i}]`, b));
};

function show(v: unknown): string {
  return typeof v === 'string'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(show)}]`
      : v instanceof Tensor
        ? 'a Tensor'
        : String(v);
}

/** Any optimizer's spec, as its base class keeps it (the option types no longer matter there). */
export interface AnySpec {
  rules: Record<string, Rule>;
  state: StateSpec;
  combined?: (o: never) => string | null;
}

/** Checks every key of `o` against `rules` (all of them must be present when `complete`). */
export function checkOptionValues(
  op: string,
  o: Record<string, unknown>,
  spec: AnySpec,
  complete: boolean,
): void {
  const rules = spec.rules;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'params') continue;
    const rule = rules[k];
    if (rule === undefined)
      throw new ValueError(
        op,
        `unknown option '${k}' (known options: ${Object.keys(rules).join(', ')})`,
      );
    rule(op, k, v);
  }
  if (complete) {
    const missing = Object.keys(rules).filter((k) => !(k in o));
    if (missing.length > 0) throw new ValueError(op, `missing options ${missing.join(', ')}`);
    const why = spec.combined?.(o as never);
    if (why) throw new ValueError(op, why);
  }
}
