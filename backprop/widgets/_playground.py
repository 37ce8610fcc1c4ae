"""The playground: trains the network live while students move its sliders.

:class:`Playground` (made by :func:`playground`) trains in a background thread and draws the
learning curves through one persistent :class:`backprop.plots.LiveCurves` figure, which redraws
only the lines after each epoch (a few ms), so drawing costs little next to the training.
"""

from __future__ import annotations

import html
import os
import threading
import time
from typing import Any

import ipywidgets as W
import numpy as np

from ..data import load_mnist
from ..nn import init_params
from ..plots import LiveCurves
from ..training import train
from ._common import PANEL_CLASS, describe, options, plots_row, put_pngs, row, style_widget
from ._inside import InsidePanel
from ._presets import hide_controls, link_html, lock_controls

MAX_EARLIER = 6  # earlier runs kept as faded curves
MIN_FRAME_SECONDS = 0.1  # at most ~10 pictures a second: the eye needs no more
DRAW_SHARE = 0.25  # a picture waits until drawing has cost at most this share of the time
BUSY_SECONDS = 1.0  # no first epoch after this long: say that the server is busy


class Playground(W.VBox):
    """A panel that trains the 784-hidden-10 network live while you move its sliders.

    Changing any control starts a new run by itself; a run still going is stopped first,
    so stale runs never queue up. Training runs in a background thread, so the kernel
    stays responsive; the curves redraw as epochs finish, earlier runs stay as faded
    curves until *Clear*, and the status line says what is running or what the last run
    reached. An error during a run is shown in the status line. When the first epoch is
    slow to come (a busy classroom server), the status line says so.

    Parameters
    ----------
    data : result of :func:`backprop.load_mnist`, default ``load_mnist(n_test=0)``
    lr, hidden, n_epochs, batch_size, loss, seed : the initial settings
    autostart : bool, start a run as soon as the panel is built
    lock : list of control names (keys of ``controls``), shown but fixed
    hide : list of control names, left out
    init : {"normal_scaled", "normal"}, the weights' initialisation (``controls["init"]``)

    Attributes
    ----------
    controls : dict of the setting widgets, by name (``lr``, ``hidden``, ``n_epochs``, ...)
    buttons : dict of the Train, Stop and Clear buttons
    status : ipywidgets.HTML, the status line
    locked, hidden : lists of the locked and hidden control names
    offer_link : bool, the status line offers the link of the settings after a run (set in
        the Voila app, by :class:`backprop.widgets.PresetNote`)
    images : dict of two ipywidgets.Image, ``loss`` and ``accuracy``: the learning curves
        as two PNGs, in ``plots``, a row that wraps (side by side on a wide panel, stacked
        on a phone); ``image`` is the loss picture
    curves : backprop.plots.LiveCurves, the figure behind ``images``
    inside : InsidePanel, the second view (weights, outputs, gradients, saturation) and
        its switch ``inside.view``
    runs : list of dicts, every run started, newest last, with ``config``, ``outcome`` in
        {"running", "finished", "stopped", "superseded", "error"}, ``history``, ``error``,
        ``params`` (the trained network, once the run has ended),
        ``started`` (time.perf_counter()) and ``frames`` (times the picture was sent)
    """

    def __init__(self, data: Any = None, *, lr: float = 0.5, hidden: int = 110,
                 n_epochs: int = 20, batch_size: int = 10, loss: str = "cross_entropy",
                 seed: int = 0, autostart: bool = False, lock: Any = (), hide: Any = (),
                 init: str = "normal_scaled"):
        self.data = load_mnist(n_test=0) if data is None else data
        style = {"description_width": "initial"}
        self.controls = {
            "lr": W.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.1,
                                   description="learning rate", readout_format=".3g",
                                   continuous_update=False, style=style),
            "hidden": W.IntSlider(value=hidden, min=5, max=300, step=5,
                                  description="hidden units", continuous_update=False,
                                  style=style),
            "n_epochs": W.IntSlider(value=n_epochs, min=1, max=200, description="epochs",
                                    continuous_update=False, style=style),
            "batch_size": W.Dropdown(options=[1, 5, 10, 20, 50, 100], value=batch_size,
                                     description="batch size", style=style,
                                     layout=W.Layout(width="150px")),
            "loss": W.Dropdown(options=options("loss"), value=loss, description="loss", style=style,
                               layout=W.Layout(width="210px")),
            "seed": W.BoundedIntText(value=seed, min=0, max=10**6, description="seed",
                                     style=style, layout=W.Layout(width="130px")),
        }
        self.buttons = {name: W.Button(description=name, layout=W.Layout(width="90px"))
                        for name in ("Train", "Stop", "Clear")}
        self.buttons["Train"].button_style = "primary"
        self.status = W.HTML(value="ready: move a slider or press Train").add_class("bp-status")
        self.curves = LiveCurves()
        self.images = {name: W.Image(value=png, format="png") for name, png in
                       zip(("loss", "accuracy"), self.curves.pngs(None, [], n_epochs),
                           strict=True)}
        self.inside = InsidePanel(self, init)
        self.controls["init"] = self.inside.init
        self.runs: list[dict] = []
        self._lock = threading.Lock()  # guards ``runs`` and which run owns the display
        self._draw_lock = threading.Lock()  # one picture at a time from the one figure

        for widget in self.controls.values():
            widget.observe(self.start, names="value")
        self.buttons["Train"].on_click(self.start)
        self.buttons["Stop"].on_click(self.stop)
        self.buttons["Clear"].on_click(self.clear)
        c = self.controls
        self.plots = plots_row(list(self.images.values()))
        # The style sheet last, hidden: children[2] stays the buttons' row.
        super().__init__([row([c["lr"], c["hidden"]]),
                          row([c["n_epochs"], c["batch_size"], c["loss"], c["seed"]]),
                          row(list(self.buttons.values())),
                          row([self.inside.view, c["init"]]), self.status, self.plots,
                          self.inside.box, style_widget()], layout=W.Layout(max_width="100%"))
        self.add_class("bp-playground").add_class(PANEL_CLASS)
        self.locked: list[str] = []
        self.hidden: list[str] = []
        self.offer_link = False
        lock_controls(self, lock)
        hide_controls(self, hide)
        if autostart:
            self.start()

    @property
    def image(self) -> W.Image:
        """The loss picture (the first of ``images``)."""
        return self.images["loss"]

    def config(self) -> dict:
        """The current settings, by name."""
        return {k: w.value for k, w in self.controls.items()}

    def start(self, *_: Any) -> None:
        """Start a run with the current settings, superseding a run still going."""
        run = {"config": self.config(), "outcome": "running", "history": None, "error": None,
               "cancel": threading.Event(), "started": time.perf_counter(), "frames": [],
               "inside": self.inside.on}
        with self._lock:
            previous = self.runs[-1] if self.runs else None
            if previous is not None and previous["outcome"] == "running":
                previous["outcome"] = "superseded"
                previous["cancel"].set()
            run["thread"] = threading.Thread(target=self._worker, args=(run, previous),
                                             daemon=True)
            self.runs.append(run)
        run["thread"].start()

    def stop(self, *_: Any) -> None:
        """Stop the newest run after its current epoch; it reports "stopped" itself."""
        with self._lock:
            run = self.runs[-1] if self.runs else None
        if run is not None and run["outcome"] == "running":
            run["cancel"].set()

    def clear(self, *_: Any) -> None:
        """Drop the faded earlier runs from the picture."""
        with self._lock:
            for run in self.runs[:-1]:
                run["history"] = None
            current = self.runs[-1]["history"] if self.runs else None
            n = self.runs[-1]["config"]["n_epochs"] if self.runs else None
        with self._draw_lock:
            put_pngs(self.images, self.curves.pngs(current, [], n))

    def wait(self, timeout: float = 60.0) -> None:
        """Block until the newest run has ended (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while self.runs:
            newest = self.runs[-1]
            newest["thread"].join(max(0.0, deadline - time.monotonic()))
            if newest is self.runs[-1] or time.monotonic() >= deadline:
                return

    def _earlier(self) -> list[dict]:
        done = [r["history"] for r in self.runs[:-1]
                if r["outcome"] in ("finished", "stopped") and r["history"]]
        return done[-MAX_EARLIER:]

    def _show(self, run: dict, text: str, history: dict | None = None,
              error: bool = False, link: bool = False) -> None:
        """Status line (and, given ``history``, the picture) if ``run`` still owns the panel."""
        with self._lock:
            if self.runs and self.runs[-1] is not run:
                return  # a newer run owns the display
            earlier = self._earlier()
        pngs = None  # the two curve pictures, or the inside view's title and four pictures
        inside = run["inside"] and self.inside.on
        if history is not None:
            with self._draw_lock:
                pngs = self.inside.pngs(run, history) if inside else \
                    self.curves.pngs(history, earlier, run["config"]["n_epochs"])
        with self._lock:
            if self.runs and self.runs[-1] is not run:
                return
            color = "#b00020" if error else "inherit"
            self.status.value = f'<span style="color:{color}">{html.escape(text)}</span>'
            if link and self.offer_link:
                self.status.value += f" · {link_html(self)}"
            if pngs is not None:
                if inside:
                    self.inside.put(*pngs)
                else:
                    put_pngs(self.images, pngs)
                run["frames"].append(time.perf_counter())

    def _busy_note(self, run: dict) -> None:
        if run["history"] is None and run["outcome"] == "running":
            load = os.getloadavg()[0]
            self._show(run, f"running: {describe(run['config'])}: waiting for the first "
                            f"epoch; the server is busy (load {load:.1f} on "
                            f"{os.cpu_count()} cores), please wait")

    def _worker(self, run: dict, previous: dict | None) -> None:
        if previous is not None:
            previous["thread"].join()  # at most one epoch: it checks its cancel flag
        cfg = run["config"]
        if run["cancel"].is_set():
            return
        self._show(run, f"running: {describe(cfg)}, starting")
        busy = threading.Timer(BUSY_SECONDS, self._busy_note, args=(run,))
        busy.daemon = True
        busy.start()
        drawn = {"at": 0.0, "cost": 0.0, "epochs": 0}

        def callback(epoch: int, history: dict, params: dict | None = None) -> bool:
            if run["cancel"].is_set():
                return False
            if params is not None:  # train(inside=True): that epoch's weights
                run["epoch_params"] = params
            run["history"] = history
            now = time.perf_counter()
            # Draw the first epoch at once, then as often as drawing stays cheap.
            wait = max(MIN_FRAME_SECONDS, drawn["cost"] / DRAW_SHARE)
            due = epoch == 1 or now - drawn["at"] >= wait
            self._show(run, f"running: {describe(cfg)}: epoch {epoch}/{cfg['n_epochs']}, "
                            f"validation {100 * history['val_acc'][-1]:.1f} %",
                       history if due else None)
            if due:
                drawn.update(at=time.perf_counter(), epochs=epoch)
                drawn["cost"] = drawn["at"] - now
            return True

        try:
            rng = np.random.default_rng(cfg["seed"])
            params = init_params([784, cfg["hidden"], 10], rng, init=cfg["init"])
            trained, history = train(params, self.data.train, self.data.val, lr=cfg["lr"],
                                     n_epochs=cfg["n_epochs"], batch_size=cfg["batch_size"],
                                     loss=cfg["loss"], rng=rng, callback=callback,
                                     progress=False, inside=run["inside"])
        except Exception as exc:  # shown in the panel rather than lost in a thread
            run.update(outcome="error", error=exc)
            self._show(run, f"error: {type(exc).__name__}: {exc}", error=True)
            return
        finally:
            busy.cancel()
        run.update(history=history, params=trained)  # the network, for other widgets to use
        seconds = time.perf_counter() - run["started"]
        with self._lock:
            if run["outcome"] == "running":
                run["outcome"] = "stopped" if run["cancel"].is_set() else "finished"
        if run["outcome"] == "superseded" or not history["train_acc"]:
            return
        self._show(run, f"{run['outcome']}: {describe(cfg)} — after "
                        f"{len(history['train_acc'])} epochs, training "
                        f"{100 * history['train_acc'][-1]:.1f} %, validation "
                        f"{100 * history['val_acc'][-1]:.1f} % ({seconds:.1f} s)",
                   history if len(history["train_acc"]) > drawn["epochs"] else None, link=True)


def playground(data: Any = None, *, lr: float = 0.5, hidden: int = 110, n_epochs: int = 20,
               batch_size: int = 10, loss: str = "cross_entropy", seed: int = 0,
               autostart: bool = False, lock: Any = (), hide: Any = (),
               init: str = "normal_scaled") -> Playground:
    """A :class:`Playground`: trains the network live while you move its sliders.

    Parameters
    ----------
    data : result of :func:`backprop.load_mnist`, default ``load_mnist(n_test=0)``
    lr, hidden, n_epochs, batch_size, loss, seed : the initial settings
    autostart : bool, start a run as soon as the panel is built
    lock : list of control names (``"lr"``, ``"hidden"``, ``"n_epochs"``, ``"batch_size"``,
        ``"loss"``, ``"seed"``): shown, but fixed at their initial settings
    hide : list of control names: left out of the panel (their initial settings apply)
    init : {"normal_scaled", "normal"}, the initialisation, N(0, 1/n_in) or N(0, 1)

    Returns
    -------
    Playground
        An ``ipywidgets.VBox``. ``panel.runs`` lists every run started, newest last;
        ``panel.wait()`` blocks until the newest run has ended (for scripts and tests).
    """
    return Playground(data, lr=lr, hidden=hidden, n_epochs=n_epochs, batch_size=batch_size,
                      loss=loss, seed=seed, autostart=autostart, lock=lock, hide=hide,
                      init=init)
