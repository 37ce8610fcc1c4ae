"""The catalogue of known mistakes of the backward pass, each with what it computes.

A wrong result is diagnosed by computing what each known mistake would produce from the
same inputs and comparing: :data:`MISTAKES` lists them, step by step, each with the text
the student is shown (``{n}`` stands for the batch size) and a function that makes the
mistake. Each function takes the step's inputs in the order of
:data:`~backprop.checks.reference.RIGHT` and returns ``None`` where the mistake does not
apply (to this loss, say).

The functions spell out the formula the student wrote, ``u3 * (1 - u3)`` and all, as the
texts do, instead of calling the package's helpers (such as
:func:`backprop.activation.sigmoid_prime_from_output`): a mistake is what it computes, and
must stay that when the package's right answers change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..activation import sigmoid
from ..nn import loss
from .cases import Case
from .reference import d_u5_right, run_steps


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``compute`` gives what a function with this mistake returns."""

    step: str
    says: str
    compute: Callable[..., np.ndarray]


def _logit(a: np.ndarray) -> np.ndarray:
    """The pre-activation whose sigmoid is ``a``: u2 from u3, as the cache holds it."""
    return np.log(a) - np.log1p(-a)


def _weight_mistakes(step, act, d_out, param, layer_in):
    return [
        Mistake(step, f"{step} is transposed: compute {act}.T @ {d_out}, which has the shape "
                      f"of {param}, {layer_in}; the gradient of a parameter has its shape.",
                lambda a, d: d.T @ a),
        Mistake(step, f"{d_out} is transposed inside the product ({act}.T @ {d_out}.T): the "
                      f"shapes agree only because sizes coincide; the sum runs over the rows "
                      f"(samples), {act}.T @ {d_out}.",
                lambda a, d: a.T @ d.T),
        Mistake(step, f"divided by n again: {d_out} already carries the 1/n of the mean, and "
                      f"the product {act}.T @ {d_out} does the sum over the batch by itself.",
                lambda a, d: a.T @ d / a.shape[0]),
        Mistake(step, f"wrong sign: {step} = +{act}.T @ {d_out}; the minus sign belongs in the "
                      "update w <- w - lr * d_w (a wrong sign here is gradient ascent).",
                lambda a, d: -(a.T @ d)),
        Mistake(step, f"the outer product of the row sums: (sum of the rows of {act}) times "
                      f"(sum of the rows of {d_out}) mixes sample i of one with sample m of the "
                      f"other. The sum over the batch runs over products of the SAME sample, "
                      f"sum_i {act}[i, j] {d_out}[i, k], which is {act}.T @ {d_out}.",
                lambda a, d: np.outer(a.sum(axis=0), d.sum(axis=0))),
        Mistake(step, f"only the first sample: {act}[0] and {d_out}[0] give sample 0's share; "
                      f"{step} sums the shares of all n samples, {act}.T @ {d_out}.",
                lambda a, d: np.outer(a[0], d[0])),
        Mistake(step, f"the per-sample products are not summed: shape (n, *{param}.shape). Sum "
                      f"them over the samples (axis 0), or write {act}.T @ {d_out}, which sums "
                      "inside the product.",
                lambda a, d: a[:, :, None] * d[:, None, :]),
        Mistake(step, f"{act} @ {d_out}.T multiplies over the units and gives (n, n), one "
                      f"number per pair of samples; the product must run over the samples: "
                      f"{act}.T @ {d_out}.",
                lambda a, d: a @ d.T),
    ]


def _bias_mistakes(step, d_out, bias):
    return [
        Mistake(step, f"not summed over the batch: the bias is added to every row, so its "
                      f"gradient is the sum over the rows, {d_out}.sum(axis=0).",
                lambda d: d),
        Mistake(step, f"averaged over the batch: {d_out} already carries the 1/n of the mean, "
                      f"so averaging divides by n twice; sum the rows, {d_out}.sum(axis=0).",
                lambda d: d.mean(axis=0)),
        Mistake(step, "summed over the wrong axis: axis 1 sums over the units of a sample; "
                      "the bias is shared by the samples, so sum over axis 0 (the rows).",
                lambda d: d.sum(axis=1)),
        Mistake(step, f"right values, but shape (1, k): the gradient must have the shape of "
                      f"{bias}, a vector; drop keepdims=True.",
                lambda d: d.sum(axis=0, keepdims=True)),
        Mistake(step, "wrong sign (gradient ascent): sum the rows as they are.",
                lambda d: -d.sum(axis=0)),
        Mistake(step, f"only the first row (sample 0): the bias is added to every row, so "
                      f"every row contributes; sum them all, {d_out}.sum(axis=0).",
                lambda d: d[0]),
        Mistake(step, f"summed over everything, one number: {bias} has one entry per unit, so "
                      "sum over the rows only (axis=0).",
                lambda d: d.sum()),
    ]


def _d_u5_mistakes() -> list[Mistake]:
    def other_loss(y_hat, Y, loss):
        return d_u5_right(y_hat, Y, "cross_entropy" if loss == "mse" else "mse")

    return [
        Mistake("d_u5", "off by exactly the batch size n = {n}: the 1/n is missing. L is the MEAN "
                        "loss over the n rows, so every row of d_u5 carries a factor 1/n.",
                lambda y_hat, Y, loss: d_u5_right(y_hat, Y, loss) * y_hat.shape[0]),
        Mistake("d_u5", "divided by n twice: one factor 1/n, from the mean over the batch.",
                lambda y_hat, Y, loss: d_u5_right(y_hat, Y, loss) / y_hat.shape[0]),
        Mistake("d_u5", "the quadratic loss's d_u5 used with the cross-entropy (or its "
                        "sigma' factor kept): with the cross-entropy sigma'(u5) cancels, and "
                        "d_u5 = (y_hat - Y) / n.",
                lambda y_hat, Y, loss: other_loss(y_hat, Y, loss) if loss == "cross_entropy"
                else None),
        Mistake("d_u5", "the factor sigma'(u5) = y_hat (1 - y_hat) is missing (that is the "
                        "cross-entropy's d_u5, used for the quadratic loss): for the quadratic "
                        "loss d_u5 = (y_hat - Y) * y_hat * (1 - y_hat) / n.",
                lambda y_hat, Y, loss: other_loss(y_hat, Y, loss) if loss == "mse" else None),
        Mistake("d_u5", "the factor sigma'(u5) is applied twice: once is right.",
                lambda y_hat, Y, loss: d_u5_right(y_hat, Y, loss) * (y_hat * (1 - y_hat))
                if loss == "mse" else None),
        Mistake("d_u5", "sigma' computed on the wrong variable: sigma(y_hat)(1 - sigma(y_hat)) "
                        "instead of y_hat (1 - y_hat). y_hat is already sigma(u5), so "
                        "sigma'(u5) = y_hat * (1 - y_hat).",
                lambda y_hat, Y, loss:
                (y_hat - Y) * (sigmoid(y_hat) * (1 - sigmoid(y_hat))) / y_hat.shape[0]
                if loss == "mse" else None),
        Mistake("d_u5", "wrong sign: d_u5 has (y_hat - Y), not (Y - y_hat); with the wrong "
                        "sign the update climbs the loss (gradient ascent).",
                lambda y_hat, Y, loss: -d_u5_right(y_hat, Y, loss)),
        Mistake("d_u5", "a factor 2 too many: the 1/2 of the quadratic loss cancels the 2 "
                        "that the derivative of the square brings down.",
                lambda y_hat, Y, loss: 2 * d_u5_right(y_hat, Y, loss) if loss == "mse"
                else None),
        Mistake("d_u5", "divided by n * outputs (Y.size, or a mean over every entry): L is the "
                        "mean over the n samples only; the per-sample loss SUMS over the "
                        "outputs, so divide by n = len(Y).",
                lambda y_hat, Y, loss: d_u5_right(y_hat, Y, loss) / Y.shape[1]),
        Mistake("d_u5", "that is d_y_hat, the derivative with respect to y_hat; d_u5 is one "
                        "step further back, d_y_hat * sigma'(u5), which for the cross-entropy "
                        "simplifies to (y_hat - Y) / n.",
                lambda y_hat, Y, loss: (-(Y / y_hat) + (1 - Y) / (1 - y_hat)) / y_hat.shape[0]
                if loss == "cross_entropy" else None),
        Mistake("d_u5", "sigma'(u5) written as (1 - y_hat) alone: it is y_hat * (1 - y_hat).",
                lambda y_hat, Y, loss: (y_hat - Y) * (1 - y_hat) / y_hat.shape[0]
                if loss == "mse" else None),
        Mistake("d_u5", "sigma'(u5) written as y_hat * (1 + y_hat): the sign inside is wrong, "
                        "sigma' = y_hat * (1 - y_hat).",
                lambda y_hat, Y, loss: (y_hat - Y) * y_hat * (1 + y_hat) / y_hat.shape[0]
                if loss == "mse" else None),
    ]


MISTAKES: list[Mistake] = [
    *_d_u5_mistakes(),
    *_weight_mistakes("d_W2", "u3", "d_u5", "W2", "(hidden, outputs)"),
    Mistake("d_W2", "the pre-activation u2 used instead of the activation u3: what reaches "
                    "W2 is u3 = sigma(u2), so d_W2 = u3.T @ d_u5.",
            lambda u3, d_u5: _logit(u3).T @ d_u5),
    *_bias_mistakes("d_b2", "d_u5", "b2"),
    Mistake("d_u3", "W2 instead of W2.T: d_u3 = d_u5 @ W2.T. Row j of W2 holds the weights "
                    "leaving hidden unit j, and d_u3[:, j] sums d_u5 over the outputs k "
                    "with w2[j, k] (step 4).",
            lambda d_u5, W2: d_u5 @ W2),
    Mistake("d_u3", "transposed: W2 @ d_u5.T is d_u3.T; rows are samples, d_u5 @ W2.T.",
            lambda d_u5, W2: W2 @ d_u5.T),
    Mistake("d_u3", "wrong sign: d_u3 = d_u5 @ W2.T, no minus sign.",
            lambda d_u5, W2: -(d_u5 @ W2.T)),
    Mistake("d_u3", "divided by n again: d_u5 already carries the 1/n of the mean; "
                    "d_u3 = d_u5 @ W2.T.",
            lambda d_u5, W2: d_u5 @ W2.T / d_u5.shape[0]),
    Mistake("d_u3", "summed over the batch: d_u3 has one row per sample, (n, hidden), like "
                    "u3; only a parameter's gradient sums over the rows.",
            lambda d_u5, W2: (d_u5 @ W2.T).sum(axis=0)),
    Mistake("d_u3", "only the first sample: every row of d_u5 is sent back, d_u5 @ W2.T.",
            lambda d_u5, W2: d_u5[:1] @ W2.T),
    Mistake("d_u2", "the factor sigma'(u2) = u3 (1 - u3) is missing: the error must pass "
                    "back through the hidden sigmoid (step 5).",
            lambda d_u3, u3: d_u3),
    Mistake("d_u2", "the factor sigma'(u2) is applied twice: once is right.",
            lambda d_u3, u3: d_u3 * (u3 * (1 - u3)) ** 2),
    Mistake("d_u2", "sigma' computed on the wrong variable: sigma(u3)(1 - sigma(u3)) instead "
                    "of u3 (1 - u3). u3 is already sigma(u2), so sigma'(u2) = u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 * (sigmoid(u3) * (1 - sigmoid(u3)))),
    Mistake("d_u2", "a matrix product where the entrywise one belongs: each hidden unit's "
                    "error is multiplied by its own sigma', d_u3 * u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 @ (u3 * (1 - u3)).T),
    Mistake("d_u2", "wrong sign: d_u2 = d_u3 * u3 * (1 - u3), no minus sign.",
            lambda d_u3, u3: -d_u3 * (u3 * (1 - u3))),
    Mistake("d_u2", "sigma'(u2) written as (1 - u3) alone: it is u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 * (1 - u3)),
    Mistake("d_u2", "sigma'(u2) written as u3 * (1 + u3): the sign inside is wrong, "
                    "sigma'(u2) = u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 * u3 * (1 + u3)),
    Mistake("d_u2", "sigma'(u2) written as u3 alone: it is u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 * u3),
    Mistake("d_u2", "sigma' written as u2 * (1 - u2), on the pre-activation: s (1 - s) is "
                    "sigma' only when s is the sigmoid's OUTPUT. u2 is the input, so "
                    "sigma'(u2) = u3 * (1 - u3) with u3 = sigma(u2).",
            lambda d_u3, u3: d_u3 * (_logit(u3) * (1 - _logit(u3)))),
    Mistake("d_u2", "divided by n again: d_u3 already carries the 1/n of the mean; "
                    "d_u2 = d_u3 * u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 * (u3 * (1 - u3)) / u3.shape[0]),
    *_weight_mistakes("d_W1", "X", "d_u2", "W1", "(784, hidden)"),
    *_bias_mistakes("d_b1", "d_u2", "b1"),
]

def try_steps(case: Case, loss_kind: str, mistake: Mistake) -> dict:
    """:func:`~backprop.checks.reference.run_steps` with ``mistake``; empty where undefined.

    Parameters
    ----------
    case : Case
    loss_kind : {"mse", "cross_entropy"}
    mistake : Mistake

    Returns
    -------
    dict
        Every quantity of the backward pass, or ``{}`` when the mistake does not apply to
        this loss or to these shapes.
    """
    try:
        with np.errstate(all="ignore"):
            return run_steps(case, loss_kind, mistake)
    except (ValueError, TypeError, IndexError):
        return {}  # this mistake is not defined for these shapes


# --------------------------------------------------------------------------- the other checks
# Candidates ``(what the mistake is, what it gives)`` for the checks of exercises 1-3, from
# the inputs the check fed the student's function.

def _softmax(u: np.ndarray) -> np.ndarray:
    e = np.exp(u - u.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid_mistakes(z: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Known mistakes of ``sigmoid(z)``."""
    with np.errstate(all="ignore"):
        return [
            ("it returns exp(-z) / (1 + exp(-z)), which is sigma(-z) = 1 - sigma(z): check "
             "the sign of the exponent.", sigmoid(-z)),
            ("operator precedence: 1 / 1 + np.exp(-z) is 1 + exp(-z); the whole denominator "
             "needs brackets, 1 / (1 + np.exp(-z)).", 1 + np.exp(-z)),
            ("1 - exp(-z) in the denominator: it is 1 / (1 + exp(-z)).", 1 / (1 - np.exp(-z))),
            ("that is tanh(z), which runs from -1 to 1; the sigmoid runs from 0 to 1, "
             "sigma(z) = 1 / (1 + exp(-z)).", np.tanh(z)),
            ("exp(-z) without the 1 +: sigma(z) = 1 / (1 + exp(-z)).", 1 / np.exp(-z)),
        ]


def sigmoid_prime_mistakes(z: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Known mistakes of ``sigmoid_prime(z)``."""
    s = sigmoid(z)
    return [
        ("sigma' computed on the wrong variable: z (1 - z) is sigma'(u) only when z is "
         "already sigma(u); sigmoid_prime(z) takes z itself, so s = sigmoid(z) and "
         "s * (1 - s).", z * (1 - z)),
        ("sigmoid(z) * (1 - z): both factors need sigmoid(z).", s * (1 - z)),
        ("sigma' applied to sigmoid(z): sigmoid_prime(z) is s * (1 - s) with s = sigmoid(z), "
         "one sigmoid only.", sigmoid(s) * (1 - sigmoid(s))),
        ("wrong sign: s * (1 - s) is positive.", -s * (1 - s)),
        ("(1 - s) alone: sigma' = s * (1 - s), both factors.", 1 - s),
        ("s * (1 + s): the sign inside is wrong, sigma' = s * (1 - s).", s * (1 + s)),
        ("it returns the sigmoid itself: its derivative is s * (1 - s).", s),
    ]


def forward_mistakes(params: dict, X: np.ndarray, cache: dict) -> dict[str, list]:
    """Known mistakes of the forward pass, for each quantity of its cache and ``y_hat``.

    Parameters
    ----------
    params, X : the inputs of the forward pass
    cache : dict
        The right forward pass (``u1`` ... ``u5``, ``y_hat``).

    Returns
    -------
    dict
        ``{"u1": [(says, value), ...], ..., "y_hat": [...]}``.
    """
    c = cache
    with np.errstate(all="ignore"):
        return {
            "u1": [("rows are samples: u1 = X @ W1, (n, 784) @ (784, hidden); this is its "
                    "transpose.", params["W1"].T @ X.T),
                   ("u1 holds u2's values: an in-place `u += b1` after `cache['u1'] = u` "
                    "changed the array the cache holds. Compute u2 = u1 + b1 as a new array.",
                    c["u2"])],
            "u2": [("the bias b1 is missing: u2 = u1 + b1.", c["u1"]),
                   ("u2 holds u3's values: an in-place update (u[...] = sigmoid(u), "
                    "np.exp(..., out=u)) changed the array the cache holds.", c["u3"])],
            "u3": [("the hidden sigmoid is missing: u3 = sigma(u2).", c["u2"]),
                   ("the bias is skipped: u3 = sigma(u2) with u2 = u1 + b1.", sigmoid(c["u1"])),
                   ("ReLU, max(0, u2), is not this network's activation: u3 = sigma(u2).",
                    np.maximum(c["u2"], 0)),
                   ("tanh is not the sigmoid: u3 = sigma(u2) = 1 / (1 + exp(-u2)).",
                    np.tanh(c["u2"]))],
            "u4": [("u4 = u3 @ W2 uses the activations u3 = sigma(u2), not u2.",
                    c["u2"] @ params["W2"]),
                   ("u4 holds u5's values: an in-place `u += b2` changed the array the cache "
                    "holds. Compute u5 = u4 + b2 as a new array.", c["u5"])],
            "u5": [("the bias b2 is missing: u5 = u4 + b2.", c["u4"])],
            "y_hat": [("the output's sigmoid is forgotten: y_hat = sigma(u5), not u5.", c["u5"]),
                      ("the sigmoid is applied twice: y_hat = sigma(u5) once; sigma(y_hat) "
                       "squeezes every output towards 0.5-0.73.", sigmoid(c["y_hat"])),
                      ("softmax instead of the sigmoid: this network's 10 outputs are "
                       "independent sigmoids, y_hat = sigma(u5).", _softmax(c["u5"]))],
        }


def loss_mistakes(y_hat: np.ndarray, Y: np.ndarray, kind: str,
                  other: float) -> list[tuple[str, float]]:
    """Known mistakes of the loss ``kind`` on these outputs and targets.

    Parameters
    ----------
    y_hat, Y : ndarray, shape (n, outputs)
    kind : {"mse", "cross_entropy"}
    other : float
        The other loss on the same inputs (the quadratic loss handed in as the
        cross-entropy, or the other way round).

    Returns
    -------
    list of (str, float)
    """
    n, k = Y.shape
    want = loss(y_hat, Y, kind)
    sq = float(((y_hat - Y) ** 2).sum())
    names = {"mse": "quadratic loss", "cross_entropy": "cross-entropy"}
    found = [
        ("the 1/n is missing: the loss is the mean over the n samples of the per-sample "
         "loss (off by exactly the batch size).", want * n),
        (f"averaged over the {k} outputs too: the per-sample loss SUMS over the outputs; "
         "only the samples are averaged.", want / k),
        (f"this is the {names['cross_entropy' if kind == 'mse' else 'mse']}, not the "
         f"{names[kind]}, " + ("(1/2n) * the sum of (y_hat - Y) ** 2." if kind == "mse" else
                               "-(1/n) * the sum of Y ln(y_hat) + (1 - Y) ln(1 - y_hat)."),
         other),
        ("wrong sign: a loss is >= 0.", -want),
    ]
    if kind == "mse":
        return found + [
            ("the 1/2 is missing: (1/2n) * sum of squared errors.", sq / n),
            ("that is the mean squared error (mean over all n * 10 entries); the quadratic "
             "loss is (1/2n) * the sum.", sq / (n * k)),
            ("the square root of the loss: the quadratic loss is the sum of squares itself, "
             "no root.", np.sqrt(want)),
            ("absolute errors instead of squared ones: (y_hat - Y) ** 2.",
             float(np.abs(y_hat - Y).sum()) / (2 * n)),
            ("the square of the sum: square each error first, then sum.",
             float((y_hat - Y).sum()) ** 2 / (2 * n)),
        ]
    ce = -(Y * np.log(y_hat) + (1 - Y) * np.log(1 - y_hat))
    return found + [
        ("only the y ln y_hat term: with sigmoid outputs the cross-entropy also has "
         "(1 - y) ln(1 - y_hat).", float(-(Y * np.log(y_hat)).sum()) / n),
        ("the 1/n is missing.", float(ce.sum())),
        ("np.log10: the cross-entropy uses the natural logarithm, np.log.",
         float(ce.sum()) / n / np.log(10)),
        ("np.log2: the cross-entropy here uses the natural logarithm, np.log.",
         float(ce.sum()) / n / np.log(2)),
        ("(1 - Y) ln(y_hat): the second term takes ln(1 - y_hat).",
         float(-(Y * np.log(y_hat) + (1 - Y) * np.log(y_hat)).sum()) / n),
    ]
