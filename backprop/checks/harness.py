"""The harness every check runs on: call the student's function, compare, fail with a message.

* :func:`call_student` calls the student's function on copies of its inputs, lets the
  student's own exception through with one note saying which check called it with what
  (a stub's ``NotImplementedError`` becomes :class:`ExerciseNotWritten`), and names an
  argument the function changed in place.
* :func:`compare` gives the relative error of a result against the right one and, when it
  is too big, raises :class:`CheckFailed` naming the wrong quantity, the expected and
  received shapes or the relative error and, when the result equals what a known mistake
  would give, which mistake.
* :func:`fail` raises :class:`CheckFailed` with a message of one line and indented details.
* :class:`ExerciseNotWritten` is what a check raises when the student's function is still a
  stub (it raised ``NotImplementedError``): one calm line naming the exercise to write.
* :class:`Failures` collects the independent failures of one check, so that a student with
  two mistakes hears of both at once.

Every function that may raise sets ``__tracebackhide__``, so that IPython hides the
checker's frames and a student's traceback ends in the student's own code.
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import numpy as np

from ..gradcheck import relative_error

CD_BELOW = 1e-7  # a gradient within this of central differences (float64) is right
SAME_BELOW = 1e-9  # a value within this of the package's is right (float64 rounding only)
MATCH_BELOW = 1e-6  # a wrong result this close to a known mistake's result is that mistake


class CheckFailed(AssertionError):
    """An exercise's answer is wrong; the message says what, by how much and, if known, why.

    In IPython and Jupyter it is shown as its message alone: the traceback would only
    point into the checker, and the message already names what is wrong.
    """

    def _render_traceback_(self) -> list[str]:  # IPython's hook for custom tracebacks
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


class ExerciseNotWritten(CheckFailed):
    """The student's function is still a stub: the check stops with one calm line.

    It is a :class:`CheckFailed`, so the check cell still fails (nbval and nbgrader see a
    failed test); only the presentation differs. In IPython and Jupyter it is shown as its
    message alone, without a class name or colour, like the "Skipped: ..." line of
    :func:`~backprop.checks.skip_if_unfinished`: nothing is broken, there is only work left.
    """

    def _render_traceback_(self) -> list[str]:  # IPython's hook for custom tracebacks
        return [str(self)]

    @classmethod
    def from_stub(cls, exc: NotImplementedError, fn: Callable) -> ExerciseNotWritten:
        """The calm message for the stub ``fn`` that raised ``exc``.

        Parameters
        ----------
        exc : NotImplementedError
            What the stub raised; the student edition's stubs say ``"exercise 4f: d_W1_from"``.
        fn : callable
            The function the check called; its ``__name__`` is used when ``exc`` does not
            name the exercise (nbgrader's stubs raise ``NotImplementedError()`` bare).

        Returns
        -------
        ExerciseNotWritten
        """
        match = re.fullmatch(r"exercise (\w+): (\w+)", str(exc).strip())
        if match:
            label, name = f"exercise {match[1]}", match[2]
        else:
            label, name = "this exercise", getattr(fn, "__name__", "your function")
        return cls(f"{label} is not written yet: write `{name}` above, then run this cell")


# a plain (non-IPython) traceback names them as students import them, backprop.checks.*
CheckFailed.__module__ = ExerciseNotWritten.__module__ = "backprop.checks"


class Failures:
    """The independent failures of one check, reported together in one :class:`CheckFailed`.

    Each independent part of a check runs in ``with failures.part():``; a part that fails
    is recorded and the check goes on with the next part, so that a student who made two
    mistakes is told both at once instead of one per attempt. :meth:`raise_any` then raises
    them: one failure with its message unchanged, several numbered in one message. A stub
    (:class:`ExerciseNotWritten`) stops the check at once, with the failures found before it.
    """

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.messages)

    @contextlib.contextmanager
    def part(self) -> Iterator[None]:
        """Run one independent part of the check, recording its :class:`CheckFailed`."""
        __tracebackhide__ = True
        try:
            yield
        except ExerciseNotWritten as exc:
            if not self.messages:
                raise
            # a stub after a failure: both at once, the failure found so far not lost
            self.messages.append(str(exc))
            self.raise_any()
        except CheckFailed as exc:
            self.messages.append(str(exc))

    def raise_any(self) -> None:
        """Raise the recorded failures, if any, as one :class:`CheckFailed`.

        Raises
        ------
        CheckFailed
            One failure's own message, or ``"2 problems:"`` followed by each message
            numbered, its detail lines indented under it.
        """
        __tracebackhide__ = True
        if len(self.messages) == 1:
            raise CheckFailed(self.messages[0])
        if self.messages:
            numbered = [f"{i}. {message}".replace("\n", "\n   ")
                        for i, message in enumerate(self.messages, start=1)]
            raise CheckFailed("\n".join([f"{len(self.messages)} problems:", *numbered]))


def sci(x: float) -> str:
    """``3e-10``, ``1e-7``: one significant digit, no padded exponent.

    Parameters
    ----------
    x : float

    Returns
    -------
    str
    """
    if x == 0:
        return "0"
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{x:.0e}").replace("e+0", "e0")


def fail(what: str, *lines: str) -> NoReturn:
    """Raise :class:`CheckFailed`: ``what`` on the first line, then ``lines`` indented.

    Parameters
    ----------
    what : str
        What is wrong, in one line.
    *lines : str
        Details, one per line; empty ones are left out.
    """
    __tracebackhide__ = True
    raise CheckFailed("\n".join([what, *(f"  {line}" for line in lines if line)]))


def _describe(value: Any) -> str:
    """An argument as the note on an exception shows it: arrays by shape, never by value."""
    if isinstance(value, np.ndarray):
        return f"{value.shape}" if value.dtype == np.float64 else f"{value.shape} {value.dtype}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in value.items()) + "}"
    if isinstance(value, np.random.Generator):
        return "a random generator"
    text = repr(value)
    return text if len(text) <= 40 else f"{type(value).__name__}"


def _shapes(args: dict[str, Any]) -> str:
    return ", ".join(f"{k} {_describe(v)}" if isinstance(v, (np.ndarray, dict))
                     else f"{k}={_describe(v)}" for k, v in args.items())


def _changes(name: str, before: Any, after: Any) -> list[str]:
    """What the student's function changed in the argument ``name``: arrays, dict entries."""
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(before, after, equal_nan=True))
        return [] if same else [name]
    if isinstance(before, dict) and isinstance(after, dict):
        changed = [f"{name}[{k!r}] (added)" for k in after if k not in before]
        changed += [f"{name}[{k!r}] (removed)" for k in before if k not in after]
        for k in before:
            if k in after:
                changed += _changes(f"{name}[{k!r}]", before[k], after[k])
        return changed
    return []


def call_student(fn: Callable, check: str, args: dict[str, Any], *,
                 report_changes: bool = True) -> Any:
    """``fn(**args)`` on copies of ``args``; a student's exception passes through, noted.

    Parameters
    ----------
    fn : callable
        The student's function, called with the values of ``args`` in their order.
    check : str
        The check calling it, as the note on an exception names it.
    args : dict
        The arguments by name; a ``numpy.random.Generator`` is passed as it is, everything
        else as a deep copy.
    report_changes : bool
        Fail when ``fn`` changed an argument in place (False: the caller reports it, in its
        own words, as ``unchanged.call_unchanged`` does).

    Returns
    -------
    Whatever ``fn`` returns.

    Raises
    ------
    ExerciseNotWritten
        When ``fn`` raised ``NotImplementedError``: it is still a stub.
    CheckFailed
        When ``fn`` changed one of its array arguments in place.
    """
    __tracebackhide__ = True
    # copies of everything but a random generator, whose state the function must advance
    copies = {k: v if isinstance(v, np.random.Generator) else copy.deepcopy(v)
              for k, v in args.items()}
    try:
        result = fn(*copies.values())
    except NotImplementedError as exc:
        # an unfinished exercise, not a crash: one calm line, without the stub's traceback
        raise ExerciseNotWritten.from_stub(exc, fn) from None
    except Exception as exc:
        if hasattr(exc, "add_note"):  # Python >= 3.11
            exc.add_note(f"(raised by your {getattr(fn, '__name__', 'function')} when "
                         f"{check} called it with {_shapes(args)})")
        raise
    changed = [c for name, value in args.items() for c in _changes(name, value, copies[name])
               if report_changes]
    if changed:
        what = ", ".join(repr(c) if "[" not in c else c for c in changed)
        fail(f"{check}: your {getattr(fn, '__name__', 'function')} changed its argument "
             f"{what} in place.",
             "A function must not change what it is given: the caller (and later steps) "
             "read the same arrays. Compute a new array instead (a = a * b, not a *= b; "
             "d = {**params} or a new dict, not params[k] = ...).")
    return result


def as_array(value: Any, name: str, where: str) -> np.ndarray:
    """``value`` as a float64 array; CheckFailed for ``None`` or what is not numbers.

    Parameters
    ----------
    value : any
        What the student's function returned.
    name, where : str
        The quantity and the inputs, as the message names them.

    Returns
    -------
    ndarray of float64
    """
    __tracebackhide__ = True
    if value is None:
        fail(f"{name} {where}: your function returned None.", "Did you forget `return`?")
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict):
        fail(f"{name} {where}: expected an array, received a pair (array, dict).",
             "Return the array alone, not (result, cache).")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(f"{name} {where}: expected an array of numbers, received "
             f"{type(value).__name__}.")
    return array


def as_number(value: Any, name: str, where: str = "") -> float:
    """``value`` as one float; CheckFailed naming ``name`` for anything else.

    A NumPy scalar, a 0-d array and an array holding one number (say a (1, 1) ``d_u5``) are
    numbers; ``None``, strings, functions, dicts and arrays of several numbers are not.

    Parameters
    ----------
    value : any
        What the student gave.
    name : str
        The quantity, as the message names it ("exercise 01-7", "quadratic loss").
    where : str, optional
        The inputs, as the message names them.

    Returns
    -------
    float
    """
    __tracebackhide__ = True
    label = f"{name} {where}".strip()
    if value is None:
        fail(f"{label}: received None, expected one number.", "Did you forget `return`?")
    if isinstance(value, (str, bytes, dict)) or callable(value):
        fail(f"{label}: expected one number, received {type(value).__name__}.",
             "Pass the number itself (call the function, take the value out of the dict).")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(f"{label}: expected one number, received {type(value).__name__}.")
    if array.size != 1:
        fail(f"{label}: expected one number, received an array of shape {array.shape}.",
             "Pass the single entry you mean (e.g. a[0, 0]), or reduce the array "
             "(a sum over the outputs, a mean over the samples).")
    number = float(array.reshape(-1)[0])
    if not np.isfinite(number):
        fail(f"{label}: received {number}, not a finite number.")
    return number


def _which_mistake(got: np.ndarray, candidates: list[tuple[str, Any]]) -> str | None:
    for says, value in candidates:
        if value is not None and np.shape(value) == got.shape and np.all(np.isfinite(value)) \
                and relative_error(got, np.asarray(value, dtype=np.float64)) < MATCH_BELOW:
            return says
    return None


def _scale_hint(got: np.ndarray, want: np.ndarray) -> str | None:
    """Names a result that is a constant multiple of ``want`` (without the factor)."""
    if got.shape != want.shape or got.size < 2 or not np.any(want) \
            or not np.all(np.isfinite(got)):
        return None
    c = float(np.vdot(got, want) / np.vdot(want, want))
    if abs(c - 1) > 1e-6 and relative_error(got, c * want) < MATCH_BELOW:
        # the factor itself is not shown: dividing by it would pass without understanding
        size = "smaller" if abs(c) < 1 else "larger"
        return (f"Your values are the right ones times one constant factor (all {size}"
                f"{', and of the opposite sign' if c < 0 else ''}): look for a constant "
                "missing or extra, such as 1/n, 1/2, 2 or a sign.")
    return None


def _constant_hint(got: np.ndarray, want: np.ndarray) -> str | None:
    """Names a result that does not depend on the inputs: all zeros, one number throughout."""
    if got.size == 1 and want.size == 1:
        return ("Your result is 0, and the right one is not: a placeholder is not an "
                "answer; compute it from the inputs.") if not np.any(got) else None
    if got.size < 2 or np.ptp(want) == 0 or np.ptp(got) != 0:
        return None
    if not np.any(got):
        return ("Your result is all zeros, while the right one is not: a placeholder (such "
                "as np.zeros_like) is not an answer; compute it from the inputs.")
    return ("Every entry of your result is the same number, while the right values differ "
            "from entry to entry: a constant or hard-coded value cannot be right; compute it "
            "from the inputs.")


def _precision_hint(err: float, tol: float, dtype: Any) -> str | None:
    """Names a right formula computed in too low a precision (float32, float16)."""
    low = dtype is not None and np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize < 8
    if err > (1e-2 if low else 1e-5):
        return None  # too far off for rounding: a wrong formula
    what = f"your result is {np.dtype(dtype)}" if low else "the digits agree only so far"
    return (f"A precision matter, not a wrong formula ({what}): float32 keeps about 7 "
            f"significant digits, and this check needs float64 (about 16) to tell a right "
            f"formula from a wrong one, a relative error below {sci(tol)}. Compute in "
            "float64: do not convert the inputs or the result to float32.")


def compare(name: str, got: Any, want: np.ndarray, where: str, tol: float,
            candidates: list | Callable[[], list] = ()) -> float:
    """Relative error of ``got`` against ``want``; CheckFailed with a diagnosis if too big.

    Parameters
    ----------
    name : str
        The quantity compared, as the message names it ("d_W2", "u3", ...).
    got : any
        The student's result.
    want : ndarray
        The right result.
    where : str
        The inputs, as the message names them ("(random inputs, n=3, ...)").
    tol : float
        The largest relative error that is right.
    candidates : list of (str, array) or callable returning one
        ``(what the mistake is, what it gives)``; a function is called only when ``got``
        is wrong, so that costly candidates are computed only then.

    Returns
    -------
    float
        The relative error, below ``tol``.
    """
    __tracebackhide__ = True
    dtype = getattr(got, "dtype", None)
    got = as_array(got, name, where)
    if got.shape == want.shape and np.all(np.isfinite(got)) and relative_error(got, want) < tol:
        return relative_error(got, want)
    known = _which_mistake(got, candidates() if callable(candidates) else list(candidates))
    if got.shape != want.shape:
        fail(f"{name} {where}: expected shape {want.shape}, received {got.shape}.",
             f"Known mistake: {known}" if known else
             "Check which axis you sum over and the order and transposes of the product.")
    if not np.all(np.isfinite(got)):
        fail(f"{name} {where}: your result contains NaN or inf.")
    err = relative_error(got, want)
    if err < tol:
        return err
    fail(f"{name} {where}: relative error {err:.1g} (float64; below {sci(tol)} is right), "
         f"shape {got.shape} as expected.",
         f"Known mistake: {known}" if known else _constant_hint(got, want)
         or _precision_hint(err, tol, dtype) or _scale_hint(got, want)
         or "It matches none of the known mistakes: compare it with the formula line by line.")
