import { noGrad, type Tensor, ValueError } from '@ad/core';

/**
 * Scales all gradients together so that their joint p-norm is at most maxNorm
 * (torch.nn.utils.clip_grad_norm_: coefficient min(1, maxNorm/(norm + 1e-6))). Returns the norm.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, opts: { normType?: number; errorIfNonfinite?: boolean } = {}): number {
  const p = opts.normType ?? 2;
  const grads = params.map((t) => t.grad).filter((g): g is Tensor => g !== null);
  let total = 0;
  for (const g of grads) {
    for (const v of g.data) total = p === Infinity ? Math.max(total, Math.abs(v)) : total + Math.abs(v) ** p;
  }
  if (p !== Infinity) total = total ** (1 / p);
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError('clipGradNorm', `the total norm of the gradients is ${total}`);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  noGrad(() => {
    for (const g of grads) for (let i = 0; i < g.size; i++) g.data[i] *= coef;
  });
  return total;
}

/** Clamps every gradient element to [−clipValue, clipValue]. */
export function clipGradValue(params: readonly Tensor[], clipValue: number): void {
  for (const t of params) {
    const g = t.grad;
    if (g === null) continue;
    for (let i = 0; i < g.size; i++) g.data[i] = Math.min(Math.max(g.data[i], -clipValue), clipValue);
  }
}
