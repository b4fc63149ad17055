import { checkNumber, show } from './args';
import { ValueError } from './errors';

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32).
 * Only 32-bit integer arithmetic is used, so a seed gives the same stream on every platform.
 */
export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed` (an integer; only its low 53 bits matter). */
  manualSeed(seed: number): this {
    checkNumber('manualSeed', 'seed', seed);
    // splitmix32 over both halves of the seed, so that seeds differing only above bit 32 differ.
    let x = (Math.trunc(seed) >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = z ^ (z >>> 16);
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spare = null;
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal sample (Marsaglia's polar method; the pair's second value is kept). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  /** A uniform integer in [low, high). */
  integer(low: number, high: number): number {
    checkNumber('Generator.integer', 'low', low, { integer: true });
    checkNumber('Generator.integer', 'high', high, { integer: true, min: low + 1 });
    return low + Math.floor(this.random() * (high - low));
  }

  /** The generator's state (JSON-safe), to save in a checkpoint and restore with `setState`. */
  getState(): (number | null)[] {
    return [...this.s, this.spare];
  }

  /** Restores a state returned by `getState`; a malformed state throws and leaves the generator as it was. */
  setState(state: readonly (number | null)[]): void {
    const ok =
      Array.isArray(state) &&
      state.length === 5 &&
      [0, 1, 2, 3, 4].every((i) => i in state) &&
      state
        .slice(0, 4)
        .every((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 2 ** 32) &&
      (state[4] === null || Number.isFinite(state[4]));
    if (!ok)
      throw new ValueError(
        'Generator.setState',
        `expected 4 uint32 words and a spare value or null, got ${Array.isArray(state) ? `[${state.slice(0, 6).map(show).join(', ')}${state.length > 6 ? ', …' : ''}]` : show(state)}`,
      );
    // xoshiro's all-zero state is a fixed point: every draw would be 0 and normal() would loop forever
    if (state.slice(0, 4).every((x) => x === 0))
      throw new ValueError(
        'Generator.setState',
        'the all-zero state is not a valid xoshiro128** state',
      );
    this.s.set(state.slice(0, 4) as number[]);
    this.spare = state[4];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when an op is given none. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator (PyTorch's `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** The `generator` of an op's options, checked; the default generator when there is none. */
export function generatorOf(op: string, opts: { generator?: unknown } | undefined): Generator {
  if (opts?.generator === undefined) return defaultGenerator;
  if (!(opts.generator instanceof Generator))
    throw new ValueError(op, `generator must be a Generator, got ${show(opts.generator)}`);
  return opts.generator;
}
