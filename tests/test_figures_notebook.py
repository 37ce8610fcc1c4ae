"""The static notebook figures (backprop.figures.notebook): each draws with the Agg backend
and returns ``fig, ax`` (or its axes)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from backprop import figures  # noqa: E402
from backprop.figures import audit  # noqa: E402
from backprop.figures.style import contrast  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


HISTORY = {"train_loss": [0.5, 0.3, 0.2], "train_acc": [0.8, 0.9, 0.95],
           "val_loss": [0.55, 0.4, 0.35], "val_acc": [0.78, 0.86, 0.9]}


def test_learning_curves_draw_both_splits():
    fig, (ax_loss, ax_acc) = figures.learning_curves(HISTORY, title="run")
    assert len(ax_loss.lines) == 2 and len(ax_acc.lines) == 2
    np.testing.assert_allclose(ax_acc.lines[1].get_ydata(), [78, 86, 90])
    figures.learning_curves(HISTORY, axes=(ax_loss, ax_acc), alpha=0.3, label="old ")
    assert len(ax_loss.lines) == 4


def test_sweep_plot_with_report_points():
    frame = pd.DataFrame({"lr": [0.1, 0.1, 1.0, 1.0], "seed": [0, 1, 0, 1],
                          "train_acc": [0.9, 0.92, 0.95, 0.97], "val_acc": [0.88, 0.9, 0.9, 0.91]})
    from backprop.sweeps import summarize

    fig, ax = figures.sweep_plot(summarize(frame, "lr"), "learning rate", logx=True,
                                 report={"train": [91, 96], "val": [89, 90]})
    assert ax.get_xscale() == "log" and len(ax.lines) >= 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "1"]  # the tested values
    labels = ax.get_legend_handles_labels()[1]
    assert "ours, validation: mean ± std over 2 seeds" in labels and "report, training" in labels


def test_confusion_matrix_counts():
    y_true, y_pred = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    C = figures.confusion_matrix(y_true, y_pred, n_classes=3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    fig, ax = figures.confusion_plot(np.arange(10), np.arange(10))
    assert ax.get_xlabel() == "predicted"


def test_confusion_plot_counts_readable_on_dark_cells():
    y_true = np.array([0] * 5 + [1] * 3 + [0, 1, 2])
    y_pred = np.array([1] * 5 + [0] * 3 + [0, 1, 2])
    fig, ax = figures.confusion_plot(y_true, y_pred)
    colors = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_color()
              for t in ax.texts}
    assert colors[(0, 1)] == "white"  # 5 mistakes: the darkest cell
    assert colors[(2, 0)] == "black" and colors[(0, 0)] == "black"
    # every count, on its cell's colour, at WCAG AA's 4.5:1 at least (the cell under it read
    # from the image, not assumed)
    for text in ax.texts:
        behind = audit.background(text)
        assert contrast(text.get_color(), behind) >= 4.5, (text.get_text(), behind)
    assert audit.background(ax.texts[1])[0] < 0.5  # the darkest cell is dark: it was sampled


def test_image_plots(rng):
    X = rng.random((40, 784))
    y = np.arange(40) % 10
    fig, ax = figures.digit_grid(X, y, per_class=3)
    assert ax.images[0].get_array().shape == (280, 84)
    fig, axes = figures.image_grid(X[:7], ncols=4, titles=list("abcdefg"), symmetric=True)
    assert axes.shape == (2, 4) and axes[0, 0].get_title() == "a"
    fig, axes = figures.image_grid(X[:2], ncols=2, titles=["a\nb", "c"], fontsize=6)
    assert axes[0, 0].title.get_fontsize() == 6


def test_network_diagram_and_table():
    fig, ax = figures.network_diagram([784, 110, 10])
    texts = [t.get_text() for t in ax.texts]
    assert any("784 units" in t for t in texts) and any("$w_{2}$: 110×10" in t for t in texts)
    assert any(r"$\hat y = \sigma(u_{3}\,w_{2} + b_{2})$" == t for t in texts)
    fig, ax = figures.network_diagram([784, 64, 32, 10], equations=False)
    texts = [t.get_text() for t in ax.texts]
    assert any("hidden layer 2: $u_{6}$" in t for t in texts)
    assert not any("sigma" in t for t in texts)
    with pytest.raises(ValueError, match="one caption per layer"):
        figures.network_diagram([784, 110, 10], labels=["x", "y"])
    fig, ax = figures.results_table({"ours": [91.2, 89.5], "report": [90.9, 89.5]},
                                    ["train %", "val %"])
    assert ax.tables
