import type { TypedArray } from '../../dtype';
import type { Exports } from './engine';

// A compiled program's own instance of the kernels, whose memory holds the program's buffers
// (see compile/residence.ts). While the program replays, a kernel whose output lies in that
// memory reads and writes there directly instead of copying operands in and results out —
// what makes small models' steps cost their arithmetic. The memory never grows (growing would
// detach every view of it), so the scratch a call needs is sized when the program is built; a
// call that does not fit takes the usual copying path.

/** A program's memory: its buffers from `RESERVED`, then scratch for one kernel call at a time. */
export class Space {
  readonly buffer: ArrayBuffer;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  private next: number;

  /**
   * @param kernels the kernels' instance on this memory
   * @param base the byte address where the program's buffers start
   * @param scratch the byte address where scratch starts (it runs to the memory's end)
   */
  constructor(
    readonly kernels: Exports,
    memory: WebAssembly.Memory,
    readonly base: number,
    readonly scratch: number,
  ) {
    this.buffer = memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.next = scratch;
  }

  /** Starts a kernel call: its scratch is free again. */
  begin(): this {
    this.next = this.scratch;
    return this;
  }

  /** `bytes` of scratch (16-byte aligned) for this call; −1 when they do not fit. */
  take(bytes: number): number {
    const at = this.next;
    if (at + bytes > this.buffer.byteLength) return -1;
    this.next = at + ((bytes + 15) & ~15);
    return at;
  }

  /**
   * Where a call reads `x[from, from + count)`: its address here when `x` is a view of this
   * memory, else an address in scratch and the copy that puts it there (to run before each
   * call); null when scratch is full.
   */
  bind(x: TypedArray, from: number, count: number): [number, (() => void) | null] | null {
    const size = x.BYTES_PER_ELEMENT;
    if (x.buffer === this.buffer) return [x.byteOffset + from * size, null];
    const at = this.take(count * size);
    if (at < 0) return null;
    const view = size === 4 ? this.f32 : this.f64;
    const part = from === 0 && count === x.length ? x : x.subarray(from, from + count);
    return [at, () => view.set(part, at / size)];
  }
}

let current: Space | null = null;

/** Runs `f` with `space` as the memory whose views kernels use in place. */
export function inSpace<T>(space: Space, f: () => T): T {
  const before = current;
  current = space;
  try {
    return f();
  } finally {
    current = before;
  }
}

/** The space `out` lies in, when a program using it is running; else null. */
export function spaceOf(out: TypedArray): Space | null {
  return current !== null && out.buffer === current.buffer ? current : null;
}

/** A kernel call bound to its addresses, after the copies its operands from outside need. */
export function boundCall(copies: readonly ((() => void) | null)[], call: () => void): () => void {
  const before = copies.filter((c): c is () => void => c !== null);
  if (before.length === 0) return call;
  return () => {
    for (let i = 0; i < before.length; i++) before[i]();
    call();
  };
}
