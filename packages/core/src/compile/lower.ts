// One op step run straight on the kernels, its buffers bound when the program is built —
// for the ops that registered how (element-wise ops, products, reductions).
import type { Run } from './program';
import type { Step } from './recording';
import { loweringOf } from './registry';

export function lowerOp(s: Extract<Step, { kind: 'op' }>): Run | null {
  const lower = loweringOf(s.fn);
  if (lower === undefined || s.inner.size > 0) return null;
  const run = lower(s.args, s.outs);
  return run === null ? null : () => void run();
}
