import type { Tensor } from '../tensor';

/** Sizes or dims as one array (`[3, 2]`) or as separate numbers (`3, 2`), as PyTorch takes them. */
export type Sizes = [readonly number[]] | number[];

export function sizesOf(args: Sizes): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as readonly number[]);
}

/** A getter's `this`: the tensor it was called on (an object literal's getters cannot declare it). */
export const self = (x: unknown) => x as Tensor;
