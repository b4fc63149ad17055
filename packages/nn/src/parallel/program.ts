// A training step's forward and loss as data a worker thread can replay: the ops it called,
// by public name, with tensors replaced by numbered slots (parameters, the batch, constants,
// earlier results). Replaying it with the same op functions computes what the step computed,
// bit for bit, on whatever batch of the same shape fills the slots.
import {
  captureOps,
  Generator,
  noGrad,
  opNames,
  type Tensor,
  Tensor as T,
  ValueError,
} from '@ad/core';

/** An argument: plain values as they are, `{ $t: slot }` for a tensor, `{ $g: 1 }` for a generator. */
export type Encoded = unknown;

export interface ProgramCall {
  name: string;
  args: Encoded[];
  /** The slots of the tensors it returns, flattened in order. */
  outs: number[];
}

/** Slots 0…P−1 are the parameters, P the inputs, P + 1 the targets. */
export interface Program {
  calls: ProgramCall[];
  constants: { slot: number; dtype: string; shape: number[]; data: ArrayLike<number> }[];
  /** The loss's slot. */
  loss: number;
  slots: number;
}

/**
 * Records `loss(model(x), y)` on one shard as a program over parameter, input and target
 * slots. Ops are kept whole (a replay calls the same public functions); a custom op, a read
 * of a computed value or a buffer written in training cannot be replayed elsewhere and throws.
 */
export function recordProgram(
  params: readonly Tensor[],
  x: Tensor,
  y: Tensor,
  step: (x: Tensor, y: Tensor) => Tensor,
): Program {
  const slots = new Map<Tensor, number>();
  params.forEach((p, i) => slots.set(p, i));
  slots.set(x, params.length);
  slots.set(y, params.length + 1);
  const names = new Set(opNames().values());
  const { result, calls, reads } = captureOps(
    () => noGrad(() => step(x, y)),
    () => true,
    'DataParallel',
  );
  const unknown = calls.find((c) => !names.has(c.name));
  if (unknown !== undefined)
    throw new ValueError(
      'DataParallel',
      `'${unknown.name}' is not an op of @ad/core (a custom op?): worker threads cannot run it`,
    );
  const computed = new Set(calls.flatMap((c) => c.outs));
  const read = reads.find((t) => computed.has(t));
  if (read !== undefined)
    throw new ValueError(
      'DataParallel',
      `the step reads the values of a computed tensor of shape [${read.shape}] (item(), data), which workers cannot replay`,
    );
  const constants: Program['constants'] = [];
  const encode = (v: unknown): Encoded => {
    if (v instanceof T) {
      let slot = slots.get(v);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(v, slot);
        constants.push({ slot, dtype: v.dtype, shape: [...v.shape], data: v.data.slice() });
      }
      return { $t: slot };
    }
    if (v instanceof Generator) return { $g: 1 };
    if (Array.isArray(v)) return v.map(encode);
    if (v !== null && typeof v === 'object') {
      if (Object.getPrototypeOf(v) !== Object.prototype)
        throw new ValueError('DataParallel', `cannot send ${String(v)} to a worker thread`);
      return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, encode(e)]));
    }
    if (typeof v === 'function')
      throw new ValueError('DataParallel', 'cannot send a function to a worker thread');
    return v;
  };
  const program: ProgramCall[] = calls.map((c) => {
    const args = c.args.map(encode);
    // flattened as the replica flattens what the op returns
    const outs = c.outs.map((t) => {
      if (!slots.has(t)) slots.set(t, slots.size);
      return slots.get(t) as number;
    });
    return { name: c.name, args, outs };
  });
  const loss = slots.get(result);
  if (loss === undefined || result.size !== 1)
    throw new ValueError('DataParallel', 'the loss must be a scalar computed from the batch');
  return { calls: program, constants, loss, slots: slots.size };
}
