"""Weight images: hidden units' incoming weights as 28x28 pictures, on one colour scale.

Column ``j`` of ``W1`` (784 weights) is hidden unit ``j``'s view of the image: reshaped to
28x28, red pixels push the unit up where there is ink, blue ones push it down. A grid of such
pictures compares units only if every tile uses the same colour scale, centred on 0, with a
colour bar that says what the colours mean: :func:`weight_grid` draws exactly that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from .alt import describe, num, plain

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

SIDE = 28  # pixels per side of an MNIST image
MIN_FONT = 8  # points: the smallest title this module draws
TILE = 0.95  # inches per tile (square), titles included


def weight_grid(W: np.ndarray, units: Sequence[int], *, ncols: int = 10,
                limit: float | None = None, titles: Sequence[str] | None = None,
                row_labels: Sequence[str] | None = None, fig: Figure | SubFigure | None = None,
                cmap: str = "RdBu_r", label: str = "weight",
                fontsize: float = 9) -> tuple[Figure | SubFigure, np.ndarray]:
    """Columns of a weight matrix as 28x28 images in a grid, one colour scale for all tiles.

    The scale is symmetric, ``-limit`` (blue) to ``+limit`` (red), white at 0, and the same
    for every tile, so a pale tile has small weights; a colour bar beside the grid shows it.
    Values beyond ``limit`` take the end colours (the colour bar then has arrows).

    Parameters
    ----------
    W : ndarray, shape (784, n_units), one column per unit (as ``params["W1"]``)
    units : the columns to draw, in order, row by row
    ncols : int, tiles per row
    limit : float, optional, the end of the colour scale; by default the largest ``|w|`` of
        the drawn columns (nothing clipped)
    titles : one string per tile, optional; by default the unit's number (``""`` for none)
    row_labels : one string per row, optional, written left of the row
    fig : a Figure or SubFigure to draw into, optional; by default a new pyplot figure
    cmap : str, a diverging colour map
    label : str, the colour bar's label
    fontsize : float, the titles' and labels' size in points, at least 8

    Returns
    -------
    fig, axes (2-D array of Axes, ``ceil(len(units) / ncols)`` rows by ``ncols``)
    """
    W = np.asarray(W)
    units = [int(j) for j in units]
    if W.ndim != 2 or W.shape[0] != SIDE * SIDE:
        raise ValueError(f"W must have shape (784, n_units), got {W.shape}")
    if not units or min(units) < 0 or max(units) >= W.shape[1]:
        raise ValueError(f"units must be column numbers of W (0 to {W.shape[1] - 1}), "
                         f"got {units}")
    if fontsize < MIN_FONT:
        raise ValueError(f"fontsize must be at least {MIN_FONT} points, got {fontsize}")
    titles = [str(j) for j in units] if titles is None else list(titles)
    if len(titles) != len(units):
        raise ValueError(f"{len(units)} units but {len(titles)} titles")
    shown = W[:, units]
    largest = float(np.abs(shown).max())
    if limit is None:
        limit = largest if largest > 0 else 1.0
    if not limit > 0:
        raise ValueError(f"limit must be > 0, got {limit}")
    ncols = min(ncols, len(units))
    nrows = -(-len(units) // ncols)
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"{nrows} rows but {len(row_labels)} row labels")
    if fig is None:
        fig = plt.figure(figsize=(ncols * TILE + 1.3, nrows * TILE + 0.4), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    image = None
    for i, ax in enumerate(axes.flat):
        _bare(ax)
        if i >= len(units):
            ax.set_visible(False)
            continue
        image = ax.imshow(shown[:, i].reshape(SIDE, SIDE), cmap=cmap, vmin=-limit, vmax=limit,
                          interpolation="nearest")
        if titles[i]:
            ax.set_title(titles[i], fontsize=fontsize, pad=2)
    for row, text in enumerate(row_labels or []):
        axes[row, 0].set_ylabel(text, fontsize=fontsize)
    extend = "both" if largest > limit else "neither"
    bar = fig.colorbar(image, ax=axes, shrink=min(1.0, 0.5 + 0.15 * nrows), extend=extend,
                       aspect=max(10, 8 * nrows))
    # the sign is written on the ticks, not only coloured: +0.5, 0, −0.5
    bar.ax.yaxis.set_major_formatter(FuncFormatter(signed))
    bar.set_label(label, fontsize=fontsize)
    bar.ax.tick_params(labelsize=fontsize)
    spread = np.abs(shown).max(axis=0)
    widest, narrowest = int(np.argmax(spread)), int(np.argmin(spread))
    words = (f"{len(units)} weight images of 28 by 28 pixels, one per hidden unit (units "
             f"{_ranges(units)}), in {nrows} row(s) of {ncols}, all on one colour scale from "
             f"{num(-limit)} (dark blue) through 0 (white) to {num(limit)} (dark red), shown by "
             f"a colour bar labelled {plain(label)!r}. The largest |weight| shown is "
             f"{num(largest)} (unit {units[widest]}); the palest unit, {units[narrowest]}, reaches "
             f"only {num(float(spread[narrowest]))}; the mean |weight| is "
             f"{num(float(np.abs(shown).mean()))}")
    if row_labels:
        words += f". Rows: {', '.join(row_labels)}"
    describe(fig, words)
    return fig, axes


def signed(value: float, _pos=None) -> str:
    """A colour bar's tick with its sign written: ``+0.5``, ``0``, ``−0.5`` (a true minus)."""
    if abs(value) < 1e-12:
        return "0"
    return f"{'+' if value > 0 else '−'}{abs(value):.2g}"


def _ranges(units: Sequence[int]) -> str:
    """Unit numbers said briefly: ``0-49`` for a run, else the list."""
    if list(units) == list(range(units[0], units[0] + len(units))) and len(units) > 2:
        return f"{units[0]} to {units[-1]}"
    return ", ".join(map(str, units))


def _bare(ax: Axes) -> None:
    """An image tile: no ticks, no frame, but the y label (the row's label) still shows."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
