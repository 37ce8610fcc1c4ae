"""The activation, in one place: the sigmoid and its derivative (notebook 01, "The forward pass").

Every part of the package that needs the activation takes it from here: the forward and
backward passes (:mod:`backprop.nn`), the saturation measure of the training loop, the 2-2-1
walkthrough and the checks. Swapping the activation (say for tanh) means changing these
functions and nothing else.

The backward pass never needs ``sigma'(u)`` from ``u`` itself: it has the activation's output
``a = sigma(u)`` at hand, and ``sigma'(u) = a (1 - a)``. So the derivative is given as a
function of the output, :func:`sigmoid_prime_from_output`.
"""

from __future__ import annotations

import numpy as np

SATURATED = 0.01  # a unit counts as saturated where its slope sigma'(u) is below this


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))``, stable for any finite ``z``.

    ``exp(-z)`` overflows to ``inf`` for very negative ``z``; ``1 / (1 + inf)`` is then
    exactly the right limit 0, so the overflow is harmless and is silenced rather than
    avoided with a slower two-branch formula (which would also lose the relative accuracy
    this one keeps for tiny outputs). Keeps the dtype of ``z`` (float32 stays float32).
    Notebook 01, "The forward pass".

    Parameters
    ----------
    z : array_like, any shape
    out : ndarray, optional
        Where to write the result (may be ``z`` itself).

    Returns
    -------
    ndarray, same shape as ``z``
    """
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    with np.errstate(over="ignore", under="ignore"):
        return sigmoid_into(z, np.empty_like(z) if out is None else out)


def sigmoid_into(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """:func:`sigmoid` for the training loop's fast path: no checks, no allocation.

    Writes into ``out`` (which may be ``z``) in four passes without temporaries. The caller
    silences the harmless overflow of ``exp`` (``np.errstate(over="ignore")``).

    Parameters
    ----------
    z : ndarray of float, any shape
    out : ndarray, same shape and dtype as ``z``

    Returns
    -------
    out
    """
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """Derivative ``sigma'(z) = sigma(z) (1 - sigma(z))``; never above 1/4.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape and float dtype as ``z``
    """
    return sigmoid_prime_from_output(sigmoid(z))


def sigmoid_prime_from_output(a: np.ndarray) -> np.ndarray:
    """The slope ``sigma'(u)`` from the output ``a = sigma(u)``: ``a (1 - a)``.

    This is the form backprop uses (notebook 01, "The backward pass"), since the forward
    pass has kept ``a``.

    Parameters
    ----------
    a : ndarray, any shape, values in [0, 1]

    Returns
    -------
    ndarray, same shape and dtype as ``a``
    """
    return a * (1 - a)


def times_sigmoid_prime(d: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    """``d *= sigma'(u)`` in place, from the output ``a = sigma(u)``: the backward pass's step.

    The same slope as :func:`sigmoid_prime_from_output`, applied without allocating:
    ``d * a`` first, then ``* (1 - a)`` in ``tmp`` (this order is the one the training
    runs have always used, so float32 results stay bit for bit the same).

    Parameters
    ----------
    d : ndarray, the gradient with respect to ``a``, overwritten with that w.r.t. ``u``
    a : ndarray, same shape, the activation's output
    tmp : ndarray, same shape, scratch space

    Returns
    -------
    d
    """
    d *= a
    return np.multiply(d, np.subtract(1.0, a, out=tmp), out=d)


def saturated_share(a: np.ndarray) -> float:
    """The share of activations ``a`` whose slope ``sigma'`` is below :data:`SATURATED`.

    Notebook 02, "Inside the network": such a unit passes back less than a hundredth of
    the gradient that reaches it.
    """
    return float(np.count_nonzero(sigmoid_prime_from_output(a) < SATURATED)) / a.size
