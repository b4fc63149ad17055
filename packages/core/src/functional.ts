import { checkBool, checkFunction, checkInt, checkIntArray, checkOptions } from './args';
import { gradients } from './autograd';
import { AutogradError, fmt, ValueError } from './errors';
import { zeros, zerosLike } from './ops/creation';
import { stack } from './ops/movement';
import { isGradEnabled } from './tape';
import { Tensor } from './tensor';
import { leavesOf, rebuild, type TensorTree } from './tree';

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /** Which positional arguments to differentiate: one index (default 0) or several. */
  argnums?: number | readonly number[];
  /** `f` returns `[loss, aux]`; aux is passed through untouched. */
  hasAux?: boolean;
}

/**
 * Differentiable stand-ins for the tensors of `tree`. A tensor already on the tape (an outer
 * transform is differentiating it) is used as it is, so nested transforms compose.
 */
function prepare(tree: unknown): { tree: unknown; leaves: Tensor[]; nested: boolean } {
  const originals = leavesOf(tree);
  const nested = originals.some((x) => x.requiresGrad);
  const leaves = originals.map((x) => (x.requiresGrad ? x : x.detach().requiresGrad_()));
  return { tree: rebuild(tree, leaves), leaves, nested };
}

/** The gradient of each leaf, zeros where the output does not depend on it. */
function gradsOf(
  outputs: Tensor | Tensor[],
  leaves: Tensor[],
  gradOutputs: Tensor[] | undefined,
  createGraph: boolean,
): Tensor[] {
  if (leaves.length === 0) return [];
  const live = (Array.isArray(outputs) ? outputs : [outputs]).some((y) => y.requiresGrad);
  const gs = live
    ? gradients(outputs, leaves, { gradOutputs, createGraph, retainGraph: true, allowUnused: true })
    : leaves.map(() => null);
  return gs.map((g, i) => g ?? zerosLike(leaves[i]));
}

/**
 * `f` transformed to return `[f(...args), ∇f]`, the gradient with respect to the chosen
 * arguments in their own structure (tensors, arrays or objects of tensors).
 */
export function valueAndGrad<A extends unknown[], R, N extends number = 0>(
  f: (...args: A) => R,
  opts?: GradOptions & { argnums?: N },
): (...args: A) => [R, A[N]];
export function valueAndGrad<A extends unknown[], R>(
  f: (...args: A) => R,
  opts: GradOptions & { argnums: readonly number[] },
): (...args: A) => [R, unknown[]];
export function valueAndGrad<A extends unknown[], R>(f: (...args: A) => R, opts: GradOptions = {}) {
  checkFunction('grad', 'f', f);
  const { argnums = 0, hasAux = false } = checkOptions('grad', opts, ['argnums', 'hasAux']);
  checkBool('grad', 'hasAux', hasAux);
  const nums =
    typeof argnums === 'number'
      ? [checkInt('grad', 'argnums', argnums, 0)]
      : checkIntArray('grad', 'argnums', argnums, 0);
  return (...args: A): [R, unknown] => {
    nums.forEach((n) => {
      if (!Number.isInteger(n) || n < 0 || n >= args.length) {
        throw new ValueError('grad', `argnums ${n} is out of range for ${args.length} arguments`);
      }
    });
    const prepared = nums.map((n) => prepare(args[n]));
    const callArgs = [...args] as A;
    nums.forEach((n, i) => (callArgs[n] = prepared[i].tree));
    const result = f(...callArgs);
    const loss = hasAux ? (result as unknown as [unknown, unknown])[0] : result;
    if (!(loss instanceof Tensor) || loss.size !== 1) {
      throw new AutogradError(
        'grad',
        `f must return a single-element tensor${hasAux ? ' as [loss, aux]' : ''}, got ${describe(loss)}`,
      );
    }
    const createGraph = isGradEnabled() && prepared.some((p) => p.nested);
    const flat = gradsOf(
      loss,
      prepared.flatMap((p) => p.leaves),
      undefined,
      createGraph,
    );
    let at = 0;
    const grads = prepared.map((p, i) =>
      rebuild(args[nums[i]], flat.slice(at, (at += p.leaves.length))),
    );
    return [result, typeof argnums === 'number' ? grads[0] : grads];
  };
}

/**
 * `f` transformed to return its gradient (JAX's `grad`); transforms compose: `grad(grad(f))`.
 * With `hasAux`, returns `[gradient, aux]`.
 */
export function grad<A extends unknown[], N extends number = 0>(
  f: (...args: A) => unknown,
  opts?: GradOptions & { argnums?: N },
): (...args: A) => A[N];
export function grad<A extends unknown[]>(
  f: (...args: A) => unknown,
  opts: GradOptions & { argnums: readonly number[] },
): (...args: A) => unknown[];
export function grad<A extends unknown[]>(f: (...args: A) => unknown, opts: GradOptions = {}) {
  const vg = valueAndGrad(f, opts as GradOptions & { argnums?: number });
  return (...args: A) => {
    const [value, g] = vg(...args);
    return opts?.hasAux ? [g, (value as [unknown, unknown])[1]] : g;
  };
}

/** `[f(...primals), pullback]`, where pullback(cotangent) gives vᵀ·∂f for every primal (JAX's `vjp`). */
export function vjp<P extends unknown[], R extends TensorTree>(
  f: (...primals: P) => R,
  ...primals: P
) {
  checkFunction('vjp', 'f', f);
  const prepared = primals.map(prepare);
  const out = f(...(prepared.map((p) => p.tree) as P));
  const outs = leavesOf(out);
  const createGraph = isGradEnabled() && prepared.some((p) => p.nested);
  const pullback = (cotangent: R): P => {
    const cts = leavesOf(cotangent);
    if (cts.length !== outs.length)
      throw new ValueError(
        'vjp',
        `the cotangent has ${cts.length} tensors, the output ${outs.length}`,
      );
    const flat = gradsOf(
      outs,
      prepared.flatMap((p) => p.leaves),
      cts,
      createGraph,
    );
    let at = 0;
    return primals.map((x, i) =>
      rebuild(x, flat.slice(at, (at += prepared[i].leaves.length))),
    ) as P;
  };
  return [out, pullback] as const;
}

/**
 * `[f(...primals), J·tangents]`: the forward-mode product, by the double-vjp trick
 * (the vjp is linear in its cotangent u, so differentiating it with respect to u gives J·t).
 */
export function jvp<P extends unknown[], R extends TensorTree>(
  f: (...primals: P) => R,
  primals: P,
  tangents: P,
) {
  checkFunction('jvp', 'f', f);
  if (!Array.isArray(primals) || !Array.isArray(tangents))
    throw new ValueError(
      'jvp',
      'primals and tangents must be arrays (one entry per argument of f)',
    );
  const prepared = primals.map(prepare);
  const out = f(...(prepared.map((p) => p.tree) as P));
  const outs = leavesOf(out);
  const xs = prepared.flatMap((p) => p.leaves);
  const ts = leavesOf(tangents);
  if (ts.length !== xs.length)
    throw new ValueError('jvp', `${ts.length} tangents for ${xs.length} primal tensors`);
  const us = outs.map((y) => zerosLike(y).requiresGrad_());
  const vjps = gradsOf(outs, xs, us, true);
  const live = vjps.some((g) => g.requiresGrad);
  const nested = isGradEnabled() && prepared.some((p) => p.nested);
  const tangentOut = live
    ? gradients(vjps, us, { gradOutputs: ts, allowUnused: true, createGraph: nested }).map(
        (g, i) => g ?? zerosLike(outs[i]),
      )
    : outs.map((y) => zerosLike(y));
  return [out, rebuild(out, tangentOut)] as const;
}

/** `f` transformed to return its Jacobian ∂f/∂x, of shape [...out.shape, ...x.shape]. */
export function jacobian<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts: { argnums?: number } = {},
) {
  checkFunction('jacobian', 'f', f);
  const n = checkInt(
    'jacobian',
    'argnums',
    checkOptions('jacobian', opts, ['argnums']).argnums ?? 0,
    0,
  );
  return (...args: A): Tensor => {
    const x = args[n];
    if (!(x instanceof Tensor)) throw new ValueError('jacobian', `argument ${n} must be a Tensor`);
    const { leaves, nested } = prepare(x);
    const callArgs = [...args] as A;
    callArgs[n] = leaves[0];
    const y = f(...callArgs);
    if (!(y instanceof Tensor))
      throw new ValueError('jacobian', `f must return a Tensor, got ${describe(y)}`);
    const createGraph = isGradEnabled() && nested;
    const rows = Array.from({ length: y.size }, (_, i) => {
      const basis = zeros(y.shape, { dtype: y.dtype });
      basis.data[i] = 1;
      return gradsOf(y, leaves, [basis], createGraph)[0];
    });
    if (rows.length === 0) return zeros([...y.shape, ...x.shape], { dtype: x.dtype });
    return stack(rows).reshape([...y.shape, ...x.shape]);
  };
}

/** `f` transformed to return its Hessian ∂²f/∂x² (f returns a single-element tensor). */
export function hessian<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts: { argnums?: number } = {},
) {
  checkFunction('hessian', 'f', f);
  const { argnums = 0 } = checkOptions('hessian', opts, ['argnums']);
  return jacobian(grad(f, { argnums }) as (...args: A) => Tensor, { argnums });
}

/**
 * `[f(x), H·v]`, the Hessian-vector product without forming H: the gradient of ∇f(x)·v
 * (as `torch.autograd.functional.hvp`). `x` and `v` may be trees of one structure.
 */
export function hvp<X extends TensorTree>(f: (x: X) => Tensor, x: X, v: X): [Tensor, X] {
  checkFunction('hvp', 'f', f);
  const { tree, leaves, nested } = prepare(x);
  const vs = leavesOf(v);
  if (leaves.length === 0 || vs.length !== leaves.length) {
    throw new ValueError(
      'hvp',
      `x and v must hold tensors of one structure, got ${leaves.length} and ${vs.length} tensors`,
    );
  }
  vs.forEach((t, i) => {
    if (t.shape.join() !== leaves[i]?.shape.join()) {
      throw new ValueError(
        'hvp',
        `v's tensor ${i} has shape ${fmt(t.shape)}, x's has ${fmt(leaves[i]?.shape ?? [])}`,
      );
    }
  });
  const y = f(tree as X);
  if (!(y instanceof Tensor))
    throw new ValueError('hvp', `f must return a Tensor, got ${describe(y)}`);
  const g = gradsOf(y, leaves, undefined, true);
  const gv = g.map((gi, i) => gi.mul(vs[i]).sum()).reduce((s, t) => s.add(t));
  const hv = gradsOf(gv, leaves, undefined, isGradEnabled() && nested);
  return [y, rebuild(x, hv)];
}

function describe(x: unknown): string {
  return x instanceof Tensor ? `shape ${fmt(x.shape)}` : typeof x;
}
