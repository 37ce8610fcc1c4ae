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

from ..nn import accuracy, backward, forward, loss
from ..walkthrough import hand_example
from .harness import as_number, fail, sci

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


def tiny_mistakes() -> list[tuple[str, str, float]]:
    """(exercise, the mistake, what it gives) for 01-6 and 01-7."""
    _, cache = forward(TINY, TINY_X)
    grads = backward(TINY, cache, TINY_Y, loss="mse")
    grads_ce = backward(TINY, cache, TINY_Y, loss="cross_entropy")

    def after(lr, g=grads, kind="mse"):
        stepped = {k: TINY[k] - lr * g[k] for k in TINY}
        return loss(forward(stepped, TINY_X)[0], TINY_Y, kind)

    y_hat = float(cache["y_hat"][0, 0])
    return [
        ("01-6", "that is the loss before the step: take the step first (every parameter "
         "minus 0.5 times its gradient), then compute the loss again.",
         loss(cache["y_hat"], TINY_Y, "mse")),
        ("01-6", "that is the loss after a step uphill (w + lr * d_w): the step is "
         "w - lr * d_w.", after(-0.5)),
        ("01-6", "that is the loss after a step of lr 1: the exercise's step is lr 0.5.",
         after(1.0)),
        ("01-6", "that is the cross-entropy after the step: the exercise asks for the "
         "quadratic loss, with its gradients.", after(0.5, kind="cross_entropy")),
        ("01-6", "that step used the cross-entropy's gradients: step with the quadratic "
         "loss's gradients (loss='mse').", after(0.5, grads_ce)),
        ("01-6", "that is the squared error without the 1/2 of the quadratic loss "
         "L = (y_hat - y)^2 / 2.", 2 * after(0.5)),
        ("01-7", "that is the quadratic loss's d_u5, (y_hat - y) sigma'(u5): with the "
         "cross-entropy sigma'(u5) cancels.", (y_hat - 1.0) * y_hat * (1 - y_hat)),
        ("01-7", "the sign is wrong: d_u5 = y_hat - y, not y - y_hat.", 1.0 - y_hat),
        ("01-7", "that is y_hat itself: d_u5 is y_hat minus the target.", y_hat),
        ("01-7", "that is the cross-entropy loss, not its derivative: d_u5 = dL/du5, which "
         "for the cross-entropy is y_hat - y.",
         loss(cache["y_hat"], TINY_Y, "cross_entropy")),
    ]


def _fixed_mistakes(exercise: str, **_: Any) -> list[tuple[str, Any]]:
    if exercise in ("01-6", "01-7"):
        return [(says, v) for ex, says, v in tiny_mistakes() if ex == exercise]
    return [  # 02-4
        ("that is Run 2's rate for the mean gradient: the summed gradient of a minibatch of "
         "10 is 10 times the mean's, so with the same rate each step would be 10 times larger."
         " Which rate makes lr_sum * (sum) equal 0.01 * (mean)?", 0.01),
        ("that multiplies by the batch size; the summed gradient is already 10 times the "
         "mean's, so the rate must shrink, not grow.", 0.1),
        ("that divides by the training set's size, but the sum is over one minibatch of 10 "
         "samples, not over all 3000.", 0.01 / 3000),
        ("that divides by the batch size twice: the sum is 10 times the mean, so divide "
         "once.", 0.01 / 100),
    ]


def _history_mistakes(history: dict, **_: Any) -> list[tuple[str, float]]:
    val = np.asarray(history["val_acc"], dtype=float)
    found = [
        ("that is the final minus the best: the gain is the best minus the final, "
         "not negative.", val[-1] - val.max()),
        ("that is the best validation accuracy itself; the gain is the best minus the "
         "final epoch's.", val.max()),
        ("that is the best epoch's number; the gain is an accuracy difference.",
         float(np.argmax(val) + 1)),
        ("that is the best minus the FIRST epoch; the gain of stopping early is the best "
         "minus the final (last) epoch.", val.max() - val[0]),
    ]
    if "train_acc" in history:
        train = np.asarray(history["train_acc"], dtype=float)
        found.append(("that is computed from the training accuracy: use history['val_acc'].",
                      train.max() - train[-1]))
    return found


def _runs_mistakes(runs: Any, **_: Any) -> list[tuple[str, float]]:
    by_lr = runs.groupby("lr")
    return [
        ("that is the choice by the final epoch's validation accuracy (val_acc); the exercise "
         "chooses by the best epoch's, best_val_acc, averaged over the seeds.",
         float(by_lr["val_acc"].mean().idxmax())),
        ("that is the choice by the maximum over the seeds; average best_val_acc over the "
         "seeds with .mean().", float(by_lr["best_val_acc"].max().idxmax())),
        ("that is the choice by the training accuracy; choose on the validation set.",
         float(by_lr["train_acc"].mean().idxmax()) if "train_acc" in runs else np.nan),
        ("that is the best accuracy, not the learning rate that reaches it: give the lr.",
         float(by_lr["best_val_acc"].mean().max())),
    ]


def _pair_mistakes(first: dict, second: dict, data: Any, **_: Any) -> list[tuple[str, Any]]:
    b, c = _disagreements(first, second, data)
    on_val = (np.argmax(forward(first, data.val.X)[0], axis=1) == data.val.y,
              np.argmax(forward(second, data.val.X)[0], axis=1) == data.val.y)
    return [
        ("the two counts are swapped: first (first right and second wrong), then (first wrong "
         "and second right).", (c, b)),
        ("that counts on the validation set; the comparison is on the test set.",
         (int(np.sum(on_val[0] & ~on_val[1])), int(np.sum(~on_val[0] & on_val[1])))),
        ("give the two counts as a pair (b, c), not their sum.", b + c),
        ("give the two counts as a pair (b, c), not their difference.", b - c),
    ]


def _share_mistakes(params: dict, data: Any, **_: Any) -> list[tuple[str, float]]:
    out, _ = forward(params, data.test.X)
    y = data.test.y
    wrong = np.flatnonzero(out.argmax(axis=1) != y)
    ranked = np.argsort(-out[wrong], axis=1, kind="stable")
    share = float(np.mean(ranked[:, 1] == y[wrong]))
    return [
        ("that is a percentage; give the fraction.", 100 * share),
        ("that is a count; give the share of the misclassified images (a fraction).",
         float(np.sum(ranked[:, 1] == y[wrong]))),
        ("that is the share of ALL test images; the exercise asks about the misclassified "
         "ones only.", float(np.sum(ranked[:, 1] == y[wrong]) / len(y))),
        ("that is the third-largest output: the second-largest is the column 1 of "
         "np.argsort(-out, axis=1).", float(np.mean(ranked[:, 2] == y[wrong]))),
        ("that is the second-SMALLEST output: sort descending, np.argsort(-out, axis=1).",
         float(np.mean(np.argsort(out[wrong], axis=1, kind="stable")[:, 1] == y[wrong]))),
        ("that is the share whose true digit is the LARGEST output, 0 by definition for "
         "misclassified images: take the second-largest, column 1 of np.argsort(-out, "
         "axis=1).", float(np.mean(ranked[:, 0] == y[wrong]))),
        ("that is the test accuracy, not the share asked for.",
         accuracy(params, data.test.X, y)),
    ]


# exercise -> the known wrong answers, from the same context as the right one
KNOWN: dict[str, Callable[..., list[tuple[str, Any]]]] = {
    "01-6": lambda **kw: _fixed_mistakes("01-6"),
    "01-7": lambda **kw: _fixed_mistakes("01-7"),
    "02-4": lambda **kw: _fixed_mistakes("02-4"),
    "02-7": _history_mistakes,
    "03-5": _runs_mistakes,
    "04-2": _pair_mistakes,
    "04-5": _share_mistakes,
}
FRACTIONS = ("02-7", "04-5")  # answers that are fractions: 100 times one is a percentage


def _one_number(exercise: str, value: Any) -> float:
    """``value`` as a float: a number or an array of one number (a (1, 1) ``d_u5`` too);
    CheckFailed otherwise (:func:`~backprop.checks.harness.as_number`)."""
    __tracebackhide__ = True
    return as_number(value, f"exercise {exercise}")


def check_answer(exercise: str, value: Any, **context: Any) -> None:
    """Accept or reject the answer to an end-of-notebook exercise, e.g. ``"01-6"``.

    Some answers depend on the student's runs; those are passed by name, e.g.
    ``check_answer("02-7", gain, history=hist_tuned)`` or
    ``check_answer("04-2", (b, c), first=..., second=..., data=data)``. A wrong answer is
    named when it is what a known mistake gives; the right value is never shown for it.
    """
    __tracebackhide__ = True
    if exercise not in ANSWERS:
        raise ValueError(f"exercise must be one of {sorted(ANSWERS)}, got {exercise!r}")
    what, right_fn, tol, needs = ANSWERS[exercise]
    missing = [name for name in needs if name not in context]
    if missing:
        raise ValueError(f"check_answer({exercise!r}, ...) needs {', '.join(needs)}; "
                         f"missing: {', '.join(missing)}")
    given = {name: context[name] for name in needs}
    right = right_fn(**given)
    if tol is None:
        ok = np.shape(value) == np.shape(right) and np.array_equal(np.asarray(value),
                                                                 np.asarray(right))
        number = None
    else:
        number = _one_number(exercise, value)
        ok = bool(np.isclose(number, right, rtol=0, atol=tol))
    if not ok:
        known = None
        for says, wrong in KNOWN[exercise](**given):
            if tol is None:
                same = np.shape(value) == np.shape(wrong) and np.array_equal(
                    np.asarray(value), np.asarray(wrong))
            else:
                same = bool(np.isfinite(wrong) and np.isclose(number, wrong, rtol=1e-6,
                                                              atol=tol))
            if same:
                known = says
                break
        hint = ("Redo the table's rows one at a time and compare each with the code's values."
                if exercise.startswith("01-") else
                "Redo it step by step and compare each step with the code's values.")
        if known:
            hint = f"Known mistake: {known}"
        elif number is not None and exercise in FRACTIONS and right != 0 and np.isclose(
                number, 100 * right, rtol=1e-6):
            hint = "That is a percentage; give the fraction."
        elif number is not None and right != 0 and np.isclose(number, right, rtol=1e-6,
                                                              atol=0):
            hint = (f"It agrees to about 7 significant digits, float32's precision: a matter "
                    f"of precision, not of the method. The check needs it within {sci(tol)}: "
                    "compute in float64 (Python floats, or .astype(np.float64)).")
        elif number is not None and number != 0 and any(
                np.isclose(number, float(f"{right:.{digits}g}"), rtol=0, atol=1e-15)
                for digits in range(2, 8)):
            hint = (f"It is rounded: the check needs it within {sci(tol)}; give all the "
                    "digits.")
        fail(f"exercise {exercise}: {what} is not {value!r}.", hint)
    shown = (f"{right}" if tol is None else f"{right:g}" if tol < 1e-9 else f"{right:.6f}")
    print(f"exercise {exercise}: {what} = {shown}, right")
