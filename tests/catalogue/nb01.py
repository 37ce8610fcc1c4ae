"""Notebook 01's entries of the check catalogue: wrong work each check must reject by name,
and right variants it must pass (issue 19).

Every check of notebook 01 (``check_sigmoid``, ``check_forward``, both losses of
``check_loss``, the seven steps of ``check_backward_step``, ``check_backward``,
``check_numerical_gradient``) has at least five :class:`Wrong` entries, honest mistakes and
ways to game it (a constant, zeros of the right shape, answers copied out of the check's own
fixed inputs), and some :class:`Right` variants (loops, einsum, other right formulas).
Nothing runs on import; the right functions a wrong one is built from are those of
``tests/checks_helpers.py``.
The backward pass's entries live in :mod:`catalogue.nb01_backward`.
"""

from __future__ import annotations

import math

import numpy as np
from checks_helpers import cross_entropy, forward, quadratic
from checks_helpers import sigmoid as right_sigmoid
from checks_helpers import sigmoid_prime as right_sigmoid_prime

import backprop as bp
from backprop import checks
from backprop.checks.cases import default_cases

from . import Right, Wrong, nb01_backward
from .nb01_backward import CONSTANT, FIX_PRECISION, PRECISION


# --------------------------------------------------------------------------- builders
def _sigmoid(fn, prime=right_sigmoid_prime):
    return lambda: checks.check_sigmoid(fn, prime)


def _prime(fn):
    return lambda: checks.check_sigmoid(right_sigmoid, fn)


def _forward(fn):
    return lambda: checks.check_forward(fn)


def _loss(fn, kind):
    return lambda: checks.check_loss(fn, kind)


def logit(a):
    """u2 from u3: what a student reads from cache["u2"]."""
    return np.log(a) - np.log1p(-a)


def memorised_forward(params, X):
    """Gaming: bp.forward's results for the check's fixed inputs; zeros for any other."""
    for case in default_cases():
        if X.shape == case.X.shape and np.array_equal(X, case.X):
            return case.cache["y_hat"], dict(case.cache)
    _, cache = bp.forward(params, X)
    cache = {k: np.zeros_like(v) for k, v in cache.items()}
    return cache["y_hat"], cache


# --------------------------------------------------------------------------- sigmoid
def _flipped(z):
    return right_sigmoid(-z)


def _precedence(z):
    with np.errstate(over="ignore"):
        return 1 / 1 + np.exp(-z)


def _naive(z):
    return 1 / (1 + np.exp(-z))


def _nan_for_large(z):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(z) / (1 + np.exp(z))


_SIGMOID_FIXED = {}


def _memorised_sigmoid(z):
    """Gaming: right values for the check's fixed z (by value), 0.5 for any other."""
    if not _SIGMOID_FIXED:
        rng = np.random.default_rng(3)
        for fixed in (rng.normal(0, 3, (4, 5)), np.linspace(-30, 30, 61),
                      np.array([-1000.0, -710.0, 710.0, 1000.0])):
            _SIGMOID_FIXED[fixed.tobytes()] = bp.sigmoid(fixed)
    return _SIGMOID_FIXED.get(np.asarray(z).tobytes(), np.full(np.shape(z), 0.5))


def _in_place_sigmoid(z):
    np.negative(z, out=z)  # "saves memory": z becomes -z, then 1 / (1 + exp(z))
    e = np.exp(-np.abs(z))
    return np.where(z <= 0, 1 / (1 + e), e / (1 + e))


SIGMOID = [
    Wrong("check_sigmoid", "the sign of the exponent: exp(-z) / (1 + exp(-z))",
          _sigmoid(_flipped), ("sigmoid (z random)", "sigma(-z)"),
          "check the sign of the exponent"),
    Wrong("check_sigmoid", "operator precedence: 1 / 1 + np.exp(-z)", _sigmoid(_precedence),
          ("sigmoid", "operator precedence"), "1 / (1 + np.exp(-z))"),
    Wrong("check_sigmoid", "tanh instead of the sigmoid", _sigmoid(np.tanh),
          ("sigmoid", "that is tanh(z)"), "sigma(z) = 1 / (1 + exp(-z))"),
    Wrong("check_sigmoid", "1 / (1 + exp(-z)) overflows at z = -1000", _sigmoid(_naive),
          ("sigmoid overflows for large negative inputs",), "exp(-|z|)"),
    Wrong("check_sigmoid", "exp(z) / (1 + exp(z)) gives NaN at z = 1000",
          _sigmoid(_nan_for_large), ("inf / inf is NaN",), "exp only ever sees a number <= 0"),
    Wrong("check_sigmoid", "float32 arithmetic", _sigmoid(
        lambda z: right_sigmoid(z.astype(np.float32))), ("sigmoid", *PRECISION),
        FIX_PRECISION),
    Wrong("check_sigmoid", "changes z in place", _sigmoid(_in_place_sigmoid),
          ("changed its argument 'z' in place",), "Compute a new array instead"),
    Wrong("check_sigmoid", "a constant: returns 0.5 everywhere",
          _sigmoid(lambda z: np.full(np.shape(z), 0.5)),
          ("sigmoid (z random)", "the same number"), CONSTANT, gaming=True),
    Wrong("check_sigmoid", "answers copied for the check's own inputs, 0.5 elsewhere",
          _sigmoid(_memorised_sigmoid), ("sigmoid (z fresh random)", "the same number"),
          CONSTANT, gaming=True),
    Wrong("check_sigmoid sigmoid_prime", "sigma' of the wrong variable, z (1 - z)",
          _prime(lambda z: z * (1 - z)),
          ("sigmoid_prime (random z)", "sigma' computed on the wrong variable"),
          "s = sigmoid(z) and s * (1 - s)"),
    Wrong("check_sigmoid sigmoid_prime", "(1 - s) alone", _prime(lambda z: 1 - right_sigmoid(z)),
          ("sigmoid_prime", "(1 - s) alone"), "s * (1 - s)"),
    Wrong("check_sigmoid sigmoid_prime", "s (1 + s)",
          _prime(lambda z: right_sigmoid(z) * (1 + right_sigmoid(z))),
          ("sigmoid_prime", "the sign inside is wrong"), "s * (1 - s)"),
    Wrong("check_sigmoid sigmoid_prime", "returns the sigmoid itself", _prime(right_sigmoid),
          ("sigmoid_prime", "the sigmoid itself"), "s * (1 - s)"),
    Wrong("check_sigmoid sigmoid_prime", "sigma' applied to sigmoid(z)",
          _prime(lambda z: right_sigmoid_prime(right_sigmoid(z))),
          ("sigmoid_prime", "sigma' applied to sigmoid(z)"), "one sigmoid only"),
    Wrong("check_sigmoid sigmoid_prime", "a constant: returns 0.25 everywhere",
          _prime(lambda z: np.full(np.shape(z), 0.25)), ("sigmoid_prime", "the same number"),
          CONSTANT, gaming=True),
]


def _sigmoid_loop(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for i, v in np.ndenumerate(z):
        out[i] = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
    return out


SIGMOID_RIGHT = [
    Right("check_sigmoid", "two branches on exp(-|z|)", _sigmoid(right_sigmoid)),
    Right("check_sigmoid", "the package's bp.sigmoid and bp.sigmoid_prime",
          _sigmoid(bp.sigmoid, bp.sigmoid_prime)),
    Right("check_sigmoid", "(1 + tanh(z / 2)) / 2, which never overflows",
          _sigmoid(lambda z: (1 + np.tanh(z / 2)) / 2)),
    Right("check_sigmoid", "a loop over the entries with math.exp", _sigmoid(_sigmoid_loop)),
    Right("check_sigmoid", "overflow silenced with np.errstate",
          _sigmoid(lambda z: _errstate_sigmoid(z),
                   lambda z: np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2)),
    Right("check_sigmoid", "sigma' as s - s**2",
          _prime(lambda z: right_sigmoid(z) - right_sigmoid(z) ** 2)),
]


def _errstate_sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


# --------------------------------------------------------------------------- forward
def _forward_with(**change):
    """The right forward pass with one quantity computed another way."""
    def fwd(params, X):
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        u1 = change.get("u1", lambda: X @ W1)()
        u2 = u1 + (0 if change.get("no_b1") else b1)
        u3 = change.get("act", right_sigmoid)(u2)
        u4 = (u2 if change.get("u2_for_u3") else u3) @ W2
        u5 = u4 + b2
        y_hat = change.get("out", right_sigmoid)(u5)
        return y_hat, {"X": X, "u1": u1, "u2": u2, "u3": u3, "u4": u4, "u5": u5,
                       "y_hat": y_hat}
    return fwd


def _with_u1(u1_of):
    """The right forward pass, with the cache's u1 computed by ``u1_of(params, X)``."""
    def fwd(params, X):
        y_hat, cache = forward(params, X)
        return y_hat, {**cache, "u1": u1_of(params, X)}
    return fwd


def _aliased(params, X):
    u = X @ params["W1"]
    cache = {"X": X, "u1": u}
    u += params["b1"]  # changes cache["u1"] too: the same array
    cache["u2"] = u
    u3 = right_sigmoid(u)
    u5 = u3 @ params["W2"] + params["b2"]
    y_hat = right_sigmoid(u5)
    return y_hat, {**cache, "u3": u3, "u4": u3 @ params["W2"], "u5": u5, "y_hat": y_hat}


def _normalises_X(params, X):
    X /= X.max()  # "normalise the pixels", in place
    return forward(params, X)


def _softmax(u):
    e = np.exp(u - u.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _no_X_in_cache(params, X):
    y_hat, cache = forward(params, X)
    return y_hat, {k: v for k, v in cache.items() if k not in ("X", "y_hat")}


def _other_names(params, X):
    y_hat, cache = forward(params, X)
    return y_hat, {"z1": cache["u1"], "a1": cache["u3"], "z2": cache["u5"], "y_hat": y_hat}


FORWARD = [
    Wrong("check_forward", "u1 transposed: W1.T @ X.T",
          _forward(_with_u1(lambda p, X: p["W1"].T @ X.T)), ("u1", "rows are samples"),
          "u1 = X @ W1"),
    Wrong("check_forward", "the bias b1 left out", _forward(_forward_with(no_b1=True)),
          ("u2", "the bias b1 is missing"), "u2 = u1 + b1"),
    Wrong("check_forward", "no hidden sigmoid", _forward(_forward_with(act=lambda u: u)),
          ("u3", "the hidden sigmoid is missing"), "u3 = sigma(u2)"),
    Wrong("check_forward", "ReLU as the hidden activation",
          _forward(_forward_with(act=lambda u: np.maximum(u, 0))), ("u3", "ReLU"),
          "u3 = sigma(u2)"),
    Wrong("check_forward", "u4 from u2 instead of u3", _forward(_forward_with(u2_for_u3=True)),
          ("u4", "uses the activations u3"), "u4 = u3 @ W2"),
    Wrong("check_forward", "the output's sigmoid forgotten",
          _forward(_forward_with(out=lambda u: u)),
          ("y_hat", "the output's sigmoid is forgotten"), "y_hat = sigma(u5)"),
    Wrong("check_forward", "sigmoid applied twice to y_hat",
          _forward(_forward_with(out=lambda u: right_sigmoid(right_sigmoid(u)))),
          ("y_hat", "the sigmoid is applied twice"), "y_hat = sigma(u5) once"),
    Wrong("check_forward", "softmax at the output", _forward(_forward_with(out=_softmax)),
          ("y_hat", "softmax instead of the sigmoid"), "y_hat = sigma(u5)"),
    Wrong("check_forward", "u += b1 changes the cached u1", _forward(_aliased),
          ("u1", "u1 holds u2's values"), "Compute u2 = u1 + b1 as a new array"),
    Wrong("check_forward", "X normalised in place", _forward(_normalises_X),
          ("changed its argument 'X' in place",), "Compute a new array instead"),
    Wrong("check_forward", "returns (cache, y_hat)",
          _forward(lambda p, X: forward(p, X)[::-1]), ("the pair is in the wrong order",),
          "return y_hat, cache"),
    Wrong("check_forward", "returns y_hat only", _forward(lambda p, X: forward(p, X)[0]),
          ("expected a pair (y_hat, cache)",), "return y_hat, cache"),
    Wrong("check_forward", "the cache's keys named z1, a1, ...", _forward(_other_names),
          ("the cache has no u1",), "under those names"),
    Wrong("check_forward", "the cache without X and y_hat", _forward(_no_X_in_cache),
          ("the cache has no X or y_hat",), "put them in too"),
    Wrong("check_forward", "float32 arithmetic", _forward(
        lambda p, X: forward({k: v.astype(np.float32) for k, v in p.items()},
                             X.astype(np.float32))), ("u1", *PRECISION), FIX_PRECISION),
    Wrong("check_forward", "answers copied for the check's own inputs, zeros elsewhere",
          _forward(memorised_forward), ("u1 (fresh random inputs", "all zeros"), CONSTANT,
          gaming=True),
    Wrong("check_forward", "a constant: every quantity 0.5",
          _forward(lambda p, X: (lambda c: (c["y_hat"], c))(
              {k: np.full_like(v, 0.5) for k, v in forward(p, X)[1].items()})),
          ("u1", "the same number"), CONSTANT, gaming=True),
]


def _forward_loop(params, X):
    rows = [forward(params, X[i:i + 1])[1] for i in range(len(X))]
    cache = {k: np.concatenate([r[k] for r in rows]) for k in ("u1", "u2", "u3", "u4", "u5",
                                                               "y_hat")}
    return cache["y_hat"], {"X": X, **cache}


def _forward_einsum(params, X):
    u1 = np.einsum("ni,ih->nh", X, params["W1"])
    u2 = u1 + params["b1"]
    u3 = bp.sigmoid(u2)
    u4 = np.einsum("nh,ho->no", u3, params["W2"])
    u5 = u4 + params["b2"]
    y_hat = bp.sigmoid(u5)
    return y_hat, {"X": X, "u1": u1, "u2": u2, "u3": u3, "u4": u4, "u5": u5, "y_hat": y_hat}


FORWARD_RIGHT = [
    Right("check_forward", "one line per equation", _forward(forward)),
    Right("check_forward", "a loop over the samples", _forward(_forward_loop)),
    Right("check_forward", "einsum", _forward(_forward_einsum)),
    Right("check_forward", "(W1.T @ X.T).T", _forward(_with_u1(lambda p, X: (p["W1"].T @ X.T).T))),
    Right("check_forward", "the package's bp.forward", _forward(bp.forward)),
]


# --------------------------------------------------------------------------- losses
def _right_loss_values():
    """The right losses on the check's first fixed inputs: a message must never show them."""
    rng = np.random.default_rng(4)
    y_hat = rng.uniform(0.05, 0.95, (4, 10))
    Y = np.eye(10)[rng.integers(0, 10, 4)]
    return {kind: bp.loss(y_hat, Y, kind) for kind in ("mse", "cross_entropy")}


_VALUES = _right_loss_values()
NEVER_MSE = (f"{_VALUES['mse']:.3f}", f"{_VALUES['mse']:.2f}")
NEVER_CE = (f"{_VALUES['cross_entropy']:.3f}", f"{_VALUES['cross_entropy']:.2f}")


def _mse(fn):
    return _loss(fn, "mse")


def _ce(fn):
    return _loss(fn, "cross_entropy")


def _memorised_loss(kind):
    fixed = _VALUES[kind]
    return lambda y_hat, Y: fixed  # the value a previous run printed, or read off the source


MSE = [
    Wrong("check_loss mse", "the 1/n left out", _mse(lambda y, Y: ((y - Y) ** 2).sum() / 2),
          ("quadratic loss", "the 1/n is missing"), "mean over the n samples",
          never_says=NEVER_MSE),
    Wrong("check_loss mse", "the 1/2 left out",
          _mse(lambda y, Y: ((y - Y) ** 2).sum() / len(Y)),
          ("quadratic loss", "the 1/2 is missing"), "(1/2n) * sum of squared errors",
          never_says=NEVER_MSE),
    Wrong("check_loss mse", "the mean squared error", _mse(lambda y, Y: ((y - Y) ** 2).mean()),
          ("quadratic loss", "mean squared error"), "(1/2n) * the sum", never_says=NEVER_MSE),
    Wrong("check_loss mse", "the square root of the loss",
          _mse(lambda y, Y: np.sqrt(quadratic(y, Y))), ("quadratic loss", "the square root"),
          "no root", never_says=NEVER_MSE),
    Wrong("check_loss mse", "absolute errors",
          _mse(lambda y, Y: np.abs(y - Y).sum() / (2 * len(Y))),
          ("quadratic loss", "absolute errors"), "(y_hat - Y) ** 2", never_says=NEVER_MSE),
    Wrong("check_loss mse", "the square of the sum",
          _mse(lambda y, Y: (y - Y).sum() ** 2 / (2 * len(Y))),
          ("quadratic loss", "the square of the sum"), "square each error first",
          never_says=NEVER_MSE),
    Wrong("check_loss mse", "one loss per sample, not their mean",
          _mse(lambda y, Y: ((y - Y) ** 2).sum(axis=1) / 2),
          ("quadratic loss", "expected one number"), "mean over the samples"),
    Wrong("check_loss mse", "the cross-entropy handed in", _mse(cross_entropy),
          ("quadratic loss", "this is the cross-entropy, not the quadratic loss"),
          "(1/2n) * the sum of (y_hat - Y) ** 2",
          never_says=NEVER_MSE),
    Wrong("check_loss mse", "a hard-coded number", _mse(_memorised_loss("mse")),
          ("quadratic loss", "the same number as for the inputs before"),
          "compute the loss from y_hat and Y", gaming=True, never_says=NEVER_MSE[1:]),
    Wrong("check_loss mse", "a constant 0", _mse(lambda y, Y: 0.0),
          ("quadratic loss", "Your result is 0"), CONSTANT, gaming=True, never_says=NEVER_MSE),
]

MSE_RIGHT = [
    Right("check_loss mse", "sum of squares over 2n", _mse(quadratic)),
    Right("check_loss mse", "5 * the mean squared error (10 outputs)",
          _mse(lambda y, Y: Y.shape[1] / 2 * ((y - Y) ** 2).mean())),
    Right("check_loss mse", "a double loop",
          _mse(lambda y, Y: sum((y[i, k] - Y[i, k]) ** 2 for i in range(len(Y))
                                for k in range(Y.shape[1])) / (2 * len(Y)))),
    Right("check_loss mse", "einsum", _mse(lambda y, Y: np.einsum("ik,ik->", y - Y, y - Y)
                                           / (2 * len(Y)))),
    Right("check_loss mse", "squared norm", _mse(lambda y, Y: np.linalg.norm(y - Y) ** 2
                                                 / (2 * len(Y)))),
]

CE = [
    Wrong("check_loss cross_entropy", "only the y ln y_hat term",
          _ce(lambda y, Y: -(Y * np.log(y)).sum() / len(Y)),
          ("cross-entropy", "only the y ln y_hat term"), "(1 - y) ln(1 - y_hat)",
          never_says=NEVER_CE),
    Wrong("check_loss cross_entropy", "the 1/n left out",
          _ce(lambda y, Y: cross_entropy(y, Y) * len(Y)),
          ("cross-entropy", "the 1/n is missing"), "mean over the n samples",
          never_says=NEVER_CE),
    Wrong("check_loss cross_entropy", "np.log10", _ce(
        lambda y, Y: -(Y * np.log10(y) + (1 - Y) * np.log10(1 - y)).sum() / len(Y)),
        ("cross-entropy", "np.log10"), "natural logarithm, np.log", never_says=NEVER_CE),
    Wrong("check_loss cross_entropy", "(1 - Y) ln(y_hat)", _ce(
        lambda y, Y: -(Y * np.log(y) + (1 - Y) * np.log(y)).sum() / len(Y)),
        ("cross-entropy", "(1 - Y) ln(y_hat)"), "takes ln(1 - y_hat)", never_says=NEVER_CE),
    Wrong("check_loss cross_entropy", "wrong sign", _ce(lambda y, Y: -cross_entropy(y, Y)),
          ("cross-entropy", "wrong sign"), "a loss is >= 0", never_says=NEVER_CE),
    Wrong("check_loss cross_entropy", "y_hat and Y swapped", _ce(
        lambda y, Y: _quiet(lambda: -(y * np.log(Y) + (1 - y) * np.log(1 - Y)).sum() / len(Y))),
        ("cross-entropy", "A log of 0"), "never on Y"),
    Wrong("check_loss cross_entropy", "averaged over the outputs too",
          _ce(lambda y, Y: cross_entropy(y, Y) / Y.shape[1]),
          ("cross-entropy", "averaged over the 10 outputs too"), "only the samples are averaged",
          never_says=NEVER_CE),
    Wrong("check_loss cross_entropy", "the quadratic loss handed in", _ce(quadratic),
          ("cross-entropy", "this is the quadratic loss, not the cross-entropy"),
          "Y ln(y_hat) + (1 - Y) ln(1 - y_hat)",
          never_says=NEVER_CE),
    Wrong("check_loss cross_entropy", "a hard-coded number",
          _ce(_memorised_loss("cross_entropy")),
          ("cross-entropy", "the same number as for the inputs before"),
          "compute the loss from y_hat and Y", gaming=True, never_says=NEVER_CE[1:]),
]


def _quiet(fn):
    with np.errstate(all="ignore"):
        return fn()


CE_RIGHT = [
    Right("check_loss cross_entropy", "both terms, np.log", _ce(cross_entropy)),
    Right("check_loss cross_entropy", "clipped to [1e-12, 1 - 1e-12]",
          _ce(lambda y, Y: cross_entropy(np.clip(y, 1e-12, 1 - 1e-12), Y))),
    Right("check_loss cross_entropy", "an epsilon 1e-9 inside the logs", _ce(
        lambda y, Y: -(Y * np.log(y + 1e-9) + (1 - Y) * np.log(1 - y + 1e-9)).sum() / len(Y))),
    Right("check_loss cross_entropy", "np.log1p(-y_hat) for the second term",
          _ce(lambda y, Y: -(Y * np.log(y) + (1 - Y) * np.log1p(-y)).sum() / len(Y))),
    Right("check_loss cross_entropy", "np.where on the one-hot targets",
          _ce(lambda y, Y: -np.where(Y == 1, np.log(y), np.log(1 - y)).sum() / len(Y))),
    Right("check_loss cross_entropy", "the package's bp.loss",
          _ce(lambda y, Y: bp.loss(y, Y, "cross_entropy"))),
]


WRONG: list[Wrong] = [*SIGMOID, *FORWARD, *MSE, *CE, *nb01_backward.WRONG]
RIGHT: list[Right] = [*SIGMOID_RIGHT, *FORWARD_RIGHT, *MSE_RIGHT, *CE_RIGHT,
                      *nb01_backward.RIGHT]
