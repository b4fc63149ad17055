import { checkInt, checkNumber, checkOptions, ValueError } from '@ad/core';
import { type AnyOptimizer, LRScheduler } from './scheduler';

// The rest of torch.optim.lr_scheduler, each step for step as PyTorch computes it.

type Factor = (epoch: number) => number;

/** One function, or one per parameter group. */
function perGroup(op: string, optimizer: AnyOptimizer, f: Factor | readonly Factor[]): Factor[] {
  const fs = Array.isArray(f) ? [...f] : (optimizer?.paramGroups?.map(() => f as Factor) ?? []);
  if (
    fs.length !== (optimizer?.paramGroups?.length ?? -1) ||
    fs.some((g) => typeof g !== 'function')
  )
    throw new ValueError(op, 'expected a function, or one per parameter group');
  return fs;
}

/** rate = base · f(epoch) (PyTorch's `LambdaLR`). */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, lrLambda: Factor | readonly Factor[]) {
    const fs = perGroup('LambdaLR', optimizer, lrLambda);
    const rate = (base: number, t: number, i: number) => base * fs[i](t);
    super(optimizer, (_lr, base, t, i) => rate(base, t, i), rate);
  }
}

/** rate ← rate · f(epoch) from the first step on (PyTorch's `MultiplicativeLR`). */
export class MultiplicativeLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, lrLambda: Factor | readonly Factor[]) {
    const fs = perGroup('MultiplicativeLR', optimizer, lrLambda);
    super(optimizer, (lr, _base, t, i) => (t > 0 ? lr * fs[i](t) : lr));
  }
}

/** Decays to 0 over totalIters epochs as (1 − t/T)^power (PyTorch's `PolynomialLR`). */
export class PolynomialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, opts: { totalIters?: number; power?: number } = {}) {
    const o = checkOptions('PolynomialLR', opts, ['totalIters', 'power']);
    const n = checkInt('PolynomialLR', 'totalIters', o.totalIters ?? 5, 1);
    const power = checkNumber('PolynomialLR', 'power', o.power ?? 1);
    super(
      optimizer,
      (lr, _base, t) => (t === 0 || t > n ? lr : lr * ((1 - t / n) / (1 - (t - 1) / n)) ** power),
      (base, t) => base * (1 - Math.min(n, t) / n) ** power,
    );
  }
}

/**
 * Cosine annealing that restarts every T₀·T_multⁱ epochs (PyTorch's
 * `CosineAnnealingWarmRestarts`); `step(epoch)` takes fractional epochs, for steps per batch.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  constructor(optimizer: AnyOptimizer, T0: number, opts: { TMult?: number; etaMin?: number } = {}) {
    const op = 'CosineAnnealingWarmRestarts';
    checkInt(op, 'T0', T0, 1);
    const o = checkOptions(op, opts, ['TMult', 'etaMin']);
    const mult = checkInt(op, 'TMult', o.TMult ?? 1, 1);
    const etaMin = checkNumber(op, 'etaMin', o.etaMin ?? 0);
    // where in the current period (tCur of tI epochs) the last step landed
    const at = { tCur: -1, tI: T0, stepped: -1 };
    const cosine = (base: number) =>
      etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * at.tCur) / at.tI))) / 2;
    // step(): one epoch on (once for all groups), restarting at the end of a period
    const next = (base: number, t: number) => {
      if (t !== at.stepped) {
        at.stepped = t;
        at.tCur += 1;
        if (at.tCur >= at.tI) {
          at.tCur -= at.tI;
          at.tI *= mult;
        }
      }
      return cosine(base);
    };
    // step(epoch): the period and the place in it, from the epoch alone
    const jump = (base: number, t: number) => {
      if (t < T0) [at.tI, at.tCur] = [T0, t];
      else if (mult === 1) at.tCur = t % T0;
      else {
        const n = Math.floor(Math.log((t / T0) * (mult - 1) + 1) / Math.log(mult));
        at.tCur = t - (T0 * (mult ** n - 1)) / (mult - 1);
        at.tI = T0 * mult ** n;
      }
      return cosine(base);
    };
    super(optimizer, (_lr, base, t) => next(base, t), jump);
  }

  override step(epoch?: number): void {
    super.step(epoch);
    this.lastEpoch = Math.floor(this.lastEpoch);
  }
}
