"""A drawn figure as PNG bytes, whole or cut into its sub-figures ("pieces").

The widgets send pictures, not figures: the kernel draws with Agg, reads the canvas's
pixels and encodes them. A figure laid out as sub-figures can be sent as one PNG per
sub-figure, so that a page lays the pieces out by its own width: side by side on a laptop,
stacked on a phone (the kernel does not know the screen's width).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure, SubFigure


def to_png(rgb: np.ndarray) -> bytes:
    """Encode pixels as PNG bytes.

    Parameters
    ----------
    rgb : ndarray, shape (height, width, 3), uint8 (a view of a canvas is fine)

    Returns
    -------
    bytes, a PNG image
    """
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="png", compress_level=1)
    return buf.getvalue()  # compress_level 1: speed over size, for live pictures


def canvas_rgb(canvas: FigureCanvasAgg) -> np.ndarray:
    """The drawn pixels of an Agg canvas, (height, width, 3) uint8, without a copy."""
    return np.asarray(canvas.buffer_rgba())[..., :3]


def cut_panel(rgb: np.ndarray, panel: SubFigure) -> np.ndarray:
    """The pixels of ``panel`` (a sub-figure) in ``rgb``, the drawn figure's buffer.

    Parameters
    ----------
    rgb : ndarray, shape (height, width, 3), the whole figure as drawn
    panel : matplotlib SubFigure of that figure

    Returns
    -------
    ndarray, shape (panel height, panel width, 3), a view into ``rgb``
    """
    height, width = rgb.shape[:2]
    # (a figure of a fractional pixel size is drawn with the fraction cut off)
    x0, y0, x1, y1 = (max(round(v), 0) for v in panel.bbox.extents)
    return rgb[max(height - y1, 0):height - y0, x0:min(x1, width)]


def panel_pieces(rgb: np.ndarray, panels: Sequence[SubFigure]) -> list[bytes]:
    """Each of ``panels`` (sub-figures) cut from the drawn ``rgb`` as its own PNG.

    Parameters
    ----------
    rgb : ndarray, shape (height, width, 3), the whole figure as drawn
    panels : sequence of matplotlib SubFigure

    Returns
    -------
    list of bytes, one PNG per panel, in the order of ``panels``
    """
    return [to_png(cut_panel(rgb, panel)) for panel in panels]


def panel_pngs(fig: Figure) -> list[bytes]:
    """Draw ``fig`` and return each of its sub-figures as its own PNG.

    A page can then lay the pieces out by its own width: side by side on a laptop, stacked
    on a phone (the kernel does not know the screen's width).

    Parameters
    ----------
    fig : matplotlib Figure with an Agg canvas, laid out with ``fig.subfigures``

    Returns
    -------
    list of bytes, one PNG per sub-figure (``fig.subfigs``)
    """
    fig.canvas.draw()
    return panel_pieces(canvas_rgb(fig.canvas), fig.subfigs)
