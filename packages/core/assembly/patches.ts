// im2col for the WebAssembly kernels (AssemblyScript): one image's sliding blocks laid out as
// columns, a bulk copy per row of a block where the source row is contiguous.
// src/kernels/wasm/patches.ts copies the image in and the columns out.

export function im2colF32(
  src: usize, dst: usize, channels: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32, fill: f32,
): void {
  im2colAny<f32>(src, dst, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, fill);
}

export function im2colF64(
  src: usize, dst: usize, channels: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32, fill: f64,
): void {
  im2colAny<f64>(src, dst, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, fill);
}

// @ts-ignore: decorator
@inline
function im2colAny<T>(
  src: usize, dst: usize, channels: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32, fill: T,
): void {
  const size = <usize>sizeof<T>();
  let o = dst;
  for (let c = 0; c < channels; c++) {
    const plane = src + <usize>(c * height * width) * size;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        // the output columns whose tap reads inside the row: [lo, hi)
        const first = j * dw - pw;
        let lo = first >= 0 ? 0 : (-first + sw - 1) / sw;
        if (lo > ow) lo = ow;
        let hi = width - 1 - first >= 0 ? (width - 1 - first) / sw + 1 : 0;
        if (hi > ow) hi = ow;
        if (hi < lo) hi = lo;
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - ph + i * dh;
          if (iy < 0 || iy >= height) {
            for (let x = 0; x < ow; x++) store<T>(o + <usize>x * size, fill);
          } else {
            for (let x = 0; x < lo; x++) store<T>(o + <usize>x * size, fill);
            const from = plane + <usize>(iy * width + first) * size;
            if (sw == 1) {
              memory.copy(o + <usize>lo * size, from + <usize>lo * size, <usize>(hi - lo) * size);
            } else {
              for (let x = lo; x < hi; x++)
                store<T>(o + <usize>x * size, load<T>(from + <usize>(x * sw) * size));
            }
            for (let x = hi; x < ow; x++) store<T>(o + <usize>x * size, fill);
          }
          o += <usize>ow * size;
        }
      }
    }
  }
}
