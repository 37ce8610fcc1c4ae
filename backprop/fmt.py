"""The one rounding helper for numbers that appear in the notebooks' prose.

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
