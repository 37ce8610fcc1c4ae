"""Bad input gets a ValueError/TypeError naming the argument, and nothing is modified."""

import numpy as np
import pytest

import backprop as bp


@pytest.fixture
def net(rng):
    params = bp.init_params([784, 16, 10], rng)
    data = bp.load_mnist(40, 20, 0)
    return params, data


def _train(params, data, **overrides):
    kwargs = dict(lr=0.1, n_epochs=1, batch_size=10, loss="mse", rng=np.random.default_rng(0),
                  progress=False)
    kwargs.update(overrides)
    return bp.train(params, data.train, data.val, **kwargs)


@pytest.mark.parametrize("overrides,exc,match", [
    ({"lr": 0}, ValueError, "lr"),
    ({"lr": -0.1}, ValueError, "lr"),
    ({"lr": float("nan")}, ValueError, "lr"),
    ({"lr": float("inf")}, ValueError, "lr"),
    ({"lr": "0.1"}, TypeError, "lr"),
    ({"n_epochs": -1}, ValueError, "n_epochs"),
    ({"n_epochs": 2.5}, TypeError, "n_epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"loss": "hinge"}, ValueError, "loss"),
    ({"rng": 42}, TypeError, "rng"),
])
def test_train_rejects_bad_arguments(net, overrides, exc, match):
    params, data = net
    with pytest.raises(exc, match=match):
        _train(params, data, **overrides)


def _split(X, y, Y=None):
    return bp.Split(X=X, y=y, Y=np.eye(10)[y] if Y is None else Y)


def test_train_rejects_bad_data(net):
    params, data = net
    X, y = data.train.X, data.train.y
    bad = {
        "3-D X": (_split(X.reshape(40, 28, 28), y), "2-D"),
        "wrong width": (_split(X[:, :700], y), r"\(40, 700\).*\(784, 16\)"),
        "rows differ": (_split(X, y, data.train.Y[:30]), r"40 rows.*Y has 30"),
        "label 10": (_split(X, np.where(y == 0, 10, y), data.train.Y), "0..9"),
        "label -1": (_split(X, np.where(y == 0, -1, y), data.train.Y), "0..9"),
        "NaN in X": (_split(np.where(X > 0.5, np.nan, X), y), "NaN"),
        "not a split": (X, "split"),
    }
    for case, (split, match) in bad.items():
        with pytest.raises((ValueError, TypeError), match=match):
            bp.train(params, split, lr=0.1, n_epochs=1, rng=np.random.default_rng(0),
                     progress=False)
        print("ok", case)


@pytest.mark.parametrize("sizes", [[784, 0, 10], [784, -3, 10], [784], [784, 2.5, 10]])
def test_init_params_rejects_bad_layer_sizes(sizes, rng):
    with pytest.raises(ValueError, match="layer"):
        bp.init_params(sizes, rng)


def test_missing_key_and_bad_cache(net):
    params, data = net
    broken = {k: v for k, v in params.items() if k != "b2"}
    for call in (lambda: bp.forward(broken, data.train.X),
                 lambda: bp.predict(broken, data.train.X),
                 lambda: _train(broken, data)):
        with pytest.raises(ValueError, match="'b2'"):
            call()
    _, cache = bp.forward(params, data.train.X)
    del cache["u3"]
    with pytest.raises(ValueError, match="'u3'"):
        bp.backward(params, cache, data.train.Y)
    with pytest.raises(ValueError, match="loss"):
        bp.backward(params, bp.forward(params, data.train.X)[1], data.train.Y, loss="l1")


def test_forward_and_loss_reject_bad_shapes(net):
    params, data = net
    with pytest.raises(ValueError, match=r"\(40, 783\).*\(784, 16\)"):
        bp.forward(params, data.train.X[:, :-1])
    with pytest.raises(ValueError, match="2-D"):
        bp.forward(params, data.train.X[0])
    with pytest.raises(ValueError, match=r"40 rows.*Y has 39"):
        bp.loss(np.full((40, 10), 0.5), data.train.Y[:39])
    with pytest.raises(ValueError, match="loss must be one of"):
        bp.loss(np.full((40, 10), 0.5), data.train.Y, "l2")
    with pytest.raises(ValueError, match="labels"):
        bp.accuracy(params, data.train.X, data.train.y + 5)


def test_callers_arrays_are_never_modified(net):
    params, data = net
    before = {k: v.copy() for k, v in params.items()}
    data_before = [a.copy() for a in (data.train.X, data.train.Y, data.train.y, data.val.X)]
    _train(params, data, n_epochs=2)
    _, cache = bp.forward(params, data.train.X)
    bp.backward(params, cache, data.train.Y)
    bp.gradient_check({k: v.astype(np.float64) for k, v in params.items()},
                      data.train.X[:2], data.train.Y[:2], keys=["b1"])
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
    for a, b in zip(data_before, (data.train.X, data.train.Y, data.train.y, data.val.X),
                    strict=True):
        np.testing.assert_array_equal(a, b)
