"""Weight images on one colour scale (backprop.figures.weights): every tile shares one
symmetric scale, shown by one labelled colour bar, with titles of at least 8 pt."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop import figures, plots  # noqa: E402
from backprop.figures.weights import MIN_FONT  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def weights(rng, n_units=12):
    """A (784, n_units) weight matrix whose columns differ in size, as trained ones do."""
    return rng.normal(size=(784, n_units)) * np.linspace(0.1, 2.0, n_units)


def tiles(axes):
    return [ax for ax in axes.flat if ax.images]


def test_every_tile_shares_one_symmetric_scale_and_one_colour_bar(rng):
    W = weights(rng)
    fig, axes = figures.weight_grid(W, [0, 3, 11], ncols=2)
    assert axes.shape == (2, 2) and len(tiles(axes)) == 3 and not axes[1, 1].get_visible()
    largest = np.abs(W[:, [0, 3, 11]]).max()
    for ax in tiles(axes):
        assert ax.images[0].get_clim() == pytest.approx((-largest, largest))
        assert ax.images[0].get_array().shape == (28, 28)
    np.testing.assert_array_equal(axes[0, 1].images[0].get_array(), W[:, 3].reshape(28, 28))
    bars = [ax for ax in fig.axes if ax not in axes.flat]
    assert len(bars) == 1 and bars[0].get_ylabel() == "weight"
    assert [ax.get_title() for ax in tiles(axes)] == ["0", "3", "11"]  # the units' numbers


def test_a_given_limit_clips_and_the_colour_bar_says_so(rng):
    W = weights(rng)
    fig, axes = figures.weight_grid(W, range(4), limit=0.5, label="change")
    assert axes[0, 0].images[0].get_clim() == (-0.5, 0.5)
    bar = fig.axes[-1]
    assert bar.get_ylabel() == "change"
    assert fig.axes[-1] not in axes.flat
    fig, axes = figures.weight_grid(W, range(4), limit=100.0)  # nothing beyond the scale
    assert axes[0, 0].images[0].get_clim() == (-100.0, 100.0)


def test_titles_row_labels_and_font_sizes(rng):
    W = weights(rng, 6)
    fig, axes = figures.weight_grid(W, range(6), ncols=3, titles=["a", "", "c", "d", "e", "f"],
                                    row_labels=["initial", "final"])
    assert axes[0, 0].get_title() == "a" and axes[0, 1].get_title() == ""
    assert [axes[r, 0].get_ylabel() for r in range(2)] == ["initial", "final"]
    for ax in axes.flat:
        assert ax.title.get_fontsize() >= MIN_FONT
        assert ax.yaxis.label.get_fontsize() >= MIN_FONT
    bar = fig.axes[-1]
    assert bar.yaxis.label.get_fontsize() >= MIN_FONT
    assert all(t.get_fontsize() >= MIN_FONT for t in bar.get_yticklabels())
    with pytest.raises(ValueError, match="at least 8"):
        figures.weight_grid(W, range(6), fontsize=6)


def test_draws_into_a_sub_figure(rng):
    fig = plt.figure(figsize=(8, 3), layout="constrained")
    left, right = fig.subfigures(1, 2)
    out, axes = figures.weight_grid(weights(rng), range(4), ncols=4, fig=left)
    assert out is left and axes.shape == (1, 4)
    assert all(ax.figure is left for ax in axes.flat)


@pytest.mark.parametrize(("W", "units", "says"), [
    (np.zeros((100, 3)), [0], "shape"),
    (np.zeros((784, 3)), [3], "column numbers"),
    (np.zeros((784, 3)), [], "column numbers"),
])
def test_bad_input_is_refused(W, units, says):
    with pytest.raises(ValueError, match=says):
        figures.weight_grid(W, units)


def test_bad_titles_limit_and_row_labels_are_refused(rng):
    W = weights(rng, 4)
    with pytest.raises(ValueError, match="titles"):
        figures.weight_grid(W, range(4), titles=["a"])
    with pytest.raises(ValueError, match="limit"):
        figures.weight_grid(W, range(4), limit=0)
    with pytest.raises(ValueError, match="row labels"):
        figures.weight_grid(W, range(4), ncols=2, row_labels=["one"])


def test_all_zero_weights_still_draw():
    fig, axes = figures.weight_grid(np.zeros((784, 2)), [0, 1])
    assert axes[0, 0].images[0].get_clim() == (-1.0, 1.0)


def test_the_notebooks_facade_has_it():
    assert plots.weight_grid is figures.weight_grid
