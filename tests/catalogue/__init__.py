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


# the notebook each check belongs to, for the counts per notebook; "check_answer 02-4" and
# the like name their notebook themselves
NOTEBOOK_OF = {
    "check_sigmoid": "01", "check_forward": "01", "check_loss": "01",
    "check_backward_step": "01", "check_backward": "01", "check_numerical_gradient": "01",
    "check_sgd_epoch": "02", "check_trained": "02", "check_tuning_choice": "03",
    "check_test_accuracy": "04",
}


def notebook_of(check: str) -> str:
    """The notebook ("01" ... "05") a catalogue entry's ``check`` belongs to.

    Parameters
    ----------
    check : str
        ``Wrong.check`` or ``Right.check``, e.g. ``"check_backward_step d_u2"`` or
        ``"check_answer 02-4"``.

    Returns
    -------
    str
        Two digits, or ``"?"`` for a check not listed in :data:`NOTEBOOK_OF`.
    """
    name, _, detail = check.partition(" ")
    if name == "check_answer" and detail[:2].isdigit():
        return detail[:2]
    return NOTEBOOK_OF.get(name, "?")


def load(name: str):
    """The catalogue module ``name`` of :data:`MODULES`, or None while it does not exist yet.

    Each notebook's entries are written on their own branch; a module that is not there yet
    is skipped, while an import error inside a module that exists is raised.
    """
    import importlib

    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return None
        raise
