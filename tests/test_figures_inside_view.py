"""Inside the network (backprop.figures.inside_view): four pieces of one picture, the static
figure showing the history, and outputs drawn as the caller computed them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figure_helpers import assert_inside_its_panel, inside_run, png_pixels  # noqa: E402

import backprop as bp  # noqa: E402
from backprop import figures  # noqa: E402


def test_the_inside_view_is_four_pieces_of_the_whole_picture(small_mnist):
    params, history = inside_run(small_mnist)
    view = figures.InsideView(small_mnist.val.X[:5], small_mnist.val.y[:5])
    y_hat = bp.forward(params, small_mnist.val.X[:5])[0]
    whole = png_pixels(view.png(params, history, y_hat, 20, 0.5, "epoch 3 of 20"))
    pieces = [png_pixels(png) for png in view.pngs(params, history, y_hat, 20, 0.5,
                                                   "epoch 3 of 20")]
    assert [p.shape[1] for p in pieces] == [figures.PANEL_WIDTH] * 4
    title = figures.INSIDE_ROWS[0]
    assert whole.shape[:2] == (sum(figures.INSIDE_ROWS), 2 * figures.PANEL_WIDTH)
    np.testing.assert_array_equal(
        np.vstack([np.hstack(pieces[:2]), np.hstack(pieces[2:])]), whole[title:])
    assert_inside_its_panel(view.fig, view.panels)


def test_the_static_inside_figure_shows_the_history(small_mnist):
    rng = np.random.default_rng(0)
    params, history = bp.train(bp.init_params([784, 20, 10], rng), small_mnist.train, None,
                               lr=0.5, n_epochs=3, loss="cross_entropy", rng=rng,
                               progress=False, inside=True)
    X, y = small_mnist.val.X[:5], small_mnist.val.y[:5]
    y_hat = bp.forward(params, X)[0]
    fig, view = figures.inside_figure(params, history, X, y, y_hat)
    x, g = view._grad_lines[0].get_data()
    assert list(x) == [1, 2, 3] and np.allclose(g, history["grad_W1"])
    np.testing.assert_array_equal(view._weights[3].get_array(),
                                  params["W1"][:, 3].reshape(28, 28))
    assert view._labels[0].get_text().endswith(f"true {y[0]}")
    plt.close(fig)


def test_the_outputs_drawn_are_those_the_caller_hands_over():
    # The figure runs no network: made-up outputs, which no network here would give, are
    # drawn as they are, and the "said" label is their argmax.
    rng = np.random.default_rng(0)
    X, y = rng.random((3, 784)), np.array([4, 7, 1])
    params = bp.init_params([784, 20, 10], rng)
    y_hat = np.zeros((3, 10))
    y_hat[0, 4], y_hat[1, 2], y_hat[2, 9] = 0.9, 0.6, 0.3
    view = figures.InsideView(X, y)
    view.update(params, {}, y_hat, 5, 1.0, "made up")
    for bars, out in zip(view._bars, y_hat, strict=True):
        np.testing.assert_array_equal([bar.get_height() for bar in bars], out)
    assert [label.get_text() for label in view._labels] == [
        "said 4, true 4", "said 2, true 7", "said 9, true 1"]
    with pytest.raises(ValueError, match=r"y_hat must have shape \(3, 10\)"):
        view.update(params, {}, y_hat[:2], 5)
    with pytest.raises(ValueError, match="y_hat must have shape"):
        figures.inside_figure(params, {}, X, y, y_hat.T)
    plt.close("all")
