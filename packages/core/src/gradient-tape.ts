import { gradientsWithin, type GradientsOptions } from './autograd';
import { fmt } from './errors';
import { type Entry, recordInto } from './tape';
import type { Tensor } from './tensor';

/** A scoped, inspectable tape (TensorFlow's `GradientTape`): records the entries made inside `record`. */
export class GradientTape {
  /** The entries recorded so far, in call order. */
  readonly entries: Entry[] = [];

  /** Runs `fn` with grad mode on, adding every entry it records to this tape (nested tapes all record). */
  record<T>(fn: () => T): T {
    return recordInto(this.entries, fn);
  }

  /** Gradients of `target` with respect to `sources`, through this tape's entries only. */
  gradient(
    target: Tensor | readonly Tensor[],
    sources: Tensor | readonly Tensor[],
    opts: GradientsOptions = {},
  ): Tensor | Tensor[] {
    return gradientsWithin(target, sources, opts, new Set(this.entries));
  }

  /** One line per entry: op, input shapes and output shape. */
  toString(): string {
    return this.entries
      .map(
        (e, i) =>
          `${i}: ${e.op}(${e.inputs.map((x) => fmt(x.shape)).join(', ')}) -> ${fmt(e.output.shape)}`,
      )
      .join('\n');
  }
}
