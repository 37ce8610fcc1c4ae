"""Text alternatives for the notebooks' figures: what a sighted reader sees, in words.

A figure gets its description with :func:`describe` (the plotting functions of
:mod:`.notebook` and :mod:`.weights` do it themselves; a cell that draws with plain
matplotlib calls it), and :func:`enable_alt_text`, called once in a notebook's first cell,
makes IPython show every figure as an HTML ``<img>`` with that description as its ``alt``,
next to the usual PNG. :func:`description` composes the text when the figure is shown, so
that it covers everything drawn until then (e.g. several runs drawn into the same axes).

Why HTML and not the PNG output's metadata (issue 20; the versions checked: JupyterLab 4.6,
nbconvert 7.17, Voila 0.5): JupyterLab's image renderer builds the ``<img>`` from the data
alone and ignores any ``alt`` in the metadata, and so does nbconvert's ``lab`` template
(the default of ``jupyter nbconvert --to html`` and the base of Voila's), while only the old
``classic`` template reads ``metadata["image/png"]["alt"]``. All three prefer ``text/html``
to ``image/png`` and keep an ``<img>`` with a ``data:`` source and its ``alt`` (JupyterLab's
sanitizer too, for a notebook that is not trusted), so the HTML reaches the page everywhere;
the PNG stays in the output for the tools that do not show HTML (PDF export, some editors),
with the description in its metadata for the ``classic`` template.
"""

from __future__ import annotations

import base64
import html
import math
import re
import weakref
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MAX_LINES = 8  # lines summarised per panel; the rest are counted
MAX_BARS = 12  # bars listed per panel

# figure -> (what it shows, whether to add the lines' numbers when shown)
_DESCRIPTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def describe(fig: Figure, text: str, *, data: bool = False) -> None:
    """Give ``fig`` its text alternative: what a sighted reader sees, with the numbers.

    Parameters
    ----------
    fig : matplotlib Figure (a SubFigure's root figure is described)
    text : str, what the figure shows, in one or a few sentences
    data : bool, add the numbers of every labelled line, error bar and bar container when the
        figure is shown (:func:`data_summary`): first and last values, lowest and highest

    Returns
    -------
    None (so that a cell may end with it without showing anything)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty string, got {text!r}")
    root = fig.get_figure(root=True) if hasattr(fig, "get_figure") else fig
    if not isinstance(root, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    _DESCRIPTIONS[root] = (text.strip(), bool(data))


def description(fig: Figure) -> str | None:
    """The text alternative of ``fig`` as it is now (None if it has none).

    Its suptitle (if any), the text given to :func:`describe`, then (with ``data=True``)
    :func:`data_summary` of what the axes hold at this moment.
    """
    root = fig.get_figure(root=True) if hasattr(fig, "get_figure") else fig
    found = _DESCRIPTIONS.get(root)
    if found is None:
        return None
    text, data = found
    parts = []
    title = root.get_suptitle().strip() if hasattr(root, "get_suptitle") else ""
    if title and title not in text:
        parts.append(_sentence(plain(title)))
    parts.append(_sentence(text))
    if data:
        summary = data_summary(root)
        if summary:
            parts.append(summary)
    return " ".join(parts)


def plain(text: str) -> str:
    """Matplotlib's mathtext as words a screen reader can say: ``$\\eta$`` -> ``η``."""
    for tex, word in (("\\eta", "η"), ("\\sigma", "σ"), ("\\hat y", "ŷ"), ("\\,", " "),
                      ("\\mathrm", ""), ("\\leq", "≤"), ("\\approx", "≈"), ("\\times", "×"),
                      ("\\prime", "′"), ("\\ell", "l"), ("\\to", "→"), ("\\cdot", "·")):
        text = text.replace(tex, word)
    for char in "${}\\":
        text = text.replace(char, "")
    return " ".join(text.split())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?:;" else text + "."


def num(value: float) -> str:
    """A number as the description says it: 3 significant digits, no exponent for 1e-3 .. 1e5."""
    if not math.isfinite(value):
        return "not a number" if math.isnan(value) else ("infinite" if value > 0 else "-infinite")
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.2e}"
    return f"{value:.3g}"


def _panel(ax: Axes, index: int) -> str:
    title = next((ax.get_title(loc) for loc in ("center", "left", "right")
                  if ax.get_title(loc).strip()), "")
    return f"Panel {plain(title)!r}" if title else f"Panel {index + 1}"


def short_label(label: str, longest: int = 24) -> str:
    """An axis label as a value's unit: ``"learning rate η (mean loss)"`` -> ``"learning rate
    η"``; empty when even that is longer than ``longest`` characters."""
    short = re.split(r"\s*[(,:;]", label, maxsplit=1)[0].strip()
    return short if len(short) <= longest else ""


def _series(name: str, x: np.ndarray, y: np.ndarray, xlabel: str) -> str | None:
    """One line's numbers: first and last value, and the extremes if they are elsewhere."""
    xlabel = short_label(xlabel)
    keep = np.isfinite(x) & np.isfinite(y)
    if not keep.any():
        return f"{name}: no finite values"
    x, y = x[keep], y[keep]
    at = f" at {xlabel} " if xlabel else " at "
    words = f"{name}: {num(y[0])}{at}{num(x[0])}"
    if len(y) > 1:
        words += f" to {num(y[-1])}{at}{num(x[-1])}"
        low, high = int(np.argmin(y)), int(np.argmax(y))
        extremes = [f"{what} {num(y[i])}{at}{num(x[i])}"
                    for what, i in (("lowest", low), ("highest", high)) if 0 < i < len(y) - 1]
        if extremes:
            words += f" ({', '.join(extremes)})"
    return words


def axes_summary(ax: Axes, index: int = 0) -> str:
    """The numbers one panel shows: its labelled lines, error bars and bars."""
    xlabel = plain(ax.get_xlabel())
    items: list[str] = []
    in_containers = set()
    for container in ax.containers:
        label = container.get_label()
        if isinstance(container, ErrorbarContainer):
            line = container.lines[0]
            if line is not None:
                in_containers.add(line)
                if not label.startswith("_"):
                    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
                    items.append(_series(plain(label), x, y, xlabel))
        elif isinstance(container, BarContainer):
            heights = [p.get_height() for p in container.patches]
            lefts = [p.get_x() + p.get_width() / 2 for p in container.patches]
            bars = ", ".join(f"{num(x)}: {num(h)}" for x, h in
                             zip(lefts[:MAX_BARS], heights[:MAX_BARS], strict=True))
            more = f" and {len(heights) - MAX_BARS} more" if len(heights) > MAX_BARS else ""
            name = plain(label) if not label.startswith("_") else "bars"
            items.append(f"{name} ({xlabel or 'x'}: height) {bars}{more}")
    lines = [line for line in ax.get_lines() if line.get_visible() and line not in in_containers
             and not line.get_label().startswith("_")]
    for line in lines[:MAX_LINES]:
        x, y = (np.asarray(v, dtype=float).ravel() for v in line.get_data())
        items.append(_series(plain(line.get_label()), x, y, xlabel))
    if len(lines) > MAX_LINES:
        items.append(f"and {len(lines) - MAX_LINES} more lines")
    for coll in ax.collections:
        label = coll.get_label()
        offsets = np.asarray(coll.get_offsets(), dtype=float) if hasattr(
            coll, "get_offsets") else np.empty((0, 2))
        if label.startswith("_") or offsets.ndim != 2 or not len(offsets):
            continue
        items.append(f"{plain(label)}: {len(offsets)} points, x from {num(offsets[:, 0].min())}"
                     f" to {num(offsets[:, 0].max())}, y from {num(offsets[:, 1].min())} to "
                     f"{num(offsets[:, 1].max())}")
    if not items:
        return ""
    ylabel = plain(ax.get_ylabel())
    axes_words = ", ".join(w for w in (f"x: {xlabel}" if xlabel else "",
                                       f"y: {ylabel}" if ylabel else "") if w)
    head = _panel(ax, index) + (f" ({axes_words})" if axes_words else "")
    return f"{head}: " + "; ".join(items) + "."


def data_summary(fig: Figure) -> str:
    """The numbers every panel of ``fig`` shows, panel by panel (see :func:`axes_summary`)."""
    panels = [axes_summary(ax, i) for i, ax in enumerate(fig.get_axes()) if ax.get_visible()]
    return " ".join(p for p in panels if p)


def figure_bundle(fig: Figure, png: bytes, width: float | None = None) -> tuple[dict, dict]:
    """A figure's display data: ``text/html`` (the ``<img>`` with its alt) and ``image/png``.

    Parameters
    ----------
    fig : matplotlib Figure, described with :func:`describe`
    png : bytes, the figure drawn as PNG
    width : float, optional, the width to show it at in CSS pixels (retina: half its pixels)

    Returns
    -------
    data, metadata : dicts of a display message, keyed by MIME type
    """
    alt = description(fig)
    if alt is None:
        raise ValueError("the figure has no description: call describe(fig, text) first")
    encoded = base64.b64encode(png).decode("ascii")
    size = f' width="{width:.0f}"' if width else ""
    page = (f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}"'
            f'{size} class="bp-figure">')
    return ({"text/html": page, "image/png": encoded},
            {"image/png": {"alt": alt, **({"width": round(width)} if width else {})}})


def _show(fig: Figure):
    """IPython's mime-bundle printer for figures (installed by :func:`enable_alt_text`)."""
    from IPython.core import pylabtools  # looked up here: notebooks/conftest.py wraps it

    try:
        from matplotlib_inline.backend_inline import InlineBackend
        kwargs = dict(InlineBackend.instance().print_figure_kwargs)
    except ImportError:  # pragma: no cover - ipykernel always brings matplotlib-inline
        kwargs = {"bbox_inches": "tight"}
    png = pylabtools.print_figure(fig, "png", **kwargs)
    if png is None:  # an empty figure draws nothing
        return None
    if description(fig) is None:  # shown as before; the notebooks' figure audit reports it
        return {"image/png": base64.b64encode(png).decode("ascii")}
    return figure_bundle(fig, png)


def enable_alt_text(shell=None) -> bool:
    """Show every described figure in this IPython session as HTML with its text alternative.

    Call it once, in a notebook's first cell. A figure without a description is shown as
    before (a bare PNG); the notebooks' figure audit (``notebooks/conftest.py``) fails it.

    Parameters
    ----------
    shell : IPython InteractiveShell, optional; by default the running one

    Returns
    -------
    bool, whether a shell was found (False outside IPython: nothing to do)
    """
    if shell is None:
        from IPython import get_ipython
        shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter
    formatter.mimebundle_formatter.for_type(Figure, _show)
    # the inline backend's own PNG printer would draw the figure a second time (a printer
    # registered for one MIME type wins over a bundle's): the bundle brings the PNG itself
    formatter.formatters["image/png"].pop(Figure, None)
    return True


def alt_text_enabled(shell=None) -> bool:
    """Whether :func:`enable_alt_text` has been called in ``shell`` (default: the running one)."""
    if shell is None:
        from IPython import get_ipython
        shell = get_ipython()
    if shell is None:
        return False
    try:
        return shell.display_formatter.mimebundle_formatter.lookup_by_type(Figure) is _show
    except KeyError:
        return False
