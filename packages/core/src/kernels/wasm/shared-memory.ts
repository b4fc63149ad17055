// The kernels for a shared memory are the plain build with one change: the imported memory's
// limits say "shared, at most maxPages". So they are derived here rather than shipped twice
// (a test checks the result equals what the compiler builds for a shared memory, byte for byte).

/** `bytes` with its imported memory declared shared with a maximum of `maxPages` pages. */
export function withSharedMemory(bytes: Uint8Array, maxPages: number): Uint8Array<ArrayBuffer> {
  let pos = 8; // past the magic number and version
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = leb(bytes, pos + 1);
    if (id === IMPORT_SECTION) {
      const [lo, hi] = memoryLimits(bytes, start);
      const [min] = leb(bytes, lo + 1);
      const payload = [
        ...bytes.subarray(start, lo),
        SHARED_WITH_MAX,
        ...encode(min),
        ...encode(maxPages),
        ...bytes.subarray(hi, start + size),
      ];
      return Uint8Array.from([
        ...bytes.subarray(0, pos),
        IMPORT_SECTION,
        ...encode(payload.length),
        ...payload,
        ...bytes.subarray(start + size),
      ]);
    }
    pos = start + size;
  }
  throw new Error('wasm kernels: no import section');
}

const IMPORT_SECTION = 2;
const SHARED_WITH_MAX = 3; // limits flags: bit 0 a maximum follows, bit 1 shared

/** Byte range of the limits of the first imported memory in the import section at `pos`. */
function memoryLimits(bytes: Uint8Array, pos: number): [number, number] {
  let [count, p] = leb(bytes, pos);
  for (; count > 0; count--) {
    for (let name = 0; name < 2; name++) {
      const [length, after] = leb(bytes, p);
      p = after + length; // module name, then field name
    }
    const kind = bytes[p++];
    if (kind === 0)
      p = leb(bytes, p)[1]; // function: type index
    else if (kind === 1)
      p = skipLimits(bytes, p + 1); // table: element type, limits
    else if (kind === 2)
      return [p, skipLimits(bytes, p)]; // memory
    else p += 2; // global: value type, mutability
  }
  throw new Error('wasm kernels: no imported memory');
}

function skipLimits(bytes: Uint8Array, p: number): number {
  const flags = bytes[p];
  p = leb(bytes, p + 1)[1];
  return flags & 1 ? leb(bytes, p)[1] : p;
}

/** An unsigned LEB128 number at `p`: [value, position after it]. */
function leb(bytes: Uint8Array, p: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[p++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, p];
  }
}

function encode(value: number): number[] {
  const out: number[] = [];
  do {
    const byte = value & 0x7f;
    value = Math.floor(value / 128);
    out.push(value > 0 ? byte | 0x80 : byte);
  } while (value > 0);
  return out;
}
