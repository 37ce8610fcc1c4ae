"""Backprop on notebook 01's 2-2-1 hand example, one step at a time (notebook 01, "A tiny
example to do by hand").

:func:`walkthrough` lists the steps of the forward pass (u1, u2, u3, u4, u5, y_hat, L) and of
the backward pass (d_u5, d_b2, d_W2, d_u3, d_u2, d_b1, d_W1), in the order of the notebook's
hand-worked table, each with the node it computes, the nodes it reads, its value and the one
formula it uses written out with numbers. :func:`backprop.figures.backprop_step` draws a step on
the computation graph; :class:`backprop.widgets.StepThrough` walks through them with Back and
Next. The arithmetic is the plain NumPy of notebook 01, so the numbers are the table's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activation import sigmoid, sigmoid_prime_from_output


@dataclass(frozen=True)
class Step:
    """One step of the walk-through.

    Attributes
    ----------
    phase : {"start", "forward", "backward"}
    name : str, the quantity computed, in the notebook's names ("u3", "d_W1", ...)
    node : str, the graph node it belongs to ("u3", "W1", ...; "" for the start)
    inputs : tuple of str, the nodes whose values or gradients the formula reads
    value : ndarray, the quantity (shape of the node: (1, 2), (2, 2), ...)
    formula : str, the one formula used, with the numbers put in
    given : dict, on the start step only: the values known before any step (``x``, ``W1``,
        ``b1``, ``W2``, ``b2``, ``y``), by node
    """

    phase: str
    name: str
    node: str
    inputs: tuple[str, ...]
    value: np.ndarray
    formula: str
    given: dict = field(default_factory=dict)


def hand_example() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Notebook 01's 2-2-1 example: ``(params, x, y)``.

    ``W1`` (2, 2), ``b1`` (2,), ``W2`` (2, 1), ``b2`` (1,); ``x`` = (1, -1) as a (1, 2) row,
    target ``y`` = 1 as a (1, 1) row; the quadratic loss. The one definition of the example:
    the checks' ``TINY`` (exercises 01-6 and 01-7) and the tests take it from here.
    """
    params = {"W1": np.array([[0.5, -0.3], [0.2, 0.4]]), "b1": np.array([0.1, 0.2]),
              "W2": np.array([[1.0], [-2.0]]), "b2": np.array([0.25])}
    return params, np.array([[1.0, -1.0]]), np.array([[1.0]])


def num6(v: float) -> str:
    """A number as the hand-worked table writes it: 6 decimals, trailing zeros dropped."""
    text = f"{float(v):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _factor(v: float) -> str:
    return f"({num6(v)})" if float(v) < 0 else num6(v)


def _vec(a: np.ndarray) -> str:
    flat = np.ravel(a)
    return num6(flat[0]) if flat.size == 1 else "(" + ", ".join(num6(v) for v in flat) + ")"


def _mat(a: np.ndarray) -> str:
    a = np.atleast_2d(a)
    return "[" + "; ".join(", ".join(num6(v) for v in row) for row in a) + "]"


def walkthrough(params: dict | None = None, x: np.ndarray | None = None,
                y: np.ndarray | None = None) -> list[Step]:
    """Every step of one forward and one backward pass, quadratic loss, one sample.

    Parameters
    ----------
    params : dict with ``W1`` (n_in, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_out),
        ``b2`` (n_out,); default the hand example's (see :func:`hand_example`)
    x : ndarray, shape (1, n_in); y : ndarray, shape (1, n_out); default the hand example's

    Returns
    -------
    list of Step
        A "start" step, then u1, u2, u3, u4, u5, y_hat, L (forward), then d_u5, d_b2,
        d_W2, d_u3, d_u2, d_b1, d_W1 (backward), in the order of the hand-worked table.
    """
    default_params, default_x, default_y = hand_example()
    params = default_params if params is None else params
    x = default_x if x is None else np.asarray(x, dtype=float)
    y = default_y if y is None else np.asarray(y, dtype=float)
    if set(params) != {"W1", "b1", "W2", "b2"}:
        raise ValueError(f"params must hold W1, b1, W2, b2 (one hidden layer), "
                         f"got {sorted(params)}")
    if x.ndim != 2 or x.shape[0] != 1 or x.shape[1] != params["W1"].shape[0]:
        raise ValueError(f"x must be one sample of shape (1, {params['W1'].shape[0]}), "
                         f"got shape {x.shape}")
    if y.shape != (1, params["W2"].shape[1]):
        raise ValueError(f"y must have shape (1, {params['W2'].shape[1]}), got {y.shape}")
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))

    # forward, equations (1)-(6) and the quadratic loss of notebook 01
    u1 = x @ W1
    u2 = u1 + b1
    u3 = sigmoid(u2)
    u4 = u3 @ W2
    u5 = u4 + b2
    y_hat = sigmoid(u5)
    L = 0.5 * np.sum((y_hat - y) ** 2)
    # backward, the table's rows (n = 1)
    d_u5 = (y_hat - y) * sigmoid_prime_from_output(y_hat)
    d_b2 = d_u5.sum(axis=0)
    d_W2 = u3.T @ d_u5
    d_u3 = d_u5 @ W2.T
    d_u2 = d_u3 * sigmoid_prime_from_output(u3)
    d_b1 = d_u2.sum(axis=0)
    d_W1 = x.T @ d_u2

    def dot_terms(row: np.ndarray, M: np.ndarray) -> str:
        cols = [" + ".join(f"{_factor(a)}·{_factor(w)}" for a, w in zip(row, M[:, j], strict=True))
                for j in range(M.shape[1])]
        return cols[0] if len(cols) == 1 else "(" + ",  ".join(cols) + ")"

    def plus_terms(a: np.ndarray, b: np.ndarray) -> str:
        terms = [f"{num6(p)} + {_factor(q)}" for p, q in zip(np.ravel(a), np.ravel(b), strict=True)]
        return terms[0] if len(terms) == 1 else "(" + ",  ".join(terms) + ")"

    def sig_terms(z: np.ndarray) -> str:
        terms = [f"σ({num6(v)})" for v in np.ravel(z)]
        return terms[0] if len(terms) == 1 else "(" + ", ".join(terms) + ")"

    def times_terms(*arrays: np.ndarray) -> str:
        flat = [np.ravel(a) for a in arrays]
        terms = ["·".join(_factor(a[i]) for a in flat) for i in range(flat[0].size)]
        return terms[0] if len(terms) == 1 else "(" + ",  ".join(terms) + ")"

    err = y_hat - y
    d5 = _factor(d_u5.item()) if d_u5.size == 1 else _vec(d_u5)
    sp = sigmoid_prime_from_output(u3)
    return [
        Step("start", "start", "", (), x,
             f"The 2-2-1 network of notebook 01: input x = {_vec(x)}, target y = {_vec(y)}, "
             f"quadratic loss. Press Next for the forward pass.",
             given={"x": x, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "y": y}),
        Step("forward", "u1", "u1", ("x", "W1"), u1,
             f"u1 = x w1 = {dot_terms(x[0], W1)} = {_vec(u1)}"),
        Step("forward", "u2", "u2", ("u1", "b1"), u2,
             f"u2 = u1 + b1 = {plus_terms(u1, b1)} = {_vec(u2)}"),
        Step("forward", "u3", "u3", ("u2",), u3, f"u3 = σ(u2) = {sig_terms(u2)} = {_vec(u3)}"),
        Step("forward", "u4", "u4", ("u3", "W2"), u4,
             f"u4 = u3 w2 = {dot_terms(u3[0], W2)} = {_vec(u4)}"),
        Step("forward", "u5", "u5", ("u4", "b2"), u5,
             f"u5 = u4 + b2 = {plus_terms(u4, b2)} = {_vec(u5)}"),
        Step("forward", "y_hat", "y_hat", ("u5",), y_hat,
             f"ŷ = σ(u5) = {sig_terms(u5)} = {_vec(y_hat)}"),
        Step("forward", "L", "L", ("y_hat", "y"), np.array(L),
             f"L = ½ (ŷ − y)² = ½ · {_factor(err.item()) if err.size == 1 else _vec(err)}² "
             f"= {num6(L)}"),
        Step("backward", "d_u5", "u5", ("y_hat", "y"), d_u5,
             f"d_u5 = (ŷ − y) ŷ (1 − ŷ) = {times_terms(err, y_hat, 1 - y_hat)} = {_vec(d_u5)}"),
        Step("backward", "d_b2", "b2", ("u5",), d_b2,
             f"d_b2 = the row of d_u5 = {_vec(d_b2)}"),
        Step("backward", "d_W2", "W2", ("u3", "u5"), d_W2,
             f"d_w2 = u3ᵀ d_u5 = {_vec(u3)}ᵀ · {d5} = {_vec(d_W2)}ᵀ"),
        Step("backward", "d_u3", "u3", ("u5", "W2"), d_u3,
             f"d_u3 = d_u5 w2ᵀ = {d5} · {_vec(W2)} = {_vec(d_u3)}"),
        Step("backward", "d_u2", "u2", ("u3",), d_u2,
             f"d_u2 = d_u3 ⊙ u3 (1 − u3) = {times_terms(d_u3, sp)} = {_vec(d_u2)}"),
        Step("backward", "d_b1", "b1", ("u2",), d_b1,
             f"d_b1 = the row of d_u2 = {_vec(d_b1)}"),
        Step("backward", "d_W1", "W1", ("x", "u2"), d_W1,
             f"d_w1 = xᵀ d_u2 = {_vec(x)}ᵀ {_vec(d_u2)} = {_mat(d_W1)}"),
    ]
