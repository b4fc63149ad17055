import type { Tensor } from '../packages/core/src';

type Numeric = Tensor | number | readonly unknown[] | ArrayLike<number>;

interface CloseOptions {
  rtol?: number;
  atol?: number;
}

function flat(x: Numeric): number[] {
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return (x as unknown[]).flat(Infinity) as number[];
  if (ArrayBuffer.isView(x)) return Array.from(x as ArrayLike<number>);
  return (x as Tensor).toFlatArray();
}

function shapeOf(x: Numeric): readonly number[] | null {
  return typeof x === 'object' && x !== null && 'shape' in x ? (x as Tensor).shape : null;
}

expect.extend({
  /** Element-wise |a − b| ≤ atol + rtol·|b| (NaNs must match), printing both arrays on failure. */
  toBeAllClose(received: Numeric, expected: Numeric, opts: CloseOptions = {}) {
    const { rtol = 1e-5, atol = 1e-8 } = opts;
    const a = flat(received);
    const b = flat(expected);
    const sa = shapeOf(received);
    const sb = shapeOf(expected);
    let problem = '';
    if (sa && sb && sa.join() !== sb.join()) problem = `shapes differ: [${sa}] vs [${sb}]`;
    else if (a.length !== b.length) problem = `sizes differ: ${a.length} vs ${b.length}`;
    else {
      const bad = a.findIndex(
        (v, i) =>
          !(Number.isNaN(v) && Number.isNaN(b[i])) &&
          !(v === b[i] || Math.abs(v - b[i]) <= atol + rtol * Math.abs(b[i])),
      );
      if (bad >= 0) problem = `element ${bad}: ${a[bad]} vs ${b[bad]}`;
    }
    return {
      pass: problem === '',
      message: () =>
        `expected arrays ${problem ? 'to be close' : 'not to be close'} (rtol ${rtol}, atol ${atol})` +
        `${problem ? `: ${problem}` : ''}\n  received: [${a.join(', ')}]\n  expected: [${b.join(', ')}]`,
    };
  },
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeAllClose(expected: Numeric, opts?: CloseOptions): R;
    }
  }
}
