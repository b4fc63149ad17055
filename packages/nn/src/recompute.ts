// Gradient checkpointing (PyTorch's torch.utils.checkpoint.checkpoint): a block runs
// without recording in the forward pass, so its intermediates are not kept, and runs again
// in the backward pass to get its gradient. Memory for time.
import * as ad from '@ad/core';
import { AutogradError, Entry, type Tensor, ValueError } from '@ad/core';
import { Module } from './module';

type Block = Module | ((...inputs: Tensor[]) => Tensor);

/**
 * `fn(...inputs)`, recomputed in backward instead of stored. `fn` is a Module (its
 * parameters get their gradients) or a function of `inputs` alone: a tensor it uses that
 * requires grad but is not an input is an error in backward (make it an input or use a
 * Module), never a gradient silently lost. Random ops inside draw again when recomputed.
 * @example
 * ```ts
 * const y = nn.checkpoint(block, x); // block's activations are recomputed in backward
 * ```
 */
export function checkpoint(fn: Block, ...inputs: Tensor[]): Tensor {
  const op = 'checkpoint';
  const module = fn instanceof Module ? fn : null;
  if (module === null && typeof fn !== 'function')
    throw new ValueError(op, 'expected a Module or a function of tensors');
  inputs.forEach((x, i) => {
    if (!(x instanceof ad.Tensor)) throw new ValueError(op, `input ${i} is not a Tensor`);
  });
  const run = (xs: Tensor[]): Tensor => {
    const y = module !== null ? module.forward(...xs) : (fn as (...a: Tensor[]) => Tensor)(...xs);
    if (!(y instanceof ad.Tensor)) throw new ValueError(op, 'the block must return one Tensor');
    return y;
  };
  const params = module?.parameters().filter((p) => p.requiresGrad) ?? [];
  const n = inputs.length;
  const recorded = ad.customOp(op, (...args: Tensor[]) => {
    const y = run(args.slice(0, n));
    return [
      y,
      (dy) => {
        // again, recorded this time: from fresh leaves, or from the inputs themselves when
        // the gradient is to be differentiated again (createGraph)
        const higher = ad.isGradEnabled();
        const xs = higher
          ? args.slice(0, n)
          : args.slice(0, n).map((x) => x.detach().requiresGrad_(x.requiresGrad));
        const again = ad.enableGrad(() => run(xs));
        const wrt = [...xs, ...params];
        if (!higher) unlisted(again, new Set(wrt));
        const grads = ad.gradients(again, wrt, {
          gradOutputs: dy,
          allowUnused: true,
          createGraph: higher,
        });
        return grads.map((g, i) => (g === null && wrt[i].requiresGrad ? ad.zerosLike(wrt[i]) : g));
      },
    ];
  });
  return recorded(...inputs, ...params);
}

/** Throws if `y` depends on a leaf that requires grad outside `known`. */
function unlisted(y: Tensor, known: ReadonlySet<Tensor>): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [y.entry ?? y];
  while (stack.length > 0) {
    const node = stack.pop();
    if (seen.has(node)) continue;
    seen.add(node);
    if (node instanceof Entry) stack.push(...node.parents.filter((p) => p !== null));
    else if (node instanceof ad.Tensor && node.requiresGrad && !known.has(node))
      throw new AutogradError(
        'checkpoint',
        `the block uses a tensor of shape ${ad.formatShape(node.shape)} that requires grad but is not one of its inputs: pass it as an input, or checkpoint a Module`,
      );
  }
}
