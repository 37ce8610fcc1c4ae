"""The maths: sigmoid, losses, forward and backward against central differences."""

import numpy as np
import pytest

import backprop as bp
from backprop.walkthrough import hand_example


def _random_problem(sizes, n, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = bp.init_params(sizes, rng, dtype=dtype)
    for key in params:  # non-zero biases, so their gradients are really exercised
        params[key] += 0.1 * rng.standard_normal(params[key].shape)
    X = rng.random((n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    return params, X, Y, rng


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize("sizes,n,seed", [
    ([4, 3, 2], 1, 0),
    ([7, 5, 3], 6, 1),
    ([20, 11, 10], 13, 2),
    ([6, 5, 4, 3], 4, 3),
    ([9, 8, 6, 2], 10, 4),
])
def test_backward_matches_central_differences(sizes, n, seed, loss):
    params, X, Y, _ = _random_problem(sizes, n, seed)
    errors = bp.gradient_check(params, X, Y, loss, eps=1e-5)
    assert set(errors) == set(params)
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_on_a_subset_of_a_real_size_net(mnist, rng):
    params = bp.init_params([784, 110, 10], rng, dtype=np.float64)
    X, Y = mnist.train.X[:8].astype(np.float64), mnist.train.Y[:8]
    errors = bp.gradient_check(params, X, Y, "mse", n_entries=40, rng=rng, eps=1e-5)
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_notices_a_wrong_gradient(monkeypatch):
    params, X, Y, _ = _random_problem([5, 4, 3], 3, 7)
    real = bp.gradcheck.backward_into

    def off_by_two(*args, **kwargs):
        grads = real(*args, **kwargs)
        grads["W1"] = 2 * grads["W1"]
        return grads

    monkeypatch.setattr(bp.gradcheck, "backward_into", off_by_two)
    errors = bp.gradient_check(params, X, Y, "mse")
    assert errors["W1"] > 0.1 and errors["W2"] < 1e-6


def test_two_two_one_example_by_hand():
    """x = (1, -1) through a 2-2-1 net, every value worked out with a pocket calculator."""
    params, X, Y = hand_example()
    y_hat, cache = bp.forward(params, X)
    np.testing.assert_allclose(cache["u1"], [[0.3, -0.7]])
    np.testing.assert_allclose(cache["u2"], [[0.4, -0.5]])
    np.testing.assert_allclose(cache["u3"], [[0.598688, 0.377541]], atol=1e-6)
    np.testing.assert_allclose(cache["u4"], [[-0.156394]], atol=1e-6)
    np.testing.assert_allclose(cache["u5"], [[0.093606]], atol=1e-6)
    np.testing.assert_allclose(y_hat, [[0.523385]], atol=1e-6)
    assert bp.loss(y_hat, Y, "mse") == pytest.approx(0.113581, abs=1e-6)
    grads = bp.backward(params, cache, Y, loss="mse")
    # d_u5 = (y_hat - 1) y_hat (1 - y_hat) = -0.118893
    np.testing.assert_allclose(grads["b2"], [-0.118893], atol=1e-6)
    np.testing.assert_allclose(grads["W2"], [[-0.071180], [-0.044887]], atol=1e-6)
    # d_u2 = d_u5 * W2.T * u3 (1 - u3) = (-0.028565, 0.055881)
    np.testing.assert_allclose(grads["b1"], [-0.028565, 0.055881], atol=1e-6)
    np.testing.assert_allclose(grads["W1"], [[-0.028565, 0.055881], [0.028565, -0.055881]],
                               atol=1e-6)


def test_forward_cache_holds_the_derivation_names(rng):
    params = bp.init_params([784, 110, 10], rng)
    X = rng.random((5, 784), dtype=np.float32)
    y_hat, cache = bp.forward(params, X)
    assert set(cache) == {"X", "u1", "u2", "u3", "u4", "u5", "y_hat"}
    assert cache["u3"].shape == (5, 110) and y_hat.shape == (5, 10)
    assert y_hat.dtype == np.float32
    np.testing.assert_allclose(cache["u2"], cache["u1"] + params["b1"])
    np.testing.assert_allclose(y_hat, bp.sigmoid(cache["u5"]))


def test_init_params_shapes_and_scale(rng):
    params = bp.init_params([784, 64, 32, 10], rng)
    assert list(params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert params["W1"].shape == (784, 64) and params["b3"].shape == (10,)
    assert params["W1"].std() == pytest.approx(1 / np.sqrt(784), rel=0.05)
    old = bp.init_params([784, 64, 10], rng, init="normal")
    assert old["W1"].std() == pytest.approx(1.0, rel=0.05)
    assert old["W1"].dtype == np.float32


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_is_stable_and_keeps_dtype(dtype):
    z = np.array([-1e4, -800, -100, -1, 0, 1, 100, 800, 1e4]).astype(dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s, ds = bp.sigmoid(z), bp.sigmoid_prime(z)
    assert s.dtype == dtype and ds.dtype == dtype
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    assert s[0] == 0 and s[-1] == 1 and s[4] == 0.5
    assert np.all(ds <= 0.25) and ds[4] == 0.25
    assert bp.sigmoid(np.float64(-30)) == pytest.approx(np.exp(-30), rel=1e-12)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("kind", ["mse", "cross_entropy"])
def test_losses_are_finite_at_saturated_outputs(kind):
    y_hat = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    Y = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = bp.loss(y_hat, Y, kind)
    assert np.isfinite(value) and value > 0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert bp.loss(Y, Y, kind) == pytest.approx(0.0, abs=1e-5)


def test_losses_match_their_definitions(rng):
    y_hat = rng.uniform(0.01, 0.99, (7, 10))
    Y = np.eye(10)[rng.integers(0, 10, 7)]
    assert bp.loss(y_hat, Y, "mse") == pytest.approx(((y_hat - Y) ** 2).sum() / (2 * 7))
    ce = -(Y * np.log(y_hat) + (1 - Y) * np.log(1 - y_hat)).sum() / 7
    assert bp.loss(y_hat, Y, "cross_entropy") == pytest.approx(ce)


def test_predict_and_accuracy(rng):
    params = bp.init_params([3, 4, 2], rng, dtype=np.float64)
    X = rng.random((50, 3))
    y_hat, _ = bp.forward(params, X)
    np.testing.assert_array_equal(bp.predict(params, X), y_hat.argmax(axis=1))
    assert bp.accuracy(params, X, y_hat.argmax(axis=1)) == 1.0
    assert bp.accuracy(params, X, 1 - y_hat.argmax(axis=1)) == 0.0


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_evaluating_huge_weights_warns_nothing(loss):
    """A diverging run's weights: evaluating them (the playground does, after the run) and
    checking their gradients must not print the sigmoid's overflow warning."""
    rng = np.random.default_rng(0)
    params = {k: v * 1e4 for k, v in bp.init_params([20, 8, 3], rng).items()}
    X = rng.random((30, 20)).astype(np.float32)
    y = rng.integers(0, 3, 30)
    Y = np.eye(3, dtype=np.float32)[y]
    value, accuracy = bp.evaluate(params, X, Y, y, loss)
    assert np.isfinite(value) and 0 <= accuracy <= 1
    errors = bp.gradient_check({k: v.astype(np.float64) for k, v in params.items()},
                               X.astype(np.float64), Y.astype(np.float64), loss)
    assert set(errors) == set(params)
