import type { TypedArray } from './dtype';
import { trace } from './compile/trace';

// set by Storage's static block, which may touch its private count: see bump
let increment: (s: Storage) => void;

/**
 * A buffer of elements and its version counter, shared by a tensor and all of its views.
 * Every in-place change to any of them bumps the one counter (through `bump`), so that a
 * backward can tell that a value it saved went stale, whichever alias changed it.
 */
export class Storage {
  private count = 0;

  constructor(readonly data: TypedArray) {}

  /** Bumped by every in-place write into `data`. */
  get version(): number {
    return this.count;
  }

  static {
    increment = (s) => s.count++;
  }
}

/**
 * Moves `s`'s elements into `data` (an array of the same type and length), where they live
 * from then on: a compiled program keeps its buffers in its kernels' memory.
 */
export function relocate(s: Storage, data: TypedArray): void {
  data.set(s.data);
  (s as { data: TypedArray }).data = data;
}

/** Marks `s` as written to: the only place a version goes up. */
export function bump(s: Storage): void {
  if (trace.on) trace.recorder?.wrote();
  increment(s);
}

/**
 * The strides with which `shape` reads the elements that `oldShape` read with `oldStrides`,
 * or null when no strides can (PyTorch's rule for `view`: the dims that merge or split must
 * be contiguous with one another).
 */
export function viewStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  shape: readonly number[],
): number[] | null {
  const out = new Array<number>(shape.length).fill(1);
  if (oldShape.length === 0) return out;
  if (oldShape.includes(0)) {
    // an empty tensor has no elements to misread: row-major strides are as good as any
    let s = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      out[i] = s;
      s *= Math.max(shape[i], 1);
    }
    return out;
  }
  // old dims form chunks that are contiguous among themselves; walking back from the last,
  // each chunk must be exactly covered by a run of new dims
  let v = shape.length - 1;
  let base = oldStrides[oldStrides.length - 1];
  let oldCount = 1;
  let newCount = 1;
  for (let o = oldShape.length - 1; o >= 0; o--) {
    oldCount *= oldShape[o];
    const chunkEnds = o === 0 || (oldShape[o - 1] !== 1 && oldStrides[o - 1] !== oldCount * base);
    if (!chunkEnds) continue;
    while (v >= 0 && (newCount < oldCount || shape[v] === 1)) {
      out[v] = newCount * base;
      newCount *= shape[v];
      v--;
    }
    if (newCount !== oldCount) return null;
    if (o > 0) {
      base = oldStrides[o - 1];
      oldCount = 1;
      newCount = 1;
    }
  }
  return v === -1 ? out : null;
}

/** Whether `strides` are the row-major strides of `shape` (size-1 dims may have any stride). */
export function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Whether two elements of a view can share one memory location (a zero stride over size > 1). */
export function overlaps(shape: readonly number[], strides: readonly number[]): boolean {
  for (let i = 0; i < shape.length; i++) if (strides[i] === 0 && shape[i] > 1) return true;
  return false;
}
