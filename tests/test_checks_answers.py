"""backprop.checks.answers: check_answer accepts the right answers to the end-of-notebook
exercises and rejects wrong ones."""

import numpy as np
import pytest
from checks_helpers import rejects

import backprop as bp
from backprop import checks
from backprop.checks import answers


# --------------------------------------------------------------------------- the tiny example
def test_tiny_example_answers():
    right = answers.tiny_answers()
    checks.check_answer("01-6", right["01-6"][1])
    checks.check_answer("01-7", -0.476615)
    rejects(checks.check_answer, "01-6", 0.113581, says="the loss before the step")
    checks.check_answer("01-7", np.array([[-0.4766155]]))  # d_u5 as the (1, 1) array it is
    rejects(checks.check_answer, "01-7", np.zeros((1, 2)), says="expected one number")
    with pytest.raises(ValueError, match="exercise must be one of"):
        checks.check_answer("99-1", 0.0)


# --------------------------------------------------------------------------- from the runs
def test_answers_that_depend_on_the_students_runs(mnist, capsys):
    from functools import partial

    import pandas as pd

    checks.check_answer("02-4", 0.001)  # Run 2's 0.01 on the mean, summed over 10 samples
    rejects(checks.check_answer, "02-4", 0.01, says="is not 0.01")
    message = rejects(checks.check_answer, "02-4", 0.1, says="multiplies by the batch size")
    assert "percentage" not in message  # 100 times a learning rate is no percentage
    rejects(checks.check_answer, "02-4", float(np.float32(0.01) / np.float32(10)),
            says=["float32's precision", "within 1e-12"])

    history = {"val_acc": [0.80, 0.93, 0.91, 0.92]}
    checks.check_answer("02-7", 0.01, history=history)  # best 0.93 minus last 0.92
    rejects(partial(checks.check_answer, history=history), "02-7", 1.0, says="percentage")
    rejects(partial(checks.check_answer, history=history), "02-7", 0.13, says="is not")
    with pytest.raises(ValueError, match="needs history"):
        checks.check_answer("02-7", 0.01)

    runs = pd.DataFrame({"lr": [0.1, 0.1, 1.0, 1.0], "best_val_acc": [0.93, 0.95, 0.93, 0.93],
                         "val_acc": [0.92, 0.90, 0.93, 0.93]})
    checks.check_answer("03-5", 0.1, runs=runs)  # by the best epoch; by the last it would be 1.0
    rejects(partial(checks.check_answer, runs=runs), "03-5", 1.0,
            says=["is not 1.0", "final epoch's validation accuracy"])

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
