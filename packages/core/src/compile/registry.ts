// What ops tell a compiled replay about themselves, registered where each op is defined:
// which are element-wise (so that runs of them fuse into one loop) and how to run one
// straight on the kernels with its buffers bound once.
import type { Space } from '../kernels/index';
import type { Tensor } from '../tensor';

/** An element-wise op: the kernel op it runs and whether it takes one operand or two. */
export interface Elementwise {
  kind: 'map' | 'zip';
  op: string;
}

/**
 * Given a recorded call's arguments and results (and the program's memory, where its buffers
 * moved to the kernels'), a closure that recomputes the results in place; null to decline.
 */
export type Lowering = (
  args: readonly unknown[],
  outs: readonly Tensor[],
  space: Space | null,
) => (() => void) | null;

const elementwise = new WeakMap<object, Elementwise>();
const lowerings = new WeakMap<object, Lowering>();

export function registerElementwise(fn: object, e: Elementwise): void {
  elementwise.set(fn, e);
}

export function elementwiseOf(fn: object): Elementwise | undefined {
  return elementwise.get(fn);
}

const constants = new WeakSet<object>();

/** An op whose result depends on its arguments only (zeros, arange): recorded once, never replayed. */
export function registerConstant(...fns: object[]): void {
  for (const fn of fns) constants.add(fn);
}

export function isConstant(fn: object): boolean {
  return constants.has(fn);
}

export function registerLowering(fn: object, lower: Lowering): void {
  lowerings.set(fn, lower);
}

export function loweringOf(fn: object): Lowering | undefined {
  return lowerings.get(fn);
}

/** Scratch bytes one call of an op takes in a compiled program's memory, beyond its operands. */
export type Scratch = (args: readonly unknown[], outs: readonly Tensor[]) => number;

const scratches = new WeakMap<object, Scratch>();

export function registerScratch(fn: object, need: Scratch): void {
  scratches.set(fn, need);
}

export function scratchOf(fn: object): Scratch | undefined {
  return scratches.get(fn);
}
