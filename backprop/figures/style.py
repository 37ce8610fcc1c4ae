"""The look every figure shares: colours, sizes in pixels and inches, round axis steps.

Sizes are chosen for the widgets' pictures: each piece a page shows on its own is at most
:data:`PANEL_WIDTH` pixels wide, so that a phone shows it at its drawn size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

TRAIN_COLOR, VAL_COLOR = "tab:blue", "tab:orange"
# Colour is never the only sign of which curve is which (WCAG 2.1, 1.4.1): training has filled
# circles, validation open squares, about MARKS_PER_LINE of them on a line. (Line styles are
# left free: overlaid runs use them.) Every curve of training or validation uses split_style.
TRAIN_MARKER, VAL_MARKER = "o", "s"
MARKS_PER_LINE = 10
# The outputs as bars: grey, the predicted digit blue, the true label (when the prediction is
# wrong, or as a band) green.
OUTPUT_COLOR, PREDICTED_COLOR, TARGET_COLOR = "0.65", "tab:blue", "tab:green"
# Text that says right or wrong (e.g. "said 3, true 3"): the words carry the meaning, the colour
# repeats it, at 4.5:1 or more on white (WCAG 1.4.3; tab:green is only 3.4:1, tab:red 5.0:1).
RIGHT_TEXT_COLOR, WRONG_TEXT_COLOR = "#1a7f1a", "tab:red"
CURVES_SIZE = (10, 3.8)  # inches, the static learning curves; the live view keeps the shape
# Pixels of the live curves, both panels: each panel (360 px) fits a phone's width at its drawn
# size, so its text is never smaller there than on a laptop (widgets/style.css knows it too).
LIVE_WIDTH = 720
NICE_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)  # x a power of ten: round axis limits
# Every widget picture is cut into pieces at most this wide (pixels): each fits a phone's
# width at its drawn size, so its text is never smaller there than on a laptop.
PANEL_WIDTH = LIVE_WIDTH // 2


def split_style(split: str, n_points: int = 0) -> dict:
    """The matplotlib keywords of a training or validation curve: colour and marker.

    Parameters
    ----------
    split : {"train", "val"}
    n_points : int, the points on the line: at most :data:`MARKS_PER_LINE` get a marker

    Returns
    -------
    dict of ``color``, ``marker``, ``markersize``, ``markevery`` and, for validation, an
    open (white) marker face
    """
    if split not in ("train", "val"):
        raise ValueError(f"split must be 'train' or 'val', got {split!r}")
    step = max(1, -(-n_points // MARKS_PER_LINE))
    style = {"color": TRAIN_COLOR if split == "train" else VAL_COLOR,
             "marker": TRAIN_MARKER if split == "train" else VAL_MARKER, "markersize": 5,
             # validation's marks halfway between training's, so that they do not cover them
             "markevery": (0 if split == "train" else step // 2, step)}
    if split == "val":
        style["markerfacecolor"] = "white"
    return style


def figure_axes(ax: Axes | None = None,
                figsize: tuple[float, float] = (6, 4)) -> tuple[Figure, Axes]:
    """The axes to draw into: ``ax`` and its figure, or a new pyplot figure's single axes.

    Parameters
    ----------
    ax : matplotlib Axes, optional
    figsize : (width, height) in inches, of the new figure (``ax`` not given)

    Returns
    -------
    fig, ax
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def luminance(color) -> float:
    """WCAG 2.1's relative luminance of a colour (any matplotlib colour; alpha ignored)."""
    rgb = np.asarray(to_rgba(color)[:3], dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(fg, bg) -> float:
    """WCAG 2.1's contrast ratio of two colours, 1 to 21 (text needs 4.5, WCAG 1.4.3)."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_color(bg) -> str:
    """Black or white, whichever contrasts more with ``bg`` (at least 4.58:1 for any ``bg``)."""
    return "black" if contrast("black", bg) >= contrast("white", bg) else "white"
