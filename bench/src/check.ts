/** Throws unless two results agree to float32 precision (checked before anything is timed). */
export function assertClose(
  what: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rtol = 1e-3,
  atol = 1e-3,
): void {
  if (a.length !== b.length) throw new Error(`${what}: sizes differ, ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) {
      throw new Error(`${what}: results differ at ${i}: ${a[i]} vs ${b[i]}`);
    }
  }
}
