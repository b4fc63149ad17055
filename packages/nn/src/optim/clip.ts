import {
  checkBool,
  checkNumber,
  checkOptions,
  noGrad,
  sideEffect,
  Tensor,
  ValueError,
  writeInPlace,
} from '@ad/core';

/**
 * Scales all gradients together so that their joint p-norm is at most maxNorm
 * (torch.nn.utils.clip_grad_norm_: coefficient min(1, maxNorm/(norm + 1e-6))). Returns the norm.
 */
export function clipGradNorm(
  params: readonly Tensor[],
  maxNorm: number,
  opts: { normType?: number; errorIfNonfinite?: boolean } = {},
): number {
  const { normType: p = 2, errorIfNonfinite = false } = checkOptions('clipGradNorm', opts, [
    'normType',
    'errorIfNonfinite',
  ]);
  checkNumber('clipGradNorm', 'maxNorm', maxNorm, { min: 0, finite: false });
  checkNumber('clipGradNorm', 'normType', p, { min: 0, finite: false });
  checkBool('clipGradNorm', 'errorIfNonfinite', errorIfNonfinite);
  // reads and rescales the gradients in place: a compiled step does it again on each call
  return sideEffect('clipGradNorm', () => clipNorm(params, maxNorm, p, errorIfNonfinite));
}

function clipNorm(
  params: readonly Tensor[],
  maxNorm: number,
  p: number,
  errorIfNonfinite: boolean,
): number {
  const grads = gradsOf('clipGradNorm', params);
  let total = 0;
  for (const g of grads) {
    for (const v of g.data)
      total = p === Infinity ? Math.max(total, Math.abs(v)) : total + Math.abs(v) ** p;
  }
  if (p !== Infinity) total = total ** (1 / p);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError('clipGradNorm', `the total norm of the gradients is ${total}`);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  noGrad(() => {
    for (const g of grads) {
      writeInPlace(g, (data) => {
        for (let i = 0; i < data.length; i++) data[i] *= coef;
      });
    }
  });
  return total;
}

function gradsOf(op: string, params: readonly Tensor[]): Tensor[] {
  if (!Array.isArray(params) || params.some((t) => !(t instanceof Tensor)))
    throw new ValueError(op, 'params must be an array of tensors');
  return params.map((t) => t.grad).filter((g): g is Tensor => g !== null);
}

/** Clamps every gradient element to [−clipValue, clipValue]. */
export function clipGradValue(params: readonly Tensor[], clipValue: number): void {
  checkNumber('clipGradValue', 'clipValue', clipValue, { min: 0, finite: false });
  sideEffect('clipGradValue', () => {
    for (const g of gradsOf('clipGradValue', params)) {
      writeInPlace(g, (data) => {
        for (let i = 0; i < data.length; i++)
          data[i] = Math.min(Math.max(data[i], -clipValue), clipValue);
      });
    }
  });
}
