"""The checks of notebooks 02-04: the SGD epoch, the trained network, the tuning choice and
the test accuracy.

``check_sgd_epoch`` runs the student's epoch twice against a reference epoch built from
``bp.forward`` and ``bp.backward`` and names the known mistakes of the loop (no reshuffle,
the last partial batch dropped, the wrong sign, X shuffled but not Y); the others check
numbers the student reports from their own runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..gradcheck import relative_error
from ..nn import accuracy, backward, forward, init_params
from .cases import mnist_rows
from .harness import SAME_BELOW, call_student, fail, sci

REPORT_BEST_VAL = 0.9029  # the report's best validation accuracy (Table II, lr 2.5e-3)


# --------------------------------------------------------------------------- SGD epoch
def _reference_epoch(params, X, Y, lr, batch_size, kind, order, *, drop_last=False,
                     sign=1.0, shuffle_Y=True):
    params = {k: v.copy() for k, v in params.items()}
    n = len(X)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        rows = order[start:start + batch_size]
        y_rows = rows if shuffle_Y else np.arange(n)[start:start + batch_size]
        _, cache = forward(params, X[rows])
        grads = backward(params, cache, Y[y_rows], loss=kind)
        params = {k: params[k] - sign * lr * grads[k] for k in params}
    return params


def _params_error(got: dict, want: dict) -> float:
    return max(relative_error(np.asarray(got[k], float), want[k]) for k in want)


def check_sgd_epoch(sgd_epoch_fn: Callable) -> None:
    """Check ``sgd_epoch(params, X, Y, lr, batch_size, loss, rng) -> new params``.

    Notebook 02: one epoch of minibatch SGD. It must draw ``order = rng.permutation(len(X))``
    at the start of every call, take the minibatches ``order[start:start + batch_size]`` for
    ``start`` in ``range(0, len(X), batch_size)`` (the last one may be smaller) and step
    ``w <- w - lr * d_w`` after each. Two epochs are run with the same ``rng``, on 23 MNIST
    images in batches of 5 (a last batch of 3).
    """
    __tracebackhide__ = True
    X_all, Y_all = mnist_rows()
    rng0 = np.random.default_rng(11)
    X = np.vstack([X_all, X_all, X_all[:3]]) + rng0.uniform(0, 0.05, (23, 784))
    Y = np.vstack([Y_all, Y_all, Y_all[:3]])
    params = init_params([784, 16, 10], rng0, dtype=np.float64)
    lr, batch_size, kind, seed = 0.5, 5, "cross_entropy", 12
    settings = f"(23 rows, batch_size=5, lr={lr}, {kind!r})"
    ref_rng, student_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    current, orders = params, []
    for epoch in (1, 2):
        order = ref_rng.permutation(len(X))
        orders.append(order)
        want = _reference_epoch(current, X, Y, lr, batch_size, kind, order)
        got = call_student(sgd_epoch_fn, "check_sgd_epoch",
                           {"params": current, "X": X, "Y": Y, "lr": lr, "batch_size": batch_size,
                            "loss": kind, "rng": student_rng})
        if not isinstance(got, dict) or set(got) != set(want):
            fail(f"sgd_epoch, epoch {epoch}: expected the new parameters, a dict with keys "
                 f"{sorted(want)}, received {got!r:.60}.",
                 "Return the updated parameters at the end of the epoch.")
        for key in want:
            if np.shape(got[key]) != want[key].shape:
                fail(f"sgd_epoch, epoch {epoch}: {key} has shape {np.shape(got[key])}, "
                     f"expected {want[key].shape}.")
        err = _params_error(got, want)
        if err < SAME_BELOW:
            current = want
            continue
        identity = np.arange(len(X))
        candidates = [
            ("it forgets to (re)shuffle: the rows are taken in the same order every epoch. "
             "Draw order = rng.permutation(len(X)) at the start of EVERY epoch and take "
             "X[order], Y[order].",
             _reference_epoch(current, X, Y, lr, batch_size, kind, identity)),
            ("it drops the last partial batch: 23 rows in batches of 5 leave a last batch "
             "of 3, which must be trained on too (range(0, len(X), batch_size), and the "
             "slice stops at the end).",
             _reference_epoch(current, X, Y, lr, batch_size, kind, order, drop_last=True)),
            ("wrong sign (gradient ascent): the step is w - lr * d_w.",
             _reference_epoch(current, X, Y, lr, batch_size, kind, order, sign=-1.0)),
            ("X is shuffled but Y is not: take the same rows of both, X[rows] and Y[rows].",
             _reference_epoch(current, X, Y, lr, batch_size, kind, order, shuffle_Y=False)),
        ]
        if epoch == 2:
            candidates.insert(0, (
                "it forgets to reshuffle: epoch 2 used epoch 1's order again. Draw a new "
                "order = rng.permutation(len(X)) from the rng passed in, in every call.",
                _reference_epoch(current, X, Y, lr, batch_size, kind, orders[0])))
        known = next((says for says, cand in candidates if _params_error(got, cand) < 1e-7),
                     None)
        fail(f"sgd_epoch, epoch {epoch} {settings}: the new parameters differ from the "
             f"reference's by a relative error of {err:.1g} (below {sci(SAME_BELOW)} is right).",
             f"Known mistake: {known}" if known else
             "The reference: order = rng.permutation(len(X)); for start in range(0, len(X), "
             "batch_size): rows = order[start:start + batch_size], forward and backward on "
             "X[rows], Y[rows], then every parameter minus lr times its gradient. If your "
             "forward and backward passed their checks, compare the loop with this.")
    print(f"sgd_epoch: relative error {sci(err)} (float64; below {sci(SAME_BELOW)} is right) "
          f"against the reference after two epochs {settings}: reshuffled each epoch, last "
          "partial batch used")


# --------------------------------------------------------------------------- trained, tuned, tested
def check_trained(params: dict[str, np.ndarray], data: Any, at_least: float = 0.85) -> float:
    """Validation accuracy of the student's trained network; CheckFailed below ``at_least``.

    Notebook 02: the network trained with the student's own functions on the 3000 images.
    """
    __tracebackhide__ = True
    val = accuracy(params, data.val.X, data.val.y)
    if val < at_least:
        fail(f"validation accuracy {100 * val:.1f} %, below {100 * at_least:.0f} %.",
             "If every check above passed, train longer or with a larger learning rate "
             "(notebook 02's tuned rate trains well in a few epochs).")
    print(f"trained network: validation accuracy {100 * val:.1f} % "
          f"({100 * at_least:.0f} % or more is right)")
    return val


def check_tuning_choice(val_acc: dict, choice: tuple) -> None:
    """Check the setting chosen in the tuning exercise (notebook 03).

    ``val_acc`` maps each tried setting, e.g. ``(lr, n_hidden)``, to its validation
    accuracy as a fraction; ``choice`` is the setting picked. Right when the choice has the
    best validation accuracy of those tried and beats the report's best, 90.29 %.
    """
    __tracebackhide__ = True
    if not val_acc:
        fail("tuning: no settings tried.")
    values = np.array([float(v) for v in val_acc.values()])
    if np.any(values > 1):
        fail("tuning: the accuracies look like percentages (above 1).",
             "Give them as fractions, as bp.accuracy and the history return them.")
    if choice not in val_acc:
        fail(f"tuning: your choice {choice!r} is not one of the settings you tried.",
             f"Tried: {list(val_acc)}.")
    best = max(val_acc, key=val_acc.get)
    if val_acc[choice] < val_acc[best]:
        fail(f"tuning: {choice!r} has validation accuracy {100 * val_acc[choice]:.2f} %, but "
             f"{best!r} has {100 * val_acc[best]:.2f} %.",
             "Choose on the validation accuracy only (not the training accuracy, never the "
             "test set).")
    if val_acc[choice] <= REPORT_BEST_VAL:
        fail(f"tuning: the best validation accuracy, {100 * val_acc[choice]:.2f} %, does not "
             f"beat the report's {100 * REPORT_BEST_VAL:.2f} % (Table II).",
             "Try larger learning rates with the cross-entropy, or more epochs.")
    print(f"tuning: {choice!r} has the best validation accuracy of the {len(val_acc)} "
          f"settings tried, {100 * val_acc[choice]:.2f} %, above the report's "
          f"{100 * REPORT_BEST_VAL:.2f} %")


def check_test_accuracy(answer: float, params: dict[str, np.ndarray], data: Any) -> None:
    """Check the test accuracy the student reports for ``params`` (notebook 04)."""
    __tracebackhide__ = True
    test = accuracy(params, data.test.X, data.test.y)
    if np.isclose(answer, test, rtol=0, atol=5e-5):
        print(f"test accuracy {100 * test:.2f} %: right (one evaluation on the 10000 test "
              "images)")
        return
    candidates = [
        ("that is a percentage; give the fraction (as bp.accuracy returns it).", 100 * test),
        ("that is the validation accuracy; the test accuracy uses data.test.",
         accuracy(params, data.val.X, data.val.y)),
        ("that is the training accuracy; the test accuracy uses data.test.",
         accuracy(params, data.train.X, data.train.y)),
    ]
    known = next((says for says, value in candidates if np.isclose(answer, value, rtol=1e-6)),
                 None)
    fail(f"test accuracy: you give {answer!r}, the network's is {test:.4f}.",
         f"Known mistake: {known}" if known else "")

