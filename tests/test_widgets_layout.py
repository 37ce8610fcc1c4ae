"""The widgets' layout in the kernel: two pictures that can wrap, the shipped stylesheet."""

import io
import re

import numpy as np
import pytest
from PIL import Image

import backprop as bp
from backprop import plots, widgets
from backprop.widgets import _common

SMALL = bp.load_mnist(300, 200, 0)


def _size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("accs, top_loss", [((0.05, 0.3), 2.3), ((0.955, 0.999), 0.0012),
                                             ((0.5, 1.0), 47.0), ((0.0, 0.1), 1e4)])
def test_each_panel_keeps_its_labels_inside_its_own_picture(accs, top_loss):
    # The layout is frozen once; whatever the tick labels, the loss panel's must not reach
    # into the accuracy picture or the other way round (each is sent on its own).
    history = {"train_loss": [top_loss, top_loss / 3], "val_loss": [top_loss, top_loss / 2],
               "train_acc": list(accs), "val_acc": [accs[0], accs[1] * 0.98]}
    live = plots.LiveCurves()
    live.update(history, [], 20)
    renderer = live.fig.canvas.get_renderer()
    for panel, ax in zip(live.panels, live.axes, strict=True):
        inside, outer = ax.get_tightbbox(renderer), panel.bbox
        assert outer.x0 - 0.5 <= inside.x0 and inside.x1 <= outer.x1 + 0.5, (inside, outer)
        assert outer.y0 - 0.5 <= inside.y0 and inside.y1 <= outer.y1 + 0.5, (inside, outer)


def test_the_two_pictures_are_the_halves_of_the_whole():
    history = {"train_loss": [2.1, 0.9, 0.5], "val_loss": [2.2, 1.0, 0.7],
               "train_acc": [0.55, 0.8, 0.9], "val_acc": [0.5, 0.78, 0.86]}
    live = plots.LiveCurves()
    whole = _pixels(live.png(history, [], 20))
    loss, acc = live.pngs(history, [], 20)
    assert _size(loss) == _size(acc) == (plots.LIVE_WIDTH // 2, whole.shape[0])
    assert whole.shape[1] == plots.LIVE_WIDTH
    np.testing.assert_array_equal(np.hstack([_pixels(loss), _pixels(acc)]), whole)
    with pytest.raises(ValueError, match="width"):
        plots.LiveCurves(width=301)


def test_playground_sends_both_pictures_in_a_wrapping_row_with_the_stylesheet():
    panel = widgets.playground(SMALL, n_epochs=2, hidden=20)
    assert "bp-panel" in panel._dom_classes
    loss, acc = panel.images["loss"], panel.images["accuracy"]
    assert panel.image is loss and panel.plots.children == (loss, acc)
    assert panel.plots.layout.flex_flow == "row wrap"
    assert all("bp-plot" in img._dom_classes for img in (loss, acc))
    before = loss.value, acc.value
    panel.controls["lr"].value = 0.2
    panel.wait()
    assert loss.value != before[0] and acc.value != before[1]
    assert _size(loss.value)[0] == _size(acc.value)[0] == plots.LIVE_WIDTH // 2
    style = panel.children[-1]
    assert style.layout.display == "none" and style.value.startswith("<style>")
    assert ".bp-panel" in style.value and "http" not in style.value  # nothing from a CDN
    for row in panel.children[:3]:
        assert row.layout.flex_flow == "row wrap"


def test_stylesheet_ships_with_the_package_and_scopes_every_rule():
    css = _common._css()
    assert "--jp-widgets-inline-height: 44px" in css
    # pictures are shown at most at their drawn width on a wide screen
    assert f"max-width: {plots.LIVE_WIDTH // 2}px;" in css
    assert "@import" not in css and "url(" not in css
    # every selector of every rule is under .bp-panel, so the page around is untouched
    selectors = re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    assert len(selectors) > 10
    for group in selectors:
        if group.strip().startswith(("@media", "@container")):
            continue
        for selector in group.split(","):
            assert selector.strip().startswith(".bp-panel"), selector
