"""How long a student waits for each exercise check, beside the maths it checks.

    python benchmarks/bench_checks.py [--repeats 7] [--smoke]

A check cell should answer at once (well under a second): it calls the student's function
on random inputs and on real MNIST rows, and for gradients also computes central
differences. Each check is run here on a right answer (the solutions in
``tests/checks_helpers.py``, as a student writes them), ``--repeats`` times; the table gives
the median and the slowest. The reference, measured in the same run, is one forward and
backward pass of the package on the 10 MNIST images the checks use. ``uptime``'s load
average is printed before and after, since the machine may be shared.

These are timings, not tests: tests/test_benchmarks.py only runs ``--smoke`` (one repeat).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the right answers live beside the tests

import checks_helpers as right  # noqa: E402

import backprop as bp  # noqa: E402
from backprop import checks  # noqa: E402


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    """Seconds of each of ``repeats`` calls of ``fn`` (its printed line swallowed)."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            fn()
        seconds.append(time.perf_counter() - start)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="one repeat: does it still run?")
    args = parser.parse_args(argv)
    repeats = 1 if args.smoke else args.repeats
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    data = bp.load_mnist(10, 0, 0)
    params = bp.init_params([784, 110, 10], np.random.default_rng(0))

    def reference() -> None:
        _, cache = bp.forward(params, data.train.X)
        bp.backward(params, cache, data.train.Y, loss="cross_entropy")

    runs = {
        "check_sigmoid": lambda: checks.check_sigmoid(right.sigmoid, right.sigmoid_prime),
        "check_forward": lambda: checks.check_forward(right.forward),
        "check_loss (cross-entropy)": lambda: checks.check_loss(right.cross_entropy,
                                                                "cross_entropy"),
        "check_backward": lambda: checks.check_backward(right.make_backward()),
        "check_numerical_gradient": lambda: checks.check_numerical_gradient(
            right.numerical_gradient),
        **{f"check_backward_step {step}": (lambda step=step: checks.check_backward_step(
            step, right.STEPS[step])) for step in right.STEPS},
        "check_sgd_epoch": lambda: checks.check_sgd_epoch(right.make_sgd_epoch()),
    }
    ref = statistics.median(timed(reference, repeats))
    print(f"\nreference: forward + backward of 784-110-10 on 10 MNIST images: "
          f"{1e3 * ref:.2f} ms (median of {repeats})")
    print(f"\n{'check':36s} {'median':>9s} {'slowest':>9s} {'x reference':>12s}")
    for name, run in runs.items():
        seconds = timed(run, repeats)
        median = statistics.median(seconds)
        print(f"{name:36s} {1e3 * median:7.1f} ms {1e3 * max(seconds):7.1f} ms "
              f"{median / ref:11.0f}x")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
