import { checkBool, checkInt, checkNumber, checkOneOf, checkOptions, ValueError } from '@ad/core';
import { type AnyOptimizer, LRScheduler } from './scheduler';

// Schedules stepped once per batch, which also cycle the momentum (PyTorch's CyclicLR and
// OneCycleLR), and SequentialLR, which hands over from one schedule to the next.

type Group = AnyOptimizer['paramGroups'][number] & { momentum?: number; betas?: [number, number] };

/** One value per parameter group, from one value or a list. */
function perGroup(
  op: string,
  name: string,
  optimizer: AnyOptimizer,
  v: number | readonly number[],
): number[] {
  const n = optimizer?.paramGroups?.length ?? 0;
  const vs = Array.isArray(v) ? [...v] : Array<number>(n).fill(v as number);
  if (vs.length !== n)
    throw new ValueError(op, `${name} has ${vs.length} values for ${n} parameter groups`);
  vs.forEach((x) => checkNumber(op, name, x, { min: 0 }));
  return vs;
}

/** Sets a group's momentum: SGD's `momentum`, or β1 of Adam-like `betas`. */
function setMomentum(g: Group, m: number): void {
  if (Array.isArray(g.betas)) g.betas = [m, g.betas[1]];
  else g.momentum = m;
}

function momentumOf(op: string, optimizer: AnyOptimizer, betasToo: boolean): void {
  const d = optimizer?.defaults as Record<string, unknown> | undefined;
  if (!d || !('momentum' in d || (betasToo && 'betas' in d)))
    throw new ValueError(
      op,
      'the optimizer must have a momentum (or betas) to cycle it; pass cycleMomentum: false',
    );
}

/** Options of `CyclicLR`, as in PyTorch. */
export interface CyclicLROptions {
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  /** A custom scale of the cycle's amplitude, of the cycle number or the step (scaleMode). */
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
}

/**
 * Cycles the rate between baseLr and maxLr (PyTorch's `CyclicLR`, stepped per batch):
 * triangular, halving (triangular2) or exponentially shrinking (exp_range) cycles, with the
 * momentum cycled the opposite way.
 */
export class CyclicLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    baseLr: number | number[],
    maxLr: number | number[],
    opts: CyclicLROptions = {},
  ) {
    const op = 'CyclicLR';
    const o = checkOptions(op, opts, [
      'stepSizeUp',
      'stepSizeDown',
      'mode',
      'gamma',
      'scaleFn',
      'scaleMode',
      'cycleMomentum',
      'baseMomentum',
      'maxMomentum',
    ]);
    const bases = perGroup(op, 'baseLr', optimizer, baseLr);
    const maxes = perGroup(op, 'maxLr', optimizer, maxLr);
    const up = checkNumber(op, 'stepSizeUp', o.stepSizeUp ?? 2000, { min: 1 });
    const down =
      o.stepSizeDown === null || o.stepSizeDown === undefined
        ? up
        : checkNumber(op, 'stepSizeDown', o.stepSizeDown, { min: 1 });
    const mode = checkOneOf(op, 'mode', o.mode ?? 'triangular', [
      'triangular',
      'triangular2',
      'exp_range',
    ]);
    const gamma = checkNumber(op, 'gamma', o.gamma ?? 1);
    let scale: (x: number) => number;
    let byCycle: boolean;
    if (o.scaleFn !== null && o.scaleFn !== undefined) {
      if (typeof o.scaleFn !== 'function') throw new ValueError(op, 'scaleFn must be a function');
      scale = o.scaleFn;
      byCycle =
        checkOneOf(op, 'scaleMode', o.scaleMode ?? 'cycle', ['cycle', 'iterations']) === 'cycle';
    } else {
      scale =
        mode === 'triangular'
          ? () => 1
          : mode === 'triangular2'
            ? (x) => 1 / 2 ** (x - 1)
            : (x) => gamma ** x;
      byCycle = mode !== 'exp_range';
    }
    const cycleMomentum = checkBool(op, 'cycleMomentum', o.cycleMomentum ?? true);
    const baseM = perGroup(op, 'baseMomentum', optimizer, o.baseMomentum ?? 0.8);
    const maxM = perGroup(op, 'maxMomentum', optimizer, o.maxMomentum ?? 0.9);
    if (cycleMomentum) momentumOf(op, optimizer, false);
    const groups = optimizer.paramGroups as Group[];
    groups.forEach((g, i) => (g.lr = bases[i]));
    if (cycleMomentum) groups.forEach((g, i) => setMomentum(g, baseM[i]));
    const total = up + down;
    const ratio = up / total;
    const rate = (_lr: number, _base: number, t: number, i: number) => {
      const cycle = Math.floor(1 + t / total);
      const x = 1 + t / total - cycle;
      const factor = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
      const s = scale(byCycle ? cycle : t);
      if (cycleMomentum) setMomentum(groups[i], maxM[i] - (maxM[i] - baseM[i]) * factor * s);
      return bases[i] + (maxes[i] - bases[i]) * factor * s;
    };
    super(optimizer, rate, (base, t, i) => rate(0, base, t, i));
  }
}

/** Options of `OneCycleLR`, as in PyTorch. */
export interface OneCycleLROptions {
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

/**
 * The 1cycle policy (PyTorch's `OneCycleLR`, stepped per batch): the rate rises from
 * maxLr/divFactor to maxLr over pctStart of the steps, then anneals to
 * maxLr/(divFactor·finalDivFactor); the momentum moves the opposite way.
 */
export class OneCycleLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, maxLr: number | number[], opts: OneCycleLROptions = {}) {
    const op = 'OneCycleLR';
    const o = checkOptions(op, opts, [
      'totalSteps',
      'epochs',
      'stepsPerEpoch',
      'pctStart',
      'annealStrategy',
      'cycleMomentum',
      'baseMomentum',
      'maxMomentum',
      'divFactor',
      'finalDivFactor',
      'threePhase',
    ]);
    let total: number;
    if (o.totalSteps !== null && o.totalSteps !== undefined)
      total = checkInt(op, 'totalSteps', o.totalSteps, 1);
    else if (o.epochs != null && o.stepsPerEpoch != null)
      total =
        checkInt(op, 'epochs', o.epochs, 1) * checkInt(op, 'stepsPerEpoch', o.stepsPerEpoch, 1);
    else throw new ValueError(op, 'give totalSteps, or epochs and stepsPerEpoch');
    const pct = checkNumber(op, 'pctStart', o.pctStart ?? 0.3, { min: 0, max: 1 });
    const strategy = checkOneOf(op, 'annealStrategy', o.annealStrategy ?? 'cos', ['cos', 'linear']);
    const anneal =
      strategy === 'cos'
        ? (start: number, end: number, p: number) =>
            end + ((start - end) / 2) * (Math.cos(Math.PI * p) + 1)
        : (start: number, end: number, p: number) => (end - start) * p + start;
    const maxes = perGroup(op, 'maxLr', optimizer, maxLr);
    const div = checkNumber(op, 'divFactor', o.divFactor ?? 25, { min: 0 });
    const finalDiv = checkNumber(op, 'finalDivFactor', o.finalDivFactor ?? 1e4, { min: 0 });
    const cycleMomentum = checkBool(op, 'cycleMomentum', o.cycleMomentum ?? true);
    const baseM = perGroup(op, 'baseMomentum', optimizer, o.baseMomentum ?? 0.85);
    const maxM = perGroup(op, 'maxMomentum', optimizer, o.maxMomentum ?? 0.95);
    if (cycleMomentum) momentumOf(op, optimizer, true);
    const initial = maxes.map((m) => m / div);
    const least = initial.map((l) => l / finalDiv);
    // each phase: its last step, and the rate and momentum it goes between (per group)
    type Phase = [end: number, from: number[], to: number[], mFrom: number[], mTo: number[]];
    const phases: Phase[] = checkBool(op, 'threePhase', o.threePhase ?? false)
      ? [
          [pct * total - 1, initial, maxes, maxM, baseM],
          [2 * pct * total - 2, maxes, initial, baseM, maxM],
          [total - 1, initial, least, maxM, maxM],
        ]
      : [
          [pct * total - 1, initial, maxes, maxM, baseM],
          [total - 1, maxes, least, baseM, maxM],
        ];
    const groups = optimizer.paramGroups as Group[];
    groups.forEach((g, i) => (g.lr = initial[i]));
    if (cycleMomentum) groups.forEach((g, i) => setMomentum(g, maxM[i]));
    const rate = (_lr: number, _base: number, t: number, i: number) => {
      if (t > total) throw new ValueError(op, `stepped ${t} times, but totalSteps is ${total}`);
      let start = 0;
      for (let k = 0; k < phases.length; k++) {
        const [end, from, to, mFrom, mTo] = phases[k];
        if (t <= end || k === phases.length - 1) {
          const p = (t - start) / (end - start);
          if (cycleMomentum) setMomentum(groups[i], anneal(mFrom[i], mTo[i], p));
          return anneal(from[i], to[i], p);
        }
        start = end;
      }
      return groups[i].lr;
    };
    super(optimizer, rate, (base, t, i) => rate(0, base, t, i));
  }
}

/**
 * Runs `schedulers` one after another, switching at the `milestones` epochs (PyTorch's
 * `SequentialLR`); each later schedule starts from its epoch 0 when it takes over.
 */
export class SequentialLR {
  lastEpoch = 0;

  constructor(
    readonly optimizer: AnyOptimizer,
    readonly schedulers: readonly LRScheduler[],
    readonly milestones: readonly number[],
  ) {
    const op = 'SequentialLR';
    if (
      !Array.isArray(schedulers) ||
      schedulers.length === 0 ||
      schedulers.some((s) => !(s instanceof LRScheduler) || s.optimizer !== optimizer)
    )
      throw new ValueError(op, 'expected schedulers of this one optimizer');
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1)
      throw new ValueError(
        op,
        `expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers`,
      );
    milestones.forEach((m) => checkInt(op, 'milestones', m, 0));
    // back to the initial rates, and every schedule one step back, then the first one's step
    optimizer.paramGroups.forEach((g, i) => (g.lr = schedulers[0].baseLrs[i]));
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].step();
  }

  /** Advances one epoch, in the schedule whose turn it is. */
  step(): void {
    this.lastEpoch++;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
  }

  /** The rates set by the last step. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
