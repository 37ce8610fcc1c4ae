"""train(inside=True): per epoch, each layer's gradient size and saturation (what the inside
view draws, notebook 02), checked against an independent computation."""

import numpy as np
import pytest

import backprop as bp


def test_train_inside_records_the_last_minibatch_gradient_size_and_saturation(small_mnist):
    rng = np.random.default_rng(1)
    start = bp.init_params([784, 20, 10], rng, dtype=np.float64)
    train = bp.Split(small_mnist.train.X[:100].astype(np.float64), small_mnist.train.y[:100],
                     small_mnist.train.Y[:100].astype(np.float64))
    seen = []
    # one epoch, the whole set as one minibatch: its gradient does not depend on the order
    _, history = bp.train(start, train, None, lr=0.1, n_epochs=1, batch_size=100,
                          loss="cross_entropy", rng=rng, progress=False, inside=True,
                          callback=lambda epoch, h, params: seen.append(params))
    y_hat, cache = bp.forward(start, train.X)
    grads = bp.backward(start, cache, train.Y, loss="cross_entropy")
    assert history["grad_W1"][0] == pytest.approx(np.abs(grads["W1"]).mean(), rel=1e-9)
    assert history["grad_W2"][0] == pytest.approx(np.abs(grads["W2"]).mean(), rel=1e-9)
    u3 = cache["u3"]
    assert history["saturated_1"][0] == pytest.approx(np.mean(u3 * (1 - u3) < 0.01))
    assert history["saturated_2"][0] == pytest.approx(np.mean(y_hat * (1 - y_hat) < 0.01))
    # the callback got that epoch's weights: one SGD step from the start
    for key in start:
        np.testing.assert_allclose(seen[0][key], start[key] - 0.1 * grads[key], rtol=1e-9,
                                   atol=1e-12)


def test_without_inside_train_is_unchanged(small_mnist):
    rng = np.random.default_rng(0)
    calls = []
    _, history = bp.train(bp.init_params([784, 10, 10], rng), small_mnist.train, None, lr=0.5,
                          n_epochs=2, rng=rng, progress=False,
                          callback=lambda *args: calls.append(len(args)))
    assert set(history) == {"train_loss", "train_acc", "val_loss", "val_acc"}
    assert calls == [2, 2]


def test_n01_initialisation_saturates_the_hidden_units(small_mnist):
    share = {}
    for init in ("normal_scaled", "normal"):
        rng = np.random.default_rng(0)
        params = bp.init_params([784, 50, 10], rng, init=init)
        _, history = bp.train(params, small_mnist.train, None, lr=0.5, n_epochs=2,
                              loss="cross_entropy", rng=rng, progress=False, inside=True)
        share[init] = history["saturated_1"][0]
    assert share["normal"] > 0.5 > 0.2 > share["normal_scaled"]
