import { gradients } from './autograd';
import { isFloat } from './dtype';
import { checkBool, checkFunction, checkNumber, checkOptions, show } from './args';
import { AdError, fmt, ValueError } from './errors';
import { cat } from './ops/movement';
import { randn, zeros } from './ops/creation';
import { Generator } from './random';
import { stridesOf } from './shape';
import { Tensor } from './tensor';

/** Options of `gradcheck` and `gradgradcheck`; a check passes when |analytic − numeric| ≤ atol + rtol·|numeric|. */
export interface GradcheckOptions {
  /** Finite-difference step (central differences). */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance. */
  rtol?: number;
  /** Seed of the random cotangent that contracts the output. */
  seed?: number;
  /** Name used in the failure message (defaults to the function's name or its last op). */
  name?: string;
  /** Throw on failure (default) instead of returning false. */
  raiseException?: boolean;
}

/** Why a gradient check failed: the op, input, worst element, analytic and numeric values. */
export class GradcheckError extends AdError {}

type Fn = (...inputs: Tensor[]) => Tensor;

function checkArgs(
  op: string,
  fn: unknown,
  inputs: unknown,
  opts: GradcheckOptions,
): GradcheckOptions {
  checkFunction(op, 'fn', fn);
  if (!Array.isArray(inputs) || inputs.some((x) => !(x instanceof Tensor)))
    throw new ValueError(op, 'inputs must be an array of tensors');
  const o = checkOptions(op, opts, ['eps', 'atol', 'rtol', 'seed', 'name', 'raiseException']);
  for (const k of ['eps', 'atol', 'rtol', 'seed'] as const)
    if (o[k] !== undefined) checkNumber(op, k, o[k], { min: 0 });
  if (o.raiseException !== undefined) checkBool(op, 'raiseException', o.raiseException);
  return o;
}

function output(op: string, y: unknown): Tensor {
  if (!(y instanceof Tensor)) throw new ValueError(op, `fn must return a Tensor, got ${show(y)}`);
  return y;
}

/**
 * Checks the analytic vector-Jacobian product vᵀ·∂f/∂x against central differences in
 * float64, for a seeded random v. Inputs that require grad are checked (all floating ones
 * when none does). Returns true, or throws a `GradcheckError` naming the worst element.
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): boolean {
  opts = checkArgs('gradcheck', fn, inputs, opts);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0, raiseException = true } = opts;
  const anyMarked = inputs.some((x) => x.requiresGrad);
  const checked = inputs.map((x) => isFloat(x.dtype) && (x.requiresGrad || !anyMarked));
  const xs = inputs.map((x, i) => (checked[i] ? x.detach().double().clone().requiresGrad_() : x));
  const y = output('gradcheck', fn(...xs));
  const name = opts.name ?? (fn.name || y.entry?.op || 'function');
  const v = randn(y.shape, { dtype: 'float64', generator: new Generator(seed) });
  const wrt = xs.filter((_, i) => checked[i]);
  const analytic = y.requiresGrad
    ? gradients(y, wrt, { gradOutputs: v, allowUnused: true })
    : wrt.map(() => null);
  const contract = () => {
    const [w, o] = [v.data, fn(...xs).data]; // read once: a view's data is a copy
    let s = 0;
    for (let k = 0; k < o.length; k++) s += w[k] * o[k];
    return s;
  };
  let worst: { excess: number; message: string } | null = null;
  wrt.forEach((x, n) => {
    const a = (analytic[n] ?? zeros(x.shape, { dtype: 'float64' })).data;
    const data = x.data; // a contiguous copy of the input's own: writes go straight to it
    for (let j = 0; j < x.size; j++) {
      const orig = data[j];
      data[j] = orig + eps;
      const plus = contract();
      data[j] = orig - eps;
      const minus = contract();
      data[j] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const excess = Math.abs(a[j] - numeric) - (atol + rtol * Math.abs(numeric));
      if (excess > 0 && (worst === null || excess > worst.excess)) {
        const input = inputs.indexOf(inputs.filter((_, i) => checked[i])[n]);
        worst = {
          excess,
          message:
            `gradient of input ${input} (shape ${fmt(x.shape)}) at ${fmt(unflatten(j, x.shape))}: ` +
            `analytic ${a[j]} vs numeric ${numeric}`,
        };
      }
    }
  });
  if (worst === null) return true;
  if (raiseException) throw new GradcheckError(name, (worst as { message: string }).message);
  return false;
}

/**
 * Checks second derivatives: gradcheck of (x, v) ↦ vᵀ·∂f/∂x computed with `createGraph`,
 * so every pullback is itself differentiated.
 */
export function gradgradcheck(
  fn: Fn,
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): boolean {
  opts = checkArgs('gradgradcheck', fn, inputs, opts);
  const anyMarked = inputs.some((x) => x.requiresGrad);
  const checked = inputs.map((x) => isFloat(x.dtype) && (x.requiresGrad || !anyMarked));
  const probe = output(
    'gradgradcheck',
    fn(...inputs.map((x, i) => (checked[i] ? x.detach().double() : x))),
  );
  const v = randn(probe.shape, {
    dtype: 'float64',
    generator: new Generator((opts.seed ?? 0) + 1),
  });
  const firstOrder = (...args: Tensor[]) => {
    const xs = args.slice(0, inputs.length);
    const y = fn(...xs);
    const wrt = xs.filter((_, i) => checked[i]);
    const gs = y.requiresGrad
      ? gradients(y, wrt, {
          gradOutputs: args[inputs.length],
          createGraph: true,
          allowUnused: true,
        })
      : wrt.map(() => null);
    return cat(gs.map((g, i) => (g ?? zeros(wrt[i].shape, { dtype: 'float64' })).reshape([-1])));
  };
  const marked = inputs.map((x, i) =>
    checked[i] ? x.detach().double().clone().requiresGrad_() : x,
  );
  return gradcheck(firstOrder, [...marked, v.requiresGrad_()], {
    ...opts,
    name: opts.name ?? `second order of ${fn.name || probe.entry?.op || 'function'}`,
  });
}

function unflatten(j: number, shape: readonly number[]): number[] {
  return stridesOf(shape).map((s, d) => Math.floor(j / s) % shape[d]);
}
