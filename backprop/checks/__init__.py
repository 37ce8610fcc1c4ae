"""Checks for the exercises: call the student's function, say precisely what is wrong.

Each ``check_*`` function calls the student's function on random inputs of its own (fixed
seeds, so that the same mistake always gets the same message), on real MNIST rows and last
on inputs drawn afresh on every call (so that an answer hard-coded for the fixed ones fails),
compares the result with the package (``bp.sigmoid``, ``bp.forward``, ``bp.loss``,
``bp.backward``, or the same formulas step by step) and, for gradients, with central
differences in float64.

* On success it prints one line, the CS231n habit::

      d_W1: relative error 3e-9 (float64; below 1e-7 is right) against central ...

* On failure it raises :class:`CheckFailed` (an ``AssertionError``) naming the first wrong
  quantity, the expected and received shapes or the relative error and, when the result
  equals what a known mistake would give, which mistake. Known mistakes are found by
  computing what each one would produce (the ``MISTAKES`` catalogue) and comparing. A check
  that tests independent things (``check_sigmoid``: the sigmoid, its overflow, sigma';
  ``check_numerical_gradient``: the values, x restored) names every failure, numbered.
* While the student's function is a stub (it raises ``NotImplementedError``), the check
  raises :class:`ExerciseNotWritten`, a ``CheckFailed`` shown as one calm line::

      exercise 1 is not written yet: write `sigmoid` above, then run this cell

* A result that matches no known mistake is still described without giving the answer
  away: all zeros, one number throughout, the right one times a constant factor (the factor
  not shown), or a precision matter (float32; the checks need float64).
* The student's function gets copies of the inputs, so nothing of the student's is
  modified; an argument it changes in place (an array, or an array or key of a dict such as
  ``params`` or ``cache``) is named. When it raises anything else, its own exception and
  traceback come through unchanged, with one note saying which check called it with what
  (shapes only, never values); the checker's frames are hidden in IPython
  (``__tracebackhide__``).

Notebook 01 holds the exercises (sigmoid, forward, losses, the seven backward steps,
central differences); notebooks 02-04 the SGD epoch, training and tuning.

The modules, one job each (a module uses only the public names of the others):

=================  ==========================================================================
``harness``        calling the student's function, comparing arrays, :class:`CheckFailed`,
                   :class:`ExerciseNotWritten`, collecting failures, the tolerances
``cases``          the random and MNIST inputs the checks feed the student's functions
``reference``      the right formulas of the seven backward steps, central differences
``mistakes``       the catalogue of known mistakes of the backward pass
``notebook01``     the checks of notebook 01
``notebook02``     the checks of notebook 02: the SGD epoch, the trained network
``notebooks03_04`` the checks of notebooks 03 and 04: the tuning choice, ``accuracy_of``
``unchanged``      calling a student's function and naming a dict or table it changed
``answers``        :func:`check_answer` for the end-of-notebook exercises
``skip``           :func:`skip_if_unfinished` for the student edition
=================  ==========================================================================

Notebooks use ``from backprop import checks`` and ``checks.check_*``; every name below is
available here as it was when this package was a single module.
"""

from .answers import ANSWERS, TINY, TINY_X, TINY_Y, check_answer
from .cases import Case
from .harness import CD_BELOW, MATCH_BELOW, SAME_BELOW, CheckFailed, ExerciseNotWritten
from .mistakes import MISTAKES, Mistake
from .notebook01 import (
    LOSS_NAMES,
    check_backward,
    check_backward_step,
    check_forward,
    check_loss,
    check_numerical_gradient,
    check_sigmoid,
)
from .notebook02 import check_sgd_epoch, check_trained
from .notebooks03_04 import REPORT_BEST_VAL, check_test_accuracy, check_tuning_choice
from .reference import RIGHT, STEPS
from .skip import skip_if_unfinished

__all__ = [
    "ANSWERS",
    "CD_BELOW",
    "Case",
    "CheckFailed",
    "ExerciseNotWritten",
    "LOSS_NAMES",
    "MATCH_BELOW",
    "MISTAKES",
    "Mistake",
    "REPORT_BEST_VAL",
    "RIGHT",
    "SAME_BELOW",
    "STEPS",
    "TINY",
    "TINY_X",
    "TINY_Y",
    "check_answer",
    "check_backward",
    "check_backward_step",
    "check_forward",
    "check_loss",
    "check_numerical_gradient",
    "check_sgd_epoch",
    "check_sigmoid",
    "check_test_accuracy",
    "check_trained",
    "check_tuning_choice",
    "skip_if_unfinished",
]
