// Half-precision floats for safetensors files: IEEE float16 (F16) and bfloat16 (BF16), the
// formats PyTorch models are shared in. Both widen exactly to float32; narrowing rounds to
// nearest, ties to even, as PyTorch's conversions do.

let f16Table: Float32Array | null = null;

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
    // bfloat16 is the top half of a float32
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
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
