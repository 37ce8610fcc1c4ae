"""Minibatch stochastic gradient descent (notebook 02, "Training")."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from .activation import saturated_share
from .nn import (
    Params,
    backward_into,
    check_labels,
    check_X,
    check_Y,
    forward_into,
    mean_loss,
    n_layers,
    output,
    workspace,
)
from .settings import check

HISTORY_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc")


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite.

    ``.epoch`` says when, ``.history`` holds the epochs up to and including that one.
    """

    def __init__(self, message: str, epoch: int, history: dict[str, list[float]]):
        super().__init__(message)
        self.epoch = epoch
        self.history = history


def _check_split(params: Params, split: Any, name: str, dtype: np.dtype):
    """Return ``(X, Y, y)`` of a split, checked and in the parameters' dtype."""
    if not all(hasattr(split, a) for a in ("X", "y", "Y")):
        raise TypeError(f"{name} must be a split with X, y and Y (e.g. load_mnist().train), "
                        f"got {type(split).__name__}")
    X = check_X(params, split.X, f"{name}.X").astype(dtype, copy=False)
    n_out = params[f"W{n_layers(params)}"].shape[1]
    Y = check_Y(X, split.Y, n_out).astype(dtype, copy=False)
    y = check_labels(split.y, X.shape[0], n_out)
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no samples")
    return X, Y, y


EVAL_BLOCK = 4096  # rows per product when evaluating: big enough for a fast GEMM, small
# enough that the activations stay in cache for the elementwise passes that follow


def evaluate(params: Params, X: np.ndarray, Y: np.ndarray, y: np.ndarray, loss: str,
             scratch: dict | None = None) -> tuple[float, float]:
    """Mean loss and accuracy on a whole (already checked) split.

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n, n_in); Y : ndarray, shape (n, n_out); y : ndarray, shape (n,)
    loss : {"mse", "cross_entropy"}
    scratch : dict, optional, reusable arrays (see :func:`backprop.nn.output`)

    Returns
    -------
    (loss, accuracy) : tuple of float
    """
    n = X.shape[0]
    total_loss, correct = 0.0, 0
    # The sigmoid's exp overflows harmlessly for large weights (a diverging run).
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for start in range(0, n, EVAL_BLOCK):
            stop = min(start + EVAL_BLOCK, n)
            y_hat = output(params, X[start:stop], scratch)
            total_loss += mean_loss(y_hat, Y[start:stop], loss) * (stop - start)
            correct += int(np.count_nonzero(y_hat.argmax(axis=1) == y[start:stop]))
    return total_loss / n, correct / n


def _epoch(params: Params, Xs: np.ndarray, Ys: np.ndarray, lr: float, batch_size: int,
           loss: str, workspaces: dict[int, dict]) -> dict:
    """One pass of SGD over the (already shuffled) rows ``Xs``, updating ``params`` in place.

    Returns the workspace of the last minibatch (its activations and its gradients times lr).
    """
    ws = None
    for start in range(0, Xs.shape[0], batch_size):
        Xb, Yb = Xs[start:start + batch_size], Ys[start:start + batch_size]
        ws = workspaces[Xb.shape[0]]
        _, cache = forward_into(params, Xb, ws)
        grads = backward_into(params, cache, Yb, loss, ws, scale=lr)  # already times lr
        for key, g in grads.items():
            params[key] -= g
    return ws


def _layer_stats(ws: dict, lr: float) -> dict[str, float]:
    """Gradient sizes and saturation of the last minibatch of an epoch (``train(inside=True)``)."""
    stats = {}
    for layer, lay in enumerate(ws["layers"], start=1):
        u = lay["u_act"]
        stats[f"saturated_{layer}"] = saturated_share(u)
        # the workspace holds lr * dL/dW
        stats[f"grad_W{layer}"] = float(np.abs(ws["grads"][f"W{layer}"]).mean()) / lr
    return stats


def train(params: Params, train: Any, val: Any = None, *, lr: float, n_epochs: int,
          batch_size: int = 10, loss: str = "mse", rng: np.random.Generator,
          callback: Callable[..., Any] | None = None, progress: bool = True,
          inside: bool = False, train_eval: Any = None
          ) -> tuple[Params, dict[str, list[float]]]:
    """Train with minibatch SGD, reshuffling the training set every epoch.

    Each step runs :func:`backprop.forward` and :func:`backprop.backward` on one
    minibatch (notebook 01, "Matrix form") and takes ``W <- W - lr * dL/dW``.

    Parameters
    ----------
    params : dict, from :func:`backprop.init_params`; not modified (a copy is trained)
    train, val : splits from :func:`backprop.load_mnist` (``X`` ``(n, 784)``, ``y``, ``Y``)
    lr : float > 0
    n_epochs : int >= 0
    batch_size : int >= 1
    loss : {"mse", "cross_entropy"}
    rng : numpy.random.Generator, the only randomness (the shuffles)
    callback : callable(epoch, history), optional
        Called after every epoch (``epoch`` counts from 1); returning ``False`` stops.
        With ``inside=True`` it is called as ``callback(epoch, history, params)``, with a
        copy of the weights after that epoch.
    progress : bool
        Show a tqdm progress bar.
    inside : bool
        Also record, per epoch, what happens inside (notebook 02, "Inside the network"):
        ``history["grad_W1"]``, ``["grad_W2"]``, ... the mean ``|dL/dW|`` of the epoch's last
        minibatch, and ``history["saturated_1"]``, ... the share of that minibatch's
        activations of layer 1, ... (the last is the output) whose ``sigma'`` is below 0.01.
        Off by default: then nothing of this is computed.
    train_eval : split, optional
        The images ``history["train_loss"]`` and ``["train_acc"]`` are measured on after
        each epoch; by default all of ``train``. The playground passes a fixed subset of
        ``train`` to make a live run cheaper, and measures its last epoch on all of it.

    Returns
    -------
    params : dict, the trained copy
    history : dict of per-epoch lists ``train_loss``, ``train_acc``, ``val_loss``,
        ``val_acc`` (accuracies as fractions; the ``val_`` lists stay empty without ``val``)

    Raises
    ------
    TrainingDiverged
        When the training loss becomes NaN or infinite; the message names the epoch.
    """
    for name, value in (("lr", lr), ("n_epochs", n_epochs), ("batch_size", batch_size),
                        ("loss", loss)):
        check(name, value)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    n_layers(params)
    params = {k: np.array(v, copy=True) for k, v in params.items()}
    dtype = params["W1"].dtype
    X, Y, y = _check_split(params, train, "train", dtype)
    evals = [("train", X, Y, y) if train_eval is None else
             ("train", *_check_split(params, train_eval, "train_eval", dtype))]
    if val is not None:
        evals.append(("val", *_check_split(params, val, "val", dtype)))
    history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
    if inside:
        history |= {f"{kind}{layer}": [] for layer in range(1, n_layers(params) + 1)
                    for kind in ("grad_W", "saturated_")}
    Xs, Ys = np.empty_like(X), np.empty_like(Y)
    sizes = {min(batch_size, X.shape[0]), X.shape[0] % batch_size} - {0}
    workspaces = {n: workspace(params, n) for n in sizes}
    bar = tqdm(total=n_epochs, desc="training", unit="epoch", disable=not progress, leave=True)
    # Minibatch products are too small for BLAS to use a second core, so the epoch-end
    # evaluation (a snapshot of the weights, one BLAS thread) runs on that core while the
    # next epoch trains. The bookkeeping, callback included, lags one epoch behind, except
    # for the first epoch: a live picture shows it without waiting for the second.
    with ThreadPoolExecutor(1) as pool, threadpool_limits(limits=1, user_api="blas"), bar:
        pending = None
        for epoch in range(1, n_epochs + 1):
            perm = rng.permutation(X.shape[0])
            np.take(X, perm, axis=0, out=Xs, mode="clip")  # "clip": no hidden temporary copy
            np.take(Y, perm, axis=0, out=Ys, mode="clip")
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked later
                ws = _epoch(params, Xs, Ys, lr, batch_size, loss, workspaces)
                stats = _layer_stats(ws, lr) if inside else None
            snapshot = {k: v.copy() for k, v in params.items()}
            future = pool.submit(_evaluate_splits, snapshot, evals, loss, {})
            if pending is not None and not _record(*pending, history, bar, callback, lr, loss):
                return pending[1], history
            pending = (epoch, snapshot, future, stats)
            if epoch == 1:
                if not _record(*pending, history, bar, callback, lr, loss):
                    return snapshot, history
                pending = None
        if pending is not None:
            _record(*pending, history, bar, callback, lr, loss)
            params = pending[1]
    return params, history


def _evaluate_splits(params: Params, evals: list, loss: str, scratch: dict) -> dict[str, float]:
    results = {}
    for name, *split in evals:
        results[f"{name}_loss"], results[f"{name}_acc"] = evaluate(params, *split, loss,
                                                                   scratch)
    return results


def _record(epoch: int, params: Params, future, stats: dict | None, history: dict, bar,
            callback, lr: float, loss: str) -> bool:
    """Add one epoch's evaluation to ``history``; False when the callback asks to stop."""
    for key, value in future.result().items():
        history[key].append(value)
    for key, value in (stats or {}).items():
        history[key].append(value)
    if not (math.isfinite(history["train_loss"][-1])
            and all(np.isfinite(v).all() for v in params.values())):
        raise TrainingDiverged(
            f"training diverged in epoch {epoch}: the {loss} loss became "
            f"{history['train_loss'][-1]} with lr={lr!r}; try a smaller learning rate",
            epoch, history)
    bar.update(1)
    bar.set_postfix({k: f"{history[k][-1]:.3f}" for k in HISTORY_KEYS if history[k]},
                    refresh=False)
    if callback is None:
        return True
    if stats is not None:  # train(inside=True): the weights of that epoch too
        return callback(epoch, history, params) is not False
    return callback(epoch, history) is not False
