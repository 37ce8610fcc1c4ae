"""Text alternatives of the notebooks' figures (issue 20): what they say and how IPython shows
them (``tests/test_browser_notebook_a11y.py`` checks that they reach the page)."""

import html
import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import IPython  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.core import pylabtools  # noqa: E402
from IPython.core.formatters import DisplayFormatter  # noqa: E402

from backprop import figures  # noqa: E402
from backprop.figures import alt, audit  # noqa: E402


def history(final_val_acc):
    n = 12
    return {"train_loss": list(np.linspace(1.2, 0.25, n)),
            "val_loss": list(np.linspace(1.3, 0.4, n)),
            "train_acc": list(np.linspace(0.4, 0.97, n)),
            "val_acc": list(np.linspace(0.4, final_val_acc, n))}


def test_learning_curves_say_their_numbers_not_a_constant():
    texts = []
    for final in (0.912, 0.857):
        fig, _ = figures.learning_curves(history(final), title="Run A:")
        texts.append(figures.description(fig))
        plt.close(fig)
    first, second = texts
    assert first != second
    assert "Learning curves Run A" in first and "epoch 12" in first
    assert "validation: 40 at epoch 1 to 91.2 at epoch 12" in first
    assert "validation: 40 at epoch 1 to 85.7 at epoch 12" in second
    assert "Panel 'Run A: loss' (x: epoch, y: loss)" in first  # the panel names its quantity
    assert "filled circles" in first and "open squares" in first  # the non-colour cue


def test_overlaid_runs_are_all_described_when_shown():
    fig, axes = figures.learning_curves(history(0.9), label="η = 0.1, ", linestyle=":")
    figures.learning_curves(history(0.8), axes=axes, label="η = 1, ")
    fig.suptitle("Two rates")
    text = figures.description(fig)
    assert text.startswith("Two rates.")
    assert "η = 0.1, validation: 40 at epoch 1 to 90" in text
    assert "η = 1, validation: 40 at epoch 1 to 80" in text
    plt.close(fig)


def test_the_other_plotting_functions_describe_what_they_draw(rng):
    y_true = np.array([0] * 8 + [1] * 5 + [2] * 4)
    y_pred = np.array([0] * 6 + [1, 1] + [1] * 5 + [2, 2, 2, 1])
    fig, _ = figures.confusion_plot(y_true, y_pred, title="probe")
    text = figures.description(fig)
    assert "Confusion matrix probe of 17 images" in text
    assert "0: 6 of 8" in text and "0 read as 1 2 times" in text and "2 read as 1 1 times" in text
    W = rng.normal(size=(784, 12))
    W[5, 7] = 9.5
    fig, _ = figures.weight_grid(W, range(12), ncols=6, label="weight $(w_1)_{pj}$")
    text = figures.description(fig)
    assert "12 weight images" in text and "units 0 to 11" in text and "2 row(s) of 6" in text
    assert "largest |weight| shown is 9.5 (unit 7)" in text and "(w_1)_pj" in text
    fig, _ = figures.network_diagram([784, 30, 10])
    text = figures.description(fig)
    assert "with 784 units" in text and "w1: 784 by 30" in text and "w2: 30 by 10" in text
    summary = pd.DataFrame({("train_acc", "mean"): [0.9, 0.95], ("train_acc", "std"): [0.01, 0],
                            ("val_acc", "mean"): [0.85, 0.88], ("val_acc", "std"): [0.02, 0]},
                           index=pd.Index([30, 110], name="hidden"))
    fig, _ = figures.sweep_plot(summary, "hidden units", title="Sweep probe")
    text = figures.description(fig)
    assert "tested at 30, 110" in text
    assert "validation: mean ± std over seeds: 85 at hidden units 30 to 88" in text
    fig, _ = figures.image_grid(rng.random((3, 784)), ncols=3, titles=["true 4\nsaid 9", "b", "c"])
    assert "1: true 4 said 9; 2: b; 3: c" in figures.description(fig)
    plt.close("all")


def test_describe_checks_its_input_and_plain_reads_mathtext():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="non-empty string"):
        figures.describe(fig, "  ")
    with pytest.raises(ValueError, match="matplotlib Figure"):
        figures.describe("not a figure", "text")
    assert figures.description(fig) is None
    figures.describe(ax.figure, "A line", data=True)  # a sub-figure or axes' figure: the root
    ax.plot([1, 2, 3], [3.0, 0.5, 2.0], label="loss")
    ax.set_xlabel("epoch")
    assert figures.description(fig) == ("A line. Panel 1 (x: epoch): loss: 3 at epoch 1 to 2 "
                                        "at epoch 3 (lowest 0.5 at epoch 2).")
    assert alt.plain(r"$\hat y$ and $\sigma'(z)$, $\eta = 0.1$") == "ŷ and σ'(z), η = 0.1"
    # a long axis label is said once, at the panel, and shortened at each value
    assert alt.short_label("learning rate η (mean loss)") == "learning rate η"
    assert alt.short_label("weight layer l (1 = next to the input)") == "weight layer l"
    assert alt.short_label("distance training moved the unit, d") == ""
    plt.close(fig)


def shell_with_inline_png():
    """A display formatter as IPython's kernel has it after ``%matplotlib inline``: the
    inline backend's PNG printer registered for figures."""
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    pylabtools.select_figure_formats(shell, {"png"})
    return shell


def test_enable_alt_text_shows_a_described_figure_as_img_with_alt_and_draws_it_once(
        monkeypatch):
    shell = shell_with_inline_png()
    drawn = []
    original = pylabtools.print_figure

    def counting(fig, fmt="png", **kwargs):
        drawn.append(fmt)
        return original(fig, fmt, **kwargs)

    monkeypatch.setattr(pylabtools, "print_figure", counting)  # counts; still draws
    assert not figures.alt_text_enabled(shell)
    assert figures.enable_alt_text(shell) and figures.alt_text_enabled(shell)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [2, 3], label='say "x" & <y>')
    figures.describe(fig, "A probe", data=True)
    data, metadata = shell.display_formatter.format(fig)
    assert drawn == ["png"]  # one drawing serves both the HTML and the PNG
    page = data["text/html"]
    found = re.fullmatch(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)" '
                         r'class="bp-figure">', page)
    assert found, page
    assert found.group(1) == data["image/png"]  # the same picture in both
    alt_text = html.unescape(found.group(2))
    assert alt_text == figures.description(fig) and 'say "x" & <y>: 2 at 0 to 3 at 1' in alt_text
    assert metadata["image/png"]["alt"] == alt_text  # for nbconvert's classic template
    # an undescribed figure is shown as before, a PNG alone (the audit reports it)
    bare, _ = plt.subplots()
    data, _ = shell.display_formatter.format(bare)
    assert "image/png" in data and "text/html" not in data
    assert audit.alt_problems(bare) and not audit.alt_problems(fig)
    assert "does not reach the page" in str(audit.alt_problems(fig, shown_with_alt=False))
    plt.close("all")


def test_enable_alt_text_outside_ipython_does_nothing(monkeypatch):
    # another test of the session may have made an IPython shell: none here, as in a script
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert figures.enable_alt_text() is False and figures.alt_text_enabled() is False
