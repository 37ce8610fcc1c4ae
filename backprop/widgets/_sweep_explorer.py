"""The sweep explorer: flips through a precomputed grid of runs at once."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ..figures import LiveCurves
from ._common import PANEL_CLASS, plots_row, row, style_widget


class SweepExplorer(W.VBox):
    """Sliders over a precomputed grid of runs (hidden units x learning rate x seed).

    Parameters
    ----------
    results : pandas.DataFrame from :func:`backprop.sweep` with columns ``hidden``, ``lr``,
        ``seed`` and ``history``; every combination may or may not be present.

    Attributes
    ----------
    controls : dict of the ``hidden``, ``lr`` and ``seed`` widgets
    status : ipywidgets.HTML
    images : dict of two ipywidgets.Image, ``loss`` and ``accuracy``, in ``plots``, a row
        that wraps (side by side on a wide panel, stacked on a phone); ``image`` is the loss
    """

    def __init__(self, results):
        missing = {"hidden", "lr", "seed", "history"} - set(results.columns)
        if missing:
            raise ValueError(f"results needs the columns of backprop.sweep; "
                             f"missing {sorted(missing)}")
        self.results = results
        style = {"description_width": "initial"}
        lr_options = [(f"{v:g}", v) for v in sorted(results["lr"].unique())]
        seed_options = [("all", None)] + [(str(s), s) for s in sorted(results["seed"].unique())]
        self.controls = {
            "hidden": W.SelectionSlider(options=sorted(results["hidden"].unique()),
                                        description="hidden units", style=style,
                                        continuous_update=True),
            "lr": W.SelectionSlider(options=lr_options, description="learning rate",
                                    style=style, continuous_update=True),
            "seed": W.Dropdown(options=seed_options, description="seed", style=style,
                               layout=W.Layout(width="160px")),
        }
        self.status = W.HTML().add_class("bp-status")
        self.images = {name: W.Image(format="png") for name in ("loss", "accuracy")}
        self.plots = plots_row(list(self.images.values()))
        self.curves = LiveCurves()
        self._pictures: dict[tuple, tuple[tuple[bytes, bytes], str]] = {}  # drawn once, kept
        for widget in self.controls.values():
            widget.observe(self.update, names="value")
        super().__init__([row(list(self.controls.values())), self.status, self.plots,
                          style_widget()], layout=W.Layout(max_width="100%"))
        self.add_class("bp-explorer").add_class(PANEL_CLASS)
        self.update()

    @property
    def image(self) -> W.Image:
        """The loss picture (the first of ``images``)."""
        return self.images["loss"]

    def _picture(self, key: tuple) -> tuple[tuple[bytes, bytes], str]:
        hidden, lr, seed = key
        frame = self.results
        rows = frame[(frame["hidden"] == hidden) & (frame["lr"] == lr)]
        if seed is not None:
            rows = rows[rows["seed"] == seed]
        if rows.empty:
            return (self.curves.pngs(None, []),
                    f"no run for hidden units {hidden}, learning rate {lr:g}")
        histories = list(rows["history"])
        text = (f"hidden units {hidden}, learning rate {lr:g}, {len(histories)} run(s): final "
                f"training {100 * rows['train_acc'].mean():.1f} %, validation "
                f"{100 * rows['val_acc'].mean():.1f} % (mean)")
        return self.curves.pngs(histories[0], histories[1:]), text

    def update(self, *_: Any) -> None:
        """Show the runs of the controls' current values."""
        key = tuple(self.controls[k].value for k in ("hidden", "lr", "seed"))
        if key not in self._pictures:
            self._pictures[key] = self._picture(key)
        pngs, text = self._pictures[key]
        for image, png in zip(self.images.values(), pngs, strict=True):
            image.value = png
        self.status.value = html.escape(text)


def sweep_explorer(results) -> SweepExplorer:
    """A :class:`SweepExplorer`: moving a slider switches the curves at once.

    Parameters
    ----------
    results : pandas.DataFrame from :func:`backprop.sweep` (columns ``hidden``, ``lr``,
        ``seed``, ``history``)

    Returns
    -------
    SweepExplorer
        An ``ipywidgets.VBox``; each picture is drawn once and kept.
    """
    return SweepExplorer(results)
