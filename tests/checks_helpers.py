"""Right answers to the exercises and the helper the tests of backprop.checks share.

The functions below are correct solutions as a student writes them (the SGD epoch and central
differences lean on the package's forward, backward and numerical_gradient); the tests of
each checks module spoil them one mistake at a time.
Imported as a sibling module (``from checks_helpers import ...``): pytest puts tests/ on
``sys.path`` for its test files. Nothing here loads MNIST.
"""

import numpy as np
import pytest

import backprop as bp
from backprop.checks import CheckFailed


# --------------------------------------------------------------------------- right answers
def sigmoid(z):
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def forward(params, X):
    u1 = X @ params["W1"]
    u2 = u1 + params["b1"]
    u3 = sigmoid(u2)
    u4 = u3 @ params["W2"]
    u5 = u4 + params["b2"]
    y_hat = sigmoid(u5)
    return y_hat, {"X": X, "u1": u1, "u2": u2, "u3": u3, "u4": u4, "u5": u5, "y_hat": y_hat}


def quadratic(y_hat, Y):
    return ((y_hat - Y) ** 2).sum() / (2 * len(Y))


def cross_entropy(y_hat, Y):
    return -(Y * np.log(y_hat) + (1 - Y) * np.log(1 - y_hat)).sum() / len(Y)


def d_u5_from(y_hat, Y, loss):
    if loss == "mse":
        return (y_hat - Y) * y_hat * (1 - y_hat) / len(Y)
    return (y_hat - Y) / len(Y)


STEPS = {
    "d_u5": d_u5_from,
    "d_W2": lambda u3, d_u5: u3.T @ d_u5,
    "d_b2": lambda d_u5: d_u5.sum(axis=0),
    "d_u3": lambda d_u5, W2: d_u5 @ W2.T,
    "d_u2": lambda d_u3, u3: d_u3 * u3 * (1 - u3),
    "d_W1": lambda X, d_u2: X.T @ d_u2,
    "d_b1": lambda d_u2: d_u2.sum(axis=0),
}


def make_backward(**steps):
    """A plain backward pass built from STEPS, with any step replaced."""
    s = {**STEPS, **steps}

    def backward(params, cache, Y, loss="mse"):
        d_u5 = s["d_u5"](cache["y_hat"], Y, loss)
        d_u3 = s["d_u3"](d_u5, params["W2"])
        d_u2 = s["d_u2"](d_u3, cache["u3"])
        return {"W2": s["d_W2"](cache["u3"], d_u5), "b2": s["d_b2"](d_u5),
                "W1": s["d_W1"](cache["X"], d_u2), "b1": s["d_b1"](d_u2)}
    return backward


def numerical_gradient(f, x, index, eps=1e-6):
    """Exercise 5's answer: the entries ``index`` of the package's central differences."""
    return bp.numerical_gradient(f, x, index, eps).reshape(-1)[index]


def make_sgd_epoch(shuffle="every epoch", drop_last=False, sign=1):
    """A plain SGD epoch with bp.forward/bp.backward; the options make it wrong."""
    first_order = {}

    def sgd_epoch(params, X, Y, lr, batch_size, loss, rng):
        order = rng.permutation(len(X))
        if shuffle == "never":
            order = np.arange(len(X))
        elif shuffle == "once":  # keeps the first epoch's order for ever
            order = first_order.setdefault("order", order)
        stop = len(X) - len(X) % batch_size if drop_last else len(X)
        for start in range(0, stop, batch_size):
            rows = order[start:start + batch_size]
            _, cache = bp.forward(params, X[rows])
            grads = bp.backward(params, cache, Y[rows], loss=loss)
            params = {k: params[k] - sign * lr * grads[k] for k in params}
        return params
    return sgd_epoch



# --------------------------------------------------------------------------- rejecting
def rejects(check, *args, says):
    """Run ``check(*args)``; assert it raises CheckFailed containing every phrase in ``says``."""
    with pytest.raises(CheckFailed) as info:
        check(*args)
    message = str(info.value)
    for phrase in [says] if isinstance(says, str) else says:
        assert phrase in message, message
    return message
