"""The checks of notebooks 03 and 04: the tuning choice and the accuracy on the test set.

Both call the student's *function* on data of their own as well as on the notebook's, so
that a hard-coded answer fails, compute the right result themselves, and name a wrong one by
comparing it with what each known mistake would give. Neither message shows the value the
student is to compute.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ..nn import accuracy, forward, init_params
from .harness import fail
from .unchanged import call_unchanged

REPORT_BEST_VAL = 0.9029  # the report's best validation accuracy (Table II, lr 2.5e-3)
RUN_COLUMNS = ("lr", "hidden", "seed", "val_acc", "train_acc", "val_loss", "train_loss",
               "best_val_acc", "history")
TUNE_FIX = "tried = {(lr, hidden): mean final validation accuracy over the seeds, ...}"
RUNS_FIX = ("work on runs.groupby(...), or on a copy (frame = runs.copy()): both make new "
            "tables and leave runs as it is.")


# --------------------------------------------------------------------------- tuning
def _per_setting(runs: pd.DataFrame, values: Any, how: str = "mean") -> dict:
    frame = pd.DataFrame({"lr": runs["lr"].astype(float), "hidden": runs["hidden"].astype(float),
                          "v": np.asarray(values, dtype=float)})
    grouped = frame.groupby(["lr", "hidden"])["v"].agg(how)
    return {(float(lr), float(h)): float(v) for (lr, h), v in grouped.items()}


def _quantities(runs: pd.DataFrame) -> list[tuple[str, dict]]:
    """(what a tried dict holds, the dict) for the right quantity first, then each mistake."""
    val_curves = [np.asarray(h["val_acc"], dtype=float) for h in runs["history"]]
    seed0 = runs["seed"] == runs["seed"].min()
    right = _per_setting(runs, runs["val_acc"])
    return [
        ("", right),
        ("the mean *training* accuracy: a network can fit every training image and still "
         "generalise badly; choose on the validation accuracy",
         _per_setting(runs, runs["train_acc"])),
        ("the best epoch's validation accuracy (best_val_acc, or the maximum of the curve): "
         "the runs end after their final epoch, so choose on the final epoch's val_acc",
         _per_setting(runs, runs["best_val_acc"])),
        ("the best epoch's validation accuracy (the maximum of each history's val_acc): "
         "choose on the final epoch's, val_acc",
         _per_setting(runs, [c.max() for c in val_curves])),
        ("the maximum over the seeds, not the mean: one lucky seed decides; average the "
         "seeds with .mean()", _per_setting(runs, runs["val_acc"], "max")),
        ("the minimum over the seeds, not the mean: average the seeds with .mean()",
         _per_setting(runs, runs["val_acc"], "min")),
        ("the median over the seeds, not the mean: average the seeds with .mean()",
         _per_setting(runs, runs["val_acc"], "median")),
        ("the sum over the seeds, not the mean: use .mean()",
         _per_setting(runs, runs["val_acc"], "sum")),
        (f"seed {runs['seed'].min()} only: every setting was run with several seeds; "
         "average them all",
         _per_setting(runs[seed0], runs.loc[seed0, "val_acc"])),
        ("the mean validation *loss*, not an accuracy: choose on the validation accuracy",
         _per_setting(runs, runs["val_loss"])),
        ("the mean training *loss*, not an accuracy: choose on the validation accuracy",
         _per_setting(runs, runs["train_loss"])),
        ("the mean over all epochs of each validation curve: use the final epoch's, val_acc",
         _per_setting(runs, [c.mean() for c in val_curves])),
        ("the first epoch's validation accuracy: use the final epoch's, val_acc",
         _per_setting(runs, [c[0] for c in val_curves])),
        ("percentages: give fractions, as val_acc holds them",
         {k: 100 * v for k, v in right.items()}),
    ]


def _as_pair(key: Any) -> tuple[float, float] | None:
    try:
        first, second = key
        return float(first), float(second)
    except (TypeError, ValueError):
        return None


def _judge_tuning(got: Any, runs: pd.DataFrame, where: str) -> tuple:
    """CheckFailed naming what is wrong with ``got = tune(runs)``; else (tried, choice)."""
    __tracebackhide__ = True
    if got is None:
        fail(f"tune {where}: your function returned None.", "Return (tried, choice).")
    if not isinstance(got, tuple) or len(got) != 2 or not isinstance(got[0], dict):
        fail(f"tune {where}: expected a pair (tried, choice), tried a dict; received "
             f"{type(got).__name__}.", "return tried, max(tried, key=tried.get)")
    tried_in, choice_in = got
    quantities = _quantities(runs)
    right = quantities[0][1]
    example = next(iter(right))
    pairs = [_as_pair(k) for k in tried_in]
    if not tried_in or any(p is None for p in pairs):
        bad = next((k for k, p in zip(tried_in, pairs, strict=True) if p is None), None)
        fail(f"tune {where}: the keys of tried must be (lr, hidden) pairs; "
             + (f"one is {bad!r}." if tried_in else "tried is empty."),
             "Group the runs by both settings: runs.groupby(['lr', 'hidden']). Each key is "
             f"a pair such as {(example[0], int(example[1]))!r}.")
    tried = {p: float(v) for p, v in zip(pairs, tried_in.values(), strict=True)}
    swapped = {(h, lr) for lr, h in right}
    if set(tried) == swapped and set(tried) != set(right):
        fail(f"tune {where}: the keys of tried are (hidden, lr), swapped: e.g. "
             f"{(int(example[1]), example[0])!r}.",
             "The keys are (lr, hidden), learning rate first, as the cell after the check "
             "unpacks them: groupby(['lr', 'hidden']).")
    missing, extra = set(right) - set(tried), set(tried) - set(right)
    if missing or extra:
        fail(f"tune {where}: tried should hold every (lr, hidden) setting of the runs, "
             f"{len(right)} of them; "
             + (f"{len(missing)} are missing, e.g. {min(missing)!r}." if missing else
                f"{extra and min(extra)!r} is not one of them."),
             "Use every run, and group by the two settings (the seeds are averaged).")
    keys = sorted(right)
    got_values = np.array([tried[k] for k in keys])
    for says, candidate in quantities:
        want = np.array([candidate.get(k, np.nan) for k in keys])
        if np.allclose(got_values, want, rtol=1e-9, atol=1e-12, equal_nan=True):
            if not says:
                break
            fail(f"tune {where}: your tried values are {says}.",
                 f"{TUNE_FIX}.")
    else:
        if np.allclose(got_values, [right[k] for k in keys], rtol=1e-6, atol=0):
            fail(f"tune {where}: your tried values agree with the mean final validation "
                 "accuracies to about 7 significant digits, float32's precision: a matter of "
                 "precision, not of the method.",
                 "The check needs them to 9 digits (relative error below 1e-9): keep them as "
                 "Python floats or float64, e.g. float(acc), not np.float32(acc).")
        if np.allclose(got_values, [right[k] for k in keys], rtol=0, atol=5e-4):
            fail(f"tune {where}: your tried values agree with the mean final validation "
                 "accuracies only to a few digits: rounded, or written in by hand?",
                 f"{TUNE_FIX}, computed from `runs` and not rounded.")
        bad = next(k for k in keys if not np.isclose(tried[k], right[k], rtol=1e-9,
                                                     atol=1e-12))
        fail(f"tune {where}: tried[{(bad[0], int(bad[1]))!r}] is not the mean final "
             f"validation accuracy of that setting's runs (your value: {tried[bad]:.6g}); "
             "it matches none of the known mistakes.",
             f"{TUNE_FIX}: the runs' val_acc column, averaged over the seeds.")
    choice = _as_pair(choice_in)
    best = max(right, key=right.get)
    if choice is None:
        fail(f"tune {where}: choice should be one (lr, hidden) pair, a key of tried; "
             f"received {type(choice_in).__name__} {choice_in!r:.40}.",
             "choice = max(tried, key=tried.get)")
    if choice not in tried:
        fail(f"tune {where}: choice {choice_in!r} is not one of the settings in tried"
             + (" (it is (hidden, lr), swapped)." if choice[::-1] in tried else "."),
             "choice = max(tried, key=tried.get): a key of tried, (lr, hidden).")
    if right[choice] < right[best]:  # a tie with the best is as good a choice
        worst = min(right, key=right.get)
        fail(f"tune {where}: choice {choice_in!r} is not the setting with the largest value "
             "in tried"
             + ("; it has the smallest (min instead of max?)." if choice == worst else "."),
             "choice = max(tried, key=tried.get): the key whose value is largest.")
    return tried_in, choice_in


def other_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with their settings' labels moved round and one seed left out, rows shuffled.

    The right choice on these differs from the notebook's, so that a ``tune`` that returns
    a hard-coded answer fails.
    """
    settings = sorted({(float(lr), int(h)) for lr, h in zip(runs["lr"], runs["hidden"],
                                                          strict=True)})
    moved = dict(zip(settings, settings[1:] + settings[:1], strict=True))
    seeds = sorted(set(runs["seed"]))
    frame = runs[runs["seed"] != seeds[-1]] if len(seeds) > 1 else runs
    frame = frame.copy()
    labels = [moved[(float(lr), int(h))] for lr, h in zip(frame["lr"], frame["hidden"],
                                                          strict=True)]
    frame["lr"] = [lr for lr, _ in labels]
    frame["hidden"] = [h for _, h in labels]
    order = np.random.default_rng(5).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def check_tuning_choice(tune_fn: Callable, runs: pd.DataFrame) -> None:
    """Check ``tune(runs) -> (tried, choice)``, notebook 03's tuning exercise.

    ``runs`` is the grid of runs (``bp.sweep``'s table: one row per run, with ``lr``,
    ``hidden``, ``seed``, the final ``val_acc``, ``train_acc``, ... and each ``history``).
    ``tried`` must map each ``(lr, hidden)`` to the mean over the seeds of the final epoch's
    validation accuracy, as a fraction, and ``choice`` be the key with the largest value.
    The check computes this from the runs itself and names the usual mistakes (training
    accuracy, the best epoch, max over seeds, one seed, keys swapped, the loss, ...); it
    then calls ``tune`` on other runs of its own (labels moved round, one seed left out), so
    that a hard-coded answer fails.
    """
    __tracebackhide__ = True
    if not callable(tune_fn):
        raise TypeError("check_tuning_choice(tune, runs) checks your function: pass tune "
                        f"itself, not its result (got {type(tune_fn).__name__})")
    missing = [c for c in RUN_COLUMNS if c not in getattr(runs, "columns", ())]
    if missing:
        raise ValueError(f"runs must be bp.sweep's table of runs; missing columns {missing}")
    first = call_unchanged(tune_fn, "check_tuning_choice", {"runs": runs}, RUNS_FIX)
    tried, choice = _judge_tuning(first, runs, "(the runs passed in)")
    other = other_runs(runs)
    second = call_unchanged(tune_fn, "check_tuning_choice", {"runs": other}, RUNS_FIX)
    if isinstance(second, tuple) and len(second) == 2 and isinstance(second[0], dict) and \
            second[1] == choice and dict(second[0]) == dict(tried):
        fail("tune (other runs: the check's own, its settings' results moved round): your "
             "tune returns the same tried and choice as for the runs passed in.",
             "It must compute them from its argument `runs`, not return numbers written "
             "in or taken from a global variable.")
    _judge_tuning(second, other, "(other runs: the check's own, its settings' results moved "
                                 "round)")
    print(f"tune: tried holds the mean final validation accuracy of all {len(tried)} "
          "settings, and choice is the best; right on the notebook's runs and on other runs")


# --------------------------------------------------------------------------- accuracy_of
def _hint_for(exc: BaseException) -> str | None:
    text = str(exc)
    if isinstance(exc, AttributeError) and "'tuple'" in text:
        return ("(bp.forward returns a pair (y_hat, cache): unpack it, "
                "y_hat, _ = bp.forward(params, X))")
    if "broadcast" in text or isinstance(exc, IndexError):
        return ("(one predicted digit per row: y_hat.argmax(axis=1), over the 10 outputs; "
                "axis=0 runs over the samples)")
    return None


def _cases(params: dict, data: Any) -> list[tuple[str, dict, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(7)
    test_rows = rng.permutation(len(data.test.X))[:500]
    val_rows = rng.permutation(len(data.val.X))[:300]
    dtype = np.asarray(params["W1"]).dtype
    random_net = init_params([784, 40, 10], np.random.default_rng(8), dtype=dtype)
    return [
        ("the network you pass, 500 shuffled test images", params, data.test.X[test_rows],
         data.test.y[test_rows]),
        ("a random network of 40 hidden units, 300 shuffled validation images", random_net,
         data.val.X[val_rows], data.val.y[val_rows]),
        ("the network you pass, 10 test images", params, data.test.X[test_rows[:10]],
         data.test.y[test_rows[:10]]),
    ]


def _accuracy_mistakes(net, X, y, params, data) -> list[tuple[str, float]]:
    right = accuracy(net, X, y)
    out = np.asarray(forward(net, X)[0], dtype=float)
    return [
        ("it returns a percentage: return the fraction (the share), as bp.accuracy does.",
         100 * right),
        ("it returns the number of right rows, not their share: divide by len(y), or take "
         "np.mean of the comparison.", right * len(y)),
        ("it returns the share of wrong rows (the error rate): count the rows whose largest "
         "output IS the digit y.", 1 - right),
        ("it takes the smallest output (argmin): the prediction is the digit with the largest "
         "output, argmax(axis=1).", float(np.mean(out.argmin(axis=1) == y))),
        ("it compares output values (probabilities) with the labels: compare the predicted "
         "digit, y_hat.argmax(axis=1), with y.", float(np.mean(out.max(axis=1) == y))),
        ("it compares output values (probabilities) with the labels: compare the predicted "
         "digit, y_hat.argmax(axis=1), with y.", float(np.mean(out == y[:, None]))),
        ("it ignores X and y and gives the accuracy on the whole test set (from data.test, or "
         "written in): compute it from the X and y passed in.",
         accuracy(params, data.test.X, data.test.y)),
        ("it ignores params and uses a network from outside the function: compute the "
         "outputs of the params passed in.",
         accuracy(params, X, y) if net is not params else np.nan),
        ("it rounds: return the share unrounded.", round(right, 2)),
        ("it rounds: return the share unrounded.", round(right, 3)),
    ]


def check_test_accuracy(accuracy_of: Callable, params: dict[str, np.ndarray],
                        data: Any) -> None:
    """Check ``accuracy_of(params, X, y) -> share of rows whose largest output is y`` (04).

    The student's function is called on three networks and data sets of the check's own:
    the network passed (``params``) on a shuffled subset of the test images, a random
    network on validation images, and ``params`` on ten images. A constant, or the test
    accuracy written in, fails; the messages never show the accuracy to compute.
    """
    __tracebackhide__ = True
    if not callable(accuracy_of):
        raise TypeError("check_test_accuracy(accuracy_of, params, data) checks your function:"
                        f" pass accuracy_of itself, not its result (got "
                        f"{type(accuracy_of).__name__})")
    cases = _cases(params, data)
    values, rights = [], []
    for label, net, X, y in cases:
        where = f"accuracy_of ({label})"
        try:
            got = call_unchanged(accuracy_of, "check_test_accuracy",
                                 {"params": net, "X": X, "y": y},
                                 "y_hat, _ = bp.forward(params, X), then compare y_hat's "
                                 "argmax with y.")
        except Exception as exc:  # the student's own error: keep it, add what to look at
            hint = _hint_for(exc)
            if hint and hasattr(exc, "add_note") and not isinstance(exc, AssertionError):
                exc.add_note(hint)
            raise
        if got is None:
            fail(f"{where}: your function returned None.", "Did you forget `return`?")
        if isinstance(got, tuple | list) or np.ndim(got) != 0:
            fail(f"{where}: expected one number, the share of right rows; received "
                 f"{type(got).__name__} of shape {np.shape(got)}.",
                 "Take the mean of the comparison: np.mean(y_hat.argmax(axis=1) == y).")
        if not isinstance(got, Real | np.number | np.ndarray) or isinstance(got, bool):
            fail(f"{where}: expected a number, received {type(got).__name__}.")
        values.append(float(got))
        rights.append(accuracy(net, X, y))
    wrong = [i for i, (v, r) in enumerate(zip(values, rights, strict=True))
             if not np.isclose(v, r, rtol=0, atol=1e-6)]
    if not wrong:
        print("accuracy_of: right on the network you pass and on a random network, with "
              "shuffled test and validation images (its value is yours to print)")
        return
    first = wrong[0]
    where = f"accuracy_of ({cases[first][0]})"
    # a mistake is known when it explains every case the function got wrong
    tables = [_accuracy_mistakes(net, X, y, params, data) for _, net, X, y in cases]
    known = []
    for j, (says, _) in enumerate(tables[0]):
        given = [(values[i], tables[i][j][1]) for i in wrong if np.isfinite(tables[i][j][1])]
        if given and all(np.isclose(v, w, rtol=1e-9, atol=1e-9) for v, w in given) and \
                says not in known:
            known.append(says)
    if not known and len(set(values)) == 1:
        fail(f"{where}: your accuracy_of gives the same number for every network and data "
             "the check tried, and that is wrong here.",
             "It must compute the share from the params, X and y passed in, not return one "
             "number (written in, or computed once from outside).")
    fail(f"{where}: what your accuracy_of returned is not the share of these rows whose "
         "largest output is the digit y.",
         "Known mistake: " + " Or: ".join(known) if known else
         "It matches none of the known mistakes: y_hat, _ = bp.forward(params, X); the "
         "prediction is y_hat.argmax(axis=1); the accuracy is the mean of (prediction == y).")
