"""Latency and cost of the playground, beside the training it shows, in one process.

    python benchmarks/bench_widgets.py [--repeats 7]

Runs the real panel in this process (no browser, no kernel): it sets the learning-rate
slider's value as a front end would and reads the times at which the panel sent its pictures
(``run["frames"]``). Default settings: 784-110-10 on 3000 training images (10000 validation),
20 epochs, batch 10, cross-entropy. Each repeat also runs the same training alone
(``backprop.train`` with no callback, same settings), alternating with the panel, so both
see the same machine. Prints medians over the repeats:

- slider change -> first epoch drawn (target <= 0.3 s);
- slider change -> run finished and drawn, and its ratio to the training alone (<= 1.3x);
- CPU seconds of the whole process per move, and its ratio to the training's own CPU
  (<= 1.5x); CPU is ``time.process_time()``, all threads;
- the cost of one picture: a full draw and a blit (lines only), PNG included;
- ``uptime``'s load average before and after, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import backprop as bp
from backprop import plots, widgets

SETTINGS = dict(hidden=110, n_epochs=20, batch_size=10, loss="cross_entropy", seed=0)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def train_alone(data, lr: float) -> tuple[float, float]:
    """Wall and CPU seconds of the same run as the panel's, without callback or drawing."""
    wall, cpu = time.perf_counter(), time.process_time()
    rng = np.random.default_rng(SETTINGS["seed"])
    params = bp.init_params([784, SETTINGS["hidden"], 10], rng)
    bp.train(params, data.train, data.val, lr=lr, n_epochs=SETTINGS["n_epochs"],
             batch_size=SETTINGS["batch_size"], loss=SETTINGS["loss"], rng=rng, progress=False)
    return time.perf_counter() - wall, time.process_time() - cpu


def one_move(panel, lr: float) -> tuple[float, float, float]:
    """(first epoch drawn, finished and drawn, CPU) in seconds after the slider moves."""
    cpu, start = time.process_time(), time.perf_counter()
    panel.controls["lr"].value = lr
    panel.wait()
    done = time.perf_counter()  # the worker ends right after its last status and picture
    cpu = time.process_time() - cpu
    run = panel.runs[-1]
    assert run["outcome"] == "finished", run["outcome"]
    return run["frames"][0] - start, done - start, cpu


def picture_costs() -> tuple[float, float]:
    """Median CPU seconds of a full draw and of a blit, both PNGs (loss, accuracy) included."""
    curves = plots.LiveCurves()
    full, blit = [], []
    history = {k: [] for k in ("train_loss", "train_acc", "val_loss", "val_acc")}
    for i in range(20):
        for k, v in (("train_loss", 2.3 / (i + 1)), ("val_loss", 2.4 / (i + 1)),
                     ("train_acc", 1 - 0.5 / (i + 1)), ("val_acc", 0.9 - 0.4 / (i + 1))):
            history[k].append(v)
        before = curves.full_draws
        cpu = time.process_time()
        curves.pngs(history, [], 20)
        (full if curves.full_draws > before else blit).append(time.process_time() - cpu)
    for _ in range(5):
        cpu = time.process_time()
        curves._frame = None  # force a full draw
        curves.pngs(history, [], 20)
        full.append(time.process_time() - cpu)
    return statistics.median(full), statistics.median(blit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"load average before: {load()}  ({os.cpu_count()} cores)")
    data = bp.load_mnist(n_test=0)
    panel = widgets.playground(data, lr=0.5, **SETTINGS)
    train_alone(data, 0.5)  # warm up: caches, BLAS, the figure's fonts
    one_move(panel, 0.45)
    rows = []
    for i, lr in enumerate(np.linspace(0.2, 0.8, args.repeats)):
        lr = float(np.round(lr, 3))
        if i % 2:  # alternate the order so neither always runs first
            rows.append((*one_move(panel, lr), *train_alone(data, lr)))
        else:
            alone = train_alone(data, lr)
            rows.append((*one_move(panel, lr), *alone))
    first, done, cpu, t_wall, t_cpu = (statistics.median(col) for col in zip(*rows, strict=True))
    full, blit = picture_costs()
    frames = statistics.median(len(r["frames"]) for r in panel.runs[2:])
    print(f"load average after:  {load()}")
    print(f"medians over {args.repeats} slider moves (default run: 20 epochs, batch 10):")
    print(f"  training alone (train, no callback):   {t_wall:.2f} s wall, {t_cpu:.2f} s CPU")
    print(f"  slider -> first epoch drawn:          {1e3 * first:.0f} ms   (target <= 300 ms)")
    print(f"  slider -> finished and drawn:          {done:.2f} s = {done / t_wall:.2f}x the "
          f"training alone (target <= 1.3x)")
    print(f"  CPU per slider move (all threads):     {cpu:.2f} s = {cpu / t_cpu:.2f}x the "
          f"training's CPU (target <= 1.5x)")
    print(f"  pictures sent per run: {frames:.0f}; one picture: full draw {1e3 * full:.0f} ms "
          f"CPU, blit {1e3 * blit:.1f} ms CPU (PNG included)")


if __name__ == "__main__":
    main()
