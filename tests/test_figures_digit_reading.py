"""A digit through the network (backprop.figures.digit_reading): the reading and the teaching
step, each cut into pieces a phone shows at their drawn size."""

import numpy as np
import pytest
from figure_helpers import assert_inside_its_panel, inside_run, png_pixels, png_size
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import backprop as bp
from backprop import figures


@pytest.mark.parametrize("label", [None, 3])
def test_the_digit_reading_is_three_pieces_of_the_whole_picture(small_mnist, label):
    params, _ = inside_run(small_mnist, 1)
    x = small_mnist.val.X[0]
    y_hat, cache = bp.forward(params, x[None])
    view = figures.DigitReading(20)
    whole = png_pixels(view.png(x, y_hat[0], cache["u3"][0], label))
    pieces = [png_pixels(png) for png in view.pngs(x, y_hat[0], cache["u3"][0], label)]
    assert [p.shape[1] for p in pieces] == list(figures.READING_PANELS)
    # the input and the hidden units fit side by side on a phone, the outputs on their own
    assert sum(figures.READING_PANELS[:2]) <= figures.PANEL_WIDTH == figures.READING_PANELS[2]
    np.testing.assert_array_equal(np.hstack(pieces), whole)
    assert_inside_its_panel(view.fig, view.panels)


def test_the_teaching_step_is_two_pieces(small_mnist):
    params, _ = inside_run(small_mnist, 1)
    x = small_mnist.val.X[0]
    y_hat, cache = bp.forward(params, x[None])
    Y = np.eye(10)[[3]]
    grads = bp.backward(params, cache, Y, loss="cross_entropy")
    fig = Figure(figsize=figures.TEACH_SIZE, dpi=80)
    FigureCanvasAgg(fig)
    figures.teach_step(x, y_hat[0], y_hat[0] / 2, grads["W1"], 3, 0.03, fig=fig)
    pieces = figures.panel_pngs(fig)
    assert [png_size(p)[0] for p in pieces] == [figures.PANEL_WIDTH] * 2
    assert_inside_its_panel(fig, fig.subfigs)
