#!/usr/bin/python3
"""Values and gradients of @ad's ops as PyTorch computes them, for packages/core/test/torch.test.ts.

Run with Debian's python3-torch (apt-get install python3-torch):
    /usr/bin/python3 scripts/torch-fixtures.py > /tmp/t.json && mv /tmp/t.json packages/core/test/fixtures/torch-ops.json
    /usr/bin/python3 scripts/torch-fixtures.py --set functional > /tmp/f.json && mv /tmp/f.json packages/core/test/fixtures/torch-functional.json
Each case: seeded float64 inputs (and integer/bool constants), the op's output, a cotangent,
and the gradient of sum(output * cotangent) with respect to every float input. The test
runs the same expression in @ad on the same numbers; the file is committed, so the test
needs no torch.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

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

# torch.nn.functional: written to fixtures/torch-functional.json with --set functional
RM, RV = torch.tensor([0.5, -0.25, 1.0]), torch.tensor([1.5, 0.5, 2.0])
KNOTS = torch.tensor([-4.0, -3.0, -1.0, 0.0, 1.0, 3.0, 6.0])


def rms_norm(x, shape, w=None, eps=None):
    # F.rms_norm (PyTorch 2.4) as its documentation defines it; Debian's torch predates it
    eps = torch.finfo(x.dtype).eps if eps is None else eps
    dims = tuple(range(-len(shape), 0))
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
    return y if w is None else y * w


def sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None):
    # F.scaled_dot_product_attention (PyTorch 2.0) as its documentation defines it
    scores = q @ k.mT * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if is_causal:
        attn_mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        scores = scores.masked_fill(~attn_mask, float('-inf'))
    elif attn_mask is not None:
        scores = scores + attn_mask
    return torch.softmax(scores, -1) @ v


def functional_cases():
    return {
        'conv2d': (lambda x, w, b: F.conv2d(x, w, b, padding=1), [uniform((2, 3, 6, 5)), uniform((4, 3, 3, 2)), uniform((4,))]),
        'conv2d strided dilated grouped': (lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2), [uniform((2, 4, 7, 7)), uniform((6, 2, 3, 3)), uniform((6,))]),
        'conv2d same': (lambda x, w: F.conv2d(x, w, padding='same', dilation=(1, 2)), [uniform((1, 2, 5, 6)), uniform((3, 2, 4, 3))]),
        'conv2d unbatched valid': (lambda x, w: F.conv2d(x, w, padding='valid', stride=2), [uniform((2, 7, 6)), uniform((3, 2, 3, 3))]),
        'conv1d': (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [uniform((2, 3, 9)), uniform((4, 3, 3)), uniform((4,))]),
        'conv1d grouped same': (lambda x, w: F.conv1d(x, w, padding='same', groups=3, dilation=2), [uniform((2, 3, 8)), uniform((6, 1, 4))]),
        'convTranspose2d': (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=2), [uniform((2, 4, 3, 4)), uniform((4, 3, 3, 2)), uniform((6,))]),
        'convTranspose2d dilated': (lambda x, w: F.conv_transpose2d(x, w, stride=(1, 2), dilation=2, padding=(2, 1)), [uniform((1, 2, 4, 3)), uniform((2, 3, 3, 2))]),
        'convTranspose1d': (lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, padding=1, output_padding=2), [uniform((2, 3, 5)), uniform((3, 2, 4)), uniform((2,))]),
        'unfold': (lambda x: F.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [uniform((2, 3, 5, 4))]),
        'fold': (lambda c: F.fold(c, (5, 6), 2, padding=(1, 0), stride=(2, 1)), [uniform((2, 8, 15))]),
        'maxPool2d': (lambda x: F.max_pool2d(x, 3, stride=2, padding=1), [uniform((2, 3, 7, 6))]),
        'maxPool2d ceil dilated': (lambda x: F.max_pool2d(x, (2, 3), stride=2, dilation=(2, 1), ceil_mode=True), [uniform((1, 2, 8, 7))]),
        'maxPool1d': (lambda x: F.max_pool1d(x, 3, stride=2, padding=1), [uniform((2, 3, 9))]),
        'avgPool2d': (lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), [uniform((2, 3, 7, 6))]),
        'avgPool2d exclude pad ceil': (lambda x: F.avg_pool2d(x, (3, 2), stride=2, padding=1, ceil_mode=True, count_include_pad=False), [uniform((1, 2, 6, 7))]),
        'avgPool2d ceil divisor': (lambda x: F.avg_pool2d(x, 2, ceil_mode=True, divisor_override=3), [uniform((1, 2, 5, 5))]),
        'avgPool1d': (lambda x: F.avg_pool1d(x, 4, stride=3, padding=2, ceil_mode=True), [uniform((2, 3, 10))]),
        'adaptiveAvgPool2d': (lambda x: F.adaptive_avg_pool2d(x, (3, 2)), [uniform((2, 3, 7, 5))]),
        'adaptiveAvgPool2d keep': (lambda x: F.adaptive_avg_pool2d(x, (None, 4)) + F.adaptive_avg_pool2d(x, 1), [uniform((1, 2, 3, 9))]),
        'adaptiveAvgPool1d': (lambda x: F.adaptive_avg_pool1d(x, 4), [uniform((2, 3, 10))]),
        'interpolate nearest': (lambda x: F.interpolate(x, size=(7, 3)), [uniform((1, 2, 4, 5))]),
        'interpolate nearest scale': (lambda x: F.interpolate(x, scale_factor=(2, 1.5), mode='nearest'), [uniform((1, 2, 3, 4))]),
        'interpolate nearest-exact': (lambda x: F.interpolate(x, size=5, mode='nearest-exact'), [uniform((2, 2, 3))]),
        'interpolate bilinear': (lambda x: F.interpolate(x, scale_factor=1.5, mode='bilinear'), [uniform((1, 2, 4, 3))]),
        'interpolate bilinear aligned': (lambda x: F.interpolate(x, size=(5, 2), mode='bilinear', align_corners=True), [uniform((2, 1, 3, 4))]),
        'interpolate linear': (lambda x: F.interpolate(x, size=7, mode='linear'), [uniform((2, 3, 4))]),
        'layerNorm': (lambda x, w, b: F.layer_norm(x, (3, 4), w, b), [uniform((2, 3, 4)), uniform((3, 4)), uniform((3, 4))]),
        'rmsNorm': (lambda x, w: rms_norm(x, (4,), w, eps=1e-6) + rms_norm(x, (3, 4)), [uniform((2, 3, 4)), uniform((4,))]),
        'groupNorm': (lambda x, w, b: F.group_norm(x, 2, w, b), [uniform((2, 4, 3, 2)), uniform((4,)), uniform((4,))]),
        'batchNorm training': (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [uniform((4, 3, 2)), uniform((3,)), uniform((3,))]),
        'batchNorm eval': (lambda x, w, b: F.batch_norm(x, RM, RV, w, b, training=False, eps=1e-3), [uniform((4, 3, 2, 2)), uniform((3,)), uniform((3,))]),
        'scaledDotProductAttention': (lambda q, k, v: sdpa(q, k, v), [uniform((2, 3, 4, 5)), uniform((2, 3, 6, 5)), uniform((2, 3, 6, 2))]),
        'scaledDotProductAttention causal': (lambda q, k, v: sdpa(q, k, v, is_causal=True, scale=0.3), [uniform((2, 4, 3)), uniform((2, 5, 3)), uniform((2, 5, 3))]),
        'scaledDotProductAttention masks': (lambda q, k, v, f, m: sdpa(q, k, v, attn_mask=f) + sdpa(q, k, v, attn_mask=m), [uniform((2, 3, 4)), uniform((2, 5, 4)), uniform((2, 5, 2)), uniform((3, 5)), torch.tensor([[True, False, True, True, False], [False, False, False, True, True], [True, True, True, True, True]])]),
        'embedding': (lambda w, i: F.embedding(i, w, padding_idx=1) * 2, [uniform((5, 3)), torch.tensor([[0, 1, 4], [1, 1, 3]])]),
        'hardtanh': (lambda x: F.hardtanh(torch.cat([x, KNOTS / 3]), -1.0, 1.0), [uniform((5,))]),
        'relu6': (lambda x: F.relu6(torch.cat([x * 4, KNOTS])), [uniform((5,))]),
        'hardsigmoid': (lambda x: F.hardsigmoid(torch.cat([x * 2, KNOTS])), [uniform((5,))]),
        'hardswish': (lambda x: F.hardswish(torch.cat([x * 2, KNOTS])), [uniform((5,))]),
        'mish': (lambda x: F.mish(x * 3), [uniform((6,))]),
        'softsign': (lambda x: F.softsign(torch.cat([x, KNOTS])), [uniform((5,))]),
        'selu': (lambda x: F.selu(torch.cat([x, KNOTS])), [uniform((5,))]),
        'celu': (lambda x: F.celu(torch.cat([x, KNOTS]), 0.7), [uniform((5,))]),
        'glu': (lambda x: F.glu(x, 1), [uniform((2, 6, 3))]),
        'logsigmoid': (lambda x: F.logsigmoid(x * 5), [uniform((6,))]),
    }


def encode(t):
    values = t.detach().flatten().tolist()
    kind = 'bool' if t.dtype == torch.bool else 'int' if not t.is_floating_point() else 'float'
    return {'shape': list(t.shape), 'dtype': kind, 'data': [float(v) if kind == 'float' else int(v) for v in values]}


def main():
    cases = functional_cases() if sys.argv[1:] == ['--set', 'functional'] else CASES
    out = {'torch': torch.__version__, 'cases': []}
    for name, (fn, inputs) in cases.items():
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
