"""Draw a digit: the trained network reads it, and one backprop step teaches it the label.

Notebook 04's "Teach it: one backprop step on one image", and the Voila app, where it reads
the drawing with the network of the playground's last finished run.
"""

from __future__ import annotations

import html
import time
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..digits import ink_from_png, mnist_style
from ..figures import READING_PANELS, TEACH_SIZE, DigitReading, panel_pngs, teach_step
from ..nn import backward, forward, init_params
from ..settings import DEFAULT_RUN, check
from ..training import train
from ._common import PANEL_CLASS, plots_row, put_pngs, row, style_widget


class DrawDigit(W.VBox):
    """Draw a digit; see the 28x28 image the network gets, its 10 outputs and hidden units.

    The drawing is prepared as MNIST's digits were (:func:`backprop.digits.mnist_style`).
    "Teach it": pick the right label and press *one step*: one backprop step on that one
    image, with the learning rate of the slider, and the picture shows the outputs before
    and after and ``d_W1`` for the hidden units whose weights change most. *Reset* restores
    the trained weights.

    Parameters
    ----------
    params : dict, a trained network (from :func:`backprop.train`), optional
    source : backprop.widgets.Playground, optional: use the network of its newest finished
        run (:meth:`~backprop.widgets.Playground.newest_finished`), taken when a stroke
        ends, if newer than the one in use
    data : result of :func:`backprop.load_mnist`, for training a network at first use when
        neither ``params`` nor ``source`` gives one (default ``load_mnist(n_test=0)``), with
        the playground's default settings (:data:`backprop.settings.DEFAULT_RUN`)
    loss : {"cross_entropy", "mse"}, the loss of the teaching step

    Attributes
    ----------
    canvas : DigitCanvas; buttons : dict of Clear, one step, Reset
    label : ipywidgets.Dropdown; lr : ipywidgets.FloatLogSlider
    images : dict of three ipywidgets.Image, the reading: ``input``, ``hidden``, ``outputs``
        (in ``reading``, a row that wraps: on a phone the outputs go below the others);
        ``image`` is the input
    teach_images : dict of two ipywidgets.Image, the step: ``outputs`` (before and after)
        and ``gradients`` (d_W1's images), in ``teach``, a row that wraps, hidden until a step
    status : ipywidgets.HTML
    x : ndarray (784,), the image the network sees; params, trained : the weights in use and
        those Reset restores; latency : seconds from the stroke's arrival to the picture
    """

    def __init__(self, params: dict | None = None, *, source: Any = None, data: Any = None,
                 loss: str = "cross_entropy"):
        from ._canvas import DigitCanvas  # anywidget: only this widget needs it

        check("loss", loss)
        self.loss, self.source, self.data = loss, source, data
        self.trained = None if params is None else {k: np.array(v) for k, v in params.items()}
        self.params = None if params is None else {k: v.copy() for k, v in self.trained.items()}
        self._source_run = None
        self.x = np.zeros(784, dtype=np.float32)
        self.latency: float | None = None
        self.canvas = DigitCanvas()
        self.buttons = {name: W.Button(description=name, layout=W.Layout(width="100px"))
                        for name in ("Clear", "one step", "Reset")}
        self.buttons["one step"].button_style = "primary"
        self.label = W.Dropdown(options=list(range(10)), value=0, description="right label",
                                style={"description_width": "initial"},
                                layout=W.Layout(width="160px"))
        self.lr = W.FloatLogSlider(value=0.03, base=10, min=-3, max=0, step=0.1,
                                   description="learning rate", readout_format=".3g",
                                   style={"description_width": "initial"},
                                   continuous_update=False)
        self.status = W.HTML("draw a digit in the box").add_class("bp-draw-status")
        self._view: DigitReading | None = None
        self.images = {name: W.Image(format="png").add_class("bp-draw-reading")
                       for name in ("input", "hidden", "outputs")}
        self.image = self.images["input"]
        self.reading = plots_row(list(self.images.values()))
        for image, width in zip(self.images.values(), READING_PANELS[:2], strict=False):
            image.layout.max_width = f"{width}px"  # never scaled up: the two share a row
        self.teach_images = {name: W.Image(format="png").add_class("bp-draw-teach")
                             for name in ("outputs", "gradients")}
        self.teach = plots_row(list(self.teach_images.values()))
        self.teach.layout.display = "none"
        self.canvas.observe(self._on_stroke, names="strokes")
        self.buttons["Clear"].on_click(self.clear)
        self.buttons["one step"].on_click(self.one_step)
        self.buttons["Reset"].on_click(self.reset)
        left = W.VBox([self.canvas, self.buttons["Clear"]],
                      layout=W.Layout(max_width="100%")).add_class("bp-draw-left")
        teach = row([self.label, self.lr, self.buttons["one step"], self.buttons["Reset"]])
        super().__init__([row([left, self.reading]),
                          self.status, W.HTML("<b>Teach it:</b> pick the right label, then "
                                              "press <i>one step</i>"), teach,
                          self.teach, style_widget()], layout=W.Layout(max_width="100%"))
        self.add_class("bp-draw-digit").add_class(PANEL_CLASS)
        if self.params is not None:
            self.show()
        else:  # no network yet: an empty reading, and training waits for the first stroke
            self._view = DigitReading(DEFAULT_RUN["hidden"])
            put_pngs(self.images, self._view.pngs(self.x, np.zeros(10), np.zeros(
                DEFAULT_RUN["hidden"])))
            self.status.value = (
                "draw a digit in the box (the network of the playground's last finished run "
                "reads it; with none yet, the first stroke takes a few seconds more: a "
                "network is trained then, once)" if self.source is not None else
                "draw a digit in the box (the first stroke takes a few seconds more: the "
                "network is trained then, once)")

    # -- the network ---------------------------------------------------------------------

    def _network(self) -> dict:
        """The weights in use: the source's newest run, the given ones, or trained now."""
        run = self.source.newest_finished() if self.source is not None else None
        if run is not None and run is not self._source_run:
            self._source_run = run
            self.trained = {k: np.array(v) for k, v in run.params.items()}
            self.params = {k: v.copy() for k, v in self.trained.items()}
            cfg = run.config
            self._note = (f"the network of the playground's last run (learning rate "
                          f"{cfg['lr']:.3g}, {cfg['hidden']} hidden units, "
                          f"{len(run.history['val_acc'])} epochs, validation "
                          f"{100 * run.history['val_acc'][-1]:.1f} %)")
        if self.params is None:
            self.status.value = "training the network first (a few seconds, once) ..."
            self.trained = self._train_default()
            self.params = {k: v.copy() for k, v in self.trained.items()}
        return self.params

    def _train_default(self) -> dict:
        from ..data import load_mnist

        cfg = DEFAULT_RUN
        data = self.data if self.data is not None else load_mnist(n_test=0)
        rng = np.random.default_rng(cfg["seed"])
        start = init_params([784, cfg["hidden"], 10], rng, init=cfg["init"])
        params, history = train(start, data.train,
                                data.val, lr=cfg["lr"], n_epochs=cfg["n_epochs"],
                                batch_size=cfg["batch_size"], loss=cfg["loss"], rng=rng,
                                progress=False)
        self._note = (f"a network trained just now (784-{cfg['hidden']}-10, "
                      f"{cfg['n_epochs']} epochs, validation "
                      f"{100 * history['val_acc'][-1]:.1f} %)")
        return params

    _note = ""

    # -- what the student does -------------------------------------------------------------

    def _on_stroke(self, _: Any = None) -> None:
        start = time.perf_counter()
        try:
            self.x = mnist_style(ink_from_png(self.canvas.png)) if self.canvas.png else \
                np.zeros(784, dtype=np.float32)
            self.show()
        except Exception as exc:  # a bad drawing message must not kill the widget
            self.status.value = (f'<span style="color:#b00020">error: {type(exc).__name__}: '
                                 f'{html.escape(str(exc))}</span>')
            return
        self.latency = time.perf_counter() - start

    def read(self, x: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The outputs ``y_hat`` (10,) and hidden activations ``u3`` of ``x`` (default the
        drawing) with the weights in use."""
        x = self.x if x is None else np.asarray(x, dtype=np.float32)
        params = self._network()
        y_hat, cache = forward(params, x.reshape(1, -1).astype(params["W1"].dtype))
        return y_hat[0], cache["u3"][0]

    def show(self) -> None:
        """Redraw the reading of the current drawing."""
        y_hat, hidden = self.read()
        if self._view is None or self._view.n_hidden != hidden.size:
            self._view = DigitReading(hidden.size)
        put_pngs(self.images, self._view.pngs(self.x, y_hat, hidden))
        if self.x.any():
            self.status.value = (f"prediction: <b>{int(np.argmax(y_hat))}</b> — using "
                                 f"{html.escape(self._note)}")
        else:
            self.status.value = f"draw a digit in the box — using {html.escape(self._note)}"

    def clear(self, *_: Any) -> None:
        """Wipe the drawing and the reading."""
        self.canvas.clear()
        self.x = np.zeros(784, dtype=np.float32)
        self.teach.layout.display = "none"
        self.show()

    def step(self, label: int, lr: float) -> dict:
        """One backprop step on the drawing with ``label``: the new weights and the gradients.

        Returns
        -------
        dict with ``before`` and ``after`` (10,) outputs and ``grads`` (the gradients of
        :func:`backprop.backward` on this one image); ``self.params`` is updated in place
        as ``W <- W - lr * dL/dW``.
        """
        if not self.x.any():
            raise ValueError("draw a digit first")
        params = self._network()
        X = self.x.reshape(1, -1).astype(params["W1"].dtype)
        Y = np.zeros((1, 10), dtype=X.dtype)
        Y[0, int(label)] = 1
        before, cache = forward(params, X)
        grads = backward(params, cache, Y, loss=self.loss)
        for key, g in grads.items():
            params[key] -= lr * g
        after, _ = forward(params, X)
        return {"before": before[0], "after": after[0], "grads": grads}

    def one_step(self, *_: Any) -> None:
        """The *one step* button: teach the chosen label and show what changed."""
        if not self.x.any():
            self.status.value = "draw a digit first, then pick its label and press one step"
            return
        label, lr = int(self.label.value), float(self.lr.value)
        result = self.step(label, lr)
        fig = Figure(figsize=TEACH_SIZE, dpi=80)
        FigureCanvasAgg(fig)
        teach_step(self.x, result["before"], result["after"], result["grads"]["W1"], label, lr,
                   fig=fig)
        put_pngs(self.teach_images, panel_pngs(fig))
        self.teach.layout.display = None
        self.show()

    def reset(self, *_: Any) -> None:
        """Restore the trained weights (undo every teaching step)."""
        if self.trained is not None:
            self.params = {k: v.copy() for k, v in self.trained.items()}
        self.teach.layout.display = "none"
        self.show()


def draw_digit(params: dict | None = None, *, source: Any = None, data: Any = None,
               loss: str = "cross_entropy") -> DrawDigit:
    """A :class:`DrawDigit` panel (see there)."""
    return DrawDigit(params, source=source, data=data, loss=loss)
