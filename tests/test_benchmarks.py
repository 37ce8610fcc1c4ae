"""Every benchmark runs in a smoke mode in make test, so that none rots unnoticed.

Only that they run to the end and print their figures is checked, never the timings: those
belong in benchmarks/README.md, measured on a known machine.
"""

import subprocess
import sys

import pytest
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


@pytest.mark.skip(reason="bench_classroom.py no longer finds the playground's own widgets in "
                         "the app (issue 21 rebuilds it); its smoke run comes with that fix")
def test_bench_classroom_runs():
    run("bench_classroom.py", "--smoke")


def test_bench_sizing_runs_and_prints_its_figures():
    out = run("bench_sizing.py", "--smoke")
    for line in ("CPU seconds per playground run", "training alone, reference",
                 "PSS per kernel after a run", "load average after"):
        assert line in out, f"bench_sizing's output lacks {line!r}:\n{out}"
