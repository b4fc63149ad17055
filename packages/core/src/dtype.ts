import { DTypeError } from './errors';

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
    throw new DTypeError('setDefaultDtype', `expected 'float32' or 'float64', got ${String(dtype)}`);
  }
  defaultDtype = dtype;
}

/** The dtype new floating tensors get when none is given. */
export function getDefaultDtype(): FloatDType {
  return defaultDtype;
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

export function allocate(dtype: DType, size: number): TypedArray {
  const Ctor = ARRAYS[dtype];
  if (Ctor === undefined) throw new DTypeError('tensor', `unknown dtype ${String(dtype)}`);
  return new Ctor(size);
}

export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  throw new DTypeError('tensor', `unsupported data ${Object.prototype.toString.call(data)}`);
}

/** Copies `src` into a new array of `dtype` (booleans become 0/1, ints truncate toward zero). */
export function castArray(src: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocate(dtype, src.length);
  if (dtype === 'bool') {
    for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else {
    out.set(src as ArrayLike<number>);
  }
  return out;
}
