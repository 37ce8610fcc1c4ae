"""backprop.checks.harness: how every check calls the student's function and reports.

The student's function gets copies of its inputs; an argument it changes in place is
named; its own exceptions come through with its traceback and one note, the checker's
frames hidden; a failed check shows as its message alone, an unfinished exercise (a stub)
as one calm line.
"""

import traceback
from pathlib import Path

import numpy as np
import pytest
from checks_helpers import STEPS, rejects

import backprop as bp
from backprop import checks
from backprop.checks import CheckFailed, ExerciseNotWritten
from backprop.checks.harness import Failures

PACKAGE = Path(checks.__file__).resolve().parent


# --------------------------------------------------------------------------- arrays
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
    checks.check_test_accuracy(lambda p, X, y: bp.accuracy(p, X, y), params, mnist)
    assert all(np.array_equal(params[k], snapshot[k]) for k in params)


def test_a_function_that_changes_its_input_in_place_is_named():
    def in_place(d_u3, u3):
        u3 *= 1 - u3  # overwrites the activations that d_W2 still needs
        return d_u3 * u3
    rejects(checks.check_backward_step, "d_u2", in_place, says="changed its argument 'u3'")


# --------------------------------------------------------------------------- exceptions
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
    # IPython hides the checker's frames: the two by name, and every frame in the package
    assert all(f.name not in {"call_student", "check_backward_step"}
               or _hidden(info.value, f.name) for f in frames)
    package_frames = [f for f in _frames(info.value) if PACKAGE in Path(f.f_code.co_filename)
                      .resolve().parents]
    assert {f.f_code.co_name for f in package_frames} == {"call_student", "check_backward_step"}
    assert all(f.f_locals.get("__tracebackhide__", False) for f in package_frames)


def _frames(exc):
    tb, frames = exc.__traceback__, []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return frames


def _hidden(exc, name):
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == name:
            return tb.tb_frame.f_locals.get("__tracebackhide__", False)
        tb = tb.tb_next
    return False


def test_an_unfinished_exercise_stops_the_check_with_one_calm_line():
    def d_W1_from(X, d_u2):
        raise NotImplementedError("exercise 4f: d_W1_from")
    line = "exercise 4f is not written yet: write `d_W1_from` above, then run this cell"
    with pytest.raises(ExerciseNotWritten) as info:
        checks.check_backward_step("d_W1", d_W1_from)
    assert str(info.value) == line
    # the cell still fails as a check (nbval, nbgrader), but IPython shows the line alone,
    # without a class name, colour or traceback
    assert isinstance(info.value, CheckFailed)
    assert info.value._render_traceback_() == [line]
    assert info.value.__suppress_context__  # a plain traceback leaves the stub's out too
    assert ExerciseNotWritten.__module__ == "backprop.checks"


def test_a_stub_inside_the_students_function_is_named_by_its_own_message():
    def plain_backward(params, cache, Y, loss="mse"):
        raise NotImplementedError("exercise 4d: d_u3_from")  # a step it calls is a stub
    with pytest.raises(ExerciseNotWritten, match=r"^exercise 4d is not written yet: write "
                                                  r"`d_u3_from` above, then run this cell$"):
        checks.check_backward(plain_backward)


def test_a_bare_stub_is_named_by_the_functions_name():
    def d_b2_from(d_u5):
        raise NotImplementedError  # nbgrader's stubs say nothing
    with pytest.raises(ExerciseNotWritten) as info:
        checks.check_backward_step("d_b2", d_b2_from)
    assert str(info.value) == ("this exercise is not written yet: write `d_b2_from` above, "
                               "then run this cell")


def test_ipython_shows_an_unfinished_exercise_as_one_line(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    result = shell.run_cell("from backprop import checks\n"
                            "def sigmoid(z):\n"
                            "    raise NotImplementedError('exercise 1: sigmoid')\n"
                            "checks.check_sigmoid(sigmoid)")
    assert not result.success  # the cell fails, as a check that did not pass
    assert capsys.readouterr().out == ("exercise 1 is not written yet: write `sigmoid` above, "
                                       "then run this cell\n")


def test_independent_failures_are_numbered_in_one_message():
    failures = Failures()
    with failures.part():
        checks.check_backward_step("d_b2", lambda d_u5: d_u5.mean(axis=0))
    with failures.part():
        pass
    with failures.part():
        checks.check_backward_step("d_b1", lambda d_u2: d_u2)
    first, second = failures.messages
    with pytest.raises(CheckFailed) as info:
        failures.raise_any()
    assert str(info.value) == "\n".join(["2 problems:",
                                         "1. " + first.replace("\n", "\n   "),
                                         "2. " + second.replace("\n", "\n   ")])
    one = Failures()
    with one.part():
        checks.check_backward_step("d_b2", lambda d_u5: d_u5.mean(axis=0))
    with pytest.raises(CheckFailed) as info:  # a single failure keeps its message as it was
        one.raise_any()
    assert str(info.value) == first
    Failures().raise_any()  # nothing failed: nothing raised


# --------------------------------------------------------------------------- what the student sees
def test_step_returning_none_is_told_to_return():
    rejects(checks.check_backward_step, "d_b2", lambda d_u5: None, says="forget `return`")


def test_ipython_shows_a_failed_check_as_its_message_alone():
    with pytest.raises(CheckFailed) as info:
        checks.check_backward_step("d_b2", lambda d_u5: d_u5.mean(axis=0))
    assert info.value._render_traceback_() == [f"\x1b[0;31mCheckFailed\x1b[0m: {info.value}"]


# --------------------------------------------------------------------------- issue 19
@pytest.mark.parametrize("run,where", [
    (lambda: checks.check_forward(lambda params, X: (X @ params["W1"].T, {})),
     "check_forward called it with params {'W1': (7, 5), 'b1': (5,), 'W2': (5, 4), "
     "'b2': (4,)}, X (3, 7)"),
    (lambda: checks.check_backward(lambda params, cache, Y, loss: cache["d_u5"]),
     "check_backward called it with params {'W1': (6, 4), 'b1': (4,), 'W2': (4, 4), "
     "'b2': (4,)}, cache {"),
    (lambda: checks.check_loss(lambda y_hat, Y: y_hat @ Y, "mse"),
     "check_loss(..., 'mse') called it with y_hat (4, 10), Y (4, 10)"),
    (lambda: checks.check_sigmoid(lambda z: z @ z), "check_sigmoid called it with z (4, 5)"),
])
def test_the_note_on_a_students_exception_shows_shapes_never_values(run, where):
    with pytest.raises(Exception) as info:
        run()
    assert not isinstance(info.value, CheckFailed)  # the student's own exception
    note = "\n".join(getattr(info.value, "__notes__", []))
    assert where in note
    assert "array(" not in note and "0." not in note  # no values, only shapes


def test_a_function_that_changes_a_dict_it_was_given_is_named():
    def forward_storing_into_params(params, X):
        y_hat, cache = bp.forward(params, X)
        params["W1"] *= 1.0001  # a "tiny update" inside the forward pass
        return y_hat, cache
    rejects(checks.check_forward, forward_storing_into_params,
            says=["changed its argument params['W1'] in place", "must not change"])

    def backward_adding_to_cache(params, cache, Y, loss="mse"):
        cache["d_u5"] = cache["y_hat"] - Y  # stores its work in the caller's cache
        return bp.backward(params, cache, Y, loss=loss)
    rejects(checks.check_backward, backward_adding_to_cache,
            says="changed its argument cache['d_u5'] (added) in place")


@pytest.mark.parametrize("value,says", [
    (None, "received None"), ("0.5", "received str"), (lambda: 0.5, "received function"),
    (np.ones(3), "an array of shape (3,)"), (float("nan"), "not a finite number"),
])
def test_a_number_that_is_not_one_is_a_named_check_failure(value, says):
    rejects(checks.check_answer, "01-7", value, says=["exercise 01-7", says])


def test_an_answer_of_one_entry_in_a_1_by_1_array_is_a_number(capsys):
    _, cache = bp.forward(checks.TINY, checks.TINY_X)
    d_u5 = (cache["y_hat"] - checks.TINY_Y) / len(checks.TINY_Y)  # (1, 1), as notebook 01's
    checks.check_answer("01-7", d_u5)
    assert "right" in capsys.readouterr().out
    rejects(checks.check_answer, "01-7", d_u5 * 2, says="exercise 01-7")


def test_float32_work_is_told_it_is_a_matter_of_precision():
    message = rejects(checks.check_backward_step, "d_W2",
                      lambda u3, d_u5: u3.astype(np.float32).T @ d_u5.astype(np.float32),
                      says=["d_W2", "A precision matter, not a wrong formula",
                            "your result is float32", "needs float64"])
    assert "compare it with the formula" not in message
    # computed in float32 and handed back as float64: the digits tell
    rejects(checks.check_backward_step, "d_b2",
            lambda d_u5: d_u5.astype(np.float32).sum(axis=0).astype(np.float64),
            says=["A precision matter", "the digits agree only so far"])


def test_a_result_off_by_a_constant_factor_does_not_show_the_factor():
    message = rejects(checks.check_backward_step, "d_W1", lambda X, d_u2: 3.7 * X.T @ d_u2,
                      says="times one constant factor (all larger)")
    assert "3.7" not in message
