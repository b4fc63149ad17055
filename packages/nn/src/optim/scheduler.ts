import { checkInt, checkNumber, checkOneOf, checkOptions, sideEffect, ValueError } from '@ad/core';
import { Optimizer } from './optimizer';

export type AnyOptimizer = Optimizer<{ lr: number }>;

/** The next rate of group `i` from its current rate, its base rate and the new epoch. */
export type Rule = (lr: number, base: number, epoch: number, i: number) => number;

/** Group `i`'s rate at an epoch from its base rate alone (what `step(epoch)` uses). */
export type ClosedForm = (base: number, epoch: number, i: number) => number;

/**
 * Each optimizer's rates when its first scheduler was made (PyTorch's `initial_lr`): every
 * later scheduler of that optimizer starts from them, so schedulers chain as in PyTorch.
 */
const initialLrs = new WeakMap<AnyOptimizer, number[]>();

/**
 * Base of the epoch-wise learning-rate schedules. Like PyTorch's, each computes the next
 * rate from the current one, and the constructor takes the first step (epoch 0).
 */
export class LRScheduler {
  lastEpoch = -1;
  readonly baseLrs: number[];

  constructor(
    readonly optimizer: AnyOptimizer,
    private readonly rule: Rule,
    private readonly closedForm: ClosedForm | null = null,
  ) {
    checkOptimizer(new.target.name, optimizer);
    let initial = initialLrs.get(optimizer);
    if (initial === undefined || initial.length !== optimizer.paramGroups.length) {
      initial = optimizer.paramGroups.map((g) => g.lr);
      initialLrs.set(optimizer, initial);
    }
    this.baseLrs = [...initial];
    this.step();
  }

  /**
   * Advances one epoch and sets the new rates; `step(epoch)` jumps to that epoch (what
   * `SequentialLR` does when it hands over; PyTorch deprecates it for users).
   */
  step(epoch?: number): void {
    if (epoch !== undefined)
      checkNumber(`${this.constructor.name}.step`, 'epoch', epoch, { min: 0 });
    sideEffect(`${this.constructor.name}.step`, () => {
      this.lastEpoch = epoch ?? this.lastEpoch + 1;
      const t = this.lastEpoch;
      this.optimizer.paramGroups.forEach((g, i) => {
        const base = this.baseLrs[i];
        g.lr =
          epoch !== undefined && this.closedForm !== null
            ? this.closedForm(base, t, i)
            : this.rule(g.lr, base, t, i);
      });
    });
  }

  /** The rates set by the last step. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The scheduler's position, to save in a checkpoint. */
  stateDict(): { lastEpoch: number } {
    return { lastEpoch: this.lastEpoch };
  }

  /** Restores a position saved by `stateDict`. */
  loadStateDict(sd: { lastEpoch: number }): void {
    const op = `${this.constructor.name}.loadStateDict`;
    const { lastEpoch } = checkOptions(op, sd, ['lastEpoch']);
    this.lastEpoch = checkInt(op, 'lastEpoch', lastEpoch, -1);
  }
}

function checkOptimizer(op: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer))
    throw new ValueError(op, 'expected an optimizer as its first argument');
}

/** Multiplies the rate by gamma every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, stepSize: number, gamma = 0.1) {
    checkInt('StepLR', 'stepSize', stepSize, 1);
    checkNumber('StepLR', 'gamma', gamma);
    super(
      optimizer,
      (lr, _base, t) => (t === 0 || t % stepSize !== 0 ? lr : lr * gamma),
      (base, t) => base * gamma ** Math.floor(t / stepSize),
    );
  }
}

/** Multiplies the rate by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, gamma: number) {
    checkNumber('ExponentialLR', 'gamma', gamma);
    super(
      optimizer,
      (lr, _base, t) => (t === 0 ? lr : lr * gamma),
      (base, t) => base * gamma ** t,
    );
  }
}

/** Cosine from the base rate down to etaMin over TMax epochs: η = ηmin + (η0 − ηmin)(1 + cos(πt/T))/2. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, TMax: number, etaMin = 0) {
    checkInt('CosineAnnealingLR', 'TMax', TMax, 1);
    checkNumber('CosineAnnealingLR', 'etaMin', etaMin, { min: 0 });
    super(
      optimizer,
      (lr, base, t) => {
        if (t === 0) return lr;
        if ((t - 1 - TMax) % (2 * TMax) === 0)
          return lr + ((base - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2;
        return (
          ((1 + Math.cos((Math.PI * t) / TMax)) / (1 + Math.cos((Math.PI * (t - 1)) / TMax))) *
            (lr - etaMin) +
          etaMin
        );
      },
      (base, t) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / TMax))) / 2,
    );
  }
}

/** Scales the rate linearly from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    const {
      startFactor: s = 1 / 3,
      endFactor: e = 1,
      totalIters: n = 5,
    } = checkOptions('LinearLR', opts, ['startFactor', 'endFactor', 'totalIters']);
    if (!(typeof s === 'number' && s > 0 && s <= 1))
      throw new ValueError('LinearLR', `startFactor must be in (0, 1], got ${String(s)}`);
    checkNumber('LinearLR', 'endFactor', e, { min: 0, max: 1 });
    checkInt('LinearLR', 'totalIters', n, 1);
    super(
      optimizer,
      (lr, _base, t) => {
        if (t === 0) return lr * s;
        if (t > n) return lr;
        return lr * (1 + (e - s) / (n * s + (t - 1) * (e - s)));
      },
      (base, t) => base * (s + ((e - s) * Math.min(n, t)) / n),
    );
  }
}

/** Options of `ReduceLROnPlateau` (PyTorch's names and defaults). */
export interface PlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Lowers the rate by `factor` when a metric has not improved for `patience` epochs. */
export class ReduceLROnPlateau {
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;
  lastEpoch = 0;
  readonly opts: Required<PlateauOptions>;

  constructor(
    readonly optimizer: AnyOptimizer,
    opts: PlateauOptions = {},
  ) {
    const op = 'ReduceLROnPlateau';
    checkOptimizer(op, optimizer);
    const keys = [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
    ];
    this.opts = {
      mode: 'min',
      factor: 0.1,
      patience: 10,
      threshold: 1e-4,
      thresholdMode: 'rel',
      cooldown: 0,
      minLr: 0,
      eps: 1e-8,
      ...checkOptions(op, opts, keys),
    };
    const o = this.opts;
    checkOneOf(op, 'mode', o.mode, ['min', 'max']);
    checkOneOf(op, 'thresholdMode', o.thresholdMode, ['rel', 'abs']);
    if (!(typeof o.factor === 'number' && o.factor >= 0 && o.factor < 1))
      throw new ValueError(op, `factor must be in [0, 1), got ${String(o.factor)}`);
    checkInt(op, 'patience', o.patience, 0);
    checkInt(op, 'cooldown', o.cooldown, 0);
    checkNumber(op, 'threshold', o.threshold, { min: 0 });
    checkNumber(op, 'eps', o.eps, { min: 0 });
    const minLrs = Array.isArray(o.minLr) ? o.minLr : [o.minLr];
    if (Array.isArray(o.minLr) && o.minLr.length !== optimizer.paramGroups.length) {
      throw new ValueError(
        op,
        `minLr has ${o.minLr.length} values for ${optimizer.paramGroups.length} parameter groups`,
      );
    }
    minLrs.forEach((m) => checkNumber(op, 'minLr', m, { min: 0 }));
    this.best = this.opts.mode === 'min' ? Infinity : -Infinity;
  }

  private improved(v: number): boolean {
    const { mode, threshold, thresholdMode } = this.opts;
    if (mode === 'min')
      return thresholdMode === 'rel' ? v < this.best * (1 - threshold) : v < this.best - threshold;
    return thresholdMode === 'rel' ? v > this.best * (threshold + 1) : v > this.best + threshold;
  }

  /** Records this epoch's metric and lowers the rates if it has stalled. */
  step(metric: number): void {
    checkNumber('ReduceLROnPlateau', 'metric', metric, { finite: false });
    this.lastEpoch++;
    if (this.improved(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.opts.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const minLr = Array.isArray(this.opts.minLr) ? this.opts.minLr[i] : this.opts.minLr;
        const lr = Math.max(g.lr * this.opts.factor, minLr);
        if (g.lr - lr > this.opts.eps) g.lr = lr;
      });
      this.cooldownLeft = this.opts.cooldown;
      this.badEpochs = 0;
    }
  }

  /** The current rate of each parameter group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
