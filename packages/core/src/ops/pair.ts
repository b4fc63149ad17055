import type { Tensor } from '../tensor';

/**
 * What ops that find elements return (PyTorch's `(values, indices)` named tuple): destructure
 * it as an array, `const [values, indices] = x.sort()`, or read `.values` and `.indices`.
 */
export type ValuesIndices = [values: Tensor, indices: Tensor] & {
  readonly values: Tensor;
  readonly indices: Tensor;
};

export function pair(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}
