// Optimizer updates (AssemblyScript): torch.optim.SGD's and Adam's formulas for one
// parameter, in place, two elements at a time in f64x2 lanes. Every value is computed in f64
// in the order the TypeScript kernels (src/kernels/ts/optim.ts) compute it, and rounded to the
// parameter's type where they store it, so that both give the same bits.

import { AMSGRAD, DECOUPLED, FIRST, MAXIMIZE, NESTEROV } from './abi';

export function sgdF32(p: usize, g: usize, buf: usize, n: i32, lr: f64, momentum: f64, dampening: f64, wd: f64, flags: i32): void {
  sgd<f32>(p, g, buf, n, lr, momentum, dampening, wd, flags);
}

export function sgdF64(p: usize, g: usize, buf: usize, n: i32, lr: f64, momentum: f64, dampening: f64, wd: f64, flags: i32): void {
  sgd<f64>(p, g, buf, n, lr, momentum, dampening, wd, flags);
}

export function adamF32(p: usize, g: usize, m: usize, v: usize, vMax: usize, n: i32, stepSize: f64, bc2Sqrt: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, decay: f64, flags: i32): void {
  adam<f32>(p, g, m, v, vMax, n, stepSize, bc2Sqrt, beta1, beta2, eps, wd, decay, flags);
}

export function adamF64(p: usize, g: usize, m: usize, v: usize, vMax: usize, n: i32, stepSize: f64, bc2Sqrt: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, decay: f64, flags: i32): void {
  adam<f64>(p, g, m, v, vMax, n, stepSize, bc2Sqrt, beta1, beta2, eps, wd, decay, flags);
}

/**
 * Two values from ptr[i] on (one, in lane 0, for the last of an odd count) as f64x2:
 * exactly the f64 JavaScript reads from a typed array.
 */
// @ts-ignore: decorator
@inline
function load2<T>(ptr: usize, i: i32, one: bool): v128 {
  const at = ptr + (<usize>i << alignof<T>());
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(one ? v128.load32_zero(at) : v128.load64_zero(at));
  return one ? v128.load64_zero(at) : v128.load(at);
}

/** Stores load2's values back, rounded to T as a typed array's store rounds. */
// @ts-ignore: decorator
@inline
function store2<T>(ptr: usize, i: i32, x: v128, one: bool): void {
  const at = ptr + (<usize>i << alignof<T>());
  if (sizeof<T>() == 4) {
    const y = f32x4.demote_f64x2_zero(x);
    if (one) v128.store32_lane(at, y, 0);
    else v128.store64_lane(at, y, 0);
  } else if (one) v128.store64_lane(at, x, 0);
  else v128.store(at, x);
}

// @ts-ignore: decorator
@inline
function sgd<T>(p: usize, g: usize, buf: usize, n: i32, lr: f64, momentum: f64, dampening: f64, wd: f64, flags: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) sgdAt<T>(p, g, buf, i, false, lr, momentum, dampening, wd, flags);
  if (i < n) sgdAt<T>(p, g, buf, i, true, lr, momentum, dampening, wd, flags);
}

// @ts-ignore: decorator
@inline
function sgdAt<T>(p: usize, g: usize, buf: usize, i: i32, one: bool, lr: f64, momentum: f64, dampening: f64, wd: f64, flags: i32): void {
  const maximize = (flags & MAXIMIZE) != 0;
  if (momentum == 0 && wd == 0) {
    const step = f64x2.splat(maximize ? -lr : lr);
    store2<T>(p, i, f64x2.sub(load2<T>(p, i, one), f64x2.mul(step, load2<T>(g, i, one))), one);
    return;
  }
  let d = load2<T>(g, i, one);
  if (maximize) d = f64x2.neg(d);
  if (wd != 0) d = f64x2.add(d, f64x2.mul(f64x2.splat(wd), load2<T>(p, i, one)));
  if (momentum != 0) {
    const mom = f64x2.splat(momentum);
    const next = f64x2.add(f64x2.mul(mom, load2<T>(buf, i, one)), f64x2.mul(f64x2.splat(1 - dampening), d));
    store2<T>(buf, i, (flags & FIRST) != 0 ? d : next, one);
    const b = load2<T>(buf, i, one);
    d = (flags & NESTEROV) != 0 ? f64x2.add(d, f64x2.mul(mom, b)) : b;
  }
  store2<T>(p, i, f64x2.sub(load2<T>(p, i, one), f64x2.mul(f64x2.splat(lr), d)), one);
}

// @ts-ignore: decorator
@inline
function adam<T>(p: usize, g: usize, m: usize, v: usize, vMax: usize, n: i32, stepSize: f64, bc2Sqrt: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, decay: f64, flags: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) adamAt<T>(p, g, m, v, vMax, i, false, stepSize, bc2Sqrt, beta1, beta2, eps, wd, decay, flags);
  if (i < n) adamAt<T>(p, g, m, v, vMax, i, true, stepSize, bc2Sqrt, beta1, beta2, eps, wd, decay, flags);
}

// @ts-ignore: decorator
@inline
function adamAt<T>(p: usize, g: usize, m: usize, v: usize, vMax: usize, i: i32, one: bool, stepSize: f64, bc2Sqrt: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, decay: f64, flags: i32): void {
  let d = load2<T>(g, i, one);
  if ((flags & MAXIMIZE) != 0) d = f64x2.neg(d);
  if ((flags & DECOUPLED) != 0) store2<T>(p, i, f64x2.mul(load2<T>(p, i, one), f64x2.splat(decay)), one);
  else if (wd != 0) d = f64x2.add(d, f64x2.mul(f64x2.splat(wd), load2<T>(p, i, one)));
  // m ← lerp(m, d, w), w = 1 − β1, as torch.lerp computes it on either side of ½
  const w = 1 - beta1;
  const mi = load2<T>(m, i, one);
  const diff = f64x2.sub(d, mi);
  const mNew = w < 0.5 ? f64x2.add(mi, f64x2.mul(f64x2.splat(w), diff)) : f64x2.sub(d, f64x2.mul(diff, f64x2.splat(1 - w)));
  store2<T>(m, i, mNew, one);
  const dd = f64x2.mul(f64x2.mul(f64x2.splat(1 - beta2), d), d);
  store2<T>(v, i, f64x2.add(f64x2.mul(load2<T>(v, i, one), f64x2.splat(beta2)), dd), one);
  let vi = load2<T>(v, i, one);
  if ((flags & AMSGRAD) != 0) {
    vi = f64x2.max(load2<T>(vMax, i, one), vi);
    store2<T>(vMax, i, vi, one);
  }
  const denom = f64x2.add(f64x2.div(f64x2.sqrt(vi), f64x2.splat(bc2Sqrt)), f64x2.splat(eps));
  const update = f64x2.div(f64x2.mul(f64x2.splat(stepSize), load2<T>(m, i, one)), denom);
  store2<T>(p, i, f64x2.sub(load2<T>(p, i, one), update), one);
}
