"""Latency of the playground: from a slider change to the first epoch drawn, and to the end.

    python benchmarks/bench_widgets.py

Runs the real panel in this process (no browser): it sets the learning-rate slider's value
as a front end would, then polls the panel's image and status until they change. Default
settings: 784-110-10 on 3000 training images (10000 validation), 20 epochs, batch 10.
Prints the median over a few repetitions, and the cost of one redraw.
"""

from __future__ import annotations

import statistics
import time

import backprop as bp
from backprop import widgets


def one_change(panel, lr: float) -> tuple[float, float]:
    before = panel.image.value
    start = time.perf_counter()
    panel.controls["lr"].value = lr
    while panel.image.value == before or not panel.status.value.count("epoch"):
        time.sleep(0.001)
    first = time.perf_counter() - start
    panel.wait()
    return first, time.perf_counter() - start


def main() -> None:
    data = bp.load_mnist()
    panel = widgets.playground(data)
    start = time.perf_counter()
    for _ in range(10):
        widgets.render_curves({"train_loss": [1.0] * 20, "train_acc": [0.9] * 20,
                               "val_loss": [1.0] * 20, "val_acc": [0.9] * 20},
                              [], 20)
    redraw = (time.perf_counter() - start) / 10
    firsts, totals = [], []
    for lr in (0.2, 0.3, 0.4, 0.6, 0.7):
        first, total = one_change(panel, lr)
        firsts.append(first)
        totals.append(total)
    print(f"one redraw of the curves: {1e3 * redraw:.0f} ms")
    print(f"slider change -> first epoch drawn: median {1e3 * statistics.median(firsts):.0f} ms "
          f"(max {1e3 * max(firsts):.0f} ms)")
    print(f"slider change -> default run (20 epochs) finished and drawn: median "
          f"{statistics.median(totals):.2f} s (max {max(totals):.2f} s)")


if __name__ == "__main__":
    main()
