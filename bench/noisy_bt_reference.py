#!/usr/bin/env python3
"""
A re-implementation of Toloka crowd-kit's NoisyBradleyTerry (crowdkit/aggregation/pairwise/
noisy_bt.py, read through its published source; crowd-kit itself is not installable here), for
the side-by-side comparison in `npm run bench:kinds`. Not crowd-kit's code: the same model,
parameterisation, initialisation and optimiser, written from its documented model.

Model (as crowd-kit): parameters x = [anchor, s_1..s_n, q_1..q_W, g_1..g_W]; for a comparison of
left i and right j by worker w with y = +1 when i won, else -1,
    P(y) = expit(g_w) * expit(y (s_i - s_j)) + (1 - expit(g_w)) * expit(y q_w),
objective = -sum log P(y) + ratio * [sum log expit(anchor - s) + sum log expit(s - anchor)],
ratio = 1e-5; x0 = numpy.random.rand(...) after numpy.random.seed(0); scipy L-BFGS-B with
maxiter 100 and ftol float32(1e-5); scores = expit(s). Like crowd-kit, the gradient is summed
over comparisons in a Python loop (crowd-kit: "We'll use autograd in the future"), so its cost
per evaluation is that of crowd-kit's; unlike crowd-kit, each term is the exact derivative of
the objective above (crowd-kit's loop assigns rather than adds the q and g terms and indexes q
one slot off), which can only help this reference's accuracy.

Usage: noisy_bt_reference.py labels.csv scores.csv [repeats]   (worker,left,right,label with a
header). Fits `repeats` times (default 1), each from the same seeded start, and prints the median
CPU time of one fit in seconds (fit only, no CSV I/O) on stdout; the scores are the last fit's
(every fit gives the same).
"""
import csv
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit


def read(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = sorted({r["left"] for r in rows} | {r["right"] for r in rows})
    workers = sorted({r["worker"] for r in rows})
    item_index = {item: k for k, item in enumerate(items)}
    worker_index = {worker: k for k, worker in enumerate(workers)}
    data = np.array(
        [[item_index[r["left"]], item_index[r["right"]], item_index[r["label"]]] for r in rows],
        dtype=int,
    )
    worker_ids = np.array([worker_index[r["worker"]] for r in rows], dtype=int)
    return items, workers, data, worker_ids


def objective(x, data, worker_ids, n_items, n_workers, ratio):
    s_i = x[1 + data[:, 0]]
    s_j = x[1 + data[:, 1]]
    y = np.where(data[:, 0] == data[:, 2], 1.0, -1.0)
    q = x[1 + n_items + worker_ids]
    g = x[1 + n_items + n_workers + worker_ids]
    total = np.sum(np.log(expit(g) * expit(y * (s_i - s_j)) + (1 - expit(g)) * expit(y * q)))
    scores = x[1 : n_items + 1]
    reg = np.sum(np.log(expit(x[0] - scores))) + np.sum(np.log(expit(scores - x[0])))
    return -total + ratio * reg


def gradient(x, data, worker_ids, n_items, n_workers, ratio):
    grad = np.zeros_like(x)
    for w, (i, j, label) in zip(worker_ids, data):
        y = 1.0 if label == i else -1.0
        a = 1 + i
        b = 1 + j
        qi = 1 + n_items + w
        gi = 1 + n_items + n_workers + w
        sg = expit(x[gi])
        sd = expit(y * (x[a] - x[b]))
        sq = expit(y * x[qi])
        likelihood = sg * sd + (1 - sg) * sq
        d_margin = sg * sd * (1 - sd) * y / likelihood
        grad[a] -= d_margin
        grad[b] += d_margin
        grad[qi] -= (1 - sg) * sq * (1 - sq) * y / likelihood
        grad[gi] -= sg * (1 - sg) * (sd - sq) / likelihood
    scores = x[1 : n_items + 1]
    tanh = np.tanh((scores - x[0]) / 2.0)
    grad[1 : n_items + 1] -= ratio * tanh
    grad[0] += ratio * np.sum(tanh)
    return grad


def main():
    items, workers, data, worker_ids = read(sys.argv[1])
    n_items, n_workers = len(items), len(workers)
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    times = []
    for _ in range(repeats):
        started = time.process_time()
        np.random.seed(0)
        x0 = np.random.rand(1 + n_items + 2 * n_workers)
        result = minimize(
            objective,
            x0,
            jac=gradient,
            args=(data, worker_ids, n_items, n_workers, 1e-5),
            method="L-BFGS-B",
            options={"maxiter": 100, "ftol": np.float32(1e-5)},
        )
        times.append(time.process_time() - started)
    elapsed = float(np.median(times))
    scores = expit(result.x[1 : n_items + 1])
    with open(sys.argv[2], "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["item", "score"])
        for item, score in zip(items, scores):
            out.writerow([item, repr(float(score))])
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
