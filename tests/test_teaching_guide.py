"""TEACHING.md quotes the checks' messages; they must be what the checks really say."""

import re
from pathlib import Path

import numpy as np
import pytest
from checks_helpers import STEPS, d_u5_from, forward, make_sgd_epoch

import backprop as bp
from backprop import checks
from backprop.checks import CheckFailed

GUIDE = Path(__file__).resolve().parents[1] / "TEACHING.md"
README = GUIDE.with_name("README.md")


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def no_output_sigmoid(params, X):
    _, cache = forward(params, X)
    return cache["u5"], cache


MISTAKES = {  # the heading in TEACHING.md -> a wrong answer and its check
    "A missing 1/n": lambda: checks.check_backward_step(
        "d_u5", lambda y_hat, Y, loss: d_u5_from(y_hat, Y, loss) * len(Y)),
    "The quadratic loss's d_u5 without sigma'": lambda: checks.check_backward_step(
        "d_u5", lambda y_hat, Y, loss: (y_hat - Y) / len(Y)),
    "The quadratic loss's d_u5 used for the cross-entropy": lambda: checks.check_backward_step(
        "d_u5", lambda y_hat, Y, loss: d_u5_from(y_hat, Y, "mse")),
    "A transposed weight gradient": lambda: checks.check_backward_step(
        "d_W2", lambda u3, d_u5: d_u5.T @ u3),
    "W2 instead of W2.T": lambda: checks.check_backward_step(
        "d_u3", lambda d_u5, W2: d_u5 @ W2),
    "sigma' of the wrong variable": lambda: checks.check_backward_step(
        "d_u2", lambda d_u3, u3: d_u3 * bp.sigmoid_prime(u3)),
    "A bias gradient not summed": lambda: checks.check_backward_step("d_b1", lambda d_u2: d_u2),
    "A bias gradient averaged": lambda: checks.check_backward_step(
        "d_b2", lambda d_u5: d_u5.mean(axis=0)),
    "A wrong sign": lambda: checks.check_backward_step("d_W1", lambda X, d_u2: -X.T @ d_u2),
    "A sigmoid that overflows": lambda: checks.check_sigmoid(naive_sigmoid),
    "The output's sigmoid forgotten": lambda: checks.check_forward(no_output_sigmoid),
    "An SGD epoch that never reshuffles": lambda: checks.check_sgd_epoch(
        make_sgd_epoch(shuffle="once")),
    "An SGD epoch that drops the last partial batch": lambda: checks.check_sgd_epoch(
        make_sgd_epoch(drop_last=True)),
}


def quoted(heading):
    """The ```text block under ``#### heading`` in TEACHING.md."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"^#### {re.escape(heading)}\n.*?```text\n(.*?)```", text,
                      re.MULTILINE | re.DOTALL)
    assert match, f"TEACHING.md has no quoted message under '#### {heading}'"
    return match.group(1)


@pytest.mark.parametrize("heading", list(MISTAKES))
def test_the_guide_quotes_each_message_exactly(heading):
    with pytest.raises(CheckFailed) as info:
        MISTAKES[heading]()
    assert quoted(heading) == f"CheckFailed: {info.value}\n"


def test_the_guide_quotes_the_success_line(capsys):
    checks.check_backward_step("d_W1", STEPS["d_W1"])
    line = capsys.readouterr().out.strip()
    shown = re.sub(r"relative error \S+", "relative error 3e-9", line)
    assert shown in GUIDE.read_text(encoding="utf-8")
    assert shown in README.read_text(encoding="utf-8")
    assert "[TEACHING.md](TEACHING.md)" in README.read_text(encoding="utf-8")


def test_the_guide_quotes_the_line_of_an_unfinished_exercise():
    def sigmoid(z):
        raise NotImplementedError("exercise 1: sigmoid")
    with pytest.raises(checks.ExerciseNotWritten) as info:
        checks.check_sigmoid(sigmoid)
    assert f"```text\n{info.value}\n```" in GUIDE.read_text(encoding="utf-8")
