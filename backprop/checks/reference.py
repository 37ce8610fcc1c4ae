"""The right answers of the backward pass: the seven steps' formulas and central differences.

:data:`RIGHT` holds each step of notebook 01's matrix form with the inputs it reads;
:func:`run_steps` runs them on a :class:`~backprop.checks.cases.Case` (optionally with one
step done the wrong way, which is how the mistake catalogue finds out what a mistake does to
the gradients). :func:`cd_error` compares a step's result with central differences of the
loss in float64, computed by the package's one implementation,
:func:`backprop.gradcheck.numerical_gradient`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..activation import sigmoid, sigmoid_prime_from_output
from ..gradcheck import numerical_gradient, relative_error
from ..nn import loss
from .cases import Case

if TYPE_CHECKING:  # only for the annotation: mistakes.py imports this module
    from .mistakes import Mistake

STEPS = ("d_u5", "d_W2", "d_b2", "d_u3", "d_u2", "d_W1", "d_b1")  # in the order computed


def d_u5_right(y_hat: np.ndarray, Y: np.ndarray, loss: str) -> np.ndarray:
    """The right ``d_u5`` for the loss ``"mse"`` or ``"cross_entropy"`` (mean over rows).

    Parameters
    ----------
    y_hat, Y : ndarray, shape (n, outputs)
    loss : {"mse", "cross_entropy"}

    Returns
    -------
    ndarray, shape (n, outputs)
    """
    n = y_hat.shape[0]
    if loss == "mse":
        return (y_hat - Y) * sigmoid_prime_from_output(y_hat) / n
    return (y_hat - Y) / n


RIGHT: dict[str, tuple[tuple[str, ...], Callable]] = {
    # step: (its inputs, the right formula), as in notebook 01's matrix form
    "d_u5": (("y_hat", "Y", "loss"), d_u5_right),
    "d_W2": (("u3", "d_u5"), lambda u3, d_u5: u3.T @ d_u5),
    "d_b2": (("d_u5",), lambda d_u5: d_u5.sum(axis=0)),
    "d_u3": (("d_u5", "W2"), lambda d_u5, W2: d_u5 @ W2.T),
    "d_u2": (("d_u3", "u3"), lambda d_u3, u3: d_u3 * sigmoid_prime_from_output(u3)),
    "d_W1": (("X", "d_u2"), lambda X, d_u2: X.T @ d_u2),
    "d_b1": (("d_u2",), lambda d_u2: d_u2.sum(axis=0)),
}


def run_steps(case: Case, loss_kind: str, replace: Mistake | None = None) -> dict:
    """Every quantity of the backward pass, with one step optionally done the wrong way.

    Parameters
    ----------
    case : Case
    loss_kind : {"mse", "cross_entropy"}
    replace : Mistake, optional
        Its ``compute`` replaces the right formula of its step.

    Returns
    -------
    dict
        The case's forward pass, parameters, ``X``, ``Y``, ``loss`` and every step's
        result by name; empty when the mistake does not apply to this loss.
    """
    env = {**case.cache, **case.params, "X": case.X, "Y": case.Y, "loss": loss_kind}
    for step in STEPS:
        inputs, formula = RIGHT[step]
        fn = replace.compute if replace is not None and replace.step == step else formula
        env[step] = fn(*(env[name] for name in inputs))
        if env[step] is None:
            return {}
    return env


def _loss_from(case: Case, loss_kind: str, name: str) -> Callable[[np.ndarray], float]:
    """L as a function of the quantity ``name`` (a parameter, u5, u3 or u2), the rest fixed."""
    p, X, Y = case.params, case.X, case.Y

    def from_u3(u3, W2=None, b2=None):
        W2 = p["W2"] if W2 is None else W2
        b2 = p["b2"] if b2 is None else b2
        return loss(sigmoid(u3 @ W2 + b2), Y, loss_kind)

    return {
        "u5": lambda v: loss(sigmoid(v), Y, loss_kind),
        "u3": from_u3,
        "u2": lambda v: from_u3(sigmoid(v)),
        "W2": lambda v: from_u3(case.cache["u3"], W2=v),
        "b2": lambda v: from_u3(case.cache["u3"], b2=v),
        "W1": lambda v: from_u3(sigmoid(X @ v + p["b1"])),
        "b1": lambda v: from_u3(sigmoid(X @ p["W1"] + v)),
    }[name]


def cd_error(case: Case, loss_kind: str, step: str, got: np.ndarray) -> float:
    """Relative error of ``got`` (the step's result) against central differences.

    Parameters
    ----------
    case : Case
    loss_kind : {"mse", "cross_entropy"}
    step : str
        A step that gives a parameter's or a pre-activation's gradient ("d_W1", "d_u3", ...).
    got : ndarray
        The step's result, of the quantity's shape.

    Returns
    -------
    float
        Over 20 entries chosen with a fixed seed.
    """
    name = step[2:]  # "d_W1" -> "W1"
    x = case.cache[name] if name.startswith("u") else case.params[name]
    rng = np.random.default_rng(7)
    if name == "W1":  # rows of pixels that are 0 in every image have gradient exactly 0
        lit = np.flatnonzero(case.X.any(axis=0))
        index = np.ravel_multi_index((rng.choice(lit, 20), rng.integers(0, x.shape[1], 20)),
                                     x.shape)
    else:
        index = rng.choice(x.size, min(x.size, 20), replace=False)
    loss_of = _loss_from(case, loss_kind, name)
    x = x.copy()  # numerical_gradient perturbs it in place; the case's own stays untouched
    # eps 1e-5 rather than 1e-6: the hidden layer's gradients on MNIST are small (1e-4 and
    # below), and the rounding error of the loss, divided by eps, must stay well below them
    cd = numerical_gradient(lambda: loss_of(x), x, index, eps=1e-5).reshape(-1)[index]
    return relative_error(got.reshape(-1)[index], cd)
