"""The network itself: parameters, forward pass, losses, backward pass.

Notation follows ``notebooks/01_derivation.ipynb`` and the report it corrects. For one
hidden layer (rows are samples, so ``X`` is ``(n, 784)``)::

    u1 = X @ W1        u2 = u1 + b1        u3 = sigma(u2)
    u4 = u3 @ W2       u5 = u4 + b2        y_hat = sigma(u5)

A deeper net simply continues the pattern: layer ``l`` adds ``u(3l-2) = a @ Wl``,
``u(3l-1) = u(3l-2) + bl`` and ``u(3l) = sigma(u(3l-1))``; the last of these is ``y_hat``.

The activation (the sigmoid and its slope) comes from :mod:`backprop.activation`, the
settings' names and rules from :mod:`backprop.settings`, and the central-difference check
from :mod:`backprop.gradcheck`.

The fast path, :func:`forward_into` / :func:`backward_into` / :func:`mean_loss`, writes
into a :func:`workspace` of preallocated arrays and checks nothing, so that
:func:`backprop.train` runs the very same code as the public :func:`forward` and
:func:`backward` without allocating anything in its inner loop; the public functions
check their input and build a fresh workspace.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activation import sigmoid_into, times_sigmoid_prime
from .settings import check

Params = dict[str, np.ndarray]


# --------------------------------------------------------------------------- params
def init_params(
    layer_sizes: Sequence[int],
    rng: np.random.Generator,
    *,
    init: str = "normal_scaled",
    dtype: type | np.dtype = np.float32,
) -> Params:
    """Random weights and zero biases for a sigmoid MLP of any depth.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_in, hidden..., n_out]``, e.g. ``[784, 110, 10]`` or ``[784, 64, 32, 10]``.
    rng : numpy.random.Generator
        The only source of randomness.
    init : {"normal_scaled", "normal"}
        ``"normal_scaled"`` (default) draws ``Wl ~ N(0, 1/n_in)``, so a pre-activation's
        variance is the mean square of its inputs: at most 1 for inputs in [0, 1] (about
        0.1 for MNIST pixels, std 0.3), and no unit begins saturated. ``"normal"`` draws
        ``Wl ~ N(0, 1)``, the older textbook choice, kept for comparison: with 784 inputs
        it saturates most hidden units from the first step.
    dtype : float dtype, default float32
        float64 is useful for gradient checks.

    Returns
    -------
    dict
        ``W1`` ``(layer_sizes[0], layer_sizes[1])``, ``b1`` ``(layer_sizes[1],)``, ...
    """
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least an input and an output size, got {sizes!r}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"every layer size must be an integer >= 1, got {sizes!r}")
    check("init", init)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    params: Params = {}
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        scale = 1.0 / np.sqrt(n_in) if init == "normal_scaled" else 1.0
        params[f"W{layer}"] = (rng.standard_normal((n_in, n_out)) * scale).astype(dtype)
        params[f"b{layer}"] = np.zeros(n_out, dtype=dtype)
    return params


def n_layers(params: Params) -> int:
    """Number of weight layers, after checking that ``params`` is complete and consistent."""
    if not isinstance(params, dict) or "W1" not in params:
        raise ValueError("params must be a dict with keys W1, b1, W2, b2, ... (missing 'W1')")
    n = sum(1 for k in params if k.startswith("W"))
    for layer in range(1, n + 1):
        for key in (f"W{layer}", f"b{layer}"):
            if key not in params:
                raise ValueError(f"params is missing key {key!r} (has {sorted(params)})")
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(f"W{layer} has shape {W.shape} and b{layer} has shape {b.shape}; "
                             f"expected (n_in, n_out) and (n_out,)")
        if layer > 1 and W.shape[0] != params[f"W{layer - 1}"].shape[1]:
            raise ValueError(f"W{layer} has shape {W.shape} but W{layer - 1} has shape "
                             f"{params[f'W{layer - 1}'].shape}: sizes do not chain")
    return n


def check_X(params: Params, X: np.ndarray, name: str = "X") -> np.ndarray:
    """Return ``X`` as a float array after checking it fits ``params``."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    n_in = params["W1"].shape[0]
    if X.shape[1] != n_in:
        raise ValueError(f"{name} has shape {X.shape} but W1 has shape {params['W1'].shape}: "
                         f"{name} needs {n_in} columns")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(params["W1"].dtype)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or inf")
    return X


def check_Y(y_hat_or_X: np.ndarray, Y: np.ndarray, n_out: int) -> np.ndarray:
    """Return ``Y`` as a float array after checking it is ``(n_samples, n_out)``."""
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[1] != n_out:
        raise ValueError(f"Y must have shape (n_samples, {n_out}), got {Y.shape}")
    if Y.shape[0] != y_hat_or_X.shape[0]:
        raise ValueError(f"X/y_hat has {y_hat_or_X.shape[0]} rows (shape {y_hat_or_X.shape}) but "
                         f"Y has {Y.shape[0]} (shape {Y.shape})")
    if not np.issubdtype(Y.dtype, np.floating):
        Y = Y.astype(np.float64)
    if not np.isfinite(Y).all():
        raise ValueError("Y contains NaN or inf")
    return Y


def workspace(params: Params, n: int, *, forward: bool = True, backward: bool = True) -> dict:
    """Every array that a forward and/or backward pass on ``n`` rows writes, allocated once.

    ``train`` builds one per batch size and reuses it for every minibatch; the public
    ``forward`` and ``backward`` build a fresh one per call, so what they return is the
    caller's own. ``layers`` holds, per layer, the parameter names and the arrays that
    layer writes, so that the loops below need no string formatting.

    Parameters
    ----------
    params : dict, ``W1`` ``(n_in, n_h)``, ``b1`` ``(n_h,)``, ...
    n : int, rows per pass
    forward, backward : bool, allocate what that pass writes

    Returns
    -------
    dict with ``cache`` (``u1``, ``u2``, ..., ``y_hat``, each ``(n, width)``), ``grads``
    (shaped like ``params``) and ``layers``
    """
    L = sum(1 for k in params if k.startswith("W"))
    dt = params["W1"].dtype
    ws: dict = {"cache": {}, "grads": {}, "layers": []}
    for layer in range(1, L + 1):
        width = params[f"W{layer}"].shape[1]
        k = 3 * (layer - 1)  # layer 1 writes u1..u3, layer 2 writes u4..u6, ...
        names = [f"u{k + 1}", f"u{k + 2}", "y_hat" if layer == L else f"u{k + 3}"]
        lay = {"W": f"W{layer}", "b": f"b{layer}", "a_prev": "X" if layer == 1 else f"u{k}"}
        if forward:
            for role, name in zip(("u_lin", "u_pre", "u_act"), names, strict=True):
                lay[role] = ws["cache"][name] = np.empty((n, width), dt)
        if backward:
            lay["d_pre"], lay["tmp"] = np.empty((n, width), dt), np.empty((n, width), dt)
        ws["layers"].append(lay)
    if backward:
        ws["grads"] = {key: np.empty_like(value) for key, value in params.items()}
    return ws


# --------------------------------------------------------------------------- forward
def forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Forward pass of the sigmoid MLP (every layer sigmoid, the output included).

    Implements notebook 01, equations (1)-(6): ``u1 = X W1``, ``u2 = u1 + b1``,
    ``u3 = sigma(u2)``, ``u4 = u3 W2``, ``u5 = u4 + b2``, ``y_hat = sigma(u5)``.

    Parameters
    ----------
    params : dict
        ``W1`` ``(n_in, n_h)``, ``b1`` ``(n_h,)``, ... as made by :func:`init_params`.
    X : ndarray, shape (n_samples, n_in)

    Returns
    -------
    y_hat : ndarray, shape (n_samples, n_out)
    cache : dict
        ``X`` and the intermediate values ``u1``, ``u2``, ... (``u1``-``u5`` for one
        hidden layer), each ``(n_samples, width of that layer)``, plus ``y_hat``.
    """
    n_layers(params)
    X = check_X(params, X)
    with np.errstate(over="ignore", under="ignore"):
        return forward_into(params, X, workspace(params, X.shape[0], backward=False))


def forward_into(params: Params, X: np.ndarray, ws: dict) -> tuple[np.ndarray, dict]:
    """:func:`forward` on the fast path: into the workspace ``ws``, nothing checked.

    ``X`` must already be checked (:func:`check_X`) and have the rows ``ws`` was made for;
    the caller silences the sigmoid's harmless overflow. Returns ``(y_hat, cache)``, both
    living in ``ws``.
    """
    cache = ws["cache"]
    cache["X"] = a = X
    for lay in ws["layers"]:  # names in the comments are those of layer 1
        np.matmul(a, params[lay["W"]], out=lay["u_lin"])  # u1 = x w1
        np.add(lay["u_lin"], params[lay["b"]], out=lay["u_pre"])  # u2 = u1 + b1
        a = sigmoid_into(lay["u_pre"], lay["u_act"])  # u3 = sigma(u2)
    return a, cache


# --------------------------------------------------------------------------- losses
def loss(y_hat: np.ndarray, Y: np.ndarray, kind: str = "mse") -> float:
    """Mean loss over the samples (notebook 01, "The loss").

    * ``"mse"``: ``(1 / 2n) sum_i sum_k (y_hat_ik - Y_ik)^2``
    * ``"cross_entropy"``: ``-(1 / n) sum_i sum_k [Y ln y_hat + (1 - Y) ln(1 - y_hat)]``

    Cross-entropy clips ``y_hat`` to ``[tiny, 1 - eps]`` of its dtype so that a saturated
    output gives a large finite loss instead of ``inf`` and a warning.

    Parameters
    ----------
    y_hat : ndarray, shape (n_samples, n_out), values in [0, 1]
    Y : ndarray, shape (n_samples, n_out), one-hot (or any targets in [0, 1])
    kind : {"mse", "cross_entropy"}

    Returns
    -------
    float
    """
    check("loss", kind)
    y_hat = np.asarray(y_hat)
    if y_hat.ndim != 2:
        raise ValueError(f"y_hat must be 2-D (n_samples, n_out), got shape {y_hat.shape}")
    Y = check_Y(y_hat, Y, y_hat.shape[1])
    return mean_loss(y_hat, Y, kind)


def mean_loss(y_hat: np.ndarray, Y: np.ndarray, kind: str) -> float:
    """:func:`loss` on the fast path: nothing checked (``Y`` already a float array)."""
    n = y_hat.shape[0]
    if kind == "mse":
        diff = y_hat - Y
        return float(np.vdot(diff, diff)) / (2 * n)
    info = np.finfo(y_hat.dtype)
    p = np.clip(y_hat, info.tiny, 1.0 - info.epsneg)
    # Y ln p + (1 - Y) ln(1 - p), written to touch each array once
    log_p, log_q = np.log(p), np.log1p(-p)
    return -float(np.vdot(Y, log_p - log_q) + log_q.sum()) / n


# --------------------------------------------------------------------------- backward
def backward(params: Params, cache: dict[str, np.ndarray], Y: np.ndarray,
             loss: str = "mse") -> Params:
    """Exact gradient of the mean loss with respect to every parameter.

    Implements notebook 01, "Matrix form for a minibatch", for one hidden layer::

        d_u5 = (y_hat - Y) * y_hat (1 - y_hat) / n     (mse)
        d_u5 = (y_hat - Y) / n                         (cross_entropy)
        d_b2 = sum_rows d_u5         d_W2 = u3.T @ d_u5
        d_u3 = d_u5 @ W2.T           d_u2 = d_u3 * u3 (1 - u3)
        d_b1 = sum_rows d_u2         d_W1 = X.T @ d_u2

    and the same pattern once more per extra layer.

    Parameters
    ----------
    params : dict, as for :func:`forward`
    cache : dict, as returned by :func:`forward` on the same ``params``
    Y : ndarray, shape (n_samples, n_out)
    loss : {"mse", "cross_entropy"}

    Returns
    -------
    grads : dict, same keys and shapes as ``params``
    """
    check("loss", loss)
    L = n_layers(params)
    for key in ["X", "y_hat"] + [f"u{i}" for i in range(1, 3 * L)]:
        if key not in cache:
            raise ValueError(f"cache is missing {key!r}; pass the cache returned by forward()")
    Y = check_Y(cache["y_hat"], Y, cache["y_hat"].shape[1])
    ws = workspace(params, Y.shape[0], forward=False)
    return backward_into(params, cache, Y.astype(cache["y_hat"].dtype, copy=False), loss, ws)


def backward_into(params: Params, cache: dict, Y: np.ndarray, loss: str, ws: dict,
              scale: float = 1.0) -> Params:
    """:func:`backward` on the fast path: into ``ws["grads"]``, nothing checked.

    ``cache`` is the one :func:`forward_into` filled; ``Y`` has its dtype. ``scale``
    multiplies every gradient.
    """
    # ``scale`` multiplies every gradient: train() passes the learning rate so that the
    # step needs no extra pass over the weights. Names in the comments are those of the
    # one-hidden-layer net; the loop runs from the output layer down.
    y_hat, grads = cache["y_hat"], ws["grads"]
    top = ws["layers"][-1]
    d = np.subtract(y_hat, Y, out=top["d_pre"])  # dL/dy_hat, times n
    if loss == "mse":  # d_u5 = (y_hat - Y) sigma'(u5)
        times_sigmoid_prime(d, y_hat, top["tmp"])
    d *= scale / y_hat.shape[0]  # for cross-entropy d_u5 = (y_hat - Y) / n exactly
    for lay, below in zip(ws["layers"][::-1], [*ws["layers"][-2::-1], None], strict=True):
        a_prev = cache[lay["a_prev"]]
        np.add.reduce(d, axis=0, out=grads[lay["b"]])  # d_b2 = sum over rows of d_u5
        np.matmul(a_prev.T, d, out=grads[lay["W"]])  # d_W2 = u3.T d_u5
        if below is not None:
            d_a = np.matmul(d, params[lay["W"]].T, out=below["d_pre"])  # d_u3 = d_u5 W2.T
            # d_u2 = d_u3 * sigma'(u2), the slope from u3 = sigma(u2)
            d = times_sigmoid_prime(d_a, a_prev, below["tmp"])
    return grads


# --------------------------------------------------------------------------- predictions
def check_labels(y: np.ndarray, n_rows: int, n_classes: int) -> np.ndarray:
    """Return ``y`` as int labels after checking shape and range."""
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n_rows:
        raise ValueError(f"y must have shape ({n_rows},) to match X, got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.mod(y, 1) == 0):
            raise ValueError("y must hold integer class labels")
        y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1}, got {y.min()}..{y.max()}")
    return y


def output(params: Params, X: np.ndarray, scratch: dict | None = None) -> np.ndarray:
    """``y_hat`` only, for evaluating a whole split: no cache kept, activations in place.

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_samples, n_in), already checked
    scratch : dict, optional
        Reused between calls (one array per layer and number of rows), so that evaluating
        the same split every epoch allocates nothing.

    Returns
    -------
    y_hat : ndarray, shape (n_samples, n_out); lives in ``scratch`` when given
    """
    a = X
    layer = 1
    while f"W{layer}" in params:
        W = params[f"W{layer}"]
        shape = (a.shape[0], W.shape[1])
        u = None if scratch is None else scratch.get((layer, shape))
        if u is None:
            u = np.empty(shape, W.dtype)
            if scratch is not None:
                scratch[(layer, shape)] = u
        np.matmul(a, W, out=u)
        u += params[f"b{layer}"]
        a = sigmoid_into(u, u)
        layer += 1
    return a


def predict(params: Params, X: np.ndarray) -> np.ndarray:
    """Predicted class (index of the largest output) for every row of ``X``.

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_samples, n_in)

    Returns
    -------
    ndarray of int, shape (n_samples,)
    """
    n_layers(params)
    X = check_X(params, X)
    with np.errstate(over="ignore", under="ignore"):
        return output(params, X).argmax(axis=1)


def accuracy(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows of ``X`` whose predicted class equals ``y``.

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_samples, n_in)
    y : ndarray of int, shape (n_samples,), labels 0..n_out-1

    Returns
    -------
    float in [0, 1]
    """
    L = n_layers(params)
    X = check_X(params, X)
    y = check_labels(y, X.shape[0], params[f"W{L}"].shape[1])
    with np.errstate(over="ignore", under="ignore"):
        return float(np.mean(output(params, X).argmax(axis=1) == y))
