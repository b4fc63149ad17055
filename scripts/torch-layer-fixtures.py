#!/usr/bin/python3
"""torch.nn layers' outputs and gradients, for packages/nn/test/torch-layers.test.ts.

Run with Debian's python3-torch (apt-get install python3-torch):
    /usr/bin/python3 scripts/torch-layer-fixtures.py > /tmp/l.json && mv /tmp/l.json packages/nn/test/fixtures/torch-layers.json
Each case: a layer in float64 with seeded parameters (its state dict, under PyTorch's names),
its inputs, its outputs (flattened when it returns tuples), a cotangent per output, and the
gradients of sum(output * cotangent) for every float input and every parameter; buffers
after the call (running statistics) too. The test loads the state dict by those names.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(2027)


def uniform(*shape, lo=-1.0, hi=1.0):
    return torch.rand(shape, generator=gen) * (hi - lo) + lo


def seeded(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(uniform(*p.shape, lo=-0.6, hi=0.6))
    return module


class CTC(nn.Module):
    # F.ctc_loss on log_softmax of its first input, as a module for the fixture loop
    def __init__(self, **kw):
        super().__init__()
        self.kw = kw

    def forward(self, x, targets, input_lengths, target_lengths):
        return nn.functional.ctc_loss(x.log_softmax(-1), targets, input_lengths, target_lengths, **self.kw)


class Loss(nn.Module):
    # a loss of torch.nn.functional as a module; targets are detached (only inputs learn)
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def flat(y):
    if isinstance(y, torch.Tensor):
        return [y]
    return [t for part in y if part is not None for t in flat(part)]


def cases():
    bool_mask = torch.tensor([[False, True, False, False], [False, False, True, True], [False, False, False, False]])
    pad_mask = torch.tensor([[False, False, True, False], [False, False, False, True]])
    return {
        'Conv1d': (nn.Conv1d(3, 4, 3, stride=2, padding=1), [uniform(2, 3, 9)], lambda m, x: m(x)),
        'Conv2d same reflect': (nn.Conv2d(3, 4, (3, 2), padding='same', padding_mode='reflect'), [uniform(2, 3, 5, 6)], lambda m, x: m(x)),
        'Conv2d grouped strided': (nn.Conv2d(4, 6, 3, stride=2, groups=2, bias=False), [uniform(2, 4, 7, 6)], lambda m, x: m(x)),
        'Conv2d circular dilated': (nn.Conv2d(2, 3, 3, padding=2, dilation=2, padding_mode='circular'), [uniform(1, 2, 6, 5)], lambda m, x: m(x)),
        'ConvTranspose2d': (nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), [uniform(2, 4, 3, 4)], lambda m, x: m(x)),
        'ConvTranspose1d grouped': (nn.ConvTranspose1d(4, 6, 3, stride=3, groups=2), [uniform(2, 4, 5)], lambda m, x: m(x)),
        'MaxPool2d AvgPool2d AdaptiveAvgPool2d': (nn.Sequential(nn.MaxPool2d(2, stride=1, padding=1), nn.AvgPool2d(3, stride=2, ceil_mode=True, count_include_pad=False), nn.AdaptiveAvgPool2d((2, 1))), [uniform(2, 3, 7, 6)], lambda m, x: m(x)),
        'BatchNorm2d training': (nn.BatchNorm2d(3), [uniform(4, 3, 2, 3)], lambda m, x: m(x)),
        'BatchNorm1d eval': (nn.BatchNorm1d(3).eval(), [uniform(5, 3)], lambda m, x: m(x)),
        'GroupNorm': (nn.GroupNorm(2, 4), [uniform(2, 4, 3, 2)], lambda m, x: m(x)),
        'LayerNorm': (nn.LayerNorm([3, 4]), [uniform(2, 3, 4)], lambda m, x: m(x)),
        'Embedding paddingIdx': (nn.Embedding(6, 3, padding_idx=2), [torch.tensor([[0, 2, 5], [2, 1, 1]])], lambda m, i: m(i)),
        'RNN tanh bidirectional 2 layers': (nn.RNN(3, 4, num_layers=2, bidirectional=True), [uniform(5, 2, 3), uniform(4, 2, 4)], lambda m, x, h: m(x, h)),
        'RNN relu batchFirst': (nn.RNN(3, 4, nonlinearity='relu', batch_first=True), [uniform(2, 5, 3)], lambda m, x: m(x)),
        'LSTM bidirectional batchFirst': (nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), [uniform(2, 5, 3), uniform(4, 2, 4), uniform(4, 2, 4)], lambda m, x, h, c: m(x, (h, c))),
        'LSTM unbatched no bias': (nn.LSTM(3, 5, bias=False), [uniform(4, 3)], lambda m, x: m(x)),
        'GRU 2 layers': (nn.GRU(3, 4, num_layers=2), [uniform(6, 2, 3), uniform(2, 2, 4)], lambda m, x, h: m(x, h)),
        'GRU bidirectional batchFirst': (nn.GRU(2, 3, bidirectional=True, batch_first=True), [uniform(2, 4, 2)], lambda m, x: m(x)),
        'MultiheadAttention': (nn.MultiheadAttention(8, 2, batch_first=True), [uniform(2, 3, 8), uniform(2, 4, 8), uniform(2, 4, 8)], lambda m, q, k, v: m(q, k, v, key_padding_mask=pad_mask, attn_mask=bool_mask)),
        'MultiheadAttention kdim vdim per-head weights': (nn.MultiheadAttention(6, 3, kdim=4, vdim=5), [uniform(3, 2, 6), uniform(4, 2, 4), uniform(4, 2, 5)], lambda m, q, k, v: m(q, k, v, average_attn_weights=False)),
        'MultiheadAttention unbatched float mask': (nn.MultiheadAttention(4, 2), [uniform(3, 4), uniform(5, 4), uniform(5, 4), uniform(3, 5)], lambda m, q, k, v, f: m(q, k, v, attn_mask=f)),
        'CTC padded mean': (CTC(), [uniform(7, 3, 5), torch.tensor([[1, 2, 2], [3, 1, 0], [4, 0, 0]]), torch.tensor([7, 6, 4]), torch.tensor([3, 2, 1])], lambda m, *a: m(*a)),
        'CTC concatenated sum blank 2': (CTC(blank=2, reduction='sum'), [uniform(6, 2, 4), torch.tensor([1, 1, 3, 0, 3]), torch.tensor([6, 5]), torch.tensor([3, 2])], lambda m, *a: m(*a)),
        'CTC none zeroInfinity': (CTC(reduction='none', zero_infinity=True), [uniform(4, 3, 3), torch.tensor([[1, 1, 1], [2, 1, 0], [1, 2, 0]]), torch.tensor([4, 4, 2]), torch.tensor([3, 2, 0])], lambda m, *a: m(*a)),
        'klDiv batchmean': (Loss(lambda x, t: F.kl_div(x.log_softmax(-1), t.detach().softmax(-1), reduction='batchmean')), [uniform(3, 4), uniform(3, 4)], lambda m, *a: m(*a)),
        'klDiv logTarget': (Loss(lambda x, t: F.kl_div(x.log_softmax(-1), t.detach().log_softmax(-1), reduction='sum', log_target=True)), [uniform(3, 4), uniform(3, 4)], lambda m, *a: m(*a)),
        'poissonNllLoss full': (Loss(lambda x, t: F.poisson_nll_loss(x, t.detach() * 3 + 3, full=True)), [uniform(2, 5), uniform(2, 5)], lambda m, *a: m(*a)),
        'poissonNllLoss rate': (Loss(lambda x, t: F.poisson_nll_loss(x + 1.5, t.detach() + 1, log_input=False, reduction='sum')), [uniform(6), uniform(6)], lambda m, *a: m(*a)),
        'gaussianNllLoss': (Loss(lambda x, t, v: F.gaussian_nll_loss(x, t.detach(), v.abs() + 0.1, full=True)), [uniform(4, 3), uniform(4, 3), uniform(4, 1)], lambda m, *a: m(*a)),
        'cosineEmbeddingLoss': (Loss(lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.2)), [uniform(4, 3), uniform(4, 3), torch.tensor([1, -1, -1, 1])], lambda m, *a: m(*a)),
        'marginRankingLoss': (Loss(lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.1)), [uniform(5), uniform(5), torch.tensor([1, -1, 1, 1, -1])], lambda m, *a: m(*a)),
        'hingeEmbeddingLoss': (Loss(lambda x, y: F.hinge_embedding_loss(x, y, margin=1.5, reduction='sum')), [uniform(6), torch.tensor([1, -1, -1, 1, -1, 1])], lambda m, *a: m(*a)),
        'tripletMarginLoss swap': (Loss(lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=0.5, p=3, swap=True)), [uniform(4, 3), uniform(4, 3), uniform(4, 3)], lambda m, *a: m(*a)),
        'multilabelSoftMarginLoss': (Loss(lambda x, y: F.multilabel_soft_margin_loss(x, y, weight=torch.tensor([0.5, 1.0, 2.0]))), [uniform(4, 3), torch.tensor([[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 1, 0]])], lambda m, x, y: m(x, y.double())),
        'smoothL1Loss huberLoss': (Loss(lambda x, t: F.smooth_l1_loss(x, t.detach(), beta=0.5) + F.huber_loss(x, t.detach(), delta=0.3)), [uniform(3, 4), uniform(3, 4)], lambda m, *a: m(*a)),
        'crossEntropy weights ignoreIndex smoothing': (Loss(lambda x, t: F.cross_entropy(x, t, weight=torch.tensor([0.2, 1.0, 3.0, 0.5]), ignore_index=1, label_smoothing=0.1)), [uniform(5, 4), torch.tensor([0, 1, 2, 3, 1])], lambda m, *a: m(*a)),
        'crossEntropy probabilities 3-D': (Loss(lambda x, t: F.cross_entropy(x, t.detach().softmax(1), label_smoothing=0.2)), [uniform(2, 4, 3), uniform(2, 4, 3)], lambda m, *a: m(*a)),
        'nllLoss binaryCrossEntropy': (Loss(lambda x, t, p: F.nll_loss(x.log_softmax(1), t, reduction='sum') + F.binary_cross_entropy(p.sigmoid(), (t % 2).double()[:3].reshape(3, 1).expand(3, 2))), [uniform(3, 4), torch.tensor([3, 0, 2]), uniform(3, 2)], lambda m, *a: m(*a)),
        'binaryCrossEntropyWithLogits posWeight': (Loss(lambda x, t: F.binary_cross_entropy_with_logits(x, t.detach().sigmoid(), pos_weight=torch.tensor([2.0, 0.5, 1.0]))), [uniform(4, 3), uniform(4, 3)], lambda m, *a: m(*a)),
        'TransformerEncoderLayer': (nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True), [uniform(2, 4, 8)], lambda m, x: m(x, src_key_padding_mask=pad_mask)),
        'TransformerEncoderLayer normFirst gelu': (nn.TransformerEncoderLayer(8, 4, dim_feedforward=12, dropout=0.0, activation='gelu', norm_first=True), [uniform(5, 2, 8)], lambda m, x: m(x, src_mask=nn.Transformer.generate_square_subsequent_mask(5))),
    }


def encode(t):
    values = t.detach().flatten().tolist()
    kind = 'bool' if t.dtype == torch.bool else 'int' if not t.is_floating_point() else 'float'
    return {'shape': list(t.shape), 'dtype': kind, 'data': [float(v) if kind == 'float' else int(v) for v in values]}


def main():
    out = {'torch': torch.__version__, 'cases': []}
    for name, (module, inputs, call) in cases().items():
        module = seeded(module)
        state = {k: encode(v) for k, v in module.state_dict().items()}
        xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
        ys = flat(call(module, *xs))
        cots = [uniform(*y.shape) for y in ys]
        loss = sum((y * c).sum() for y, c in zip(ys, cots))
        params = dict(module.named_parameters())
        floats = [x for x in xs if x.requires_grad]
        grads = torch.autograd.grad(loss, floats + list(params.values()), allow_unused=True)
        grads = [torch.zeros_like(t) if g is None else g for t, g in zip(floats + list(params.values()), grads)]
        out['cases'].append({
            'name': name,
            'state': state,
            'inputs': [encode(x) for x in inputs],
            'outputs': [encode(y) for y in ys],
            'cotangents': [encode(c) for c in cots],
            'inputGrads': [encode(g) for g in grads[:len(floats)]],
            'paramGrads': {k: encode(g) for k, g in zip(params, grads[len(floats):])},
            'buffers': {k: encode(v) for k, v in module.named_buffers()},
        })
    json.dump(out, sys.stdout, indent=0, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
