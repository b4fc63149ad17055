import fc from 'fast-check';
import * as ad from '../packages/core/src';
import { AdError, GradientTape, type Tensor } from '../packages/core/src';

// Arguments a careless or hostile caller passes: wrong types, wrong values, holes, huge and
// non-integer numbers, next to ordinary tensors so that calls get past their first check.

/** How to make one argument; tensors are made fresh for every call (calls may mutate them). */
export type ArgSpec =
  | { tensor: { dtype: ad.DType; shape: readonly number[]; requiresGrad: boolean } }
  | { value: () => unknown };

const hole = () => new Array(3);
const values: (() => unknown)[] = [
  () => 0,
  () => 1,
  () => -1,
  () => 2,
  () => 0.5,
  () => 1.5,
  () => -0,
  () => NaN,
  () => Infinity,
  () => -Infinity,
  () => 1e12,
  () => 1e300,
  () => -1e-300,
  () => '',
  () => '2',
  () => 'abc',
  () => 'toString',
  () => '__proto__',
  () => 'float32',
  () => 'mean',
  () => 'reflect',
  () => null,
  () => undefined,
  () => true,
  () => false,
  () => ({}),
  () => ({ keepdim: true }),
  () => ({ keepdim: 'yes' }),
  () => ({ dtype: 'toString' }),
  () => ({ requiresGrad: 1 }),
  () => ({ mode: 'reflect' }),
  () => ({ foo: 1 }),
  () => ({ lr: NaN }),
  () => ({ reduction: 'sum' }),
  () => [],
  () => [1],
  () => [0, 1],
  () => [1.5],
  () => [NaN],
  () => ['2'],
  () => [null],
  () => [
    [0, 1],
    [1, 0],
  ],
  () => [[1], [2, 3]],
  hole,
  () => [hole()],
  () => [-1],
  () => [1e12],
  () => [1, 2, 3],
  () => [2, -1],
  () => Int32Array.of(0, 1),
  () => Float32Array.of(1, 2),
  () => Uint16Array.of(1),
  () => 10n,
  () => Symbol('s'),
  () => (x: unknown) => x,
  () => new Map(),
  () => new Date(0),
];

const shapes = [[], [0], [3], [2, 3], [1, 3], [3, 1], [2, 0], [2, 1, 3]];
const dtypes: ad.DType[] = ['float32', 'float64', 'int32', 'bool'];

export const argSpec: fc.Arbitrary<ArgSpec> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({
        dtype: fc.constantFrom(...dtypes),
        shape: fc.constantFrom(...shapes),
        requiresGrad: fc.boolean(),
      })
      .map((t) => ({ tensor: t })),
  },
  { weight: 3, arbitrary: fc.constantFrom(...values).map((value) => ({ value })) },
);

/** A fresh tensor (floats may require grad), with values that include 0, negatives and fractions. */
export function makeArg(spec: ArgSpec): unknown {
  if ('value' in spec) return spec.value();
  const { dtype, shape, requiresGrad } = spec.tensor;
  const n = shape.reduce((a, d) => a * d, 1);
  const data = Array.from({ length: n }, (_, i) =>
    dtype === 'bool' ? i % 2 : ((i * 7) % 5) - 2 + (dtype.startsWith('float') ? 0.25 : 0),
  );
  return ad.tensor(data, { dtype, shape, requiresGrad: requiresGrad && dtype.startsWith('float') });
}

interface Seen {
  t: Tensor;
  data: number[];
  shape: string;
  dtype: string;
  version: number;
  grad: Tensor | null;
  requiresGrad: boolean;
}

function see(args: readonly unknown[]): Seen[] {
  return args
    .filter((a): a is Tensor => a instanceof ad.Tensor)
    .map((t) => ({
      t,
      data: Array.from(t.data),
      shape: t.shape.join(),
      dtype: t.dtype,
      version: t.version,
      grad: t.grad,
      requiresGrad: t.requiresGrad,
    }));
}

/** Tensors must hold data that matches their shape and dtype. */
export function checkTensor(x: unknown): void {
  if (!(x instanceof ad.Tensor)) return;
  const n = x.shape.reduce((a, d) => a * d, 1);
  const ok = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array }[
    x.dtype
  ];
  if (
    x.data.length !== n ||
    !(x.data instanceof ok) ||
    (x.dtype === 'bool' && x.data.some((v) => v > 1))
  ) {
    throw new Error(
      `a returned tensor of shape [${x.shape}] and dtype ${x.dtype} holds ${x.data.length} ${x.data.constructor.name} values`,
    );
  }
}

/**
 * Calls `fn(...args)` and asserts what every public entry point promises: only AdErrors are
 * thrown; a failed call changes no tensor, records nothing and leaves grad mode as it was;
 * what comes back is well formed. `mutates` says the call may change its arguments on success.
 */
export function callHostile(
  label: string,
  fn: (...a: unknown[]) => unknown,
  args: unknown[],
  mutates: boolean,
  gradMode = true,
  composite = false,
): void {
  const seen = see(args);
  const tape = new GradientTape();
  let thrown: unknown = null;
  let result: unknown;
  let modeAfter = gradMode;
  tape.record(() => {
    const call = () => {
      try {
        result = fn(...args);
      } catch (e) {
        thrown = e;
      }
      modeAfter = ad.isGradEnabled();
    };
    if (gradMode) call();
    else ad.noGrad(call);
  });
  const where = `${label}(${args.map(describe).join(', ')})`;
  if (thrown !== null && !(thrown instanceof AdError))
    throw new Error(`${where} threw ${String(thrown)}\n${(thrown as Error).stack}`);
  if (modeAfter !== gradMode) throw new Error(`${where} changed grad mode`);
  // an op records nothing when it fails; a model's forward may fail in a late layer after
  // earlier ones recorded entries that nothing references
  if (thrown !== null && tape.entries.length > 0 && !composite)
    throw new Error(
      `${where} failed (${String(thrown)}) after recording ${tape.entries.map((e) => e.op)}`,
    );
  if (thrown !== null || !mutates) {
    for (const s of seen) {
      const same =
        s.shape === s.t.shape.join() &&
        s.dtype === s.t.dtype &&
        s.version === s.t.version &&
        s.requiresGrad === s.t.requiresGrad &&
        s.data.every((v, i) => Object.is(v, s.t.data[i])) &&
        (label.includes('backward') || s.grad === s.t.grad);
      if (!same)
        throw new Error(
          `${where} ${thrown ? `failed (${String(thrown)}) and` : ''} changed an input tensor`,
        );
    }
  }
  if (thrown === null) (Array.isArray(result) ? result : [result]).forEach(checkTensor);
}

function describe(a: unknown): string {
  if (a instanceof ad.Tensor) return `${a.dtype}[${a.shape}]${a.requiresGrad ? '*' : ''}`;
  if (typeof a === 'symbol' || typeof a === 'function') return typeof a;
  if (typeof a === 'bigint') return `${a}n`;
  try {
    return JSON.stringify(a) ?? String(a);
  } catch {
    return String(a);
  }
}
