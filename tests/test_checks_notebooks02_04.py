"""backprop.checks.notebooks02_04: the SGD epoch, the trained network, the tuning choice and
the test accuracy; right answers pass, known mistakes are named."""


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
def test_trained_and_test_accuracy(mnist):
    params = bp.init_params([784, 30, 10], np.random.default_rng(0))
    rejects(checks.check_trained, params, mnist, says="below 85 %")
    params, _ = bp.train(params, mnist.train, lr=1.0, n_epochs=5, loss="cross_entropy",
                         rng=np.random.default_rng(1), progress=False)
    val = checks.check_trained(params, mnist)
    assert val >= 0.85

    def accuracy_of(params, X, y):
        return float(np.mean(bp.forward(params, X)[0].argmax(axis=1) == y))

    checks.check_test_accuracy(accuracy_of, params, mnist)
    test = bp.accuracy(params, mnist.test.X, mnist.test.y)
    message = rejects(checks.check_test_accuracy, lambda p, X, y: test, params, mnist,
                      says="whole test set")
    assert f"{test:.4f}" not in message and f"{test:.3f}" not in message  # never the answer
    rejects(checks.check_test_accuracy, lambda p, X, y: 100 * accuracy_of(p, X, y), params,
            mnist, says="percentage")
    with pytest.raises(TypeError, match="pass accuracy_of itself"):
        checks.check_test_accuracy(test, params, mnist)


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


# --------------------------------------------------------------------------- arguments
def test_an_sgd_epoch_that_changes_the_callers_params_is_named():
    def in_place(params, X, Y, lr, batch_size, loss, rng):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            _, cache = bp.forward(params, X[rows])
            grads = bp.backward(params, cache, Y[rows], loss=loss)
            for key in params:
                params[key] -= lr * grads[key]  # the caller's arrays
        return params
    rejects(checks.check_sgd_epoch, in_place,
            says=["changed its argument params['W1'] in place", "build new values instead"])


def test_what_changed_names_the_part_of_a_dict_or_table():
    import pandas as pd

    from backprop.checks.unchanged import describe, what_changed

    params = {"W1": np.zeros((2, 3)), "b1": np.zeros(3)}
    changed = {"W1": np.zeros((2, 3)), "b1": np.ones(3)}
    assert what_changed(params, changed, "params") == "params['b1']"
    assert what_changed(params, {"W1": params["W1"]}, "params") == "params (its keys)"
    assert what_changed(params, {k: v.copy() for k, v in params.items()}, "params") is None
    runs = pd.DataFrame({"lr": [0.1, 1.0], "history": [{"a": [1]}, {"a": [2]}]})
    assert what_changed(runs, runs.assign(x=1), "runs") == "runs (its columns)"
    assert what_changed(runs, runs.iloc[::-1], "runs") == \
        "runs (the order or index of its rows)"
    nested = runs.copy(deep=True)
    nested["history"] = [{"a": [1]}, {"a": [3]}]
    assert what_changed(runs, nested, "runs") == "runs['history']"
    assert describe({"params": params, "X": np.zeros((5, 2)), "runs": runs}) == \
        "params {W1 (2, 3), b1 (3,)}, X (5, 2), runs (a table of 2 rows)"


# --------------------------------------------------------------------------- tuning
@pytest.fixture(scope="module")
def grid_runs():
    base = dict(hidden=110, lr=1e-2, n_epochs=100, batch_size=10, loss="cross_entropy",
                init="normal_scaled")
    return bp.sweep([dict(base, hidden=h, lr=lr, seed=s) for h in [30, 110, 200]
                     for lr in [0.01, 0.1, 1.0] for s in [0, 1, 2]], progress=False)


def tune(runs):
    means = runs.groupby(["lr", "hidden"])["val_acc"].mean()
    tried = {(float(lr), int(h)): float(v) for (lr, h), v in means.items()}
    return tried, max(tried, key=tried.get)


def test_the_right_tune_passes_on_the_notebooks_grid(grid_runs, capsys):
    checks.check_tuning_choice(tune, grid_runs)
    out = capsys.readouterr().out
    assert out.startswith("tune: tried holds the mean final validation accuracy of all 9")


def test_tuning_on_the_training_accuracy_is_named_and_never_called_validation(grid_runs):
    def on_training(runs):
        means = runs.groupby(["lr", "hidden"])["train_acc"].mean()
        tried = {(float(lr), int(h)): float(v) for (lr, h), v in means.items()}
        return tried, max(tried, key=tried.get)
    message = rejects(checks.check_tuning_choice, on_training, grid_runs,
                      says="mean *training* accuracy")
    assert "100.00 %" not in message and "validation accuracy 1" not in message


def test_swapped_keys_are_named_before_the_next_cell_can_misprint_them(grid_runs):
    def swapped(runs):
        means = runs.groupby(["hidden", "lr"])["val_acc"].mean()
        tried = {(int(h), float(lr)): float(v) for (h, lr), v in means.items()}
        return tried, max(tried, key=tried.get)
    rejects(checks.check_tuning_choice, swapped, grid_runs, says="(hidden, lr), swapped")


def test_a_hard_coded_tune_fails_on_the_checks_other_runs(grid_runs):
    answer = tune(grid_runs)
    rejects(checks.check_tuning_choice, lambda runs: answer, grid_runs,
            says=["other runs", "same tried and choice"])
    other = checks.notebooks03_04.other_runs(grid_runs)
    assert tune(other)[1] != answer[1]  # the right choice moves, so a fixed one fails
    with pytest.raises(TypeError, match="pass tune itself"):
        checks.check_tuning_choice(answer[0], grid_runs)


def test_an_unwritten_tune_or_accuracy_of_is_one_calm_line(mnist, grid_runs):
    def tune(runs):
        raise NotImplementedError("exercise 1: tune")

    def accuracy_of(params, X, y):
        raise NotImplementedError("exercise 1: accuracy_of")
    with pytest.raises(checks.ExerciseNotWritten, match="write `tune` above"):
        checks.check_tuning_choice(tune, grid_runs)
    params = bp.init_params([784, 30, 10], np.random.default_rng(0))
    with pytest.raises(checks.ExerciseNotWritten, match="write `accuracy_of` above"):
        checks.check_test_accuracy(accuracy_of, params, mnist)


def test_an_error_inside_accuracy_of_gets_the_note_and_a_hint(mnist):
    params = bp.init_params([784, 30, 10], np.random.default_rng(0))

    def accuracy_of(params, X, y):
        return float(np.mean(bp.forward(params, X).argmax(axis=1) == y))
    with pytest.raises(AttributeError) as info:
        checks.check_test_accuracy(accuracy_of, params, mnist)
    notes = "\n".join(info.value.__notes__)
    assert "(raised by your accuracy_of when check_test_accuracy called it with params " \
        "{W1 (784, 30), b1 (30,), W2 (30, 10), b2 (10,)}, X (500, 784), y (500,))" in notes
    assert "y_hat, _ = bp.forward(params, X)" in notes
