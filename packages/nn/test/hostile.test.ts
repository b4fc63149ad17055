import fc from 'fast-check';
import * as ad from '@ad/core';
import { Generator } from '@ad/core';
import { argSpec, callHostile, makeArg } from '../../../test/hostile';
import * as nn from '../src';

// Every @ad/nn entry point, and the methods of the objects it makes, called with random
// malformed arguments: only AdErrors, and a failed call leaves its tensor arguments alone.

/** Abstract bases: constructed only through their subclasses. */
const abstract = new Set(['Module', 'Optimizer']);
const entries = [
  ...Object.entries(nn),
  ...Object.entries(nn.init).map(([k, v]) => [`init.${k}`, v] as const),
].filter(([name, v]) => typeof v === 'function' && !abstract.has(name)) as [
  string,
  (...a: unknown[]) => unknown,
][];
const callable = (name: string, fn: (...a: unknown[]) => unknown) =>
  /^[A-Z]/.test(name) && !name.startsWith('init.')
    ? (...a: unknown[]) => new (fn as unknown as new (...b: unknown[]) => unknown)(...a)
    : fn;

/** Objects of each kind, made fresh for every call, whose methods get hostile arguments. */
const makers: Record<string, () => object> = {
  mlp: () => new nn.MLP([3, 4, 2], { generator: new Generator(1) }),
  layerNorm: () => new nn.LayerNorm(3),
  batchNorm: () => new nn.BatchNorm1d(3),
  batchNorm2d: () => new nn.BatchNorm2d(2, { momentum: null }),
  conv2d: () => new nn.Conv2d(2, 4, 3, { padding: 'same', generator: new Generator(3) }),
  convTranspose: () => new nn.ConvTranspose2d(2, 2, 2, { stride: 2, generator: new Generator(3) }),
  maxPool: () => new nn.MaxPool2d(2),
  lstm: () => new nn.LSTM(3, 4, { numLayers: 2, generator: new Generator(4) }),
  gru: () => new nn.GRU(3, 4, { batchFirst: true, generator: new Generator(4) }),
  attention: () => new nn.MultiheadAttention(4, 2, { generator: new Generator(5) }),
  encoder: () =>
    new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, generator: new Generator(6) }),
  embedding: () => new nn.Embedding(4, 3, { paddingIdx: 0 }),
  dropout: () => new nn.Dropout(0.5, { generator: new Generator(2) }),
  sequential: () => new nn.Sequential(new nn.Linear(3, 3), new nn.Tanh(), new nn.Flatten()),
  sgd: () => new nn.SGD([ad.ones([2, 3], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 }),
  adam: () => new nn.Adam([ad.ones([2, 3], { requiresGrad: true })], { lr: 0.1 }),
  stepLR: () => new nn.StepLR(new nn.SGD([ad.ones([2], { requiresGrad: true })], { lr: 0.1 }), 2),
  plateau: () =>
    new nn.ReduceLROnPlateau(new nn.SGD([ad.ones([2], { requiresGrad: true })], { lr: 0.1 })),
  loader: () =>
    new nn.DataLoader(new nn.TensorDataset(ad.ones([4, 3]), ad.zeros([4])), { batchSize: 2 }),
  dataset: () => new nn.TensorDataset(ad.ones([4, 3]), ad.zeros([4])),
  loss: () => new nn.CrossEntropyLoss(),
  generator: () => new Generator(3),
};

function methodsOf(o: object): string[] {
  const names = new Set<string>();
  for (
    let p = Object.getPrototypeOf(o);
    p && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const n of Object.getOwnPropertyNames(p))
      if (n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, n)?.value === 'function')
        names.add(n);
  }
  return [...names];
}

/** Methods that TypeScript keeps private or protected: not for callers. */
const internal = new Set(['buffer', 'update', 'checkStateValue', 'updateRunningStats', 'improved']);
const methods = Object.entries(makers).flatMap(([kind, make]) =>
  methodsOf(make())
    .filter((m) => !internal.has(m))
    .map((m) => [kind, m] as const),
);
const call = fc.record({ args: fc.array(argSpec, { maxLength: 4 }), gradMode: fc.boolean() });

describe('hostile calls to @ad/nn', () => {
  it('every exported function and constructor throws only AdErrors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...entries), call, ([name, fn], { args, gradMode }) => {
        callHostile(name, callable(name, fn), args.map(makeArg), true, gradMode);
      }),
      { numRuns: 4000, seed: 23 },
    );
  });

  it('so does every method of modules, optimizers, schedulers, loaders and losses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...methods),
        call,
        fc.boolean(),
        ([kind, method], { args, gradMode }, inputFirst) => {
          const o = makers[kind]() as Record<string, (...a: unknown[]) => unknown>;
          const made = args.map(makeArg);
          // half the calls pass a plausible input first, so that later arguments get checked too
          if (inputFirst)
            made.unshift(
              makeArg({ tensor: { dtype: 'float32', shape: [2, 3], requiresGrad: true } }),
            );
          // the methods change their objects (that is what step and loadStateDict are for), not their tensor arguments
          callHostile(
            `${kind}.${method}`,
            (...a) => o[method](...a),
            made,
            method === 'registerBuffer',
            gradMode,
            method === 'forward',
          );
        },
      ),
      { numRuns: 4000, seed: 29 },
    );
  });
});
