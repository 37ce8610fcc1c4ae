"""The sweep explorer: flips through a precomputed grid of runs at once."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ..figures import LiveCurves, describe_curves
from ._a11y import Announcer, Picture
from ._common import PANEL_CLASS, plots_row, put_pngs, row, style_widget


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
    images : dict of two Pictures (ipywidgets.Image with a text alternative ``alt``, from
        :func:`backprop.figures.describe_curves`), ``loss`` and ``accuracy``, in ``plots``, a
        row that wraps (side by side on a wide panel, stacked on a phone); ``image`` is the loss
    announcer : Announcer, a visually hidden live region that says the status after a change
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
        self.images = {name: Picture(format="png") for name in ("loss", "accuracy")}
        self.announcer = Announcer()
        self.plots = plots_row(list(self.images.values()))
        self.curves = LiveCurves()
        self._pictures: dict[tuple, tuple] = {}  # pictures, texts and status: drawn once, kept
        for widget in self.controls.values():
            widget.observe(self.update, names="value")
        super().__init__([row(list(self.controls.values())), self.status, self.plots,
                          self.announcer, style_widget()], layout=W.Layout(max_width="100%"))
        self.add_class("bp-explorer").add_class(PANEL_CLASS)
        self.update(say=False)

    @property
    def image(self) -> W.Image:
        """The loss picture (the first of ``images``)."""
        return self.images["loss"]

    def _picture(self, key: tuple) -> tuple[tuple[bytes, bytes], tuple[str, str], str]:
        hidden, lr, seed = key
        frame = self.results
        rows = frame[(frame["hidden"] == hidden) & (frame["lr"] == lr)]
        if seed is not None:
            rows = rows[rows["seed"] == seed]
        if rows.empty:
            text = f"no run for hidden units {hidden}, learning rate {lr:g}"
            return self.curves.pngs(None, []), (text, text), text
        histories = list(rows["history"])
        text = (f"hidden units {hidden}, learning rate {lr:g}, {len(histories)} run(s): final "
                f"training {100 * rows['train_acc'].mean():.1f} %, validation "
                f"{100 * rows['val_acc'].mean():.1f} % (mean)")
        alts = describe_curves(histories[0], n_earlier=len(histories) - 1, faded="other seed")
        return self.curves.pngs(histories[0], histories[1:]), alts, text

    def update(self, *_: Any, say: bool = True) -> None:
        """Show the runs of the controls' current values (and, with ``say``, announce them)."""
        key = tuple(self.controls[k].value for k in ("hidden", "lr", "seed"))
        if key not in self._pictures:
            self._pictures[key] = self._picture(key)
        pngs, alts, text = self._pictures[key]
        put_pngs(self.images, pngs, alts)
        self.status.value = html.escape(text)
        if say:
            self.announcer.say(text)


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
