"""Panels that show nothing and text too small to read, found in a drawn figure.

:func:`figure_problems` lists what is wrong with a figure as a reader sees it:

* a panel (Axes) with lines, none of which has a point inside the visible limits;
* a log axis whose limits reach 0 or below (the whole panel is then blank: the reason for
  this module, issue 18, where the loss axis started at 0 and was then made logarithmic);
* visible text smaller than :data:`MIN_TEXT_PT` at the size the figure is shown;
* visible text whose contrast with what is behind it is below :data:`MIN_CONTRAST`
  (WCAG 2.1, 1.4.3: text in a picture is text too);
* (:func:`alt_problems`, for the notebooks) a figure shown without a text alternative, or
  with one that does not reach the page (:mod:`backprop.figures.alt`).

"At the size shown": a browser scales a picture wider than the page's column down to the
column's width, text included, so the text's size is ``fontsize × shown / drawn width``.
A notebook's figure is shown in a column of :data:`NOTEBOOK_COLUMN_PX`; the widgets' pieces
at their drawn width (at most :data:`~backprop.figures.style.PANEL_WIDTH`). Both the notebooks
(``plt.rcParams["figure.dpi"] = 80``, which the inline backend's ``print_figure`` uses) and
the widgets draw at 80 dpi, so the sizes compare across them.

It lives in the package, not in the tests, so that whoever draws a new figure can check it
where they draw it (``audit.figure_problems(fig)`` in a notebook cell), and so that the
kernels of the notebook tests (``notebooks/conftest.py``) can import it.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.image import AxesImage
from matplotlib.text import Text

from .style import contrast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

MIN_TEXT_PT = 7.0  # smallest readable text, in points at the size shown
# The width of JupyterLab's notebook column in pixels: about 900 in a 1280-px window (the
# window less the side bar, the cell's prompt and its padding). A wider picture is shown
# scaled down to it, text included.
NOTEBOOK_COLUMN_PX = 900
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, 1.4.3: text against its background, normal-size text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a figure: where (``panel``, the axes' title or "figure") and what."""

    panel: str
    what: str

    def __str__(self) -> str:
        return f"{self.panel}: {self.what}"


@contextmanager
def drawn_texts() -> Iterator[list[tuple[Text, float]]]:
    """Record every text drawn inside the ``with`` block, with its font size in points.

    Only what is really drawn is recorded: not the tick labels outside the view, not the
    texts of axes turned off or of invisible artists, not empty strings. Every text of a
    figure (titles, labels, tick labels, legends, annotations, tables, ``fig.text``) is drawn
    through :meth:`matplotlib.text.Text.draw`, which this wraps for the time of the block.
    """
    found: list[tuple[Text, float]] = []
    original = Text.draw

    def draw(self: Text, renderer) -> None:
        if self.get_visible() and self.get_text().strip() and renderer is not None:
            found.append((self, float(self.get_fontsize())))
        original(self, renderer)

    Text.draw = draw
    try:
        yield found
    finally:
        Text.draw = original


def png_width(data: bytes | str) -> int:
    """The width in pixels of a PNG, given as bytes or as base64 text (IPython's format)."""
    if isinstance(data, str):
        data = base64.b64decode(data)
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">I", data[16:20])[0]  # IHDR, the first chunk: width, height


def panel_name(ax: Axes) -> str:
    """What a reader calls the panel: its title, else its figure's title, else its place."""
    for loc in ("center", "left", "right"):
        if ax.get_title(loc).strip():
            return repr(ax.get_title(loc).strip().replace("\n", " "))
    index = ax.get_figure(root=True).axes.index(ax)
    for fig in _figures_around(ax):
        if fig.get_suptitle().strip():
            return f"axes {index} of {fig.get_suptitle().strip().replace(chr(10), ' ')!r}"
    return f"axes {index}"


def _figures_around(artist) -> list:
    """The (sub-)figures that hold ``artist``, innermost first, the root figure last."""
    found = []
    fig = artist.get_figure(root=False)
    while fig is not None and fig not in found:
        found.append(fig)
        fig = fig.get_figure(root=False) if fig is not fig.get_figure(root=True) else None
    return found


def _lines_shown(ax: Axes) -> tuple[int, int]:
    """(lines with data, those with a point inside the panel), in pixels on the canvas."""
    with_data = shown = 0
    box = ax.bbox
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), dtype=float)
        if not line.get_visible() or xy.size == 0:
            continue
        with_data += 1
        with np.errstate(all="ignore"):
            px = line.get_transform().transform(xy)
        inside = (np.isfinite(px).all(axis=1)
                  & (px[:, 0] >= box.x0 - 0.5) & (px[:, 0] <= box.x1 + 0.5)
                  & (px[:, 1] >= box.y0 - 0.5) & (px[:, 1] <= box.y1 + 0.5))
        shown += bool(inside.any())
    return with_data, shown


def axes_problems(ax: Axes) -> list[Problem]:
    """The blank-panel problems of one drawn Axes (its limits as drawn)."""
    problems = []
    name = panel_name(ax)
    for axis, scale, lim in (("x", ax.get_xscale(), ax.get_xlim()),
                             ("y", ax.get_yscale(), ax.get_ylim())):
        if scale == "log" and min(lim) <= 0:
            problems.append(Problem(name, f"log {axis} axis whose limits reach "
                                          f"{min(lim):g} (<= 0): the panel is blank"))
    with_data, shown = _lines_shown(ax)
    if with_data and not shown:
        problems.append(Problem(name, f"{with_data} line(s) with data, none with a point "
                                      f"inside the limits x {_lim(ax.get_xlim())}, "
                                      f"y {_lim(ax.get_ylim())}"))
    return problems


def _lim(lim: tuple[float, float]) -> str:
    return f"({lim[0]:.3g}, {lim[1]:.3g})"


def text_problems(texts: list[tuple[Text, float]], scale: float,
                  min_pt: float = MIN_TEXT_PT) -> list[Problem]:
    """The drawn ``texts`` smaller than ``min_pt`` once shown at ``scale``, one problem per
    panel (the axes the text belongs to, or "figure"; one for all when more than three)."""
    small: dict[str, list[str]] = {}
    seen = set()
    for text, size in texts:
        if id(text) in seen:  # drawn twice (e.g. bbox_inches="tight" draws first)
            continue
        seen.add(id(text))
        shown = size * scale
        if shown >= min_pt - 1e-9:
            continue
        ax = text.axes
        name = panel_name(ax) if ax is not None else "figure"
        words = text.get_text().strip().replace("\n", " ")
        words = words if len(words) <= 30 else words[:27] + "..."
        small.setdefault(name, []).append(f"{words!r} {size:.3g} pt shown at {shown:.2g} pt")
    if len(small) > 3:  # e.g. a grid of images: one problem, not one per image
        small = {f"{len(small)} panels": [text for found in small.values() for text in found]}
    return [Problem(name, f"{len(found)} text(s) smaller than {min_pt:g} pt as shown: "
                          + "; ".join(found[:4]) + ("; ..." if len(found) > 4 else ""))
            for name, found in small.items()]


def _over(fg, bg) -> tuple[float, float, float]:
    """``fg`` (with its alpha) painted over the opaque ``bg``."""
    f, b = to_rgba(fg), to_rgba(bg)
    return tuple(f[3] * f[i] + (1 - f[3]) * b[i] for i in range(3))


def background(text: Text):
    """What is behind ``text``: its box, else the image under it, else its axes or figure."""
    root = text.get_figure(root=True)
    behind = to_rgba(root.get_facecolor()) if root is not None else (1, 1, 1, 1)
    ax = text.axes
    if ax is not None and ax.get_visible() and ax.patch.get_visible():
        behind = _over(ax.get_facecolor(), behind)
    if ax is not None and text.get_transform() == ax.transData:
        x, y = text.get_position()
        for image in ax.images:
            if not isinstance(image, AxesImage):
                continue
            left, right, bottom, top = image.get_extent()
            data = image.get_array()
            if data is None or not (min(left, right) <= x <= max(left, right)
                                    and min(bottom, top) <= y <= max(bottom, top)):
                continue
            rows, cols = data.shape[:2]
            col = min(int((x - left) / (right - left) * cols), cols - 1)
            row = min(int((y - top) / (bottom - top) * rows), rows - 1)
            if image.origin == "lower":
                row = min(int((y - bottom) / (top - bottom) * rows), rows - 1)
            value = data[row, col]
            if not np.ma.is_masked(value) and np.isfinite(value).all():
                rgba = image.to_rgba(value) if np.ndim(value) == 0 else to_rgba(value)
                behind = _over((*rgba[:3], rgba[3] * (image.get_alpha() or 1)), behind)
    box = text.get_bbox_patch()
    if box is not None and box.get_visible() and box.get_fill():
        behind = _over(box.get_facecolor(), behind)
    return behind


def contrast_problems(texts: list[tuple[Text, float]],
                      min_ratio: float = MIN_CONTRAST) -> list[Problem]:
    """The drawn ``texts`` whose contrast with their :func:`background` is below ``min_ratio``
    (one problem per panel)."""
    low: dict[str, list[str]] = {}
    seen = set()
    for text, _ in texts:
        if id(text) in seen:
            continue
        seen.add(id(text))
        bg = background(text)
        ratio = contrast(_over(text.get_color() if text.get_alpha() is None else
                               (*to_rgba(text.get_color())[:3], text.get_alpha()), bg), bg)
        if ratio >= min_ratio - 1e-9:
            continue
        name = panel_name(text.axes) if text.axes is not None else "figure"
        words = text.get_text().strip().replace("\n", " ")[:30]
        low.setdefault(name, []).append(f"{words!r} {ratio:.2f}:1")
    return [Problem(name, f"{len(found)} text(s) with contrast below {min_ratio:g}:1: "
                          + "; ".join(found[:4]) + ("; ..." if len(found) > 4 else ""))
            for name, found in low.items()]


def shown_scale(drawn_px: float, shown_px: float = NOTEBOOK_COLUMN_PX) -> float:
    """How much a picture ``drawn_px`` wide is scaled when shown at most ``shown_px`` wide."""
    return min(1.0, shown_px / drawn_px) if drawn_px > 0 else 1.0


def figure_problems(fig: Figure | SubFigure, *, scale: float | None = None,
                    texts: list[tuple[Text, float]] | None = None,
                    min_pt: float = MIN_TEXT_PT) -> list[Problem]:
    """Everything :mod:`this module <backprop.figures.audit>` finds wrong with ``fig``.

    Parameters
    ----------
    fig : matplotlib Figure (or SubFigure: only its axes and texts are checked)
    scale : float, how the figure is scaled when shown (:func:`shown_scale`); default as a
        notebook shows it: its width at its dpi in a column of :data:`NOTEBOOK_COLUMN_PX`
    texts : the texts drawn, from :func:`drawn_texts` around the drawing that was shown;
        default: ``fig`` is drawn here (on its canvas) to find them
    min_pt : float, the smallest text size allowed, in points as shown

    Returns
    -------
    list of Problem, empty for a good figure
    """
    root = fig.get_figure(root=True) if hasattr(fig, "get_figure") else fig
    if texts is None:
        with drawn_texts() as texts:
            root.canvas.draw()
    if scale is None:
        scale = shown_scale(root.get_figwidth() * root.dpi)
    axes = fig.get_axes() if fig is root else [ax for ax in root.get_axes()
                                                if _inside(ax, fig)]
    if fig is not root:
        texts = [(t, s) for t, s in texts if _inside(t, fig)]
    problems = [p for ax in axes if ax.get_visible() for p in axes_problems(ax)]
    return problems + text_problems(texts, scale, min_pt) + contrast_problems(texts)


def _inside(artist, panel: SubFigure) -> bool:
    """Whether ``artist`` belongs to the sub-figure ``panel`` (or one inside it)."""
    return any(fig is panel for fig in _figures_around(artist))


def alt_problems(fig: Figure, shown_with_alt: bool = True) -> list[Problem]:
    """A figure without a text alternative, or shown where it does not reach the page.

    Parameters
    ----------
    fig : matplotlib Figure, as it is shown
    shown_with_alt : bool, whether the session shows figures with their description
        (:func:`backprop.figures.alt.alt_text_enabled`)

    Returns
    -------
    list of Problem, empty when the figure's description reaches the page
    """
    from .alt import description

    if description(fig) is None:
        return [Problem("figure", "no text alternative: describe it with "
                                  "plots.describe(fig, text) before it is shown")]
    if not shown_with_alt:
        return [Problem("figure", "its text alternative does not reach the page: call "
                                  "plots.enable_alt_text() in the notebook's first cell")]
    return []


def describe(problems: list[Problem]) -> str:
    """The problems, one a line (empty for none)."""
    return "\n".join(f"  - {p}" for p in problems)

