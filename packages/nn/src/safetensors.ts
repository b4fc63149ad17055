import { checkOneOf, checkOptions, type DType, Tensor, ValueError } from '@ad/core';
import { float32ToHalf, halfToFloat32 } from './half';

/**
 * The safetensors dtypes @ad reads, with the dtype each becomes and its element size: half
 * precision widens to float32, and the integers to int32 (a value beyond int32 is an error).
 */
const CODES: Record<string, { dtype: DType; bytes: number }> = {
  F64: { dtype: 'float64', bytes: 8 },
  F32: { dtype: 'float32', bytes: 4 },
  F16: { dtype: 'float32', bytes: 2 },
  BF16: { dtype: 'float32', bytes: 2 },
  I64: { dtype: 'int32', bytes: 8 },
  I32: { dtype: 'int32', bytes: 4 },
  I16: { dtype: 'int32', bytes: 2 },
  I8: { dtype: 'int32', bytes: 1 },
  U64: { dtype: 'int32', bytes: 8 },
  U32: { dtype: 'int32', bytes: 4 },
  U16: { dtype: 'int32', bytes: 2 },
  U8: { dtype: 'int32', bytes: 1 },
  BOOL: { dtype: 'bool', bytes: 1 },
};

/** Options of `encodeSafetensors`: store floating tensors as half precision (PyTorch's float16 or bfloat16). */
export interface EncodeOptions {
  dtype?: 'F16' | 'BF16';
}

/** Options of `decodeSafetensors`: the dtype floating tensors get (default: float64 for F64, else float32). */
export interface DecodeOptions {
  dtype?: 'float32' | 'float64';
}
const CODE_OF: Record<DType, string> = {
  float64: 'F64',
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

/** safetensors' own limit on the header, which keeps a hostile length from allocating gigabytes. */
const MAX_HEADER = 100_000_000;
/**
 * The deepest JSON nesting accepted (a real header nests 3 levels; a checkpoint's `extra` may
 * nest more). Checked by a linear scan before parsing: deep nesting is what makes a parser
 * take gigabytes and seconds (serde_json, behind Python's safetensors, stops at 128).
 */
export const MAX_JSON_DEPTH = 128;

/** The deepest nesting of arrays and objects in JSON text, found without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Encodes tensors (and string metadata) in the safetensors format, readable by Python's `safetensors`. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  metadata: Record<string, string> = {},
  opts: EncodeOptions = {},
): Uint8Array {
  const { dtype: half } = checkOptions('saveSafetensors', opts, ['dtype']);
  if (half !== undefined) checkOneOf('saveSafetensors', 'dtype', half, ['F16', 'BF16']);
  if (typeof tensors !== 'object' || tensors === null)
    throw new ValueError('saveSafetensors', 'expected tensors by name (an object or a Map)');
  metadata ??= {};
  if (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string')) {
    throw new ValueError('saveSafetensors', 'metadata must be an object of strings');
  }
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries as [string, Tensor][]) {
    if (!(t instanceof Tensor))
      throw new ValueError('saveSafetensors', `'${name}' is not a Tensor`);
    if (name === '__metadata__')
      throw new ValueError('saveSafetensors', "'__metadata__' is reserved for the metadata");
    const halved = half !== undefined && (t.dtype === 'float32' || t.dtype === 'float64');
    const end = offset + t.size * (halved ? 2 : bytesOf(t));
    header[name] = {
      dtype: halved ? half : CODE_OF[t.dtype],
      shape: t.shape,
      data_offsets: [offset, end],
    };
    offset = end;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // pad with spaces so the data starts 8-byte aligned, as the reference implementation does
  const padded = Math.ceil(json.length / 8) * 8;
  json = Uint8Array.from([...json, ...new Array<number>(padded - json.length).fill(0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries as [string, Tensor][]) {
    const bytes =
      half !== undefined && (t.dtype === 'float32' || t.dtype === 'float64')
        ? littleEndian(new Uint8Array(float32ToHalf(t.data, half).buffer), 2)
        : littleEndianBytes(t);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

function bytesOf(t: Tensor): number {
  return t.data.BYTES_PER_ELEMENT;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The tensor's bytes in little-endian order: a view of its own buffer where that is the machine's order. */
function littleEndianBytes(t: Tensor): Uint8Array {
  return littleEndian(
    new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
    bytesOf(t),
  );
}

/** `view` as little-endian elements of `size` bytes: itself where that is the machine's order. */
function littleEndian(view: Uint8Array, size: number): Uint8Array {
  if (LITTLE_ENDIAN) return view;
  const bytes = Uint8Array.prototype.slice.call(view);
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}

/**
 * Decodes a safetensors buffer, validating everything before trusting it: the header length
 * against the file, the JSON, every dtype and shape, and offsets that must tile the data
 * exactly (no gaps, overlaps or overruns). Throws `ValueError('loadSafetensors', …)`.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
} {
  const floats = decodeOptions(opts);
  if (!(bytes instanceof Uint8Array)) fail('expected the file as bytes (a Uint8Array)');
  const { headerEnd, specs, metadata } = parseHeader(bytes, bytes.length);
  const tensors = new Map<string, Tensor>();
  for (const s of specs)
    tensors.set(
      s.name,
      asFloats(readTensor(bytes.subarray(headerEnd + s.begin, headerEnd + s.end), s), floats),
    );
  return { tensors, metadata };
}

function fail(why: string): never {
  throw new ValueError('loadSafetensors', why);
}

/** The checked `dtype` option of a load. */
export function decodeOptions(opts: DecodeOptions): DecodeOptions['dtype'] {
  const { dtype } = checkOptions('loadSafetensors', opts, ['dtype']);
  if (dtype !== undefined) checkOneOf('loadSafetensors', 'dtype', dtype, ['float32', 'float64']);
  return dtype;
}

/** The bytes a header of `bytes` (its first 8 + length bytes) needs, or 8 to learn that length. */
export function headerLength(first8: Uint8Array, fileLength: number): number {
  if (fileLength < 8)
    fail(`the file has ${fileLength} bytes, fewer than the 8 of the header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, fileLength - 8)))
    fail(`the header length ${n} does not fit a file of ${fileLength} bytes`);
  return 8 + Number(n);
}

/**
 * The header of a file of `fileLength` bytes whose start is `bytes` (at least the header),
 * validated: where the data starts, each tensor's description, and the metadata.
 */
export function parseHeader(
  bytes: Uint8Array,
  fileLength: number,
): { headerEnd: number; specs: Spec[]; metadata: Record<string, string> } {
  const headerEnd = headerLength(bytes, fileLength);
  let header: unknown;
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd));
  } catch {
    fail('the header is not valid UTF-8');
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH)
    fail(`the header nests ${depth} levels deep (at most ${MAX_JSON_DEPTH})`);
  try {
    header = JSON.parse(text, (k, v) => {
      if (FORBIDDEN_KEYS.has(k)) throw new Error(`forbidden key '${k}'`);
      return v;
    });
  } catch (e) {
    return fail(`the header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('the header is not a JSON object');
  const fields = header as Record<string, unknown>;
  const metadata = parseMetadata(fields.__metadata__);
  const specs = Object.entries(fields)
    .filter(([k]) => k !== '__metadata__')
    .map(([name, spec]) => parseSpec(name, spec));
  const dataLength = fileLength - headerEnd;
  let expected = 0;
  for (const s of [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (s.begin !== expected)
      fail(
        `tensor '${s.name}' starts at byte ${s.begin}, expected ${expected} (offsets must tile the data without gaps or overlaps)`,
      );
    expected = s.end;
  }
  if (expected !== dataLength)
    fail(
      `the tensors cover ${expected} bytes but the data section has ${dataLength} (truncated or padded file)`,
    );
  return { headerEnd, specs, metadata };
}

export interface Spec {
  name: string;
  code: string;
  shape: number[];
  begin: number;
  end: number;
}

function parseMetadata(m: unknown): Record<string, string> {
  if (m === undefined) return {};
  if (
    typeof m !== 'object' ||
    m === null ||
    Array.isArray(m) ||
    Object.values(m).some((v) => typeof v !== 'string')
  ) {
    fail('__metadata__ must be an object of strings');
  }
  return Object.assign(Object.create(null), m) as Record<string, string>;
}

function parseSpec(name: string, spec: unknown): Spec {
  const s = spec as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof spec !== 'object' || spec === null) fail(`tensor '${name}' has no description`);
  if (typeof s.dtype !== 'string' || !Object.hasOwn(CODES, s.dtype))
    fail(
      `tensor '${name}' has an unsupported dtype ${JSON.stringify(s.dtype)} (supported: ${Object.keys(CODES).join(', ')})`,
    );
  const shape = s.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  const offsets = s.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  const size = (shape as number[]).reduce((a, d) => a * d, 1);
  if (end - begin !== size * CODES[s.dtype as string].bytes) {
    fail(
      `tensor '${name}' of shape [${shape}] and dtype ${s.dtype} needs ${size * CODES[s.dtype as string].bytes} bytes, its offsets give ${end - begin}`,
    );
  }
  return { name, code: s.dtype as string, shape: shape as number[], begin, end };
}

/** A tensor from its raw little-endian bytes. */
export function readTensor(raw: Uint8Array, s: Spec): Tensor {
  const { bytes } = CODES[s.code];
  const n = raw.byteLength / bytes;
  if ((s.code === 'F16' || s.code === 'BF16') && LITTLE_ENDIAN && raw.byteOffset % 2 === 0) {
    // widened straight from the file's bytes: no copy of them first (≈ 2× faster on large files)
    return new Tensor(
      halfToFloat32(new Uint16Array(raw.buffer, raw.byteOffset, n), s.code),
      s.shape,
    );
  }
  // a copy of the bytes in this machine's order, aligned for a typed view of them
  // a copy of its own (a Node Buffer's slice() would be a view of a shared pool)
  const own = littleEndian(Uint8Array.prototype.slice.call(raw), bytes).buffer as ArrayBuffer;
  switch (s.code) {
    case 'F64':
      return new Tensor(new Float64Array(own), s.shape);
    case 'F32':
      return new Tensor(new Float32Array(own), s.shape);
    case 'F16':
    case 'BF16':
      return new Tensor(halfToFloat32(new Uint16Array(own), s.code), s.shape);
    case 'I32':
      return new Tensor(new Int32Array(own), s.shape);
    case 'I16':
    case 'I8':
    case 'U16':
    case 'U8':
      return new Tensor(Int32Array.from(INTS[s.code](own)), s.shape);
    case 'BOOL': {
      const t = new Tensor(new Uint8Array(own), s.shape);
      for (let i = 0; i < n; i++) if (t.data[i] > 1) t.data[i] = 1;
      return t;
    }
  }
  // I64, U64 and U32 may hold values int32 cannot: checked one by one
  const wide =
    s.code === 'U32'
      ? new Uint32Array(own)
      : s.code === 'U64'
        ? new BigUint64Array(own)
        : new BigInt64Array(own);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(wide[i]);
    if (v > 2147483647 || v < -2147483648)
      fail(`tensor '${s.name}' holds ${wide[i]}, beyond int32`);
    out[i] = v;
  }
  return new Tensor(out, s.shape);
}

/** A floating tensor in the dtype asked for (integers and bools stay as they are). */
export function asFloats(t: Tensor, dtype: 'float32' | 'float64' | undefined): Tensor {
  if (dtype === undefined || t.dtype === dtype || (t.dtype !== 'float32' && t.dtype !== 'float64'))
    return t;
  return new Tensor(
    dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data),
    t.shape,
  );
}

/** Typed views of the narrow integer formats. */
const INTS: Record<string, (b: ArrayBuffer) => ArrayLike<number>> = {
  I16: (b) => new Int16Array(b),
  I8: (b) => new Int8Array(b),
  U16: (b) => new Uint16Array(b),
  U8: (b) => new Uint8Array(b),
};
