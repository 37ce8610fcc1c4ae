"""Skipping cells politely in the student edition while an exercise they need is a stub."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from .harness import ExerciseNotWritten

_SKIPPED: list[str] = []  # unfinished exercises met by skip_if_unfinished in this kernel


def _not_written(exc: NotImplementedError) -> ExerciseNotWritten:
    """The calm line for a stub met outside a check: its label and name, if it says them."""
    match = re.fullmatch(r"exercise (\w+): (\w+)", str(exc).strip())
    if match:
        return ExerciseNotWritten(f"exercise {match[1]} is not written yet: write "
                                  f"`{match[2]}` above, then run this cell")
    return ExerciseNotWritten("an exercise this cell needs is not written yet: write it "
                              "above, then run this cell")


@contextlib.contextmanager
def skip_if_unfinished(graded: bool = False) -> Iterator[None]:
    """In the student edition: stop a cell politely while an exercise it needs is a stub.

    The body runs until it calls an unfinished exercise, whose stub raises
    ``NotImplementedError("exercise 4f: d_W1_from")``; that stops the cell with one line
    instead of a traceback. A ``NameError`` is skipped the same way once an earlier cell
    was skipped (the name it lacks was to come from that cell). Any other error passes
    through.

    Parameters
    ----------
    graded : bool, default False
        False: print "Skipped: ..." and let the cell succeed (a cell that only shows
        something). True, for a cell that is graded (nbgrader) and so must fail while the
        exercise is not done: raise :class:`ExerciseNotWritten`, shown as the one calm line
        ``exercise 2 is not written yet: write `plain_sgd_epoch` above, then run this cell``.
        With ``graded=True`` nbgrader's bare ``NotImplementedError()`` stubs count too.
    """
    __tracebackhide__ = True
    try:
        yield
    except NotImplementedError as exc:
        stub = str(exc).startswith("exercise")
        if not (stub or (graded and not str(exc))):
            raise
        _SKIPPED.append(str(exc) or "an exercise")
        if graded:
            raise _not_written(exc) from None
        print(f"Skipped: this cell needs {exc}, which is not written yet. "
              "Finish it, run its check, then rerun this cell.")
    except NameError as exc:
        if not _SKIPPED:
            raise
        message = (f"this cell needs {exc.name!r}, which a cell above did not define "
                   f"because it was skipped ({_SKIPPED[-1]} was not written yet). Once it "
                   "is, rerun the cells above this one.")
        if graded:
            raise ExerciseNotWritten(message[0].upper() + message[1:]) from None
        print(f"Skipped: {message}")
