"""Calling a student's function and reporting any argument it changed, dicts and tables too.

:func:`~backprop.checks.harness.call_student` passes copies and names an *array* argument
the function changed in place. The functions of notebooks 02-04 take containers: a dict of
parameters (``params[k] -= lr * grads[k]`` changes the caller's start point), a table of
runs (``runs["mean"] = ...``, ``runs.sort_values(..., inplace=True)``). :func:`call_unchanged`
names those too, with the fix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .harness import call_student, fail


def what_changed(original: Any, passed: Any, name: str) -> str | None:
    """What of ``original`` the function changed in its copy ``passed``; None if nothing.

    Parameters
    ----------
    original : any
        The caller's value, never given to the student's function.
    passed : any
        The copy the student's function received, as it is after the call.
    name : str
        The argument's name, as the message shows it.

    Returns
    -------
    str or None
        E.g. ``"params['W1']"`` or ``"runs (its columns)"``.
    """
    if isinstance(original, dict):
        if not isinstance(passed, dict) or set(passed) != set(original):
            return f"{name} (its keys)"
        for key, value in original.items():
            inner = what_changed(value, passed[key], f"{name}[{key!r}]")
            if inner:
                return inner
        return None
    if isinstance(original, pd.DataFrame):
        if list(passed.columns) != list(original.columns):
            return f"{name} (its columns)"
        if not passed.index.equals(original.index):
            return f"{name} (the order or index of its rows)"
        for column in original.columns:
            if not all(_same(a, b) for a, b in zip(original[column], passed[column],
                                                   strict=True)):
                return f"{name}[{column!r}]"
        return None
    if isinstance(original, np.ndarray):
        same = (isinstance(passed, np.ndarray) and passed.shape == original.shape
                and np.array_equal(passed, original, equal_nan=True))
        return None if same else name
    if isinstance(original, list):
        if not isinstance(passed, list) or len(passed) != len(original):
            return name
        return next((w for i, (a, b) in enumerate(zip(original, passed, strict=True))
                     if (w := what_changed(a, b, f"{name}[{i}]"))), None)
    return None if _same(original, passed) else name


def describe(args: dict[str, Any]) -> str:
    """The arguments in a few words: arrays by shape, dicts of arrays by their shapes, tables
    by their size, e.g. ``params {W1 (784, 30), b1 (30,)}, X (500, 784), y (500,)``."""
    def one(name: str, value: Any) -> str:
        if isinstance(value, np.ndarray):
            return f"{name} {value.shape}"
        if isinstance(value, dict) and all(isinstance(v, np.ndarray) for v in value.values()):
            return f"{name} {{{', '.join(f'{k} {v.shape}' for k, v in value.items())}}}"
        if isinstance(value, pd.DataFrame):
            return f"{name} (a table of {len(value)} rows)"
        if isinstance(value, np.random.Generator):
            return f"{name} (a Generator)"
        return f"{name}={value!r:.40}"
    return ", ".join(one(k, v) for k, v in args.items())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict | list | np.ndarray | pd.DataFrame):
        return what_changed(a, b, "") is None
    if not isinstance(a, int | float | complex | str | bytes | tuple | np.generic) or \
            a is None:
        return True  # nothing else of ours is passed: a Generator, or an object without ==
    try:
        return bool(a == b) or (a != a and b != b)  # NaN equals NaN here
    except (TypeError, ValueError):
        return a is b


def call_unchanged(fn: Callable, check: str, args: dict[str, Any], fix: str) -> Any:
    """``call_student(fn, check, args)``, then CheckFailed if ``fn`` changed an argument.

    Parameters
    ----------
    fn : callable
        The student's function.
    check : str
        The check calling it, as messages name it.
    args : dict
        The arguments by name (a random Generator is passed as it is, the rest as copies).
    fix : str
        What to write instead, for the message (``"params = {k: params[k] - ... }"``).

    Returns
    -------
    Whatever ``fn`` returns.
    """
    __tracebackhide__ = True
    received: list[tuple] = []

    @functools.wraps(fn)
    def spy(*values, **named):  # what the function received, in the order of ``args``
        __tracebackhide__ = True
        received.append((*values, *(named[k] for k in args if k in named)))
        return fn(*values, **named)

    try:
        result = call_student(spy, check, args, report_changes=False)
    except Exception as exc:
        # the harness's note names every argument; a dict of arrays or a table would fill
        # the screen with numbers: name their parts' shapes instead
        notes = getattr(exc, "__notes__", None)
        if notes and not isinstance(exc, AssertionError):
            for i, note in enumerate(notes):
                if note.startswith("(raised by your "):
                    notes[i] = (f"(raised by your {getattr(fn, '__name__', 'function')} when "
                                f"{check} called it with {describe(args)})")
        raise
    for (name, original), passed in zip(args.items(), received[0] if received else (),
                                        strict=False):
        if isinstance(original, np.random.Generator):
            continue
        changed = what_changed(original, passed, name)
        if changed:
            fail(f"{check}: your {getattr(fn, '__name__', 'function')} changed its argument "
                 f"{changed} in place: the caller's {name} is not what it passed in any more.",
                 f"A function must not change its arguments; build new values instead: {fix}")
    return result
