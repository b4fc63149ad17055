// One op step run straight on the kernels, its buffers bound when the program is built —
// for the ops that registered how (element-wise ops, products, reductions). In a program's
// own memory (see residence.ts) the kernel calls are bound to their addresses.
import type { Space } from '../kernels/index';
import type { Run } from './program';
import type { Step } from './recording';
import { loweringOf } from './registry';

export function lowerOp(s: Extract<Step, { kind: 'op' }>, space: Space | null): Run | null {
  const lower = loweringOf(s.fn);
  if (lower === undefined || s.inner.size > 0) return null;
  return lower(s.args, s.outs, space);
}
