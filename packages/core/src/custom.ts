import { record, toTensor, type TensorLike } from './ops/op';
import { noGrad, type Pullback } from './tape';
import { Tensor } from './tensor';

/**
 * Defines a differentiable function from its forward and its backward in one place (like
 * `torch.autograd.Function` or `tf.customGrad`). `forward` runs without recording and
 * returns the output and a pullback `dy => [dx, …]`; the call is one tape entry named `name`.
 * Write the pullback with ops and it works with `createGraph` too.
 */
export function customOp(name: string, forward: (...inputs: Tensor[]) => [Tensor, Pullback]): (...inputs: TensorLike[]) => Tensor {
  return (...args: TensorLike[]) => {
    const xs = args.map((a) => toTensor(name, a));
    const [y, pullback] = noGrad(() => forward(...xs));
    // the entry needs an output of its own: never one of the inputs
    const out = xs.includes(y) ? new Tensor(y.data.slice(), y.shape) : y;
    return record(name, xs, out, pullback);
  };
}

/** x's value with no gradient flowing back through it (JAX's `stop_gradient`). */
export function stopGradient(x: TensorLike): Tensor {
  return toTensor('stopGradient', x).detach();
}
