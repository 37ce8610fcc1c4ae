"""A drawn digit through the network (notebook 04, the draw-a-digit widget, the app).

:class:`DigitReading` shows what the network makes of one image (input, hidden units,
outputs), kept alive and blitted; :func:`digit_reading` draws it once. :func:`teach_step`
shows one backprop step on that image. :func:`describe_reading` and :func:`describe_teach`
say what they show, in words (a page's text alternatives). The caller computes the network's
values: these figures only draw them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .pixels import canvas_rgb, panel_pieces, to_png
from .style import OUTPUT_COLOR, PANEL_WIDTH, PREDICTED_COLOR, TARGET_COLOR

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# The 28x28 input, the hidden units and the 10 outputs, left to right as the network reads;
# pixels of each piece (the widget sends them as three pictures: input and hidden units fit
# side by side on a phone, the outputs below them).
READING_PANELS = (140, 200, PANEL_WIDTH)
READING_HEIGHT = 200  # pixels
READING_SIZE = (sum(READING_PANELS) / 80, READING_HEIGHT / 80)  # inches at 80 dpi


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

    def __init__(self, n_hidden: int, *, fig: Figure | None = None, dpi: int = 80) -> None:
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
        return canvas_rgb(canvas)

    def png(self, x: np.ndarray, y_hat: np.ndarray, hidden: np.ndarray,
            label: int | None = None) -> bytes:
        """:meth:`update`, then the figure as PNG bytes, drawn by blitting."""
        return to_png(self._draw(x, y_hat, hidden, label))

    def pngs(self, x: np.ndarray, y_hat: np.ndarray, hidden: np.ndarray,
             label: int | None = None) -> list[bytes]:
        """As :meth:`png`, cut into the three panels: input, hidden units, outputs."""
        rgb = self._draw(x, y_hat, hidden, label)
        return panel_pieces(rgb, self.panels)


def digit_reading(x: np.ndarray, y_hat: np.ndarray, hidden: np.ndarray,
                  label: int | None = None) -> tuple[Figure, tuple[Axes, Axes, Axes]]:
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
               label: int, lr: float, *, n_units: int = 8,
               fig: Figure | None = None) -> tuple[Figure, list[Axes]]:
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


def _ranked(y_hat: np.ndarray) -> list[int]:
    return [int(d) for d in np.argsort(-np.asarray(y_hat), kind="stable")]


def describe_reading(x: np.ndarray, y_hat: np.ndarray, hidden: np.ndarray,
                     label: int | None = None, what: str = "") -> list[str]:
    """What the three panels of :class:`DigitReading` show, in words, with the current
    numbers: a text alternative for each picture (input, hidden units, outputs).

    Parameters
    ----------
    x, y_hat, hidden, label : as for :meth:`DigitReading.update`
    what : str, optional, where the image came from (e.g. "test image 42, labelled 7")

    Returns
    -------
    list of three str, e.g. "The 28x28 image the network sees: test image 42, labelled 7;
        ink on 19 % of pixels", "110 hidden activations u3 (0 to 1): 31 above 0.5, mean
        0.38", "The network's 10 outputs: the network reads 7 with 0.93; next 9 with 0.04"
    """
    x, y_hat, hidden = np.asarray(x), np.asarray(y_hat).ravel(), np.asarray(hidden).ravel()
    if not x.any():
        return ["The 28x28 image the network sees: empty, nothing drawn yet",
                f"{hidden.size} hidden activations u3: nothing to read yet",
                "The network's 10 outputs: nothing to read yet"]
    source = f"{what}; " if what else ""
    image = (f"The 28x28 image the network sees, MNIST-style: {source}ink on "
             f"{100 * float(np.mean(x > 0.1)):.0f} % of pixels")
    units = (f"{hidden.size} hidden activations u3 (0 to 1): {int(np.sum(hidden > 0.5))} above "
             f"0.5, mean {float(np.mean(hidden)):.2f}, largest unit {int(np.argmax(hidden))} "
             f"at {float(np.max(hidden)):.2f}")
    first, second = _ranked(y_hat)[:2]
    outputs = (f"The network's 10 outputs: the network reads {first} with "
               f"{float(y_hat[first]):.2f}; next {second} with {float(y_hat[second]):.2f}")
    if label is not None:
        outputs += f"; the true label {label} gets {float(y_hat[label]):.2f}"
    return [image, units, outputs]


def describe_teach(before: np.ndarray, after: np.ndarray, d_W1: np.ndarray, label: int,
                   lr: float, n_units: int = 8) -> list[str]:
    """What the two panels of :func:`teach_step` show, in words, with the step's numbers: a
    text alternative for each picture (outputs before and after, d_W1's images).

    Returns
    -------
    list of two str, e.g. "One backprop step toward label 3 (learning rate 0.03): output 3
        rose from 0.12 to 0.25; the network now reads 3 with 0.25, before 8 with 0.61", "d_W1
        of the 8 hidden units whose weights change most: units 12, 5, ...; largest |d_W1|
        0.0032"
    """
    before, after = np.asarray(before).ravel(), np.asarray(after).ravel()
    moved = "rose" if after[label] > before[label] else "fell" if after[label] < before[
        label] else "stayed"
    now, was = int(np.argmax(after)), int(np.argmax(before))
    # two decimals as the picture's title, or three where two would hide the change
    digits = 2 if f"{before[label]:.2f}" != f"{after[label]:.2f}" else 3
    outputs = (f"One backprop step toward label {label} (learning rate {lr:.3g}), outputs "
               f"before and after as bars: output {label} {moved} from "
               f"{float(before[label]):.{digits}f} to {float(after[label]):.{digits}f}; the "
               f"network now reads {now} with "
               f"{float(after[now]):.2f}, before {was} with {float(before[was]):.2f}")
    size = np.linalg.norm(d_W1, axis=0)
    units = [int(u) for u in np.argsort(size)[::-1][:n_units]]
    grads = (f"d_W1 of the {len(units)} hidden units whose weights change most, each a 28x28 "
             f"image (the step is minus the learning rate times this): units "
             f"{', '.join(map(str, units))}; largest |d_W1| "
             f"{float(np.abs(d_W1[:, units]).max()):.2g}")
    return [outputs, grads]
