"""Training on real MNIST: it learns, it is deterministic, and it stops on divergence."""

import numpy as np
import pytest

import backprop as bp


def test_training_on_real_mnist_reaches_85_percent(mnist):
    params = bp.init_params([784, 110, 10], np.random.default_rng(0))
    _, history = bp.train(params, mnist.train, mnist.val, lr=0.1, n_epochs=5,
                          loss="cross_entropy", rng=np.random.default_rng(1), progress=False)
    assert set(history) == {"train_loss", "train_acc", "val_loss", "val_acc"}
    assert all(len(v) == 5 for v in history.values())
    assert history["val_acc"][-1] > 0.85
    assert history["train_loss"][-1] < history["train_loss"][0]


def test_same_seed_same_result(mnist):
    small = bp.load_mnist(500, 500, 0)
    runs = []
    for _ in range(2):
        params = bp.init_params([784, 30, 10], np.random.default_rng(3))
        runs.append(bp.train(params, small.train, small.val, lr=0.5, n_epochs=3, batch_size=7,
                             rng=np.random.default_rng(4), progress=False))
    (p1, h1), (p2, h2) = runs
    assert h1 == h2
    for key in p1:
        np.testing.assert_array_equal(p1[key], p2[key])
    params = bp.init_params([784, 30, 10], np.random.default_rng(3))
    _, h3 = bp.train(params, small.train, small.val, lr=0.5, n_epochs=3, batch_size=7,
                     rng=np.random.default_rng(5), progress=False)
    assert h3 != h1


def test_train_does_the_sgd_update_it_documents(rng):
    """One epoch with a single full batch equals one step of W - lr * backward(...)."""
    params = bp.init_params([6, 4, 3], rng, dtype=np.float64)
    X = rng.random((8, 6))
    y = rng.integers(0, 3, 8)
    split = bp.Split(X=X, y=y, Y=np.eye(3)[y])
    trained, _ = bp.train(params, split, lr=0.3, n_epochs=1, batch_size=8,
                          rng=np.random.default_rng(0), progress=False)
    _, cache = bp.forward(params, X)
    grads = bp.backward(params, cache, split.Y)
    for key in params:
        np.testing.assert_allclose(trained[key], params[key] - 0.3 * grads[key], rtol=1e-12)


def test_partial_last_batch_and_float64(rng):
    params = bp.init_params([5, 3, 2], rng, dtype=np.float64)
    X = rng.random((11, 5)).astype(np.float32)  # float32 data is cast to the params' dtype
    y = rng.integers(0, 2, 11)
    split = bp.Split(X=X, y=y, Y=np.eye(2)[y])
    trained, history = bp.train(params, split, split, lr=0.1, n_epochs=2, batch_size=4,
                                rng=rng, progress=False)
    assert trained["W1"].dtype == np.float64 and len(history["val_acc"]) == 2


def test_callback_sees_every_epoch_and_can_stop(mnist):
    small = bp.load_mnist(200, 100, 0)
    seen = []

    def callback(epoch, history):
        seen.append((epoch, len(history["train_loss"])))
        return epoch < 3

    params = bp.init_params([784, 20, 10], np.random.default_rng(0))
    _, history = bp.train(params, small.train, small.val, lr=0.5, n_epochs=10,
                          rng=np.random.default_rng(0), callback=callback, progress=False)
    assert seen == [(1, 1), (2, 2), (3, 3)]
    assert len(history["val_loss"]) == 3


def test_the_first_epoch_is_reported_before_the_second_trains():
    """The callback lags one epoch behind (the evaluation overlaps the next epoch), except
    for the first, which a live picture shows at once: stopping there shuffles once."""
    small = bp.load_mnist(200, 100, 0)
    params = bp.init_params([784, 20, 10], np.random.default_rng(0))
    rng = np.random.default_rng(1)
    trained, history = bp.train(params, small.train, small.val, lr=0.5, n_epochs=10, rng=rng,
                                callback=lambda epoch, history: False, progress=False)
    assert len(history["val_acc"]) == 1
    one_shuffle = np.random.default_rng(1)
    one_shuffle.permutation(200)
    assert rng.bit_generator.state == one_shuffle.bit_generator.state
    again, _ = bp.train(params, small.train, small.val, lr=0.5, n_epochs=1,
                        rng=np.random.default_rng(1), progress=False)
    for key in params:
        np.testing.assert_array_equal(trained[key], again[key])


def test_no_validation_split_and_zero_epochs():
    small = bp.load_mnist(100, 0, 0)
    params = bp.init_params([784, 10, 10], np.random.default_rng(0))
    same, history = bp.train(params, small.train, lr=0.1, n_epochs=0,
                             rng=np.random.default_rng(0), progress=False)
    assert all(v == [] for v in history.values())
    np.testing.assert_array_equal(same["W1"], params["W1"])
    _, history = bp.train(params, small.train, lr=0.1, n_epochs=1,
                          rng=np.random.default_rng(0), progress=False)
    assert len(history["train_acc"]) == 1 and history["val_acc"] == []


def test_divergence_stops_with_a_clear_message():
    small = bp.load_mnist(50, 0, 0)
    params = bp.init_params([784, 10, 10], np.random.default_rng(0))
    with pytest.raises(bp.TrainingDiverged, match="epoch 1.*smaller learning rate") as info:
        bp.train(params, small.train, lr=1e30, n_epochs=5, loss="cross_entropy",
                 rng=np.random.default_rng(1), progress=False)
    assert info.value.epoch == 1 and len(info.value.history["train_loss"]) == 1


def test_history_is_the_evaluation_of_the_returned_params(mnist):
    """Evaluation runs on a snapshot in a second thread; it must be that epoch's weights."""
    small = bp.load_mnist(300, 200, 0)
    params = bp.init_params([784, 20, 10], np.random.default_rng(0))
    seen = {}

    def keep(epoch, history):
        seen[epoch] = history["val_acc"][-1]
        return epoch < 2

    trained, history = bp.train(params, small.train, small.val, lr=0.5, n_epochs=4,
                                rng=np.random.default_rng(0), callback=keep, progress=False)
    assert len(history["val_acc"]) == 2 and seen == {1: history["val_acc"][0],
                                                     2: history["val_acc"][1]}
    assert bp.accuracy(trained, small.val.X, small.val.y) == history["val_acc"][-1]
    y_hat, _ = bp.forward(trained, small.train.X)
    assert bp.loss(y_hat, small.train.Y) == pytest.approx(history["train_loss"][-1], rel=1e-5)
