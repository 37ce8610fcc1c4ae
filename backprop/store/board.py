"""What the class's board shows, computed from the class's runs (no widgets: plain data).

:func:`grid` is the learning rate x hidden units picture, :func:`class_table` rebuilds the
report's Table I (hidden units) or Table II (learning rates) from the class's runs, and
:func:`best_run` is the best run so far. :class:`backprop.widgets.ClassBoard` draws them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .core import ClassRun

# The report's tables (/work/shared/report, "TABLE I" and "TABLE II"): validation and
# training accuracy in percent; its runs: 3000 training images, quadratic loss, 100 epochs.
REPORT_TABLE_I = {"hidden": (30, 60, 90, 110, 150, 200),
                  "train": (86.0, 90.4, 91.06, 91.56, 91.3, 91.3),
                  "val": (84.6, 88.79, 89.53, 89.53, 89.53, 89.5)}
REPORT_TABLE_II = {"lr": (5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2),
                   "train": (88.6, 91.23, 93.96, 96.26, 97.6),
                   "val": (87.68, 89.61, 90.29, 89.72, 89.39)}
CHANCE = 0.2  # a run ending below 20 % validation (chance is 10 %) learned nothing


def lr_label(lr: float) -> str:
    """A learning rate as the board writes it (3 significant digits, as the slider)."""
    return f"{lr:.3g}"


def verdict(run: ClassRun) -> str:
    """``"diverged"`` (the loss became NaN), ``"chance"`` (learned nothing) or ``"ok"``."""
    if run.diverged or not math.isfinite(run.val_acc):
        return "diverged"
    return "chance" if run.val_acc < CHANCE else "ok"


def _better(a: ClassRun | None, b: ClassRun) -> ClassRun:
    """The better of two runs of one cell: a finished run beats a diverged one."""
    if a is None:
        return b
    return b if _score(b) > _score(a) else a


def _score(run: ClassRun) -> float:
    return -1.0 if verdict(run) == "diverged" else run.val_acc


def grid(runs: Iterable[ClassRun]) -> dict[str, Any]:
    """The class's runs on a learning rate x hidden units grid.

    Returns
    -------
    dict
        ``lrs`` (sorted floats, the columns), ``hiddens`` (sorted ints, the rows) and
        ``cells``: ``{(hidden, lr_label): (best run of the cell, number of runs)}``; the
        best run of a cell is its highest validation accuracy (other settings may differ).
    """
    cells: dict[tuple[int, str], tuple[ClassRun | None, int]] = {}
    lrs: dict[str, float] = {}
    for run in runs:
        label = lr_label(run.config["lr"])
        lrs.setdefault(label, float(run.config["lr"]))
        key = (int(run.config["hidden"]), label)
        best, count = cells.get(key, (None, 0))
        cells[key] = (_better(best, run), count + 1)
    return {"lrs": sorted(lrs.values()), "hiddens": sorted({h for h, _ in cells}),
            "cells": cells}


def class_table(runs: Iterable[ClassRun], by: str) -> list[dict[str, Any]]:
    """Table I (``by="hidden"``) or Table II (``by="lr"``): the report's columns and the
    class's, each with the report's accuracies (None where it has none) and the class's best
    (None where no run has that value), and the class's runs there.

    Columns match when their values agree to the slider's precision (3 significant digits
    for learning rates): the report's 2.5e-3 is the slider's 0.00251.
    """
    report = REPORT_TABLE_I if by == "hidden" else REPORT_TABLE_II
    label = (lambda v: str(int(v))) if by == "hidden" else lr_label
    columns: dict[str, dict[str, Any]] = {}
    for value, train, val in zip(report[by], report["train"], report["val"], strict=True):
        columns[label(value)] = {"value": value, "report_train": train, "report_val": val,
                                 "best": None, "runs": 0}
    for run in runs:
        value = run.config[by]
        col = columns.setdefault(_nearest(label(value), columns, by), {
            "value": value, "report_train": None, "report_val": None, "best": None, "runs": 0})
        col["runs"] += 1
        if verdict(run) != "diverged":
            col["best"] = run if col["best"] is None or run.val_acc > col["best"].val_acc \
                else col["best"]
    return sorted(columns.values(), key=lambda c: c["value"])


def _nearest(text: str, columns: dict, by: str) -> str:
    if by != "lr" or text in columns:
        return text
    value = float(text)
    for other in columns:  # 0.00251 (slider) and 0.0025 (report) are one column
        if abs(math.log10(float(other) / value)) < 0.02:
            return other
    return text


def best_run(runs: Iterable[ClassRun]) -> ClassRun | None:
    """The run with the highest validation accuracy that did not diverge, or None."""
    done = [r for r in runs if verdict(r) != "diverged"]
    return max(done, key=lambda r: r.val_acc, default=None)
