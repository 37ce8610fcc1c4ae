"""The catalogue of notebooks 02-05: wrong and right work for check_sgd_epoch, check_trained,
check_tuning_choice, check_test_accuracy (``accuracy_of``) and check_answer.

Each wrong implementation is written as a student writes it, one mistake at a time; the
gaming entries are constants, answers written in, and answers read off an earlier message.
Where the student's own function raises (``argmax(axis=0)``, a tuple taken for an array),
what the student sees is that exception with the check's notes under it: :func:`shown`
turns it into a ``CheckFailed`` of that text, so that the runner can read it.

The data (MNIST, a trained network, the runs) are loaded on first use and kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd

import backprop as bp
from backprop import checks
from backprop.checks import CheckFailed

from . import Right, Wrong


# --------------------------------------------------------------------------- data, once
@functools.cache
def mnist():
    return bp.load_mnist()


@functools.cache
def trained():
    """A network of 30 hidden units, 5 epochs at lr 1.0 (about 90 % on validation)."""
    params = bp.init_params([784, 30, 10], np.random.default_rng(0))
    params, _ = bp.train(params, mnist().train, lr=1.0, n_epochs=5, loss="cross_entropy",
                         rng=np.random.default_rng(1), progress=False)
    return params


@functools.cache
def grid_runs() -> pd.DataFrame:
    """Notebook 03's grid, from the shipped (or cached) runs: nothing is trained."""
    base = dict(hidden=110, lr=1e-2, n_epochs=100, batch_size=10, loss="cross_entropy",
                init="normal_scaled")
    return bp.sweep([dict(base, hidden=h, lr=lr, seed=s) for h in [30, 110, 200]
                     for lr in [0.01, 0.1, 1.0] for s in [0, 1, 2]], progress=False)


@functools.cache
def made_up_runs() -> pd.DataFrame:
    """A small grid of made-up runs (12 epochs) in which every known mistake of tuning
    chooses a setting other than the right one."""
    rng = np.random.default_rng(19)
    rows = []
    for lr in (0.01, 0.1, 1.0):
        for hidden in (30, 110, 200):
            level = rng.uniform(0.85, 0.93)
            for seed in (0, 1, 2):
                val = np.clip(level + np.cumsum(rng.normal(0.002, 0.01, 12)), 0, 1)
                train = np.clip(val + rng.uniform(0.01, 0.08), 0, 1)
                history = {"train_acc": list(train), "val_acc": list(val),
                           "train_loss": list(rng.uniform(0.05, 0.5, 12)),
                           "val_loss": list(rng.uniform(0.3, 0.9, 12))}
                rows.append(dict(lr=lr, hidden=hidden, seed=seed, train_acc=train[-1],
                                 val_acc=val[-1], train_loss=history["train_loss"][-1],
                                 val_loss=history["val_loss"][-1], best_val_acc=val.max(),
                                 history=history))
    return pd.DataFrame(rows)


def shown(run: Callable[[], None]) -> Callable[[], None]:
    """``run``, with a student's own exception turned into what the student reads: its
    last line and the notes the check added, as a CheckFailed."""
    def wrapped():
        try:
            run()
        except CheckFailed:
            raise
        except Exception as exc:
            notes = "\n".join(getattr(exc, "__notes__", []))
            raise CheckFailed(f"{type(exc).__name__}: {exc}\n{notes}") from exc
    return wrapped


# --------------------------------------------------------------------------- SGD epoch
def sgd(update="new", sign=1.0, order_from="rng", start=0, short=0, whole_set=False,
        shuffle_Y=True, loss_used=None, lr_used=None, scale=1.0, return_early=False,
        dtype=None, drop_last=False, cache_order=False, result="params"):
    """A student's SGD epoch with bp.forward/bp.backward; each keyword one mistake."""
    remembered = {}

    def sgd_epoch(params, X, Y, lr, batch_size, loss, rng):
        n = len(X)
        if order_from == "rng":
            order = rng.permutation(n)
        elif order_from == "own generator":
            order = np.random.default_rng(0).permutation(n)
        elif order_from == "np.random":
            order = np.random.permutation(n)  # noqa: NPY002  (the mistake itself)
        else:  # "file order"
            order = np.arange(n)
        if cache_order:
            order = remembered.setdefault("order", order)
        if dtype is not None:
            params = {k: v.astype(dtype) for k, v in params.items()}
        stop = n - n % batch_size if drop_last else n
        for s in range(start, stop, batch_size):
            rows = order[s:s + batch_size - short]
            x_rows = np.arange(n) if whole_set else rows
            y_rows = x_rows if shuffle_Y else np.arange(n)[s:s + len(rows)]
            _, cache = bp.forward(params, X[x_rows])
            grads = bp.backward(params, cache, Y[y_rows], loss=loss_used or loss)
            step = lr if lr_used is None else lr_used
            if update == "in place":
                for k in params:
                    params[k] -= sign * scale * step * grads[k]
            else:
                params = {k: params[k] - sign * scale * step * grads[k] for k in params}
            if return_early:
                return params
        if result == "none":
            return None
        return params
    return sgd_epoch


def right_sgd_loop_per_key(params, X, Y, lr, batch_size, loss, rng):
    """Right: a copy first, then in-place steps on the copy only."""
    params = {k: v.copy() for k, v in params.items()}
    order = rng.permutation(len(X))
    for s in range(0, len(X), batch_size):
        rows = order[s:s + batch_size]
        _, cache = bp.forward(params, X[rows])
        grads = bp.backward(params, cache, Y[rows], loss=loss)
        for k in params:
            params[k] -= lr * grads[k]
    return params


def right_sgd_shuffled_copies(params, X, Y, lr, batch_size, loss, rng):
    """Right: shuffle X and Y together once, then walk through them in slices."""
    order = rng.permutation(len(X))
    Xs, Ys = X[order], Y[order]
    batches = np.array_split(np.arange(len(X)), np.arange(batch_size, len(X), batch_size))
    for rows in batches:
        _, cache = bp.forward(params, Xs[rows])
        grads = bp.backward(params, cache, Ys[rows], loss=loss)
        params = {k: w - lr * grads[k] for k, w in params.items()}
    return params


def sgd_wrong(mistake, says, fix="", gaming=False, **kw):
    return Wrong("check_sgd_epoch", mistake, lambda: checks.check_sgd_epoch(sgd(**kw)),
                 says, fix, gaming)


SGD = [
    sgd_wrong("updates params in place (params[k] -= lr * grads[k])",
              ("changed its argument params['W1'] in place",), "build new values instead",
              update="in place"),
    sgd_wrong("lr applied with the wrong sign (w + lr * d_w)", ("gradient ascent",),
              "w - lr * d_w", sign=-1.0),
    sgd_wrong("each step with the gradient of the whole set", ("whole set",),
              "forward and backward on X[rows], Y[rows] only", whole_set=True),
    sgd_wrong("shuffles X but not Y", ("X is shuffled but Y is not",), "X[rows] and Y[rows]",
              shuffle_Y=False),
    sgd_wrong("shuffles with a Generator of its own, not the rng passed in",
              ("drew nothing from the rng",), "order = rng.permutation(len(X))",
              order_from="own generator"),
    sgd_wrong("shuffles with np.random.permutation", ("drew nothing from the rng",),
              "order = rng.permutation(len(X))", order_from="np.random"),
    sgd_wrong("never shuffles (file order)", ("never shuffles", "file order"),
              "order = rng.permutation(len(X))", order_from="file order"),
    sgd_wrong("shuffles once and keeps that order", ("epoch 2 used epoch 1's order",),
              "Draw a new order", cache_order=True),
    sgd_wrong("batch loop off by one: starts at 1", ("off by one", "order[0]"),
              "range(0, len(X), batch_size)", start=1),
    sgd_wrong("minibatch slice one row short", ("one row short",),
              "order[start:start + batch_size]", short=1),
    sgd_wrong("drops the last partial batch", ("drops the last partial batch",),
              "range(0, len(X), batch_size)", drop_last=True),
    sgd_wrong("return inside the loop", ("returns after the first minibatch",),
              "Return once, after the loop", return_early=True),
    sgd_wrong("ignores `loss` (always the quadratic)", ("ignores `loss`",),
              "pass loss=loss", loss_used="mse"),
    sgd_wrong("ignores lr", ("ignores lr",), "Multiply the gradient by lr", lr_used=1.0),
    sgd_wrong("steps with the summed gradient (lr * batch_size)",
              ("batch_size times too large",), "not w - lr * batch_size * d_w", scale=5.0),
    sgd_wrong("computes in float32", ("float32", "precision"), "keep the dtype you are given",
              dtype=np.float32),
    sgd_wrong("forgets to return", ("returned None",), "Return the new parameters",
              result="none"),
    Wrong("check_sgd_epoch", "returns its input unchanged (a do-nothing epoch)",
          lambda: checks.check_sgd_epoch(lambda params, X, Y, lr, batch_size, loss, rng:
                                         (rng.permutation(len(X)), params)[1]),
          ("returns the parameters from the start of the epoch unchanged",),
          "Step every parameter", True),
    Wrong("check_sgd_epoch", "returns bp.init_params of its own (a constant network)",
          lambda: checks.check_sgd_epoch(
              lambda params, X, Y, lr, batch_size, loss, rng: bp.init_params(
                  [784, 16, 10], np.random.default_rng(rng.integers(9)), dtype=np.float64)),
          ("differ from the reference's", "matches none of the known mistakes"),
          "compare the loop with this", True),
    Wrong("check_sgd_epoch", "shuffles X in place (rng.shuffle(X))",
          lambda: checks.check_sgd_epoch(_shuffles_X_in_place),
          ("changed its argument 'X' in place",), "compute a new one instead"),
]


def _shuffles_X_in_place(params, X, Y, lr, batch_size, loss, rng):
    rng.shuffle(X)
    for s in range(0, len(X), batch_size):
        _, cache = bp.forward(params, X[s:s + batch_size])
        grads = bp.backward(params, cache, Y[s:s + batch_size], loss=loss)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params


SGD_RIGHT = [
    Right("check_sgd_epoch", "a dict comprehension per minibatch",
          lambda: checks.check_sgd_epoch(sgd())),
    Right("check_sgd_epoch", "copies first, then in-place steps on the copies",
          lambda: checks.check_sgd_epoch(right_sgd_loop_per_key)),
    Right("check_sgd_epoch", "X, Y shuffled together, np.array_split into minibatches",
          lambda: checks.check_sgd_epoch(right_sgd_shuffled_copies)),
]


# --------------------------------------------------------------------------- trained network
def _trained_on_validation():
    params = bp.init_params([784, 30, 10], np.random.default_rng(0))
    params, _ = bp.train(params, mnist().val, lr=1.0, n_epochs=3, loss="cross_entropy",
                         rng=np.random.default_rng(1), progress=False)
    return params


def _diverged():
    params = {k: v.copy() for k, v in trained().items()}
    params["W2"][0, 0] = np.nan
    return params


TRAINED = [
    Wrong("check_trained", "hands in the untrained network",
          lambda: checks.check_trained(bp.init_params([784, 30, 10],
                                                      np.random.default_rng(0)), mnist()),
          ("validation accuracy", "below 85 %"), "train longer"),
    Wrong("check_trained", "training diverged (NaN in the weights)",
          lambda: checks.check_trained(_diverged(), mnist()),
          ("W2 contains NaN", "diverged"), "smaller learning rate"),
    Wrong("check_trained", "passes (params, history) from bp.train",
          lambda: checks.check_trained((trained(), {}), mnist()),
          ("tuple", "(params, history)"), "Pass the parameters alone"),
    Wrong("check_trained", "W1 transposed (10 x 784 layout)",
          lambda: checks.check_trained({**trained(), "W1": trained()["W1"].T}, mnist()),
          ("W1 has shape (30, 784)",), "W1 is (784, hidden)"),
    Wrong("check_trained", "trains on the validation set", lambda: checks.check_trained(
        _trained_on_validation(), mnist()), ("trained on the validation images",),
        "Train on data.train only", True),
    Wrong("check_trained", "a network of zeros (a constant)", lambda: checks.check_trained(
        {k: np.zeros_like(v) for k, v in trained().items()}, mnist()),
        ("validation accuracy", "below 85 %"), "train longer", True),
    Wrong("check_trained", "passes the gradients' names (keys dW1, ...)",
          lambda: checks.check_trained({"d" + k: v for k, v in trained().items()}, mnist()),
          ("expected a dict with keys",), "Pass the parameters your training returned"),
]
TRAINED_RIGHT = [
    Right("check_trained", "five epochs at lr 1.0, 30 hidden units",
          lambda: checks.check_trained(trained(), mnist())),
    Right("check_trained", "the same network in float64",
          lambda: checks.check_trained({k: v.astype(np.float64) for k, v in trained().items()},
                                       mnist())),
]


# --------------------------------------------------------------------------- tuning
def tune_with(column="val_acc", how="mean", keys=("lr", "hidden"), pick=max, seed0=False,
              scale=1.0):
    def tune(runs):
        frame = runs[runs["seed"] == 0] if seed0 else runs
        means = frame.groupby(list(keys))[column].agg(how)
        tried = {tuple(float(x) if i == keys.index("lr") else int(x)
                       for i, x in enumerate(k)): scale * float(v) for k, v in means.items()}
        return tried, pick(tried, key=tried.get)
    return tune


def right_tune_loops(runs):
    """Right: plain loops over the rows, the final epoch read from each history."""
    sums, counts = {}, {}
    for _, row in runs.iterrows():
        key = (row["lr"], row["hidden"])
        sums[key] = sums.get(key, 0.0) + row["history"]["val_acc"][-1]
        counts[key] = counts.get(key, 0) + 1
    tried = {k: sums[k] / counts[k] for k in sums}
    best = None
    for k, v in tried.items():
        if best is None or v > tried[best]:
            best = k
    return tried, best


def right_tune_pivot(runs):
    """Right: a pivot table, then idxmax over the stacked table."""
    table = runs.pivot_table(index="lr", columns="hidden", values="val_acc", aggfunc="mean")
    stacked = table.stack()
    return {(float(lr), int(h)): float(v) for (lr, h), v in stacked.items()}, tuple(
        stacked.idxmax())


def _best_epoch_from_history(runs):
    best = runs["history"].map(lambda h: max(h["val_acc"]))
    means = best.groupby([runs["lr"], runs["hidden"]]).mean()
    tried = {(float(lr), int(h)): float(v) for (lr, h), v in means.items()}
    return tried, max(tried, key=tried.get)


def _adds_a_column(runs):
    runs["score"] = runs["val_acc"]
    return tune_with()(runs)


def _grouped_by_lr_only(runs):
    means = runs.groupby("lr")["val_acc"].mean()
    tried = {float(lr): float(v) for lr, v in means.items()}
    return tried, max(tried, key=tried.get)


def _hard_coded(runs):
    """Gaming: the notebook's answer, typed in from an earlier run."""
    tried = {k: round(v, 4) for k, v in tune_with()(grid_runs())[0].items()}
    return tried, (1.0, 110)


def _written_in_exactly(runs):
    """Gaming: the notebook's answer to all digits, pasted from an earlier output."""
    return {(1.0, 110): 0.0, **tune_with()(grid_runs())[0]}, (1.0, 110)


def _right_values_fixed_choice(runs):
    """Gaming: right tried, but the choice written in (as read off the next cell)."""
    return tune_with()(runs)[0], (1.0, 110)


def _copied_from_global(runs):
    """Gaming: the answer computed from the notebook's global grid, not the argument."""
    return tune_with()(grid_runs())


def tune_wrong(mistake, says, fix, tune, runs=made_up_runs, gaming=False, never=()):
    return Wrong("check_tuning_choice", mistake,
                 lambda: checks.check_tuning_choice(tune, runs()), says, fix, gaming, never)


TUNING = [
    tune_wrong("chooses on training accuracy", ("tried values are", "*training* accuracy"),
               "mean final validation accuracy", tune_with("train_acc"),
               never=("validation accuracy 100",)),
    tune_wrong("chooses on training accuracy (the notebook's runs)",
               ("*training* accuracy",), "mean final validation accuracy",
               tune_with("train_acc"), runs=grid_runs, never=("100.00 %",)),
    tune_wrong("chooses on the best epoch (best_val_acc)", ("best epoch",),
               "final epoch's val_acc", tune_with("best_val_acc")),
    tune_wrong("chooses on the best epoch of each history", ("best epoch",),
               "final epoch's", _best_epoch_from_history, runs=grid_runs),
    tune_wrong("max over seeds instead of mean", ("maximum over the seeds",),
               "average the seeds", tune_with(how="max")),
    tune_wrong("max over seeds instead of mean (the notebook's runs)",
               ("maximum over the seeds",), "average the seeds", tune_with(how="max"),
               runs=grid_runs),
    tune_wrong("seed 0 only", ("seed 0 only",), "average them all", tune_with(seed0=True),
               runs=grid_runs),
    tune_wrong("median over seeds", ("median over the seeds",), "average the seeds",
               tune_with(how="median")),
    tune_wrong("swapped keys (hidden, lr)", ("(hidden, lr), swapped",),
               "learning rate first", tune_with(keys=("hidden", "lr")), runs=grid_runs,
               never=("learning rate 110",)),
    tune_wrong("smallest validation loss", ("validation *loss*", "not an accuracy"),
               "mean final validation accuracy", tune_with("val_loss", pick=min),
               runs=grid_runs, never=("55.89 %", "%")),
    tune_wrong("accuracies as percentages", ("percentages",), "give fractions",
               tune_with(scale=100.0)),
    tune_wrong("choice is the smallest (min instead of max)", ("smallest",),
               "max(tried, key=tried.get)", tune_with(pick=min)),
    tune_wrong("groups by lr only", ("(lr, hidden) pairs",), "groupby(['lr', 'hidden'])",
               _grouped_by_lr_only),
    tune_wrong("adds a column to the runs in place", ("changed its argument runs",
                                                       "in place"),
               "build new values instead", _adds_a_column),
    tune_wrong("returns the notebook's answer, written in (4 digits)", ("written in by hand",),
               "computed from `runs` and not rounded", _hard_coded, runs=grid_runs, gaming=True),
    tune_wrong("returns the notebook's answer pasted to all digits", ("other runs",
                                                                     "same tried and choice"),
               "compute them from its argument", _written_in_exactly, runs=grid_runs,
               gaming=True),
    tune_wrong("right tried, choice written in", ("other runs", "is not the setting with the "
                                                  "largest value"),
               "max(tried, key=tried.get)", _right_values_fixed_choice, runs=grid_runs,
               gaming=True),
    tune_wrong("computes from the global grid_runs, not its argument", ("other runs",),
               "compute them from its argument", _copied_from_global, runs=grid_runs,
               gaming=True),
    tune_wrong("returns the choice alone", ("expected a pair (tried, choice)",),
               "return tried, max(tried, key=tried.get)",
               lambda runs: tune_with()(runs)[1]),
]
TUNING_RIGHT = [
    Right("check_tuning_choice", "groupby mean and max(key=tried.get)",
          lambda: checks.check_tuning_choice(tune_with(), grid_runs())),
    Right("check_tuning_choice", "loops over the rows, final epoch from each history",
          lambda: checks.check_tuning_choice(right_tune_loops, grid_runs())),
    Right("check_tuning_choice", "a pivot table and idxmax (made-up runs)",
          lambda: checks.check_tuning_choice(right_tune_pivot, made_up_runs())),
]


# --------------------------------------------------------------------------- accuracy_of
def acc_right(params, X, y):
    y_hat, _ = bp.forward(params, X)
    return float(np.mean(y_hat.argmax(axis=1) == y))


def acc_loop(params, X, y):
    """Right: a loop over the rows, counting."""
    y_hat = bp.forward(params, X)[0]
    right = 0
    for row, label in zip(y_hat, y, strict=True):
        right += int(np.argmax(row) == label)
    return right / len(y)


def check_acc(fn):
    return lambda: checks.check_test_accuracy(fn, trained(), mnist())


def acc_wrong(mistake, says, fix, fn, gaming=False, never=()):
    return Wrong("check_test_accuracy", mistake, shown(check_acc(fn)), says, fix, gaming,
                 never)


_TEST = {}


def _global_test_accuracy(params, X, y):
    """Gaming: the test accuracy computed once from the notebook's data, whatever is asked."""
    if "acc" not in _TEST:
        _TEST["acc"] = acc_right(trained(), mnist().test.X, mnist().test.y)
    return _TEST["acc"]


def _scale_X_in_place(params, X, y):
    X -= X.mean()  # "centre the pixels", in place
    return acc_right(params, X, y)


ACCURACY = [
    acc_wrong("returns a constant (the number the old check printed)",
              ("accuracy_of (the network you pass, 500 shuffled test images)",
               "same number for every network"), "compute the share from the params, X and y",
              lambda params, X, y: 0.9291, True, ("the network's is",)),
    acc_wrong("returns the test accuracy computed from outside", ("whole test set",),
              "compute it from the X and y passed in", _global_test_accuracy, True),
    acc_wrong("returns 0.5 for anything (a constant)", ("same number for every network",),
              "not return one number", lambda params, X, y: 0.5, True),
    acc_wrong("returns a random number", ("not the share", "none of the known mistakes"),
              "the accuracy is the mean",
              lambda params, X, y: float(np.random.default_rng().uniform(0.8, 1)), True),
    acc_wrong("uses the notebook's network, ignoring params",
              ("a random network", "ignores params"), "the params passed in",
              lambda params, X, y: acc_right(trained(), X, y)),
    acc_wrong("argmax(axis=0)", ("ValueError", "raised by your", "check_test_accuracy",
                                 "axis=1"), "argmax(axis=1)",
              lambda params, X, y: float(np.mean(bp.forward(params, X)[0].argmax(axis=0)
                                                 == y))),
    acc_wrong("forgets that forward returns a tuple", ("AttributeError", "raised by your",
                                                       "returns a pair"),
              "y_hat, _ = bp.forward(params, X)",
              lambda params, X, y: float(np.mean(bp.forward(params, X).argmax(axis=1) == y))),
    acc_wrong("returns a percentage", ("percentage",), "return the fraction",
              lambda params, X, y: 100 * acc_right(params, X, y)),
    acc_wrong("returns the count", ("number of right rows",), "divide by len(y)",
              lambda params, X, y: acc_right(params, X, y) * len(y)),
    acc_wrong("returns the error rate", ("share of wrong rows",), "IS the digit y",
              lambda params, X, y: 1 - acc_right(params, X, y)),
    acc_wrong("argmin instead of argmax", ("argmin",), "argmax(axis=1)",
              lambda params, X, y: float(np.mean(bp.forward(params, X)[0].argmin(axis=1)
                                                 == y))),
    acc_wrong("compares probabilities with the labels", ("output values (probabilities)",),
              "y_hat.argmax(axis=1)",
              lambda params, X, y: float(np.mean(bp.forward(params, X)[0].max(axis=1) == y))),
    acc_wrong("forgets the mean (returns the boolean array)", ("expected one number",),
              "np.mean(y_hat.argmax(axis=1) == y)",
              lambda params, X, y: bp.forward(params, X)[0].argmax(axis=1) == y),
    acc_wrong("rounds to two digits", ("rounds",), "unrounded",
              lambda params, X, y: round(acc_right(params, X, y), 2)),
    acc_wrong("changes X in place", ("changed its argument 'X' in place",),
              "compute a new one instead", _scale_X_in_place),
    acc_wrong("forgets to return", ("returned None",), "forget `return`",
              lambda params, X, y: None),
]
ACCURACY_RIGHT = [
    Right("check_test_accuracy", "argmax(axis=1) and np.mean", check_acc(acc_right)),
    Right("check_test_accuracy", "a loop over the rows", check_acc(acc_loop)),
    Right("check_test_accuracy", "bp.predict and a count",
          check_acc(lambda params, X, y: np.count_nonzero(bp.predict(params, X) == y) / len(y))),
]


# --------------------------------------------------------------------------- check_answer
def answer(exercise, value, **context):
    return lambda: checks.check_answer(exercise, value() if callable(value) else value,
                                       **{k: v() if callable(v) else v
                                          for k, v in context.items()})


def answer_wrong(exercise, mistake, value, says, fix="", gaming=False, **context):
    return Wrong(f"check_answer {exercise}", mistake, answer(exercise, value, **context),
                 (f"exercise {exercise}", *says), fix, gaming)


HISTORY = {"val_acc": [0.80, 0.93, 0.91, 0.92], "train_acc": [0.85, 0.99, 1.0, 0.97]}


def _runs_03_5():
    """Made-up runs: by mean best_val_acc 0.1; by final val_acc 1.0; by the maximum over
    seeds 3.0; by training accuracy 0.3."""
    return pd.DataFrame({"lr": [0.1, 0.1, 0.3, 0.3, 1.0, 1.0, 3.0, 3.0],
                         "best_val_acc": [0.93, 0.95, 0.90, 0.90, 0.935, 0.935, 0.96, 0.80],
                         "val_acc": [0.92, 0.90, 0.89, 0.89, 0.93, 0.93, 0.85, 0.80],
                         "train_acc": [0.97, 0.97, 1.0, 1.0, 0.99, 0.99, 0.95, 0.95]})


def _two_nets():
    second = bp.init_params([784, 30, 10], np.random.default_rng(2))
    return trained(), second


def _counts():
    first, second = _two_nets()
    d = mnist()
    r1 = bp.predict(first, d.test.X) == d.test.y
    r2 = bp.predict(second, d.test.X) == d.test.y
    return int(np.sum(r1 & ~r2)), int(np.sum(~r1 & r2))


def _share(which=1, over_all=False, percent=False):
    out = bp.forward(trained(), mnist().test.X)[0]
    y = mnist().test.y
    wrong = np.flatnonzero(out.argmax(axis=1) != y)
    hits = np.argsort(-out[wrong], axis=1, kind="stable")[:, which] == y[wrong]
    share = hits.sum() / (len(y) if over_all else len(wrong))
    return float(100 * share if percent else share)


def tiny(i):
    """What the i-th known mistake of 01-6 / 01-7 gives, as a student would have computed it."""
    return lambda: checks.answers.tiny_mistakes()[i][2]


NETS = {"first": lambda: _two_nets()[0], "second": lambda: _two_nets()[1], "data": mnist}
SHARE = {"params": trained, "data": mnist}
ANSWERS = [
    answer_wrong("01-6", "the loss before the step", 0.113581, ("loss before the step",),
                 "take the step first"),
    answer_wrong("01-6", "a step uphill", tiny(1),
                 ("uphill",), "w - lr * d_w"),
    answer_wrong("01-6", "a step of lr 1", tiny(2),
                 ("lr 1",), "lr 0.5"),
    answer_wrong("01-6", "cross-entropy after the step",
                 tiny(3), ("cross-entropy",),
                 "the quadratic loss"),
    answer_wrong("01-6", "no 1/2 in the quadratic loss",
                 tiny(5), ("without the 1/2",), "L = (y_hat - y)^2 / 2"),
    answer_wrong("01-6", "a guess (a constant)", 0.1, ("is not 0.1",), "Redo the table's rows",
                 gaming=True),
    answer_wrong("01-7", "the quadratic loss's d_u5", tiny(6),
                 ("quadratic loss's d_u5",), "sigma'(u5) cancels"),
    answer_wrong("01-7", "sign flipped", 0.476615, ("sign is wrong",), "y_hat - y"),
    answer_wrong("01-7", "y_hat itself", tiny(8),
                 ("y_hat itself",), "minus the target"),
    answer_wrong("01-7", "the loss, not its derivative",
                 tiny(9), ("not its derivative",), "y_hat - y"),
    answer_wrong("01-7", "a (1, 2) array", np.zeros((1, 2)), ("expected one number",),
                 "Give the one value"),
    answer_wrong("01-7", "rounded to two digits (a guess near it)", -0.48, ("is rounded",),
                 "give all the digits", gaming=True),
    answer_wrong("02-4", "Run 2's rate unchanged", 0.01, ("Run 2's rate",),
                 "Which rate makes"),
    answer_wrong("02-4", "multiplied by the batch size (10 times too large)", 0.1,
                 ("multiplies by the batch size",), "must shrink"),
    answer_wrong("02-4", "divided by the training set's size", 0.01 / 3000,
                 ("training set's size",), "one minibatch of 10"),
    answer_wrong("02-4", "divided by the batch size twice", 0.0001, ("batch size twice",),
                 "divide once"),
    answer_wrong("02-4", "float32 arithmetic", float(np.float32(0.01) / np.float32(10)),
                 ("float32's precision", "a matter of precision"), "compute in float64"),
    answer_wrong("02-4", "zero (a constant)", 0.0, ("is not 0.0",), "step by step",
                 gaming=True),
    answer_wrong("02-7", "a percentage", 1.0, ("percentage",), "give the fraction",
                 history=HISTORY),
    answer_wrong("02-7", "final minus best", -0.01, ("final minus the best",), "not negative",
                 history=HISTORY),
    answer_wrong("02-7", "the best accuracy itself", 0.93, ("best validation accuracy itself",),
                 "the best minus the final", history=HISTORY),
    answer_wrong("02-7", "best minus the first epoch", 0.13, ("FIRST epoch",), "final (last)",
                 history=HISTORY),
    answer_wrong("02-7", "from the training accuracy", 0.03, ("training accuracy",),
                 "history['val_acc']", history=HISTORY),
    answer_wrong("02-7", "the notebook's 0.0004 copied (another run's answer)", 0.0004,
                 ("is not 0.0004",), "step by step", gaming=True, history=HISTORY),
    answer_wrong("03-5", "by the final epoch", 1.0, ("final epoch's validation accuracy",),
                 "best_val_acc", runs=_runs_03_5),
    answer_wrong("03-5", "by the maximum over seeds", 3.0, ("maximum over the seeds",),
                 ".mean()", runs=_runs_03_5),
    answer_wrong("03-5", "by the training accuracy", 0.3, ("training accuracy",),
                 "validation set", runs=_runs_03_5),
    answer_wrong("03-5", "the accuracy, not the lr", 0.94, ("not the learning rate",),
                 "give the lr", runs=_runs_03_5),
    answer_wrong("03-5", "the smallest rate, a guess", 0.01, ("is not 0.01",),
                 "step by step", gaming=True, runs=_runs_03_5),
    answer_wrong("04-2", "counts swapped", lambda: _counts()[::-1], ("swapped",),
                 "first (first right and second wrong)", **NETS),
    answer_wrong("04-2", "the sum of the counts", lambda: sum(_counts()), ("not their sum",),
                 "as a pair", **NETS),
    answer_wrong("04-2", "the difference", lambda: _counts()[0] - _counts()[1],
                 ("not their difference",), "as a pair", **NETS),
    answer_wrong("04-2", "on the validation set", lambda: _val_counts(), ("validation set",),
                 "on the test set", **NETS),
    answer_wrong("04-2", "a made-up pair (a constant)", (100, 10), ("is not (100, 10)",),
                 "step by step", gaming=True, **NETS),
    answer_wrong("04-5", "a percentage", lambda: _share(percent=True), ("percentage",),
                 "give the fraction", **SHARE),
    answer_wrong("04-5", "over all test images", lambda: _share(over_all=True),
                 ("ALL test images",), "misclassified ones only", **SHARE),
    answer_wrong("04-5", "the third-largest output", lambda: _share(2), ("third-largest",),
                 "column 1", **SHARE),
    answer_wrong("04-5", "the largest output (argmax)", lambda: _share(0), ("LARGEST output",),
                 "take the second-largest", **SHARE),
    answer_wrong("04-5", "the test accuracy instead", lambda: acc_right(trained(),
                                                                        mnist().test.X,
                                                                        mnist().test.y),
                 ("test accuracy",), "the share asked for", **SHARE),
    answer_wrong("04-5", "one third, a guess", 1 / 3, ("is not",), "step by step",
                 gaming=True, **SHARE),
]


def _val_counts():
    first, second = _two_nets()
    d = mnist()
    r1 = bp.predict(first, d.val.X) == d.val.y
    r2 = bp.predict(second, d.val.X) == d.val.y
    return int(np.sum(r1 & ~r2)), int(np.sum(~r1 & r2))


ANSWERS_RIGHT = [
    Right("check_answer 01-6", "computed with the package",
          lambda: checks.check_answer("01-6", checks.answers.tiny_answers()["01-6"][1])),
    Right("check_answer 01-7", "as a (1, 1) array, d_u5 itself",
          lambda: checks.check_answer("01-7", np.array([[-0.4766154917]]))),
    Right("check_answer 02-4", "0.01 / 10", lambda: checks.check_answer("02-4", 0.01 / 10)),
    Right("check_answer 02-7", "best minus final", answer("02-7", 0.01, history=HISTORY)),
    Right("check_answer 03-5", "by the mean best epoch", answer("03-5", 0.1, runs=_runs_03_5)),
    Right("check_answer 04-2", "the pair (b, c)", answer("04-2", _counts, **NETS)),
    Right("check_answer 04-2", "a list [b, c]", answer("04-2", lambda: list(_counts()), **NETS)),
    Right("check_answer 04-5", "the share", answer("04-5", _share, **SHARE)),
]

WRONG: list[Wrong] = [*SGD, *TRAINED, *TUNING, *ACCURACY, *ANSWERS]
RIGHT: list[Right] = [*SGD_RIGHT, *TRAINED_RIGHT, *TUNING_RIGHT, *ACCURACY_RIGHT,
                      *ANSWERS_RIGHT]
