#!/usr/bin/python3
"""Values and gradients of @ad's ops as PyTorch computes them, for packages/core/test/torch.test.ts.

Run with Debian's python3-torch (apt-get install python3-torch):
    /usr/bin/python3 scripts/torch-fixtures.py > /tmp/t.json && mv /tmp/t.json packages/core/test/fixtures/torch-ops.json
Each case: seeded float64 inputs (and integer/bool constants), the op's output, a cotangent,
and the gradient of sum(output * cotangent) with respect to every float input. The test
runs the same expression in @ad on the same numbers; the file is committed, so the test
needs no torch.
"""
import json
import math
import sys

import torch

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(2026)


def uniform(shape, lo=-2.0, hi=2.0):
    return torch.rand(shape, generator=gen) * (hi - lo) + lo


def ints(shape, hi):
    return torch.randint(0, hi, shape, generator=gen)


def spd(n, batch=()):
    x = uniform((*batch, n, n))
    return x @ x.mT + n * torch.eye(n)


def dominant(shape):
    return uniform(shape) + 5 * torch.eye(shape[-1])


# name: (function of the inputs, inputs); float inputs are differentiated, others are constants
CASES = {
    'atan2': (lambda a, b: torch.atan2(a, b), [uniform((2, 3)), uniform((3,))]),
    'hypot': (lambda a, b: torch.hypot(a, b), [uniform((2, 3)), uniform((2, 1))]),
    'logaddexp': (lambda a, b: torch.logaddexp(a, b), [uniform((2, 3)), uniform((3,))]),
    'xlogy': (lambda a, b: torch.xlogy(a * torch.tensor([0.0, 1.0, 1.0]), b), [uniform((2, 3)), uniform((3,), 0.2, 2)]),
    'asin': (torch.asin, [uniform((5,), -0.9, 0.9)]),
    'acos': (torch.acos, [uniform((5,), -0.9, 0.9)]),
    'atan': (torch.atan, [uniform((5,))]),
    'sinh': (torch.sinh, [uniform((5,))]),
    'cosh': (torch.cosh, [uniform((5,))]),
    'asinh': (torch.asinh, [uniform((5,))]),
    'acosh': (torch.acosh, [uniform((5,), 1.2, 3)]),
    'atanh': (torch.atanh, [uniform((5,), -0.9, 0.9)]),
    'log2': (torch.log2, [uniform((5,), 0.2, 3)]),
    'log10': (torch.log10, [uniform((5,), 0.2, 3)]),
    'exp2': (torch.exp2, [uniform((5,))]),
    'lgamma': (torch.lgamma, [uniform((6,), -3.7, 5)]),
    'digamma': (torch.digamma, [uniform((6,), 0.1, 6)]),
    'polygamma1': (lambda x: torch.polygamma(1, x), [uniform((6,), 0.1, 6)]),
    'polygamma3': (lambda x: torch.polygamma(3, x), [uniform((6,), 0.3, 6)]),
    'erfc': (torch.erfc, [uniform((6,), -3, 3)]),
    'erfinv': (torch.erfinv, [uniform((6,), -0.95, 0.95)]),
    'sinc': (torch.sinc, [torch.cat([uniform((5,)), torch.zeros(1)])]),
    'cumsum': (lambda x: torch.cumsum(x, 1), [uniform((2, 4))]),
    'cumprod': (lambda x: torch.cumprod(x * torch.tensor([1.0, 0.0, 1.0, 1.0]), 1), [uniform((2, 4))]),
    'logcumsumexp': (lambda x: torch.logcumsumexp(x, 0), [uniform((4, 2))]),
    'cummax': (lambda x: torch.cummax(x, 1).values, [uniform((2, 5))]),
    'cummin': (lambda x: torch.cummin(x, 0).values, [uniform((5, 2))]),
    'sort': (lambda x: torch.sort(x, 1, descending=True).values, [uniform((2, 5))]),
    'topk': (lambda x: torch.topk(x, 2, 0).values, [uniform((5, 3))]),
    'kthvalue': (lambda x: torch.kthvalue(x, 2, 1).values, [uniform((3, 4))]),
    'median': (lambda x: torch.median(x, 1).values, [uniform((3, 5))]),
    'mode': (lambda x: torch.mode(x, 1).values * 2 + torch.mode(x, 1).indices, [torch.tensor([[1.0, 3.0, 3.0, 2.0, 1.0], [0.5, -1.0, 0.5, -1.0, -1.0], [2.0, 4.0, 6.0, 8.0, 9.0]])]),
    'amax ties': (lambda x: torch.amax(x, 1), [torch.tensor([[1.0, 3.0, 3.0, 2.0], [0.5, 0.5, 0.5, -1.0]])]),
    'amin': (lambda x: torch.amin(x, (0, 2)), [uniform((2, 3, 2))]),
    'maskedSelect': (lambda x, m: x.masked_select(m), [uniform((2, 3)), torch.tensor([[True, False, True], [False, True, True]])]),
    'diagonal': (lambda x: torch.diagonal(x, 1, 0, 2), [uniform((3, 2, 4))]),
    'repeat': (lambda x: x.repeat(2, 1, 2), [uniform((2, 3))]),
    'unfold': (lambda x: x.unfold(1, 2, 1), [uniform((2, 5))]),
    'narrow at': (lambda x: x.narrow(0, 1, 2)[:, 1::2], [uniform((4, 5))]),
    'argsort': (lambda x: x.gather(1, torch.argsort(x, 1, descending=True)), [uniform((3, 4))]),
    'maskedFill': (lambda x, m: x.masked_fill(m, -1.5), [uniform((2, 3)), torch.tensor([[True, False, True]])]),
    'tril': (lambda x: torch.tril(x, -1), [uniform((3, 4))]),
    'triu': (lambda x: torch.triu(x, 1), [uniform((2, 3, 3))]),
    'flip': (lambda x: torch.flip(x, (0, 2)), [uniform((2, 3, 2))]),
    'roll': (lambda x: torch.roll(x, (1, -2), (0, 1)), [uniform((3, 4))]),
    'tile': (lambda x: torch.tile(x, (2, 1, 3)), [uniform((2, 2))]),
    'repeatInterleave': (lambda x: torch.repeat_interleave(x, 2, 1), [uniform((2, 3))]),
    'diagEmbed': (lambda x: torch.diag_embed(x), [uniform((2, 3))]),
    'takeAlongDim': (lambda x, i: torch.take_along_dim(x, i, 1), [uniform((3, 4)), ints((3, 2), 4)]),
    'scatter': (lambda x, s, i: x.scatter(1, i, s), [uniform((3, 4)), uniform((3, 2)), torch.tensor([[0, 3], [1, 2], [3, 0]])]),
    'indexCopy': (lambda x, s, i: x.index_copy(0, i, s), [uniform((4, 2)), uniform((2, 2)), torch.tensor([3, 1])]),
    'where': (lambda a, b, c: torch.where(c, a, b), [uniform((2, 3)), uniform((3,)), torch.tensor([[True], [False]])]),
    'einsum bij,bjk->bik': (lambda a, b: torch.einsum('bij,bjk->bik', a, b), [uniform((2, 2, 3)), uniform((2, 3, 2))]),
    'einsum ii->i': (lambda a: torch.einsum('ii->i', a), [uniform((3, 3))]),
    'einsum ij,ij->': (lambda a, b: torch.einsum('ij,ij->', a, b), [uniform((2, 3)), uniform((2, 3))]),
    'indexPut': (lambda x, v, i, j: x.index_put((i, j), v) + x.index_put((i,), v.sum(), accumulate=True), [uniform((3, 4)), uniform((2,)), torch.tensor([0, -1]), torch.tensor([[1], [3]])]),
    'indexPut mask accumulate': (lambda x, v, m: x.index_put((m,), v, accumulate=True), [uniform((2, 3)), uniform((3,)), torch.tensor([[True, False, True], [False, True, False]])]),
    'scatterReduce sum mean': (lambda x, s, i: x.scatter_reduce(0, i, s, 'sum') + x.scatter_reduce(0, i, s, 'mean', include_self=False), [uniform((3, 2)), uniform((4, 2)), torch.tensor([[0, 1], [2, 1], [0, 0], [2, 1]])]),
    'scatterReduce amax ties': (lambda x, s, i: x.scatter_reduce(1, i, s, 'amax'), [torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 0.0]]), torch.tensor([[3.0, 2.0, 1.0], [0.5, 0.2, 0.7]]), torch.tensor([[2, 1, 0], [0, 1, 2]])]),
    'scatterReduce amin': (lambda x, s, i: x.scatter_reduce(1, i, s, 'amin', include_self=False), [uniform((2, 3)), uniform((2, 3)), torch.tensor([[0, 2, 0], [1, 1, 2]])]),
    'scatterReduce prod zeros': (lambda x, s, i: x.scatter_reduce(0, i, s, 'prod'), [torch.tensor([2.0, 0.0, -1.5]), torch.tensor([0.5, 3.0, 0.0, 2.0]), torch.tensor([0, 2, 0, 1])]),
    'linalg.cholesky': (lambda a: torch.linalg.cholesky(a @ a.mT + 3 * torch.eye(3)), [uniform((2, 3, 3))]),
    'linalg.solveTriangular lower': (lambda a, b: torch.linalg.solve_triangular(a + 5 * torch.eye(3), b, upper=False), [uniform((3, 3)), uniform((2, 3, 2))]),
    'linalg.solveTriangular upper right': (lambda a, b: torch.linalg.solve_triangular(a + 5 * torch.eye(3), b, upper=True, left=False), [uniform((3, 3)), uniform((2, 3))]),
    'linalg.solve': (lambda a, b: torch.linalg.solve(a + 5 * torch.eye(3), b), [uniform((2, 3, 3)), uniform((3, 2))]),
    'linalg.inv': (lambda a: torch.linalg.inv(a + 5 * torch.eye(3)), [uniform((3, 3))]),
    'linalg.det': (lambda a: torch.linalg.det(a), [uniform((2, 3, 3))]),
    'linalg.slogdet': (lambda a: torch.linalg.slogdet(a + 5 * torch.eye(3)).logabsdet, [uniform((2, 3, 3))]),
    'linalg.eigh': (lambda x: torch.linalg.eigh(x + x.mT).eigenvalues.unsqueeze(-1) + torch.linalg.eigh(x + x.mT).eigenvectors.square(), [uniform((2, 3, 3))]),
    'linalg.eigvalsh': (lambda x: torch.linalg.eigvalsh(x + x.mT), [uniform((4, 4))]),
    'linalg.qr': (lambda a: torch.cat([torch.linalg.qr(a).Q, torch.linalg.qr(a).R], -2), [uniform((2, 4, 3))]),
    'linalg.qr r': (lambda a: torch.linalg.qr(a).R, [uniform((4, 3))]),  # mode='r' has no gradient in PyTorch; ours is reduced R's
    'linalg.qr complete square': (lambda a: torch.linalg.qr(a, mode='complete').Q, [uniform((3, 4))]),
    'linalg.qr wide': (lambda a: torch.linalg.qr(a).R, [uniform((2, 4))]),
    'linalg.matrixExp': (lambda a: torch.linalg.matrix_exp(a * 2), [uniform((2, 3, 3))]),
    'linalg.svd': (lambda a: torch.cat([torch.linalg.svd(a, full_matrices=False).S.unsqueeze(-2), torch.linalg.svd(a, full_matrices=False).U.square(), torch.linalg.svd(a, full_matrices=False).Vh.square()], -2), [uniform((2, 3, 3))]),
    'linalg.svd wide': (lambda a: torch.linalg.svd(a, full_matrices=False).S + torch.linalg.svd(a, full_matrices=False).Vh.square().sum(-1), [uniform((2, 4))]),
    'linalg.pinv': (lambda a: torch.linalg.pinv(a), [uniform((4, 3))]),
    'linalg.matrixNorm nuc 2': (lambda a: torch.linalg.matrix_norm(a, 'nuc') + torch.linalg.matrix_norm(a, 2) + torch.linalg.matrix_norm(a, -2), [uniform((2, 3, 4))]),
    'linalg.lstsq': (lambda a, b: torch.linalg.lstsq(a, b, driver='gelsd').solution, [uniform((4, 2)), uniform((4, 3))]),
    'linalg.vectorNorm': (lambda x: torch.linalg.vector_norm(x, 3, 1), [uniform((2, 3))]),
    'linalg.matrixNorm': (lambda a: torch.linalg.matrix_norm(a) + torch.linalg.matrix_norm(a, 1) + torch.linalg.matrix_norm(a, float('inf')) + torch.linalg.matrix_norm(a, -1), [uniform((2, 3, 4))]),
    'linalg.cross': (lambda a, b: torch.linalg.cross(a, b, dim=1), [uniform((2, 3)), uniform((1, 3))]),
    'linalg.matrixPower': (lambda a: torch.linalg.matrix_power(a, 3) + torch.linalg.matrix_power(a + 5 * torch.eye(3), -2), [uniform((2, 3, 3), -1, 1)]),
}


def encode(t):
    values = t.detach().flatten().tolist()
    kind = 'bool' if t.dtype == torch.bool else 'int' if not t.is_floating_point() else 'float'
    return {'shape': list(t.shape), 'dtype': kind, 'data': [float(v) if kind == 'float' else int(v) for v in values]}


def main():
    out = {'torch': torch.__version__, 'cases': []}
    for name, (fn, inputs) in CASES.items():
        xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
        y = fn(*xs)
        cot = uniform(tuple(y.shape))
        floats = [x for x in xs if x.requires_grad]
        grads = torch.autograd.grad((y * cot).sum(), floats, allow_unused=True)
        grads = [torch.zeros_like(x) if g is None else g for x, g in zip(floats, grads)]
        for v in [y, *grads]:
            if not all(math.isfinite(f) for f in v.detach().flatten().tolist()):
                sys.exit(f'{name}: non-finite fixture')
        out['cases'].append({
            'name': name,
            'inputs': [encode(x) for x in inputs],
            'output': encode(y),
            'cotangent': encode(cot),
            'grads': [encode(g) for g in grads],
        })
    json.dump(out, sys.stdout, indent=0, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
