"""Notebook 02's checks: one epoch of minibatch SGD, and the network trained with it.

``check_sgd_epoch`` runs the student's epoch twice against a reference epoch built from
``bp.forward`` and ``bp.backward`` and names the known mistakes of the loop by computing
what each would give (no reshuffle, the last partial batch dropped, the wrong sign, X
shuffled but not Y, the whole set's gradient, ...); it also watches the ``rng`` passed in
and the caller's parameters. ``check_trained`` checks the student's trained network.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..gradcheck import relative_error
from ..nn import accuracy, backward, forward, init_params
from .cases import mnist_rows
from .harness import SAME_BELOW, fail, sci
from .unchanged import call_unchanged

FLOAT32_BELOW = 1e-4  # float32 arithmetic (7 significant digits) ends up about this close


# --------------------------------------------------------------------------- SGD epoch
def reference_epoch(params: dict, X: np.ndarray, Y: np.ndarray, lr: float, batch_size: int,
                    kind: str, order: np.ndarray, *, batches: Callable | None = None,
                    sign: float = 1.0, shuffle_Y: bool = True, whole_set: bool = False,
                    scale: float = 1.0, stop_after: int | None = None) -> dict:
    """One epoch of SGD in the minibatches ``batches(order)``, right or with one mistake.

    The default is the right epoch: minibatches ``order[start:start + batch_size]`` for
    ``start`` in ``range(0, len(X), batch_size)``, each a step ``w - lr * d_w``. The keywords
    spoil it: ``sign=-1`` climbs, ``shuffle_Y=False`` takes Y's rows in file order,
    ``whole_set`` steps with the whole set's gradient, ``scale`` multiplies each step,
    ``stop_after`` returns after that many minibatches.
    """
    params = {k: v.copy() for k, v in params.items()}
    n = len(X)
    if batches is None:
        batches = lambda o: [o[s:s + batch_size] for s in range(0, n, batch_size)]  # noqa: E731
    for i, rows in enumerate(batches(order)):
        if stop_after is not None and i == stop_after:
            break
        y_rows = rows if shuffle_Y else np.arange(n)[i * batch_size:i * batch_size + len(rows)]
        x_rows = np.arange(n) if whole_set else rows
        _, cache = forward(params, X[x_rows])
        grads = backward(params, cache, Y[np.arange(n) if whole_set else y_rows], loss=kind)
        params = {k: params[k] - sign * scale * lr * grads[k] for k in params}
    return params


def _params_error(got: dict, want: dict) -> float:
    return max(relative_error(np.asarray(got[k], float), want[k]) for k in want)


def _mistakes(current, X, Y, lr, batch_size, kind, order, identity, previous):
    """(what the mistake is, the parameters it gives) for every known mistake."""
    n = len(X)

    def ref(**kw):
        return reference_epoch(current, X, Y, lr, batch_size, kind, kw.pop("order", order), **kw)

    found = []
    if previous is not None:
        found.append(("it forgets to reshuffle: epoch 2 used epoch 1's order again. Draw a new "
                      "order = rng.permutation(len(X)) from the rng passed in, in every call.",
                      ref(order=previous)))
    return found + [
        ("it forgets to (re)shuffle: the rows are taken in the same order every epoch. Draw "
         "order = rng.permutation(len(X)) at the start of EVERY epoch and take X[rows], Y[rows].",
         ref(order=identity)),
        ("it drops the last partial batch: 23 rows in batches of 5 leave a last batch of 3, "
         "which must be trained on too (range(0, len(X), batch_size), and the slice stops at "
         "the end).",
         ref(batches=lambda o: [o[s:s + batch_size] for s in range(0, n - batch_size + 1,
                                                                     batch_size)])),
        ("the batch loop is off by one: it starts at row 1 of the order, so order[0] is never "
         "trained on. Start at 0: range(0, len(X), batch_size).",
         ref(batches=lambda o: [o[s:s + batch_size] for s in range(1, n, batch_size)])),
        ("the minibatches are one row short: order[start:start + batch_size - 1]. A slice's "
         "end is excluded already: order[start:start + batch_size].",
         ref(batches=lambda o: [o[s:s + batch_size - 1] for s in range(0, n, batch_size)])),
        ("wrong sign (gradient ascent): lr is applied with the wrong sign; the step is "
         "w - lr * d_w, downhill.", ref(sign=-1.0)),
        ("the step ignores lr: it is w - d_w. Multiply the gradient by lr.",
         ref(scale=1 / lr)),
        ("each step is batch_size times too large: the gradient of the mean loss is used "
         "already, so the step is w - lr * d_w, not w - lr * batch_size * d_w.",
         ref(scale=float(batch_size))),
        ("each step is batch_size times too small: the gradient of the mean loss is already "
         "divided by the batch size, so the step is w - lr * d_w, not w - lr / batch_size * "
         "d_w.", ref(scale=1 / batch_size)),
        ("X is shuffled but Y is not: take the same rows of both, X[rows] and Y[rows].",
         ref(shuffle_Y=False)),
        ("every step uses the gradient of the whole set, not of its minibatch: run forward and "
         "backward on X[rows], Y[rows] only.", ref(whole_set=True)),
        ("it returns after the first minibatch: the `return` is inside the loop. Return once, "
         "after the loop.", ref(stop_after=1)),
        ("it ignores `loss` and always uses the quadratic loss: pass loss=loss to your backward.",
         reference_epoch(current, X, Y, lr, batch_size, "mse", order)),
        ("it returns the parameters from the start of the epoch unchanged. Step every "
         "parameter after each minibatch and return the stepped ones.", current),
    ]


def check_sgd_epoch(sgd_epoch_fn: Callable) -> None:
    """Check ``sgd_epoch(params, X, Y, lr, batch_size, loss, rng) -> new params``.

    Notebook 02: one epoch of minibatch SGD. It must draw ``order = rng.permutation(len(X))``
    at the start of every call, take the minibatches ``order[start:start + batch_size]`` for
    ``start`` in ``range(0, len(X), batch_size)`` (the last one may be smaller) and step
    ``w <- w - lr * d_w`` after each, leaving the ``params`` it was given unchanged. Two
    epochs are run with the same ``rng``, on 23 MNIST images in batches of 5 (a last batch
    of 3).
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
    current, orders, err = params, [], 0.0
    for epoch in (1, 2):
        where = f"sgd_epoch, epoch {epoch} {settings}"
        state = student_rng.bit_generator.state
        order = ref_rng.permutation(len(X))
        orders.append(order)
        want = reference_epoch(current, X, Y, lr, batch_size, kind, order)
        got = call_unchanged(
            sgd_epoch_fn, "check_sgd_epoch",
            {"params": current, "X": X, "Y": Y, "lr": lr, "batch_size": batch_size,
             "loss": kind, "rng": student_rng},
            "params = {key: params[key] - lr * grads[key] for key in params}, then "
            "return params.")
        if got is None:
            fail(f"{where}: your function returned None.",
                 "Return the new parameters (a dict like params) after the loop.")
        if not isinstance(got, dict) or set(got) != set(want):
            fail(f"{where}: expected the new parameters, a dict with keys {sorted(want)}, "
                 f"received {type(got).__name__} {got!r:.60}.",
                 "Return the updated parameters (not the gradients, not the loss) at the end "
                 "of the epoch.")
        for key in want:
            if np.shape(got[key]) != want[key].shape:
                fail(f"{where}: {key} has shape {np.shape(got[key])}, expected "
                     f"{want[key].shape}.")
        drew = student_rng.bit_generator.state != state
        err = _params_error(got, want)
        if err < SAME_BELOW:
            current = want
            continue
        identity = np.arange(len(X))
        if not drew and err > FLOAT32_BELOW:
            in_file_order = _params_error(got, reference_epoch(
                current, X, Y, lr, batch_size, kind, identity)) < 1e-7
            fail(f"{where}: the new parameters are wrong, and your function drew nothing from "
                 "the rng it was passed"
                 + (": it never shuffles, the rows are taken in file order." if in_file_order
                    else "."),
                 "Shuffle with the Generator passed in, order = rng.permutation(len(X)), not "
                 "with np.random or a Generator of your own: the caller's seed must decide "
                 "the order, so that a run can be repeated.")
        dtypes = {str(np.asarray(v).dtype) for v in got.values()}
        if err < FLOAT32_BELOW:
            fail(f"{where}: the new parameters differ from the reference's by a relative "
                 f"error of {sci(err)}: the size of float32 rounding, a matter of precision, "
                 "not of the formula.",
                 ("Your parameters are float32; " if "float32" in dtypes else
                  "Somewhere your computation rounds to float32 (.astype(np.float32), or "
                  "float32 arrays of your own); ")
                 + f"the check gives float64 parameters and needs float64 precision "
                 f"(relative error below {sci(SAME_BELOW)}): keep the dtype you are given.")
        candidates = _mistakes(current, X, Y, lr, batch_size, kind, order, identity,
                               orders[0] if epoch == 2 else None)
        known = next((says for says, cand in candidates if _params_error(got, cand) < 1e-7),
                     None)
        fail(f"{where}: the new parameters differ from the reference's by a relative error "
             f"of {err:.1g} (below {sci(SAME_BELOW)} is right).",
             f"Known mistake: {known}" if known else
             "It matches none of the known mistakes. The reference: order = "
             "rng.permutation(len(X)); for start in range(0, len(X), batch_size): rows = "
             "order[start:start + batch_size], forward and backward on X[rows], Y[rows], "
             "then every parameter minus lr times its gradient. If your forward and backward "
             "passed their checks, compare the loop with this.")
    print(f"sgd_epoch: relative error {sci(err)} (float64; below {sci(SAME_BELOW)} is right) "
          f"against the reference after two epochs {settings}: reshuffled each epoch, last "
          "partial batch used, the caller's parameters unchanged")


# --------------------------------------------------------------------------- trained
def check_trained(params: dict[str, np.ndarray], data: Any, at_least: float = 0.85) -> float:
    """Validation accuracy of the student's trained network; CheckFailed below ``at_least``.

    Notebook 02: the network trained with the student's own functions on the 3000 training
    images. Also rejected: what is not a network of the right shapes, parameters with NaN
    (training diverged), and a network that does better on the validation images than on
    the training images it was trained on (trained on the validation set).

    Returns
    -------
    float
        The validation accuracy, a fraction.
    """
    __tracebackhide__ = True
    if isinstance(params, tuple) and params and isinstance(params[0], dict):
        fail("trained network: you passed a tuple, e.g. (params, history) from bp.train.",
             "Pass the parameters alone: params, history = bp.train(...); then params.")
    keys = {"W1", "b1", "W2", "b2"}
    if not isinstance(params, dict) or set(params) != keys:
        fail(f"trained network: expected a dict with keys {sorted(keys)}, received "
             f"{type(params).__name__}.", "Pass the parameters your training returned.")
    shapes = {k: np.shape(v) for k, v in params.items()}
    n_hidden = shapes["b1"][0] if len(shapes["b1"]) == 1 else None
    right = {"W1": (784, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, 10), "b2": (10,)}
    wrong = [k for k in ("b1", "W1", "W2", "b2") if shapes[k] != right[k]]
    if wrong:
        expected = "(hidden units,)" if n_hidden is None else f"{right[wrong[0]]}"
        fail(f"trained network: {wrong[0]} has shape {shapes[wrong[0]]}, expected {expected}.",
             "W1 is (784, hidden), b1 (hidden,), W2 (hidden, 10), b2 (10,).")
    bad = [k for k, v in params.items() if not np.all(np.isfinite(v))]
    if bad:
        fail(f"trained network: {bad[0]} contains NaN or inf: training diverged.",
             "Check the sign of the step (w - lr * d_w) and try a smaller learning rate.")
    val = accuracy(params, data.val.X, data.val.y)
    train = accuracy(params, data.train.X, data.train.y)
    if val > train + 0.02:
        fail(f"trained network: validation accuracy {100 * val:.1f} % is above its training "
             f"accuracy {100 * train:.1f} %: it looks trained on the validation images.",
             "Train on data.train only; the validation set is for choosing settings.")
    if val < at_least:
        fail(f"trained network: validation accuracy {100 * val:.1f} %, below "
             f"{100 * at_least:.0f} %.",
             "If every check above passed, train longer or with a larger learning rate "
             "(notebook 02's tuned rate trains well in a few epochs).")
    print(f"trained network: validation accuracy {100 * val:.1f} % "
          f"({100 * at_least:.0f} % or more is right)")
    return val
