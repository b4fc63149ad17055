import type { Kernels } from '../kernels';
import { map, zip } from './elementwise';
import { gemm } from './matmul';
import { adam, sgd } from './optim';
import { foldAxis } from './reduce';

export { argExtreme, axisBlock, reduceInto, reducePlan, reduceStrided, reduceWith } from './reduce';
export { clampKernel, numberZip, select3, zipNumber } from './elementwise';
export { softplusKernel } from './special';
export { polygamma } from './gamma';
export { col2im, im2col } from './patches';
export {
  choleskyInPlace,
  eighInto,
  expmInto,
  luInPlace,
  luSolveInPlace,
  qrInto,
  svdInto,
  triangularSolveInPlace,
} from './linalg';

/** The TypeScript backend: written-out loops that take every call, in every dtype and layout. */
export const tsKernels: Kernels = {
  name: 'ts',
  map: (op, x, out) => (map(op, x, out), true),
  zip: (op, a, aShape, b, bShape, out, outShape) => (
    zip(op, a, aShape, b, bShape, out, outShape),
    true
  ),
  fold: (op, x, outer, len, inner, out) => (foldAxis(op, x, outer, len, inner, out), true),
  gemm: (a, b, c, cOffset, n, k, m) => (gemm(a, b, c, cOffset, n, k, m), true),
  sgd: (p, g, buf, o) => (sgd(p, g, buf, o), true),
  adam: (p, g, m, v, vMax, o) => (adam(p, g, m, v, vMax, o), true),
};
