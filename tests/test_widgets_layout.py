"""The widgets' layout in the kernel: two pictures that can wrap, the shipped stylesheet."""

import re

from figure_helpers import inside_run, png_size

from backprop import figures, widgets
from backprop.widgets import _common


def test_playground_sends_both_pictures_in_a_wrapping_row_with_the_stylesheet(small_mnist):
    panel = widgets.playground(small_mnist, n_epochs=2, hidden=20)
    assert "bp-panel" in panel._dom_classes
    loss, acc = panel.images["loss"], panel.images["accuracy"]
    assert panel.image is loss and panel.plots.children == (loss, acc)
    assert panel.plots.layout.flex_flow == "row wrap"
    assert all("bp-plot" in img._dom_classes for img in (loss, acc))
    before = loss.value, acc.value
    panel.controls["lr"].value = 0.2
    panel.wait()
    assert loss.value != before[0] and acc.value != before[1]
    assert png_size(loss.value)[0] == png_size(acc.value)[0] == figures.LIVE_WIDTH // 2
    style = panel.children[-1]
    assert style.layout.display == "none" and style.value.startswith("<style>")
    assert ".bp-panel" in style.value and "http" not in style.value  # nothing from a CDN
    for row in panel.children[:3]:
        assert row.layout.flex_flow == "row wrap"


def test_stylesheet_ships_with_the_package_and_scopes_every_rule():
    css = _common._css()
    assert "--jp-widgets-inline-height: 44px" in css
    # pictures are shown at most at their drawn width on a wide screen
    assert f"max-width: {figures.LIVE_WIDTH // 2}px;" in css
    assert "@import" not in css and "url(" not in css
    # every selector of every rule is under .bp-panel, so the page around is untouched
    selectors = re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    assert len(selectors) > 10
    for group in selectors:
        if group.strip().startswith(("@media", "@container")):
            continue
        for selector in group.split(","):
            assert selector.strip().startswith(".bp-panel"), selector


def test_the_step_graph_for_a_phone_is_drawn_at_its_width():
    # (that the narrow figure keeps every text inside it: test_figures_step_graph.py)
    panel = widgets.step_through()
    for index in (0, 6, len(panel.steps) - 1):
        panel.show(index)
        width, height = png_size(panel.images["narrow"].value)
        assert width == figures.PANEL_WIDTH and height > 2 * width  # top to bottom
        assert png_size(panel.images["wide"].value)[0] > 2 * figures.PANEL_WIDTH


# --- the "inside the network" widgets: pictures cut into pieces a phone shows at their size --

def test_the_inside_widgets_send_their_pieces_in_wrapping_rows(small_mnist):
    params, _ = inside_run(small_mnist, 1)
    draw = widgets.draw_digit(params)
    assert draw.reading.layout.flex_flow == "row wrap"
    assert list(draw.reading.children) == list(draw.images.values())
    sizes = [png_size(image.value)[0] for image in draw.images.values()]
    assert sizes == list(figures.READING_PANELS)
    # the two small pieces are never scaled up (they share a row on a phone)
    assert [draw.images[k].layout.max_width for k in ("input", "hidden")] == [
        f"{w}px" for w in figures.READING_PANELS[:2]]
    assert draw.teach.layout.flex_flow == "row wrap" and draw.teach.layout.display == "none"
    panel = widgets.playground(small_mnist, n_epochs=2, hidden=20)
    rows = panel.inside.plots.children
    assert [row.layout.flex_flow for row in rows] == ["row wrap"] * 2
    assert [image for row in rows for image in row.children] == list(
        panel.inside.images.values())
    assert all("bp-plot" in image._dom_classes for image in panel.inside.images.values())
