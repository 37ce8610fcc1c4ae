"""backprop.checks: right answers pass; every known mistake is rejected with its diagnosis.

Each wrong implementation below makes exactly one of the mistakes issue 10 lists (and a
few more that students make); the test asserts that the check fails with a CheckFailed
whose message names that mistake. This proves that the checks can fail, which matters as
much as that they pass.
"""

import time
import traceback

import numpy as np
import pytest

import backprop as bp
from backprop import checks
from backprop.checks import CheckFailed, answers, cases, reference, skip


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


@pytest.fixture(scope="module", autouse=True)
def mnist_loaded():
    bp.load_mnist(n_train=10, n_val=0, n_test=0)  # decompress once, outside the timings


def rejects(check, *args, says):
    """Run ``check(*args)``; assert it raises CheckFailed containing every phrase in ``says``."""
    with pytest.raises(CheckFailed) as info:
        check(*args)
    message = str(info.value)
    for phrase in [says] if isinstance(says, str) else says:
        assert phrase in message, message
    return message


# --------------------------------------------------------------------------- passing
def test_right_answers_pass_with_one_line_each(capsys):
    checks.check_sigmoid(sigmoid, sigmoid_prime)
    checks.check_forward(forward)
    checks.check_loss(quadratic, "mse")
    checks.check_loss(cross_entropy, "cross_entropy")
    for step, fn in STEPS.items():
        checks.check_backward_step(step, fn)
    checks.check_backward(make_backward())
    checks.check_numerical_gradient(numerical_gradient)
    checks.check_sgd_epoch(make_sgd_epoch())
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 + 1 + 2 + 7 + 1 + 1 + 1
    for step in STEPS:
        line = next(line for line in lines if line.startswith(f"{step}: relative error "))
        assert "(float64; below 1e-7 is right)" in line
        assert float(line.split()[3]) < 1e-7


def test_package_functions_pass():
    checks.check_sigmoid(bp.sigmoid, bp.sigmoid_prime)
    checks.check_forward(bp.forward)
    checks.check_backward(bp.backward)
    checks.check_loss(lambda y_hat, Y: bp.loss(y_hat, Y, "cross_entropy"), "cross_entropy")


def test_each_check_runs_well_under_a_second():
    runs = {
        "sigmoid": lambda: checks.check_sigmoid(sigmoid, sigmoid_prime),
        "forward": lambda: checks.check_forward(forward),
        "loss": lambda: checks.check_loss(cross_entropy, "cross_entropy"),
        "backward": lambda: checks.check_backward(make_backward()),
        "numerical_gradient": lambda: checks.check_numerical_gradient(numerical_gradient),
        "sgd_epoch": lambda: checks.check_sgd_epoch(make_sgd_epoch()),
        **{step: (lambda step=step: checks.check_backward_step(step, STEPS[step]))
           for step in STEPS},
    }
    for name, run in runs.items():
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
        assert seconds < 0.8, f"{name} took {seconds:.2f} s"


# --------------------------------------------------------------------------- the student's arrays
def test_checks_never_modify_the_students_arrays(mnist):
    """The student's function gets copies; arrays the student passes in come back as they were."""
    seen = []

    def greedy_step(d_u5):  # keeps what it was given, and scribbles on it afterwards
        seen.append(d_u5)
        return d_u5.sum(axis=0)

    checks.check_backward_step("d_b2", greedy_step)
    before = [a.copy() for a in seen]
    for a in seen:
        a[...] = 0  # the checker's own arrays are unaffected: the next call still passes
    checks.check_backward_step("d_b2", STEPS["d_b2"])
    assert not any(np.shares_memory(a, b) for a, b in zip(seen, before, strict=True))

    params = bp.init_params([784, 20, 10], np.random.default_rng(0))
    snapshot = {k: v.copy() for k, v in params.items()}
    acc = bp.accuracy(params, mnist.test.X, mnist.test.y)
    checks.check_test_accuracy(acc, params, mnist)
    assert all(np.array_equal(params[k], snapshot[k]) for k in params)


def test_a_function_that_changes_its_input_in_place_is_named():
    def in_place(d_u3, u3):
        u3 *= 1 - u3  # overwrites the activations that d_W2 still needs
        return d_u3 * u3
    rejects(checks.check_backward_step, "d_u2", in_place, says="changed its argument 'u3'")


def test_a_students_exception_comes_through_with_the_students_traceback():
    def d_W2_from(u3, d_u5):
        return u3 @ d_u5  # (n, hidden) @ (n, out): not defined

    with pytest.raises(ValueError) as info:
        checks.check_backward_step("d_W2", d_W2_from)
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].name == "d_W2_from"  # the innermost frame is the student's line
    assert "return u3 @ d_u5" in frames[-1].line
    if hasattr(info.value, "__notes__"):
        assert "check_backward_step" in info.value.__notes__[0]
    # IPython hides the checker's frames
    assert all(f.name not in {"call_student", "check_backward_step"} or _hidden(info.value, f.name)
               for f in frames)


def _hidden(exc, name):
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == name:
            return tb.tb_frame.f_locals.get("__tracebackhide__", False)
        tb = tb.tb_next
    return False


def test_an_unfinished_exercise_raises_its_own_not_implemented_error():
    def d_W1_from(X, d_u2):
        raise NotImplementedError("exercise 4f: d_W1")
    with pytest.raises(NotImplementedError, match="exercise 4f: d_W1"):
        checks.check_backward_step("d_W1", d_W1_from)


def test_skip_if_unfinished_skips_stubs_only(capsys):
    def stub():
        raise NotImplementedError("exercise 2: plain_forward")
    with checks.skip_if_unfinished():
        stub()
    assert "Skipped: this cell needs exercise 2: plain_forward" in capsys.readouterr().out
    with pytest.raises(ZeroDivisionError), checks.skip_if_unfinished():
        1 / 0  # noqa: B018
    with pytest.raises(NotImplementedError), checks.skip_if_unfinished():
        raise NotImplementedError("something else")


# --------------------------------------------------------------------------- the listed mistakes
def test_missing_one_over_n():
    rejects(checks.check_backward_step, "d_u5",
            lambda y_hat, Y, loss: d_u5_from(y_hat, Y, loss) * len(Y),
            says="off by exactly the batch size n = 3")
    # the same mistake inside a whole backward pass is traced back to d_u5
    rejects(checks.check_backward,
            make_backward(d_u5=lambda y_hat, Y, loss: d_u5_from(y_hat, Y, loss) * len(Y)),
            says=["d_W2", "d_u5 looks wrong: off by exactly the batch size n = 3"])
    rejects(checks.check_loss, lambda y_hat, Y: ((y_hat - Y) ** 2).sum() / 2, "mse",
            says="the 1/n is missing")


def test_missing_sigma_prime():
    rejects(checks.check_backward_step, "d_u5",
            lambda y_hat, Y, loss: (y_hat - Y) / len(Y),
            says="the factor sigma'(u5) = y_hat (1 - y_hat) is missing")
    rejects(checks.check_backward_step, "d_u2", lambda d_u3, u3: d_u3,
            says="the factor sigma'(u2) = u3 (1 - u3) is missing")


def test_doubled_sigma_prime():
    rejects(checks.check_backward_step, "d_u5",
            lambda y_hat, Y, loss: d_u5_from(y_hat, Y, loss) * y_hat * (1 - y_hat),
            says="applied twice")
    rejects(checks.check_backward_step, "d_u2", lambda d_u3, u3: d_u3 * (u3 * (1 - u3)) ** 2,
            says="applied twice")


def test_sigma_prime_on_the_wrong_variable():
    rejects(checks.check_backward_step, "d_u2", lambda d_u3, u3: d_u3 * bp.sigmoid_prime(u3),
            says="sigma' computed on the wrong variable: sigma(u3)(1 - sigma(u3)) instead of "
                 "u3 (1 - u3)")
    rejects(checks.check_backward_step, "d_u5",
            lambda y_hat, Y, loss: (y_hat - Y) * bp.sigmoid_prime(y_hat) / len(Y),
            says="sigma' computed on the wrong variable")
    rejects(checks.check_sigmoid, sigmoid, lambda z: z * (1 - z),
            says="sigma' computed on the wrong variable")


@pytest.mark.parametrize("step,wrong", [("d_W2", lambda u3, d_u5: d_u5.T @ u3),
                                        ("d_W1", lambda X, d_u2: d_u2.T @ X)])
def test_transposed_weight_gradient(step, wrong):
    message = rejects(checks.check_backward_step, step, wrong, says=f"{step} is transposed")
    assert "expected shape" in message and "received" in message


def test_weight_gradient_divided_by_n_again():
    rejects(checks.check_backward_step, "d_W2", lambda u3, d_u5: u3.T @ d_u5 / len(u3),
            says="divided by n again")


@pytest.mark.parametrize("step", ["d_b2", "d_b1"])
def test_bias_gradient_not_summed(step):
    message = rejects(checks.check_backward_step, step, lambda d: d,
                      says="not summed over the batch")
    assert "expected shape" in message


@pytest.mark.parametrize("step", ["d_b2", "d_b1"])
def test_bias_gradient_averaged_twice(step):
    rejects(checks.check_backward_step, step, lambda d: d.mean(axis=0),
            says="averaged over the batch")


def test_bias_gradient_other_shapes():
    rejects(checks.check_backward_step, "d_b2", lambda d: d.sum(axis=1),
            says="summed over the wrong axis")
    rejects(checks.check_backward_step, "d_b1", lambda d: d.sum(axis=0, keepdims=True),
            says="drop keepdims=True")


def test_wrong_sign():
    rejects(checks.check_backward_step, "d_u5",
            lambda y_hat, Y, loss: (Y - y_hat) * y_hat * (1 - y_hat) / len(Y),
            says="wrong sign")
    rejects(checks.check_backward_step, "d_W1", lambda X, d_u2: -X.T @ d_u2,
            says="gradient ascent")
    rejects(checks.check_sgd_epoch, make_sgd_epoch(sign=-1), says="gradient ascent")


def test_quadratic_derivative_for_the_cross_entropy_and_the_other_way_round():
    quadratic_always = lambda y_hat, Y, loss: d_u5_from(y_hat, Y, "mse")  # noqa: E731
    rejects(checks.check_backward_step, "d_u5", quadratic_always,
            says=["cross-entropy", "the quadratic loss's d_u5 used with the cross-entropy"])
    cross_entropy_always = lambda y_hat, Y, loss: d_u5_from(y_hat, Y, "cross_entropy")  # noqa: E731
    rejects(checks.check_backward_step, "d_u5", cross_entropy_always,
            says="that is the cross-entropy's d_u5, used for the quadratic loss")
    rejects(checks.check_backward, make_backward(d_u5=quadratic_always),
            says="the quadratic loss's d_u5 used with the cross-entropy")
    rejects(checks.check_loss, quadratic, "cross_entropy",
            says="this is the quadratic loss, not the cross-entropy")


def test_W2_instead_of_W2_transposed():
    rejects(checks.check_backward_step, "d_u3", lambda d_u5, W2: d_u5 @ W2,
            says="W2 instead of W2.T")
    rejects(checks.check_backward, make_backward(d_u3=lambda d_u5, W2: d_u5 @ W2),
            says="d_u3 looks wrong: W2 instead of W2.T")


def test_sigmoid_that_overflows_for_large_negative_inputs():
    def naive(z):
        return 1 / (1 + np.exp(-z))
    rejects(checks.check_sigmoid, naive, says="sigmoid overflows for large negative inputs")

    def nan_for_large_positive(z):
        return np.exp(z) / (1 + np.exp(z))
    rejects(checks.check_sigmoid, nan_for_large_positive, says="inf / inf is NaN")


def test_output_sigmoid_forgotten():
    def no_output_sigmoid(params, X):
        y_hat, cache = forward(params, X)
        return cache["u5"], cache
    rejects(checks.check_forward, no_output_sigmoid,
            says=["y_hat", "the output's sigmoid is forgotten"])


def test_sgd_epoch_that_never_shuffles_or_never_reshuffles():
    rejects(checks.check_sgd_epoch, make_sgd_epoch(shuffle="never"),
            says=["epoch 1", "forgets to (re)shuffle"])
    rejects(checks.check_sgd_epoch, make_sgd_epoch(shuffle="once"),
            says=["epoch 2", "forgets to reshuffle: epoch 2 used epoch 1's order again"])


def test_sgd_epoch_that_drops_the_last_partial_batch():
    rejects(checks.check_sgd_epoch, make_sgd_epoch(drop_last=True),
            says="drops the last partial batch")


# --------------------------------------------------------------------------- more mistakes
def test_forward_mistakes():
    def transposed(params, X):
        y_hat, cache = forward(params, X)
        return y_hat, {**cache, "u1": cache["u1"].T}
    rejects(checks.check_forward, transposed, says=["u1", "rows are samples"])

    def no_hidden_sigmoid(params, X):
        u1 = X @ params["W1"]
        u2 = u1 + params["b1"]
        u4 = u2 @ params["W2"]
        u5 = u4 + params["b2"]
        return sigmoid(u5), {"u1": u1, "u2": u2, "u3": u2, "u4": u4, "u5": u5}
    rejects(checks.check_forward, no_hidden_sigmoid, says="the hidden sigmoid is missing")
    rejects(checks.check_forward, lambda params, X: forward(params, X)[0], says="a pair")


def test_loss_mistakes():
    rejects(checks.check_loss, lambda y_hat, Y: ((y_hat - Y) ** 2).mean(), "mse",
            says="mean squared error")
    rejects(checks.check_loss, lambda y_hat, Y: ((y_hat - Y) ** 2).sum() / len(Y), "mse",
            says="the 1/2 is missing")
    rejects(checks.check_loss, lambda y_hat, Y: -(Y * np.log(y_hat)).sum() / len(Y),
            "cross_entropy", says="only the y ln y_hat term")
    rejects(checks.check_loss, lambda y_hat, Y: ((y_hat - Y) ** 2).sum(axis=1) / 2, "mse",
            says="expected one number")


def test_numerical_gradient_mistakes():
    def forward_differences(f, x, index, eps=1e-6):
        flat, f0, out = x.reshape(-1), f(), []
        for i in index:
            flat[i] += eps
            out.append((f() - f0) / eps)
            flat[i] -= eps
        return np.array(out)
    rejects(checks.check_numerical_gradient, forward_differences, says="forward differences")

    def not_restored(f, x, index, eps=1e-6):
        flat, out = x.reshape(-1), []
        for i in index:
            flat[i] += eps
            plus = f()
            flat[i] -= 2 * eps
            out.append((plus - f()) / (2 * eps))
        return np.array(out)
    rejects(checks.check_numerical_gradient, not_restored, says="left x changed")

    def one_eps(f, x, index, eps=1e-6):
        return numerical_gradient(f, x, index, eps) * 2
    rejects(checks.check_numerical_gradient, one_eps, says="divided by eps instead of 2 eps")

    def on_a_copy(f, x, index, eps=1e-6):
        return numerical_gradient(f, x.copy(), index, eps)
    rejects(checks.check_numerical_gradient, on_a_copy, says="perturb x itself")


def test_step_returning_none_is_told_to_return():
    rejects(checks.check_backward_step, "d_b2", lambda d_u5: None, says="forget `return`")


# --------------------------------------------------------------------------- answers
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


def test_tiny_example_answers():
    right = answers.tiny_answers()
    checks.check_answer("01-6", right["01-6"][1])
    checks.check_answer("01-7", -0.476615)
    rejects(checks.check_answer, "01-6", 0.113581, says="is not")  # the loss before the step
    with pytest.raises(ValueError, match="exercise must be one of"):
        checks.check_answer("99-1", 0.0)


def test_answers_that_depend_on_the_students_runs(mnist, capsys):
    from functools import partial

    import pandas as pd

    checks.check_answer("02-4", 0.001)  # Run 2's 0.01 on the mean, summed over 10 samples
    rejects(checks.check_answer, "02-4", 0.01, says="is not 0.01")
    rejects(checks.check_answer, "02-4", 0.1, says="is not 0.1")

    history = {"val_acc": [0.80, 0.93, 0.91, 0.92]}
    checks.check_answer("02-7", 0.01, history=history)  # best 0.93 minus last 0.92
    rejects(partial(checks.check_answer, history=history), "02-7", 1.0, says="percentage")
    rejects(partial(checks.check_answer, history=history), "02-7", 0.13, says="is not")
    with pytest.raises(ValueError, match="needs history"):
        checks.check_answer("02-7", 0.01)

    runs = pd.DataFrame({"lr": [0.1, 0.1, 1.0, 1.0], "best_val_acc": [0.93, 0.95, 0.93, 0.93],
                         "val_acc": [0.92, 0.90, 0.93, 0.93]})
    checks.check_answer("03-5", 0.1, runs=runs)  # by the best epoch; by the last it would be 1.0
    rejects(partial(checks.check_answer, runs=runs), "03-5", 1.0, says="is not 1.0")

    first = bp.init_params([784, 30, 10], np.random.default_rng(0))
    first, _ = bp.train(first, mnist.train, lr=1.0, n_epochs=3, loss="cross_entropy",
                        rng=np.random.default_rng(1), progress=False)
    second = bp.init_params([784, 30, 10], np.random.default_rng(2))
    right1 = bp.predict(first, mnist.test.X) == mnist.test.y
    right2 = bp.predict(second, mnist.test.X) == mnist.test.y
    b, c = int(np.sum(right1 & ~right2)), int(np.sum(~right1 & right2))
    checks.check_answer("04-2", (b, c), first=first, second=second, data=mnist)
    rejects(partial(checks.check_answer, first=first, second=second, data=mnist), "04-2",
            (c, b), says="is not")

    out = bp.forward(first, mnist.test.X)[0]
    wrong = np.flatnonzero(out.argmax(axis=1) != mnist.test.y)
    share = np.mean(np.argsort(-out[wrong], axis=1, kind="stable")[:, 1] == mnist.test.y[wrong])
    checks.check_answer("04-5", share, params=first, data=mnist)
    rejects(partial(checks.check_answer, params=first, data=mnist), "04-5", 100 * share,
            says="percentage")
    assert "right" in capsys.readouterr().out


def test_skip_if_unfinished_skips_cells_that_need_a_skipped_cells_results(capsys,
                                                                            monkeypatch):
    monkeypatch.setattr(skip, "_SKIPPED", [])
    with pytest.raises(NameError), checks.skip_if_unfinished():
        undefined_name  # noqa: B018, F821  (nothing skipped yet: a real error)
    with checks.skip_if_unfinished():
        raise NotImplementedError("exercise 4a: d_u5_from")
    with checks.skip_if_unfinished():
        undefined_name  # noqa: B018, F821
    out = capsys.readouterr().out
    assert "needs 'undefined_name', which a cell above did not define because it was " \
        "skipped (exercise 4a: d_u5_from was not written yet)" in out


def test_ipython_shows_a_failed_check_as_its_message_alone():
    with pytest.raises(CheckFailed) as info:
        checks.check_backward_step("d_b2", lambda d_u5: d_u5.mean(axis=0))
    assert info.value._render_traceback_() == [f"\x1b[0;31mCheckFailed\x1b[0m: {info.value}"]


def test_the_reference_formulas_are_those_of_bp_backward():
    """The checks compare each step with checks.RIGHT; those formulas give bp.backward."""
    for case in cases.default_cases():
        for kind in ("mse", "cross_entropy"):
            env = reference.run_steps(case, kind)
            grads = bp.backward(case.params, case.cache, case.Y, loss=kind)
            for key in grads:
                assert bp.relative_error(env[f"d_{key}"], grads[key]) < 1e-12


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
