"""The static figures of the notebooks: each plotting function draws once and returns
``fig, ax`` (``fig, axes`` for :func:`learning_curves` and :func:`image_grid`).

Learning curves, a hyperparameter sweep, grids of digits or weight images, the confusion
matrix, the network's diagram and a results table; also :func:`confusion_matrix` (the
counts) and the learning curves' limits and styling, which the live curves share. None needs
widgets; each draws into a new pyplot figure unless given axes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator, NullLocator

from .alt import describe, num, plain
from .style import CURVES_SIZE, NICE_STEPS, figure_axes, split_style, text_color

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def nice_ceiling(value: float) -> float:
    """The round number (a step of ``NICE_STEPS`` times a power of ten) at or above
    ``value`` > 0: an axis limit."""
    decade = 10.0 ** math.floor(math.log10(value))
    return next(s * decade for s in NICE_STEPS if s * decade >= value)


def curve_limits(histories: Sequence[Mapping[str, Sequence[float]]], n_epochs: int | None = None,
                 percent: bool = True, loss_scale: str = "linear") -> tuple[tuple, tuple, tuple]:
    """The axes' limits of the learning curves: ``(x, loss, accuracy)``, each ``(lo, hi)``.

    They depend only on the largest loss, the lowest accuracy and the number of epochs, each
    rounded to a round number, so they seldom change while a run goes on: the live view can
    then redraw just the lines. The loss axis starts at 0 (``loss_scale="log"``: at the power
    of ten just below the smallest positive loss, which a log axis can show); the accuracy
    axis ends just above 100 % (so a curve at 100 % stays visible) and starts at a multiple
    of 5 below the lowest accuracy.
    """
    if loss_scale not in ("linear", "log"):
        raise ValueError(f"loss_scale must be 'linear' or 'log', got {loss_scale!r}")
    losses = [v for h in histories for k in ("train_loss", "val_loss") for v in h.get(k, [])]
    accs = [v for h in histories for k in ("train_acc", "val_acc") for v in h.get(k, [])]
    losses = [v for v in losses if math.isfinite(v)]
    accs = [v for v in accs if math.isfinite(v)]
    n = max([n_epochs or 0] + [len(h.get("train_loss", [])) for h in histories])
    x = (0.5, max(n, 2) + 0.5)
    top = max(losses, default=1.0) * 1.04
    loss = (0.0, nice_ceiling(top if top > 0 else 1.0))
    if loss_scale == "log":  # 0 is not on a log axis: from the smallest loss's decade
        low_loss = min((v for v in losses if v > 0), default=loss[1] / 10)
        loss = (min(10.0 ** math.floor(math.log10(low_loss)), loss[1] / 10), loss[1])
    scale = 100 if percent else 1
    low = 100 * min(accs, default=0.0)
    acc = (max(0.0, 5 * math.floor(low / 5) - 5) * scale / 100, 1.01 * scale)
    return x, loss, acc


def style_curve_axes(ax_loss: Axes, ax_acc: Axes, title: str = "",
                     percent: bool = True) -> None:
    """Labels, titles, grid and integer epoch ticks shared by the static and the live curves."""
    ax_loss.set(xlabel="epoch", ylabel="loss", title=f"{title} loss".strip())
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)" if percent else "accuracy",
               title=f"{title} accuracy".strip())
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def learning_curves(history: Mapping[str, Sequence[float]], *,
                    axes: Sequence[Axes] | None = None, title: str = "", label: str = "",
                    alpha: float = 1.0, linestyle: str = "-", percent: bool = True,
                    loss_scale: str = "linear") -> tuple[Figure, Sequence[Axes]]:
    """Loss (left) and accuracy (right) per epoch, training and validation.

    Parameters
    ----------
    history : dict from :func:`backprop.train`
    axes : pair of matplotlib Axes to draw into (e.g. to overlay several runs)
    title, label : str; ``label`` is prefixed to the legend entries
    alpha : float, for faded earlier runs
    linestyle : matplotlib line style, to tell overlaid runs apart
    percent : bool, accuracy in percent
    loss_scale : {"linear", "log"}, the loss axis: from 0, or logarithmic from the decade of
        the smallest loss drawn (to see a loss of 0.007 next to one of 1), labelled at the
        powers of ten. Overlaid runs pass the same value. (The linear axis keeps autoscaling
        on, so that ``set_yscale("log")`` afterwards rescales it to the data instead of
        leaving a log axis from 0, which is blank; anything drawn into it later rescales it
        too.)

    Returns
    -------
    fig, (ax_loss, ax_acc)
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=CURVES_SIZE, layout="constrained")
    ax_loss, ax_acc = axes
    scale = 100 if percent else 1
    for split in ("train", "val"):
        losses, accs = history.get(f"{split}_loss", []), history.get(f"{split}_acc", [])
        if not losses:
            continue
        epochs = np.arange(1, len(losses) + 1)
        name = f"{label}{'training' if split == 'train' else 'validation'}"
        style = {**split_style(split, len(losses)), "alpha": alpha, "linestyle": linestyle,
                 "label": name}
        ax_loss.plot(epochs, losses, **style)
        ax_acc.plot(epochs, np.asarray(accs) * scale, **style)
    style_curve_axes(ax_loss, ax_acc, title, percent)
    # the same limits as the live view, over every run drawn into these axes so far
    shown = [{"train_loss": line.get_ydata()} for line in ax_loss.lines]
    shown += [{"train_acc": np.asarray(line.get_ydata()) / scale} for line in ax_acc.lines]
    x, loss_lim, acc_lim = curve_limits(shown, percent=percent, loss_scale=loss_scale)
    if loss_scale == "log":
        ax_loss.set_yscale("log")  # decade ticks; the minor ticks' labels only when few
    ax_loss.set_xlim(x)
    ax_loss.set_ylim(loss_lim, auto=None)  # (auto=None: see loss_scale above)
    ax_acc.set(xlim=x, ylim=acc_lim)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize="small")
    runs = len(ax_loss.lines)
    name = f" {plain(title).rstrip(':')}" if title else ""
    describe(axes[0].figure, f"Learning curves{name}: loss "
             f"(left panel{', log scale' if loss_scale == 'log' else ''}) and accuracy (right "
             f"panel) against the epoch, {runs} curve(s) in each; training with filled "
             "circles, validation with open squares", data=True)
    return axes[0].figure, axes


def sweep_plot(summary: pd.DataFrame, x: str, *,
               report: Mapping[str, Sequence[float]] | None = None, logx: bool = False,
               ax: Axes | None = None, title: str = "") -> tuple[Figure, Axes]:
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
    fig, ax = figure_axes(ax, figsize=(8.5, 4))
    xs = np.asarray(summary.index, dtype=float)
    seeds = summary[("n_seeds", "")].unique() if ("n_seeds", "") in summary else []
    if len(seeds) == 1 and seeds[0] == 1:
        bars = ""
    elif len(seeds) == 1:
        bars = f": mean ± std over {seeds[0]} seeds"
    else:
        bars = ": mean ± std over seeds"
    for split in ("train", "val"):
        mean = 100 * summary[(f"{split}_acc", "mean")].to_numpy()
        std = 100 * summary[(f"{split}_acc", "std")].fillna(0).to_numpy()
        name = "training" if split == "train" else "validation"
        style = split_style(split)
        del style["markevery"]  # a mark at every tested value
        ax.errorbar(xs, mean, yerr=std, capsize=3, label=f"ours, {name}{bars}", **style)
        if report is not None and split in report:
            ax.plot(xs, report[split], color=style["color"], marker="x" if split == "train"
                    else "+", markersize=7, linestyle="--", label=f"report, {name}")
    if logx:
        ax.set_xscale("log")
    ax.set_xticks(xs, [f"{v:g}" for v in xs])  # the tested values, not only round numbers
    ax.xaxis.set_minor_locator(NullLocator())
    if len(xs) > 6:  # close values on a log axis would overprint each other
        ax.tick_params(axis="x", labelrotation=60)
    ax.set(xlabel=x, ylabel="accuracy (%)", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))  # off the data
    describe(fig, f"{plain(title) or 'Sweep'}: accuracy in % (training with filled circles, "
             f"validation with open squares{', the report with crosses' if report else ''}) "
             f"against {plain(x)}, tested at {', '.join(num(v) for v in xs)}", data=True)
    return fig, ax


def digit_grid(X: np.ndarray, y: np.ndarray, *, per_class: int = 8,
               titles: Sequence[str] | None = None,
               ax: Axes | None = None) -> tuple[Figure, Axes]:
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
    fig, ax = figure_axes(ax, figsize=(per_class * 0.6 + 0.8, 6.6))
    rows = []
    for digit in range(10):
        idx = np.flatnonzero(y == digit)[:per_class]
        tiles = [X[i].reshape(28, 28) for i in idx] + [np.zeros((28, 28))] * (per_class - len(idx))
        rows.append(np.hstack(tiles))
    ax.imshow(np.vstack(rows), cmap="gray_r", interpolation="nearest")
    ax.set_yticks(np.arange(10) * 28 + 14, [str(d) for d in range(10)])
    ax.set_xticks([])
    ax.set_ylabel("class")
    counts = [int(np.sum(y == d)) for d in range(10)]
    describe(fig, f"A grid of handwritten digits, dark ink on white: one row per digit 0 to 9, "
             f"the first {per_class} images of that digit in the data, each 28 by 28 pixels. "
             f"The data hold {len(y)} images: "
             + ", ".join(f"{c} of digit {d}" for d, c in enumerate(counts)))
    return fig, ax


def image_grid(images: np.ndarray, *, ncols: int = 10, titles: Sequence[str] | None = None,
               cmap: str = "gray_r", symmetric: bool = False,
               figsize: tuple[float, float] | None = None,
               fontsize: str | float = "small") -> tuple[Figure, np.ndarray]:
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
    words = (f"{len(images)} images of 28 by 28 pixels in {nrows} row(s) of {ncols}"
             + (", colour centred on 0 (blue negative, red positive)" if symmetric else ""))
    if titles is not None:
        words += ", titled in order: " + "; ".join(
            f"{i + 1}: {' '.join(str(t).split())}" for i, t in enumerate(titles))
    describe(fig, words)
    return fig, axes


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of class ``i`` predicted as ``j``."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return C


def confusion_plot(y_true: np.ndarray, y_pred: np.ndarray, *, ax: Axes | None = None,
                   title: str = "") -> tuple[Figure, Axes]:
    """The confusion matrix as a heat map with the counts written in.

    The diagonal (correct answers) is left white and its counts are bold; the colours show
    only the mistakes, each count black or white, whichever contrasts more with its cell.

    Returns
    -------
    fig, ax
    """
    C = confusion_matrix(y_true, y_pred)
    fig, ax = figure_axes(ax, figsize=(6, 5.4))
    off = C.astype(float)
    np.fill_diagonal(off, np.nan)  # colour the mistakes; the diagonal would swamp the scale
    im = ax.imshow(off, cmap="Reds")
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            # black or white, whichever contrasts more with the cell (at least 4.5:1)
            color = "black" if i == j else text_color(im.to_rgba(off[i, j]))
            ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=7, color=color,
                    fontweight="bold" if i == j else "normal")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true", title=title)
    fig.colorbar(im, ax=ax, label="misclassified count")
    mistakes = sorted(((int(C[i, j]), i, j) for i in range(10) for j in range(10) if i != j),
                      reverse=True)[:5]
    describe(fig, f"Confusion matrix{' ' + plain(title) if title else ''} of {int(C.sum())} "
             f"images: rows the true digit, columns the predicted one, each cell's count "
             f"written in it, the mistakes shaded red (darker: more). Correct (the diagonal): "
             + ", ".join(f"{d}: {int(C[d, d])} of {int(C[d].sum())}" for d in range(10))
             + ". Most frequent mistakes: "
             + ", ".join(f"{i} read as {j} {c} times" for c, i, j in mistakes if c))
    return fig, ax


def network_diagram(layer_sizes: Sequence[int] = (784, 110, 10), *, max_drawn: int = 12,
                    ax: Axes | None = None, labels: Sequence[str] | None = None,
                    equations: bool = True) -> tuple[Figure, Axes]:
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
    fig, ax = figure_axes(ax, figsize=(2.6 * n_cols + 0.6, 4.2))
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
    layers = ", ".join(f"{plain(labels[col])} with {n} units" for col, n in enumerate(sizes))
    joins = "; ".join(f"w{c}: {sizes[c - 1]} by {sizes[c]}, b{c}: {sizes[c]}"
                      for c in range(1, n_cols))
    describe(fig, f"Diagram of the network as {n_cols} columns of circles (units), left to "
             f"right: {layers}; every unit is joined by a line to every unit of the column "
             f"before (wide columns show {max_drawn} units and an ellipsis). The weights "
             f"between the columns: {joins}"
             + (". Under each column: its value is σ of the column before times its weights "
                "plus its biases" if equations else ""))
    return fig, ax


def results_table(rows: Mapping[str, Sequence], columns: Sequence[str], *,
                  ax: Axes | None = None, title: str = "") -> tuple[Figure, Axes]:
    """A table drawn as a figure (for slides); the notebooks also show it as a DataFrame.

    Returns
    -------
    fig, ax
    """
    fig, ax = figure_axes(ax, figsize=(1.2 + 1.1 * len(columns), 0.5 + 0.35 * len(rows)))
    ax.set_axis_off()
    table = ax.table(cellText=[[str(v) for v in vals] for vals in rows.values()],
                     rowLabels=list(rows), colLabels=list(columns), loc="center")
    table.scale(1, 1.3)
    ax.set_title(title)
    describe(fig, f"Table{' ' + plain(title) if title else ''}, columns "
             f"{', '.join(map(str, columns))}; rows: "
             + "; ".join(f"{name}: {', '.join(map(str, vals))}" for name, vals in rows.items()))
    return fig, ax
