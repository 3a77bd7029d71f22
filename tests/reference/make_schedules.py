#!/usr/bin/python3
"""Learning-rate sequences of PyTorch's schedulers, stepped once per epoch, for ModelGen's LearningRateSchedule tests.

Run with Debian's PyTorch (see README.md here):  /usr/bin/python3 tests/reference/make_schedules.py
Writes vectors/schedules.json: for each case, the scheduler's settings and the rate of every epoch (the rate the
optimizer holds while that epoch trains, read before the epoch's scheduler.step()).
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = 0.1


def optimizer():
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=BASE)


def sequence(make, epochs, metrics=None):
    opt = optimizer()
    sched = make(opt)
    rates = []
    for epoch in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[epoch])
    return rates


def main():
    s = torch.optim.lr_scheduler
    plateau_metrics = [1.0, 0.9, 0.8999, 0.95, 0.91, 0.92, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.5, 0.6, 0.7, 0.8]
    cases = [
        {"name": "step", "stepSize": 3, "gamma": 0.5, "epochs": 12,
         "rates": sequence(lambda o: s.StepLR(o, step_size=3, gamma=0.5), 12)},
        {"name": "exponential", "gamma": 0.9, "epochs": 12,
         "rates": sequence(lambda o: s.ExponentialLR(o, gamma=0.9), 12)},
        {"name": "cosine", "tMax": 8, "minRate": 1e-4, "warmup": 0, "epochs": 9,
         "rates": sequence(lambda o: s.CosineAnnealingLR(o, T_max=8, eta_min=1e-4), 9)},
        {"name": "warmupCosine", "tMax": 8, "minRate": 1e-4, "warmup": 3, "startFactor": 0.25, "epochs": 12,
         "rates": sequence(lambda o: s.SequentialLR(o, [s.LinearLR(o, start_factor=0.25, total_iters=3),
                                                         s.CosineAnnealingLR(o, T_max=8, eta_min=1e-4)], milestones=[3]), 12)},
        {"name": "plateau", "factor": 0.5, "patience": 2, "threshold": 1e-4, "cooldown": 1, "minRate": 0.02,
         "epochs": len(plateau_metrics), "metrics": plateau_metrics,
         "rates": sequence(lambda o: s.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=1e-4,
                                                         threshold_mode="rel", cooldown=1, min_lr=0.02), len(plateau_metrics),
                           plateau_metrics)},
    ]
    out = {"torch": torch.__version__, "base": BASE, "cases": cases}
    with open(os.path.join(HERE, "vectors", "schedules.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", len(cases), "schedules with torch", torch.__version__)


if __name__ == "__main__":
    main()
