"""Notebook 01's checks: the sigmoid, the forward pass, the losses, the backward pass (step by
step and assembled) and central differences.

Each check feeds the student's function the random cases and the real MNIST rows of
:mod:`backprop.checks.cases`, compares with the package (``bp.sigmoid``, ``bp.forward``,
``bp.loss``, ``bp.backward``) or the step's right formula in
:mod:`backprop.checks.reference` and, for gradients, with central differences in float64.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from ..activation import sigmoid, sigmoid_prime_from_output
from ..nn import backward, loss
from .cases import default_cases, mnist_case
from .harness import (
    CD_BELOW,
    SAME_BELOW,
    ExerciseNotWritten,
    Failures,
    as_array,
    call_student,
    compare,
    fail,
    sci,
)
from .mistakes import MISTAKES, try_steps
from .reference import RIGHT, STEPS, cd_error, run_steps


# --------------------------------------------------------------------------- sigmoid
def check_sigmoid(sigmoid_fn: Callable, sigmoid_prime_fn: Callable | None = None) -> None:
    """Check ``sigmoid(z)`` (and ``sigmoid_prime(z)``) against ``bp.sigmoid``, any z.

    Notebook 01, exercise 1. Both take an array of any shape and return one of that shape.
    The sigmoid's values, its overflow at large inputs and ``sigmoid_prime`` are checked
    independently: every one that fails is named, numbered, in one message.
    """
    __tracebackhide__ = True
    failures = Failures()
    rng = np.random.default_rng(3)
    inputs = {"random": rng.normal(0, 3, (4, 5)), "from -30 to 30": np.linspace(-30, 30, 61)}
    worst = 0.0
    with failures.part():
        for label, z in inputs.items():
            worst = max(worst, compare("sigmoid",
                                       call_student(sigmoid_fn, "check_sigmoid", {"z": z}),
                                       sigmoid(z), f"(z {label})", SAME_BELOW,
                                       [("it returns exp(-z) / (1 + exp(-z)), which is "
                                         "sigma(-z) = 1 - sigma(z): check the sign of the "
                                         "exponent.", sigmoid(-z))]))
    values_wrong = bool(failures)
    with failures.part():
        extreme = np.array([-1000.0, -710.0, 710.0, 1000.0])
        with warnings.catch_warnings(record=True) as caught, \
                np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            warnings.simplefilter("always")
            got = as_array(call_student(sigmoid_fn, "check_sigmoid", {"z": extreme}),
                           "sigmoid", "(z = -1000, -710, 710, 1000)")
        overflow = [w for w in caught if issubclass(w.category, RuntimeWarning)
                    and "overflow" in str(w.message)]
        if got.shape != extreme.shape or not np.all(np.isfinite(got)):
            fail(f"sigmoid at z = -1000, -710, 710, 1000 gives {got!r}, expected [0, 0, 1, 1].",
                 "exp of a large number overflows to inf, and inf / inf is NaN: write sigmoid "
                 "so that exp only ever sees a number <= 0, e.g. with exp(-|z|).")
        if overflow:
            fail("sigmoid overflows for large negative inputs: at z = -1000 NumPy warns "
                 f"\"{overflow[0].message}\".",
                 "exp(-z) = exp(1000) is inf. The value 1 / (1 + inf) = 0 happens to be right, "
                 "but a sigmoid must not warn: compute it from e = exp(-|z|) (never above 1) "
                 "with two branches, or silence the harmless overflow with "
                 "np.errstate(over='ignore') as bp.sigmoid does.")
        if not values_wrong:  # wrong values at moderate z are wrong here too: said once
            compare("sigmoid", got, sigmoid(extreme), "(z = -1000, -710, 710, 1000)",
                    SAME_BELOW)
    if not failures:
        print(f"sigmoid: relative error {sci(worst)} (float64; below {sci(SAME_BELOW)} is "
              "right) against bp.sigmoid, no overflow at z = -1000 or 1000")
    if sigmoid_prime_fn is not None:
        # compared with the right sigma', not with the student's sigmoid: independent of it
        with failures.part():
            z = inputs["random"]
            s = sigmoid(z)
            err = compare("sigmoid_prime",
                          call_student(sigmoid_prime_fn, "check_sigmoid", {"z": z}),
                          sigmoid_prime_from_output(s), "(random z)", SAME_BELOW, [
                              ("sigma' computed on the wrong variable: z (1 - z) is sigma'(u) "
                               "only when z is already sigma(u); sigmoid_prime(z) takes z "
                               "itself, so s = sigmoid(z) and s * (1 - s).", z * (1 - z)),
                              ("sigmoid(z) * (1 - z): both factors need sigmoid(z).",
                               s * (1 - z)),
                              ("sigma' applied to sigmoid(z): sigmoid_prime(z) is s * (1 - s) "
                               "with s = sigmoid(z), one sigmoid only.",
                               sigmoid(s) * (1 - sigmoid(s))),
                              ("wrong sign: s * (1 - s) is positive.", -s * (1 - s))])
            print(f"sigmoid_prime: relative error {sci(err)} (float64; below "
                  f"{sci(SAME_BELOW)} is right) against sigmoid(z) * (1 - sigmoid(z))")
    failures.raise_any()


# --------------------------------------------------------------------------- forward
def check_forward(forward_fn: Callable) -> None:
    """Check ``forward(params, X) -> (y_hat, cache)`` against ``bp.forward``.

    Notebook 01, exercise 2: the cache must hold u1..u5 (rows are samples).
    """
    __tracebackhide__ = True
    worst = 0.0
    for case in default_cases()[::2]:
        p, X = case.params, case.X
        got = call_student(forward_fn, "check_forward", {"params": p, "X": X})
        if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
            fail(f"forward {case.where}: expected a pair (y_hat, cache) with cache a dict, "
                 f"received {type(got).__name__}.", "End with `return y_hat, cache`.")
        y_hat, cache = got
        missing = [k for k in ("u1", "u2", "u3", "u4", "u5") if k not in cache]
        if missing:
            fail(f"forward {case.where}: the cache has no {', '.join(missing)}.",
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
            worst = max(worst, compare(key, received, c[key], f"{case.where}", SAME_BELOW,
                                       known[key]))
    print(f"forward: relative error {sci(worst)} (float64; below {sci(SAME_BELOW)} is right) "
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
    mnist = mnist_case()
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
        got = call_student(loss_fn, f"check_loss(..., {kind!r})", {"y_hat": y_hat, "Y": Y})
        got_arr = as_array(got, name, where)
        if got_arr.shape != ():
            fail(f"{name} {where}: expected one number, received an array of shape "
                 f"{got_arr.shape}.", "Sum over the outputs and take the mean over the samples.")
        worst = max(worst, compare(name, got_arr, np.asarray(want), where, SAME_BELOW,
                                   candidates))
    print(f"{name}: relative error {sci(worst)} (float64; below {sci(SAME_BELOW)} is right) "
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
    cases = default_cases()
    if step == "d_u3":
        cases = [cases[1], cases[0], cases[2]]
    for case in cases:
        for kind in kinds:
            env = run_steps(case, kind)
            args = {name: env[name] for name in inputs}
            got = call_student(fn, f'check_backward_step("{step}", ...)', args)
            where = case.where if len(kinds) == 1 else f"{case.where[:-1]}, {LOSS_NAMES[kind]})"
            candidates = []
            for m in mistakes:
                try:
                    with np.errstate(all="ignore"):
                        candidates.append((m.says.replace("{n}", str(len(case.X))),
                                           m.compute(*args.values())))
                except (ValueError, TypeError, IndexError):
                    pass
            compare(step, got, env[step], where, SAME_BELOW, candidates)
            if case.X.shape[1] == 784:
                worst_cd = max(worst_cd, cd_error(case, kind, step, np.asarray(got, float)))
    if worst_cd >= CD_BELOW:  # cannot happen when the formula matched; kept as a safeguard
        fail(f"{step}: relative error {worst_cd:.1e} against central differences.")
    print(f"{step}: relative error {sci(worst_cd)} (float64; below {sci(CD_BELOW)} is right) "
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
    different_sizes, square_w2, mnist = default_cases()  # square W2 first, as for d_u3 alone
    for case in (square_w2, different_sizes, mnist):
        for kind in ("mse", "cross_entropy"):
            want = backward(case.params, case.cache, case.Y, loss=kind)
            got = call_student(backward_fn, "check_backward",
                               {"params": case.params, "cache": case.cache, "Y": case.Y,
                                "loss": kind})
            if not isinstance(got, dict) or set(got) < {"W1", "b1", "W2", "b2"}:
                fail(f"backward {case.where}: expected a dict with keys W1, b1, W2, b2, "
                     f"received {got!r:.80}.")
            where = f"{case.where[:-1]}, {LOSS_NAMES[kind]})"
            for key in ("W2", "b2", "W1", "b1"):
                def candidates(case=case, kind=kind, key=key):
                    wrong = {m: try_steps(case, kind, m) for m in MISTAKES}
                    return [(f"{m.step} looks wrong: {m.says}".replace("{n}", str(len(case.X))),
                             w[f"d_{key}"])
                            for m, w in wrong.items() if w]

                compare(f"d_{key}", got[key], want[key], where, SAME_BELOW, candidates)
                if case.X.shape[1] == 784:
                    worst_cd = max(worst_cd, cd_error(case, kind, f"d_{key}",
                                                      np.asarray(got[key], float)))
    print(f"backward: relative error {sci(worst_cd)} (float64; below {sci(CD_BELOW)} is right) "
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
    except NotImplementedError as exc:
        # not call_student: f reads x itself, so x cannot be a copy; a stub is calm all the same
        raise ExerciseNotWritten.from_stub(exc, numerical_gradient_fn) from None
    except Exception as exc:
        if hasattr(exc, "add_note"):
            exc.add_note("(raised by your numerical_gradient when check_numerical_gradient "
                         f"called it with f, x {x.shape}, index {index.tolist()}, eps={eps})")
        raise
    # restoring x and the values are independent: both are named when both are wrong
    failures = Failures()
    with failures.part():
        if not np.array_equal(x, x_before):
            fail("numerical_gradient left x changed: restore every entry after perturbing it.",
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
    with failures.part():
        got = as_array(got, "numerical_gradient", "(f = sum(exp(3x)))")
        if got.shape == x.shape:
            fail(f"numerical_gradient: expected shape ({len(index)},), one number per entry of "
                 f"index, received {got.shape}, the shape of x.",
                 "Return the derivatives for the entries in index only, in their order.")
        err = compare("numerical_gradient", got, exact, "(f = sum(exp(3x)), eps = 1e-5)", 1e-7,
                      candidates)
    failures.raise_any()
    print(f"numerical_gradient: relative error {sci(err)} against the exact derivative "
          "(float64, eps = 1e-5; below 1e-7 is right), and x restored")
