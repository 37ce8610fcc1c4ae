"""The playground's second view: inside the network, redrawn as it trains (notebook 02)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np

from ..figures import InsideView, describe_inside, weight_limit
from ..nn import forward
from ..settings import INIT_LABELS, INITS
from ._a11y import Picture
from ._common import options, plots_row, put_pngs
from ._runs import Run

VIEWS = ("learning curves", "inside the network")
N_DIGITS = 5  # validation digits whose outputs are shown


class InsidePanel:
    """The inside view of a :class:`~backprop.widgets.Playground`, and its two controls.

    ``view`` switches the panel's picture between the learning curves and the inside view
    (:class:`backprop.figures.InsideView`: the weights of 16 hidden units, the outputs for 5
    fixed validation digits, and per epoch each layer's gradient size and share of
    saturated activations). ``init`` is the initialisation of the weights, a training
    setting like the others (the playground registers it as ``controls["init"]``): with
    N(0, 1) most hidden units start saturated.

    Every run of the playground records what this view shows (``train(inside=True)``: it
    costs the training nothing measurable), so switching the view on shows the newest run at
    once, as far as it has come: a finished run's trained weights, outputs, gradients and
    saturation, never an untrained network.

    The caption names the picture's epoch. While a run trains, pictures (and the status
    line with them) are drawn only as often as drawing stays cheap (at most ten a second,
    and drawing at most a fifth of the run's CPU), so the picture can skip epochs; the
    caption says so. When the run ends, its last epoch is drawn, captioned as the finished
    (or stopped, or failed) run's network.

    Attributes
    ----------
    view : ipywidgets.ToggleButtons; init : ipywidgets.Dropdown
    images : dict of four Pictures (ipywidgets.Image with a text alternative ``alt``, from
        :func:`backprop.figures.describe_inside`), the inside picture's panels: ``weights``,
        ``outputs``, ``gradients``, ``saturation`` (in ``plots``, two rows that wrap: two by
        two on a laptop, stacked on a phone); ``image`` is the weights
    caption : ipywidgets.HTML, the picture's title (the run's state, the picture's epoch, the
        initialisation)
    box : ipywidgets.VBox of ``caption`` and ``plots``, shown in the inside view
    figure : backprop.figures.InsideView, built when the view is first shown
    """

    def __init__(self, panel: Any, init: str = "normal_scaled"):
        self.panel = panel
        self.view = W.ToggleButtons(options=VIEWS, value=VIEWS[0],
                                    style={"button_width": "auto"},  # whole labels
                                    tooltips=["loss and accuracy per epoch",
                                              "weights, outputs, gradients, saturation"])
        self.view.add_class("bp-view-switch")
        self.init = W.Dropdown(options=options("init"), value=init, description="initialisation",
                               style={"description_width": "initial"},
                               layout=W.Layout(width="260px"))
        self.images = {name: Picture(format="png").add_class("bp-inside-plot")
                       for name in ("weights", "outputs", "gradients", "saturation")}
        self.image = self.images["weights"]
        self.caption = W.HTML().add_class("bp-inside-caption")
        # two rows of two, each a row that wraps: never three in a row on a wide panel
        pictures = list(self.images.values())
        self.plots = W.VBox([plots_row(pictures[:2]), plots_row(pictures[2:])],
                            layout=W.Layout(max_width="100%"))
        self.box = W.VBox([self.caption, self.plots], layout=W.Layout(max_width="100%"))
        self.box.layout.display = "none"
        val = panel.data.val
        self.X, self.y = val.X[:N_DIGITS], val.y[:N_DIGITS]
        self.figure: InsideView | None = None
        self.view.observe(self._switch, names="value")

    @property
    def on(self) -> bool:
        """Whether the inside view is shown."""
        return self.view.value == VIEWS[1]

    def limit(self, config: dict) -> float:
        """The colour scale of the weights for a run's initialisation (fixed for the run)."""
        n_in = 784
        return weight_limit(1.0 if config.get("init") == "normal" else n_in ** -0.5)

    def title(self, run: Run, epochs: int) -> str:
        """The caption of ``run``'s picture after ``epochs`` epochs: which network it is, and
        while the run trains, that the pictures may skip epochs."""
        cfg = run.config
        init = INIT_LABELS[cfg.get("init", "normal_scaled")]
        if run.outcome == "running":
            return (f"picture of epoch {epochs} of {cfg['n_epochs']} · initialisation {init} · "
                    f"redrawn as often as drawing stays cheap, so it may skip epochs")
        state = {"error": "failed run"}.get(run.outcome, f"{run.outcome} run")
        return (f"{state}: the network after epoch {epochs} of {cfg['n_epochs']} · "
                f"initialisation {init}")

    def pngs(self, run: Run, history: dict) -> tuple[str, list[bytes], list[str]]:
        """The title, the four pictures and their texts (what each shows, in words) of
        ``run`` after the epochs in ``history`` (its newest params)."""
        if self.figure is None:
            self.figure = InsideView(self.X, self.y)
        cfg = run.config
        params = run.epoch_params or run.params
        title = self.title(run, len(history.get("train_loss", [])))
        y_hat = forward(params, self.X)[0]  # the figure draws the outputs, computed here
        limit = self.limit(cfg)
        return title, self.figure.pngs(params, history, y_hat, cfg["n_epochs"], limit), \
            describe_inside(params, history, y_hat, self.y, cfg["n_epochs"], limit)

    def put(self, title: str, pngs: list[bytes], alts: list[str] | None = None) -> None:
        """Show a title and four pictures (with their texts) from :meth:`pngs`."""
        self.caption.value = title
        put_pngs(self.images, pngs, alts)

    def prepare(self, title: str = "the inside view: press Train or move a slider") -> None:
        """Draw the inside figure's backgrounds now (one per initialisation's colour scale),
        so that a run's first picture is quick; the last, an untrained network of the current
        settings, stays shown with ``title``."""
        if self.figure is None:
            self.figure = InsideView(self.X, self.y)
        rng = np.random.default_rng(0)
        from ..nn import init_params

        cfg = self.panel.config()
        for init in sorted(INITS, key=lambda init: init == cfg["init"]):  # current last
            params = init_params([784, cfg["hidden"], 10], rng, init=init)
            y_hat, limit = forward(params, self.X)[0], self.limit({"init": init})
            self.put(title, self.figure.pngs(params, {}, y_hat, cfg["n_epochs"], limit),
                     describe_inside(params, {}, y_hat, self.y, cfg["n_epochs"], limit))

    def _switch(self, _: Any = None) -> None:
        panel = self.panel
        panel.plots.layout.display = "none" if self.on else None
        self.box.layout.display = None if self.on else "none"
        newest = panel.runner.newest
        if not self.on:
            if newest is not None and newest.history:
                panel.clear()  # redraws the curves of the newest run
            return
        shown = newest is not None and newest.inside and newest.history
        waiting = newest is not None and newest.outcome == "running" and not shown
        with panel.runner.drawing:
            self.prepare("the run has begun: its first epoch comes next" if waiting else
                         "the inside view: press Train or move a slider")
        if shown:  # the newest run as far as it has come: a finished run's trained network
            with panel.runner.drawing:
                pngs = self.pngs(newest, newest.history)
            with panel.runner.owning(newest) as owner:
                if owner:  # (a run started meanwhile draws itself)
                    self.put(*pngs)
