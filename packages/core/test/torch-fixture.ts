// Runs fixtures that scripts/torch-fixtures.py wrote (committed: no torch is needed to run
// them) against @ad expressions written the same way: values and gradients in float64.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ad from '../src';
import type { Tensor } from '../src';

interface Encoded {
  shape: number[];
  dtype: 'float' | 'int' | 'bool';
  data: number[];
}
interface Case {
  name: string;
  inputs: Encoded[];
  output: Encoded;
  cotangent: Encoded;
  grads: Encoded[];
}

/** One `describe` over a fixture file: each case's expression, value and gradients. */
export function agreesWithTorch(
  file: string,
  expressions: Record<string, (...x: Tensor[]) => Tensor>,
): void {
  const fixtures = JSON.parse(readFileSync(join(__dirname, 'fixtures', file), 'utf8')) as {
    torch: string;
    cases: Case[];
  };
  describe(`values and gradients agree with PyTorch ${fixtures.torch} in float64`, () => {
    it('every fixture has an expression here, and every expression a fixture', () => {
      expect(fixtures.cases.map((k) => k.name).sort()).toEqual(Object.keys(expressions).sort());
    });

    it.each(fixtures.cases.map((k) => [k.name, k] as const))('%s', (name, k) => {
      const inputs = k.inputs.map((e) => decode(e, e.dtype === 'float'));
      const y = expressions[name](...inputs);
      expect(y).toBeAllClose(decode(k.output), close);
      const floats = inputs.filter((x) => x.requiresGrad);
      const grads = ad.gradients(y, floats, {
        gradOutputs: decode(k.cotangent),
        allowUnused: true,
      });
      grads.forEach((g, i) =>
        expect(g ?? ad.zeros(floats[i].shape, { dtype: 'float64' })).toBeAllClose(
          decode(k.grads[i]),
          close,
        ),
      );
    });
  });
}

function decode(e: Encoded, requiresGrad = false): Tensor {
  const dtype = e.dtype === 'float' ? 'float64' : e.dtype === 'int' ? 'int32' : 'bool';
  const t = ad.tensor(e.data, { dtype }).reshape(e.shape);
  return requiresGrad ? t.detach().clone().requiresGrad_() : t;
}

const close = { rtol: 1e-7, atol: 1e-10 };
