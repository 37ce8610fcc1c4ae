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
from ..figures import (
    READING_PANELS,
    TEACH_SIZE,
    DigitReading,
    describe_reading,
    describe_teach,
    panel_pngs,
    teach_step,
)
from ..nn import backward, forward, init_params
from ..settings import DEFAULT_RUN, check
from ..training import train
from ._a11y import Announcer, Picture
from ._common import PANEL_CLASS, plots_row, put_pngs, row, style_widget

N_TEST = 10000  # the official test images, any of which the keyboard can read


class DrawDigit(W.VBox):
    """Draw a digit; see the 28x28 image the network gets, its 10 outputs and hidden units.

    The drawing is prepared as MNIST's digits were (:func:`backprop.digits.mnist_style`).
    Without a pointer (from the keyboard), *read test digit* reads one of the 10000 test
    images instead, by its index or at random, and it can be taught the same way.
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
    canvas : DigitCanvas; buttons : dict of Clear, one step, Reset, read test digit, random
        test digit
    test_index : ipywidgets.BoundedIntText, the test image *read test digit* reads (0-9999)
    label : ipywidgets.Dropdown; lr : ipywidgets.FloatLogSlider
    images : dict of three Pictures (ipywidgets.Image with a text alternative ``alt``, from
        :func:`backprop.figures.describe_reading`), the reading: ``input``, ``hidden``, ``outputs``
        (in ``reading``, a row that wraps: on a phone the outputs go below the others);
        ``image`` is the input
    teach_images : dict of two Pictures (texts from :func:`backprop.figures.describe_teach`),
        the step: ``outputs`` (before and after)
        and ``gradients`` (d_W1's images), in ``teach``, a row that wraps, hidden until a step
    status : ipywidgets.HTML; announcer : Announcer, a visually hidden live region that says
        each reading of a test digit and each step
    x : ndarray (784,), the image the network sees; params, trained : the weights in use and
        those Reset restores; latency : seconds from the stroke's arrival to the picture
    """

    def __init__(self, params: dict | None = None, *, source: Any = None, data: Any = None,
                 loss: str = "cross_entropy", rng: np.random.Generator | None = None):
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
        for name in ("read test digit", "random test digit"):
            self.buttons[name] = W.Button(description=name, layout=W.Layout(width="auto"))
        self.test_index = W.BoundedIntText(value=0, min=0, max=N_TEST - 1,
                                           description="test image (0-9999)",
                                           style={"description_width": "initial"},
                                           layout=W.Layout(width="230px"))
        self.rng = np.random.default_rng() if rng is None else rng  # for random test digits
        self._test = None  # the test split, loaded at the first test digit
        self._what = "your drawing"  # where the image read came from, for its description
        self.announcer = Announcer()
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
        self.images = {name: Picture(format="png").add_class("bp-draw-reading")
                       for name in ("input", "hidden", "outputs")}
        self.image = self.images["input"]
        self.reading = plots_row(list(self.images.values()))
        for image, width in zip(self.images.values(), READING_PANELS[:2], strict=False):
            image.layout.max_width = f"{width}px"  # never scaled up: the two share a row
        self.teach_images = {name: Picture(format="png").add_class("bp-draw-teach")
                             for name in ("outputs", "gradients")}
        self.teach = plots_row(list(self.teach_images.values()))
        self.teach.layout.display = "none"
        self.canvas.observe(self._on_stroke, names="strokes")
        self.buttons["Clear"].on_click(self.clear)
        self.buttons["one step"].on_click(self.one_step)
        self.buttons["Reset"].on_click(self.reset)
        self.buttons["read test digit"].on_click(lambda _: self.read_test(self.test_index.value))
        self.buttons["random test digit"].on_click(lambda _: self.read_test())
        left = W.VBox([self.canvas, self.buttons["Clear"]],
                      layout=W.Layout(max_width="100%")).add_class("bp-draw-left")
        teach = row([self.label, self.lr, self.buttons["one step"], self.buttons["Reset"]])
        keyboard = row([self.test_index, self.buttons["read test digit"],
                        self.buttons["random test digit"]])
        super().__init__([row([left, self.reading]), keyboard,
                          self.status, W.HTML("<b>Teach it:</b> pick the right label, then "
                                              "press <i>one step</i>"), teach,
                          self.teach, self.announcer, style_widget()],
                         layout=W.Layout(max_width="100%"))
        self.add_class("bp-draw-digit").add_class(PANEL_CLASS)
        if self.params is not None:
            self.show()
        else:  # no network yet: an empty reading, and training waits for the first stroke
            self._view = DigitReading(DEFAULT_RUN["hidden"])
            empty = (self.x, np.zeros(10), np.zeros(DEFAULT_RUN["hidden"]))
            put_pngs(self.images, self._view.pngs(*empty), describe_reading(*empty))
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
        self._what = "your drawing"
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
        put_pngs(self.images, self._view.pngs(self.x, y_hat, hidden),
                 describe_reading(self.x, y_hat, hidden, what=self._what))
        if self.x.any():
            self.status.value = (f"prediction: <b>{int(np.argmax(y_hat))}</b> for "
                                 f"{html.escape(self._what)} — using {html.escape(self._note)}")
        else:
            self.status.value = f"draw a digit in the box — using {html.escape(self._note)}"

    def read_test(self, index: int | None = None) -> None:
        """Read test image ``index`` (0-9999; default one at random) as if it were drawn: the
        same reading, and *one step* teaches it (its right label is picked). The keyboard's
        way to the reading, which the canvas cannot give."""
        if self._test is None:
            from ..data import load_mnist

            self._test = load_mnist(n_train=1, n_val=0, n_test=N_TEST).test
        if index is None:
            index = int(self.rng.integers(N_TEST))
        index = int(index)
        if not 0 <= index < N_TEST:
            raise ValueError(f"index must be between 0 and {N_TEST - 1}, got {index!r}")
        label = int(self._test.y[index])
        self.canvas.clear()  # the reading is of the test image now, not of a drawing
        self.x = np.asarray(self._test.X[index], dtype=np.float32)
        self._what = f"test image {index}, labelled {label}"
        self.test_index.value = index
        self.label.value = label
        self.teach.layout.display = "none"
        self.show()
        y_hat, _ = self.read()
        first, second = np.argsort(-y_hat, kind="stable")[:2]
        self.announcer.say(f"{self._what}: the network reads {first} with {y_hat[first]:.2f}; "
                           f"next {second} with {y_hat[second]:.2f}")

    def clear(self, *_: Any) -> None:
        """Wipe the drawing and the reading."""
        self._what = "your drawing"
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
            raise ValueError("draw a digit first (or read a test digit)")
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
            self.status.value = ("draw a digit first (or read a test digit), then pick its "
                                 "label and press one step")
            return
        label, lr = int(self.label.value), float(self.lr.value)
        result = self.step(label, lr)
        fig = Figure(figsize=TEACH_SIZE, dpi=80)
        FigureCanvasAgg(fig)
        teach_step(self.x, result["before"], result["after"], result["grads"]["W1"], label, lr,
                   fig=fig)
        alts = describe_teach(result["before"], result["after"], result["grads"]["W1"], label,
                              lr)
        put_pngs(self.teach_images, panel_pngs(fig), alts)
        self.announcer.say(alts[0])
        self.teach.layout.display = None
        self.show()

    def reset(self, *_: Any) -> None:
        """Restore the trained weights (undo every teaching step)."""
        if self.trained is not None:
            self.params = {k: v.copy() for k, v in self.trained.items()}
        self.teach.layout.display = "none"
        self.show()


def draw_digit(params: dict | None = None, *, source: Any = None, data: Any = None,
               loss: str = "cross_entropy", rng: np.random.Generator | None = None
               ) -> DrawDigit:
    """A :class:`DrawDigit` panel (see there); ``rng`` picks the random test digits."""
    return DrawDigit(params, source=source, data=data, loss=loss, rng=rng)
