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


def _inside_its_panel(fig, panels) -> None:
    # Every label, tick and title of a piece lies inside that piece: nothing is cut off, and
    # nothing of one piece reaches into the next (each is sent as a picture of its own).
    renderer = fig.canvas.get_renderer()
    for panel in panels:
        inside, outer = panel.get_tightbbox(renderer), panel.bbox
        assert outer.x0 - 0.5 <= inside.x0 and inside.x1 <= outer.x1 + 0.5, (inside, outer)
        assert outer.y0 - 0.5 <= inside.y0 and inside.y1 <= outer.y1 + 0.5, (inside, outer)


@pytest.mark.parametrize("accs, top_loss", [((0.05, 0.3), 2.3), ((0.955, 0.999), 0.0012),
                                             ((0.5, 1.0), 47.0), ((0.0, 0.1), 1e4)])
def test_each_panel_keeps_its_labels_inside_its_own_picture(accs, top_loss):
    # The layout is frozen once; whatever the tick labels, the loss panel's must not reach
    # into the accuracy picture or the other way round (each is sent on its own).
    history = {"train_loss": [top_loss, top_loss / 3], "val_loss": [top_loss, top_loss / 2],
               "train_acc": list(accs), "val_acc": [accs[0], accs[1] * 0.98]}
    live = plots.LiveCurves()
    live.update(history, [], 20)
    _inside_its_panel(live.fig, live.panels)


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


# --- the "inside the network" pictures: cut into pieces a phone shows at their drawn size --

def _inside_history(n: int = 3) -> tuple[dict, dict]:
    rng = np.random.default_rng(0)
    return bp.train(bp.init_params([784, 20, 10], rng), SMALL.train, None, lr=0.5,
                    n_epochs=n, loss="cross_entropy", rng=rng, progress=False, inside=True)


def test_the_inside_view_is_four_pieces_of_the_whole_picture():
    params, history = _inside_history()
    view = plots.InsideView(SMALL.val.X[:5], SMALL.val.y[:5])
    y_hat = bp.forward(params, SMALL.val.X[:5])[0]
    whole = _pixels(view.png(params, history, y_hat, 20, 0.5, "epoch 3 of 20"))
    pieces = [_pixels(png) for png in view.pngs(params, history, y_hat, 20, 0.5,
                                                "epoch 3 of 20")]
    assert [p.shape[1] for p in pieces] == [plots.PANEL_WIDTH] * 4
    title = plots.INSIDE_ROWS[0]
    assert whole.shape[:2] == (sum(plots.INSIDE_ROWS), 2 * plots.PANEL_WIDTH)
    np.testing.assert_array_equal(
        np.vstack([np.hstack(pieces[:2]), np.hstack(pieces[2:])]), whole[title:])
    _inside_its_panel(view.fig, view.panels)


@pytest.mark.parametrize("label", [None, 3])
def test_the_digit_reading_is_three_pieces_of_the_whole_picture(label):
    params, _ = _inside_history(1)
    x = SMALL.val.X[0]
    y_hat, cache = bp.forward(params, x[None])
    view = plots.DigitReading(20)
    whole = _pixels(view.png(x, y_hat[0], cache["u3"][0], label))
    pieces = [_pixels(png) for png in view.pngs(x, y_hat[0], cache["u3"][0], label)]
    assert [p.shape[1] for p in pieces] == list(plots.READING_PANELS)
    # the input and the hidden units fit side by side on a phone, the outputs on their own
    assert sum(plots.READING_PANELS[:2]) <= plots.PANEL_WIDTH == plots.READING_PANELS[2]
    np.testing.assert_array_equal(np.hstack(pieces), whole)
    _inside_its_panel(view.fig, view.panels)


def test_the_teaching_step_is_two_pieces():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    params, _ = _inside_history(1)
    x = SMALL.val.X[0]
    y_hat, cache = bp.forward(params, x[None])
    Y = np.eye(10)[[3]]
    grads = bp.backward(params, cache, Y, loss="cross_entropy")
    fig = Figure(figsize=plots.TEACH_SIZE, dpi=80)
    FigureCanvasAgg(fig)
    plots.teach_step(x, y_hat[0], y_hat[0] / 2, grads["W1"], 3, 0.03, fig=fig)
    pieces = plots.panel_pngs(fig)
    assert [_size(p)[0] for p in pieces] == [plots.PANEL_WIDTH] * 2
    _inside_its_panel(fig, fig.subfigs)


def test_the_step_graph_for_a_phone_is_drawn_at_its_width():
    panel = widgets.step_through()
    for index in (0, 6, len(panel.steps) - 1):
        panel.show(index)
        width, height = _size(panel.images["narrow"].value)
        assert width == plots.PANEL_WIDTH and height > 2 * width  # top to bottom
        assert _size(panel.images["wide"].value)[0] > 2 * plots.PANEL_WIDTH
    # every node, its label and its values inside the narrow picture
    import matplotlib.pyplot as plt

    fig, ax = plots.backprop_step(panel.steps, len(panel.steps) - 1, layout="narrow",
                                  title="")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5, text.get_text()
    with pytest.raises(ValueError, match="layout"):
        plots.backprop_step(panel.steps, 0, layout="tall")
    plt.close("all")


def test_the_inside_widgets_send_their_pieces_in_wrapping_rows():
    params, _ = _inside_history(1)
    draw = widgets.draw_digit(params)
    assert draw.reading.layout.flex_flow == "row wrap"
    assert list(draw.reading.children) == list(draw.images.values())
    sizes = [_size(image.value)[0] for image in draw.images.values()]
    assert sizes == list(plots.READING_PANELS)
    # the two small pieces are never scaled up (they share a row on a phone)
    assert [draw.images[k].layout.max_width for k in ("input", "hidden")] == [
        f"{w}px" for w in plots.READING_PANELS[:2]]
    assert draw.teach.layout.flex_flow == "row wrap" and draw.teach.layout.display == "none"
    panel = widgets.playground(SMALL, n_epochs=2, hidden=20)
    rows = panel.inside.plots.children
    assert [row.layout.flex_flow for row in rows] == ["row wrap"] * 2
    assert [image for row in rows for image in row.children] == list(
        panel.inside.images.values())
    assert all("bp-plot" in image._dom_classes for image in panel.inside.images.values())
