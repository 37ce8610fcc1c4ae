"""Notebook 01's checks: the sigmoid, the forward pass, the losses, the backward pass (step by
step and assembled) and central differences.

Each check feeds the student's function the random cases and the real MNIST rows of
:mod:`backprop.checks.cases`, compares with the package (``bp.sigmoid``, ``bp.forward``,
``bp.loss``, ``bp.backward``) or the step's right formula in
:mod:`backprop.checks.reference` and, for gradients, with central differences in float64.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import numpy as np

from ..activation import sigmoid, sigmoid_prime_from_output
from ..gradcheck import relative_error
from ..nn import backward, loss
from .cases import default_cases, fresh_case, mnist_case
from .harness import (
    CD_BELOW,
    SAME_BELOW,
    CheckFailed,
    ExerciseNotWritten,
    Failures,
    as_array,
    call_student,
    compare,
    fail,
    sci,
)
from .mistakes import (
    MISTAKES,
    forward_mistakes,
    loss_mistakes,
    sigmoid_mistakes,
    sigmoid_prime_mistakes,
    try_steps,
)
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
    # fixed inputs first (the same mistake, the same message), then fresh ones: only an
    # answer written for the fixed inputs gets that far
    inputs = {"random": rng.normal(0, 3, (4, 5)), "from -30 to 30": np.linspace(-30, 30, 61),
              "fresh random": np.random.default_rng().normal(0, 4, (3, 7))}
    worst = 0.0
    with failures.part():
        for label, z in inputs.items():
            worst = max(worst, compare("sigmoid",
                                       call_student(sigmoid_fn, "check_sigmoid", {"z": z}),
                                       sigmoid(z), f"(z {label})", SAME_BELOW,
                                       sigmoid_mistakes(z)))
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
            err = 0.0
            for label in ("random", "fresh random"):
                z = inputs[label]
                err = max(err, compare(
                    "sigmoid_prime", call_student(sigmoid_prime_fn, "check_sigmoid", {"z": z}),
                    sigmoid_prime_from_output(sigmoid(z)), f"({label} z)", SAME_BELOW,
                    sigmoid_prime_mistakes(z)))
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
    for case in [*default_cases()[::2], fresh_case()]:
        p, X = case.params, case.X
        got = call_student(forward_fn, "check_forward", {"params": p, "X": X})
        if isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], dict):
            fail(f"forward {case.where}: the pair is in the wrong order, (cache, y_hat).",
                 "End with `return y_hat, cache`: y_hat first, as bp.forward does.")
        if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
            fail(f"forward {case.where}: expected a pair (y_hat, cache) with cache a dict, "
                 f"received {type(got).__name__}.", "End with `return y_hat, cache`.")
        y_hat, cache = got
        missing = [k for k in ("u1", "u2", "u3", "u4", "u5") if k not in cache]
        if missing:
            fail(f"forward {case.where}: the cache has no {', '.join(missing)}.",
                 f"It has {sorted(cache)}; backward needs u1..u5 under those names.")
        known = forward_mistakes(p, X, case.cache)
        for key in ("u1", "u2", "u3", "u4", "u5", "y_hat"):
            received = y_hat if key == "y_hat" else cache[key]
            worst = max(worst, compare(key, received, case.cache[key], f"{case.where}",
                                       SAME_BELOW, known[key]))
        missing = [k for k in ("X", "y_hat") if k not in cache]
        if missing:
            fail(f"forward {case.where}: the cache has no {' or '.join(missing)}.",
                 "The backward pass reads cache['X'] and cache['y_hat']: put them in too.")
        compare("cache['y_hat']", cache["y_hat"], case.cache["y_hat"], case.where, SAME_BELOW,
                [("it is not the y_hat you return: store the same array.", case.cache["u5"])])
        compare("cache['X']", cache["X"], X, case.where, SAME_BELOW,
                [("rows are samples: store X as it was given, not X.T.", X.T)])
    print(f"forward: relative error {sci(worst)} (float64; below {sci(SAME_BELOW)} is right) "
          "against bp.forward for u1..u5 and y_hat, random inputs and 10 MNIST images")


# --------------------------------------------------------------------------- losses
LOSS_NAMES = {"mse": "quadratic loss", "cross_entropy": "cross-entropy"}
CE_BELOW = 1e-6  # the cross-entropy allows an epsilon of up to about 1e-8 inside its logs


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
    fresh = np.random.default_rng()
    mnist = mnist_case()
    # the cross-entropy allows an epsilon inside the log (up to about 1e-8, a guard against
    # log(0) that many write): it moves the loss by less than CE_BELOW
    tol = SAME_BELOW if kind == "mse" else CE_BELOW
    worst, seen = 0.0, []
    for y_hat, Y, where in [(y_rand, np.eye(10)[rng.integers(0, 10, 4)], "(random y_hat, n=4)"),
                            (mnist.cache["y_hat"], mnist.Y, mnist.where),
                            (fresh.uniform(0.05, 0.95, (6, 3)), np.eye(3)[fresh.integers(0, 3, 6)],
                             "(fresh random y_hat, n=6, 3 outputs)")]:
        want = loss(y_hat, Y, kind)
        got = call_student(loss_fn, f"check_loss(..., {kind!r})", {"y_hat": y_hat, "Y": Y})
        got_arr = as_array(got, name, where)
        if got_arr.shape != ():
            fail(f"{name} {where}: expected one number, received an array of shape "
                 f"{got_arr.shape}.", "Sum over the outputs and take the mean over the samples.")
        if not np.isfinite(got_arr):
            fail(f"{name} {where}: your loss is {float(got_arr)} for outputs strictly between "
                 "0 and 1.",
                 "A log of 0 or of a negative number: the logs belong on y_hat and 1 - y_hat "
                 "(never on Y, which is 0 or 1)." if kind == "cross_entropy" else "")
        if any(float(got_arr) == g for g in seen):
            fail(f"{name} {where}: the same number as for the inputs before, though the "
                 "right losses differ.",
                 "A hard-coded or constant result cannot be right: compute the loss from "
                 "y_hat and Y.")
        seen.append(float(got_arr))
        worst = max(worst, compare(name, got_arr, np.asarray(want), where, tol,
                                   loss_mistakes(y_hat, Y, kind,
                                                 loss(y_hat, Y, _other(kind)))))
    print(f"{name}: relative error {sci(worst)} (float64; below {sci(tol)} is right) "
          f"against bp.loss(y_hat, Y, {kind!r}), random outputs and 10 MNIST images")


def _other(kind: str) -> str:
    return "cross_entropy" if kind == "mse" else "mse"


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
    cases.append(fresh_case())  # last: only an answer written for the fixed cases gets here
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
    for case in (square_w2, different_sizes, mnist, fresh_case()):
        for kind in ("mse", "cross_entropy"):
            want = backward(case.params, case.cache, case.Y, loss=kind)
            got = call_student(backward_fn, "check_backward",
                               {"params": case.params, "cache": case.cache, "Y": case.Y,
                                "loss": kind})
            where = f"{case.where[:-1]}, {LOSS_NAMES[kind]})"
            _check_keys(got, where)
            for key in ("W2", "b2", "W1", "b1"):
                def candidates(case=case, kind=kind, key=key):
                    wrong = {m: try_steps(case, kind, m) for m in MISTAKES}
                    return [(f"{m.step} looks wrong: {m.says}".replace("{n}", str(len(case.X))),
                             w[f"d_{key}"])
                            for m, w in wrong.items() if w]

                try:
                    compare(f"d_{key}", got[key], want[key], where, SAME_BELOW, candidates)
                except CheckFailed as exc:
                    raise CheckFailed(_blame(str(exc), f"d_{key}")) from None
                if case.X.shape[1] == 784:
                    worst_cd = max(worst_cd, cd_error(case, kind, f"d_{key}",
                                                      np.asarray(got[key], float)))
    print(f"backward: relative error {sci(worst_cd)} (float64; below {sci(CD_BELOW)} is right) "
          "against central differences, all four gradients, both losses; equal to "
          "bp.backward on random inputs")


GRAD_KEYS = ("W1", "b1", "W2", "b2")


def _blame(message: str, name: str) -> str:
    """``message`` with its first line naming the step whose known mistake explains it."""
    found = re.search(r"Known mistake: (d_\w+) looks wrong", message)
    if not found or found[1] == name:
        return message
    first, _, rest = message.partition("\n")
    return f"{first[:-1]}; the mistake is in {found[1]}, which {name} is computed from.\n{rest}"


def _check_keys(got: object, where: str) -> None:
    """CheckFailed unless ``got`` is a dict keyed exactly W1, b1, W2, b2."""
    __tracebackhide__ = True
    if not isinstance(got, dict):
        fail(f"backward {where}: expected a dict of gradients keyed W1, b1, W2, b2, received "
             f"{type(got).__name__}.",
             'End with `return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}`.')
    missing = [k for k in GRAD_KEYS if k not in got]
    extra = [repr(k) for k in got if k not in GRAD_KEYS]
    if missing or extra:
        renamed = any(str(k).lstrip("d_").lstrip("d") in GRAD_KEYS for k in got
                      if k not in GRAD_KEYS)
        fail(f"backward {where}: the gradients must be keyed W1, b1, W2, b2 exactly"
             + (f"; missing {', '.join(missing)}" if missing else "")
             + (f"; not expected {', '.join(extra)}" if extra else "") + ".",
             "Key each gradient by the name of its parameter, as params is keyed: "
             "grads['W1'] is d_W1 (not grads['d_W1'] or grads['dW1'])." if renamed else
             "The update reads grads[k] for every k in params, and nothing else.")


# --------------------------------------------------------------------------- central differences
def check_numerical_gradient(numerical_gradient_fn: Callable) -> None:
    """Check ``numerical_gradient(f, x, index, eps) -> array of len(index)``.

    Notebook 01, exercise 5: central differences ``(f(x + eps) - f(x - eps)) / (2 eps)``
    for the flat entries ``index`` of ``x``, perturbing ``x`` in place (``f`` reads it) and
    restoring it. Tried on f = sum(exp(3x)), strongly curved so that one-sided differences
    show, then on a second function the message does not name, so that a derivative worked
    out by hand for the first fails; ``f`` must be called (twice per entry).
    """
    __tracebackhide__ = True
    rng = np.random.default_rng(5)
    M = rng.normal(0, 1, (5, 3))
    problems = [  # (x, f of x, its exact gradient, index, label)
        (rng.normal(0, 0.5, (3, 4)), lambda x: float(np.exp(3 * x).sum()),
         lambda x: 3 * np.exp(3 * x), np.array([0, 5, 7, 11]), "f = sum(exp(3x))"),
        (rng.normal(0, 1, (2, 5)), lambda x: float(np.sin(x @ M).sum()),
         lambda x: np.cos(x @ M) @ M.T, np.array([9, 2, 4]), "a second f"),
    ]
    eps = 1e-5
    failures = Failures()
    worst = 0.0
    for x, f_of, grad_of, index, label in problems:
        calls = [0]

        def f(x=x, f_of=f_of, calls=calls):  # reads x, as the loss reads the parameters
            calls[0] += 1
            return f_of(x)

        x_before, index_given = x.copy(), index.copy()
        try:
            got = numerical_gradient_fn(f, x, index_given, eps)
        except NotImplementedError as exc:
            # not call_student: f reads x itself, so x cannot be a copy; a stub is calm all
            # the same
            raise ExerciseNotWritten.from_stub(exc, numerical_gradient_fn) from None
        except Exception as exc:
            if hasattr(exc, "add_note"):
                exc.add_note("(raised by your numerical_gradient when check_numerical_gradient "
                             f"called it with f, x {x.shape}, index {index.tolist()}, eps={eps})")
            raise
        where = f"({label}, eps = 1e-5)"
        # restoring x and the values are independent: both are named when both are wrong
        with failures.part():
            if not np.array_equal(x, x_before):
                fail("numerical_gradient left x changed: restore every entry after perturbing "
                     "it.", "The caller's parameters would otherwise drift by eps with every "
                     "check.")
        with failures.part():
            if not np.array_equal(index_given, index):
                fail("numerical_gradient changed its argument 'index' in place.",
                     "Read index, do not sort or overwrite it: the caller uses it after.")
        with failures.part():
            if calls[0] == 0:
                fail(f"numerical_gradient {where}: it never calls f.",
                     "A numerical gradient comes from f's values alone: for each entry, f() at "
                     "x + eps and at x - eps (f reads x, so change x itself).")
            got = as_array(got, "numerical_gradient", where)
            if got.shape == x.shape:
                fail(f"numerical_gradient {where}: expected shape ({len(index)},), one number "
                     f"per entry of index, received {got.shape}, the shape of x.",
                     "Return the derivatives for the entries in index only, in their order.")
            exact = grad_of(x_before).reshape(-1)[index]
            if label != "f = sum(exp(3x))" and got.shape == exact.shape \
                    and np.all(np.isfinite(got)) and relative_error(got, exact) >= 1e-7:
                fail(f"numerical_gradient {where}: right for sum(exp(3x)) but not for another "
                     f"f (relative error {relative_error(got, exact):.1g}).",
                     "It must work for any f: compute it from f's values at x + eps and "
                     "x - eps, not from a derivative worked out by hand.")
            worst = max(worst, compare("numerical_gradient", got, exact, where, 1e-7,
                                       lambda x=x_before, f_of=f_of, index=index:
                                       _difference_mistakes(x, f_of, index, eps)))
        if failures:
            break  # the second function only once the first is right: each said once
    failures.raise_any()
    print(f"numerical_gradient: relative error {sci(worst)} against the exact derivative "
          "(float64, eps = 1e-5; below 1e-7 is right), and x restored")


def _difference_mistakes(x0: np.ndarray, f_of: Callable, index: np.ndarray,
                         eps: float) -> list[tuple[str, np.ndarray]]:
    """What the known mistakes of central differences give for ``f_of`` at ``x0``."""
    flat = x0.reshape(-1)

    def at(i, value):
        x = x0.copy()
        x.reshape(-1)[i] = value
        return f_of(x)

    def central(h, entries=index):
        return np.array([(at(i, flat[i] + h) - at(i, flat[i] - h)) / (2 * h) for i in entries])

    f0 = f_of(x0)
    plus = np.array([at(i, flat[i] + eps) for i in index])
    minus = np.array([at(i, flat[i] - eps) for i in index])
    whole = (f_of(x0 + eps) - f_of(x0 - eps)) / (2 * eps)
    return [
        ("forward differences (f(x + eps) - f(x)) / eps: their error is of order eps; "
         "central differences (f(x + eps) - f(x - eps)) / (2 eps) are of order eps^2.",
         (plus - f0) / eps),
        ("backward differences (f(x) - f(x - eps)) / eps: one-sided, their error is of order "
         "eps; central differences (f(x + eps) - f(x - eps)) / (2 eps) are of order eps^2.",
         (f0 - minus) / eps),
        ("divided by eps instead of 2 eps: the two points are 2 eps apart.",
         (plus - minus) / eps),
        ("the second point is x, not x - eps (perturbed back instead of below).",
         (plus - f0) / (2 * eps)),
        ("all zeros: perturb x itself, in place, since f reads x; a copy (x.copy(), "
         "x.flatten(), x + 0) changes nothing that f sees. x.reshape(-1) is a view.",
         np.zeros(len(index))),
        ("wrong sign: (f(x + eps) - f(x - eps)), in that order.", -(plus - minus) / (2 * eps)),
        ("every entry of x perturbed at once: perturb only entry i, then put it back before "
         "the next.", np.full(len(index), whole)),
        ("the first len(index) entries instead of the entries index names: x.reshape(-1)[i] "
         "for each i in index.", central(eps, np.arange(len(index)))),
        *[(f"the eps argument ignored (eps = {h:g} used): use the eps the caller passes; a "
           "large eps makes even central differences inexact.", central(h))
          for h in (1e-1, 1e-2, 1e-3) if h != eps],
    ]
