"""The playground (notebook 02, "Try it live"): trains the network live while students
move its sliders.

:class:`Playground` (made by :func:`playground`) keeps the controls and the pictures; its
:class:`backprop.widgets.Runner` trains each run in a background thread (a new run
supersedes one still going). The learning curves are drawn through one persistent
:class:`backprop.figures.LiveCurves` figure, which redraws only the lines after each epoch (a
few ms), so drawing costs little next to the training.
"""

from __future__ import annotations

import html
import os
import threading
import time
from typing import Any

import ipywidgets as W
import numpy as np

from ..data import Split, load_mnist
from ..figures import LiveCurves, describe_curves
from ..nn import init_params
from ..settings import DEFAULT_RUN, LIVE_TRAIN_IMAGES, LIVE_VAL_IMAGES
from ..training import TrainingDiverged, evaluate, train
from ._a11y import Announcer, Picture
from ._common import PANEL_CLASS, describe, plots_row, put_pngs, row, style_widget
from ._controls import check_control, setting_controls
from ._inside import InsidePanel
from ._presets import hide_controls, link_html, lock_controls
from ._runs import Run, Runner
from ._shared import REPLAY_WORDS, ClassShare

MAX_EARLIER = 6  # earlier runs kept as faded curves
MIN_FRAME_SECONDS = 0.1  # at most ~10 pictures a second: the eye needs no more
DRAW_SHARE = 0.2  # a picture waits until drawing has cost at most this share of the CPU
BUSY_SECONDS = 1.0  # no first epoch after this long: say that the server is busy
EARLIER_CLASS = "bp-earlier-runs-"  # + the number of faded earlier runs the curves show


class Playground(W.VBox):
    """A panel that trains the 784-hidden-10 network live while you move its sliders.

    Notebook 02's "Try it live" and the Voila app. Changing any control starts a new run
    by itself; a run still going is stopped first, so stale runs never queue up. Training
    runs in a background thread, so the kernel stays responsive; the curves redraw as
    epochs finish, earlier runs stay as faded curves until *Clear*, and the status line says
    what is running or what the last run reached. An error during a run is shown in the
    status line. When the first epoch is slow to come (a busy classroom server), the status
    line says so.

    Parameters
    ----------
    data : result of :func:`backprop.load_mnist`, default ``load_mnist(n_test=0)``
    lr, hidden, n_epochs, batch_size, loss, seed, init : the initial settings, by default
        :data:`backprop.settings.DEFAULT_RUN`; each must obey its rule
        (:func:`backprop.settings.check`) and lie on its control
        (:data:`backprop.settings.GRID`), else TypeError or ValueError. ``init`` is the
        weights' initialisation, {"normal_scaled", "normal"} (``controls["init"]``)
    autostart : bool, start a run as soon as the panel is built
    lock : list of control names (keys of ``controls``), shown but fixed
    hide : list of control names, left out
    store : the class's store, to share runs with the class (the Voila app): a
        :class:`backprop.store.RunStore`, a path or URL for :func:`backprop.store.open_store`,
        or True for the default (``$BACKPROP_STORE``); None (default) shares nothing. Settings
        someone already ran come from the store at once ("from the class's runs"); a store
        that fails is switched off and the status line says so once.

    Attributes
    ----------
    controls : dict of the setting widgets, by name (``lr``, ``hidden``, ``n_epochs``, ...)
    buttons : dict of the Train, Stop and Clear buttons
    status : ipywidgets.HTML, the status line
    locked_controls, hidden_controls : lists of the locked and hidden control names
    offer_link : bool, the status line offers the link of the settings after a run (set in
        the Voila app, by :class:`backprop.widgets.PresetNote`)
    page_query : str, the query string of the Voila page showing the panel ("" elsewhere);
        the settings link keeps its ``token``
    images : dict of two Pictures (ipywidgets.Image with a text alternative ``alt``, from
        :func:`backprop.figures.describe_curves`), ``loss`` and ``accuracy``: the learning curves
        as two PNGs, in ``plots``, a row that wraps (side by side on a wide panel, stacked
        on a phone); ``image`` is the loss picture. Stable classes for pages and tests:
        ``bp-playground-curves`` and ``bp-playground-curve-loss`` / ``-accuracy`` on the
        pictures, ``bp-playground-status`` on ``status``, ``bp-playground-<name>`` on each
        of ``controls``
    curves : backprop.figures.LiveCurves, the figure behind ``images``; ``plots`` carries
        the class ``bp-earlier-runs-<n>``, the number of faded earlier runs it shows (a page,
        and a browser test, can tell them from the newest run's curves)
    live_train, live_val : Split, the training and validation images a run is measured on
        after each epoch while it trains (:func:`live_splits`): the first
        :data:`backprop.settings.LIVE_TRAIN_IMAGES` (1000) of ``data.train`` and
        :data:`~backprop.settings.LIVE_VAL_IMAGES` (2000) of ``data.val``; when a run ends
        (finished or stopped) its last epoch is measured again on all of both, and those
        are the numbers the status line gives
    inside : InsidePanel, the second view (weights, outputs, gradients, saturation) and
        its switch ``inside.view``
    runner : Runner, starts and stops the runs; ``runner.drawing`` is held while a picture
        is drawn
    runs : list of Run, every run started, newest last (``runner.runs``)
    announcer : Announcer, a visually hidden live region: a screen reader hears a run's start
        and end (not every epoch); ``announcer.said`` lists what it said
    share : ClassShare or None, the link to the class's store (with ``store``); its ``box``
        holds the nickname field
    """

    def __init__(self, data: Any = None, *, lr: float = DEFAULT_RUN["lr"],
                 hidden: int = DEFAULT_RUN["hidden"], n_epochs: int = DEFAULT_RUN["n_epochs"],
                 batch_size: int = DEFAULT_RUN["batch_size"], loss: str = DEFAULT_RUN["loss"],
                 seed: int = DEFAULT_RUN["seed"], autostart: bool = False, lock: Any = (),
                 hide: Any = (), init: str = DEFAULT_RUN["init"], store: Any = None):
        initial = {"lr": lr, "hidden": hidden, "n_epochs": n_epochs, "batch_size": batch_size,
                   "loss": loss, "seed": seed}
        for name, value in (*initial.items(), ("init", init)):
            check_control(name, value)
        self.data = load_mnist(n_test=0) if data is None else data
        self.controls = setting_controls(initial)
        self.buttons = {name: W.Button(description=name, layout=W.Layout(width="90px"))
                        for name in ("Train", "Stop", "Clear")}
        self.buttons["Train"].button_style = "primary"
        self.status = W.HTML(value="ready: move a slider or press Train").add_class(
            "bp-status").add_class("bp-playground-status")
        self.curves = LiveCurves()
        # Stable classes (bp-playground-curves, bp-playground-curve-loss, -accuracy): the
        # page and the classroom benchmark tell them from the other panels' bp-plot pictures.
        self.images = {name: Picture(value=png, format="png", tooltip=alt).add_class(
            "bp-playground-curves").add_class(f"bp-playground-curve-{name}")
            for name, png, alt in zip(("loss", "accuracy"), self.curves.pngs(None, [], n_epochs),
                                      describe_curves(None, n_epochs), strict=True)}
        self.announcer = Announcer()  # says a run's start and end to a screen reader
        self.live_train, self.live_val = live_splits(self.data)
        self.runner = Runner(self._train, self._ended)
        self.share = ClassShare(store, self.data) if store is not None else None
        self.inside = InsidePanel(self, init)
        self.controls["init"] = self.inside.init

        for widget in self.controls.values():
            widget.observe(self.start, names="value")
        self.buttons["Train"].on_click(self.start)
        self.buttons["Stop"].on_click(self.stop)
        self.buttons["Clear"].on_click(self.clear)
        c = self.controls
        self.plots = plots_row(list(self.images.values()))
        self._earlier_mark = f"{EARLIER_CLASS}0"
        self.plots.add_class(self._earlier_mark)
        # The style sheet last, hidden: children[2] stays the buttons' row.
        super().__init__([row([c["lr"], c["hidden"]]),
                          row([c["n_epochs"], c["batch_size"], c["loss"], c["seed"]]),
                          row(list(self.buttons.values())),
                          row([self.inside.view, c["init"]]), self.status, self.plots,
                          self.inside.box, self.announcer, style_widget()],
                         layout=W.Layout(max_width="100%"))
        self.add_class("bp-playground").add_class(PANEL_CLASS)
        self.locked_controls: list[str] = []
        self.hidden_controls: list[str] = []
        self.offer_link = False
        self.page_query = ""
        lock_controls(self, lock)
        hide_controls(self, hide)
        if autostart:
            self.start()

    @property
    def image(self) -> W.Image:
        """The loss picture (the first of ``images``)."""
        return self.images["loss"]

    @property
    def runs(self) -> list[Run]:
        """Every run started, newest last."""
        return self.runner.runs

    def config(self) -> dict:
        """The current settings, by name."""
        return {k: w.value for k, w in self.controls.items()}

    def start(self, *_: Any) -> None:
        """Start a run with the current settings, superseding a run still going."""
        # Always recording the inside costs the training nothing measurable, and the inside
        # view can then show any run at once, a finished one without training it again.
        self.runner.start(self.config(), inside=True)

    def stop(self, *_: Any) -> None:
        """Stop the newest run after its current epoch; it reports "stopped" itself."""
        self.runner.stop()

    def clear(self, *_: Any) -> None:
        """Drop the faded earlier runs from the picture."""
        current, n = self.runner.clear_earlier()
        with self.runner.drawing:
            self._put_curves(self.curves.pngs(current, [], n), self.curves.n_earlier,
                             describe_curves(current, n))

    def wait(self, timeout: float = 60.0) -> None:
        """Block until the newest run has ended (for scripts and tests)."""
        self.runner.wait(timeout)

    def newest_finished(self) -> Run | None:
        """The newest run that finished all its epochs, with its trained ``params``, or None
        (draw-a-digit reads the drawing with it)."""
        return self.runner.newest_finished()

    def _show(self, run: Run, text: str, history: dict | None = None,
              error: bool = False, link: bool = False, say: bool = False) -> None:
        """Status line (and, given ``history``, the picture) if ``run`` still owns the panel;
        with ``say``, a screen reader announces ``text`` (a run's start and end only)."""
        earlier = self.runner.earlier(run, MAX_EARLIER)
        if earlier is None:
            return  # a newer run owns the display
        pngs = None  # the two curve pictures, or the inside view's title, pictures and texts
        inside = run.inside and self.inside.on
        if history is not None:
            with self.runner.drawing:
                pngs = self.inside.pngs(run, history) if inside else \
                    self.curves.pngs(history, earlier, run.config["n_epochs"])
                n_earlier = self.curves.n_earlier  # of this picture: read while drawing
                alts = None if inside else describe_curves(history, run.config["n_epochs"],
                                                            n_earlier)
        with self.runner.owning(run) as owner:
            if not owner:
                return
            color = "#b00020" if error else "inherit"
            self.status.value = f'<span style="color:{color}">{html.escape(text)}</span>'
            if link and self.offer_link:
                self.status.value += f" · {link_html(self)}"
            if say:
                self.announcer.say(text)
            # a run's last words carry the note, once: the store failed, runs are not shared
            untold = self.share.untold() if self.share is not None and (link or error) \
                else None
            if untold:
                self.status.value += (f' · <span style="color:#8a4b00">{html.escape(untold)}'
                                      f"</span>")
            if pngs is not None:
                if inside:
                    self.inside.put(*pngs)
                else:
                    self._put_curves(pngs, n_earlier, alts)
                run.frames.append(time.perf_counter())
                run.drawn_epochs = len(history["train_acc"])

    def _put_curves(self, pngs: tuple[bytes, bytes], n_earlier: int,
                    alts: tuple[str, str] | None = None) -> None:
        """Show the curves' two pictures (with their texts), and mark ``plots`` with the number
        of faded earlier runs they show."""
        put_pngs(self.images, pngs, alts)
        mark = f"{EARLIER_CLASS}{n_earlier}"
        if mark != self._earlier_mark:  # a message to the page only when it changes
            self.plots.remove_class(self._earlier_mark).add_class(mark)
            self._earlier_mark = mark

    def _busy_note(self, run: Run) -> None:
        if run.history is None and run.outcome == "running":
            load = os.getloadavg()[0]
            self._show(run, f"running: {describe(run.config)}: waiting for the first "
                            f"epoch; the server is busy (load {load:.1f} on "
                            f"{os.cpu_count()} cores), please wait")

    def _train(self, run: Run) -> tuple[dict, dict]:
        """Train ``run`` (in its thread, for the runner), showing its epochs as they come."""
        cfg = run.config
        # The inside view shows the network's weights, which a replay has not: train it here.
        if self.share is not None and not (run.inside and self.inside.on):
            stored = self.share.acquire(
                run, lambda text: self._show(run, f"waiting: {describe(cfg)}: {text}"))
            if stored is not None:
                return self._replay(run, stored)
            if run.cancel.is_set():  # moved on while following another page's run
                return None, None
        self._show(run, f"running: {describe(cfg)}, starting", say=True)
        busy = threading.Timer(BUSY_SECONDS, self._busy_note, args=(run,))
        busy.daemon = True
        busy.start()
        drawn = {"at": 0.0, "cost": 0.0, "cpu": 0.0}

        def callback(epoch: int, history: dict, params: dict | None = None) -> bool:
            if run.cancel.is_set():
                return False
            if params is not None:  # train(inside=True): that epoch's weights
                run.epoch_params = params
            run.history = history
            if self.share is not None:
                self.share.renew(run)
            # Draw the first epoch at once; then at most every MIN_FRAME_SECONDS, and only
            # once this thread has trained for cost / DRAW_SHARE of CPU since the last
            # picture. Counted in CPU, not in wall time, drawing stays that small share of
            # a run's work however busy the server is: 16 runs at once on 2 cores then get
            # a picture every few epochs rather than every one.
            now, cpu = time.perf_counter(), time.thread_time()
            if epoch > 1 and (now - drawn["at"] < MIN_FRAME_SECONDS
                              or cpu - drawn["cpu"] < drawn["cost"] / DRAW_SHARE):
                return True
            # The status line changes with the picture, so the two always agree.
            self._show(run, f"running: {describe(cfg)}: epoch {epoch}/{cfg['n_epochs']}, "
                            f"validation {100 * history['val_acc'][-1]:.1f} %"
                            f"{self._images_note(self.live_val)}", history)
            drawn["at"], drawn["cpu"] = time.perf_counter(), time.thread_time()
            drawn["cost"] = drawn["cpu"] - cpu
            return True

        try:
            rng = np.random.default_rng(cfg["seed"])
            params = init_params([784, cfg["hidden"], 10], rng, init=cfg["init"])
            params, history = train(params, self.data.train, self.live_val, lr=cfg["lr"],
                                    n_epochs=cfg["n_epochs"], batch_size=cfg["batch_size"],
                                    loss=cfg["loss"], rng=rng, callback=callback,
                                    progress=False, inside=run.inside,
                                    train_eval=self.live_train)
        finally:
            busy.cancel()
        if history["val_acc"] and run.outcome != "superseded":
            self._measure_on_all(params, history, cfg["loss"], run)
        return params, history

    def _measure_on_all(self, params: dict, history: dict, loss: str, run: Run) -> None:
        """The run's last epoch measured again on all the training and validation images:
        its final numbers (~15 ms); its last picture is then drawn again with them."""
        for name, live, split in (("train", self.live_train, self.data.train),
                                  ("val", self.live_val, self.data.val)):
            if len(live) < len(split):
                X = split.X.astype(params["W1"].dtype, copy=False)
                history[f"{name}_loss"][-1], history[f"{name}_acc"][-1] = evaluate(
                    params, X, split.Y.astype(X.dtype, copy=False), split.y, loss)
                run.drawn_epochs = min(run.drawn_epochs, len(history["val_acc"]) - 1)

    def _images_note(self, val: Split) -> str:
        """How many validation images a number was measured on, for the status line."""
        if len(val) < len(self.data.val):
            return f" on {len(val)} images (all {len(self.data.val)} at the end)"
        return f" on all {len(val)} images" if val is not self.live_val else ""

    def _replay(self, run: Run, stored: Any) -> tuple[None, dict]:
        """Show a run of the class's store at once (for ``_train``): its curves, in one
        picture. A replay has no network (``params`` stays None)."""
        run.source, run.inside = "replay", False  # the inside view needs the weights
        run.trained_seconds = stored.seconds
        history = stored.history
        run.history = history
        n = len(history["val_acc"])
        if stored.diverged:
            raise TrainingDiverged(f"training diverged in epoch {n}; try a smaller learning "
                                   f"rate ({REPLAY_WORDS})", n, history)
        self._show(run, f"{REPLAY_WORDS}: {describe(run.config)}", history)
        return None, history

    def _share_ended(self, run: Run, seconds: float) -> None:
        """Keep a run that trained here to its end (or diverged) for the class, or give up
        its claim."""
        if run.outcome == "finished":
            self.share.keep(run, run.history, seconds, diverged=False)
        elif run.outcome == "error" and isinstance(run.error, TrainingDiverged):
            self.share.keep(run, run.error.history, seconds, diverged=True)
        else:
            self.share.release(run)

    def _replay_words(self, run: Run, seconds: float) -> str:
        trained = "" if run.trained_seconds is None else \
            f", trained in {run.trained_seconds:.1f} s"
        return f" ({REPLAY_WORDS}{trained}; shown in {seconds:.2f} s)"

    def _ended(self, run: Run) -> None:
        """The run's last words in the status line (for the runner), and its last picture."""
        seconds = time.perf_counter() - run.started
        if self.share is not None and run.source == "live":
            self._share_ended(run, seconds)
        if run.outcome == "error":
            history = run.history if run.source == "replay" else None
            self._show(run, f"error: {type(run.error).__name__}: {run.error}", history,
                       error=True, say=True)
            return
        if run.outcome == "superseded" or not run.epochs:
            return
        history = run.history
        # The inside view is redrawn even when its last epoch was: its caption says the run
        # has ended.
        redraw = run.epochs > run.drawn_epochs or (run.inside and self.inside.on)
        self._show(run, f"{run.outcome}: {describe(run.config)} — after {run.epochs} epochs, "
                        f"training {100 * history['train_acc'][-1]:.1f} %, validation "
                        f"{100 * history['val_acc'][-1]:.1f} %"
                        f"{self._images_note(self.data.val)}" + (
                            self._replay_words(run, seconds) if run.source == "replay" else
                            f" ({seconds:.1f} s)"), history if redraw else None, link=True,
                   say=True)


def live_splits(data: Any) -> tuple[Split, Split]:
    """The fixed subsets a live run is measured on after each epoch: the first
    :data:`backprop.settings.LIVE_TRAIN_IMAGES` training images and the first
    :data:`~backprop.settings.LIVE_VAL_IMAGES` validation images (a whole split if it has no
    more). The playground, and the benchmarks' reference runs, measure with them.

    The first images of the report's splits are a fair sample (MNIST's training images, from
    which both are taken, are in no particular order). 2000 images measure an accuracy near
    93 % to about +-0.6 points (one standard error), 10000 to +-0.25; 1000 measure a training
    accuracy near 99 % to about +-0.3.

    Parameters
    ----------
    data : result of :func:`backprop.load_mnist`

    Returns
    -------
    (train, val) : two Splits, views of ``data.train`` and ``data.val``
    """
    return data.train.first(LIVE_TRAIN_IMAGES), data.val.first(LIVE_VAL_IMAGES)


def playground(data: Any = None, *, lr: float = DEFAULT_RUN["lr"],
               hidden: int = DEFAULT_RUN["hidden"], n_epochs: int = DEFAULT_RUN["n_epochs"],
               batch_size: int = DEFAULT_RUN["batch_size"], loss: str = DEFAULT_RUN["loss"],
               seed: int = DEFAULT_RUN["seed"], autostart: bool = False, lock: Any = (),
               hide: Any = (), init: str = DEFAULT_RUN["init"], store: Any = None
               ) -> Playground:
    """A :class:`Playground`: trains the network live while you move its sliders.

    Notebook 02's "Try it live" and the Voila app (``app/playground.ipynb``).

    Parameters
    ----------
    data : result of :func:`backprop.load_mnist`, default ``load_mnist(n_test=0)``
    lr, hidden, n_epochs, batch_size, loss, seed : the initial settings, by default
        :data:`backprop.settings.DEFAULT_RUN`; a value that breaks its rule raises the
        error ``train`` raises, e.g. ``playground(lr=-1)``: "lr must be a finite number > 0,
        got -1"; a valid value off the slider (``lr=100``) a ValueError naming its range
    autostart : bool, start a run as soon as the panel is built
    lock : list of control names (``"lr"``, ``"hidden"``, ``"n_epochs"``, ``"batch_size"``,
        ``"loss"``, ``"seed"``): shown, but fixed at their initial settings
    hide : list of control names: left out of the panel (their initial settings apply)
    init : {"normal_scaled", "normal"}, the initialisation, N(0, 1/n_in) or N(0, 1)
    store : share the runs with the class (the Voila app): True for the default store
        (``$BACKPROP_STORE``), a path or :class:`backprop.store.RunStore`; None shares nothing

    Returns
    -------
    Playground
        An ``ipywidgets.VBox``. ``panel.runs`` lists every run started (each a
        :class:`backprop.widgets.Run`), newest last; ``panel.wait()`` blocks until
        the newest run has ended (for scripts and tests).
    """
    return Playground(data, lr=lr, hidden=hidden, n_epochs=n_epochs, batch_size=batch_size,
                      loss=loss, seed=seed, autostart=autostart, lock=lock, hide=hide,
                      init=init, store=store)
