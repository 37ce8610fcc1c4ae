"""Checking gradients against central differences (notebook 01, "Checking the gradients").

:func:`numerical_gradient` is the package's one implementation of central differences: the
gradient check of the tests, the notebooks and the student checks (:mod:`backprop.checks`)
all use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .nn import (
    Params,
    backward_into,
    check_X,
    check_Y,
    forward_into,
    mean_loss,
    n_layers,
    workspace,
)
from .settings import check


def numerical_gradient(f, x: np.ndarray, index: np.ndarray | None = None,
                       eps: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(x + eps) - f(x - eps)) / (2 eps)`` entry by entry.

    ``x`` is perturbed in place and restored. ``index`` (flat indices) limits the check
    to some entries; the others are left as NaN.

    Parameters
    ----------
    f : callable () -> float
        The loss, reading ``x`` from its closure.
    x : ndarray, any shape, float64 recommended
    index : ndarray of int, optional
    eps : float

    Returns
    -------
    ndarray, shape of ``x``
    """
    grad = np.full(x.shape, np.nan)
    flat = x.reshape(-1)
    for i in range(flat.size) if index is None else index:
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        grad.flat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are 0."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def gradient_check(params: Params, X: np.ndarray, Y: np.ndarray, loss: str = "mse", *,
                   keys: Sequence[str] | None = None, n_entries: int | None = None,
                   rng: np.random.Generator | None = None, eps: float = 1e-6) -> dict[str, float]:
    """Compare :func:`backward` with central differences, parameter by parameter.

    Parameters
    ----------
    params : dict; float64 gives errors near 1e-9; float32 is useless at the default
        ``eps`` (errors of order 0.1-1, as notebook 01 shows)
    X : ndarray, shape (n_samples, n_in)
    Y : ndarray, shape (n_samples, n_out)
    loss : {"mse", "cross_entropy"}
    keys : parameter names to check, default all
    n_entries : check only this many random entries per parameter (needs ``rng``)
    rng : numpy.random.Generator
    eps : float

    Returns
    -------
    dict
        ``{key: relative error}`` over the checked entries.
    """
    check("loss", loss)
    L = n_layers(params)
    X = check_X(params, X)
    Y = check_Y(X, Y, params[f"W{L}"].shape[1])
    keys = list(params) if keys is None else list(keys)
    for key in keys:
        if key not in params:
            raise ValueError(f"keys names {key!r}, which is not in params {sorted(params)}")
    if n_entries is not None and rng is None:
        raise ValueError("n_entries needs rng to choose the entries")
    work = {k: v.copy() for k, v in params.items()}  # perturbed in place; caller's untouched
    ws = workspace(work, X.shape[0])

    def forward_now() -> tuple[np.ndarray, dict]:
        with np.errstate(over="ignore", under="ignore"):  # the sigmoid's harmless overflow
            return forward_into(work, X, ws)

    cache = forward_now()[1]
    grads = {k: g.copy() for k, g in backward_into(work, cache, Y, loss, ws).items()}
    errors = {}
    for key in keys:
        size = work[key].size
        index = None if n_entries is None or n_entries >= size else rng.choice(
            size, n_entries, replace=False)
        num = numerical_gradient(lambda: mean_loss(forward_now()[0], Y, loss),
                                 work[key], index, eps)
        mask = ~np.isnan(num)
        errors[key] = relative_error(grads[key][mask], num[mask])
    return errors
