// The element-wise updates of @ad/nn's SGD and Adam, for one parameter at a time: what
// PyTorch's fused optimizer kernels (torch._fused_sgd_, torch._fused_adam_) are to torch.optim.
import { checkBool, checkNumber, checkOptions } from './args';
import type { TypedArray } from './dtype';
import { ValueError } from './errors';
import { adam, type AdamStep, sgd, type SgdStep } from './kernels/index';

export type { AdamStep, SgdStep };

/** Every array typed and as long as `param`; the `optional` ones may be null. */
function check(
  op: string,
  param: TypedArray,
  arrays: Record<string, TypedArray>,
  optional: Record<string, TypedArray | null>,
): void {
  const all: [string, unknown][] = [['param', param], ...Object.entries(arrays)];
  for (const [name, a] of Object.entries(optional)) if (a !== null) all.push([name, a]);
  for (const [name, a] of all) {
    if (!ArrayBuffer.isView(a) || a instanceof DataView)
      throw new ValueError(op, `${name} must be a typed array`);
    const n = (a as TypedArray).length;
    if (n !== param.length)
      throw new ValueError(op, `${name} has ${n} elements, the parameter ${param.length}`);
  }
}

/** Every option present, numbers finite and flags boolean, none unknown. */
function checkStep(op: string, opts: object, numbers: string[], flags: string[]): void {
  const o = checkOptions(op, opts, [...numbers, ...flags]) as Record<string, unknown>;
  for (const k of numbers) checkNumber(op, k, o[k]);
  for (const k of flags) checkBool(op, k, o[k]);
}

/**
 * torch.optim.SGD's update of one parameter's values `param` from its gradient `grad`, in
 * place, with its momentum buffer (null without momentum): one pass, on the WebAssembly
 * kernels when they are in use. The TypeScript and WebAssembly backends give the same bits.
 */
export function fusedSgd(
  param: TypedArray,
  grad: TypedArray,
  momentumBuffer: TypedArray | null,
  opts: SgdStep,
): void {
  check('fusedSgd', param, { grad }, { momentumBuffer });
  checkStep(
    'fusedSgd',
    opts,
    ['lr', 'momentum', 'dampening', 'weightDecay'],
    ['nesterov', 'maximize', 'first'],
  );
  if (opts.momentum !== 0 && momentumBuffer === null)
    throw new ValueError('fusedSgd', 'momentum needs a momentum buffer');
  sgd(param, grad, momentumBuffer, opts);
}

/**
 * torch.optim.Adam's (AdamW's) update of one parameter's values `param`, its first and second
 * moments and, with amsgrad, their running maximum (else null), in place: one pass, on the
 * WebAssembly kernels when they are in use. The two backends give the same bits.
 */
export function fusedAdam(
  param: TypedArray,
  grad: TypedArray,
  expAvg: TypedArray,
  expAvgSq: TypedArray,
  maxExpAvgSq: TypedArray | null,
  opts: AdamStep,
): void {
  check('fusedAdam', param, { grad, expAvg, expAvgSq }, { maxExpAvgSq });
  checkStep(
    'fusedAdam',
    opts,
    ['stepSize', 'bc2Sqrt', 'beta1', 'beta2', 'eps', 'weightDecay', 'decay'],
    ['decoupled', 'maximize'],
  );
  adam(param, grad, expAvg, expAvgSq, maxExpAvgSq, opts);
}
