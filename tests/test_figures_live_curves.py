"""The live learning curves (backprop.figures.live_curves): blitted pictures equal full draws,
the same axes as the static curves, two pieces that are the halves of the whole."""

import numpy as np
import pytest
from figure_helpers import assert_inside_its_panel, png_pixels, png_size

from backprop import figures


@pytest.mark.parametrize("accs, top_loss", [((0.05, 0.3), 2.3), ((0.955, 0.999), 0.0012),
                                             ((0.5, 1.0), 47.0), ((0.0, 0.1), 1e4)])
def test_each_panel_keeps_its_labels_inside_its_own_picture(accs, top_loss):
    # The layout is frozen once; whatever the tick labels, the loss panel's must not reach
    # into the accuracy picture or the other way round (each is sent on its own).
    history = {"train_loss": [top_loss, top_loss / 3], "val_loss": [top_loss, top_loss / 2],
               "train_acc": list(accs), "val_acc": [accs[0], accs[1] * 0.98]}
    live = figures.LiveCurves()
    live.update(history, [], 20)
    assert_inside_its_panel(live.fig, live.panels)


def test_the_two_pictures_are_the_halves_of_the_whole():
    history = {"train_loss": [2.1, 0.9, 0.5], "val_loss": [2.2, 1.0, 0.7],
               "train_acc": [0.55, 0.8, 0.9], "val_acc": [0.5, 0.78, 0.86]}
    live = figures.LiveCurves()
    whole = png_pixels(live.png(history, [], 20))
    loss, acc = live.pngs(history, [], 20)
    assert png_size(loss) == png_size(acc) == (figures.LIVE_WIDTH // 2, whole.shape[0])
    assert whole.shape[1] == figures.LIVE_WIDTH
    np.testing.assert_array_equal(np.hstack([png_pixels(loss), png_pixels(acc)]), whole)
    with pytest.raises(ValueError, match="width"):
        figures.LiveCurves(width=301)


def test_live_curves_blit_the_same_picture_a_full_draw_gives():
    rng = np.random.default_rng(1)
    full = {k: list(rng.uniform(0.2, 0.9, 12)) for k in
            ("train_loss", "val_loss", "train_acc", "val_acc")}
    full["train_loss"][0] = full["val_loss"][0] = 2.0  # the largest loss comes first, as usual
    earlier = [{k: [v * 0.9 for v in vals] for k, vals in full.items()}]
    live = figures.LiveCurves()
    for n in range(1, 13):
        png = live.png({k: v[:n] for k, v in full.items()}, earlier, 12)
    assert live.full_draws <= 3 and live.blits >= 9  # mostly lines only, over the background
    fresh = figures.LiveCurves().png(full, earlier, 12)  # one full draw of the final state
    np.testing.assert_array_equal(png_pixels(png), png_pixels(fresh))


def test_live_and_static_curves_share_axes_and_limits():
    history = {"train_loss": [2.1, 0.9, 0.5], "val_loss": [2.2, 1.0, 0.7],
               "train_acc": [0.55, 0.8, 0.9], "val_acc": [0.5, 0.78, 0.86]}
    fig, (ax_loss, ax_acc) = figures.learning_curves(history)
    live = figures.LiveCurves()
    live.update(history, [], None)
    for static_ax, live_ax in zip((ax_loss, ax_acc), live.axes, strict=True):
        assert static_ax.get_xlim() == live_ax.get_xlim()
        assert static_ax.get_ylim() == live_ax.get_ylim()
        assert static_ax.get_title() == live_ax.get_title()
        assert static_ax.get_ylabel() == live_ax.get_ylabel()
        static_colors = [line.get_color() for line in static_ax.lines]
        live_colors = [line.get_color() for line in live_ax.lines]
        assert static_colors == live_colors
    assert ax_loss.get_ylim() == (0.0, 2.5) and ax_acc.get_ylim() == (45.0, 101.0)
