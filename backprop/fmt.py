"""The one rounding helper for numbers that appear in the notebooks' prose, and its check.

Every percentage a notebook writes into its text, or asserts beside its text, goes through
:func:`pct`, so the same accuracy is never rounded two ways in two places.
"""

from __future__ import annotations

import numbers


def pct(fraction: float, digits: int = 1) -> str:
    """A fraction written as a percentage, e.g. ``pct(0.93549) == "93.5 %"``.

    Parameters
    ----------
    fraction : float, a fraction such as an accuracy in [0, 1] (not already in percent)
    digits : int, decimals after the point

    Returns
    -------
    str, the percentage with ``digits`` decimals, a space and a percent sign
    """
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
        raise TypeError(f"fraction must be a real number, got {fraction!r}")
    if not isinstance(digits, numbers.Integral) or digits < 0:
        raise ValueError(f"digits must be an integer >= 0, got {digits!r}")
    return f"{100 * float(fraction):.{int(digits)}f} %"


def num(value: float, digits: int = 2) -> str:
    """A number rounded to ``digits`` decimals, e.g. ``num(0.6049) == "0.60"``.

    Parameters
    ----------
    value : float
    digits : int, decimals after the point

    Returns
    -------
    str
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {value!r}")
    if not isinstance(digits, numbers.Integral) or digits < 0:
        raise ValueError(f"digits must be an integer >= 0, got {digits!r}")
    return f"{float(value):.{int(digits)}f}"


def says(sentence: str, *numbers: str) -> None:
    """Check that a sentence of the prose states the numbers the computation gives now.

    The notebooks keep their prose in markdown, where a teacher can reword it; each number
    in it that comes from a computation is checked in a collapsed code cell right below,
    with ``sentence`` quoting the markdown and ``numbers`` the values computed now, rounded
    with :func:`pct` or :func:`num`, in the order the sentence states them.

    Parameters
    ----------
    sentence : str, the sentence as the markdown above writes it
    *numbers : str, the computed values, rounded as the sentence writes them

    Raises
    ------
    AssertionError
        Quoting the sentence to update and the numbers it should state.
    """
    at = 0
    for number in numbers:
        if not isinstance(number, str):
            raise TypeError(f"numbers must be rounded strings (pct, num), got {number!r}")
        found = sentence.find(number, at)
        if found < 0:
            raise AssertionError(f"update this sentence of the markdown above: {sentence!r} "
                                 f"(the computation now gives {', '.join(numbers)}, in that "
                                 f"order)")
        at = found + len(number)
