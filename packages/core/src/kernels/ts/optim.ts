import type { TypedArray } from '../../dtype';
import type { AdamStep, SgdStep } from '../kernels';

// The optimizer updates as written-out loops. packages/core/assembly/optim.ts computes the same
// values in the same order, so either gives the same bits; change both together.

/** torch.optim.SGD's update of one parameter, in place (see `SgdStep`). */
export function sgd(p: TypedArray, g: TypedArray, buf: TypedArray | null, o: SgdStep): void {
  // options read once into locals: V8 does not hoist property loads out of the loop
  const { lr, momentum, dampening, nesterov, weightDecay, maximize, first } = o;
  if (momentum === 0 && weightDecay === 0) {
    const step = maximize ? -lr : lr;
    for (let i = 0; i < p.length; i++) p[i] -= step * g[i];
    return;
  }
  const keep = 1 - dampening;
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -g[i] : g[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    if (buf !== null) {
      buf[i] = first ? d : momentum * buf[i] + keep * d;
      d = nesterov ? d + momentum * buf[i] : buf[i];
    }
    p[i] -= lr * d;
  }
}

/** torch.optim.Adam's update of one parameter, in place (see `AdamStep`). */
export function adam(
  p: TypedArray,
  g: TypedArray,
  m: TypedArray,
  v: TypedArray,
  vMax: TypedArray | null,
  o: AdamStep,
): void {
  const { stepSize, bc2Sqrt, beta1, beta2, eps, weightDecay, decoupled, decay, maximize } = o;
  // m ← lerp(m, d, w), w = 1 − β1, as torch.lerp computes it on either side of ½
  const w = 1 - beta1;
  const low = w < 0.5;
  const rest = 1 - w;
  const keep = 1 - beta2;
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -g[i] : g[i];
    if (decoupled) p[i] *= decay;
    else if (weightDecay !== 0) d += weightDecay * p[i];
    const mi = m[i];
    m[i] = low ? mi + w * (d - mi) : d - (d - mi) * rest;
    v[i] = v[i] * beta2 + keep * d * d;
    let vi = v[i];
    if (vMax !== null) vi = vMax[i] = Math.max(vMax[i], vi);
    p[i] -= (stepSize * m[i]) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}
