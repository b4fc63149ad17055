import { gradcheck, gradgradcheck } from '../src';
import { inputsFor, opCases } from './op-cases';

const label = (c: (typeof opCases)[number]) =>
  `${c.op}${c.note ? ` (${c.note})` : ''} ${JSON.stringify(c.shapes)}`;

describe('first-order gradients match central differences in float64', () => {
  it.each(opCases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    expect(gradcheck(c.fn, inputsFor(c), { name: c.op, ...c.check })).toBe(true);
  });
});

describe('second-order gradients match central differences in float64', () => {
  it.each(opCases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    expect(gradgradcheck(c.fn, inputsFor(c, 2), { name: c.op, atol: 1e-4, ...c.check })).toBe(true);
  });
});
