#!/usr/bin/python3
"""torch.optim's trajectories and schedules, for packages/nn/test/torch-optim.test.ts.

Run with Debian's python3-torch (apt-get install python3-torch):
    /usr/bin/python3 scripts/torch-optim-fixtures.py > /tmp/o.json && mv /tmp/o.json packages/nn/test/fixtures/torch-optim.json
Optimizers: two float64 parameters on a fixed non-convex loss, the parameters after every
step (LBFGS: after every step(closure)). Schedules: the rate (and momentum) of every group
after each step.
"""
import json
import math
import sys

import torch
import torch.optim as optim
import torch.optim.lr_scheduler as lr

torch.set_default_dtype(torch.float64)
START = ([0.8, -1.3, 0.4], [[0.5, -0.2], [1.1, 0.3]])


def loss_of(a, b):
    # a smooth, non-convex function of both parameters
    return (a ** 2).sum() * 0.5 + torch.sin(a * 3).sum() + ((b @ b.T - 0.3) ** 2).sum() + (a[:2] * b[0]).sum() ** 2


OPTIMIZERS = {
    'RAdam': (lambda ps: optim.RAdam(ps, lr=0.05), 12),
    'RAdam weight decay': (lambda ps: optim.RAdam(ps, lr=0.02, betas=(0.8, 0.9), weight_decay=0.1), 10),
    'Rprop': (lambda ps: optim.Rprop(ps, lr=0.05), 10),
    'Rprop etas bounds': (lambda ps: optim.Rprop(ps, lr=0.1, etas=(0.3, 1.5), step_sizes=(0.01, 0.2)), 10),
    'ASGD': (lambda ps: optim.ASGD(ps, lr=0.05, t0=3, lambd=1e-2, weight_decay=0.01), 10),
    'SGD nesterov': (lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), 10),
    'Adam amsgrad': (lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True), 10),
    'LBFGS': (lambda ps: optim.LBFGS(ps, lr=0.5, max_iter=5), 4),
    'LBFGS strong_wolfe': (lambda ps: optim.LBFGS(ps, max_iter=6, history_size=3, line_search_fn='strong_wolfe'), 4),
}


def trajectory(make, steps):
    a = torch.tensor(START[0], requires_grad=True)
    b = torch.tensor(START[1], requires_grad=True)
    opt = make([a, b])
    out = []

    def closure():
        opt.zero_grad()
        loss = loss_of(a, b)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
        out.append(a.detach().tolist() + b.detach().flatten().tolist())
    return out


def sgd(lr_=0.1, momentum=0.9):
    p = torch.zeros(1, requires_grad=True)
    q = torch.zeros(1, requires_grad=True)
    return optim.SGD([{'params': [p]}, {'params': [q], 'lr': lr_ * 2}], lr=lr_, momentum=momentum)


def adam():
    return optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.01)


SCHEDULES = {
    'LambdaLR': (lambda: sgd(), lambda o: lr.LambdaLR(o, [lambda t: 0.9 ** t, lambda t: 1 / (1 + t)]), 8),
    'MultiplicativeLR': (lambda: sgd(), lambda o: lr.MultiplicativeLR(o, lambda t: 0.95), 6),
    'PolynomialLR': (lambda: sgd(), lambda o: lr.PolynomialLR(o, total_iters=6, power=2.0), 9),
    'CosineAnnealingWarmRestarts': (lambda: sgd(), lambda o: lr.CosineAnnealingWarmRestarts(o, 3, T_mult=2, eta_min=0.001), 16),
    'CyclicLR triangular2': (lambda: sgd(), lambda o: lr.CyclicLR(o, 0.01, [0.1, 0.3], step_size_up=3, step_size_down=2, mode='triangular2'), 14),
    'CyclicLR exp_range': (lambda: sgd(), lambda o: lr.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode='exp_range', gamma=0.9), 10),
    'OneCycleLR': (lambda: sgd(), lambda o: lr.OneCycleLR(o, [0.1, 0.2], total_steps=12), 12),
    'OneCycleLR Adam linear three-phase': (adam, lambda o: lr.OneCycleLR(o, 0.05, epochs=2, steps_per_epoch=5, anneal_strategy='linear', three_phase=True, pct_start=0.25), 10),
    'SequentialLR': (lambda: sgd(), lambda o: lr.SequentialLR(o, [lr.LinearLR(o, start_factor=0.2, total_iters=3), lr.ExponentialLR(o, 0.8), lr.StepLR(o, 2, 0.5)], milestones=[3, 6]), 12),
}


def schedule(make_opt, make, steps):
    o = make_opt()
    s = make(o)

    def now():
        return [[g['lr'], g['momentum'] if 'momentum' in g else g['betas'][0]] for g in o.param_groups]

    out = [now()]
    for _ in range(steps):
        o.step()
        s.step()
        out.append(now())
    return out


def main():
    out = {
        'torch': torch.__version__,
        'start': START,
        'optimizers': {name: trajectory(make, steps) for name, (make, steps) in OPTIMIZERS.items()},
        'schedules': {name: schedule(mo, make, steps) for name, (mo, make, steps) in SCHEDULES.items()},
    }
    for name, traj in out['optimizers'].items():
        if not all(math.isfinite(v) for row in traj for v in row):
            sys.exit(f'{name}: non-finite')
    json.dump(out, sys.stdout, indent=0, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
