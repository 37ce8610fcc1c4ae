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


def _run(top_loss, low_acc, n=3):
    return {"train_loss": [top_loss, top_loss / 2, top_loss / 3][:n],
            "val_loss": [top_loss * 0.9, top_loss / 2, top_loss / 3][:n],
            "train_acc": [low_acc, 0.95, 0.97][:n], "val_acc": [low_acc + 0.01, 0.93, 0.94][:n]}


def _shows_every_point(live, histories):
    (l0, l1), (a0, a1) = live.axes[0].get_ylim(), live.axes[1].get_ylim()
    for h in histories:
        for key, values in h.items():
            lo, hi = (l0, l1) if "loss" in key else (a0, a1)
            scale = 1 if "loss" in key else 100
            assert all(lo <= v * scale <= hi for v in values), (key, values, lo, hi)


def test_a_new_run_that_fits_the_axes_is_blitted_and_the_axes_change_when_it_does_not():
    live = figures.LiveCurves()
    first = _run(0.5, 0.85)
    live.update(first, [], 20)
    assert live.full_draws == 1
    # A new run, somewhat lower loss and higher accuracy: the axes stay (no full draw).
    second = _run(0.3, 0.9, n=1)
    live.update(second, [], 20)
    assert live.full_draws == 1
    _shows_every_point(live, [second])
    # A higher loss than the axes hold: drawn again, every point shown.
    third = _run(2.0, 0.5, n=1)
    live.update(third, [first], 20)
    assert live.full_draws == 2
    _shows_every_point(live, [third, first])
    # Curves far smaller than the axes (a tenth of the loss axis): the axes shrink.
    fourth = _run(0.15, 0.9)
    live.update(fourth, [], 20)
    assert live.full_draws == 3
    needed = figures.curve_limits([fourth], 20)[1][1]
    assert needed < live.axes[0].get_ylim()[1] <= 2 * needed  # with some room to grow
    _shows_every_point(live, [fourth])
    # Another number of epochs always redraws the x axis.
    live.update(fourth, [], 30)
    assert live.full_draws == 4 and live.axes[0].get_xlim() == (0.5, 30.5)
