"""The answers to the end-of-notebook exercises: :func:`check_answer` and what is right.

:data:`ANSWERS` maps each exercise ("01-6", "02-7", ...) to what its answer is, a function
that computes the right one from what the student passes as context (their history, their
runs, their networks), the tolerance and the names that context must hold. The exercises
01-6 and 01-7 are on notebook 01's 2-2-1 hand example, :data:`TINY` (its parameters;
:data:`TINY_X`, :data:`TINY_Y` its input and target), which is
:func:`backprop.walkthrough.hand_example`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..nn import backward, forward, loss
from ..walkthrough import hand_example
from .harness import as_number, fail

# notebook 01's 2-2-1 hand example, from its one definition (the walk-through's)
TINY, TINY_X, TINY_Y = hand_example()


def tiny_answers() -> dict[str, tuple[str, float]]:
    """The right answers of exercises 01-6 and 01-7, on the tiny example.

    Returns
    -------
    dict
        ``{exercise: (what the answer is, its value)}``.
    """
    _, cache = forward(TINY, TINY_X)
    grads = backward(TINY, cache, TINY_Y, loss="mse")
    stepped = {k: TINY[k] - 0.5 * grads[k] for k in TINY}
    y_after = forward(stepped, TINY_X)[0]
    return {
        "01-6": ("the quadratic loss after one step of lr 0.5 on the tiny example",
                 loss(y_after, TINY_Y, "mse")),
        "01-7": ("d_u5 of the tiny example with the cross-entropy",
                 float(cache["y_hat"][0, 0] - 1.0)),
    }


def _second_guess_share(params: dict, data: Any) -> float:
    """Share of the misclassified test images whose true digit is the second-largest output."""
    out, _ = forward(params, data.test.X)
    wrong = np.flatnonzero(out.argmax(axis=1) != data.test.y)
    second = np.argsort(-out[wrong], axis=1, kind="stable")[:, 1]
    return float(np.mean(second == data.test.y[wrong]))


def _disagreements(first: dict, second: dict, data: Any) -> tuple[int, int]:
    """(first right and second wrong, first wrong and second right) on the test images."""
    right1 = forward(first, data.test.X)[0].argmax(axis=1) == data.test.y
    right2 = forward(second, data.test.X)[0].argmax(axis=1) == data.test.y
    return int(np.sum(right1 & ~right2)), int(np.sum(~right1 & right2))


# exercise -> (what the answer is, the right answer from the context given, tolerance or
# None for an exact match, the names the context must hold)
ANSWERS: dict[str, tuple[str, Callable[..., Any], float | None, tuple[str, ...]]] = {
    "01-6": ("the quadratic loss after one step of lr 0.5 on the tiny example",
             lambda: tiny_answers()["01-6"][1], 5e-6, ()),
    "01-7": ("d_u5 of the tiny example with the cross-entropy",
             lambda: tiny_answers()["01-7"][1], 5e-6, ()),
    "02-4": ("the learning rate on the summed minibatch gradient that repeats Run 2 "
             "(lr 0.01 on the mean over minibatches of 10)", lambda: 0.01 / 10, 1e-12, ()),
    "02-7": ("the validation accuracy gained by stopping at the best epoch (a fraction)",
             lambda history: max(history["val_acc"]) - history["val_acc"][-1], 5e-5,
             ("history",)),
    "03-5": ("the learning rate with the best mean best-epoch validation accuracy",
             lambda runs: float(runs.groupby("lr")["best_val_acc"].mean().idxmax()), 1e-12,
             ("runs",)),
    "04-2": ("(first right and second wrong, first wrong and second right) on the test set",
             _disagreements, None, ("first", "second", "data")),
    "04-5": ("the share of misclassified test images whose true digit is the second-largest "
             "output (a fraction)", _second_guess_share, 5e-5, ("params", "data")),
}


def check_answer(exercise: str, value: Any, **context: Any) -> None:
    """Accept or reject the answer to an end-of-notebook exercise, e.g. ``"01-6"``.

    Some answers depend on the student's runs; those are passed by name, e.g.
    ``check_answer("02-7", gain, history=hist_tuned)`` or
    ``check_answer("04-2", (b, c), first=..., second=..., data=data)``.
    """
    __tracebackhide__ = True
    if exercise not in ANSWERS:
        raise ValueError(f"exercise must be one of {sorted(ANSWERS)}, got {exercise!r}")
    what, right_fn, tol, needs = ANSWERS[exercise]
    missing = [name for name in needs if name not in context]
    if missing:
        raise ValueError(f"check_answer({exercise!r}, ...) needs {', '.join(needs)}; "
                         f"missing: {', '.join(missing)}")
    right = right_fn(**{name: context[name] for name in needs})
    if tol is None:
        ok = np.array_equal(np.asarray(value), np.asarray(right))
    else:
        value = as_number(value, f"exercise {exercise}")  # CheckFailed for a wrong type
        ok = np.isclose(value, right, rtol=0, atol=tol)
    if not ok:
        hint = ("Redo the table's rows one at a time and compare each with the code's values."
                if exercise.startswith("01-") else
                "Redo it step by step and compare each step with the code's values.")
        if tol is not None and right != 0 and np.isclose(float(value), 100 * right, rtol=1e-6):
            hint = "That is a percentage; give the fraction."
        fail(f"exercise {exercise}: {what} is not {value!r}.", hint)
    shown = (f"{right}" if tol is None else f"{right:g}" if tol < 1e-9 else f"{right:.6f}")
    print(f"exercise {exercise}: {what} = {shown}, right")
