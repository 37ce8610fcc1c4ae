"""Figures for the notebooks. Every function returns ``fig, ax`` and needs no widgets.

:class:`LiveCurves` is the same learning-curve picture as :func:`learning_curves`, kept alive
for the widgets: one figure, drawn in full only when its axes change, otherwise by redrawing
just the lines over a saved background ("blitting"), then sent as a PNG.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator, NullLocator
from PIL import Image

TRAIN_COLOR, VAL_COLOR = "tab:blue", "tab:orange"
CURVES_SIZE = (10, 3.8)  # inches, the static learning curves; the live view keeps the shape
# Pixels of the live curves, both panels: each panel (360 px) fits a phone's width at its drawn
# size, so its text is never smaller there than on a laptop (widgets/style.css knows it too).
LIVE_WIDTH = 720
NICE_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
# Every widget picture is cut into pieces at most this wide (pixels): each fits a phone's
# width at its drawn size, so its text is never smaller there than on a laptop.
PANEL_WIDTH = LIVE_WIDTH // 2


def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="png", compress_level=1)
    return buf.getvalue()  # compress_level 1: speed over size, for live pictures


def _rgb(canvas) -> np.ndarray:
    """The drawn pixels of an Agg canvas, (height, width, 3) uint8, without a copy."""
    return np.asarray(canvas.buffer_rgba())[..., :3]


def _cut(rgb: np.ndarray, panel) -> np.ndarray:
    """The pixels of ``panel`` (a sub-figure) in ``rgb``, the drawn figure's buffer."""
    height, width = rgb.shape[:2]
    # (a figure of a fractional pixel size is drawn with the fraction cut off)
    x0, y0, x1, y1 = (max(round(v), 0) for v in panel.bbox.extents)
    return rgb[max(height - y1, 0):height - y0, x0:min(x1, width)]


def _pieces(rgb: np.ndarray, panels) -> list[bytes]:
    """Each of ``panels`` (sub-figures) cut from the drawn ``rgb`` as its own PNG."""
    return [_png(_cut(rgb, panel)) for panel in panels]


def panel_pngs(fig) -> list[bytes]:
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
    return _pieces(_rgb(fig.canvas), fig.subfigs)


def curve_limits(histories: Sequence[Mapping[str, Sequence[float]]], n_epochs: int | None = None,
                 percent: bool = True) -> tuple[tuple, tuple, tuple]:
    """The axes' limits of the learning curves: ``(x, loss, accuracy)``, each ``(lo, hi)``.

    They depend only on the largest loss, the lowest accuracy and the number of epochs, each
    rounded to a round number, so they seldom change while a run goes on: the live view can
    then redraw just the lines. The loss axis starts at 0; the accuracy axis ends just above
    100 % (so a curve at 100 % stays visible) and starts at a multiple of 5 below the lowest
    accuracy.
    """
    losses = [v for h in histories for k in ("train_loss", "val_loss") for v in h.get(k, [])]
    accs = [v for h in histories for k in ("train_acc", "val_acc") for v in h.get(k, [])]
    losses = [v for v in losses if math.isfinite(v)]
    accs = [v for v in accs if math.isfinite(v)]
    n = max([n_epochs or 0] + [len(h.get("train_loss", [])) for h in histories])
    x = (0.5, max(n, 2) + 0.5)
    top = max(losses, default=1.0) * 1.04
    if top <= 0:
        top = 1.0
    decade = 10.0 ** math.floor(math.log10(top))
    loss = (0.0, next(s * decade for s in NICE_STEPS if s * decade >= top))
    scale = 100 if percent else 1
    low = 100 * min(accs, default=0.0)
    acc = (max(0.0, 5 * math.floor(low / 5) - 5) * scale / 100, 1.01 * scale)
    return x, loss, acc


def style_curve_axes(ax_loss, ax_acc, title: str = "", percent: bool = True) -> None:
    """Labels, titles, grid and integer epoch ticks shared by the static and the live curves."""
    ax_loss.set(xlabel="epoch", ylabel="loss", title=f"{title} loss".strip())
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)" if percent else "accuracy",
               title=f"{title} accuracy".strip())
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _axes(ax=None, figsize=(6, 4)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def learning_curves(history: Mapping[str, Sequence[float]], *, axes=None, title: str = "",
                    label: str = "", alpha: float = 1.0, linestyle: str = "-",
                    percent: bool = True):
    """Loss (left) and accuracy (right) per epoch, training and validation.

    Parameters
    ----------
    history : dict from :func:`backprop.train`
    axes : pair of matplotlib Axes to draw into (e.g. to overlay several runs)
    title, label : str; ``label`` is prefixed to the legend entries
    alpha : float, for faded earlier runs
    linestyle : matplotlib line style, to tell overlaid runs apart
    percent : bool, accuracy in percent

    Returns
    -------
    fig, (ax_loss, ax_acc)
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=CURVES_SIZE, layout="constrained")
    ax_loss, ax_acc = axes
    scale = 100 if percent else 1
    for split, color in (("train", TRAIN_COLOR), ("val", VAL_COLOR)):
        losses, accs = history.get(f"{split}_loss", []), history.get(f"{split}_acc", [])
        if not losses:
            continue
        epochs = np.arange(1, len(losses) + 1)
        name = f"{label}{'training' if split == 'train' else 'validation'}"
        style = {"color": color, "alpha": alpha, "linestyle": linestyle, "label": name}
        ax_loss.plot(epochs, losses, **style)
        ax_acc.plot(epochs, np.asarray(accs) * scale, **style)
    style_curve_axes(ax_loss, ax_acc, title, percent)
    # the same limits as the live view, over every run drawn into these axes so far
    shown = [{"train_loss": line.get_ydata()} for line in ax_loss.lines]
    shown += [{"train_acc": np.asarray(line.get_ydata()) / scale} for line in ax_acc.lines]
    x, loss_lim, acc_lim = curve_limits(shown, percent=percent)
    ax_loss.set(xlim=x, ylim=loss_lim)
    ax_acc.set(xlim=x, ylim=acc_lim)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize="small")
    return axes[0].figure, axes


def sweep_plot(summary, x: str, *, report: Mapping[str, Sequence[float]] | None = None,
               logx: bool = False, ax=None, title: str = ""):
    """Mean +- std over seeds of training and validation accuracy against one hyperparameter.

    The x axis is labelled at the tested values; the legend says what the error bars are.

    Parameters
    ----------
    summary : DataFrame from :func:`backprop.sweeps.summarize` (index = ``x``)
    x : str, axis label
    report : optional ``{"train": [...], "val": [...]}`` in percent, drawn as crosses
    logx : bool
    ax : matplotlib Axes

    Returns
    -------
    fig, ax
    """
    fig, ax = _axes(ax, figsize=(8.5, 4))
    xs = np.asarray(summary.index, dtype=float)
    seeds = summary[("n_seeds", "")].unique() if ("n_seeds", "") in summary else []
    if len(seeds) == 1 and seeds[0] == 1:
        bars = ""
    elif len(seeds) == 1:
        bars = f": mean ± std over {seeds[0]} seeds"
    else:
        bars = ": mean ± std over seeds"
    for split, color in (("train", TRAIN_COLOR), ("val", VAL_COLOR)):
        mean = 100 * summary[(f"{split}_acc", "mean")].to_numpy()
        std = 100 * summary[(f"{split}_acc", "std")].fillna(0).to_numpy()
        name = "training" if split == "train" else "validation"
        ax.errorbar(xs, mean, yerr=std, color=color, marker="o", capsize=3,
                    label=f"ours, {name}{bars}")
        if report is not None and split in report:
            ax.plot(xs, report[split], color=color, marker="x", linestyle="--",
                    label=f"report, {name}")
    if logx:
        ax.set_xscale("log")
    ax.set_xticks(xs, [f"{v:g}" for v in xs])  # the tested values, not only round numbers
    ax.xaxis.set_minor_locator(NullLocator())
    if len(xs) > 6:  # close values on a log axis would overprint each other
        ax.tick_params(axis="x", labelrotation=60)
    ax.set(xlabel=x, ylabel="accuracy (%)", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))  # off the data
    return fig, ax


def digit_grid(X: np.ndarray, y: np.ndarray, *, per_class: int = 8, titles=None, ax=None):
    """The first ``per_class`` images of each digit, one row per class.

    Parameters
    ----------
    X : ndarray, shape (n, 784)
    y : ndarray, shape (n,)
    per_class : int
    ax : matplotlib Axes

    Returns
    -------
    fig, ax
    """
    fig, ax = _axes(ax, figsize=(per_class * 0.6 + 0.8, 6.6))
    rows = []
    for digit in range(10):
        idx = np.flatnonzero(y == digit)[:per_class]
        tiles = [X[i].reshape(28, 28) for i in idx] + [np.zeros((28, 28))] * (per_class - len(idx))
        rows.append(np.hstack(tiles))
    ax.imshow(np.vstack(rows), cmap="gray_r", interpolation="nearest")
    ax.set_yticks(np.arange(10) * 28 + 14, [str(d) for d in range(10)])
    ax.set_xticks([])
    ax.set_ylabel("class")
    return fig, ax


def image_grid(images: np.ndarray, *, ncols: int = 10, titles: Sequence[str] | None = None,
               cmap: str = "gray_r", symmetric: bool = False, figsize=None,
               fontsize: str | float = "small"):
    """Small images (e.g. hidden units' weights or misclassified digits) in a grid.

    Parameters
    ----------
    images : ndarray, shape (n, 784) or (n, 28, 28)
    ncols : int
    titles : one short string per image
    cmap : str
    symmetric : bool, centre the colour scale on 0 (for weights)
    figsize : (width, height) in inches, optional
    fontsize : the titles' font size (smaller for titles of several lines)

    Returns
    -------
    fig, axes (2-D array of Axes)
    """
    images = np.asarray(images).reshape(len(images), 28, 28)
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize or (ncols * 1.0, nrows * 1.15),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= len(images):
            continue
        lim = np.abs(images[i]).max() if symmetric else None
        ax.imshow(images[i], cmap=cmap, vmin=-lim if symmetric else None,
                  vmax=lim if symmetric else None, interpolation="nearest")
        if titles is not None:
            ax.set_title(titles[i], fontsize=fontsize)
    return fig, axes


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of class ``i`` predicted as ``j``."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return C


def confusion_plot(y_true: np.ndarray, y_pred: np.ndarray, *, ax=None, title: str = ""):
    """The confusion matrix as a heat map with the counts written in.

    The diagonal (correct answers) is left white and its counts are bold; the colours show
    only the mistakes, with white counts on the darker cells.

    Returns
    -------
    fig, ax
    """
    C = confusion_matrix(y_true, y_pred)
    fig, ax = _axes(ax, figsize=(6, 5.4))
    off = C.astype(float)
    np.fill_diagonal(off, np.nan)  # colour the mistakes; the diagonal would swamp the scale
    im = ax.imshow(off, cmap="Reds")
    dark = np.nanmax(off) / 2 if np.isfinite(off).any() else np.inf
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            # white on the darker half of the colour scale, black elsewhere, for contrast
            color = "white" if i != j and off[i, j] > dark else "black"
            ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=7, color=color,
                    fontweight="bold" if i == j else "normal")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true", title=title)
    fig.colorbar(im, ax=ax, label="misclassified count")
    return fig, ax


def network_diagram(layer_sizes: Sequence[int] = (784, 110, 10), *, max_drawn: int = 12,
                    ax=None, labels: Sequence[str] | None = None, equations: bool = True):
    """The MLP drawn as columns of units joined by their weights (the report's Fig. 1).

    Labels use the notation of notebook 01: input :math:`x`, hidden layer ``l`` computes
    :math:`u_{3l} = \\sigma(a\\,w_l + b_l)` from the layer below, the output is
    :math:`\\hat y`; the weights between two columns are :math:`w_l, b_l` with their
    shapes (rows are samples, so :math:`w_l` is ``(units below, units above)``). Wide
    layers show ``max_drawn`` units with an ellipsis and their true size written.

    Parameters
    ----------
    layer_sizes : sequence of int, ``[n_in, hidden..., n_out]``
    max_drawn : int, units drawn per column at most
    ax : matplotlib Axes
    labels : one caption per column, replacing the default names
    equations : bool, write each layer's equation under its column

    Returns
    -------
    fig, ax
    """
    sizes = list(layer_sizes)
    n_cols = len(sizes)
    fig, ax = _axes(ax, figsize=(2.6 * n_cols + 0.6, 4.2))
    # the value each column holds, in the derivation's names (u3, u6, ... for hidden layers)
    values = ["x"] + [f"u_{{{3 * col}}}" for col in range(1, n_cols - 1)] + [r"\hat y"]
    if labels is None:
        hidden = ["hidden layer"] if n_cols == 3 else [f"hidden layer {col}"
                                                        for col in range(1, n_cols - 1)]
        labels = ([f"input ${values[0]}$"]
                  + [f"{name}: ${value}$" for name, value in zip(hidden, values[1:-1], strict=True)]
                  + [f"output ${values[-1]}$"])
    if len(labels) != n_cols:
        raise ValueError(f"labels needs one caption per layer ({n_cols}), got {len(labels)}")
    columns = []
    for col, n in enumerate(sizes):
        shown = min(n, max_drawn)
        ys = np.linspace(-1, 1, shown) if shown > 1 else np.zeros(1)
        columns.append((col, ys))
        if n > max_drawn:
            ax.text(col, 0, "⋮", ha="center", va="center", fontsize=16, zorder=4)
        ax.text(col, 1.2, f"{labels[col]}\n{n} units", ha="center", va="bottom")
        if equations and col > 0:
            ax.text(col, -1.45, f"${values[col]} = \\sigma({values[col - 1]}\\,w_{{{col}}}"
                    f" + b_{{{col}}})$", ha="center", va="top")
    for (c0, y0), (c1, y1) in zip(columns[:-1], columns[1:], strict=True):
        for a in y0:
            for b in y1:
                ax.plot([c0, c1], [a, b], color="0.75", linewidth=0.4, zorder=1)
        weights = f"$w_{{{c1}}}$: {sizes[c0]}×{sizes[c1]},  $b_{{{c1}}}$: {sizes[c1]}"
        ax.text((c0 + c1) / 2, -1.15, weights, ha="center", va="top",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for col, ys in columns:
        keep = np.abs(ys) > 0.12 if sizes[col] > max_drawn else np.ones(len(ys), bool)
        ax.scatter(np.full(keep.sum(), col), ys[keep], s=120, color="white", edgecolor="k",
                   zorder=3)
    ax.set(xlim=(-0.5, n_cols - 0.5), ylim=(-1.75 if equations else -1.45, 1.6))
    ax.set_axis_off()
    return fig, ax


def results_table(rows: Mapping[str, Sequence], columns: Sequence[str], *, ax=None,
                  title: str = ""):
    """A table drawn as a figure (for slides); the notebooks also show it as a DataFrame.

    Returns
    -------
    fig, ax
    """
    fig, ax = _axes(ax, figsize=(1.2 + 1.1 * len(columns), 0.5 + 0.35 * len(rows)))
    ax.set_axis_off()
    table = ax.table(cellText=[[str(v) for v in vals] for vals in rows.values()],
                     rowLabels=list(rows), colLabels=list(columns), loc="center")
    table.scale(1, 1.3)
    ax.set_title(title)
    return fig, ax


class LiveCurves:
    """:func:`learning_curves` kept alive, for pictures redrawn after every epoch.

    One figure is built once, with a fixed layout. A new picture redraws the whole figure
    (~40 ms) only when the axes' limits (:func:`curve_limits`) change, which happens seldom;
    otherwise it pastes a saved background and draws just the lines over it ("blitting", a
    few milliseconds): the faded earlier runs once per run, the current run's four lines
    every time. Used by :mod:`backprop.widgets`; needs no widgets itself.

    The loss and the accuracy are two sub-figures of equal width, each with its own labels,
    so that :meth:`pngs` can also send them as two pictures: a page then places them side by
    side where there is room and stacks them on a phone, each at a size whose text reads as
    on a laptop (the kernel cannot know the screen's width; the page's layout decides).

    Parameters
    ----------
    width : int, pixels of the whole figure (both panels); the height keeps the static
        figure's proportions, so each panel is ``width / 2`` by ``0.38 * width`` pixels
    dpi : int
    percent : bool, accuracy in percent

    Attributes
    ----------
    fig : matplotlib Figure
    panels : (loss, accuracy) sub-figures, side by side
    axes : (ax_loss, ax_acc)
    full_draws, blits : int, how many pictures were drawn each way (for the benchmarks)
    """

    def __init__(self, width: int = LIVE_WIDTH, dpi: int = 80, percent: bool = True):
        if width < 200 or width % 2:
            raise ValueError(f"width must be an even number of pixels >= 200, got {width!r}")
        self.percent = percent
        inches = width / dpi
        self.fig = Figure(figsize=(inches, inches * CURVES_SIZE[1] / CURVES_SIZE[0]), dpi=dpi,
                          layout="constrained")
        FigureCanvasAgg(self.fig)
        self.panels = tuple(self.fig.subfigures(1, 2, wspace=0))
        self.axes = ax_loss, ax_acc = tuple(panel.subplots() for panel in self.panels)
        self._lines = {}
        for split, color in (("train", TRAIN_COLOR), ("val", VAL_COLOR)):
            name = "training" if split == "train" else "validation"
            for kind, ax in (("loss", ax_loss), ("acc", ax_acc)):
                # animated: left out of full draws, drawn by hand over the background
                (self._lines[f"{split}_{kind}"],) = ax.plot([], [], color=color, label=name,
                                                            animated=True)
        style_curve_axes(ax_loss, ax_acc, percent=percent)
        # Off the data: the loss falls from the top left, the accuracy rises to the top right.
        self._legends = (ax_loss.legend(loc="upper right", fontsize="small"),
                         ax_acc.legend(loc="lower right", fontsize="small"))
        # Lay out once for the widest tick labels the axes will show, then freeze the layout.
        # ("0.0025", "100.0"): each panel's labels then stay inside its own picture.
        ax_loss.set_ylim(0, 0.0025)
        ax_acc.set_ylim(80, 101) if percent else ax_acc.set_ylim(0.8, 1.01)
        self.fig.canvas.draw()
        self.fig.set_layout_engine("none")
        self._earlier_lines: list = []
        self._earlier: list = []
        self._limits = self._frame = self._background = None
        self.full_draws = self.blits = 0

    def png(self, history: Mapping[str, Sequence[float]] | None = None,
            earlier: Sequence[Mapping[str, Sequence[float]]] = (),
            n_epochs: int | None = None) -> bytes:
        """A PNG of ``history``'s curves over the faded ``earlier`` ones.

        Parameters
        ----------
        history : dict from :func:`backprop.train` (may be partial), or None
        earlier : such dicts, drawn faded and without legend entries; keep passing the same
            objects while they do not change (they are compared by identity)
        n_epochs : int, optional, fixes the x axis so that a running curve grows into it

        Returns
        -------
        bytes, a PNG image
        """
        self.update(history, earlier, n_epochs)
        return _png(_rgb(self.fig.canvas))

    def pngs(self, history: Mapping[str, Sequence[float]] | None = None,
             earlier: Sequence[Mapping[str, Sequence[float]]] = (),
             n_epochs: int | None = None) -> tuple[bytes, bytes]:
        """The same picture as :meth:`png`, as two PNGs: the loss panel and the accuracy panel.

        Each is ``width / 2`` pixels wide. Drawing costs the same as :meth:`png`: one
        figure is drawn, then cut in two.
        """
        self.update(history, earlier, n_epochs)
        loss, acc = _pieces(_rgb(self.fig.canvas), self.panels)
        return loss, acc

    def update(self, history=None, earlier=(), n_epochs: int | None = None) -> None:
        """Draw into the figure's canvas without encoding it (see :meth:`png`)."""
        history = history or {}
        earlier = list(earlier)
        limits = curve_limits([history, *earlier], n_epochs, self.percent)
        same_earlier = (len(earlier) == len(self._earlier)
                        and all(a is b for a, b in zip(earlier, self._earlier, strict=True)))
        if limits != self._limits or self._frame is None:
            self._draw_frame(limits)
        if self._background is None or not same_earlier:
            self._draw_earlier(earlier)  # a new run: new faded curves, the frame unchanged
        else:
            self.fig.canvas.restore_region(self._background)
            self.blits += 1
        scale = 100 if self.percent else 1
        for key, line in self._lines.items():
            values = np.asarray(history.get(key, []), dtype=float)
            line.set_data(np.arange(1, len(values) + 1), values * scale if "acc" in key else values)
            line.axes.draw_artist(line)
        for ax, legend in zip(self.axes, self._legends, strict=True):
            ax.draw_artist(legend)  # back on top of the lines

    def _draw_frame(self, limits: tuple) -> None:
        """The full draw: axes, ticks, labels and legends, every line left out (animated)."""
        x, loss, acc = limits
        ax_loss, ax_acc = self.axes
        ax_loss.set(xlim=x, ylim=loss)
        ax_acc.set(xlim=x, ylim=acc)
        self.fig.canvas.draw()
        self._frame = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._limits, self._background = limits, None
        self.full_draws += 1

    def _draw_earlier(self, earlier: list) -> None:
        """The background of a run: the frame with the faded earlier runs drawn over it."""
        for line in self._earlier_lines:
            line.remove()
        self._earlier_lines = []
        self.fig.canvas.restore_region(self._frame)
        scale = 100 if self.percent else 1
        ax_loss, ax_acc = self.axes
        for old in earlier:
            for split, color in (("train", TRAIN_COLOR), ("val", VAL_COLOR)):
                losses = old.get(f"{split}_loss", [])
                accs = np.asarray(old.get(f"{split}_acc", []), dtype=float)
                epochs = np.arange(1, len(losses) + 1)
                style = {"color": color, "alpha": 0.2, "label": "_earlier", "animated": True}
                self._earlier_lines += ax_loss.plot(epochs, losses, **style)
                self._earlier_lines += ax_acc.plot(epochs[:len(accs)], accs * scale, **style)
        for line in self._earlier_lines:
            line.axes.draw_artist(line)
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._earlier = earlier


# --- Backprop step by step on the 2-2-1 hand example (notebook 01) -------------------------

STEP_GRAPH = {  # node: (x, y) centre, in data units; the main chain below, parameters above
    name: (1.6 * i, 0.0) for i, name in enumerate(["x", "u1", "u2", "u3", "u4", "u5", "y_hat",
                                                    "L"])
} | {"W1": (1.6, 1.75), "b1": (3.2, 1.75), "W2": (6.4, 1.75), "b2": (8.0, 1.75),
     "y": (11.2, 1.75)}
STEP_EDGES = (("x", "u1"), ("W1", "u1"), ("u1", "u2"), ("b1", "u2"), ("u2", "u3"),
              ("u3", "u4"), ("W2", "u4"), ("u4", "u5"), ("b2", "u5"), ("u5", "y_hat"),
              ("y_hat", "L"), ("y", "L"))
STEP_LABELS = {"W1": "w1", "W2": "w2", "y_hat": "ŷ", "y": "y (target)"}
STEP_BOX = (1.4, 1.2)  # width, height of a node
STEP_SIZE = (12.5, 4.2)  # inches
# The same graph for a phone: the chain top to bottom, each parameter beside the node it
# feeds, drawn 360 px wide (at 100 dpi) so that its text is as large as the wide graph's.
STEP_GRAPH_NARROW = {
    name: (0.0, -1.2 * i) for i, name in enumerate(["x", "u1", "u2", "u3", "u4", "u5",
                                                      "y_hat", "L"])
}
STEP_GRAPH_NARROW |= {param: (1.75, STEP_GRAPH_NARROW[node][1]) for param, node in
                      (("W1", "u1"), ("b1", "u2"), ("W2", "u4"), ("b2", "u5"), ("y", "L"))}
STEP_BOX_NARROW = (1.4, 1.0)  # its nodes hold at most five lines: less room than the wide
STEP_LIMITS = {"wide": ((-0.8, 12.0), (-1.5, 2.45)), "narrow": ((-0.78, 2.53), (-8.98, 0.58))}
_NARROW_X, _NARROW_Y = STEP_LIMITS["narrow"]
STEP_SIZE_NARROW = (PANEL_WIDTH / 100, PANEL_WIDTH / 100 * (_NARROW_Y[1] - _NARROW_Y[0])
                    / (_NARROW_X[1] - _NARROW_X[0]))  # inches, at 100 dpi
STEP_COLORS = {"current": "#ffb74d", "input": "#fff1c1", "other": "white",
               "forward": "#e65100", "backward": "#c62828"}


def _step_value_lines(value) -> list[str]:
    """A node's value in lines of at most ~18 characters, rounded to 4 decimals."""
    def num4(v: float) -> str:
        text = f"{float(v):.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    a = np.atleast_2d(np.asarray(value, dtype=float))
    if a.size == 1:
        return [num4(a.item())]
    if a.shape[0] == 1 or a.shape[1] == 1:
        return ["(" + ", ".join(num4(v) for v in a.ravel()) + ")"]
    return [", ".join(num4(v) for v in row) for row in a]


def backprop_step(steps, index: int, *, ax=None, title: str | None = None,
                  layout: str = "wide", formula: bool = True):
    """Draw step ``index`` of :func:`backprop.walkthrough.walkthrough` on the 2-2-1 graph.

    Every node shows its value once the forward pass has reached it and its gradient (in
    red, ``d = ...``) once the backward pass has; the step's node is orange, the nodes it
    reads are pale yellow and the edges between them are thick (arrows against the flow in
    the backward pass). The step's formula, with the hand-worked table's numbers (6
    decimals), is written below the graph; the boxes round to 4 decimals.

    Parameters
    ----------
    steps : list of backprop.walkthrough.Step
    index : int, 0 <= index < len(steps)
    ax : matplotlib Axes, optional
    title : str, optional; default "step i of n: ..." ("" for none)
    layout : {"wide", "narrow"}, the chain left to right with the parameters above it, or
        top to bottom with the parameters beside it (:data:`STEP_SIZE_NARROW`, for a phone)
    formula : bool, write the step's formula below the wide graph (the narrow one has no
        room for it; a widget shows it as text)

    Returns
    -------
    fig, ax
    """
    if not 0 <= index < len(steps):
        raise ValueError(f"index must be in [0, {len(steps) - 1}], got {index!r}")
    if layout not in STEP_LIMITS:
        raise ValueError(f"layout must be 'wide' or 'narrow', got {layout!r}")
    graph = STEP_GRAPH if layout == "wide" else STEP_GRAPH_NARROW
    fig, ax = _axes(ax, figsize=STEP_SIZE if layout == "wide" else STEP_SIZE_NARROW)
    step = steps[index]
    values = dict(steps[0].given)  # x, the parameters and the target, known from the start
    grads: dict[str, np.ndarray] = {}
    for s in steps[1:index + 1]:
        (values if s.phase == "forward" else grads)[s.node] = s.value
    w, h = STEP_BOX if layout == "wide" else STEP_BOX_NARROW
    phase_color = STEP_COLORS["backward" if step.phase == "backward" else "forward"]
    for a, b in STEP_EDGES:
        (xa, ya), (xb, yb) = graph[a], graph[b]
        if ya == yb:  # side by side: from a's edge facing b to b's edge facing a
            side = w / 2 if xb > xa else -w / 2
            start, end = (xa + side, ya), (xb - side, yb)
        else:  # one above the other
            side = h / 2 if yb > ya else -h / 2
            start, end = (xa, ya + side), (xb, yb - side)
        lit = step.node in (a, b) and {a, b} & set(step.inputs)
        if lit and step.phase == "backward":
            start, end = end, start
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", lw=3 if lit else 1,
                                    color=phase_color if lit else "0.55",
                                    shrinkA=0, shrinkB=0))
    for node, (cx, cy) in graph.items():
        role = "current" if node == step.node else "input" if node in step.inputs else "other"
        ax.add_patch(FancyBboxPatch(
            (cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=STEP_COLORS[role], edgecolor=phase_color if role == "current" else "0.3",
            lw=2.5 if role == "current" else 1, zorder=2))
        ax.text(cx, cy + h / 2 - 0.07, STEP_LABELS.get(node, node), ha="center", va="top",
                fontsize=10, fontweight="bold", zorder=3)
        lines = _step_value_lines(values[node]) if node in values else ["?"]
        ax.text(cx, cy + h / 2 - 0.32, "\n".join(lines), ha="center", va="top",
                fontsize=8, linespacing=1.2, zorder=3, color="0.15")
        if node in grads:  # below the value, in red
            grad = _step_value_lines(grads[node])
            grad = [f"d = {grad[0]}"] if len(grad) == 1 and len(grad[0]) < 10 else ["d ="] + grad
            ax.text(cx, cy + h / 2 - 0.32, "\n" * len(lines) + "\n".join(grad), ha="center",
                    va="top", fontsize=8, linespacing=1.2, zorder=3,
                    color=STEP_COLORS["backward"])
    if formula and layout == "wide":  # (the narrow graph has no room for it under the chain)
        ax.text(5.6, -1.1, step.formula, ha="center", va="center", fontsize=10.5,
                bbox=dict(boxstyle="round,pad=0.45", facecolor="#f5f5f5",
                          edgecolor=phase_color if step.phase != "start" else "0.5"))
    xlim, ylim = STEP_LIMITS[layout]
    if layout == "wide" and not formula:
        ylim = (-0.75, ylim[1])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        kind = {"start": "the hand example", "forward": "forward pass",
                "backward": "backward pass"}[step.phase]
        name = {"y_hat": "ŷ"}.get(step.name, step.name)
        title = f"Step {index} of {len(steps) - 1}: {kind}" + (
            f", {name}" if step.phase != "start" else "")
    if title:
        ax.set_title(title, fontsize=12)
    return fig, ax


# --- A drawn digit through the network (notebook 04, the app) ------------------------------

# The 28x28 input, the hidden units and the 10 outputs, left to right as the network reads;
# pixels of each piece (the widget sends them as three pictures: input and hidden units fit
# side by side on a phone, the outputs below them).
READING_PANELS = (140, 200, PANEL_WIDTH)
READING_HEIGHT = 200  # pixels
READING_SIZE = (sum(READING_PANELS) / 80, READING_HEIGHT / 80)  # inches at 80 dpi
OUTPUT_COLOR, PREDICTED_COLOR, TARGET_COLOR = "0.65", "tab:blue", "tab:green"


def _grid_shape(n: int) -> tuple[int, int]:
    cols = math.ceil(math.sqrt(n))
    return math.ceil(n / cols), cols


def _as_grid(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    grid = np.full(shape[0] * shape[1], np.nan)
    grid[:values.size] = values.ravel()
    return grid.reshape(shape)


class DigitReading:
    """What the network makes of one image: the 28x28 input, the hidden units, the 10 outputs.

    One figure with a fixed layout, built once; :meth:`png` updates the artists' data and
    redraws (for the draw-a-digit widget, whose stroke-to-prediction budget is 100 ms), and
    :meth:`pngs` cuts the same picture into its three panels (:data:`READING_PANELS` pixels
    wide). :func:`digit_reading` draws the same picture once, for a notebook.

    Parameters
    ----------
    n_hidden : int, the number of hidden units shown as a grid
    fig : matplotlib Figure, optional; default a new Figure (no pyplot) of
        :data:`READING_SIZE` at ``dpi``
    dpi : int

    Attributes
    ----------
    fig, axes : the figure and its three axes (input, hidden, outputs)
    panels : the three sub-figures
    """

    def __init__(self, n_hidden: int, *, fig=None, dpi: int = 80):
        if fig is None:
            fig = Figure(figsize=READING_SIZE, dpi=dpi)
            FigureCanvasAgg(fig)
        self.fig = fig
        self.n_hidden = n_hidden
        self._shape = _grid_shape(n_hidden)
        self.panels = tuple(fig.subfigures(1, 3, width_ratios=READING_PANELS, wspace=0))
        ax_in, ax_hid, ax_out = self.axes = tuple(panel.add_subplot() for panel in self.panels)
        self._image = ax_in.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=0, vmax=1)
        ax_in.set_xticks([])
        ax_in.set_yticks([])
        ax_in.set_title("what the network sees\n(28x28, MNIST-style)", fontsize=9)
        self._hidden = ax_hid.imshow(np.zeros(self._shape), cmap="viridis", vmin=0, vmax=1)
        ax_hid.set_xticks([])
        ax_hid.set_yticks([])
        ax_hid.set_title(f"hidden activations u3\n({n_hidden} units, 0 to 1)", fontsize=9)
        self.panels[1].colorbar(self._hidden, ax=ax_hid, fraction=0.08, pad=0.04).ax.tick_params(
            labelsize=8)
        self._bars = ax_out.bar(np.arange(10), np.zeros(10), color=OUTPUT_COLOR)
        ax_out.set(xticks=range(10), ylim=(0, 1.05), xlim=(-0.6, 9.6))
        ax_out.set_xlabel("digit", fontsize=9, labelpad=1)
        ax_out.set_ylabel("output ŷ", fontsize=9)
        ax_out.tick_params(labelsize=8)
        self._out_title = ax_out.set_title("", fontsize=10)
        self.panels[0].subplots_adjust(left=0.06, right=0.94, bottom=0.1, top=0.78)
        self.panels[1].subplots_adjust(left=0.04, right=0.86, bottom=0.1, top=0.78)
        self.panels[2].subplots_adjust(left=0.14, right=0.97, bottom=0.2, top=0.86)
        # What changes is animated: left out of the one full draw, drawn over its saved
        # background on every update (a full draw is ~4x slower).
        self._changing = [self._image, *self._bars, self._out_title, self._hidden]
        for artist in self._changing:
            artist.set_animated(True)
        self._frames = [*ax_in.spines.values(), *ax_hid.spines.values()]  # over the images
        self._background = None

    def update(self, x: np.ndarray, y_hat: np.ndarray, hidden: np.ndarray,
               label: int | None = None) -> None:
        """Set the picture: ``x`` (784,), ``y_hat`` (10,), ``hidden`` (n_hidden,)."""
        self._image.set_data(np.asarray(x).reshape(28, 28))
        y_hat = np.asarray(y_hat).ravel()
        predicted = int(np.argmax(y_hat))
        for digit, (bar, value) in enumerate(zip(self._bars, y_hat, strict=True)):
            bar.set_height(value)
            color = PREDICTED_COLOR if digit == predicted else OUTPUT_COLOR
            bar.set_color(TARGET_COLOR if digit == label and digit != predicted else color)
        if not np.asarray(x).any():
            self._out_title.set_text("draw a digit")
        else:
            truth = "" if label is None else f", true {label}"
            self._out_title.set_text(f"prediction: {predicted} (output {y_hat[predicted]:.2f})"
                                     f"{truth}")
        self._hidden.set_data(_as_grid(np.asarray(hidden), self._shape))

    def _draw(self, x, y_hat, hidden, label=None) -> np.ndarray:
        self.update(x, y_hat, hidden, label)
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self._changing + self._frames:
            artist.draw(renderer)
        return _rgb(canvas)

    def png(self, x, y_hat, hidden, label=None) -> bytes:
        """:meth:`update`, then the figure as PNG bytes, drawn by blitting."""
        return _png(self._draw(x, y_hat, hidden, label))

    def pngs(self, x, y_hat, hidden, label=None) -> list[bytes]:
        """As :meth:`png`, cut into the three panels: input, hidden units, outputs."""
        rgb = self._draw(x, y_hat, hidden, label)
        return _pieces(rgb, self.panels)


def digit_reading(x: np.ndarray, y_hat: np.ndarray, hidden: np.ndarray,
                  label: int | None = None):
    """The network's reading of one image: input, hidden activations, 10 outputs as bars.

    Parameters
    ----------
    x : ndarray, shape (784,), the image the network sees
    y_hat : ndarray, shape (10,), its outputs; hidden : ndarray, shape (n_hidden,), u3
    label : int, optional, the true label (its bar green when the prediction is wrong)

    Returns
    -------
    fig, axes : the figure and its three axes (input, hidden, outputs)
    """
    fig = plt.figure(figsize=READING_SIZE)
    view = DigitReading(np.asarray(hidden).size, fig=fig)
    for artist in view._changing:  # drawn with the rest: this figure is drawn once
        artist.set_animated(False)
    view.update(x, y_hat, hidden, label)
    return fig, view.axes


TEACH_SIZE = (2 * PANEL_WIDTH / 80, 270 / 80)  # inches at 80 dpi: two panels of 360x270 px


def teach_step(x: np.ndarray, before: np.ndarray, after: np.ndarray, d_W1: np.ndarray,
               label: int, lr: float, *, n_units: int = 8, fig=None):
    """One backprop step on one image: the outputs before and after, and d_W1's images.

    The two halves are sub-figures of equal width (``fig.subfigs``), so that a widget can
    send them as two pictures (:func:`panel_pngs`).

    Parameters
    ----------
    x : ndarray, shape (784,), the image
    before, after : ndarray, shape (10,), the outputs before and after the step
    d_W1 : ndarray, shape (784, n_hidden), the gradient of that step
    label : int, the label taught; lr : float, the step's learning rate
    n_units : int, the hidden units shown: those whose weights change most (largest
        ``|d_W1[:, j]|``), each as a 28x28 image, on one colour scale centred at zero
    fig : matplotlib Figure, optional (default a new pyplot figure of :data:`TEACH_SIZE`)

    Returns
    -------
    fig, axes : the figure and its axes (outputs first, then one per unit)
    """
    if fig is None:
        fig = plt.figure(figsize=TEACH_SIZE)
    left, right = fig.subfigures(1, 2, wspace=0)
    ax_out = left.add_subplot()
    left.subplots_adjust(left=0.14, right=0.97, bottom=0.16, top=0.8)
    digits = np.arange(10)
    ax_out.bar(digits - 0.2, before, 0.4, color="0.7", label="before")
    ax_out.bar(digits + 0.2, after, 0.4, color=PREDICTED_COLOR, label="after")
    ax_out.axvspan(label - 0.5, label + 0.5, color=TARGET_COLOR, alpha=0.15, lw=0)
    ax_out.set(xticks=digits, yticks=np.linspace(0, 1, 6), ylim=(0, 1.3), xlim=(-0.6, 9.6))
    ax_out.set_xlabel("digit", fontsize=9, labelpad=1)
    ax_out.set_ylabel("output ŷ", fontsize=9)
    ax_out.tick_params(labelsize=8)
    ax_out.legend(fontsize=8, loc="upper center", ncols=2)  # above the bars, which end at 1
    ax_out.set_title(f"one step toward label {label} (lr {lr:.3g})\n"
                     f"ŷ_{label}: {before[label]:.2f} → {after[label]:.2f}", fontsize=10)
    size = np.linalg.norm(d_W1, axis=0)
    units = np.argsort(size)[::-1][:n_units]
    limit = float(np.abs(d_W1[:, units]).max()) or 1.0
    rows = 2 if n_units > 4 else 1
    cols = math.ceil(n_units / rows)
    inner = right.add_gridspec(rows, cols, wspace=0.08, hspace=0.25, left=0.03, right=0.8,
                               bottom=0.14, top=0.76)
    axes = [ax_out]
    image = None
    for k, unit in enumerate(units):
        ax = right.add_subplot(inner[k // cols, k % cols])
        image = ax.imshow(d_W1[:, unit].reshape(28, 28), cmap="RdBu_r", vmin=-limit,
                          vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"unit {unit}", fontsize=8, pad=2)
        axes.append(ax)
    if image is not None:
        bar = right.colorbar(image, cax=right.add_axes((0.83, 0.14, 0.03, 0.62)))
        bar.ax.tick_params(labelsize=7)
        bar.formatter.set_powerlimits((-2, 2))
        bar.ax.yaxis.get_offset_text().set_fontsize(7)
    right.suptitle(f"d_W1 of the {len(units)} hidden units whose weights\nchange most "
                   "(the step is −lr × this)", fontsize=9.5, y=0.97)
    return fig, axes


# --- Inside the network, live (notebook 02, the playground's second view) -------------------

# Pixels at 80 dpi: a title strip over four panels of PANEL_WIDTH (weights, outputs; gradient
# sizes, saturation), which the playground sends as four pictures (side by side in twos on a
# laptop, stacked on a phone) with the title as text.
INSIDE_ROWS = (28, 372, 200)
INSIDE_SIZE = (2 * PANEL_WIDTH / 80, sum(INSIDE_ROWS) / 80)  # inches
INSIDE_UNITS = 16  # hidden units whose weights are drawn
GRAD_RANGE = (1e-7, 1.0)  # the gradient axis; wider only if a value falls outside (rare),
# so that a run's pictures are blitted over one background
LAYER_COLORS = ("tab:purple", "tab:red", "tab:brown")


def weight_limit(init_std: float) -> float:
    """The colour scale of the weight images, +-this: a round number, at least 0.5, and at
    least 4 standard deviations of the initial weights (so N(0, 1) weights are not all
    clipped). Fixed for a run, so the live view redraws only the images."""
    want = max(0.5, 4 * init_std)
    return next(s * 10 ** e for e in range(-1, 4) for s in NICE_STEPS if s * 10 ** e >= want)


def _decades(values: Sequence[float], default: tuple[float, float]) -> tuple[float, float]:
    good = [v for v in values if v > 0 and math.isfinite(v)]
    if not good:
        return default
    low = 10.0 ** math.floor(math.log10(min(good)))
    high = 10.0 ** math.ceil(math.log10(max(good)))
    return min(low, default[0]), max(high, default[1])


class InsideView:
    """What happens inside the network as it trains, in one figure (kept alive, blitted).

    * the weights of the first 16 hidden units as 28x28 images, on one colour scale centred
      at zero (the colour bar shows it; values beyond it take the end colours);
    * a fixed handful of validation digits: each image, its 10 outputs as bars, the
      predicted and the true label;
    * per epoch and per layer, the gradient's size (mean |dL/dW| of the epoch's last
      minibatch, log scale) and the share of saturated activations (sigma' < 0.01).

    Built once with a fixed layout; :meth:`png` redraws only what changes over a saved
    background (the full draw happens when the axes' limits change), and :meth:`pngs` cuts
    the same picture into its four panels. Used by the playground's inside view;
    :func:`inside_figure` draws the same once, for a notebook.

    Parameters
    ----------
    X, y : ndarray, (k, 784) and (k,), the validation digits shown (k <= 6)
    n_layers : int, weight layers of the network (2 for one hidden layer)
    fig : matplotlib Figure, optional; default a new Figure (no pyplot) of
        :data:`INSIDE_SIZE` at ``dpi``
    dpi : int

    Attributes
    ----------
    fig : the figure; panels : its four sub-figures (weights, outputs, gradient, saturation)
    ax_grad, ax_sat : the axes of the last two
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, *, n_layers: int = 2, fig=None,
                 dpi: int = 80):
        if fig is None:
            fig = Figure(figsize=INSIDE_SIZE, dpi=dpi)
            FigureCanvasAgg(fig)
        self.fig, self.X, self.y, self.n_layers = fig, np.asarray(X), np.asarray(y), n_layers
        k = len(self.y)
        head, body = fig.subfigures(2, 1, height_ratios=[INSIDE_ROWS[0], sum(INSIDE_ROWS[1:])],
                                    hspace=0)
        self.panels = tuple(body.subfigures(2, 2, height_ratios=INSIDE_ROWS[1:], wspace=0,
                                            hspace=0).ravel())
        p_weights, p_digits, p_grad, p_sat = self.panels
        grid = p_weights.add_gridspec(4, 5, width_ratios=[1, 1, 1, 1, 0.12], wspace=0.08,
                                      hspace=0.2, left=0.03, right=0.88, top=0.88, bottom=0.01)
        self._weights = []
        for i in range(INSIDE_UNITS):
            ax = p_weights.add_subplot(grid[i // 4, i % 4])
            ax.set_xticks([])
            ax.set_yticks([])
            # The unit's number above its image and a frame just outside it: both part of
            # the saved background, so that an update redraws only the pixels.
            ax.set_title(f"unit {i}", fontsize=7, pad=1.5, color="0.3")
            self._weights.append(ax.imshow(np.zeros((28, 28)), cmap="RdBu_r", vmin=-1,
                                           vmax=1, interpolation="nearest"))
            ax.set(xlim=(-0.9, 27.9), ylim=(27.9, -0.9))
        self._cbar_ax = p_weights.add_subplot(grid[:, 4])
        self._cbar = p_weights.colorbar(self._weights[0], cax=self._cbar_ax, extend="both")
        self._cbar_ax.tick_params(labelsize=8)
        p_weights.suptitle("weights w1 of hidden units 0-15\n(28x28 each)", fontsize=10,
                           y=0.995)
        digits = p_digits.add_gridspec(k, 2, width_ratios=[1, 3.2], wspace=0.06, hspace=0.45,
                                       left=0.03, right=0.97, top=0.86, bottom=0.07)
        self._bars, self._labels = [], []
        for i in range(k):
            ax_img = p_digits.add_subplot(digits[i, 0])
            ax_img.imshow(self.X[i].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
            ax_img.set_xticks([])
            ax_img.set_yticks([])
            ax_bar = p_digits.add_subplot(digits[i, 1])
            self._bars.append(ax_bar.bar(np.arange(10), np.zeros(10), color=OUTPUT_COLOR))
            ax_bar.set(ylim=(0, 1.05), xlim=(-0.6, 9.6), yticks=[0, 1])
            ax_bar.set_xticks(range(10), labels=[str(d) for d in range(10)] if i == k - 1
                              else [])
            ax_bar.tick_params(labelsize=8, length=2, pad=1)
            self._labels.append(ax_bar.text(1.0, 1.04, "", transform=ax_bar.transAxes,
                                            ha="right", va="bottom", fontsize=8))
        p_digits.suptitle(f"{k} validation digits:\nthe 10 outputs", fontsize=10, y=0.995)
        self.ax_grad = p_grad.add_subplot()
        self.ax_sat = p_sat.add_subplot()
        p_grad.subplots_adjust(left=0.17, right=0.96, top=0.86, bottom=0.2)
        p_sat.subplots_adjust(left=0.13, right=0.96, top=0.86, bottom=0.2)
        self._grad_lines, self._sat_lines = [], []
        for layer in range(1, n_layers + 1):
            name = "output" if layer == n_layers else f"hidden {layer}" if n_layers > 2 \
                else "hidden"
            color = LAYER_COLORS[(layer - 1) % len(LAYER_COLORS)]
            (line,) = self.ax_grad.plot([], [], color=color, label=f"w{layer}")
            self._grad_lines.append(line)
            (line,) = self.ax_sat.plot([], [], color=color, label=name)
            self._sat_lines.append(line)
        self.ax_grad.set_yscale("log")
        self.ax_grad.set_title("gradient size: mean |dL/dw|,\nlast minibatch of each epoch",
                               fontsize=9)
        self.ax_sat.set_title("saturated activations:\nσ' < 0.01 (%)", fontsize=9)
        self.ax_sat.set_ylim(0, 101)
        for ax in (self.ax_grad, self.ax_sat):
            ax.tick_params(labelsize=8)
            ax.set_xlabel("epoch", fontsize=8, labelpad=1)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
        self.ax_grad.legend(fontsize=8, loc="lower left", ncols=n_layers)
        self.ax_sat.legend(fontsize=8, loc="lower right", ncols=n_layers)
        self._title = head.text(0.5, 0.5, "", ha="center", va="center", fontsize=10)
        self._changing = [*self._weights, *(b for bars in self._bars for b in bars),
                          *self._labels, *self._grad_lines, *self._sat_lines, self._title]
        for artist in self._changing:
            artist.set_animated(True)
        self._backgrounds: dict[tuple, Any] = {}  # by limits: one per colour scale and x axis
        self.full_draws = self.blits = 0

    def _set_limits(self, limits: tuple) -> None:
        limit, xlim, ylim = limits
        self._cbar.mappable.set_clim(-limit, limit)
        self.ax_grad.set(xlim=xlim, ylim=ylim)
        self.ax_sat.set_xlim(*xlim)

    def update(self, params: Mapping[str, np.ndarray], history: Mapping[str, Sequence[float]],
               n_epochs: int | None = None, limit: float = 1.0, title: str = "") -> tuple:
        """Set every changing artist; returns the axes' limits (for :meth:`png`)."""
        W1 = np.asarray(params["W1"])
        for i, image in enumerate(self._weights):
            image.set_data(W1[:, i].reshape(28, 28) if i < W1.shape[1]
                           else np.full((28, 28), np.nan))
            image.set_clim(-limit, limit)
        a = self.X.astype(W1.dtype)
        for layer in range(1, self.n_layers + 1):
            a = 1 / (1 + np.exp(-np.clip(a @ params[f"W{layer}"] + params[f"b{layer}"],
                                         -500, 500)))
        for bars, label, out, truth in zip(self._bars, self._labels, a, self.y, strict=True):
            predicted = int(np.argmax(out))
            for digit, (bar, value) in enumerate(zip(bars, out, strict=True)):
                bar.set_height(value)
                bar.set_color(PREDICTED_COLOR if digit == predicted else OUTPUT_COLOR)
            right = predicted == truth
            label.set_text(f"said {predicted}, true {truth}")
            label.set_color("tab:green" if right else "tab:red")
        n = max(n_epochs or 0, len(history.get("grad_W1", [])), 1)
        grads = []
        for layer, (g_line, s_line) in enumerate(zip(self._grad_lines, self._sat_lines,
                                                     strict=True), start=1):
            g = np.asarray(history.get(f"grad_W{layer}", []), dtype=float)
            s = np.asarray(history.get(f"saturated_{layer}", []), dtype=float)
            g_line.set_data(np.arange(1, len(g) + 1), g)
            s_line.set_data(np.arange(1, len(s) + 1), 100 * s)
            grads += list(g)
        self._title.set_text(title)
        return (limit, (0.5, n + 0.5), _decades(grads, GRAD_RANGE))

    def _draw(self, params, history, n_epochs=None, limit: float = 1.0,
              title: str = "") -> np.ndarray:
        limits = self.update(params, history, n_epochs, limit, title)
        canvas = self.fig.canvas
        self._set_limits(limits)
        if limits not in self._backgrounds:
            canvas.draw()
            self._backgrounds[limits] = canvas.copy_from_bbox(self.fig.bbox)
            self.full_draws += 1
        else:
            canvas.restore_region(self._backgrounds[limits])
            self.blits += 1
        renderer = canvas.get_renderer()
        for artist in self._changing:
            artist.draw(renderer)
        return _rgb(canvas)

    def png(self, params, history, n_epochs=None, limit: float = 1.0, title: str = "") -> bytes:
        """:meth:`update`, then the picture as PNG bytes (a full draw only when limits change)."""
        return _png(self._draw(params, history, n_epochs, limit, title))

    def pngs(self, params, history, n_epochs=None, limit: float = 1.0,
             title: str = "") -> list[bytes]:
        """As :meth:`png`, cut into the four panels (the title strip left out: a page shows
        the title as text): weights, outputs, gradient sizes, saturation."""
        rgb = self._draw(params, history, n_epochs, limit, title)
        return _pieces(rgb, self.panels)


def inside_figure(params: Mapping[str, np.ndarray], history: Mapping[str, Sequence[float]],
                  X: np.ndarray, y: np.ndarray, *, n_epochs: int | None = None,
                  limit: float | None = None, title: str = ""):
    """The inside view once: weights of hidden units 0-15, outputs for ``X``, and the
    per-epoch gradient sizes and saturation from ``history`` (``train(..., inside=True)``).

    Parameters
    ----------
    params : dict, the network (one or more hidden layers; W1 is drawn)
    history : dict from ``backprop.train(..., inside=True)``
    X, y : ndarray, (k, 784) and (k,), a few validation digits (k <= 6)
    n_epochs : int, optional, the x axis' extent; limit : float, the colour scale (default
        from the weights); title : str

    Returns
    -------
    fig, view : the figure and the :class:`InsideView` drawn on it
    """
    fig = plt.figure(figsize=INSIDE_SIZE)
    n_layers = sum(1 for key in params if key.startswith("W"))
    view = InsideView(X, y, n_layers=n_layers, fig=fig)
    for artist in view._changing:
        artist.set_animated(False)
    if limit is None:
        limit = weight_limit(float(np.percentile(np.abs(params["W1"]), 99)) / 2.5)
    limits = view.update(params, history, n_epochs, limit, title)
    view._set_limits(limits)
    return fig, view
