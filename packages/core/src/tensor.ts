import { type DType, dtypeOfArray, isFloat, type TypedArray } from './dtype';
import { AutogradError, DTypeError, fmt, ValueError } from './errors';
import { format } from './format';
import type { tensorMethods } from './methods';
import type { Shape } from './shape';
import type { Entry } from './tape';

/** Observes a gradient as it passes; returning a tensor replaces it. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** What `registerHook` returns. */
export interface HookHandle {
  /** Unregisters the hook. */
  remove(): void;
}

/** The methods that call ops (`x.add(y)`, `x.sum()`…): installed on the prototype by methods.ts. */
type TensorMethods = typeof tensorMethods;

// the class and this interface merge: a Tensor has the fields below and the methods of methods.ts
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Tensor extends TensorMethods {}

/**
 * An n-d array of numbers in row-major order, which records the ops applied to it. This
 * module holds its data and bookkeeping; the ops make tensors, and methods.ts gives them
 * their op methods, so the layers import one way: tensor ← ops ← methods.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Tensor {
  /** The elements, row-major. Ops never share buffers, so this belongs to this tensor alone. */
  data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
  /** The tape entry that made this tensor; null for a leaf. */
  entry: Entry | null;
  /** Accumulated gradient (leaves, and non-leaves that called `retainGrad()`). */
  grad: Tensor | null;
  /** Bumped by every in-place change, so that a backward can tell a saved tensor went stale. */
  version: number;
  /** Gradient hooks, in registration order. */
  hooks: GradHook[] | null;
  /** Whether backward stores this non-leaf's gradient in `.grad`. */
  retainsGrad: boolean;
  private leafRequiresGrad: boolean;

  /** Wraps `data` (not copied) as a tensor of `shape`; use `tensor()` to create one from values. */
  constructor(data: TypedArray, shape: Shape) {
    // plain assignments in one place keep every tensor the same hidden class: this is a hot path
    this.data = data;
    this.shape = shape;
    this.dtype = dtypeOfArray(data);
    this.entry = null;
    this.grad = null;
    this.version = 0;
    this.hooks = null;
    this.retainsGrad = false;
    this.leafRequiresGrad = false;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
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
    return this.data.length;
  }

  /** The value of a single-element tensor as a number. */
  item(): number {
    if (this.size !== 1)
      throw new ValueError(
        'item',
        `only single-element tensors have an item, this one is ${fmt(this.shape)}`,
      );
    return this.data[0];
  }

  /** The elements as nested arrays (a number for a 0-d tensor). */
  toArray(): number | unknown[] {
    if (this.ndim === 0) return this.data[0];
    const build = (dim: number, offset: number, stride: number): unknown[] => {
      const n = this.shape[dim];
      const inner = stride / n;
      return Array.from({ length: n }, (_, i) =>
        dim === this.ndim - 1 ? this.data[offset + i] : build(dim + 1, offset + i * inner, inner),
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
