// Half-precision floats for safetensors files: IEEE float16 (F16) and bfloat16 (BF16), the
// formats PyTorch models are shared in. Both widen exactly to float32; narrowing rounds to
// nearest, ties to even, as PyTorch's conversions do.

let f16Table: Float32Array | null = null;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float16 bits → float32 value, for all 65,536 patterns (made once: 256 KB). */
function f16ToF32Table(): Float32Array {
  if (f16Table !== null) return f16Table;
  f16Table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    const magnitude =
      exp === 0
        ? mant * 2 ** -24
        : exp === 31
          ? mant
            ? NaN
            : Infinity
          : (1 + mant / 1024) * 2 ** (exp - 15);
    f16Table[h] = h & 0x8000 ? -magnitude : magnitude;
  }
  return f16Table;
}

/** Widens float16 (or bfloat16) bits to float32 values. */
export function halfToFloat32(bits: Uint16Array, format: 'F16' | 'BF16'): Float32Array {
  const out = new Float32Array(bits.length);
  if (format === 'BF16') {
    // bfloat16 is the top half of a float32; on a little-endian machine two aligned bfloat16s
    // are one 32-bit load (the even one in the low half), which halves the loads
    const words = new Uint32Array(out.buffer);
    const n = bits.length;
    let i = 0;
    if (LITTLE_ENDIAN && bits.byteOffset % 4 === 0) {
      const pairs = new Uint32Array(bits.buffer, bits.byteOffset, n >> 1);
      for (let k = 0; k < pairs.length; k++, i += 2) {
        const p = pairs[k];
        words[i] = p << 16;
        words[i + 1] = p & 0xffff0000;
      }
    }
    for (; i < n; i++) words[i] = bits[i] << 16;
  } else {
    const table = f16ToF32Table();
    for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  }
  return out;
}

/** Narrows float values to float16 or bfloat16 bits, rounding to nearest, ties to even. */
export function float32ToHalf(values: ArrayLike<number>, format: 'F16' | 'BF16'): Uint16Array {
  const words = new Uint32Array(Float32Array.from(values).buffer);
  const out = new Uint16Array(words.length);
  for (let i = 0; i < words.length; i++)
    out[i] = format === 'BF16' ? toBf16(words[i]) : toF16(words[i]);
  return out;
}

function toBf16(u: number): number {
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) & 0x8000) | 0x7fc0; // NaN stays NaN
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

function toF16(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // ±∞, or a quiet NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // beyond 65504 rounds to ∞
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    return sign | roundShift(mant | 0x800000, 14 - e); // a subnormal (may round up to the smallest normal)
  }
  return sign | (((e << 10) | (mant >>> 13)) + roundUp(mant & 0x1fff, 0x1000, mant >>> 13));
}

/** `m >> shift`, rounded to nearest, ties to even. */
function roundShift(m: number, shift: number): number {
  const kept = m >>> shift;
  return kept + roundUp(m & ((1 << shift) - 1), 1 << (shift - 1), kept);
}

/** 1 when the dropped bits `rest` round the kept bits up: above half, or exactly half and odd. */
function roundUp(rest: number, half: number, kept: number): number {
  return rest > half || (rest === half && (kept & 1) === 1) ? 1 : 0;
}

/**
 * Widens `n` half-precision values stored at byte offset 2n of `out`'s own buffer into `out`
 * itself (little-endian machines): a file's bytes read straight into place, with no buffer
 * for them. Front to back is safe: value i is written over bytes 4i…4i+3, which hold values
 * 2i and 2i+1 of the source, already read by then.
 */
export function widenInPlace(out: Float32Array, format: 'F16' | 'BF16'): void {
  const n = out.length;
  const words = new Uint32Array(out.buffer, out.byteOffset, n);
  const bits = new Uint16Array(out.buffer, out.byteOffset + 2 * n, n);
  if (format === 'BF16') for (let i = 0; i < n; i++) words[i] = bits[i] << 16;
  else {
    const table = f16ToF32Table();
    for (let i = 0; i < n; i++) out[i] = table[bits[i]];
  }
}
