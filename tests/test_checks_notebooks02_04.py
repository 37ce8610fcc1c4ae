"""backprop.checks.notebooks02_04: the SGD epoch, the trained network, the tuning choice and
the test accuracy; right answers pass, known mistakes are named."""

import time

import numpy as np
import pytest
from checks_helpers import forward, make_backward, make_sgd_epoch, rejects

import backprop as bp
from backprop import checks


# --------------------------------------------------------------------------- SGD epoch
def test_a_right_sgd_epoch_passes_with_one_line(capsys):
    checks.check_sgd_epoch(make_sgd_epoch())
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sgd_epoch: relative error ")


def test_the_sgd_epoch_check_runs_well_under_a_second(mnist_decompressed):
    start = time.perf_counter()
    checks.check_sgd_epoch(make_sgd_epoch())
    seconds = time.perf_counter() - start
    assert seconds < 0.8, f"sgd_epoch took {seconds:.2f} s"


def test_sgd_epoch_with_the_wrong_sign():
    rejects(checks.check_sgd_epoch, make_sgd_epoch(sign=-1), says="gradient ascent")


def test_sgd_epoch_that_never_shuffles_or_never_reshuffles():
    rejects(checks.check_sgd_epoch, make_sgd_epoch(shuffle="never"),
            says=["epoch 1", "forgets to (re)shuffle"])
    rejects(checks.check_sgd_epoch, make_sgd_epoch(shuffle="once"),
            says=["epoch 2", "forgets to reshuffle: epoch 2 used epoch 1's order again"])


def test_sgd_epoch_that_drops_the_last_partial_batch():
    rejects(checks.check_sgd_epoch, make_sgd_epoch(drop_last=True),
            says="drops the last partial batch")


# --------------------------------------------------------------------------- trained, tuned, tested
def test_trained_tuning_and_test_answers(mnist):
    params = bp.init_params([784, 30, 10], np.random.default_rng(0))
    rejects(checks.check_trained, params, mnist, says="below 85 %")
    params, _ = bp.train(params, mnist.train, lr=1.0, n_epochs=5, loss="cross_entropy",
                         rng=np.random.default_rng(1), progress=False)
    val = checks.check_trained(params, mnist)
    assert val >= 0.85

    tried = {(1.0, 110): 0.93, (0.1, 110): 0.91, (1.0, 30): 0.92}
    checks.check_tuning_choice(tried, (1.0, 110))
    rejects(checks.check_tuning_choice, tried, (0.1, 110), says="has 93.00 %")
    rejects(checks.check_tuning_choice, tried, (3.0, 110), says="not one of the settings")
    rejects(checks.check_tuning_choice, {k: 100 * v for k, v in tried.items()}, (1.0, 110),
            says="percentages")
    rejects(checks.check_tuning_choice, {(0.001, 110): 0.895}, (0.001, 110),
            says="does not beat the report's 90.29 %")

    test = bp.accuracy(params, mnist.test.X, mnist.test.y)
    checks.check_test_accuracy(test, params, mnist)
    rejects(checks.check_test_accuracy, 100 * test, params, mnist, says="percentage")
    rejects(checks.check_test_accuracy, val, params, mnist, says="the validation accuracy")


def test_a_students_own_plain_functions_train_past_85_percent(mnist):
    """Issue 10's bar: the student's own forward, backward and SGD epoch (here the plain
    versions above, nothing from the package's training code) reach 85 % validation."""
    backward = make_backward()

    def sgd_epoch(params, X, Y, lr, batch_size, loss, rng):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            _, cache = forward(params, X[rows])
            grads = backward(params, cache, Y[rows], loss)
            params = {key: params[key] - lr * grads[key] for key in params}
        return params

    checks.check_sgd_epoch(sgd_epoch)
    params, rng = bp.init_params([784, 110, 10], np.random.default_rng(0)), \
        np.random.default_rng(1)
    for _ in range(3):
        params = sgd_epoch(params, mnist.train.X, mnist.train.Y, lr=1.0, batch_size=10,
                           loss="cross_entropy", rng=rng)
    assert checks.check_trained(params, mnist) >= 0.85


def test_an_unwritten_sgd_epoch_is_one_calm_line():
    def plain_sgd_epoch(params, X, Y, lr, batch_size, loss, rng):
        raise NotImplementedError("exercise 2: plain_sgd_epoch")
    with pytest.raises(checks.ExerciseNotWritten) as info:
        checks.check_sgd_epoch(plain_sgd_epoch)
    assert info.value._render_traceback_() == [
        "exercise 2 is not written yet: write `plain_sgd_epoch` above, then run this cell"]
