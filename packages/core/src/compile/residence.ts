// Where a compiled program keeps its buffers: in a memory of its own that the WebAssembly
// kernels compute in (kernels/wasm/space.ts), so that a replay's kernel calls read and write
// the buffers where they lie instead of copying operands in and results out. Only buffers
// the program made move there (results, intermediates, the copies of its arguments); tensors
// from outside — parameters, buffers of modules — stay where they are and are copied per call.
import { align, kernels, newSpace, type Space } from '../kernels/index';
import { relocate, type Storage } from '../storage';
import type { Tensor } from '../tensor';
import { type Recording, type Step, tensorsIn } from './recording';
import { scratchOf } from './registry';

/** Moves the program's float buffers into a new space; null when the kernels in use are not WebAssembly's. */
export function settle(steps: readonly Step[], recording: Recording): Space | null {
  if (kernels().name !== 'wasm') return null;
  const foreign = recording.foreignStorages();
  const places = new Map<Storage, number>(); // byte offsets from the space's base
  let bytes = 0;
  let scratch = 0;
  for (const s of steps) {
    if (s.kind !== 'op') continue;
    const operands: Tensor[] = [];
    tensorsIn(s.args, operands);
    // a call may copy every operand from outside, and take what its kernel needs besides
    let need = scratchOf(s.fn)?.(s.args, s.outs) ?? 0;
    for (const t of operands) need += align(t.size * t.storage.data.BYTES_PER_ELEMENT);
    scratch = Math.max(scratch, need);
    for (const t of [...operands, ...s.outs, ...s.inner.values()]) {
      const { storage } = t;
      const data = storage.data;
      if (places.has(storage) || foreign.has(storage)) continue;
      if (!(data instanceof Float32Array || data instanceof Float64Array)) continue;
      places.set(storage, bytes);
      bytes += align(data.byteLength);
    }
  }
  if (places.size === 0) return null;
  const space = newSpace(bytes, scratch);
  if (space === null) return null;
  for (const [storage, at] of places) {
    const n = storage.data.length;
    const start = space.base + at;
    relocate(
      storage,
      storage.data instanceof Float32Array
        ? new Float32Array(space.buffer, start, n)
        : new Float64Array(space.buffer, start, n),
    );
  }
  return space;
}
