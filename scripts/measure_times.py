"""Measure what README.md and TEACHING.md say about time, so that it is re-measured, not edited.

    python scripts/measure_times.py notebooks        # each notebook's first open, fresh cache
    python scripts/measure_times.py make-test        # make test from a fresh clone (CI=true)
    python scripts/measure_times.py notebooks make-test

``notebooks`` executes every notebook of notebooks/ top to bottom, as a student's first "Run
All" after installing: in a new kernel, with an empty sweep cache (``BACKPROP_CACHE`` pointing
at a new temporary folder), so only what ships with the package is there. ``make-test`` clones
the checkout (its committed state) into a temporary folder and runs ``make test`` there with
``CI=true``, as CI does: the virtual environment, the browser tests and every notebook included.

Each prints a Markdown table to paste, with the conditions it was measured under: the number
of cores and the load average before and after (another program on the machine slows every
figure; say so beside it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def conditions() -> str:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}"


def first_opens(paths: list[Path]) -> list[tuple[str, float]]:
    """Seconds of each notebook's top-to-bottom run in a new kernel, with an empty cache."""
    import nbformat  # from the project's environment: run this with .venv's python
    from nbclient import NotebookClient

    rows = []
    with tempfile.TemporaryDirectory(prefix="backprop-cache-") as cache:
        os.environ["BACKPROP_CACHE"] = cache  # the kernels inherit it
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            start = time.perf_counter()
            NotebookClient(nb, timeout=3600, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            rows.append((path.name, time.perf_counter() - start))
            print(f"{path.name}: {rows[-1][1]:.0f} s", flush=True)
    return rows


def make_test_from_a_fresh_clone() -> float:
    """Seconds of ``make test`` (CI=true) in a fresh clone of this checkout's HEAD."""
    with tempfile.TemporaryDirectory(prefix="backprop-clone-") as folder:
        clone = Path(folder) / "backprop"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        start = time.perf_counter()
        result = subprocess.run(["make", "test"], cwd=clone, env={**os.environ, "CI": "true"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"make test failed in the fresh clone (exit {result.returncode}): "
                         f"run it there yourself to see why")
    return seconds


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(round(seconds % 60))} s" if seconds >= 60 \
        else f"{seconds:.0f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="+", choices=["notebooks", "make-test"])
    args = parser.parse_args(argv)
    before = conditions()
    table = ["| what | time |", "|---|---|"]
    if "notebooks" in args.what:
        paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        rows = first_opens(paths)
        table += [f"| `{name}`, first Run All | {minutes(s)} |" for name, s in rows]
    if "make-test" in args.what:
        table.append(f"| `make test` from a fresh clone, CI=true | "
                     f"{minutes(make_test_from_a_fresh_clone())} |")
    print(f"\nMeasured with {sys.executable} on {before} (before) / {conditions()} (after):\n")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
