/** Base class of every error that `@ad` throws; `op` is the exported name of the op that failed. */
export class AdError extends Error {
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${String(op)}: ${String(detail)}`);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the op: broadcasting, matmul inner dimensions, reshape sizes. */
export class ShapeError extends AdError {}

/** A dtype the op cannot take, e.g. `requiresGrad` on an integer tensor. */
export class DTypeError extends AdError {}

/** An index or dim outside its range. */
export class IndexError extends AdError {}

/** A value the op cannot take: ragged nested arrays, a negative size, a NaN in anomaly mode. */
export class ValueError extends AdError {}

/** Misuse of autograd: backward on a non-scalar, through a released graph, a stale saved tensor. */
export class AutogradError extends AdError {}

/** Formats a shape the way error messages print it: `[2,3]`. */
export function fmt(shape: readonly number[]): string {
  return Array.isArray(shape)
    ? `[${shape.map((d) => (typeof d === 'number' ? d : String(d))).join(',')}]`
    : String(shape);
}
