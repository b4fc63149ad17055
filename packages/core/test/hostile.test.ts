import fc from 'fast-check';
import * as ad from '../src';
import { argSpec, callHostile, makeArg } from '../../../test/hostile';

// Every exported function and every Tensor method, called with random malformed arguments.

/** Functions that change global settings: called with bad arguments only in errors.test.ts. */
const settings = new Set(['setBackend', 'setDefaultDtype', 'setDetectAnomaly', 'manualSeed']);
/** Argument checkers: exported for modules built on @ad, called by every test here already. */
const checkers = /^check[A-Z]/;
const functions = [
  ...Object.entries(ad),
  ...Object.entries(ad.linalg).map(([name, f]): [string, unknown] => [`linalg.${name}`, f]),
  ...Object.entries(ad.functional).map(([name, f]): [string, unknown] => [`functional.${name}`, f]),
].filter(
  ([name, v]) =>
    typeof v === 'function' && /^[a-z]/.test(name) && !settings.has(name) && !checkers.test(name),
) as [string, (...a: unknown[]) => unknown][];
const methods = Object.getOwnPropertyNames(ad.Tensor.prototype).filter(
  (m) =>
    m !== 'constructor' &&
    typeof Object.getOwnPropertyDescriptor(ad.Tensor.prototype, m)?.value === 'function',
);

const call = fc.record({ args: fc.array(argSpec, { maxLength: 4 }), gradMode: fc.boolean() });

describe('hostile calls to @ad/core', () => {
  it('every exported function throws only AdErrors and changes nothing when it fails', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...functions),
        call,
        fc.boolean(),
        ([name, fn], { args, gradMode }, tensorFirst) => {
          // half the calls start with a valid tensor, so that later arguments get checked too
          const made = args.map(makeArg);
          if (tensorFirst)
            made.unshift(
              makeArg({ tensor: { dtype: 'float64', shape: [2, 3], requiresGrad: true } }),
            );
          // in-place by design: writeInPlace's fill writes as it goes
          const mutates = name.endsWith('_') || name === 'backward' || name === 'writeInPlace';
          callHostile(name, fn, made, mutates, gradMode);
        },
      ),
      { numRuns: 6000, seed: 13 },
    );
  });

  it('every Tensor method does too', () => {
    const self = fc.record({
      dtype: fc.constantFrom<ad.DType>('float32', 'float64', 'int32', 'bool'),
      shape: fc.constantFrom([], [3], [2, 3], [2, 0]),
      requiresGrad: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.constantFrom(...methods), self, call, (method, t, { args, gradMode }) => {
        const x = makeArg({ tensor: t }) as ad.Tensor;
        const fn = (...a: unknown[]) =>
          (x as unknown as Record<string, (...b: unknown[]) => unknown>)[method](...a);
        callHostile(
          `Tensor.${method}`,
          fn,
          [x, ...args.map(makeArg)],
          method.endsWith('_') ||
            method === 'backward' ||
            method === 'retainGrad' ||
            method === 'registerHook',
          gradMode,
        );
      }),
      { numRuns: 6000, seed: 17 },
    );
  });
});
