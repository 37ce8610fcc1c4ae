"""Checks for the exercises: call the student's function, say precisely what is wrong.

Each ``check_*`` function calls the student's function on random inputs of its own (fixed
seeds, so that the same mistake always gets the same message) and on real MNIST rows,
compares the result with the package (``bp.sigmoid``, ``bp.forward``, ``bp.loss``,
``bp.backward``, or the same formulas step by step) and, for gradients, with central
differences in float64.

* On success it prints one line, the CS231n habit::

      d_W1: relative error 3e-9 (float64; below 1e-7 is right) against central ...

* On failure it raises :class:`CheckFailed` (an ``AssertionError``) naming the first wrong
  quantity, the expected and received shapes or the relative error and, when the result
  equals what a known mistake would give, which mistake. Known mistakes are found by
  computing what each one would produce (the ``MISTAKES`` catalogue below) and comparing.
* The student's function gets copies of the inputs, so nothing of the student's is
  modified. When it raises, its own exception and traceback come through unchanged, with
  one note saying which check called it with what; the checker's frames are hidden in
  IPython (``__tracebackhide__``).

Notebook 01 holds the exercises (sigmoid, forward, losses, the seven backward steps,
central differences); notebooks 02-04 the SGD epoch, training and tuning.
"""

from __future__ import annotations

import contextlib
import copy
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .activation import sigmoid
from .data import load_mnist
from .gradcheck import relative_error
from .nn import backward, forward, init_params, loss

CD_BELOW = 1e-7  # a gradient within this of central differences (float64) is right
SAME_BELOW = 1e-9  # a value within this of the package's is right (float64 rounding only)
MATCH_BELOW = 1e-6  # a wrong result this close to a known mistake's result is that mistake
REPORT_BEST_VAL = 0.9029  # the report's best validation accuracy (Table II, lr 2.5e-3)
STEPS = ("d_u5", "d_W2", "d_b2", "d_u3", "d_u2", "d_W1", "d_b1")  # in the order computed


class CheckFailed(AssertionError):
    """An exercise's answer is wrong; the message says what, by how much and, if known, why.

    In IPython and Jupyter it is shown as its message alone: the traceback would only
    point into the checker, and the message already names what is wrong.
    """

    def _render_traceback_(self) -> list[str]:  # IPython's hook for custom tracebacks
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


# --------------------------------------------------------------------------- helpers
def _e(x: float) -> str:
    """``3e-10``, ``1e-7``: one significant digit, no padded exponent."""
    if x == 0:
        return "0"
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{x:.0e}").replace("e+0", "e0")


def _fail(what: str, *lines: str) -> None:
    __tracebackhide__ = True
    raise CheckFailed("\n".join([what, *(f"  {line}" for line in lines if line)]))


def _shapes(args: dict[str, Any]) -> str:
    return ", ".join(f"{k} {np.shape(v)}" if isinstance(v, np.ndarray) else f"{k}={v!r}"
                     for k, v in args.items())


def _call(fn: Callable, check: str, args: dict[str, Any]):
    """``fn(**args)`` on copies of ``args``; a student's exception passes through unchanged."""
    __tracebackhide__ = True
    # copies of everything but a random generator, whose state the function must advance
    copies = {k: v if isinstance(v, np.random.Generator) else copy.deepcopy(v)
              for k, v in args.items()}
    try:
        result = fn(*copies.values())
    except NotImplementedError:
        raise  # an unfinished exercise: its own message says which
    except Exception as exc:
        if hasattr(exc, "add_note"):  # Python >= 3.11
            exc.add_note(f"(raised by your {getattr(fn, '__name__', 'function')} when "
                         f"{check} called it with {_shapes(args)})")
        raise
    for name, value in args.items():
        if isinstance(value, np.ndarray) and not np.array_equal(value, copies[name],
                                                                equal_nan=True):
            _fail(f"{check}: your {getattr(fn, '__name__', 'function')} changed its argument "
                  f"{name!r} in place.",
                  "Later steps read the same array; compute a new one instead "
                  "(e.g. a = a * b, not a *= b).")
    return result


def _as_array(value: Any, name: str, where: str) -> np.ndarray:
    __tracebackhide__ = True
    if value is None:
        _fail(f"{name} {where}: your function returned None.", "Did you forget `return`?")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(f"{name} {where}: expected an array of numbers, received "
              f"{type(value).__name__}.")
    return array


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``compute`` gives what a function with this mistake returns."""

    step: str
    says: str
    compute: Callable[..., np.ndarray]


def _which_mistake(got: np.ndarray, candidates: list[tuple[str, Any]]) -> str | None:
    for says, value in candidates:
        if value is not None and np.shape(value) == got.shape and np.all(np.isfinite(value)) \
                and relative_error(got, np.asarray(value, dtype=np.float64)) < MATCH_BELOW:
            return says
    return None


def _scale_hint(got: np.ndarray, want: np.ndarray) -> str | None:
    """'x times the right values' when ``got`` is a constant multiple of ``want``."""
    if got.shape != want.shape or not np.any(want) or not np.all(np.isfinite(got)):
        return None
    c = float(np.vdot(got, want) / np.vdot(want, want))
    if abs(c - 1) > 1e-6 and relative_error(got, c * want) < MATCH_BELOW:
        return f"Your values are {c:.4g} times the right ones."
    return None


def _compare(name: str, got: Any, want: np.ndarray, where: str, tol: float,
             candidates: list | Callable[[], list] = ()) -> float:
    """Relative error of ``got`` against ``want``; CheckFailed with a diagnosis if too big.

    ``candidates`` lists ``(what the mistake is, what it gives)``, or is a function that
    returns that list, called only when ``got`` is wrong.
    """
    __tracebackhide__ = True
    got = _as_array(got, name, where)
    if got.shape == want.shape and np.all(np.isfinite(got)) and relative_error(got, want) < tol:
        return relative_error(got, want)
    known = _which_mistake(got, candidates() if callable(candidates) else list(candidates))
    if got.shape != want.shape:
        _fail(f"{name} {where}: expected shape {want.shape}, received {got.shape}.",
              f"Known mistake: {known}" if known else
              "Check which axis you sum over and the order and transposes of the product.")
    if not np.all(np.isfinite(got)):
        _fail(f"{name} {where}: your result contains NaN or inf.")
    err = relative_error(got, want)
    if err < tol:
        return err
    _fail(f"{name} {where}: relative error {err:.1g} (float64; below {_e(tol)} is right), "
          f"shape {got.shape} as expected.",
          f"Known mistake: {known}" if known else _scale_hint(got, want)
          or "It matches none of the known mistakes: compare it with the formula line by line.")


# --------------------------------------------------------------------------- cases
@dataclass
class Case:
    """One set of inputs: a float64 network, a batch and its forward pass."""

    where: str
    params: dict[str, np.ndarray]
    X: np.ndarray
    Y: np.ndarray
    cache: dict[str, np.ndarray]


def _random_case(n: int, sizes: tuple[int, int, int], seed: int) -> Case:
    rng = np.random.default_rng(seed)
    params = init_params(list(sizes), rng, init="normal", dtype=np.float64)
    for key in ("b1", "b2"):
        params[key] = rng.standard_normal(params[key].shape)
    X = rng.uniform(0, 1, (n, sizes[0]))
    Y = np.eye(sizes[2])[rng.integers(0, sizes[2], n)]
    return Case(f"(random inputs, n={n}, a {sizes[0]}-{sizes[1]}-{sizes[2]} net)",
                params, X, Y, forward(params, X)[1])


@lru_cache(maxsize=1)
def _mnist_rows() -> tuple[np.ndarray, np.ndarray]:
    train = load_mnist(n_train=10, n_val=0, n_test=0).train
    return train.X.astype(np.float64), train.Y.astype(np.float64)


def _mnist_case(seed: int = 0) -> Case:
    X, Y = _mnist_rows()
    params = init_params([784, 110, 10], np.random.default_rng(seed), dtype=np.float64)
    params["b2"] = np.random.default_rng(seed + 1).normal(0, 1, 10)  # outputs not all 0.5
    return Case("(10 MNIST images, the 784-110-10 net)", params, X.copy(), Y.copy(),
                forward(params, X)[1])


def _cases() -> list[Case]:
    # sizes all different, so a transposed result shows up as a wrong shape; then a square
    # W2 (hidden = outputs), where d_u5 @ W2 is defined and only the values can tell; then
    # real MNIST, where a batch of 10 with 10 outputs makes d_u5 square too
    return [_random_case(3, (7, 5, 4), 1), _random_case(3, (6, 4, 4), 2), _mnist_case()]


# --------------------------------------------------------------------------- reference
def _sigma_prime_of_activation(a: np.ndarray) -> np.ndarray:
    return a * (1 - a)  # sigma'(u) written with a = sigma(u)


def _d_u5(y_hat, Y, loss):
    n = y_hat.shape[0]
    if loss == "mse":
        return (y_hat - Y) * _sigma_prime_of_activation(y_hat) / n
    return (y_hat - Y) / n


RIGHT: dict[str, tuple[tuple[str, ...], Callable]] = {
    # step: (its inputs, the right formula), as in notebook 01's matrix form
    "d_u5": (("y_hat", "Y", "loss"), _d_u5),
    "d_W2": (("u3", "d_u5"), lambda u3, d_u5: u3.T @ d_u5),
    "d_b2": (("d_u5",), lambda d_u5: d_u5.sum(axis=0)),
    "d_u3": (("d_u5", "W2"), lambda d_u5, W2: d_u5 @ W2.T),
    "d_u2": (("d_u3", "u3"), lambda d_u3, u3: d_u3 * _sigma_prime_of_activation(u3)),
    "d_W1": (("X", "d_u2"), lambda X, d_u2: X.T @ d_u2),
    "d_b1": (("d_u2",), lambda d_u2: d_u2.sum(axis=0)),
}


def _sp(a):
    return _sigma_prime_of_activation(a)


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
    ]


def _d_u5_mistakes() -> list[Mistake]:
    def other_loss(y_hat, Y, loss):
        return _d_u5(y_hat, Y, "cross_entropy" if loss == "mse" else "mse")

    return [
        Mistake("d_u5", "off by exactly the batch size n = {n}: the 1/n is missing. L is the MEAN "
                        "loss over the n rows, so every row of d_u5 carries a factor 1/n.",
                lambda y_hat, Y, loss: _d_u5(y_hat, Y, loss) * y_hat.shape[0]),
        Mistake("d_u5", "divided by n twice: one factor 1/n, from the mean over the batch.",
                lambda y_hat, Y, loss: _d_u5(y_hat, Y, loss) / y_hat.shape[0]),
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
                lambda y_hat, Y, loss: _d_u5(y_hat, Y, loss) * _sp(y_hat) if loss == "mse"
                else None),
        Mistake("d_u5", "sigma' computed on the wrong variable: sigma(y_hat)(1 - sigma(y_hat)) "
                        "instead of y_hat (1 - y_hat). y_hat is already sigma(u5), so "
                        "sigma'(u5) = y_hat * (1 - y_hat).",
                lambda y_hat, Y, loss: (y_hat - Y) * _sp(sigmoid(y_hat)) / y_hat.shape[0]
                if loss == "mse" else None),
        Mistake("d_u5", "wrong sign: d_u5 has (y_hat - Y), not (Y - y_hat); with the wrong "
                        "sign the update climbs the loss (gradient ascent).",
                lambda y_hat, Y, loss: -_d_u5(y_hat, Y, loss)),
    ]


MISTAKES: list[Mistake] = [
    *_d_u5_mistakes(),
    *_weight_mistakes("d_W2", "u3", "d_u5", "W2", "(hidden, outputs)"),
    *_bias_mistakes("d_b2", "d_u5", "b2"),
    Mistake("d_u3", "W2 instead of W2.T: d_u3 = d_u5 @ W2.T. Row j of W2 holds the weights "
                    "leaving hidden unit j, and d_u3[:, j] sums d_u5 over the outputs k "
                    "with w2[j, k] (step 4).",
            lambda d_u5, W2: d_u5 @ W2),
    Mistake("d_u3", "transposed: W2 @ d_u5.T is d_u3.T; rows are samples, d_u5 @ W2.T.",
            lambda d_u5, W2: W2 @ d_u5.T),
    Mistake("d_u3", "wrong sign: d_u3 = d_u5 @ W2.T, no minus sign.",
            lambda d_u5, W2: -(d_u5 @ W2.T)),
    Mistake("d_u2", "the factor sigma'(u2) = u3 (1 - u3) is missing: the error must pass "
                    "back through the hidden sigmoid (step 5).",
            lambda d_u3, u3: d_u3),
    Mistake("d_u2", "the factor sigma'(u2) is applied twice: once is right.",
            lambda d_u3, u3: d_u3 * _sp(u3) ** 2),
    Mistake("d_u2", "sigma' computed on the wrong variable: sigma(u3)(1 - sigma(u3)) instead "
                    "of u3 (1 - u3). u3 is already sigma(u2), so sigma'(u2) = u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 * _sp(sigmoid(u3))),
    Mistake("d_u2", "a matrix product where the entrywise one belongs: each hidden unit's "
                    "error is multiplied by its own sigma', d_u3 * u3 * (1 - u3).",
            lambda d_u3, u3: d_u3 @ _sp(u3).T),
    Mistake("d_u2", "wrong sign: d_u2 = d_u3 * u3 * (1 - u3), no minus sign.",
            lambda d_u3, u3: -d_u3 * _sp(u3)),
    *_weight_mistakes("d_W1", "X", "d_u2", "W1", "(784, hidden)"),
    *_bias_mistakes("d_b1", "d_u2", "b1"),
]


def _run_steps(case: Case, loss_kind: str, replace: Mistake | None = None) -> dict:
    """Every quantity of the backward pass, with one step optionally done the wrong way."""
    env = {**case.cache, **case.params, "X": case.X, "Y": case.Y, "loss": loss_kind}
    for step in STEPS:
        inputs, formula = RIGHT[step]
        fn = replace.compute if replace is not None and replace.step == step else formula
        env[step] = fn(*(env[name] for name in inputs))
        if env[step] is None:
            return {}
    return env


def _try_steps(case, loss_kind, mistake):
    try:
        with np.errstate(all="ignore"):
            return _run_steps(case, loss_kind, mistake)
    except (ValueError, TypeError, IndexError):
        return {}  # this mistake is not defined for these shapes


# --------------------------------------------------------------------------- central differences
def _loss_from(case: Case, loss_kind: str, name: str) -> Callable[[dict], float]:
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


def _central_differences(f: Callable, x: np.ndarray, index: np.ndarray,
                         eps: float = 1e-5) -> np.ndarray:
    # eps 1e-5 rather than 1e-6: the hidden layer's gradients on MNIST are small (1e-4 and
    # below), and the rounding error of the loss, divided by eps, must stay well below them
    x = x.copy()
    flat, out = x.reshape(-1), np.empty(len(index))
    for j, i in enumerate(index):
        old = flat[i]
        flat[i] = old + eps
        plus = f(x)
        flat[i] = old - eps
        minus = f(x)
        flat[i] = old
        out[j] = (plus - minus) / (2 * eps)
    return out


def _cd_error(case: Case, loss_kind: str, step: str, got: np.ndarray) -> float:
    """Relative error of ``got`` (the step's result) against central differences."""
    name = step[2:]  # "d_W1" -> "W1"
    x = case.cache[name] if name.startswith("u") else case.params[name]
    rng = np.random.default_rng(7)
    if name == "W1":  # rows of pixels that are 0 in every image have gradient exactly 0
        lit = np.flatnonzero(case.X.any(axis=0))
        index = np.ravel_multi_index((rng.choice(lit, 20), rng.integers(0, x.shape[1], 20)),
                                     x.shape)
    else:
        index = rng.choice(x.size, min(x.size, 20), replace=False)
    cd = _central_differences(_loss_from(case, loss_kind, name), x, index)
    return relative_error(got.reshape(-1)[index], cd)


# --------------------------------------------------------------------------- sigmoid
def check_sigmoid(sigmoid_fn: Callable, sigmoid_prime_fn: Callable | None = None) -> None:
    """Check ``sigmoid(z)`` (and ``sigmoid_prime(z)``) against ``bp.sigmoid``, any z.

    Notebook 01, exercise 1. Both take an array of any shape and return one of that shape.
    """
    __tracebackhide__ = True
    rng = np.random.default_rng(3)
    inputs = {"random": rng.normal(0, 3, (4, 5)), "from -30 to 30": np.linspace(-30, 30, 61)}
    worst = 0.0
    for label, z in inputs.items():
        worst = max(worst, _compare("sigmoid", _call(sigmoid_fn, "check_sigmoid", {"z": z}),
                                    sigmoid(z), f"(z {label})", SAME_BELOW,
                                    [("it returns exp(-z) / (1 + exp(-z)), which is "
                                      "sigma(-z) = 1 - sigma(z): check the sign of the "
                                      "exponent.", sigmoid(-z))]))
    extreme = np.array([-1000.0, -710.0, 710.0, 1000.0])
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("always")
        got = _as_array(_call(sigmoid_fn, "check_sigmoid", {"z": extreme}), "sigmoid",
                        "(z = -1000, -710, 710, 1000)")
    overflow = [w for w in caught if issubclass(w.category, RuntimeWarning)
                and "overflow" in str(w.message)]
    if got.shape != extreme.shape or not np.all(np.isfinite(got)):
        _fail(f"sigmoid at z = -1000, -710, 710, 1000 gives {got!r}, expected [0, 0, 1, 1].",
              "exp of a large number overflows to inf, and inf / inf is NaN: write sigmoid "
              "so that exp only ever sees a number <= 0, e.g. with exp(-|z|).")
    if overflow:
        _fail("sigmoid overflows for large negative inputs: at z = -1000 NumPy warns "
              f"\"{overflow[0].message}\".",
              "exp(-z) = exp(1000) is inf. The value 1 / (1 + inf) = 0 happens to be right, "
              "but a sigmoid must not warn: compute it from e = exp(-|z|) (never above 1) "
              "with two branches, or silence the harmless overflow with "
              "np.errstate(over='ignore') as bp.sigmoid does.")
    _compare("sigmoid", got, sigmoid(extreme), "(z = -1000, -710, 710, 1000)", SAME_BELOW)
    print(f"sigmoid: relative error {_e(worst)} (float64; below {_e(SAME_BELOW)} is right) "
          "against bp.sigmoid, no overflow at z = -1000 or 1000")
    if sigmoid_prime_fn is None:
        return
    z = inputs["random"]
    s = sigmoid(z)
    err = _compare("sigmoid_prime", _call(sigmoid_prime_fn, "check_sigmoid", {"z": z}),
                   s * (1 - s), "(random z)", SAME_BELOW, [
                       ("sigma' computed on the wrong variable: z (1 - z) is sigma'(u) only "
                        "when z is already sigma(u); sigmoid_prime(z) takes z itself, so "
                        "s = sigmoid(z) and s * (1 - s).", z * (1 - z)),
                       ("sigmoid(z) * (1 - z): both factors need sigmoid(z).", s * (1 - z)),
                       ("sigma' applied to sigmoid(z): sigmoid_prime(z) is s * (1 - s) with "
                        "s = sigmoid(z), one sigmoid only.", sigmoid(s) * (1 - sigmoid(s))),
                       ("wrong sign: s * (1 - s) is positive.", -s * (1 - s))])
    print(f"sigmoid_prime: relative error {_e(err)} (float64; below {_e(SAME_BELOW)} is "
          "right) against sigmoid(z) * (1 - sigmoid(z))")


# --------------------------------------------------------------------------- forward
def check_forward(forward_fn: Callable) -> None:
    """Check ``forward(params, X) -> (y_hat, cache)`` against ``bp.forward``.

    Notebook 01, exercise 2: the cache must hold u1..u5 (rows are samples).
    """
    __tracebackhide__ = True
    worst = 0.0
    for case in _cases()[::2]:
        p, X = case.params, case.X
        got = _call(forward_fn, "check_forward", {"params": p, "X": X})
        if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
            _fail(f"forward {case.where}: expected a pair (y_hat, cache) with cache a dict, "
                  f"received {type(got).__name__}.", "End with `return y_hat, cache`.")
        y_hat, cache = got
        missing = [k for k in ("u1", "u2", "u3", "u4", "u5") if k not in cache]
        if missing:
            _fail(f"forward {case.where}: the cache has no {', '.join(missing)}.",
                  f"It has {sorted(cache)}; backward needs u1..u5 under those names.")
        c = case.cache
        known = {
            "u1": [("rows are samples: u1 = X @ W1, (n, 784) @ (784, hidden); this is its "
                    "transpose.", p["W1"].T @ X.T)],
            "u2": [("the bias b1 is missing: u2 = u1 + b1.", c["u1"])],
            "u3": [("the hidden sigmoid is missing: u3 = sigma(u2).", c["u2"]),
                   ("the bias is skipped: u3 = sigma(u2) with u2 = u1 + b1.", sigmoid(c["u1"]))],
            "u4": [("u4 = u3 @ W2 uses the activations u3 = sigma(u2), not u2.",
                    c["u2"] @ p["W2"])],
            "u5": [("the bias b2 is missing: u5 = u4 + b2.", c["u4"])],
            "y_hat": [("the output's sigmoid is forgotten: y_hat = sigma(u5), not u5.",
                       c["u5"])],
        }
        for key in ("u1", "u2", "u3", "u4", "u5", "y_hat"):
            received = y_hat if key == "y_hat" else cache[key]
            worst = max(worst, _compare(key, received, c[key], f"{case.where}", SAME_BELOW,
                                        known[key]))
    print(f"forward: relative error {_e(worst)} (float64; below {_e(SAME_BELOW)} is right) "
          "against bp.forward for u1..u5 and y_hat, random inputs and 10 MNIST images")


# --------------------------------------------------------------------------- losses
LOSS_NAMES = {"mse": "quadratic loss", "cross_entropy": "cross-entropy"}


def check_loss(loss_fn: Callable, kind: str) -> None:
    """Check ``loss_fn(y_hat, Y) -> float`` against ``bp.loss(y_hat, Y, kind)``.

    Notebook 01, exercise 3; ``kind`` is ``"mse"`` (the quadratic loss) or
    ``"cross_entropy"``.
    """
    __tracebackhide__ = True
    if kind not in LOSS_NAMES:
        raise ValueError(f"kind must be 'mse' or 'cross_entropy', got {kind!r}")
    name = LOSS_NAMES[kind]
    rng = np.random.default_rng(4)
    y_rand = rng.uniform(0.05, 0.95, (4, 10))
    mnist = _mnist_case()
    worst = 0.0
    for y_hat, Y, where in [(y_rand, np.eye(10)[rng.integers(0, 10, 4)], "(random y_hat, n=4)"),
                            (mnist.cache["y_hat"], mnist.Y, mnist.where)]:
        n, k = Y.shape
        sq = float(((y_hat - Y) ** 2).sum())
        ce_sum = float(-(Y * np.log(y_hat) + (1 - Y) * np.log(1 - y_hat)).sum())
        want = loss(y_hat, Y, kind)
        other = "cross_entropy" if kind == "mse" else "mse"
        candidates = [
            ("the 1/n is missing: the loss is the mean over the n samples of the per-sample "
             "loss (off by exactly the batch size).", want * n),
            (f"averaged over the {k} outputs too: the per-sample loss SUMS over the outputs; "
             "only the samples are averaged.", want / k),
            (f"this is the {LOSS_NAMES[other]}, not the {name}.", loss(y_hat, Y, other)),
            ("wrong sign: a loss is >= 0.", -want),
        ]
        if kind == "mse":
            candidates += [("the 1/2 is missing: (1/2n) * sum of squared errors.", sq / n),
                           ("that is the mean squared error (mean over all n * 10 entries); "
                            "the quadratic loss is (1/2n) * the sum.", sq / (n * k))]
        else:
            candidates += [("only the y ln y_hat term: with sigmoid outputs the cross-entropy "
                            "also has (1 - y) ln(1 - y_hat).",
                            float(-(Y * np.log(y_hat)).sum()) / n),
                           ("the 1/n is missing.", ce_sum)]
        got = _call(loss_fn, f"check_loss(..., {kind!r})", {"y_hat": y_hat, "Y": Y})
        got_arr = _as_array(got, name, where)
        if got_arr.shape != ():
            _fail(f"{name} {where}: expected one number, received an array of shape "
                  f"{got_arr.shape}.", "Sum over the outputs and take the mean over the samples.")
        worst = max(worst, _compare(name, got_arr, np.asarray(want), where, SAME_BELOW,
                                    candidates))
    print(f"{name}: relative error {_e(worst)} (float64; below {_e(SAME_BELOW)} is right) "
          f"against bp.loss(y_hat, Y, {kind!r}), random outputs and 10 MNIST images")


# --------------------------------------------------------------------------- backward
def check_backward_step(step: str, fn: Callable) -> None:
    """Check one step of the backward pass, e.g. ``check_backward_step("d_W2", d_W2_from)``.

    Notebook 01, exercise 4. The step's function takes the inputs listed in ``RIGHT``
    (``d_W2_from(u3, d_u5)``, ``d_u5_from(y_hat, Y, loss)``, ...), is fed the right values
    of them, and its result is compared with the right formula (which agrees with
    ``bp.backward``) and with central differences of the loss.
    """
    __tracebackhide__ = True
    if step not in RIGHT:
        raise ValueError(f"step must be one of {STEPS}, got {step!r}")
    inputs = RIGHT[step][0]
    mistakes = [m for m in MISTAKES if m.step == step]
    kinds = ("mse", "cross_entropy") if step == "d_u5" else ("mse",)
    worst_cd = 0.0
    # for d_u3, the square-W2 case goes first: there `d_u5 @ W2` runs and gives wrong values
    cases = _cases()
    if step == "d_u3":
        cases = [cases[1], cases[0], cases[2]]
    for case in cases:
        for kind in kinds:
            env = _run_steps(case, kind)
            args = {name: env[name] for name in inputs}
            got = _call(fn, f'check_backward_step("{step}", ...)', args)
            where = case.where if len(kinds) == 1 else f"{case.where[:-1]}, {LOSS_NAMES[kind]})"
            candidates = []
            for m in mistakes:
                try:
                    with np.errstate(all="ignore"):
                        candidates.append((m.says.replace("{n}", str(len(case.X))),
                                           m.compute(*args.values())))
                except (ValueError, TypeError, IndexError):
                    pass
            _compare(step, got, env[step], where, SAME_BELOW, candidates)
            if case.X.shape[1] == 784:
                worst_cd = max(worst_cd, _cd_error(case, kind, step, np.asarray(got, float)))
    if worst_cd >= CD_BELOW:  # cannot happen when the formula matched; kept as a safeguard
        _fail(f"{step}: relative error {worst_cd:.1e} against central differences.")
    print(f"{step}: relative error {_e(worst_cd)} (float64; below {_e(CD_BELOW)} is right) "
          "against central differences on 10 MNIST images; equal to the reference on random "
          "inputs")


def check_backward(backward_fn: Callable) -> None:
    """Check ``backward(params, cache, Y, loss) -> grads`` against ``bp.backward``.

    Notebook 01, the assembled backward pass: ``grads`` has keys W1, b1, W2, b2. The first
    wrong gradient (in the order the pass computes them) is named, with the step whose
    known mistake explains it.
    """
    __tracebackhide__ = True
    worst_cd = 0.0
    different_sizes, square_w2, mnist = _cases()  # square W2 first, as for d_u3 alone
    for case in (square_w2, different_sizes, mnist):
        for kind in ("mse", "cross_entropy"):
            want = backward(case.params, case.cache, case.Y, loss=kind)
            got = _call(backward_fn, "check_backward",
                        {"params": case.params, "cache": case.cache, "Y": case.Y,
                         "loss": kind})
            if not isinstance(got, dict) or set(got) < {"W1", "b1", "W2", "b2"}:
                _fail(f"backward {case.where}: expected a dict with keys W1, b1, W2, b2, "
                      f"received {got!r:.80}.")
            where = f"{case.where[:-1]}, {LOSS_NAMES[kind]})"
            for key in ("W2", "b2", "W1", "b1"):
                def candidates(case=case, kind=kind, key=key):
                    wrong = {m: _try_steps(case, kind, m) for m in MISTAKES}
                    return [(f"{m.step} looks wrong: {m.says}".replace("{n}", str(len(case.X))),
                             w[f"d_{key}"])
                            for m, w in wrong.items() if w]

                _compare(f"d_{key}", got[key], want[key], where, SAME_BELOW, candidates)
                if case.X.shape[1] == 784:
                    worst_cd = max(worst_cd, _cd_error(case, kind, f"d_{key}",
                                                       np.asarray(got[key], float)))
    print(f"backward: relative error {_e(worst_cd)} (float64; below {_e(CD_BELOW)} is right) "
          "against central differences, all four gradients, both losses; equal to "
          "bp.backward on random inputs")


# --------------------------------------------------------------------------- central differences
def check_numerical_gradient(numerical_gradient_fn: Callable) -> None:
    """Check ``numerical_gradient(f, x, index, eps) -> array of len(index)``.

    Notebook 01, exercise 5: central differences ``(f(x + eps) - f(x - eps)) / (2 eps)``
    for the flat entries ``index`` of ``x``, perturbing ``x`` in place (``f`` reads it) and
    restoring it.
    """
    __tracebackhide__ = True
    rng = np.random.default_rng(5)
    x = rng.normal(0, 0.5, (3, 4))
    index = np.array([0, 5, 7, 11])
    eps = 1e-5

    def f():  # strongly curved, so forward differences are visibly worse than central ones
        return float(np.exp(3 * x).sum())

    exact = (3 * np.exp(3 * x)).reshape(-1)[index]
    x_before = x.copy()
    try:
        got = numerical_gradient_fn(f, x, index.copy(), eps)
    except NotImplementedError:
        raise
    except Exception as exc:
        if hasattr(exc, "add_note"):
            exc.add_note("(raised by your numerical_gradient when check_numerical_gradient "
                         f"called it with f, x {x.shape}, index {index.tolist()}, eps={eps})")
        raise
    if not np.array_equal(x, x_before):
        _fail("numerical_gradient left x changed: restore every entry after perturbing it.",
              "The caller's parameters would otherwise drift by eps with every check.")
    flat = x_before.reshape(-1)

    def with_entry(i, value):
        x[...] = x_before
        x.reshape(-1)[i] = value
        fx = f()
        x[...] = x_before
        return fx

    f0 = f()
    plus = np.array([with_entry(i, flat[i] + eps) for i in index])
    minus = np.array([with_entry(i, flat[i] - eps) for i in index])
    candidates = [
        ("forward differences (f(x + eps) - f(x)) / eps: their error is of order eps; "
         "central differences (f(x + eps) - f(x - eps)) / (2 eps) are of order eps^2.",
         (plus - f0) / eps),
        ("divided by eps instead of 2 eps: the two points are 2 eps apart.",
         (plus - minus) / eps),
        ("the second point is x, not x - eps (perturbed back instead of below).",
         (plus - f0) / (2 * eps)),
        ("all zeros: perturb x itself, in place, since f reads x; a copy changes nothing.",
         np.zeros(len(index))),
        ("wrong sign: (f(x + eps) - f(x - eps)), in that order.", -(plus - minus) / (2 * eps)),
    ]
    got = _as_array(got, "numerical_gradient", "(f = sum(exp(3x)))")
    if got.shape == x.shape:
        _fail(f"numerical_gradient: expected shape ({len(index)},), one number per entry of "
              f"index, received {got.shape}, the shape of x.",
              "Return the derivatives for the entries in index only, in their order.")
    err = _compare("numerical_gradient", got, exact, "(f = sum(exp(3x)), eps = 1e-5)", 1e-7,
                   candidates)
    print(f"numerical_gradient: relative error {_e(err)} against the exact derivative "
          "(float64, eps = 1e-5; below 1e-7 is right), and x restored")


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
    X_all, Y_all = _mnist_rows()
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
        got = _call(sgd_epoch_fn, "check_sgd_epoch",
                    {"params": current, "X": X, "Y": Y, "lr": lr, "batch_size": batch_size,
                     "loss": kind, "rng": student_rng})
        if not isinstance(got, dict) or set(got) != set(want):
            _fail(f"sgd_epoch, epoch {epoch}: expected the new parameters, a dict with keys "
                  f"{sorted(want)}, received {got!r:.60}.",
                  "Return the updated parameters at the end of the epoch.")
        for key in want:
            if np.shape(got[key]) != want[key].shape:
                _fail(f"sgd_epoch, epoch {epoch}: {key} has shape {np.shape(got[key])}, "
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
        _fail(f"sgd_epoch, epoch {epoch} {settings}: the new parameters differ from the "
              f"reference's by a relative error of {err:.1g} (below {_e(SAME_BELOW)} is right).",
              f"Known mistake: {known}" if known else
              "The reference: order = rng.permutation(len(X)); for start in range(0, len(X), "
              "batch_size): rows = order[start:start + batch_size], forward and backward on "
              "X[rows], Y[rows], then every parameter minus lr times its gradient. If your "
              "forward and backward passed their checks, compare the loop with this.")
    print(f"sgd_epoch: relative error {_e(err)} (float64; below {_e(SAME_BELOW)} is right) "
          f"against the reference after two epochs {settings}: reshuffled each epoch, last "
          "partial batch used")


# --------------------------------------------------------------------------- answers
def check_trained(params: dict[str, np.ndarray], data: Any, at_least: float = 0.85) -> float:
    """Validation accuracy of the student's trained network; CheckFailed below ``at_least``.

    Notebook 02: the network trained with the student's own functions on the 3000 images.
    """
    __tracebackhide__ = True
    from .nn import accuracy

    val = accuracy(params, data.val.X, data.val.y)
    if val < at_least:
        _fail(f"validation accuracy {100 * val:.1f} %, below {100 * at_least:.0f} %.",
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
        _fail("tuning: no settings tried.")
    values = np.array([float(v) for v in val_acc.values()])
    if np.any(values > 1):
        _fail("tuning: the accuracies look like percentages (above 1).",
              "Give them as fractions, as bp.accuracy and the history return them.")
    if choice not in val_acc:
        _fail(f"tuning: your choice {choice!r} is not one of the settings you tried.",
              f"Tried: {list(val_acc)}.")
    best = max(val_acc, key=val_acc.get)
    if val_acc[choice] < val_acc[best]:
        _fail(f"tuning: {choice!r} has validation accuracy {100 * val_acc[choice]:.2f} %, but "
              f"{best!r} has {100 * val_acc[best]:.2f} %.",
              "Choose on the validation accuracy only (not the training accuracy, never the "
              "test set).")
    if val_acc[choice] <= REPORT_BEST_VAL:
        _fail(f"tuning: the best validation accuracy, {100 * val_acc[choice]:.2f} %, does not "
              f"beat the report's {100 * REPORT_BEST_VAL:.2f} % (Table II).",
              "Try larger learning rates with the cross-entropy, or more epochs.")
    print(f"tuning: {choice!r} has the best validation accuracy of the {len(val_acc)} "
          f"settings tried, {100 * val_acc[choice]:.2f} %, above the report's "
          f"{100 * REPORT_BEST_VAL:.2f} %")


def check_test_accuracy(answer: float, params: dict[str, np.ndarray], data: Any) -> None:
    """Check the test accuracy the student reports for ``params`` (notebook 04)."""
    __tracebackhide__ = True
    from .nn import accuracy

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
    _fail(f"test accuracy: you give {answer!r}, the network's is {test:.4f}.",
          f"Known mistake: {known}" if known else "")


TINY = {"W1": np.array([[0.5, -0.3], [0.2, 0.4]]), "b1": np.array([0.1, 0.2]),
        "W2": np.array([[1.0], [-2.0]]), "b2": np.array([0.25])}
TINY_X, TINY_Y = np.array([[1.0, -1.0]]), np.array([[1.0]])


def _tiny_answers() -> dict[str, tuple[str, float]]:
    _, cache = forward(TINY, TINY_X)
    grads = backward(TINY, cache, TINY_Y, loss="mse")
    stepped = {k: TINY[k] - 0.5 * grads[k] for k in TINY}
    y_after = forward(stepped, TINY_X)[0]
    return {
        "01-6": ("the quadratic loss after one step of lr 0.5 on the tiny example",
                 loss(y_after, TINY_Y, "mse")),
        "01-7": ("d_u5 of the tiny example with the cross-entropy",
                 float(cache["y_hat"][0, 0] - 1.0)),
    }


def _second_guess_share(params: dict, data: Any) -> float:
    """Share of the misclassified test images whose true digit is the second-largest output."""
    out, _ = forward(params, data.test.X)
    wrong = np.flatnonzero(out.argmax(axis=1) != data.test.y)
    second = np.argsort(-out[wrong], axis=1, kind="stable")[:, 1]
    return float(np.mean(second == data.test.y[wrong]))


def _disagreements(first: dict, second: dict, data: Any) -> tuple[int, int]:
    """(first right and second wrong, first wrong and second right) on the test images."""
    right1 = forward(first, data.test.X)[0].argmax(axis=1) == data.test.y
    right2 = forward(second, data.test.X)[0].argmax(axis=1) == data.test.y
    return int(np.sum(right1 & ~right2)), int(np.sum(~right1 & right2))


# exercise -> (what the answer is, the right answer from the context given, tolerance or
# None for an exact match, the names the context must hold)
ANSWERS: dict[str, tuple[str, Callable[..., Any], float | None, tuple[str, ...]]] = {
    "01-6": ("the quadratic loss after one step of lr 0.5 on the tiny example",
             lambda: _tiny_answers()["01-6"][1], 5e-6, ()),
    "01-7": ("d_u5 of the tiny example with the cross-entropy",
             lambda: _tiny_answers()["01-7"][1], 5e-6, ()),
    "02-4": ("the learning rate on the summed minibatch gradient that repeats Run 2 "
             "(lr 0.01 on the mean over minibatches of 10)", lambda: 0.01 / 10, 1e-12, ()),
    "02-7": ("the validation accuracy gained by stopping at the best epoch (a fraction)",
             lambda history: max(history["val_acc"]) - history["val_acc"][-1], 5e-5,
             ("history",)),
    "03-5": ("the learning rate with the best mean best-epoch validation accuracy",
             lambda runs: float(runs.groupby("lr")["best_val_acc"].mean().idxmax()), 1e-12,
             ("runs",)),
    "04-2": ("(first right and second wrong, first wrong and second right) on the test set",
             _disagreements, None, ("first", "second", "data")),
    "04-5": ("the share of misclassified test images whose true digit is the second-largest "
             "output (a fraction)", _second_guess_share, 5e-5, ("params", "data")),
}


def check_answer(exercise: str, value: Any, **context: Any) -> None:
    """Accept or reject the answer to an end-of-notebook exercise, e.g. ``"01-6"``.

    Some answers depend on the student's runs; those are passed by name, e.g.
    ``check_answer("02-7", gain, history=hist_tuned)`` or
    ``check_answer("04-2", (b, c), first=..., second=..., data=data)``.
    """
    __tracebackhide__ = True
    if exercise not in ANSWERS:
        raise ValueError(f"exercise must be one of {sorted(ANSWERS)}, got {exercise!r}")
    what, right_fn, tol, needs = ANSWERS[exercise]
    missing = [name for name in needs if name not in context]
    if missing:
        raise ValueError(f"check_answer({exercise!r}, ...) needs {', '.join(needs)}; "
                         f"missing: {', '.join(missing)}")
    right = right_fn(**{name: context[name] for name in needs})
    if tol is None:
        ok = np.array_equal(np.asarray(value), np.asarray(right))
    else:
        ok = np.isclose(float(value), right, rtol=0, atol=tol)
    if not ok:
        hint = ("Redo the table's rows one at a time and compare each with the code's values."
                if exercise.startswith("01-") else
                "Redo it step by step and compare each step with the code's values.")
        if tol is not None and right != 0 and np.isclose(float(value), 100 * right, rtol=1e-6):
            hint = "That is a percentage; give the fraction."
        _fail(f"exercise {exercise}: {what} is not {value!r}.", hint)
    shown = (f"{right}" if tol is None else f"{right:g}" if tol < 1e-9 else f"{right:.6f}")
    print(f"exercise {exercise}: {what} = {shown}, right")


# --------------------------------------------------------------------------- notebooks
_SKIPPED: list[str] = []  # unfinished exercises met by skip_if_unfinished in this kernel


@contextlib.contextmanager
def skip_if_unfinished():
    """In the student edition: skip a cell politely while an exercise it needs is a stub.

    The body runs until it calls an unfinished exercise, whose stub raises
    ``NotImplementedError("exercise 4f: d_W1_from")``; that stops the cell with one line
    instead of a traceback. A ``NameError`` is skipped the same way once an earlier cell
    was skipped (the name it lacks was to come from that cell). Any other error passes
    through.
    """
    try:
        yield
    except NotImplementedError as exc:
        if not str(exc).startswith("exercise"):
            raise
        _SKIPPED.append(str(exc))
        print(f"Skipped: this cell needs {exc}, which is not written yet. "
              "Finish it, run its check, then rerun this cell.")
    except NameError as exc:
        if not _SKIPPED:
            raise
        print(f"Skipped: this cell needs {exc.name!r}, which a cell above did not define "
              f"because it was skipped ({_SKIPPED[-1]} was not written yet). Once it is, "
              "rerun the cells above this one.")
