"""Notebook 01's catalogue entries for the backward pass: the seven steps of
``check_backward_step``, ``check_backward`` and ``check_numerical_gradient`` (issue 19).

Part of :mod:`catalogue.nb01`, which lists them with the entries of exercises 1-3.
"""

from __future__ import annotations

import numpy as np
from checks_helpers import STEPS, d_u5_from, make_backward
from checks_helpers import numerical_gradient as right_numerical_gradient

import backprop as bp
from backprop import checks
from backprop.checks.cases import default_cases
from backprop.checks.reference import RIGHT as RIGHT_STEPS
from backprop.checks.reference import run_steps

from . import Right, Wrong

PRECISION = ("precision matter", "float64")
FIX_PRECISION = "Compute in float64"
CONSTANT = "compute it from the inputs"


def _step(step, fn):
    return lambda: checks.check_backward_step(step, fn)


def _backward(fn):
    return lambda: checks.check_backward(fn)


def _numgrad(fn):
    return lambda: checks.check_numerical_gradient(fn)


def _key(args):
    return tuple(a.tobytes() if isinstance(a, np.ndarray) else a for a in args)


def memorised_step(step):
    """Gaming: the right results of ``step`` on the check's fixed inputs, looked up by value
    (read off the check's source); zeros of the right shape for any other input."""
    table = {}
    for case in default_cases():
        for kind in ("mse", "cross_entropy"):
            env = run_steps(case, kind)
            args = [env[name] for name in RIGHT_STEPS[step][0]]
            table[_key(args)] = env[step]

    def looked_up(*args):
        found = table.get(_key(args))
        return found if found is not None else np.zeros_like(RIGHT_STEPS[step][1](*args))
    return looked_up


def memorised_backward(params, cache, Y, loss="mse"):
    """Gaming: bp.backward's results for the check's fixed inputs; zeros for any other."""
    for case in default_cases():
        if Y.shape == case.Y.shape and np.array_equal(Y, case.Y) \
                and np.array_equal(params["W1"], case.params["W1"]):
            return bp.backward(case.params, case.cache, case.Y, loss=loss)
    return {k: np.zeros_like(v) for k, v in params.items()}


# --------------------------------------------------------------------------- backward steps
def _f32(step):
    """The right step computed in float32."""
    return lambda *args: STEPS[step](*(a.astype(np.float32) if isinstance(a, np.ndarray)
                                        else a for a in args))


def _zeros(step):
    """Gaming: zeros of the right shape, so that the shape check passes."""
    return lambda *args: np.zeros_like(RIGHT_STEPS[step][1](*args))


def _step_wrongs(step, entries):
    """Entries ``(mistake, fn, says, fix)`` of one step, plus the three ways to game it and
    float32, which every step gets."""
    check = f"check_backward_step {step}"
    return [Wrong(check, mistake, _step(step, fn), (step, *says), fix)
            for mistake, fn, says, fix in entries] + [
        Wrong(check, "float32 arithmetic", _step(step, _f32(step)), (step, *PRECISION),
              FIX_PRECISION),
        Wrong(check, "zeros of the right shape", _step(step, _zeros(step)),
              (step, "all zeros"), CONSTANT, gaming=True),
        Wrong(check, "answers copied for the check's own inputs, zeros elsewhere",
              _step(step, memorised_step(step)), (step, "(fresh random inputs", "all zeros"),
              CONSTANT, gaming=True),
    ]


def _n(fn):
    """``fn`` with the 1/n of the mean taken back out (the d_u5 of a summed loss)."""
    return lambda y_hat, Y, loss: fn(y_hat, Y, loss) * len(Y)


def _quadratic_for_both(y_hat, Y, loss):
    return d_u5_from(y_hat, Y, "mse")


def _cross_entropy_for_both(y_hat, Y, loss):
    return d_u5_from(y_hat, Y, "cross_entropy")


def _d_y_hat(y_hat, Y, loss):
    if loss == "mse":
        return d_u5_from(y_hat, Y, loss)
    return (-(Y / y_hat) + (1 - Y) / (1 - y_hat)) / len(Y)


def _mse_only(fn):
    """``fn`` for the quadratic loss, the right d_u5 for the cross-entropy."""
    return lambda y_hat, Y, loss: fn(y_hat, Y) if loss == "mse" else d_u5_from(y_hat, Y, loss)


D_U5 = _step_wrongs("d_u5", [
    ("the 1/n left out", _n(d_u5_from), ("off by exactly the batch size n = 3",),
     "every row of d_u5 carries a factor 1/n"),
    ("the quadratic loss without sigma'(u5)", _cross_entropy_for_both,
     ("the factor sigma'(u5) = y_hat (1 - y_hat) is missing",),
     "d_u5 = (y_hat - Y) * y_hat * (1 - y_hat) / n"),
    ("the quadratic loss's d_u5 for the cross-entropy", _quadratic_for_both,
     ("cross-entropy", "the quadratic loss's d_u5 used with the cross-entropy"),
     "d_u5 = (y_hat - Y) / n"),
    ("sigma'(u5) applied twice",
     lambda y, Y, loss: d_u5_from(y, Y, loss) * y * (1 - y), ("applied twice",), "once is right"),
    ("wrong sign, (Y - y_hat)", lambda y, Y, loss: -d_u5_from(y, Y, loss), ("wrong sign",),
     "(y_hat - Y), not (Y - y_hat)"),
    ("the 2 of the square kept (the 1/2 forgotten)",
     lambda y, Y, loss: 2 * d_u5_from(y, Y, loss) if loss == "mse" else d_u5_from(y, Y, loss),
     ("a factor 2 too many",), "the 1/2 of the quadratic loss cancels the 2"),
    ("divided by Y.size", lambda y, Y, loss: d_u5_from(y, Y, loss) * len(Y) / Y.size,
     ("divided by n * outputs",), "divide by n = len(Y)"),
    ("d_y_hat returned for the cross-entropy", _d_y_hat,
     ("cross-entropy", "that is d_y_hat"), "simplifies to (y_hat - Y) / n"),
    ("(1 - y_hat) alone for sigma'", _mse_only(lambda y, Y: (y - Y) * (1 - y) / len(Y)),
     ("(1 - y_hat) alone",), "it is y_hat * (1 - y_hat)"),
    ("sigma'(u5) from sigma(y_hat)",
     _mse_only(lambda y, Y: (y - Y) * bp.sigmoid_prime(y) / len(Y)),
     ("sigma' computed on the wrong variable",), "sigma'(u5) = y_hat * (1 - y_hat)"),
])

_W2 = STEPS["d_W2"]
D_W2 = _step_wrongs("d_W2", [
    ("transposed: d_u5.T @ u3", lambda u3, d: d.T @ u3, ("d_W2 is transposed", "expected shape"),
     "compute u3.T @ d_u5"),
    ("divided by n again", lambda u3, d: u3.T @ d / len(u3), ("divided by n again",),
     "does the sum over the batch by itself"),
    ("wrong sign", lambda u3, d: -(u3.T @ d), ("wrong sign",),
     "the minus sign belongs in the update"),
    ("the outer product of the row sums", lambda u3, d: np.outer(u3.sum(0), d.sum(0)),
     ("the outer product of the row sums",), "which is u3.T @ d_u5"),
    ("the first sample only", lambda u3, d: np.outer(u3[0], d[0]),
     ("only the first sample",), "sums the shares of all n samples"),
    ("per-sample outer products, not summed", lambda u3, d: np.einsum("ij,ik->ijk", u3, d),
     ("the per-sample products are not summed",), "Sum them over the samples (axis 0)"),
])

D_B2 = _step_wrongs("d_b2", [
    ("not summed", lambda d: d, ("not summed over the batch", "expected shape"),
     "d_u5.sum(axis=0)"),
    ("averaged", lambda d: d.mean(axis=0), ("averaged over the batch",), "d_u5.sum(axis=0)"),
    ("summed over axis 1", lambda d: d.sum(axis=1), ("summed over the wrong axis",),
     "sum over axis 0"),
    ("keepdims=True", lambda d: d.sum(axis=0, keepdims=True), ("shape (1, k)",),
     "drop keepdims=True"),
    ("the first row only", lambda d: d[0], ("only the first row",), "d_u5.sum(axis=0)"),
    ("summed over everything", lambda d: d.sum(), ("summed over everything",),
     "sum over the rows only"),
    ("wrong sign", lambda d: -d.sum(axis=0), ("wrong sign",), "sum the rows as they are"),
])

D_U3 = _step_wrongs("d_u3", [
    ("W2 instead of W2.T", lambda d, W2: d @ W2, ("W2 instead of W2.T",),
     "d_u3 = d_u5 @ W2.T"),
    ("transposed: W2 @ d_u5.T", lambda d, W2: W2 @ d.T, ("transposed", "expected shape"),
     "d_u5 @ W2.T"),
    ("wrong sign", lambda d, W2: -(d @ W2.T), ("wrong sign",), "no minus sign"),
    ("divided by n again", lambda d, W2: d @ W2.T / len(d), ("divided by n again",),
     "d_u3 = d_u5 @ W2.T"),
    ("summed over the batch", lambda d, W2: (d @ W2.T).sum(axis=0),
     ("summed over the batch", "expected shape"), "one row per sample"),
    ("the first sample only", lambda d, W2: d[:1] @ W2.T, ("only the first sample",),
     "every row of d_u5 is sent back"),
])

D_U2 = _step_wrongs("d_u2", [
    ("sigma'(u2) left out", lambda d, u3: d, ("the factor sigma'(u2) = u3 (1 - u3) is missing",),
     "pass back through the hidden sigmoid"),
    ("sigma'(u2) applied twice", lambda d, u3: d * (u3 * (1 - u3)) ** 2, ("applied twice",),
     "once is right"),
    ("sigma' of the wrong variable, sigmoid_prime(u3)", lambda d, u3: d * bp.sigmoid_prime(u3),
     ("sigma' computed on the wrong variable",), "sigma'(u2) = u3 * (1 - u3)"),
    ("(1 - u3) alone", lambda d, u3: d * (1 - u3), ("(1 - u3) alone",), "it is u3 * (1 - u3)"),
    ("u3 * (1 + u3)", lambda d, u3: d * u3 * (1 + u3), ("the sign inside is wrong",),
     "sigma'(u2) = u3 * (1 - u3)"),
    ("a matrix product for the entrywise one", lambda d, u3: d @ (u3 * (1 - u3)).T,
     ("a matrix product where the entrywise one belongs",), "d_u3 * u3 * (1 - u3)"),
    ("wrong sign", lambda d, u3: -d * u3 * (1 - u3), ("wrong sign",), "no minus sign"),
    ("divided by n again", lambda d, u3: d * u3 * (1 - u3) / len(u3), ("divided by n again",),
     "d_u2 = d_u3 * u3 * (1 - u3)"),
    ("u3 *= 1 - u3 in place", lambda d, u3: d * np.multiply(u3, 1 - u3, out=u3),
     ("changed its argument 'u3' in place",), "Compute a new array instead"),
])

D_W1 = _step_wrongs("d_W1", [
    ("transposed: d_u2.T @ X", lambda X, d: d.T @ X, ("d_W1 is transposed", "expected shape"),
     "compute X.T @ d_u2"),
    ("divided by n again", lambda X, d: X.T @ d / len(X), ("divided by n again",),
     "does the sum over the batch by itself"),
    ("wrong sign", lambda X, d: -(X.T @ d), ("wrong sign", "gradient ascent"),
     "the minus sign belongs in the update"),
    ("the first sample only", lambda X, d: np.outer(X[0], d[0]), ("only the first sample",),
     "sums the shares of all n samples"),
    ("the outer product of the row sums", lambda X, d: np.outer(X.sum(0), d.sum(0)),
     ("the outer product of the row sums",), "which is X.T @ d_u2"),
    ("per-sample outer products, not summed", lambda X, d: X[:, :, None] * d[:, None, :],
     ("the per-sample products are not summed",), "Sum them over the samples (axis 0)"),
])

D_B1 = _step_wrongs("d_b1", [
    ("not summed", lambda d: d, ("not summed over the batch", "expected shape"),
     "d_u2.sum(axis=0)"),
    ("averaged", lambda d: d.mean(axis=0), ("averaged over the batch",), "d_u2.sum(axis=0)"),
    ("keepdims=True", lambda d: d.sum(axis=0, keepdims=True), ("shape (1, k)",),
     "drop keepdims=True"),
    ("the first row only", lambda d: d[0], ("only the first row",), "d_u2.sum(axis=0)"),
    ("summed over axis 1", lambda d: d.sum(axis=1), ("summed over the wrong axis",),
     "sum over axis 0"),
    ("wrong sign", lambda d: -d.sum(axis=0), ("wrong sign",), "sum the rows as they are"),
])


def _d_u5_loop(y_hat, Y, loss):
    out = np.empty_like(y_hat)
    n = len(Y)
    for i in range(n):
        for k in range(Y.shape[1]):
            e = y_hat[i, k] - Y[i, k]
            out[i, k] = e * y_hat[i, k] * (1 - y_hat[i, k]) / n if loss == "mse" else e / n
    return out


def _d_u5_chain(y_hat, Y, loss):
    """d_y_hat * sigma'(u5) for both losses, the chain rule written out."""
    n = len(Y)
    d_y_hat = (y_hat - Y) / n if loss == "mse" else \
        (-(Y / y_hat) + (1 - Y) / (1 - y_hat)) / n
    return d_y_hat * y_hat * (1 - y_hat)


def _sum_loop(d):
    total = np.zeros(d.shape[1])
    for row in d:
        total = total + row
    return total


STEP_RIGHT = [
    *(Right(f"check_backward_step {s}", "the notebook's matrix form", _step(s, fn))
      for s, fn in STEPS.items()),
    Right("check_backward_step d_u5", "loops over samples and outputs", _step("d_u5", _d_u5_loop)),
    Right("check_backward_step d_u5", "d_y_hat * sigma'(u5), the chain written out",
          _step("d_u5", _d_u5_chain)),
    Right("check_backward_step d_W2", "einsum", _step(
        "d_W2", lambda u3, d: np.einsum("ij,ik->jk", u3, d))),
    Right("check_backward_step d_W2", "a sum of per-sample outer products", _step(
        "d_W2", lambda u3, d: sum(np.outer(u3[i], d[i]) for i in range(len(u3))))),
    Right("check_backward_step d_W2", "(d_u5.T @ u3).T", _step("d_W2", lambda u3, d: (d.T @ u3).T)),
    Right("check_backward_step d_b2", "a loop over the rows", _step("d_b2", _sum_loop)),
    Right("check_backward_step d_b2", "np.ones(n) @ d_u5", _step(
        "d_b2", lambda d: np.ones(len(d)) @ d)),
    Right("check_backward_step d_u3", "einsum over the outputs", _step(
        "d_u3", lambda d, W2: np.einsum("ik,jk->ij", d, W2))),
    Right("check_backward_step d_u3", "(W2 @ d_u5.T).T", _step("d_u3", lambda d, W2: (W2 @ d.T).T)),
    Right("check_backward_step d_u2", "np.multiply, twice", _step(
        "d_u2", lambda d, u3: np.multiply(np.multiply(d, u3), 1 - u3))),
    Right("check_backward_step d_u2", "u3 - u3**2",
          _step("d_u2", lambda d, u3: d * (u3 - u3 ** 2))),
    Right("check_backward_step d_W1", "np.dot(X.T, d_u2)",
          _step("d_W1", lambda X, d: np.dot(X.T, d))),
    Right("check_backward_step d_W1", "einsum", _step(
        "d_W1", lambda X, d: np.einsum("ni,nh->ih", X, d))),
    Right("check_backward_step d_b1", "np.add.reduce", _step(
        "d_b1", lambda d: np.add.reduce(d, axis=0))),
    Right("check_backward_step d_b1", "a loop over the rows", _step("d_b1", _sum_loop)),
]


# --------------------------------------------------------------------------- backward
def _keys(rename):
    def backward(params, cache, Y, loss="mse"):
        grads = make_backward()(params, cache, Y, loss)
        return rename(grads)
    return backward


def _u2_prime(params, cache, Y, loss="mse"):
    """sigma' written as u2 (1 - u2), with the pre-activation the cache holds."""
    d_u5 = d_u5_from(cache["y_hat"], Y, loss)
    d_u2 = d_u5 @ params["W2"].T * cache["u2"] * (1 - cache["u2"])
    return {"W2": cache["u3"].T @ d_u5, "b2": d_u5.sum(axis=0),
            "W1": cache["X"].T @ d_u2, "b1": d_u2.sum(axis=0)}


def _u2_for_u3(params, cache, Y, loss="mse"):
    grads = make_backward()(params, cache, Y, loss)
    d_u5 = d_u5_from(cache["y_hat"], Y, loss)
    return {**grads, "W2": cache["u2"].T @ d_u5}


def _cache_in_place(params, cache, Y, loss="mse"):
    u3 = cache["u3"]
    u3 *= 1 - u3  # sigma'(u2), "saving memory": it overwrites the cache's u3
    d_u5 = d_u5_from(cache["y_hat"], Y, loss)
    d_u2 = d_u5 @ params["W2"].T * u3
    return {"W2": cache["u3"].T @ d_u5, "b2": d_u5.sum(axis=0),
            "W1": cache["X"].T @ d_u2, "b1": d_u2.sum(axis=0)}


def _backward_loop(params, cache, Y, loss="mse"):
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    d_u5 = d_u5_from(cache["y_hat"], Y, loss)
    for i in range(len(Y)):
        d_u2 = (params["W2"] @ d_u5[i]) * cache["u3"][i] * (1 - cache["u3"][i])
        grads["W2"] += np.outer(cache["u3"][i], d_u5[i])
        grads["b2"] += d_u5[i]
        grads["W1"] += np.outer(cache["X"][i], d_u2)
        grads["b1"] += d_u2
    return grads


def _backward_einsum(params, cache, Y, loss="mse"):
    d_u5 = d_u5_from(cache["y_hat"], Y, loss)
    d_u2 = np.einsum("nk,jk->nj", d_u5, params["W2"]) * cache["u3"] * (1 - cache["u3"])
    return {"W1": np.einsum("ni,nj->ij", cache["X"], d_u2), "b1": d_u2.sum(0),
            "W2": np.einsum("nj,nk->jk", cache["u3"], d_u5), "b2": d_u5.sum(0)}


BACKWARD = [
    Wrong("check_backward", "the 1/n left out of d_u5",
          _backward(make_backward(d_u5=_n(d_u5_from))),
          ("d_W2", "d_u5 looks wrong: off by exactly the batch size"),
          "every row of d_u5 carries a factor 1/n"),
    Wrong("check_backward", "W2 instead of W2.T", _backward(
        make_backward(d_u3=lambda d, W2: d @ W2)), ("d_W1", "d_u3 looks wrong: W2 instead of W2.T"),
        "d_u3 = d_u5 @ W2.T"),
    Wrong("check_backward", "sigma' written as u2 (1 - u2)", _backward(_u2_prime),
          ("d_W1", "the mistake is in d_u2, which d_W1 is computed from", "u2 * (1 - u2)"),
          "sigma'(u2) = u3 * (1 - u3)"),
    Wrong("check_backward", "(1 - u3) alone for sigma'", _backward(
        make_backward(d_u2=lambda d, u3: d * (1 - u3))), ("d_u2 looks wrong", "(1 - u3) alone"),
        "it is u3 * (1 - u3)"),
    Wrong("check_backward", "d_W2 from u2 instead of u3", _backward(_u2_for_u3),
          ("d_W2", "the pre-activation u2 used instead of the activation u3"),
          "d_W2 = u3.T @ d_u5"),
    Wrong("check_backward", "the quadratic loss's d_u5 for both losses", _backward(
        make_backward(d_u5=_quadratic_for_both)),
        ("cross-entropy", "the quadratic loss's d_u5 used with the cross-entropy"),
        "d_u5 = (y_hat - Y) / n"),
    Wrong("check_backward", "the first sample only for d_W1", _backward(
        make_backward(d_W1=lambda X, d: np.outer(X[0], d[0]))),
        ("d_W1", "d_W1 looks wrong: only the first sample"), "sums the shares of all n samples"),
    Wrong("check_backward", "the first row only for d_b2", _backward(
        make_backward(d_b2=lambda d: d[0])), ("d_b2", "only the first row"), "d_u5.sum(axis=0)"),
    Wrong("check_backward", "grads keyed d_W1, d_b1, ...", _backward(
        _keys(lambda g: {f"d_{k}": v for k, v in g.items()})),
        ("keyed W1, b1, W2, b2", "missing W1", "'d_W1'"), "grads['W1'] is d_W1"),
    Wrong("check_backward", "b1's gradient left out", _backward(
        _keys(lambda g: {k: v for k, v in g.items() if k != "b1"})), ("missing b1",),
        "The update reads grads[k] for every k in params"),
    Wrong("check_backward", "an extra entry (d_u5) in grads", _backward(
        _keys(lambda g: {**g, "u5": g["b2"]})), ("not expected 'u5'",),
        "The update reads grads[k] for every k in params"),
    Wrong("check_backward", "a tuple instead of a dict", _backward(
        _keys(lambda g: (g["W1"], g["b1"], g["W2"], g["b2"]))),
        ("expected a dict of gradients",), 'return {"W1": d_W1'),
    Wrong("check_backward", "u3 *= 1 - u3 on the cache", _backward(_cache_in_place),
          ("changed its argument cache['u3'] in place",), "Compute a new array instead"),
    Wrong("check_backward", "zeros of the right shapes", _backward(
        lambda p, c, Y, loss="mse": {k: np.zeros_like(v) for k, v in p.items()}),
        ("d_W2", "all zeros"), CONSTANT, gaming=True),
    Wrong("check_backward", "answers copied for the check's own inputs, zeros elsewhere",
          _backward(memorised_backward), ("d_W2 (fresh random inputs", "all zeros"), CONSTANT,
          gaming=True),
]

BACKWARD_RIGHT = [
    Right("check_backward", "the seven steps", _backward(make_backward())),
    Right("check_backward", "the package's bp.backward", _backward(bp.backward)),
    Right("check_backward", "a loop over the samples", _backward(_backward_loop)),
    Right("check_backward", "einsum", _backward(_backward_einsum)),
]


# --------------------------------------------------------------------------- central differences
def _differences(kind="central", restore=True, copy=False, own_eps=None, sign=1, whole=False,
                 first=False):
    """A hand-written numerical_gradient, with one of the known mistakes switched on."""
    def numerical_gradient(f, x, index, eps=1e-6):
        eps = own_eps or eps
        target = x.copy() if copy else x
        flat = target.reshape(-1)
        out = []
        entries = range(len(index)) if first else index
        for i in entries:
            old = flat[i]
            if whole:
                target += eps
                plus = f()
                target -= 2 * eps
                minus = f()
                target += eps
            else:
                flat[i] = old + eps
                plus = f()
                flat[i] = old - eps if kind != "forward" else old
                minus = f()
                if restore:
                    flat[i] = old
            if kind == "central":
                out.append(sign * (plus - minus) / (2 * eps))
            elif kind == "forward":
                out.append((plus - minus) / eps)
            else:  # divided by eps instead of 2 eps
                out.append((plus - minus) / eps)
        return np.array(out)
    return numerical_gradient


def _backward_differences(f, x, index, eps=1e-6):
    flat, f0, out = x.reshape(-1), f(), []
    for i in index:
        old = flat[i]
        flat[i] = old - eps
        out.append((f0 - f()) / eps)
        flat[i] = old
    return np.array(out)


def _analytic(f, x, index, eps=1e-6):
    """Gaming: the derivative of sum(exp(3x)) worked out by hand (the message names f)."""
    return (3 * np.exp(3 * x)).reshape(-1)[index]


def _analytic_calls_f(f, x, index, eps=1e-6):
    """Gaming: the same, calling f once so as to look numerical."""
    f()
    return _analytic(f, x, index, eps)


def _sorts_index(f, x, index, eps=1e-6):
    index.sort()  # "in order, for speed"
    return right_numerical_gradient(f, x, index, eps)


def _whole_x_shape(f, x, index, eps=1e-6):
    grad = np.zeros_like(x)
    grad.reshape(-1)[index] = right_numerical_gradient(f, x, index, eps)
    return grad


NUMGRAD = [
    Wrong("check_numerical_gradient", "forward differences", _numgrad(_differences("forward")),
          ("numerical_gradient", "forward differences"), "central differences"),
    Wrong("check_numerical_gradient", "backward differences", _numgrad(_backward_differences),
          ("numerical_gradient", "backward differences"), "central differences"),
    Wrong("check_numerical_gradient", "divided by eps instead of 2 eps",
          _numgrad(_differences("one eps")), ("divided by eps instead of 2 eps",),
          "the two points are 2 eps apart"),
    Wrong("check_numerical_gradient", "x not restored", _numgrad(_differences(restore=False)),
          ("numerical_gradient left x changed",), "restore every entry"),
    Wrong("check_numerical_gradient", "perturbs a copy of x", _numgrad(_differences(copy=True)),
          ("numerical_gradient", "perturb x itself"), "x.reshape(-1) is a view"),
    Wrong("check_numerical_gradient", "the whole of x perturbed at once",
          _numgrad(_differences(whole=True)), ("every entry of x perturbed at once",),
          "perturb only entry i"),
    Wrong("check_numerical_gradient", "the first len(index) entries, not those of index",
          _numgrad(_differences(first=True)), ("the first len(index) entries",),
          "x.reshape(-1)[i] for each i in index"),
    Wrong("check_numerical_gradient", "its own eps = 1e-2, the argument ignored",
          _numgrad(_differences(own_eps=1e-2)), ("the eps argument ignored (eps = 0.01 used)",),
          "use the eps the caller passes"),
    Wrong("check_numerical_gradient", "wrong sign", _numgrad(_differences(sign=-1)),
          ("numerical_gradient", "wrong sign"), "(f(x + eps) - f(x - eps)), in that order"),
    Wrong("check_numerical_gradient", "sorts index in place", _numgrad(_sorts_index),
          ("changed its argument 'index' in place",), "do not sort or overwrite it"),
    Wrong("check_numerical_gradient", "an array of the shape of x", _numgrad(_whole_x_shape),
          ("the shape of x",), "Return the derivatives for the entries in index only"),
    Wrong("check_numerical_gradient", "the derivative of sum(exp(3x)) worked out by hand",
          _numgrad(_analytic), ("it never calls f",), "A numerical gradient comes from f's values",
          gaming=True),
    Wrong("check_numerical_gradient", "the derivative by hand, f called once to look numerical",
          _numgrad(_analytic_calls_f), ("right for sum(exp(3x)) but not for another f",),
          "not from a derivative worked out by hand", gaming=True),
]

NUMGRAD_RIGHT = [
    Right("check_numerical_gradient", "the package's bp.numerical_gradient",
          _numgrad(right_numerical_gradient)),
    Right("check_numerical_gradient", "a loop through x.reshape(-1)", _numgrad(_differences())),
    Right("check_numerical_gradient", "a loop through x.flat, a copy of the entry kept", _numgrad(
        lambda f, x, index, eps=1e-6: np.array([_central_flat(f, x, i, eps) for i in index]))),
]


def _central_flat(f, x, i, eps):
    old = float(x.flat[i])
    x.flat[i] = old + eps
    plus = f()
    x.flat[i] = old - eps
    minus = f()
    x.flat[i] = old
    return (plus - minus) / (2 * eps)


WRONG: list[Wrong] = [*D_U5, *D_W2, *D_B2, *D_U3, *D_U2, *D_W1, *D_B1, *BACKWARD, *NUMGRAD]
RIGHT: list[Right] = [*STEP_RIGHT, *BACKWARD_RIGHT, *NUMGRAD_RIGHT]
