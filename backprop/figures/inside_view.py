"""Inside the network as it trains (notebook 02, the playground's second view).

:class:`InsideView` shows the first hidden units' weights, the outputs for a few validation
digits, and per epoch each layer's gradient size and share of saturated activations, kept
alive and blitted; :func:`inside_figure` draws it once; :func:`describe_inside` says what its
four panels show, in words (a page's text alternatives). The caller computes the network's
outputs: the figure only draws them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .pixels import canvas_rgb, panel_pieces, to_png
from .style import (
    NICE_STEPS,
    OUTPUT_COLOR,
    PANEL_WIDTH,
    PREDICTED_COLOR,
    RIGHT_TEXT_COLOR,
    WRONG_TEXT_COLOR,
)

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
    * a fixed handful of validation digits: each image, its 10 outputs as bars (computed by
      the caller: the figure runs no network), the predicted and the true label;
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

    def __init__(self, X: np.ndarray, y: np.ndarray, *, n_layers: int = 2,
                 fig: Figure | None = None, dpi: int = 80) -> None:
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
               y_hat: np.ndarray, n_epochs: int | None = None, limit: float = 1.0,
               title: str = "") -> tuple:
        """Set every changing artist; returns the axes' limits (for :meth:`png`).

        Parameters
        ----------
        params : dict, the network; its ``W1`` (784, n_hidden) is drawn
        history : dict from ``backprop.train(..., inside=True)``, possibly partial: per
            epoch ``grad_W1``, ``grad_W2``, ... and ``saturated_1``, ``saturated_2``, ...
        y_hat : ndarray, shape (k, 10), the network's outputs for the view's k digits
            (e.g. ``backprop.forward(params, X)[0]``)
        n_epochs : int, optional, the x axis' extent (at least the epochs in ``history``)
        limit : float, the weights' colour scale is ``-limit`` to ``limit``
        title : str, written in the title strip

        Returns
        -------
        tuple, the colour scale and the x and gradient axes' limits
        """
        y_hat = np.asarray(y_hat)
        if y_hat.shape != (len(self.y), 10):
            raise ValueError(f"y_hat must have shape ({len(self.y)}, 10), the outputs for the "
                             f"view's {len(self.y)} digits, got {y_hat.shape}")
        W1 = np.asarray(params["W1"])
        for i, image in enumerate(self._weights):
            image.set_data(W1[:, i].reshape(28, 28) if i < W1.shape[1]
                           else np.full((28, 28), np.nan))
            image.set_clim(-limit, limit)
        for bars, label, out, truth in zip(self._bars, self._labels, y_hat, self.y,
                                           strict=True):
            predicted = int(np.argmax(out))
            for digit, (bar, value) in enumerate(zip(bars, out, strict=True)):
                bar.set_height(value)
                bar.set_color(PREDICTED_COLOR if digit == predicted else OUTPUT_COLOR)
            right = predicted == truth
            label.set_text(f"said {predicted}, true {truth}")
            label.set_color(RIGHT_TEXT_COLOR if right else WRONG_TEXT_COLOR)  # 4.5:1 on white
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

    def _draw(self, params, history, y_hat, n_epochs=None, limit: float = 1.0,
              title: str = "") -> np.ndarray:
        limits = self.update(params, history, y_hat, n_epochs, limit, title)
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
        return canvas_rgb(canvas)

    def png(self, params: Mapping[str, np.ndarray], history: Mapping[str, Sequence[float]],
            y_hat: np.ndarray, n_epochs: int | None = None, limit: float = 1.0,
            title: str = "") -> bytes:
        """:meth:`update` (same arguments), then the picture as PNG bytes (a full draw only
        when the limits change)."""
        return to_png(self._draw(params, history, y_hat, n_epochs, limit, title))

    def pngs(self, params: Mapping[str, np.ndarray], history: Mapping[str, Sequence[float]],
             y_hat: np.ndarray, n_epochs: int | None = None, limit: float = 1.0,
             title: str = "") -> list[bytes]:
        """As :meth:`png`, cut into the four panels (the title strip left out: a page shows
        the title as text): weights, outputs, gradient sizes, saturation."""
        rgb = self._draw(params, history, y_hat, n_epochs, limit, title)
        return panel_pieces(rgb, self.panels)


def inside_figure(params: Mapping[str, np.ndarray], history: Mapping[str, Sequence[float]],
                  X: np.ndarray, y: np.ndarray, y_hat: np.ndarray, *,
                  n_epochs: int | None = None, limit: float | None = None,
                  title: str = "") -> tuple[Figure, InsideView]:
    """The inside view once: weights of hidden units 0-15, outputs for ``X``, and the
    per-epoch gradient sizes and saturation from ``history`` (``train(..., inside=True)``).

    Parameters
    ----------
    params : dict, the network (one or more hidden layers; W1 is drawn)
    history : dict from ``backprop.train(..., inside=True)``
    X, y : ndarray, (k, 784) and (k,), a few validation digits (k <= 6)
    y_hat : ndarray, shape (k, 10), the network's outputs for ``X``
        (``backprop.forward(params, X)[0]``)
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
    limits = view.update(params, history, y_hat, n_epochs, limit, title)
    view._set_limits(limits)
    return fig, view


def describe_inside(params: Mapping[str, np.ndarray], history: Mapping[str, Sequence[float]],
                    y_hat: np.ndarray, y: np.ndarray, n_epochs: int | None = None,
                    limit: float = 1.0) -> list[str]:
    """What the four panels of :class:`InsideView` show, in words, with the current numbers:
    a text alternative for each picture (weights, outputs, gradient sizes, saturation).

    Parameters
    ----------
    params, history, y_hat, n_epochs, limit : as for :meth:`InsideView.update`
    y : ndarray, shape (k,), the true labels of the view's digits

    Returns
    -------
    list of four str, e.g. "Weights w1 of hidden units 0-15, each a 28x28 image, colour scale
        -0.5 to 0.5: typical size 0.041, largest 0.31", "5 validation digits and their 10
        outputs: 4 of 5 read right; true 7 read as 7 (0.93), ..."
    """
    W1 = np.asarray(params["W1"])
    shown = W1[:, :INSIDE_UNITS]
    n = shown.shape[1]
    epochs = len(history.get("grad_W1", []))
    at = f"after epoch {epochs}" + (f" of {n_epochs}" if n_epochs else "") if epochs else \
        "before training"
    weights = (f"Weights w1 of hidden units 0-{n - 1}, each a 28x28 image, {at}, colour scale "
               f"-{limit:g} to {limit:g} (blue negative, red positive): typical size "
               f"{float(np.mean(np.abs(shown))):.2g}, largest {float(np.max(np.abs(shown))):.2g}")
    clipped = float(np.mean(np.abs(shown) > limit))
    if clipped >= 0.0005:  # (what rounds to 0.0 % is not said)
        weights += f", {100 * clipped:.1f} % beyond the scale"
    y_hat, y = np.asarray(y_hat), np.asarray(y)
    said = np.argmax(y_hat, axis=1)
    reads = "; ".join(f"true {int(t)} read as {int(p)} ({float(o[p]):.2f})"
                      for t, p, o in zip(y, said, y_hat, strict=True))
    outputs = (f"{len(y)} validation digits and their 10 outputs, {at}: "
               f"{int(np.sum(said == y))} of {len(y)} read right; {reads}")
    layers = sorted(int(k[len("grad_W"):]) for k in history if k.startswith("grad_W"))
    names = {layer: "output" if layer == max(layers) else "hidden" for layer in layers}
    if not epochs:
        gradients = "Gradient size per epoch (log scale): no epoch yet"
        saturation = "Saturated activations per epoch: no epoch yet"
    else:
        grads = ", ".join(f"w{layer} {float(history[f'grad_W{layer}'][-1]):.2g}"
                          for layer in layers)
        first = ", ".join(f"w{layer} {float(history[f'grad_W{layer}'][0]):.2g}"
                          for layer in layers)
        gradients = (f"Gradient size per epoch, mean |dL/dw| of the last minibatch, log scale: "
                     f"epoch {epochs}: {grads}" + (f"; epoch 1: {first}" if epochs > 1 else ""))
        sats = ", ".join(f"{names[layer]} {100 * float(history[f'saturated_{layer}'][-1]):.0f} %"
                         for layer in layers if f"saturated_{layer}" in history)
        saturation = (f"Saturated activations per epoch, share with sigma' < 0.01: "
                      f"epoch {epochs}: {sats}")
    return [weights, outputs, gradients, saturation]
