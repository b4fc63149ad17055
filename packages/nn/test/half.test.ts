import * as ad from '@ad/core';
import * as nn from '../src';
import { float32ToHalf, halfToFloat32 } from '../src/half';

// float16 and bfloat16 in safetensors files: widening is exact, narrowing rounds to nearest even.

const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
const isNaNBits = (h: number, format: 'F16' | 'BF16') =>
  format === 'F16'
    ? (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0
    : (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

describe.each(['F16', 'BF16'] as const)('%s', (format) => {
  it('every bit pattern widens to float32 and narrows back to itself (NaNs stay NaN)', () => {
    const back = float32ToHalf(halfToFloat32(all, format), format);
    const wrong = [...all].filter((h) =>
      isNaNBits(h, format) ? !isNaNBits(back[h], format) : back[h] !== h,
    );
    expect(wrong).toEqual([]);
  });
});

describe('known values and rounding', () => {
  const f16 = (bits: number) => halfToFloat32(Uint16Array.of(bits), 'F16')[0];
  const toF16 = (v: number) => float32ToHalf([v], 'F16')[0];
  const toBf16 = (v: number) => float32ToHalf([v], 'BF16')[0];

  it('widens float16 as IEEE 754 defines it', () => {
    expect([
      f16(0x3c00),
      f16(0xc000),
      f16(0x7bff),
      f16(0x0001),
      f16(0x0400),
      f16(0x7c00),
      f16(0x8000),
    ]).toEqual([1, -2, 65504, 2 ** -24, 2 ** -14, Infinity, -0]);
    expect(halfToFloat32(Uint16Array.of(0x3f80, 0x4049), 'BF16')).toEqual(
      Float32Array.of(1, 3.140625),
    );
  });

  it('narrows to the nearest value, ties to even', () => {
    expect(toF16(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and 1 + 2⁻¹⁰: to the even 1
    expect(toF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway: to the even 1 + 2·2⁻¹⁰
    expect(toF16(65519)).toBe(0x7bff);
    expect(toF16(65520)).toBe(0x7c00); // rounds past the largest float16: ∞
    expect(toF16(2 ** -25)).toBe(0); // half the smallest subnormal: to the even 0
    expect(toF16(1.5 * 2 ** -25)).toBe(0x0001);
    expect(toF16(-(2 ** -14) * (1 - 2 ** -12))).toBe(0x8400); // rounds up into the smallest normal
    expect(toBf16(1 + 2 ** -8)).toBe(0x3f80);
    expect(toBf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(toBf16(NaN) & 0x7fc0).toBe(0x7fc0);
  });
});

describe('safetensors files in half precision and narrow integers', () => {
  const x = ad.tensor([
    [1, -2.5],
    [0.1, 1e-5],
  ]);

  it.each(['F16', 'BF16'] as const)(
    'encodes float tensors as %s and reads them back as float32',
    (dtype) => {
      const bytes = nn.encodeSafetensors(
        { x, n: ad.tensor([1, 2], { dtype: 'int32' }) },
        {},
        { dtype },
      );
      const header = JSON.parse(
        new TextDecoder().decode(
          bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))),
        ),
      );
      expect(header.x.dtype).toBe(dtype);
      expect(header.n.dtype).toBe('I32'); // integers are stored as they are
      const back = nn.decodeSafetensors(bytes).tensors;
      expect(back.get('x')!.dtype).toBe('float32');
      expect(back.get('x')!.toFlatArray()).toEqual([
        ...halfToFloat32(float32ToHalf(x.data, dtype), dtype),
      ]);
      expect(nn.decodeSafetensors(bytes, { dtype: 'float64' }).tensors.get('x')!.dtype).toBe(
        'float64',
      );
    },
  );

  function file(
    spec: Record<string, { dtype: string; shape: number[]; data: number[] }>,
  ): Uint8Array {
    let offset = 0;
    const header: Record<string, unknown> = {};
    const parts: Uint8Array[] = [];
    for (const [name, s] of Object.entries(spec)) {
      const raw = Uint8Array.from(s.data);
      header[name] = {
        dtype: s.dtype,
        shape: s.shape,
        data_offsets: [offset, offset + raw.length],
      };
      offset += raw.length;
      parts.push(raw);
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + offset);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    let at = 8 + json.length;
    for (const p of parts) out.set(p, (at += p.length) - p.length);
    return out;
  }

  it('reads I8, U8, I16, U16, U32 and U64 as int32 (little-endian bytes)', () => {
    const { tensors } = nn.decodeSafetensors(
      file({
        i8: { dtype: 'I8', shape: [2], data: [0xfd, 4] },
        u8: { dtype: 'U8', shape: [1], data: [250] },
        i16: { dtype: 'I16', shape: [1], data: [0x00, 0x80] },
        u16: { dtype: 'U16', shape: [1], data: [0xff, 0xff] },
        u32: { dtype: 'U32', shape: [1], data: [7, 0, 0, 0] },
        u64: { dtype: 'U64', shape: [1], data: [5, 0, 0, 0, 0, 0, 0, 0] },
      }),
    );
    expect(
      Object.fromEntries([...tensors].map(([k, t]) => [k, [t.dtype, ...t.toFlatArray()]])),
    ).toEqual({
      i8: ['int32', -3, 4],
      u8: ['int32', 250],
      i16: ['int32', -32768],
      u16: ['int32', 65535],
      u32: ['int32', 7],
      u64: ['int32', 5],
    });
  });

  it('refuses values beyond int32 and unknown formats by name', () => {
    expect(() =>
      nn.decodeSafetensors(file({ big: { dtype: 'U32', shape: [1], data: [0, 0, 0, 0x80] } })),
    ).toThrow(/tensor 'big' holds 2147483648, beyond int32/);
    expect(() => nn.encodeSafetensors({ x }, {}, { dtype: 'F8' as never })).toThrow(
      /saveSafetensors: dtype must be one of 'F16', 'BF16'/,
    );
    expect(() => nn.decodeSafetensors(new Uint8Array(8), { dtype: 'float16' as never })).toThrow(
      /loadSafetensors: dtype must be one of/,
    );
  });
});
