"""Live widgets for the classroom: the only module of the package that imports ipywidgets.

:func:`playground` trains the network in a background thread while students move sliders;
:func:`sweep_explorer` flips through a precomputed grid of runs. Both draw with plain
matplotlib into ``ipywidgets.Image`` widgets, so they work wherever ipywidgets do
(JupyterLab, Voila, VS Code, Colab) without front-end extensions.
"""

from __future__ import annotations

import html
import io
import threading
import time
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from . import plots
from .data import load_mnist
from .nn import init_params
from .training import train

LOSSES = [("quadratic", "mse"), ("cross-entropy", "cross_entropy")]
REDRAW_SECONDS = 0.15  # a redraw costs ~40 ms; more often would slow training down
MAX_EARLIER = 6  # earlier runs kept as faded curves


def render_curves(history: dict | None, earlier: list[dict], n_epochs: int | None = None,
                  title: str = "") -> bytes:
    """PNG of the learning curves of ``history`` over faded ``earlier`` histories.

    Parameters
    ----------
    history : dict from :func:`backprop.train` (may be partial), or None
    earlier : list of such dicts, drawn faded and without legend entries
    n_epochs : int, optional, fixes the x axis so a running curve grows into it

    Returns
    -------
    bytes, a PNG image
    """
    fig = Figure(figsize=(9.5, 3.3), dpi=80, layout="constrained")
    axes = fig.subplots(1, 2)
    for old in earlier:  # a label starting with "_" keeps it out of the legend
        plots.learning_curves(old, axes=axes, alpha=0.2, label="_earlier ")
    plots.learning_curves(history or {}, axes=axes, title=title)
    if n_epochs:
        for ax in axes:
            ax.set_xlim(0.5, max(n_epochs, 2) + 0.5)
    accs = [a for h in [history or {}, *earlier] for k in ("train_acc", "val_acc")
            for a in h.get(k, [])]
    low = 100 * min(accs, default=0.0)
    axes[1].set_ylim(max(0.0, 5 * np.floor(low / 5) - 5), 101)  # room to see the top
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _describe(cfg: dict) -> str:
    loss = dict((v, k) for k, v in LOSSES)[cfg["loss"]]
    return (f"learning rate {cfg['lr']:.3g}, hidden units {cfg['hidden']}, "
            f"{cfg['n_epochs']} epochs, batch size {cfg['batch_size']}, {loss}, "
            f"seed {cfg['seed']}")


def _controls(lr, hidden, n_epochs, batch_size, loss, seed) -> dict[str, W.Widget]:
    style = {"description_width": "initial"}
    return {
        "lr": W.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.1,
                               description="learning rate", readout_format=".3g",
                               continuous_update=False, style=style),
        "hidden": W.IntSlider(value=hidden, min=5, max=300, step=5, description="hidden units",
                              continuous_update=False, style=style),
        "n_epochs": W.IntSlider(value=n_epochs, min=1, max=200, description="epochs",
                                continuous_update=False, style=style),
        "batch_size": W.Dropdown(options=[1, 5, 10, 20, 50, 100], value=batch_size,
                                 description="batch size", style=style,
                                 layout=W.Layout(width="150px")),
        "loss": W.Dropdown(options=LOSSES, value=loss, description="loss", style=style,
                           layout=W.Layout(width="210px")),
        "seed": W.BoundedIntText(value=seed, min=0, max=10**6, description="seed", style=style,
                                 layout=W.Layout(width="130px")),
    }


def playground(data: Any = None, *, lr: float = 0.5, hidden: int = 110, n_epochs: int = 20,
               batch_size: int = 10, loss: str = "cross_entropy", seed: int = 0,
               autostart: bool = False) -> W.VBox:
    """A panel that trains the 784-hidden-10 network live while you move its sliders.

    Changing any control starts a new run by itself; a run still going is stopped first,
    so stale runs never queue up. Training runs in a background thread, so the kernel
    stays responsive; the curves redraw as epochs finish, earlier runs stay as faded
    curves until *Clear*, and the status line says what is running or what the last run
    reached. An error during a run is shown in the status line.

    Parameters
    ----------
    data : result of :func:`backprop.load_mnist`, default ``load_mnist()``
    lr, hidden, n_epochs, batch_size, loss, seed : the initial settings
    autostart : bool, start a run as soon as the panel is built

    Returns
    -------
    ipywidgets.VBox
        The panel. ``panel.runs`` lists every run started (dicts with ``config``,
        ``outcome`` in {"running", "finished", "stopped", "superseded", "error"},
        ``history`` and ``error``), newest last; ``panel.wait()`` blocks until the newest
        run has ended (for scripts and tests).
    """
    data = load_mnist() if data is None else data
    controls = _controls(lr, hidden, n_epochs, batch_size, loss, seed)
    buttons = {name: W.Button(description=name, layout=W.Layout(width="90px"))
               for name in ("Train", "Stop", "Clear")}
    buttons["Train"].button_style = "primary"
    status = W.HTML(value="ready: move a slider or press Train").add_class("bp-status")
    image = W.Image(value=render_curves(None, []), format="png").add_class("bp-plot")
    runs: list[dict] = []
    lock = threading.Lock()  # guards ``runs`` and which run owns the display

    def config() -> dict:
        return {k: w.value for k, w in controls.items()}

    def show(run: dict, text: str, png: bytes | None = None, error: bool = False) -> None:
        with lock:
            if runs and runs[-1] is not run:
                return  # a newer run owns the display
            color = "#b00020" if error else "inherit"
            status.value = f'<span style="color:{color}">{html.escape(text)}</span>'
            if png is not None:
                image.value = png

    def earlier() -> list[dict]:
        done = [r["history"] for r in runs[:-1] if r["outcome"] in ("finished", "stopped")]
        return done[-MAX_EARLIER:]

    def start(*_: Any) -> None:
        run = {"config": config(), "outcome": "running", "history": None, "error": None,
               "cancel": threading.Event()}
        with lock:
            previous = runs[-1] if runs else None
            if previous is not None and previous["outcome"] == "running":
                previous["outcome"] = "superseded"
                previous["cancel"].set()
            run["thread"] = threading.Thread(target=_worker, args=(run, previous), daemon=True)
            runs.append(run)
        run["thread"].start()

    def _worker(run: dict, previous: dict | None) -> None:
        if previous is not None:
            previous["thread"].join()  # at most one epoch: it checks its cancel flag
        cfg = run["config"]
        if run["cancel"].is_set():
            return
        show(run, f"running: {_describe(cfg)}, starting")
        started = time.perf_counter()
        last_draw = [0.0]

        def callback(epoch: int, history: dict) -> bool:
            if run["cancel"].is_set():
                return False
            run["history"] = history
            now = time.perf_counter()
            png = None
            if now - last_draw[0] > REDRAW_SECONDS:
                png = render_curves(history, earlier(), cfg["n_epochs"])
                last_draw[0] = time.perf_counter()
            show(run, f"running: {_describe(cfg)}: epoch {epoch}/{cfg['n_epochs']}, "
                      f"validation {100 * history['val_acc'][-1]:.1f} %", png)
            return True

        try:
            rng = np.random.default_rng(cfg["seed"])
            params = init_params([784, cfg["hidden"], 10], rng)
            _, history = train(params, data.train, data.val, lr=cfg["lr"],
                               n_epochs=cfg["n_epochs"], batch_size=cfg["batch_size"],
                               loss=cfg["loss"], rng=rng, callback=callback, progress=False)
        except Exception as exc:  # shown in the panel rather than lost in a thread
            run.update(outcome="error", error=exc)
            show(run, f"error: {type(exc).__name__}: {exc}", error=True)
            return
        run["history"] = history
        seconds = time.perf_counter() - started
        with lock:
            if run["outcome"] == "running":
                run["outcome"] = "stopped" if run["cancel"].is_set() else "finished"
        if run["outcome"] == "superseded" or not history["train_acc"]:
            return
        show(run, f"{run['outcome']}: {_describe(cfg)} — after {len(history['train_acc'])} "
                  f"epochs, training {100 * history['train_acc'][-1]:.1f} %, validation "
                  f"{100 * history['val_acc'][-1]:.1f} % ({seconds:.1f} s)",
             render_curves(history, earlier(), cfg["n_epochs"]))

    def stop(*_: Any) -> None:
        with lock:
            run = runs[-1] if runs else None
        if run is not None and run["outcome"] == "running":
            run["cancel"].set()  # the worker reports "stopped" itself

    def clear(*_: Any) -> None:
        with lock:
            for run in runs[:-1]:
                run["history"] = None
            current = runs[-1]["history"] if runs else None
            n = runs[-1]["config"]["n_epochs"] if runs else None
        image.value = render_curves(current, [], n)

    for widget in controls.values():
        widget.observe(start, names="value")
    buttons["Train"].on_click(start)
    buttons["Stop"].on_click(stop)
    buttons["Clear"].on_click(clear)

    c = controls
    panel = W.VBox([W.HBox([c["lr"], c["hidden"]]),
                    W.HBox([c["n_epochs"], c["batch_size"], c["loss"], c["seed"]]),
                    W.HBox(list(buttons.values())), status, image])
    panel.add_class("bp-playground")
    panel.runs = runs
    panel.controls, panel.status, panel.image = controls, status, image

    def wait(timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while runs:
            newest = runs[-1]
            newest["thread"].join(max(0.0, deadline - time.monotonic()))
            if newest is runs[-1] or time.monotonic() >= deadline:
                return

    panel.wait = wait
    if autostart:
        start()
    return panel


def sweep_explorer(results) -> W.VBox:
    """Sliders over a precomputed grid of runs (hidden units x learning rate x seed).

    Parameters
    ----------
    results : pandas.DataFrame from :func:`backprop.sweep` with columns ``hidden``, ``lr``,
        ``seed`` and ``history``; every combination may or may not be present.

    Returns
    -------
    ipywidgets.VBox
        Moving a slider switches the curves at once (each picture is drawn once and kept).
    """
    missing = {"hidden", "lr", "seed", "history"} - set(results.columns)
    if missing:
        raise ValueError(f"results needs the columns of backprop.sweep; missing {sorted(missing)}")
    style = {"description_width": "initial"}
    hidden = W.SelectionSlider(options=sorted(results["hidden"].unique()),
                               description="hidden units", style=style,
                               continuous_update=True)
    lr = W.SelectionSlider(options=[(f"{v:g}", v) for v in sorted(results["lr"].unique())],
                           description="learning rate", style=style, continuous_update=True)
    seeds = sorted(results["seed"].unique())
    seed = W.Dropdown(options=[("all", None)] + [(str(s), s) for s in seeds],
                      description="seed", style=style, layout=W.Layout(width="160px"))
    status = W.HTML().add_class("bp-status")
    image = W.Image(format="png").add_class("bp-plot")
    pictures: dict[tuple, tuple[bytes, str]] = {}

    def picture(key: tuple) -> tuple[bytes, str]:
        h, rate, s = key
        rows = results[(results["hidden"] == h) & (results["lr"] == rate)]
        if s is not None:
            rows = rows[rows["seed"] == s]
        if rows.empty:
            return render_curves(None, []), f"no run for hidden units {h}, learning rate {rate:g}"
        histories = list(rows["history"])
        text = (f"hidden units {h}, learning rate {rate:g}, {len(histories)} run(s): final "
                f"training {100 * rows['train_acc'].mean():.1f} %, validation "
                f"{100 * rows['val_acc'].mean():.1f} % (mean)")
        return render_curves(histories[0], histories[1:]), text

    def update(*_: Any) -> None:
        key = (hidden.value, lr.value, seed.value)
        if key not in pictures:
            pictures[key] = picture(key)
        image.value, status.value = pictures[key][0], html.escape(pictures[key][1])

    for widget in (hidden, lr, seed):
        widget.observe(update, names="value")
    update()
    panel = W.VBox([W.HBox([hidden, lr, seed]), status, image]).add_class("bp-explorer")
    panel.controls = {"hidden": hidden, "lr": lr, "seed": seed}
    panel.status, panel.image = status, image
    return panel
