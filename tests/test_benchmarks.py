"""Every benchmark runs in a smoke mode in make test, so that none rots unnoticed.

Only that they run to the end and print their figures is checked, never the timings: those
belong in benchmarks/README.md, measured on a known machine.
"""

import re
import subprocess
import sys

from browser_helpers import REPO

BENCHMARKS = REPO / "benchmarks"


def run(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{script} {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def test_bench_train_runs_and_prints_its_table():
    out = run("bench_train.py", "--smoke")
    for line in ("== GEMM lower bound", "== ours: backprop.train, 2 epochs", "loop (per sample)",
                 "GEMM lower bound", "== targets"):
        assert line in out, f"bench_train's output lacks {line!r}:\n{out}"


def test_bench_widgets_runs_and_prints_its_figures():
    out = run("bench_widgets.py", "--smoke")
    for line in ("slider -> first epoch drawn", "inside view on", "one inside picture",
                 "draw a digit, medians over 1 strokes", "load average after"):
        assert line in out, f"bench_widgets's output lacks {line!r}:\n{out}"


def test_bench_classroom_runs_and_prints_its_figures():
    """Two students on the Voila app, the second asking for the first one's settings: the
    benchmark finds the playground's own widgets (by their classes) and prints every figure."""
    out = run("bench_classroom.py", "--smoke")
    for line in ("N =  2 students, 1 round(s), moves spread over 2 s",
                 "reference, the same run trained alone: first epoch",
                 "page load to widgets ready:", "move -> first epoch drawn:",
                 "move -> finished and drawn:", "replays (from the store):",
                 "server CPU per move:", "memory per kernel (PSS):", "load average at the end"):
        assert line in out, f"bench_classroom's output lacks {line!r}:\n{out}"
    # both students' runs were timed: the figures are numbers, not "nan" (no run seen)
    for figure in ("first epoch drawn", "finished and drawn"):
        assert re.search(rf"move -> {figure}: +median \d+\.\d+ s", out), out


def test_bench_checks_runs_and_prints_its_table():
    out = run("bench_checks.py", "--smoke")
    for line in ("reference: forward + backward", "check_backward_step d_W1", "check_sgd_epoch",
                 "load average after"):
        assert line in out, f"bench_checks's output lacks {line!r}:\n{out}"


def test_bench_sizing_runs_and_prints_its_figures():
    out = run("bench_sizing.py", "--smoke")
    for line in ("CPU seconds per playground run", "training alone, reference",
                 "PSS per kernel after a run", "load average after"):
        assert line in out, f"bench_sizing's output lacks {line!r}:\n{out}"
