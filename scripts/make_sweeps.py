"""Rebuild backprop/data/sweeps.json.gz: every run notebooks 02-04 sweep, and its SHA-256.

    python scripts/make_sweeps.py                      # from scratch (make sweeps)
    python scripts/make_sweeps.py --reuse ~/.cache/backprop/sweeps

Run it after a change to backprop/activation.py, nn.py or training.py, or to the sweeps in
notebooks 02-04; tests/test_sweeps_shipped.py fails until then.

It executes notebooks 02, 03 and 04 itself (with nbclient, the notebook files untouched),
with the shipped runs turned off and ``$BACKPROP_CACHE`` one new empty folder, so that
exactly the runs the notebooks sweep are trained, however their cells build their
configurations. A cell put before each notebook's first records the key of every
configuration passed to ``backprop.sweep``; those runs' records (with their trained
parameters where a notebook asked for them, ``keep_params=True``) are then packed from the
folder by :func:`backprop.sweep_results.write`, which also writes the checksum into
backprop/sweep_results.py. Both writes are atomic.

From scratch this costs the notebooks' training, about 17 minutes on two cores. ``--reuse
DIR`` first copies into the new folder the finished runs of a cache folder (each checked:
its file name must be the key of the configuration it holds, for the current code), so
only the runs missing there are trained; DIR itself is only read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from backprop import sweep_results, sweeps

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = tuple(ROOT / "notebooks" / name for name in (
    "02_training.ipynb", "03_hyperparameter_tuning.ipynb", "04_test_evaluation.ipynb"))
SHIPPED = ROOT / "backprop" / "data" / "sweeps.json.gz"
MODULE = ROOT / "backprop" / "sweep_results.py"  # holds SHIPPED_SHA256
ABOUT = ("Every run notebooks 02-04 sweep, as backprop.sweep caches it, "
         "keyed by backprop.sweeps.run_key; rebuilt by make sweeps (scripts/make_sweeps.py).")
CELL_TIMEOUT = 3600  # s; the longest cell trains 27 runs, minutes on a slow laptop

# Run in the kernel before the notebook's own cells: note the key of every configuration
# the notebook sweeps, whichever way it names backprop.sweep.
RECORDER = """\
import backprop as _bp_recorder
import backprop.sweeps as _bp_sweeps_recorder

_SWEPT_KEYS = []
_real_sweep = _bp_sweeps_recorder.sweep


def _recording_sweep(configs, **kwargs):
    configs = list(configs)
    _SWEPT_KEYS.extend(_bp_sweeps_recorder.run_key(c, kwargs.get("data_path"))
                       for c in configs)
    return _real_sweep(configs, **kwargs)


_bp_recorder.sweep = _bp_sweeps_recorder.sweep = _recording_sweep
"""
SAVER = """\
import json as _json_recorder
from pathlib import Path as _Path_recorder

_Path_recorder({path!r}).write_text(_json_recorder.dumps(_SWEPT_KEYS))
"""


def reuse(source: Path, cache_dir: Path) -> int:
    """Copy into ``cache_dir`` every record of ``source`` whose name is its key for the current
    code and data; return how many were copied."""
    copied = 0
    for path in sorted(source.glob("*.json")):
        try:
            record = json.loads(path.read_text())
            key = sweeps.run_key(sweep_results.config_of(record))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # half-written, or not a run of the shipped data: not ours to pack
        if path.stem == key:
            shutil.copyfile(path, cache_dir / path.name)
            copied += 1
    return copied


def notebook_keys(cache_dir: Path, notebook: Path) -> list[str]:
    """Execute ``notebook`` with ``$BACKPROP_CACHE=cache_dir`` and the shipped runs off; return
    the key of every configuration it swept.

    Runs missing from ``cache_dir`` are trained and written there, as ``backprop.sweep``
    always does.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        keys_file = Path(tmp) / "keys.json"
        nb.cells.insert(0, nbformat.v4.new_code_cell(RECORDER))
        nb.cells.append(nbformat.v4.new_code_cell(SAVER.format(path=str(keys_file))))
        env = dict(os.environ, BACKPROP_CACHE=str(cache_dir))
        env[sweep_results.ENV_SWITCH] = "0"
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(notebook.parent)}})
        client.execute(env=env)
        return json.loads(keys_file.read_text())


def notebook_runs(cache_dir: Path, notebooks: tuple[Path, ...] = NOTEBOOKS,
                  log: bool = False) -> dict[str, dict[str, Any]]:
    """Execute each of ``notebooks`` in turn (:func:`notebook_keys`), all with one cache.

    Returns
    -------
    dict
        ``{run_key: record}`` for every configuration the notebooks swept, read from the
        cache after the last notebook (so a run swept by one notebook without its
        parameters and by a later one with them is packed with them).
    """
    keys: list[str] = []
    for notebook in notebooks:
        if log:
            print(f"executing {notebook.name}", flush=True)
        keys.extend(notebook_keys(cache_dir, notebook))
    runs = {}
    for key in keys:
        record = json.loads((cache_dir / f"{key}.json").read_text())
        # a mismatch means the kernel imported other code than this process
        if sweeps.run_key(sweep_results.config_of(record)) != key:
            raise RuntimeError(f"run {key} in {cache_dir} does not match the current code")
        runs[key] = record
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/make_sweeps.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="a cache folder whose finished runs are reused (checked by key)")
    args = parser.parse_args(argv)
    package = Path(sweeps.__file__).resolve().parent
    if package != ROOT / "backprop":  # the keys must be those of this checkout's code
        raise SystemExit(f"backprop is imported from {package}, not from {ROOT / 'backprop'}: "
                         f"run this with the checkout's .venv (make sweeps) or PYTHONPATH={ROOT}")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="backprop-sweeps-") as tmp:
        cache_dir = Path(tmp)
        if args.reuse is not None:
            print(f"reused {reuse(args.reuse.expanduser(), cache_dir)} finished runs from "
                  f"{args.reuse}", flush=True)
        if not args.reuse:
            print("training from scratch: about 17 minutes on two cores", flush=True)
        runs = notebook_runs(cache_dir, log=True)
    digest = sweep_results.write(runs, ABOUT, path=SHIPPED, module=MODULE)
    size = SHIPPED.stat().st_size
    print(f"wrote {len(runs)} runs to {SHIPPED.relative_to(ROOT)} "
          f"({size / 1e3:.0f} kB, SHA-256 {digest[:12]}...) in "
          f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
