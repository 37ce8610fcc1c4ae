"""The student work and the data of the catalogue of notebooks 02-05 (``nb02_05``).

Wrong and right implementations as students write them, each keyword or function one
mistake; the data (MNIST, a trained network, the runs) are loaded on first use and kept.
Where the student's own function raises (``argmax(axis=0)``, a tuple taken for an array),
what the student sees is that exception with the check's notes under it: :func:`shown`
turns it into a ``CheckFailed`` of that text, so that the catalogue's runner can read it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd

import backprop as bp
from backprop import checks
from backprop.checks import CheckFailed


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

def shuffles_X_in_place(params, X, Y, lr, batch_size, loss, rng):
    rng.shuffle(X)
    for s in range(0, len(X), batch_size):
        _, cache = bp.forward(params, X[s:s + batch_size])
        grads = bp.backward(params, cache, Y[s:s + batch_size], loss=loss)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params

def trained_on_validation():
    params = bp.init_params([784, 30, 10], np.random.default_rng(0))
    params, _ = bp.train(params, mnist().val, lr=1.0, n_epochs=3, loss="cross_entropy",
                         rng=np.random.default_rng(1), progress=False)
    return params


def diverged():
    params = {k: v.copy() for k, v in trained().items()}
    params["W2"][0, 0] = np.nan
    return params

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


def best_epoch_from_history(runs):
    best = runs["history"].map(lambda h: max(h["val_acc"]))
    means = best.groupby([runs["lr"], runs["hidden"]]).mean()
    tried = {(float(lr), int(h)): float(v) for (lr, h), v in means.items()}
    return tried, max(tried, key=tried.get)


def adds_a_column(runs):
    runs["score"] = runs["val_acc"]
    return tune_with()(runs)


def percent_in_place(runs):
    runs["val_acc"] *= 100  # "in percent, to read them better": the caller's table changes
    return tune_with()(runs)


def in_float32(runs):
    tried, choice = tune_with()(runs)
    return {k: np.float32(v) for k, v in tried.items()}, choice


def grouped_by_lr_only(runs):
    means = runs.groupby("lr")["val_acc"].mean()
    tried = {float(lr): float(v) for lr, v in means.items()}
    return tried, max(tried, key=tried.get)


def hard_coded(runs):
    """Gaming: the notebook's answer, typed in from an earlier run."""
    tried = {k: round(v, 4) for k, v in tune_with()(grid_runs())[0].items()}
    return tried, (1.0, 110)


def written_in_exactly(runs):
    """Gaming: the notebook's answer to all digits, pasted from an earlier output."""
    return {(1.0, 110): 0.0, **tune_with()(grid_runs())[0]}, (1.0, 110)


def right_values_fixed_choice(runs):
    """Gaming: right tried, but the choice written in (as read off the next cell)."""
    return tune_with()(runs)[0], (1.0, 110)


def copied_from_global(runs):
    """Gaming: the answer computed from the notebook's global grid, not the argument."""
    return tune_with()(grid_runs())

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

_TEST = {}


def global_test_accuracy(params, X, y):
    """Gaming: the test accuracy computed once from the notebook's data, whatever is asked."""
    if "acc" not in _TEST:
        _TEST["acc"] = acc_right(trained(), mnist().test.X, mnist().test.y)
    return _TEST["acc"]


def scale_X_in_place(params, X, y):
    X -= X.mean()  # "centre the pixels", in place
    return acc_right(params, X, y)

HISTORY = {"val_acc": [0.80, 0.93, 0.91, 0.92], "train_acc": [0.85, 0.99, 1.0, 0.97]}


def runs_03_5():
    """Made-up runs: by mean best_val_acc 0.1; by final val_acc 1.0; by the maximum over
    seeds 3.0; by training accuracy 0.3."""
    return pd.DataFrame({"lr": [0.1, 0.1, 0.3, 0.3, 1.0, 1.0, 3.0, 3.0],
                         "best_val_acc": [0.93, 0.95, 0.90, 0.90, 0.935, 0.935, 0.96, 0.80],
                         "val_acc": [0.92, 0.90, 0.89, 0.89, 0.93, 0.93, 0.85, 0.80],
                         "train_acc": [0.97, 0.97, 1.0, 1.0, 0.99, 0.99, 0.95, 0.95]})


def two_nets():
    second = bp.init_params([784, 30, 10], np.random.default_rng(2))
    return trained(), second


def counts():
    first, second = two_nets()
    d = mnist()
    r1 = bp.predict(first, d.test.X) == d.test.y
    r2 = bp.predict(second, d.test.X) == d.test.y
    return int(np.sum(r1 & ~r2)), int(np.sum(~r1 & r2))


def share(which=1, over_all=False, percent=False):
    out = bp.forward(trained(), mnist().test.X)[0]
    y = mnist().test.y
    wrong = np.flatnonzero(out.argmax(axis=1) != y)
    hits = np.argsort(-out[wrong], axis=1, kind="stable")[:, which] == y[wrong]
    share = hits.sum() / (len(y) if over_all else len(wrong))
    return float(100 * share if percent else share)


def tiny(i):
    """What the i-th known mistake of 01-6 / 01-7 gives, as a student would have computed it."""
    return lambda: checks.answers.tiny_mistakes()[i][2]


def val_counts():
    first, second = two_nets()
    d = mnist()
    r1 = bp.predict(first, d.val.X) == d.val.y
    r2 = bp.predict(second, d.val.X) == d.val.y
    return int(np.sum(r1 & ~r2)), int(np.sum(~r1 & r2))
