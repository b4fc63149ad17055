// A recording turned into what a replay runs: one closure per step, each writing into the
// tensors the recording made (so their buffers are allocated once), views dropped (they
// share those buffers), and runs of element-wise ops fused into one loop (./fuse.ts).
import { AdError } from '../errors';
import { withGradMode } from '../tape';
import { setEntry, type Tensor } from '../tensor';
import { inSpace, type Space } from '../kernels/index';
import { fuseSteps } from './fuse';
import { lowerOp } from './lower';
import { isConstant } from './registry';
import { settle } from './residence';
import { type Recording, sameValues, type Step, tensorsIn } from './recording';
import { type Recorder, trace } from './trace';

/** A replay step: returns a reason to stop (a value check failed), or nothing. */
export type Run = () => string | void;

export interface ProgramOptions {
  fuse: boolean;
}

export class Program {
  private readonly runs: Run[];
  private readonly summary: string;
  /** One line per replayed step: how it runs. */
  readonly listing: string[];
  /** Index of the first run that changes something outside the program's own tensors. */
  private readonly firstEffect: number;
  /** Tensors whose `.grad` the program sets: put back when a replay stops. */
  private readonly gradTargets: Tensor[];
  /** The memory the program's buffers live in, if they moved to the kernels' own. */
  private readonly space: Space | null;

  constructor(recording: Recording, opts: ProgramOptions) {
    const steps = recording.steps.filter((s) => s.kind !== 'op' || !s.view);
    // the buffers move before the steps bind them
    this.space = settle(steps, recording);
    const { runs, fused, lowered, firstEffect, listing } = build(
      steps,
      recording,
      opts,
      this.space,
    );
    this.listing = listing;
    this.runs = runs;
    this.firstEffect = firstEffect;
    this.gradTargets = [...new Set(steps.flatMap((s) => (s.kind === 'grad' ? [s.target] : [])))];
    const memory =
      this.space === null ? '' : `; buffers in the kernels' memory (${kib(this.space)})`;
    this.summary =
      `replays ${runs.length} steps: ${lowered} ops on kernels directly, ` +
      `${fused} element-wise ops fused${memory}`;
  }

  /** Replays the program; returns why it stopped (having changed nothing outside), or null. */
  run(): string | null {
    const grads = this.gradTargets.map((t) => t.grad);
    const replay = () => {
      const runs = this.runs;
      for (let i = 0; i < runs.length; i++) {
        const stop = runs[i]();
        if (stop === undefined) continue;
        if (i > this.firstEffect)
          throw new AdError('compile', `a replay stopped after changing state outside it: ${stop}`);
        this.gradTargets.forEach((t, k) => (t.grad = grads[k]));
        return stop;
      }
      return null;
    };
    const space = this.space;
    return withGradMode(false, () => (space === null ? replay() : inSpace(space, replay)));
  }

  describe(): string {
    return this.summary;
  }
}

function build(
  steps: readonly Step[],
  recording: Recording,
  opts: ProgramOptions,
  space: Space | null,
): { runs: Run[]; fused: number; lowered: number; firstEffect: number; listing: string[] } {
  const runs: Run[] = [];
  const listing: string[] = [];
  let firstEffect = Infinity;
  let fused = 0;
  let lowered = 0;
  // a constant's buffer written by no other step keeps its recorded value
  const writers = new Map<object, number>();
  for (const s of steps)
    if (s.kind === 'op')
      for (const y of s.outs) writers.set(y.storage, (writers.get(y.storage) ?? 0) + 1);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.kind === 'op' && isConstant(s.fn) && s.outs.every((y) => writers.get(y.storage) === 1)) {
      listing.push(`constant: ${s.fn.name} → ${shapes(s.outs)}`);
      continue;
    }
    if (opts.fuse) {
      const group = fuseSteps(steps, i);
      if (group !== null) {
        runs.push(group.run);
        listing.push(`fused loop: ${group.names.join(', ')}`);
        fused += group.count;
        i += group.count - 1;
        continue;
      }
    }
    if (s.kind !== 'check' && firstEffect === Infinity && recording.isEffect(s))
      firstEffect = runs.length;
    if (s.kind === 'op') {
      const fast = lowerOp(s, space);
      if (fast !== null) lowered++;
      runs.push(fast ?? generic(s));
      listing.push(
        `${fast !== null ? 'kernel' : 'call'}: ${s.fn.name || 'an op'} → ${shapes(s.outs)}`,
      );
    } else if (s.kind === 'grad') {
      const { target, value } = s;
      runs.push(() => void (target.grad = value));
      listing.push(`set .grad of a tensor of shape [${target.shape}]`);
    } else if (s.kind === 'effect') {
      const f = s.fn;
      runs.push(() => void f());
      listing.push(`side effect: ${s.name}`);
    } else {
      const { tensor, values } = s;
      listing.push(`check the values of a tensor of shape [${tensor.shape}]`);
      runs.push(() =>
        sameValues(tensor.data, values)
          ? undefined
          : `the values of a tensor of shape [${tensor.shape}] that the function read changed`,
      );
    }
  }
  return { runs, fused, lowered, firstEffect, listing };
}

function kib(space: Space): string {
  return `${Math.ceil(space.buffer.byteLength / 1024)} KiB`;
}

function shapes(ts: readonly Tensor[]): string {
  return ts.map((t) => `[${t.shape}]`).join(', ');
}

/**
 * Any op: call it again on the recorded tensors and copy what it returns into the recorded
 * outputs, and what it made inside into the intermediates that later steps read.
 */
function generic(s: Extract<Step, { kind: 'op' }>): Run {
  const { fn, args, outs, inner, grad } = s;
  if (inner.size === 0) {
    return () => {
      const fresh: Tensor[] = [];
      tensorsIn(fn(...args), fresh);
      for (let k = 0; k < outs.length; k++) {
        const stop = writeInto(outs[k], fresh[k], fn.name);
        if (stop !== undefined) return stop;
      }
    };
  }
  // the intermediates are found by the order the op makes tensors in: it must take the
  // path it took when recorded, so it runs in that grad mode, on tensors still on that tape
  const inputs: Tensor[] = [];
  tensorsIn(args, inputs);
  const targets = [...new Set(inputs.flatMap((t) => (t.base === null ? [t] : [t, t.base])))];
  return () => {
    const fresh: Tensor[] = [];
    const entries = targets.map((t) => t.entry);
    const made = collecting();
    try {
      withGradMode(grad, () => tensorsIn(fn(...args), fresh));
    } finally {
      made.stop();
      targets.forEach((t, k) => setEntry(t, entries[k]));
    }
    for (let k = 0; k < outs.length; k++) {
      const stop = writeInto(outs[k], fresh[k], fn.name);
      if (stop !== undefined) return stop;
    }
    for (const [i, old] of inner) {
      const stop = writeInto(old, made.tensors[i], fn.name);
      if (stop !== undefined) return stop;
    }
  };
}

/** Lists every tensor made until `stop()` (through the recording hooks, which nothing else uses now). */
function collecting(): { tensors: Tensor[]; stop(): void } {
  const tensors: Tensor[] = [];
  const listener: Recorder = {
    call(fn, args) {
      trace.entering = fn;
      return fn(...Array.from(args));
    },
    made(t) {
      trace.entering = null;
      tensors.push(t);
    },
    read: clear,
    wrote: clear,
    gradRead: clear,
    gradSet: clear,
    untraced: clear,
    depends: clear,
    effect: (_name, fn) => fn(),
  };
  trace.recorder = listener;
  trace.on = true;
  return {
    tensors,
    stop() {
      trace.on = false;
      trace.recorder = null;
    },
  };
}

function clear(): void {
  trace.entering = null;
}

function writeInto(target: Tensor, value: Tensor | undefined, op: string): string | void {
  if (value === target || (value !== undefined && value.storage === target.storage)) return;
  if (
    value === undefined ||
    value.dtype !== target.dtype ||
    value.shape.length !== target.shape.length ||
    value.shape.some((d, i) => d !== target.shape[i])
  )
    return `${op || 'an op'} returned a result of another shape than when recorded`;
  if (target.isContiguous()) target.data.set(value.data);
  else target.copy_(value);
}
