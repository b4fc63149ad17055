import { Tensor } from './tensor';

/** A tensor, or arrays and plain objects of them (other values ride along untouched). */
export type TensorTree =
  | Tensor
  | readonly TensorTree[]
  | { readonly [key: string]: TensorTree }
  | number
  | string
  | boolean
  | null
  | undefined;

/** The tensors of a tree, depth first, in key order. */
export function leavesOf(tree: unknown): Tensor[] {
  const out: Tensor[] = [];
  const visit = (t: unknown) => {
    if (t instanceof Tensor) out.push(t);
    else if (Array.isArray(t)) t.forEach(visit);
    else if (isPlainObject(t)) Object.values(t).forEach(visit);
  };
  visit(tree);
  return out;
}

/** `tree` with its tensors replaced, in order, by `leaves`. */
export function rebuild<T>(tree: T, leaves: readonly unknown[]): T {
  let i = 0;
  const visit = (t: unknown): unknown => {
    if (t instanceof Tensor) return leaves[i++];
    if (Array.isArray(t)) return t.map(visit);
    if (isPlainObject(t))
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, visit(v)]));
    return t;
  };
  return visit(tree) as T;
}

function isPlainObject(t: unknown): t is Record<string, unknown> {
  return typeof t === 'object' && t !== null && Object.getPrototypeOf(t) === Object.prototype;
}
