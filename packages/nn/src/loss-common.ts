// What every loss shares: its options (reduction and its own keys), argument checks, and
// the reduction of per-element losses.
import * as ad from '@ad/core';
import { formatShape, ShapeError, type Tensor, ValueError } from '@ad/core';

/** How per-element losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. */
export interface LossOptions {
  /** 'mean' (default) averages the per-element losses, 'sum' adds them, 'none' returns them. */
  reduction?: Reduction;
}

export function reduce(op: string, loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
}

/**
 * A loss's options checked: `reduction` and the loss's own keys, none unknown; `weight` and
 * `posWeight` must be tensors (posWeight may be a number).
 */
export function lossOptions<O extends LossOptions>(
  op: string,
  opts: O,
  keys: readonly string[],
): O & { reduction: Reduction } {
  const o = ad.checkOptions(op, opts, ['reduction', ...keys]) as O & Record<string, unknown>;
  const reduction = ad.checkOneOf(op, 'reduction', o.reduction ?? 'mean', [
    'mean',
    'sum',
    'none',
  ] as const);
  for (const k of ['weight', 'posWeight']) {
    const v = o[k];
    if (
      v !== undefined &&
      !(v instanceof ad.Tensor) &&
      !(k === 'posWeight' && typeof v === 'number')
    ) {
      throw new ValueError(op, `${k} must be a Tensor, got ${typeof v}`);
    }
  }
  return { ...o, reduction };
}

export function tensors(op: string, ...xs: unknown[]): void {
  xs.forEach((x, i) => {
    if (!(x instanceof ad.Tensor))
      throw new ValueError(
        op,
        `argument ${i} must be a Tensor, got ${x === null ? 'null' : typeof x}`,
      );
  });
}

/** Bool or integer targets (0/1 labels) as the input's float dtype: not differentiated. */
export function asFloat(target: Tensor, input: Tensor): Tensor {
  return target.dtype === input.dtype || input.dtype === 'int32' || input.dtype === 'bool'
    ? target
    : target.cast(input.dtype);
}

export function sameShape(op: string, input: Tensor, target: Tensor): void {
  tensors(op, input, target);
  if (input.shape.join() !== target.shape.join()) {
    throw new ShapeError(
      op,
      `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ`,
    );
  }
}
