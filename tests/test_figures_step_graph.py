"""The backprop step graph (backprop.figures.step_graph): the step highlighted, its formula
written, the narrow (phone) layout keeping every text inside its frame."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from backprop import figures  # noqa: E402
from backprop.walkthrough import walkthrough  # noqa: E402


def test_the_figure_highlights_the_step_and_writes_its_formula():
    steps = walkthrough()
    fig, ax = figures.backprop_step(steps, 12)  # d_u2
    texts = [t.get_text() for t in ax.texts]
    assert steps[12].formula in texts
    assert "backward pass, d_u2" in ax.get_title()
    orange = [p for p in ax.patches if p.get_facecolor()[:3] == matplotlib.colors.to_rgb(
        figures.STEP_COLORS["current"])]
    assert len(orange) == 1 and orange[0].get_x() == pytest.approx(
        figures.STEP_GRAPH["u2"][0] - figures.STEP_BOX[0] / 2)
    with pytest.raises(ValueError, match="index"):
        figures.backprop_step(steps, len(steps))
    plt.close("all")


def test_the_narrow_graph_keeps_every_node_inside_its_picture():
    # every node, its label and its values inside the narrow picture (the step-through
    # widget's hand example: walkthrough() with no arguments)
    steps = walkthrough()
    fig, ax = figures.backprop_step(steps, len(steps) - 1, layout="narrow", title="")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5, text.get_text()
    with pytest.raises(ValueError, match="layout"):
        figures.backprop_step(steps, 0, layout="tall")
    plt.close("all")
