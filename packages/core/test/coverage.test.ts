import * as ad from '../src';
import { nonDifferentiable, notOps, opCases as allCases } from './op-cases';

const opCases = allCases.filter((c) => !c.internal);

describe('coverage', () => {
  const exported = [
    ...Object.entries(ad)
      .filter(([name, v]) => typeof v === 'function' && /^[a-z]/.test(name))
      .map(([name]) => name),
    ...Object.keys(ad.linalg).map((name) => `linalg.${name}`),
    // functional's own ops; the activations it shares with the top level are checked there
    ...Object.entries(ad.functional)
      .filter(([, f]) => !(Object.values(ad) as unknown[]).includes(f))
      .map(([name]) => `functional.${name}`),
  ];

  it('every exported op is in the gradcheck table or on the reviewed non-differentiable list', () => {
    const inTable = new Set(opCases.map((c) => c.op));
    const missing = exported.filter(
      (n) => !inTable.has(n) && !nonDifferentiable.includes(n) && !notOps.includes(n),
    );
    expect(missing).toEqual([]);
  });

  it('the lists name only real exports, and no op is on two lists', () => {
    const all = [...opCases.map((c) => c.op), ...nonDifferentiable, ...notOps];
    expect(all.filter((n) => !exported.includes(n))).toEqual([]);
    expect(
      nonDifferentiable.filter((n) => opCases.some((c) => c.op === n) || notOps.includes(n)),
    ).toEqual([]);
  });

  it('every differentiable op is a Tensor method too', () => {
    const methods = new Set(Object.getOwnPropertyNames(ad.Tensor.prototype));
    const fnOnly = ['cat', 'stack', 'where', 'variance', 'linear'];
    const ops = [...new Set(opCases.map((c) => c.op))].filter(
      (n) => !fnOnly.includes(n) && !n.startsWith('linalg.') && !n.startsWith('functional.'),
    );
    expect(ops.filter((n) => !methods.has(n))).toEqual([]);
  });
});
