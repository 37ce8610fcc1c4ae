"""What one student costs a hub (issue 22's sizing table, deploy/README.md): the CPU seconds
of one playground run (the app's default settings, through the widget as the app runs it),
beside the training alone (``bp.train``, same settings, same process) as the reference, and
the memory of a student's kernel (PSS, from /proc) once the app's playground has run.

Each repeat is a fresh process, as a kernel is. Medians over the repeats; the load average
is printed before and after, since CPU seconds grow on a loaded machine (shared caches).

    python benchmarks/bench_sizing.py            # 3 repeats, the app's default run
    python benchmarks/bench_sizing.py --smoke    # 1 repeat, 2 epochs: that it runs
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap

KERNEL = textwrap.dedent("""
    import json, os, sys, time
    epochs = int(sys.argv[1])

    def cpu():
        t = os.times()
        return t.user + t.system  # this process and all its threads

    def pss_mb():
        with open("/proc/self/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    import backprop as bp
    from backprop.widgets import draw_digit, playground, step_through

    data = bp.load_mnist()  # the app's data: 3000 training, 10000 validation images
    import numpy as np
    panel = playground(data, n_epochs=epochs)
    draw_digit(source=panel)
    step_through()
    start = cpu()
    panel.start()
    panel.wait(600)
    run_cpu = cpu() - start
    run = panel.runs[-1]
    cfg = run.config
    start = cpu()
    rng = np.random.default_rng(cfg["seed"])
    params = bp.init_params([784, cfg["hidden"], 10], rng, init=cfg["init"])
    bp.train(params, data.train, data.val, lr=cfg["lr"], n_epochs=cfg["n_epochs"],
             batch_size=cfg["batch_size"], loss=cfg["loss"], rng=rng, progress=False)
    train_cpu = cpu() - start
    print(json.dumps({"run_cpu": run_cpu, "train_cpu": train_cpu, "pss_mb": pss_mb(),
                      "outcome": run.outcome, "epochs": epochs}))
""")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20, help="the app's default: 20")
    parser.add_argument("--smoke", action="store_true", help="1 repeat of 2 epochs")
    args = parser.parse_args(argv)
    repeats, epochs = (1, 2) if args.smoke else (args.repeats, args.epochs)
    print(f"load average before: {load()} ({os.cpu_count()} cores)")
    results = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", KERNEL, str(epochs)], capture_output=True,
                             text=True, timeout=900)
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
            return 1
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    run_cpu = statistics.median(r["run_cpu"] for r in results)
    train_cpu = statistics.median(r["train_cpu"] for r in results)
    pss = statistics.median(r["pss_mb"] for r in results)
    print(f"== one student's kernel, medians of {repeats} ({epochs} epochs)")
    print(f"CPU seconds per playground run: {run_cpu:.2f} s "
          f"(training alone, reference: {train_cpu:.2f} s; ratio {run_cpu / train_cpu:.2f}x)")
    print(f"PSS per kernel after a run: {pss:.0f} MB")
    print(f"outcomes: {[r['outcome'] for r in results]}")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
