// A module of its own: the names come from ops/index.ts, which imports every op module,
// so only type-only imports may reach this file.

/**
 * The name of every op that can sit on the tape: each exported op function's own name (so it
 * is written once, as the function), and the internal ops that gradients are built from. A
 * misspelt name in `record` or `named` is a type error.
 */
export type OpName = keyof typeof import('./index') | InternalOp | LinalgOp | FunctionalOp;

/** `ad.linalg`'s ops, named as users call them. */
type LinalgOp = `linalg.${keyof typeof import('./linalg-all')}`;

/** `ad.functional`'s ops, named as users call them. */
type FunctionalOp = `functional.${keyof typeof import('./functional-all')}`;

/** Ops that only gradients and composites record, and `var` (exported under that name). */
type InternalOp =
  | 'var'
  | 'copySlices'
  | 'unfoldBackward'
  | 'tanhBackward'
  | 'sigmoidBackward'
  | 'reluBackward'
  | 'conv2dInputGrad'
  | 'conv2dWeightGrad';
