import { checkBool, checkOptions, show } from './args';
import { isFloat } from './dtype';
import { AutogradError, DTypeError, fmt, ShapeError } from './errors';
import { onesLike } from './ops/creation';
import { toTensor, type TensorLike } from './ops/op';
import { shapesEqual } from './shape';
import { backpropagate, type Entry, type Node, withGradMode } from './tape';
import { Tensor } from './tensor';

/** Options of `backward` and `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the tape entries so that another backward can walk them (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so that the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** Options of `gradients` (PyTorch's `torch.autograd.grad`). */
export interface GradientsOptions extends BackwardOptions {
  /** The vector in the vector-Jacobian product, one per output; needed for non-scalar outputs. */
  gradOutputs?: TensorLike | readonly (TensorLike | null | undefined)[];
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/** The node a tensor's gradient accumulates in: its entry, or itself when it is a leaf. */
function nodeOf(x: Tensor): Node {
  return x.entry ?? x;
}

/** Sums `dy` over broadcast dims and casts it back, so that it matches `like`. */
function reduceTo(dy: Tensor, like: Tensor): Tensor {
  const g = shapesEqual(dy.shape, like.shape) ? dy : dy.sumTo(like.shape);
  return g.dtype === like.dtype ? g : g.cast(like.dtype);
}

function accumulate(a: Tensor, b: Tensor): Tensor {
  return a.add(b);
}

/** The starting gradients: one per output, summed where outputs share a node. */
function seeds(
  op: string,
  outputs: readonly Tensor[],
  given: readonly (TensorLike | null | undefined)[],
): Map<Node, Tensor> {
  const roots = new Map<Node, Tensor>();
  outputs.forEach((y, i) => {
    if (!y.requiresGrad) {
      throw new AutogradError(
        op,
        `output ${i} (shape ${fmt(y.shape)}) does not require grad: nothing on the tape leads to it`,
      );
    }
    const g = given[i];
    let seed: Tensor;
    if (g === undefined || g === null) {
      if (y.size !== 1) {
        throw new AutogradError(
          op,
          `output ${i} has shape ${fmt(y.shape)}; a gradient can be implied only for a ` +
            'single-element output: pass one of that shape',
        );
      }
      seed = onesLike(y);
    } else {
      seed = toTensor(op, g, y);
      if (!shapesEqual(seed.shape, y.shape)) {
        throw new ShapeError(
          op,
          `gradient of shape ${fmt(seed.shape)} does not match output ${i} of shape ${fmt(y.shape)}`,
        );
      }
      if (seed.dtype !== y.dtype) seed = seed.cast(y.dtype);
    }
    const node = nodeOf(y);
    const prev = roots.get(node);
    roots.set(node, prev ? prev.add(seed) : seed);
  });
  return roots;
}

/** Runs a tensor's hooks on its gradient; a hook's return value (a tensor of the same shape) replaces it. */
function runHooks(x: Tensor, g: Tensor): Tensor {
  if (x.hooks === null) return g;
  for (const hook of x.hooks) {
    const r: unknown = hook(g);
    if (r === undefined || r === null) continue;
    if (!(r instanceof Tensor)) {
      throw new AutogradError(
        'registerHook',
        `a hook on a tensor of shape ${fmt(x.shape)} returned ${typeof r}, expected a Tensor or nothing`,
      );
    }
    if (!shapesEqual(r.shape, g.shape)) {
      throw new AutogradError(
        'registerHook',
        `a hook changed the size of the gradient of a tensor of shape ${fmt(x.shape)}: ` +
          `it returned ${fmt(r.shape)} for a gradient of ${fmt(g.shape)}`,
      );
    }
    g = r;
  }
  return g;
}

function release(entries: readonly Entry[], retain: boolean): void {
  if (!retain) for (const e of entries) e.pullback = null;
}

/**
 * Back-propagates from `output` and accumulates into `.grad` of every leaf that requires
 * grad (and of non-leaves that called `retainGrad()`). A non-scalar output needs `gradient`.
 */
export function backward(
  output: Tensor,
  gradient?: TensorLike | null,
  opts: BackwardOptions = {},
): void {
  if (!(output instanceof Tensor))
    throw new AutogradError(
      'backward',
      `expected a Tensor to back-propagate from, got ${show(output)}`,
    );
  opts = checkFlags('backward', opts, ['retainGraph', 'createGraph']);
  const createGraph = !!opts.createGraph;
  const roots = seeds('backward', [output], [gradient]);
  const retained: [Tensor, Tensor][] = [];
  const { grads, consumed } = backpropagate(roots, {
    createGraph,
    reduceTo,
    accumulate,
    visit: (y, dy) => {
      if (y.hooks === null && !y.retainsGrad) return dy;
      const g = runHooks(y, dy);
      if (y.retainsGrad) retained.push([y, g]);
      return g;
    },
  });
  // every hook and sum runs before any .grad changes: a throwing hook leaves all of them as they were
  const updates: [Tensor, Tensor][] = withGradMode(createGraph, () => {
    const out: [Tensor, Tensor][] = [];
    for (const [node, g] of grads)
      if (node instanceof Tensor) out.push([node, addGrad(node.grad, runHooks(node, g))]);
    for (const [y, g] of retained) out.push([y, addGrad(y.grad, g)]);
    return out;
  });
  for (const [t, g] of updates) t.grad = g;
  release(consumed, opts.retainGraph ?? createGraph);
}

/** The options object with its boolean flags checked (`gradOutputs` is checked where it is used). */
function checkFlags<T extends object>(op: string, opts: T, known: readonly string[]): T {
  const o = checkOptions(op, opts, known) as Record<string, unknown>;
  for (const k of known) if (k !== 'gradOutputs' && o[k] !== undefined) checkBool(op, k, o[k]);
  return o as T;
}

function addGrad(prev: Tensor | null, g: Tensor): Tensor {
  return prev === null ? g : prev.add(g);
}

/**
 * The gradients of `outputs` with respect to `inputs` (PyTorch's `torch.autograd.grad`),
 * without touching `.grad`. Returns one tensor for one input, an array for an array.
 */
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor,
  opts?: GradientsOptions,
): Tensor;
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  opts?: GradientsOptions,
): Tensor[];
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradientsOptions = {},
): Tensor | Tensor[] {
  return gradientsWithin(outputs, inputs, opts, undefined);
}

/** `gradients`, optionally restricted to the entries of one explicit tape. */
export function gradientsWithin(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradientsOptions,
  within: ReadonlySet<Entry> | undefined,
): Tensor | Tensor[] {
  opts = checkFlags('gradients', opts, [
    'retainGraph',
    'createGraph',
    'allowUnused',
    'gradOutputs',
  ]);
  const ys = outputs instanceof Tensor ? [outputs] : Array.isArray(outputs) ? [...outputs] : [];
  const xs = inputs instanceof Tensor ? [inputs] : Array.isArray(inputs) ? [...inputs] : [];
  if (ys.length === 0 || ys.some((y) => !(y instanceof Tensor))) {
    throw new AutogradError(
      'gradients',
      `outputs must be a Tensor or a non-empty array of them, got ${show(outputs)}`,
    );
  }
  if (xs.length === 0 && !Array.isArray(inputs))
    throw new AutogradError(
      'gradients',
      `inputs must be a Tensor or an array of them, got ${show(inputs)}`,
    );
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new AutogradError('gradients', `input ${i} is not a Tensor`);
    if (!x.requiresGrad) {
      const why = isFloat(x.dtype)
        ? 'set requiresGrad on it'
        : `its dtype ${x.dtype} cannot carry gradients`;
      throw new (isFloat(x.dtype) ? AutogradError : DTypeError)(
        'gradients',
        `input ${i} (shape ${fmt(x.shape)}) does not require grad: ${why}`,
      );
    }
  });
  const given =
    opts.gradOutputs === undefined
      ? []
      : Array.isArray(opts.gradOutputs)
        ? opts.gradOutputs
        : [opts.gradOutputs];
  const createGraph = !!opts.createGraph;
  const targets = new Set(xs.map(nodeOf));
  const { grads, consumed } = backpropagate(seeds('gradients', ys, given as TensorLike[]), {
    createGraph,
    targets,
    within,
    reduceTo,
    accumulate,
    visit: runHooks,
  });
  const result = xs.map((x, i) => {
    const g = grads.get(nodeOf(x));
    if (g === undefined && !opts.allowUnused) {
      throw new AutogradError(
        'gradients',
        `input ${i} (shape ${fmt(x.shape)}) is not used to compute the outputs; ` +
          'pass { allowUnused: true } to get null for it',
      );
    }
    return g === undefined ? null : x.isLeaf ? withGradMode(createGraph, () => runHooks(x, g)) : g;
  });
  release(consumed, opts.retainGraph ?? createGraph);
  return (inputs instanceof Tensor ? result[0] : result) as Tensor | Tensor[];
}
