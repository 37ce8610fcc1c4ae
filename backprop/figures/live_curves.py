"""The learning curves kept alive for the widgets, redrawn after every epoch by blitting.

The same picture as :func:`backprop.figures.notebook.learning_curves` (same limits, labels
and colours): one figure, drawn in full only when its axes change, otherwise by redrawing
just the lines over a saved background, then sent as PNG bytes, whole or as two panels.
:func:`describe_curves` says in words what the two panels show (a page's text alternative).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .notebook import curve_limits, nice_ceiling, style_curve_axes
from .pixels import canvas_rgb, panel_pieces, to_png
from .style import CURVES_SIZE, LIVE_WIDTH, TRAIN_COLOR, VAL_COLOR, split_style

# The axes stay while the curves fit them: the loss axis up to this many times higher than
# its curves need, the accuracy axis starting up to this much (a fraction) lower. Axes that
# must grow get room: this much more loss, this much lower accuracy (so the next run, a
# little higher, seldom makes them grow again).
STILL_FIT_LOSS = 2.5
STILL_FIT_ACC = 0.15
ROOM_LOSS = 1.5
ROOM_ACC = 0.05


class LiveCurves:
    """:func:`learning_curves` kept alive, for pictures redrawn after every epoch.

    One figure is built once, with a fixed layout. A new picture redraws the whole figure
    (~60 ms) only when the curves no longer fit its axes: a point beyond them, or axes much
    larger than :func:`curve_limits` asks (more than :data:`STILL_FIT_LOSS` times the loss,
    an accuracy axis starting more than :data:`STILL_FIT_ACC` lower), or another number of
    epochs; axes drawn again get some room (:data:`ROOM_LOSS`, :data:`ROOM_ACC`). So the
    axes may be a little larger than the static figure's, and a new run seldom costs a full
    draw. Otherwise it pastes a saved background and draws just the lines over it
    ("blitting", a few milliseconds): the faded earlier runs once per run, the current
    run's four lines every time. Used by :mod:`backprop.widgets`; needs no widgets itself.

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
    n_earlier : int, the faded earlier runs in the newest picture
    """

    def __init__(self, width: int = LIVE_WIDTH, dpi: int = 80, percent: bool = True) -> None:
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
        for split in ("train", "val"):
            name = "training" if split == "train" else "validation"
            for kind, ax in (("loss", ax_loss), ("acc", ax_acc)):
                # animated: left out of full draws, drawn by hand over the background;
                # markers as in the static figures: the split not told by colour alone
                (self._lines[f"{split}_{kind}"],) = ax.plot([], [], label=name, animated=True,
                                                            **split_style(split))
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

    @property
    def n_earlier(self) -> int:
        """The faded earlier runs in the newest picture (what a page can say it shows)."""
        return len(self._earlier)

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
        return to_png(canvas_rgb(self.fig.canvas))

    def pngs(self, history: Mapping[str, Sequence[float]] | None = None,
             earlier: Sequence[Mapping[str, Sequence[float]]] = (),
             n_epochs: int | None = None) -> tuple[bytes, bytes]:
        """The same picture as :meth:`png`, as two PNGs: the loss panel and the accuracy panel.

        Each is ``width / 2`` pixels wide. Drawing costs the same as :meth:`png`: one
        figure is drawn, then cut in two.
        """
        self.update(history, earlier, n_epochs)
        loss, acc = panel_pieces(canvas_rgb(self.fig.canvas), self.panels)
        return loss, acc

    def update(self, history: Mapping[str, Sequence[float]] | None = None,
               earlier: Sequence[Mapping[str, Sequence[float]]] = (),
               n_epochs: int | None = None) -> None:
        """Draw into the figure's canvas without encoding it (see :meth:`png`)."""
        history = history or {}
        earlier = list(earlier)
        limits = curve_limits([history, *earlier], n_epochs, self.percent)
        same_earlier = (len(earlier) == len(self._earlier)
                        and all(a is b for a, b in zip(earlier, self._earlier, strict=True)))
        if self._frame is None or not self._still_fit(limits):
            self._draw_frame(limits if self._frame is None else self._with_room(limits))
        if self._background is None or not same_earlier:
            self._draw_earlier(earlier)  # a new run: new faded curves, the frame unchanged
        else:
            self.fig.canvas.restore_region(self._background)
            self.blits += 1
        scale = 100 if self.percent else 1
        for key, line in self._lines.items():
            values = np.asarray(history.get(key, []), dtype=float)
            line.set_data(np.arange(1, len(values) + 1), values * scale if "acc" in key else values)
            line.set_markevery(split_style(key.split("_")[0], n_epochs or len(values))["markevery"])
            line.axes.draw_artist(line)
        for ax, legend in zip(self.axes, self._legends, strict=True):
            ax.draw_artist(legend)  # back on top of the lines

    def _still_fit(self, limits: tuple) -> bool:
        """Whether the axes drawn can stay for curves that need ``limits``: they hold every
        point and are not much too large. A new run's first picture is then mostly a blit
        (~15 ms) rather than a full draw (~60 ms): at a class's busy start that is what
        makes it come quickly. Only asked once a frame (and its limits) is drawn."""
        (x, loss, acc), (x_now, loss_now, acc_now) = limits, self._limits
        slack = STILL_FIT_ACC * (100 if self.percent else 1)
        return (x == x_now and loss[1] <= loss_now[1] <= STILL_FIT_LOSS * loss[1]
                and acc_now[0] <= acc[0] <= acc_now[0] + slack)

    def _with_room(self, limits: tuple) -> tuple:
        """``limits`` grown by :data:`ROOM_LOSS` and :data:`ROOM_ACC` (still fitting)."""
        x, loss, acc = limits
        room = ROOM_ACC * (100 if self.percent else 1)
        return x, (loss[0], nice_ceiling(loss[1] * ROOM_LOSS)), (max(0.0, acc[0] - room), acc[1])

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


def _trend(values: Sequence[float], rising_is: str, falling_is: str, steady_is: str) -> str:
    """How the curve's last epoch moved, in words: the newest value against the one before
    (what the end of the line shows)."""
    if len(values) < 2:
        return "first epoch"
    before = float(values[-2])
    change = float(values[-1]) - before
    scale = max(abs(before), 1e-12)
    if abs(change) <= 0.002 * scale:
        return steady_is
    return rising_is if change > 0 else falling_is


def describe_curves(history: Mapping[str, Sequence[float]] | None,
                    n_epochs: int | None = None, n_earlier: int = 0,
                    percent: bool = True, faded: str = "earlier run") -> tuple[str, str]:
    """What the two panels of :class:`LiveCurves` show, in words, with the current numbers:
    a text alternative for each picture (a screen reader says it; the widgets set it).

    Parameters
    ----------
    history : dict from :func:`backprop.train` (may be partial), or None before a run
    n_epochs : int, optional, the run's planned epochs ("epoch 12 of 20")
    n_earlier : int, faded earlier runs drawn behind the current one
    percent : bool, accuracies in percent (as the pictures show them)
    faded : str, what the faded curves are, in the singular ("earlier run", "other seed")

    Returns
    -------
    loss, accuracy : str, e.g. "Learning curves, loss per epoch, epoch 12 of 20: training
        loss 0.21, validation loss 0.35, validation loss still falling" and "Learning curves,
        accuracy per epoch, epoch 12 of 20: training accuracy 95.3 %, validation accuracy
        92.1 %, still rising"
    """
    history = history or {}
    done = len(history.get("train_loss", []))
    behind = ("" if not n_earlier else
              f"; {n_earlier} {faded}{'s' if n_earlier > 1 else ''} drawn faded behind")
    if not done:
        empty = "no run yet: press Train or move a slider"
        return (f"Learning curves, loss per epoch: {empty}{behind}",
                f"Learning curves, accuracy per epoch: {empty}{behind}")
    of = f" of {n_epochs}" if n_epochs else ""
    where = f"epoch {done}{of}"
    train_loss, val_loss = history["train_loss"], history.get("val_loss", [])
    loss = f"Learning curves, loss per epoch, {where}: training loss {train_loss[-1]:.3g}"
    if val_loss:
        best = int(np.argmin(val_loss))
        loss += (f", validation loss {val_loss[-1]:.3g}, "
                 f"{_trend(val_loss, 'rising', 'still falling', 'level')}")
        if best + 1 < len(val_loss):
            loss += f" (lowest {val_loss[best]:.3g} at epoch {best + 1})"
    scale, unit = (100, " %") if percent else (1, "")
    fmt = ".1f" if percent else ".3f"
    train_acc, val_acc = history.get("train_acc", []), history.get("val_acc", [])
    acc = f"Learning curves, accuracy per epoch, {where}"
    parts = []
    if train_acc:
        parts.append(f"training accuracy {scale * train_acc[-1]:{fmt}}{unit}")
    if val_acc:
        parts.append(f"validation accuracy {scale * val_acc[-1]:{fmt}}{unit}, "
                     f"{_trend(val_acc, 'still rising', 'falling', 'level')}")
    acc += ": " + ", ".join(parts) if parts else ""
    return loss + behind, acc + behind
