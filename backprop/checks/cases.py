"""The inputs the checks feed the student's functions: random networks and real MNIST rows.

Every case is float64 and has fixed seeds, so that the same mistake always gets the same
message. MNIST is read on first use only (:func:`mnist_rows` is cached), never on import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..data import load_mnist
from ..nn import forward, init_params


@dataclass
class Case:
    """One set of inputs: a float64 network, a batch and its forward pass."""

    where: str
    params: dict[str, np.ndarray]
    X: np.ndarray
    Y: np.ndarray
    cache: dict[str, np.ndarray]


def random_case(n: int, sizes: tuple[int, int, int], seed: int | None) -> Case:
    """A random ``sizes`` network (random biases too) on ``n`` random inputs and labels.

    Parameters
    ----------
    n : int
        The batch size.
    sizes : (int, int, int)
        Inputs, hidden units, outputs.
    seed : int or None
        None draws fresh inputs on every call (:func:`fresh_case`).

    Returns
    -------
    Case
    """
    rng = np.random.default_rng(seed)
    params = init_params(list(sizes), rng, init="normal", dtype=np.float64)
    for key in ("b1", "b2"):
        params[key] = rng.standard_normal(params[key].shape)
    X = rng.uniform(0, 1, (n, sizes[0]))
    Y = np.eye(sizes[2])[rng.integers(0, sizes[2], n)]
    fresh = "fresh " if seed is None else ""
    return Case(f"({fresh}random inputs, n={n}, a {sizes[0]}-{sizes[1]}-{sizes[2]} net)",
                params, X, Y, forward(params, X)[1])


@lru_cache(maxsize=1)
def mnist_rows() -> tuple[np.ndarray, np.ndarray]:
    """The first 10 MNIST training images and their one-hot labels, float64; cached.

    Returns
    -------
    X : ndarray, shape (10, 784)
    Y : ndarray, shape (10, 10)
    """
    train = load_mnist(n_train=10, n_val=0, n_test=0).train
    return train.X.astype(np.float64), train.Y.astype(np.float64)


def mnist_case(seed: int = 0) -> Case:
    """The report's 784-110-10 network, freshly initialised, on :func:`mnist_rows`.

    Parameters
    ----------
    seed : int

    Returns
    -------
    Case
    """
    X, Y = mnist_rows()
    params = init_params([784, 110, 10], np.random.default_rng(seed), dtype=np.float64)
    params["b2"] = np.random.default_rng(seed + 1).normal(0, 1, 10)  # outputs not all 0.5
    return Case("(10 MNIST images, the 784-110-10 net)", params, X.copy(), Y.copy(),
                forward(params, X)[1])


def default_cases() -> list[Case]:
    """The three cases of the forward and backward checks, in the order they are tried.

    Returns
    -------
    list of Case
    """
    # sizes all different, so a transposed result shows up as a wrong shape; then a square
    # W2 (hidden = outputs), where d_u5 @ W2 is defined and only the values can tell; then
    # real MNIST, where a batch of 10 with 10 outputs makes d_u5 square too
    return [random_case(3, (7, 5, 4), 1), random_case(3, (6, 4, 4), 2), mnist_case()]


def fresh_case() -> Case:
    """A random case drawn anew on every call, tried after the fixed ones.

    An honest mistake is caught (with the same message every time) by the fixed cases
    first; only an answer written for the fixed cases, such as results copied out of
    :func:`default_cases` for their shapes, gets this far, and fails here.

    Returns
    -------
    Case
    """
    return random_case(5, (6, 3, 5), None)
