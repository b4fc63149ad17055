import { allocate, type DType, dtypeOfArray, isFloat, type TypedArray } from './dtype';
import { AutogradError, DTypeError, fmt, ValueError } from './errors';
import { format } from './format';
import type { TensorMethods } from './methods';
import { normalizeDim, type Shape, stridesOf } from './shape';
import { copyStrided } from './kernels/strided';
import { isRowMajor, Storage } from './storage';
import type { Entry } from './tape';
import { trace } from './compile/trace';

/** Where a view reads its base's storage, and how to make it again. */
export interface ViewOf {
  readonly strides: readonly number[];
  readonly offset: number;
  /** The tensor that owns the storage, for views that autograd tracks (not for `detach`). */
  readonly base: Tensor | null;
  readonly replay: ((base: Tensor) => Tensor) | null;
}

/** Observes a gradient as it passes; returning a tensor replaces it. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** What `registerHook` returns. */
export interface HookHandle {
  /** Unregisters the hook. */
  remove(): void;
}

// the class and this interface merge: a Tensor has the fields below and the methods of methods.ts
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends TensorMethods {}

// set by Tensor's static block, which may touch its private fields: see setEntry
let assignEntry: (t: Tensor, e: Entry | null) => void;

/**
 * An n-d array of numbers that records the ops applied to it. It reads its elements from a
 * `Storage` through a shape, strides and an offset, so views (`transpose`, `expand`, `narrow`,
 * `detach`…) share their base's storage instead of copying it. This module holds the data and
 * bookkeeping; the ops make tensors, and methods.ts gives them their op methods, so the layers
 * import one way: tensor ← ops ← methods.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Tensor {
  /** The buffer this tensor reads (shared with its views) and its version counter. */
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Where element [0, 0, …] sits in the storage. */
  readonly offset: number;
  /** For a view, the tensor that owns the storage (PyTorch's `_base`); null otherwise. */
  readonly base: Tensor | null;
  /** For a view, how to make the same view of another tensor shaped like `base`. */
  readonly replay: ((base: Tensor) => Tensor) | null;
  private gradient: Tensor | null;
  /** Gradient hooks, in registration order. */
  hooks: GradHook[] | null;
  /** Whether backward stores this non-leaf's gradient in `.grad`. */
  retainsGrad: boolean;
  // null for row-major strides: the common case costs no array and a contiguity test is one load
  private readonly layout: readonly number[] | null;
  private node: Entry | null;
  // for a view, the storage version its node was made at (an alias written since makes it stale)
  private nodeVersion: number;
  private leafRequiresGrad: boolean;

  /** Wraps `data` (not copied) as a row-major tensor of `shape`; use `tensor()` to create one from values. */
  constructor(data: TypedArray | Storage, shape: Shape, view?: ViewOf) {
    // plain assignments in one place keep every tensor the same hidden class: this is a hot path
    this.storage = data instanceof Storage ? data : new Storage(data);
    this.shape = shape;
    this.dtype = dtypeOfArray(this.storage.data);
    this.gradient = null;
    this.hooks = null;
    this.retainsGrad = false;
    this.node = null;
    this.leafRequiresGrad = false;
    if (view === undefined) {
      this.size = this.storage.data.length;
      this.offset = 0;
      this.layout = null;
      this.base = null;
      this.replay = null;
      this.nodeVersion = 0;
    } else {
      let n = 1;
      for (let i = 0; i < shape.length; i++) n *= shape[i];
      this.size = n;
      this.offset = view.offset;
      this.layout = isRowMajor(shape, view.strides) ? null : view.strides;
      this.base = view.base;
      this.replay = view.replay;
      this.nodeVersion = this.storage.version;
    }
    if (trace.on) trace.recorder?.made(this, !(data instanceof Storage));
  }

  /** Accumulated gradient (leaves, and non-leaves that called `retainGrad()`). */
  get grad(): Tensor | null {
    if (trace.on) trace.recorder?.gradRead(this, this.gradient);
    return this.gradient;
  }

  set grad(g: Tensor | null) {
    if (trace.on) trace.recorder?.gradSet(this, g);
    this.gradient = g;
  }

  /**
   * The elements in row-major order. For a contiguous tensor this is (a window of) its
   * storage, so writes show through; for any other view it is a copy.
   */
  get data(): TypedArray {
    if (trace.on) trace.recorder?.read(this);
    const d = this.storage.data;
    if (this.layout !== null) return gather(this);
    return this.offset === 0 && d.length === this.size
      ? d
      : d.subarray(this.offset, this.offset + this.size);
  }

  /** The version of the storage: bumped by every in-place change through any alias. */
  get version(): number {
    return this.storage.version;
  }

  /** The tape entry that made this tensor; null for a leaf. */
  get entry(): Entry | null {
    // a view whose storage was written through another alias reads a new value: it is
    // re-derived from its base (as PyTorch regenerates a view's grad_fn)
    if (this.base !== null && this.nodeVersion !== this.storage.version) refresh(this, this.base);
    return this.node;
  }

  static {
    // the one way to change a tensor's entry: for the ops and the tape, not for users
    assignEntry = (t, e) => {
      t.node = e;
      t.nodeVersion = t.storage.version;
    };
  }

  /** Steps in the storage between neighbours along each dim (PyTorch's `stride()`). */
  get strides(): readonly number[] {
    return this.layout ?? stridesOf(this.shape);
  }

  /** The strides, or the stride of one dim. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this.strides];
    return this.strides[normalizeDim('stride', dim, this.ndim)];
  }

  /** Where the first element sits in the storage (PyTorch's `storage_offset()`). */
  storageOffset(): number {
    return this.offset;
  }

  /** Whether the elements lie in row-major order without gaps, so that `data` is the storage itself. */
  isContiguous(): boolean {
    return this.layout === null;
  }

  /** Whether this tensor is a view of another one's storage (PyTorch's `_is_view()`). */
  isView(): boolean {
    return this.base !== null;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Whether gradients flow to this tensor: a leaf that asked for them, or any op result on the tape. */
  get requiresGrad(): boolean {
    return this.entry !== null || this.leafRequiresGrad;
  }

  set requiresGrad(flag: boolean) {
    if (this.entry !== null) {
      if (flag) return;
      throw new AutogradError(
        'requiresGrad',
        'only leaf tensors can stop requiring grad; use detach() for a copy that does not',
      );
    }
    if (flag && !isFloat(this.dtype)) {
      throw new DTypeError(
        'requiresGrad',
        `only floating tensors can require grad, this one is ${this.dtype}`,
      );
    }
    this.leafRequiresGrad = flag;
  }

  /** True for tensors made directly by the user (no tape entry). */
  get isLeaf(): boolean {
    return this.entry === null;
  }

  /** Sets `requiresGrad` and returns this tensor, for chaining. */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** The number of elements, the product of the shape (PyTorch's `numel`). */
  numel(): number {
    return this.size;
  }

  /** The value of a single-element tensor as a number. */
  item(): number {
    if (this.size !== 1)
      throw new ValueError(
        'item',
        `only single-element tensors have an item, this one is ${fmt(this.shape)}`,
      );
    if (trace.on) trace.recorder?.read(this);
    return this.storage.data[this.offset];
  }

  /** The elements as nested arrays (a number for a 0-d tensor). */
  toArray(): number | unknown[] {
    const data = this.data;
    if (this.ndim === 0) return data[0];
    const build = (dim: number, offset: number, stride: number): unknown[] => {
      const n = this.shape[dim];
      const inner = stride / n;
      return Array.from({ length: n }, (_, i) =>
        dim === this.ndim - 1 ? data[offset + i] : build(dim + 1, offset + i * inner, inner),
      );
    };
    return build(0, 0, this.size);
  }

  /** A flat copy of the elements as a plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** The elements, shape and dtype as text, formatted like PyTorch prints tensors. */
  toString(): string {
    return format(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return format(this);
  }

  /** Keeps this non-leaf's gradient in `.grad` during backward. */
  retainGrad(): this {
    if (!this.requiresGrad)
      throw new AutogradError('retainGrad', 'this tensor does not require grad');
    if (!this.isLeaf) this.retainsGrad = true;
    return this;
  }

  /** Calls `hook` with this tensor's gradient each time one is computed; returns a handle to remove it. */
  registerHook(hook: GradHook): HookHandle {
    if (!this.requiresGrad)
      throw new AutogradError('registerHook', 'cannot hook a tensor that does not require grad');
    (this.hooks ??= []).push(hook);
    return { remove: () => void (this.hooks = this.hooks?.filter((h) => h !== hook) ?? null) };
  }
}

/** The elements of a non-contiguous view, copied out in row-major order. */
function gather(t: Tensor): TypedArray {
  const out = allocate(t.dtype, t.size);
  copyStrided(t.storage.data, t.offset, t.strides, out, 0, stridesOf(t.shape), t.shape);
  return out;
}

/** Makes `e` the entry that made `t` (ops and the tape call this; it is not exported to users). */
export function setEntry(t: Tensor, e: Entry | null): void {
  assignEntry(t, e);
}

/** Makes a stale view's entry again from its base (PyTorch regenerates its grad_fn the same way). */
function refresh(view: Tensor, base: Tensor): void {
  if (!base.requiresGrad) {
    setEntry(view, null);
    return;
  }
  const again = (view.replay as (base: Tensor) => Tensor)(base).entry;
  if (again === null) return; // replayed inside noGrad: try again when recording
  setEntry(view, again);
  again.adopt(view);
}
