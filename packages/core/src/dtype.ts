import { DTypeError, ValueError } from './errors';

/** Element types. Gradients flow only through the floating ones. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
/** The element types that carry gradients. */
export type FloatDType = 'float32' | 'float64';
/** The storage behind a tensor: one typed array per dtype (bool is stored as bytes). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const BY_RANK: DType[] = ['bool', 'int32', 'float32', 'float64'];

let defaultDtype: FloatDType = 'float32';

/** Sets the dtype of new floating tensors (PyTorch's `torch.set_default_dtype`). */
export function setDefaultDtype(dtype: FloatDType): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(
      'setDefaultDtype',
      `expected 'float32' or 'float64', got ${String(dtype)}`,
    );
  }
  defaultDtype = dtype;
}

/** The dtype new floating tensors get when none is given. */
export function getDefaultDtype(): FloatDType {
  return defaultDtype;
}

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** `dtype` checked to be one of @ad's dtypes (a typo or `'toString'` is an error, not a crash). */
export function checkDtype(op: string, dtype: unknown): DType {
  if (!DTYPES.includes(dtype as DType)) {
    const got = typeof dtype === 'string' ? `'${dtype}'` : String(dtype);
    throw new DTypeError(op, `unknown dtype ${got} (expected one of ${DTYPES.join(', ')})`);
  }
  return dtype as DType;
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** The dtype both operands are converted to, as in PyTorch: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return BY_RANK[Math.max(RANK[a], RANK[b])];
}

/** The dtype of a floating op's result: integers and booleans become the default float. */
export function floatOf(dtype: DType): FloatDType {
  return isFloat(dtype) ? dtype : defaultDtype;
}

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** A zeroed array of `size` elements; a size no typed array can hold is a ValueError naming `op`. */
export function allocate(dtype: DType, size: number, op = 'tensor'): TypedArray {
  // the common sizes go straight through: this runs once for every op's result
  if (size < 1 << 24) {
    if (dtype === 'float32')
      return size > 16 && size <= 2048 ? slab32(size) : new Float32Array(size);
    if (dtype === 'float64')
      return size > 8 && size <= 1024 ? slab64(size) : new Float64Array(size);
  }
  const Ctor = ARRAYS[checkDtype(op, dtype)];
  try {
    return new Ctor(size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValueError(
      op,
      `cannot allocate ${size} elements of ${dtype}: more than a typed array can hold here`,
    );
  }
}

// Small float arrays are windows onto slabs of 64 KiB. A typed array of its own costs ~1 µs
// of backing-store bookkeeping whatever its size (measured: 2 KiB, 1.1–1.3 µs against 0.1
// µs for a window), which is most of a small op. Windows are never reused, so they start
// zeroed; a slab is freed once no tensor holds a window onto it, so a long-lived small
// tensor keeps at most one slab alive. (Copy `data` before transferring its buffer.)
const SLAB_BYTES = 1 << 16;
let f32 = new Float32Array(SLAB_BYTES / 4);
let f32Top = 0;
let f64 = new Float64Array(SLAB_BYTES / 8);
let f64Top = 0;

function slab32(size: number): Float32Array {
  if (f32Top + size > f32.length) {
    f32 = new Float32Array(SLAB_BYTES / 4);
    f32Top = 0;
  }
  const out = f32.subarray(f32Top, f32Top + size);
  f32Top += (size + 3) & ~3; // 16-byte steps
  return out;
}

function slab64(size: number): Float64Array {
  if (f64Top + size > f64.length) {
    f64 = new Float64Array(SLAB_BYTES / 8);
    f64Top = 0;
  }
  const out = f64.subarray(f64Top, f64Top + size);
  f64Top += (size + 1) & ~1;
  return out;
}

export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  throw new DTypeError('tensor', `unsupported data ${Object.prototype.toString.call(data)}`);
}

/**
 * Copies `src` into a new array of `dtype`: booleans become 0/1, and values going to int32
 * truncate toward zero. A value int32 cannot hold (NaN, ±∞, beyond ±2³¹) is an error naming
 * `op`, not a silent wrap-around.
 */
export function castArray(src: ArrayLike<number>, dtype: DType, op = 'cast'): TypedArray {
  const out = allocate(dtype, src.length, op);
  if (dtype === 'bool') {
    for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else {
    if (dtype === 'int32' && !(src instanceof Int32Array || src instanceof Uint8Array))
      checkInt32(op, src);
    out.set(src as ArrayLike<number>);
  }
  return out;
}

/** Throws unless every value of `src` truncates to an int32. */
export function checkInt32(op: string, src: ArrayLike<number>): void {
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!(v > -2147483649 && v < 2147483648)) {
      throw new ValueError(op, `value ${v} cannot be converted to int32 without overflow`);
    }
  }
}

/** Stores `value` the way a `dtype` element holds it: 0/1 for bool, checked for int32. */
export function toElement(op: string, value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'int32') checkInt32(op, [value]);
  return value;
}
