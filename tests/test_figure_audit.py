"""No figure shows a blank panel or text too small to read (backprop.figures.audit).

The notebooks' figures are checked as nbval runs them (``notebooks/conftest.py``, part of
``make test``); the widgets' figures are checked here, built the way the widgets build them
with a short training run on a small sample of MNIST, and scaled as the page shows them.
The checker itself is tested on figures made faulty on purpose, among them issue 18's: the
learning curves' loss axis made logarithmic after it was fixed to start at 0.
"""

import base64
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figure_helpers import inside_run  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import backprop as bp  # noqa: E402
from backprop import figures  # noqa: E402
from backprop.figures import audit  # noqa: E402
from backprop.walkthrough import walkthrough  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# How wide the page shows the step-through's wide graph: the panel fills the notebook column.
STEP_WIDE_SHOWN = audit.NOTEBOOK_COLUMN_PX


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def history_like_notebook_02() -> dict:
    """A 100-epoch history whose training loss falls to 0.007 and validation loss rises."""
    epochs = np.arange(1, 101)
    return {"train_loss": list(2.3 * np.exp(-epochs / 15) + 0.007),
            "val_loss": list(0.3 + 0.003 * epochs + 0.5 * np.exp(-epochs / 10)),
            "train_acc": list(1 - 0.9 * np.exp(-epochs / 10)),
            "val_acc": list(0.92 - 0.5 * np.exp(-epochs / 10))}


def assert_no_problems(fig, scale: float, what: str) -> None:
    problems = audit.figure_problems(fig, scale=scale)
    assert not problems, f"{what}:\n{audit.describe(problems)}"


# ----------------------------------------------------------------------------- the checker

def test_a_log_loss_axis_set_after_the_fact_was_blank_and_is_caught():
    # issue 18: what notebooks 02, 03 and 04 did, on a loss axis fixed to start at 0
    fig, axes = plt.subplots(1, 2)
    axes[0].plot([1, 2, 3], [2.3, 0.1, 0.007])
    axes[0].set(ylim=(0, 2.5), title="loss")
    axes[0].set_yscale("log")
    problems = audit.figure_problems(fig)
    assert [p.panel for p in problems] == ["'loss'"]
    assert "log y axis whose limits reach 0" in problems[0].what


def test_lines_outside_the_limits_and_small_text_are_caught():
    fig, (ax, ok) = plt.subplots(1, 2, figsize=(4, 2))
    ax.plot([1, 2], [1, 2])
    ax.set(xlim=(5, 6), title="nothing here")
    ok.axhline(0.5)  # in axes coordinates along x: shown whatever the x limits
    ok.set(xlim=(100, 200), ylim=(0, 1))
    ok.set_title("tiny", fontsize=6)
    fig.suptitle("also tiny", fontsize=5)
    found = {(p.panel, p.what.split(",")[0]) for p in audit.figure_problems(fig, scale=1)}
    assert found == {("'nothing here'", "1 line(s) with data"),
                     ("'tiny'", "1 text(s) smaller than 7 pt as shown: 'tiny' 6 pt shown at 6 pt"),
                     ("figure", "1 text(s) smaller than 7 pt as shown: 'also tiny' 5 pt shown "
                                "at 5 pt")}


def test_text_is_measured_at_the_size_shown():
    fig, ax = plt.subplots(figsize=(15, 3), dpi=80)  # 1200 px, shown at 900: x 0.75
    ax.plot([1, 2], [1, 2])
    ax.set_title("9 pt drawn", fontsize=9)  # shown at 6.75 pt
    assert audit.shown_scale(1200) == 0.75 and audit.shown_scale(300) == 1
    (problem,) = audit.figure_problems(fig)
    assert "'9 pt drawn' 9 pt shown at 6.8 pt" in problem.what
    assert audit.figure_problems(fig, scale=1) == []
    ax.set_axis_off()  # texts not drawn are not checked
    ax.set_title("")
    assert audit.figure_problems(fig) == []


def test_png_width_reads_bytes_and_base64():
    fig, _ = plt.subplots(figsize=(3, 2), dpi=50)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert audit.png_width(buffer.getvalue()) == 150
    assert audit.png_width(base64.b64encode(buffer.getvalue()).decode()) == 150


# -------------------------------------------------------------------- the learning curves

def test_learning_curves_on_a_log_loss_axis_show_the_curves():
    history = history_like_notebook_02()
    fig, (ax_loss, ax_acc) = figures.learning_curves(history, loss_scale="log")
    figures.learning_curves(history | {"train_loss": [v / 2 for v in history["train_loss"]]},
                            axes=(ax_loss, ax_acc), linestyle="--", loss_scale="log")
    assert ax_loss.get_yscale() == "log"
    low, high = ax_loss.get_ylim()
    assert low == pytest.approx(1e-3) and high >= 2.3 * 1.04  # from 0.0035's decade
    assert_no_problems(fig, audit.shown_scale(fig.get_figwidth() * 80), "log learning curves")
    fig.canvas.draw()
    assert [v for v in ax_loss.get_yticks() if low <= v <= high] == [1e-3, 1e-2, 1e-1, 1]
    renderer = fig.canvas.get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in ax_loss.get_yticklabels()
                    if t.get_text() and low <= t.get_position()[1] <= high), key=lambda b: b.y0)
    assert len(boxes) >= 4  # and none printed over the next:
    assert all(below.y1 <= above.y0 for below, above in zip(boxes, boxes[1:], strict=False))


def test_a_log_scale_set_after_the_fact_rescales_to_the_data():
    fig, axes = figures.learning_curves(history_like_notebook_02())
    assert axes[0].get_ylim() == (0, 2.5)  # linear: from 0, as before
    axes[0].set_yscale("log")
    assert_no_problems(fig, 1, "set_yscale('log') after learning_curves")


def test_curve_limits_on_a_log_axis():
    x, loss, acc = figures.curve_limits([{"train_loss": [0.5, 0.02, 0.0]}], loss_scale="log")
    assert loss == pytest.approx((0.01, 0.6))  # 0 is left out: a log axis cannot show it
    assert figures.curve_limits([{"train_loss": [0.0]}], loss_scale="log")[1] == (0.1, 1.0)
    with pytest.raises(ValueError, match="loss_scale"):
        figures.curve_limits([], loss_scale="symlog")


# ------------------------------------------------------------------------ the widgets' figures

def test_the_live_curves_show_their_lines_in_readable_text(small_mnist):
    rng = np.random.default_rng(0)
    _, history = bp.train(bp.init_params([784, 20, 10], rng), small_mnist.train, small_mnist.val,
                          lr=0.5, n_epochs=4, loss="cross_entropy", rng=rng, progress=False)
    live = figures.LiveCurves()
    pieces = live.pngs(history, earlier=[history], n_epochs=10)
    widths = {audit.png_width(png) for png in pieces}
    assert widths == {figures.PANEL_WIDTH}  # shown at their drawn size: scale 1
    assert_no_problems(live.fig, 1, "LiveCurves")


def test_the_inside_view_is_readable(small_mnist):
    params, history = inside_run(small_mnist)
    X, y = small_mnist.val.X[:5], small_mnist.val.y[:5]
    view = figures.InsideView(X, y)
    pieces = view.pngs(params, history, bp.forward(params, X)[0], 20, 0.5, "epoch 3 of 20")
    assert max(audit.png_width(png) for png in pieces) <= figures.PANEL_WIDTH
    assert_no_problems(view.fig, 1, "InsideView")


def test_the_digit_reading_and_the_teaching_step_are_readable(small_mnist):
    params, _ = inside_run(small_mnist)
    x, label = small_mnist.val.X[0], int(small_mnist.val.y[0])
    y_hat, cache = bp.forward(params, x[None])
    view = figures.DigitReading(params["W1"].shape[1])
    pieces = view.pngs(x, y_hat[0], cache["u3"][0], label)
    assert [audit.png_width(p) for p in pieces] == list(figures.READING_PANELS)
    assert_no_problems(view.fig, 1, "DigitReading")
    Y = np.zeros((1, 10))
    Y[0, label] = 1
    grads = bp.backward(params, cache, Y, loss="cross_entropy")
    after = bp.forward({k: v - 0.5 * grads[k] for k, v in params.items()}, x[None])[0]
    fig = Figure(figsize=figures.TEACH_SIZE, dpi=80)  # as the draw-a-digit widget builds it
    FigureCanvasAgg(fig)
    figures.teach_step(x, y_hat[0], after[0], grads["W1"], label, 0.5, fig=fig)
    assert {audit.png_width(p) for p in figures.panel_pngs(fig)} == {figures.PANEL_WIDTH}
    assert_no_problems(fig, 1, "teach_step")


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_every_step_of_the_step_graph_is_readable(layout):
    steps = walkthrough()
    for index in range(len(steps)):
        # as the step-through widget draws it (backprop/widgets/_step_through.py)
        if layout == "wide":
            fig = Figure(figsize=figures.STEP_SIZE, dpi=100, layout="constrained")
            ax = fig.add_subplot()
        else:
            fig = Figure(figsize=figures.STEP_SIZE_NARROW, dpi=100)
            ax = fig.add_axes((0, 0, 1, 1))
        FigureCanvasAgg(fig)
        figures.backprop_step(steps, index, ax=ax, layout=layout,
                              title=None if layout == "wide" else "")
        drawn = fig.get_figwidth() * fig.dpi
        shown = STEP_WIDE_SHOWN if layout == "wide" else figures.PANEL_WIDTH
        assert_no_problems(fig, audit.shown_scale(drawn, shown), f"{layout} step {index}")


# ------------------------------------------------------------- the notebooks' figure check

def test_the_notebook_plugin_checks_every_figure_shown(tmp_path):
    """``notebooks/conftest.py`` under nbval: figures shown by the cell's end, by
    ``plt.show()`` and by ``display`` are checked, and a cell showing a faulty one fails."""
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "conftest.py")
    cells = ["%matplotlib inline\nimport matplotlib.pyplot as plt\n"
             "from IPython.display import display\nfrom backprop import plots\n"
             "plots.enable_alt_text()\n"
             "run = {'train_loss': [2.3, 0.1, 0.007], 'train_acc': [0.5, 0.8, 0.9]}",
             "fig, axes = plots.learning_curves(run)\n"
             "axes[0].set_ylim(0, 2.5, auto=False)\naxes[0].set_yscale('log')",
             "fig, ax = plt.subplots()\nax.set_title('tiny', fontsize=5)\n"
             "plots.describe(fig, 'an empty panel titled tiny')\nplt.show()",
             "fig, ax = plt.subplots()\nax.plot([1, 2])\nplt.close(fig)\n"
             "plots.describe(fig, 'a line', data=True)\ndisplay(fig)",
             "fig, axes = plots.learning_curves(run, loss_scale='log')",
             "fig, ax = plt.subplots()\nax.plot([1, 2])"]  # no text alternative
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                           "id": f"cell-{i}", "outputs": [], "source": source}
                          for i, source in enumerate(cells)],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "probe.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "probe.ipynb", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=300)
    out = result.stdout
    assert "probe.ipynb: 5 figures checked, 3 faulty" in out, out
    assert "FAILED probe.ipynb::Cell 1" in out and "FAILED probe.ipynb::Cell 2" in out, out
    assert "FAILED probe.ipynb::Cell 5" in out and "no text alternative" in out, out
    assert "cell 1 ('fig, axes = plots.learning_curves(" in out, out
    assert "log y axis whose limits reach 0" in out and "'tiny' 5 pt shown at 5 pt" in out, out
    assert "3 failed, 3 passed" in out, out
