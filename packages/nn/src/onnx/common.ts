// What the ONNX rules share: the rule type and a reshape to a captured shape.
import type { CapturedCall } from '@ad/core';
import type { Graph } from './graph';

/** Names the outputs of one captured call (in `call.outs` order). */
export type Rule = (g: Graph, c: CapturedCall) => string[];

/** A Reshape of `x` to `shape` (the shape the capture saw). */
export function toShape(g: Graph, x: string, shape: readonly number[]): string {
  return g.node('Reshape', [x, g.constant([...shape], 'int64')]);
}
