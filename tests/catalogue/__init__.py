"""The catalogue of student work every check is tested against (issue 19).

One entry per deliberately wrong (or deliberately right) implementation a student could hand
in. ``tests/test_check_catalogue.py`` runs every entry; ``scripts/simulate_students.py``
counts them (rejected / named / led to the fix); TEACHING.md's list of the mistakes each check
names is generated from ``WRONG`` so that the two cannot drift.

Each notebook's entries live in a module of this package (``nb01``, ``nb02_05``) that
defines ``WRONG: list[Wrong]`` and ``RIGHT: list[Right]``; :data:`MODULES` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MODULES = ("nb01", "nb02_05")


@dataclass(frozen=True)
class Wrong:
    """A wrong implementation, and what its check must say about it.

    Attributes
    ----------
    check : str
        The check and, where one check covers several quantities, which one:
        ``"check_backward_step d_u2"``, ``"check_tuning_choice"``, ``"check_answer 02-4"``.
    mistake : str
        The mistake in a student's words, as TEACHING.md lists it ("sigmoid applied twice to
        y_hat").
    run : Callable[[], None]
        Calls the check on the wrong work; must raise ``CheckFailed``.
    says : tuple[str, ...]
        Phrases the message must contain: the wrong quantity's name and the mistake's.
    fix : str
        A phrase of the message that tells the student what to do, or ``""`` when the
        message only names the quantity (counted as "named, not led to the fix").
    gaming : bool
        True for a way to game the check (a constant, a hard-coded answer, an answer read
        off the message) rather than an honest mistake.
    never_says : tuple[str, ...]
        Phrases the message must not contain, e.g. the value the student must compute.
    """

    check: str
    mistake: str
    run: Callable[[], None]
    says: tuple[str, ...]
    fix: str = ""
    gaming: bool = False
    never_says: tuple[str, ...] = ()


@dataclass(frozen=True)
class Right:
    """A correct variant (loops, einsum, another right formula) that its check must pass."""

    check: str
    variant: str
    run: Callable[[], None]
