import { checkFunction } from './args';
import { trace, traced } from './compile/trace';
import { ValueError } from './errors';
import { type OpName, record, toTensor, type TensorLike } from './ops/op';
import { noGrad, type Pullback } from './tape';
import { Tensor } from './tensor';

/**
 * Defines a differentiable function from its forward and its backward in one place (like
 * `torch.autograd.Function` or `tf.customGrad`). `forward` runs without recording and
 * returns the output and a pullback `dy => [dx, …]`; the call is one tape entry named `name`.
 * Write the pullback with ops and it works with `createGraph` too.
 */
export function customOp(
  name: string,
  forward: (...inputs: Tensor[]) => [Tensor, Pullback],
): (...inputs: TensorLike[]) => Tensor {
  if (typeof name !== 'string' || name === '')
    throw new ValueError('customOp', 'name must be a non-empty string');
  checkFunction('customOp', 'forward', forward);
  const f = (...args: TensorLike[]): Tensor => {
    if (trace.on && trace.entering !== f) return traced(f, args);
    const xs = args.map((a) => toTensor(name, a));
    const result: unknown = noGrad(() => forward(...xs));
    if (
      !Array.isArray(result) ||
      !(result[0] instanceof Tensor) ||
      typeof result[1] !== 'function'
    ) {
      throw new ValueError(
        name,
        'the forward of a customOp must return [output tensor, pullback function]',
      );
    }
    const [y, pullback] = result as [Tensor, Pullback];
    // the entry needs an output of its own: never one of the inputs
    const out = xs.includes(y) ? new Tensor(y.data.slice(), y.shape) : y;
    return record(name as OpName, xs, out, pullback); // the user's own op name
  };
  // what a compiled recording or an exporter calls it
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

/**
 * x's value with no gradient flowing back through it (JAX's `stop_gradient`).
 * @example
 * ```ts
 * x.mul(ad.stopGradient(x))  // gradient x, not 2x
 * ```
 */
export function stopGradient(x: TensorLike): Tensor {
  return toTensor('stopGradient', x).detach();
}
