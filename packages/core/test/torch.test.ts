// Values and gradients against PyTorch's, in float64 to 1e-7 relative, on the fixtures
// scripts/torch-fixtures.py wrote. Each case's expression here is the fixture script's,
// written with @ad.
import * as ad from '../src';
import type { Tensor } from '../src';
import { agreesWithTorch } from './torch-fixture';

const f64 = { dtype: 'float64' } as const;
const eye3 = () => ad.eye(3, 3, f64);
const c = (values: number[]) => ad.tensor(values, f64);

const expressions: Record<string, (...x: Tensor[]) => Tensor> = {
  atan2: (a, b) => a.atan2(b),
  hypot: (a, b) => a.hypot(b),
  logaddexp: (a, b) => a.logaddexp(b),
  xlogy: (a, b) => a.mul(c([0, 1, 1])).xlogy(b),
  asin: (x) => x.asin(),
  acos: (x) => x.acos(),
  atan: (x) => x.atan(),
  sinh: (x) => x.sinh(),
  cosh: (x) => x.cosh(),
  asinh: (x) => x.asinh(),
  acosh: (x) => x.acosh(),
  atanh: (x) => x.atanh(),
  log2: (x) => x.log2(),
  log10: (x) => x.log10(),
  exp2: (x) => x.exp2(),
  lgamma: (x) => x.lgamma(),
  digamma: (x) => x.digamma(),
  polygamma1: (x) => ad.polygamma(1, x),
  polygamma3: (x) => ad.polygamma(3, x),
  erfc: (x) => x.erfc(),
  erfinv: (x) => x.erfinv(),
  sinc: (x) => x.sinc(),
  cumsum: (x) => x.cumsum(1),
  cumprod: (x) => x.mul(c([1, 0, 1, 1])).cumprod(1),
  logcumsumexp: (x) => x.logcumsumexp(0),
  cummax: (x) => x.cummax(1).values,
  cummin: (x) => x.cummin(0).values,
  sort: (x) => x.sort(1, true).values,
  topk: (x) => x.topk(2, 0).values,
  kthvalue: (x) => x.kthvalue(2, 1).values,
  median: (x) => x.median(1).values,
  mode: (x) => x.mode(1).values.mul(2).add(x.mode(1).indices),
  'amax ties': (x) => x.amax(1),
  amin: (x) => x.amin([0, 2]),
  maskedSelect: (x, m) => x.maskedSelect(m),
  diagonal: (x) => x.diagonal(1, 0, 2),
  repeat: (x) => x.repeat(2, 1, 2),
  unfold: (x) => x.unfold(1, 2, 1),
  'narrow at': (x) => x.narrow(0, 1, 2).at(':, 1::2'),
  argsort: (x) => x.gather(1, x.argsort(1, true)),
  maskedFill: (x, m) => x.maskedFill(m, -1.5),
  tril: (x) => x.tril(-1),
  triu: (x) => x.triu(1),
  flip: (x) => x.flip([0, 2]),
  roll: (x) => x.roll([1, -2], [0, 1]),
  tile: (x) => x.tile([2, 1, 3]),
  repeatInterleave: (x) => x.repeatInterleave(2, 1),
  diagEmbed: (x) => x.diagEmbed(),
  takeAlongDim: (x, i) => x.takeAlongDim(i, 1),
  scatter: (x, s, i) => x.scatter(1, i, s),
  indexCopy: (x, s, i) => x.indexCopy(0, i, s),
  where: (a, b, cond) => ad.where(cond, a, b),
  indexPut: (x, v, i, j) =>
    x.indexPut([i, j], v).add(x.indexPut([i], v.sum(), { accumulate: true })),
  'indexPut mask accumulate': (x, v, m) => x.indexPut([m], v, { accumulate: true }),
  'scatterReduce sum mean': (x, s, i) =>
    x.scatterReduce(0, i, s, 'sum').add(x.scatterReduce(0, i, s, 'mean', { includeSelf: false })),
  'scatterReduce amax ties': (x, s, i) => x.scatterReduce(1, i, s, 'amax'),
  'scatterReduce amin': (x, s, i) => x.scatterReduce(1, i, s, 'amin', { includeSelf: false }),
  'scatterReduce prod zeros': (x, s, i) => x.scatterReduce(0, i, s, 'prod'),
  'einsum bij,bjk->bik': (a, b) => ad.einsum('bij,bjk->bik', a, b),
  'einsum ii->i': (a) => ad.einsum('ii->i', a),
  'einsum ij,ij->': (a, b) => ad.einsum('ij,ij->', a, b),
  'linalg.cholesky': (a) => ad.linalg.cholesky(a.matmul(a.mT).add(eye3().mul(3))),
  'linalg.solveTriangular lower': (a, b) =>
    ad.linalg.solveTriangular(a.add(eye3().mul(5)), b, { upper: false }),
  'linalg.solveTriangular upper right': (a, b) =>
    ad.linalg.solveTriangular(a.add(eye3().mul(5)), b, { upper: true, left: false }),
  'linalg.solve': (a, b) => ad.linalg.solve(a.add(eye3().mul(5)), b),
  'linalg.inv': (a) => ad.linalg.inv(a.add(eye3().mul(5))),
  'linalg.det': (a) => ad.linalg.det(a),
  'linalg.slogdet': (a) => ad.linalg.slogdet(a.add(eye3().mul(5))).logabsdet,
  'linalg.eigh': (x) => {
    const { eigenvalues: L, eigenvectors: V } = ad.linalg.eigh(x.add(x.mT));
    return L.unsqueeze(-1).add(V.square());
  },
  'linalg.eigvalsh': (x) => ad.linalg.eigvalsh(x.add(x.mT)),
  'linalg.qr': (a) => {
    const { Q, R } = ad.linalg.qr(a);
    return ad.cat([Q, R], -2);
  },
  'linalg.qr r': (a) => ad.linalg.qr(a, { mode: 'r' }).R,
  'linalg.qr complete square': (a) => ad.linalg.qr(a, { mode: 'complete' }).Q,
  'linalg.qr wide': (a) => ad.linalg.qr(a).R,
  'linalg.matrixExp': (a) => ad.linalg.matrixExp(a.mul(2)),
  'linalg.svd': (a) => {
    const { U, S, Vh } = ad.linalg.svd(a, { fullMatrices: false });
    return ad.cat([S.unsqueeze(-2), U.square(), Vh.square()], -2);
  },
  'linalg.svd wide': (a) => {
    const { S, Vh } = ad.linalg.svd(a, { fullMatrices: false });
    return S.add(Vh.square().sum(-1));
  },
  'linalg.pinv': (a) => ad.linalg.pinv(a),
  'linalg.matrixNorm nuc 2': (a) =>
    ad.linalg.matrixNorm(a, 'nuc').add(ad.linalg.matrixNorm(a, 2)).add(ad.linalg.matrixNorm(a, -2)),
  'linalg.lstsq': (a, b) => ad.linalg.lstsq(a, b).solution,
  'linalg.vectorNorm': (x) => ad.linalg.vectorNorm(x, 3, 1),
  'linalg.matrixNorm': (a) =>
    ad.linalg
      .matrixNorm(a)
      .add(ad.linalg.matrixNorm(a, 1))
      .add(ad.linalg.matrixNorm(a, Infinity))
      .add(ad.linalg.matrixNorm(a, -1)),
  'linalg.cross': (a, b) => ad.linalg.cross(a, b, 1),
  'linalg.matrixPower': (a) =>
    ad.linalg.matrixPower(a, 3).add(ad.linalg.matrixPower(a.add(eye3().mul(5)), -2)),
};

agreesWithTorch('torch-ops.json', expressions);
