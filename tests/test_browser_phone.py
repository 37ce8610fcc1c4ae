"""The app on a phone, a tablet and a narrow and a wide JupyterLab: layout, touch, pictures.

The Voila app (``make app``'s notebook and settings) opens in headless Chromium in a phone's
viewport (412x915, touch emulation: ``has_touch``, ``is_mobile``) and a tablet's (1024x768).
On each, once the first run has finished, the tests check that

- nothing scrolls sideways: the page's scrollWidth equals the viewport's width;
- every control of the panel is visible inside the viewport, at least 44 px high (a finger),
  with its whole label or text (none cut off), and every slider has a track at least 200 px
  wide;
- the learning-curve pictures: on the phone each is at least as wide as the panel's content
  and shown at least at its drawn size (so its text is not smaller than on a laptop); on the
  tablet both sit side by side at their drawn size;
- a finger's tap-and-drag on the learning-rate slider (touch events through the Chrome
  DevTools protocol) moves it and starts a run (the status line says "running" with the new
  value) that finishes; on the phone a tap on Train starts another that finishes.

The same checks of layout run in JupyterLab with a narrow window (480 px) and full width.

The "inside the network" widgets of the same app (draw a digit, the step-through, the inside
view) meet the same rules on the phone, the tablet and both JupyterLabs: their controls a
finger's size, on screen and with their whole labels; their pictures, sent in pieces at most
360 px wide, within their panel and shown at least at their drawn size where the panel has
room (on a narrow panel each is drawn no wider than the panel), side by side on a wide panel
and stacked on a narrow one; the step graph top to bottom on a narrow panel. A finger (touch
events, CDP) or the mouse draws a digit on the canvas, taps one step and Next, and switches
the playground to the inside view. Screenshots go to ``test-artifacts/`` (``phone-*.png``,
``phone-inside-*.png``, ``tablet-*.png``, ``tablet-inside-*.png``, ``lab-narrow-*.png``,
``lab-wide-*.png``).
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from browser_helpers import (
    LAB_PANEL,
    RUN_DONE,
    WIDGETS_SHOWN,
    Playground,
    browser_page,
    close,
    number_after,
    open_app,
    open_in_lab,
    screenshot,
    screenshot_on_failure,
    wait_until,
)

from backprop.settings import DEFAULT_RUN

DEVICES = {
    # A common Android phone (CSS pixels), with touch and the mobile viewport rules.
    "phone": dict(viewport={"width": 412, "height": 915}, device_scale_factor=2.625,
                  is_mobile=True, has_touch=True),
    "tablet": dict(viewport={"width": 1024, "height": 768}, has_touch=True),
}
TOUCH_TARGET = 44  # px, a finger
READ_PICTURE = 20  # s for a new picture after a tap (a timeout, not a timing)
MIN_TRACK = 200  # px, a usable slider track
SLOP = 1  # px of rounding
MARGIN = 2  # px, ipywidgets' margin around each widget (--jp-widgets-margin)

CONTROLS_JS = """root => {
    // Every control of the panel: its kind, label, box, and for sliders the track's box.
    const box = el => { const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                                width: r.width, height: r.height}; };
    const out = [];
    // (Whatever the panel holds, including controls added later: toggles, check boxes.)
    const kinds = [['slider', '.widget-hslider'], ['dropdown', '.widget-dropdown'],
                   ['text', '.widget-text'], ['button', 'button.jupyter-button'],
                   ['checkbox', '.widget-checkbox']];
    for (const [kind, selector] of kinds) {
        for (const el of root.querySelectorAll(selector)) {
            if (!el.checkVisibility()) continue;  // in a view the student has not opened
            const label = el.querySelector(':scope > .widget-label');
            const item = {kind, box: box(el), visible: el.checkVisibility(),
                          label: label ? label.innerText.trim() : el.innerText.trim(),
                          labelCut: label ? label.scrollWidth > label.clientWidth + 1
                                          : el.scrollWidth > el.clientWidth + 1};
            const input = el.querySelector('select, input');
            if (input) item.input = box(input);
            const track = el.querySelector('.slider-container');
            if (track) item.track = box(track);
            const handle = el.querySelector('.noUi-handle');
            if (handle) {
                item.handle = box(handle);
                const hit = getComputedStyle(handle, '::after');
                item.hitArea = [handle.offsetWidth - parseFloat(hit.left) - parseFloat(hit.right),
                                handle.offsetHeight - parseFloat(hit.top)
                                - parseFloat(hit.bottom)];
            }
            out.push(item);
        }
    }
    return out;
}"""

PICTURES_JS = """root => {
    const panel = root.getBoundingClientRect();
    const cs = getComputedStyle(root);
    const content = root.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const images = [...root.querySelectorAll('img.bp-plot')].filter(
        img => img.checkVisibility()).map(img => {
        const r = img.getBoundingClientRect();
        return {width: r.width, height: r.height, left: r.left, top: r.top,
                natural: [img.naturalWidth, img.naturalHeight]};
    });
    return {content, panelLeft: panel.left, panelWidth: panel.width, images};
}"""

WIDTHS_JS = """() => {
    // The page's widths, and every element that scrolls sideways inside it (Voila's and
    // JupyterLab's content scrolls in a box of its own, not in the document).
    // Only the panel, what holds it and what it holds: in JupyterLab the notebook's own
    // cells (a long title, a code line) may scroll in their boxes; that is not ours.
    // Every panel of backprop.widgets (.bp-panel): the playground, draw a digit, the
    // step-through.
    const panels = [...document.querySelectorAll('.bp-panel')];
    const sideways = [...document.querySelectorAll('*')].filter(e => {
        const overflow = getComputedStyle(e).overflowX;
        return (overflow === 'auto' || overflow === 'scroll') && e.clientWidth > 0
            && panels.some(panel => e.contains(panel) || panel.contains(e))
            && e.scrollWidth > e.clientWidth + 1;
    }).map(e => `${e.tagName}#${e.id}.${e.className.toString().slice(0, 60)} `
                + `${e.scrollWidth}>${e.clientWidth}`);
    return {scrollWidth: document.documentElement.scrollWidth,
            bodyScrollWidth: document.body.scrollWidth,
            innerWidth: window.innerWidth, sideways};
}"""


@pytest.fixture
def device_page(browser, request):  # noqa: F811  (the fixture imported above)
    """A phone's or a tablet's page (``DEVICES[name]``): (name, page)."""
    with browser_page(browser, request.node.name, **DEVICES[request.param]) as page:
        yield request.param, page


def check_no_sideways_scroll(page) -> dict:
    widths = page.evaluate(WIDTHS_JS)
    assert widths["scrollWidth"] == widths["innerWidth"], \
        f"the page scrolls sideways: {widths}"
    assert widths["bodyScrollWidth"] <= widths["innerWidth"], widths
    assert not widths["sideways"], f"these scroll sideways: {widths['sideways']}"
    return widths


def screenshot_whole(page, name: str) -> None:
    """The whole panel as a student scrolls through it: the viewport made as tall as the
    content for the picture (Voila and JupyterLab scroll inside a box, which a full-page
    screenshot would cut), then set back."""
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...[...document.querySelectorAll('#rendered_cells, .jp-WindowedPanel-outer')]
            .map(e => e.scrollHeight + e.getBoundingClientRect().top))""")
    page.set_viewport_size({"width": size["width"], "height": int(max(height, size["height"]))})
    try:
        screenshot(page, name)
    finally:
        page.set_viewport_size(size)


def check_controls(pg: Playground, viewport_width: float, touch: bool = True) -> list[dict]:
    controls = pg.root.evaluate(CONTROLS_JS)
    kinds = [c["kind"] for c in controls]
    assert kinds.count("slider") >= 3 and kinds.count("button") >= 3, kinds
    assert "dropdown" in kinds and "text" in kinds, kinds
    return check_control_boxes(controls, viewport_width, touch)


def check_control_boxes(controls: list[dict], viewport_width: float,
                        touch: bool = True) -> list[dict]:
    """Each control (from CONTROLS_JS) visible in the viewport's width, a finger's height,
    a slider with its full label and a 200 px track."""
    for c in controls:
        name = f"{c['kind']} {c['label']!r}"
        b = c["box"]
        assert c["visible"] and b["width"] > 0 and b["height"] > 0, f"{name} is not visible"
        assert not c["labelCut"], f"{name}: its text is cut"
        assert b["left"] >= -SLOP and b["right"] <= viewport_width + SLOP, \
            f"{name} sticks out of the {viewport_width}-px viewport: {b}"
        if touch:
            target = c.get("input", b)
            assert target["height"] >= TOUCH_TARGET - SLOP, \
                f"{name} is {target['height']:.0f} px high, less than a finger's {TOUCH_TARGET}"
        if c["kind"] == "slider":
            assert c["label"] and not c["labelCut"], f"{name}: its label is cut"
            assert c["track"]["width"] >= MIN_TRACK, \
                f"{name}: its track is {c['track']['width']:.0f} px, less than {MIN_TRACK}"
            if touch:
                assert min(c["hitArea"]) >= TOUCH_TARGET - SLOP, \
                    f"{name}: its handle's hit area is {c['hitArea']}"
    return controls


def check_pictures_phone(pg: Playground) -> dict:
    info = pg.root.evaluate(PICTURES_JS)
    images = info["images"]
    assert len(images) >= 2, f"expected the loss and accuracy pictures, got {info}"
    for img in images:
        assert img["width"] >= info["content"] - SLOP, \
            f"a picture is {img['width']:.0f} px wide, narrower than the panel ({info})"
        # shown at least at its drawn size: its text is at least as large as on a laptop
        assert img["width"] >= img["natural"][0] - SLOP, info
    assert images[1]["top"] >= images[0]["top"] + images[0]["height"] - SLOP, \
        f"the pictures should be stacked on a phone: {info}"
    return info


def check_pictures_wide(pg: Playground) -> dict:
    info = pg.root.evaluate(PICTURES_JS)
    images = info["images"]
    assert len(images) >= 2, info
    assert abs(images[0]["top"] - images[1]["top"]) <= SLOP, \
        f"the pictures should sit side by side: {info}"
    for img in images:
        assert abs(img["width"] - img["natural"][0]) <= SLOP, \
            f"a picture should be shown at its drawn size: {info}"
    return info


WATCH_JS = """root => {
    // Every text the status line shows from now on (a run may start and end between polls).
    const status = root.querySelector('.bp-status');
    window.__bpSeen = [];
    new MutationObserver(() => window.__bpSeen.push(status.innerText.trim())).observe(
        status, {childList: true, subtree: true, characterData: true});
}"""


def seen(page) -> list[str]:
    return page.evaluate("() => window.__bpSeen")


def started_with(page, lr: float) -> bool:
    """Whether the status line has said, since the watch began, that a run with ``lr`` runs."""
    return any(text.startswith("running") and close(number_after("learning rate", text), lr)
               for text in seen(page))


def touch_drag(page, handle, dx: float, steps: int = 8) -> None:
    """A finger on the handle, moved ``dx`` px to the right, lifted: raw touch events (CDP)."""
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for i in range(1, steps + 1):
            cdp.send("Input.dispatchTouchEvent",
                     {"type": "touchMove", "touchPoints": [{"x": x + dx * i / steps, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def drag_learning_rate(pg: Playground, page, stage: str) -> float:
    """Drag the learning-rate slider with a finger; return the value it ends at."""
    before_lr = pg.value("learning rate")
    pg.root.evaluate(WATCH_JS)
    handle = pg.slider("learning rate").locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    dx = -20 if before_lr > 1 else 20  # about half a decade on the log scale
    touch_drag(page, handle, dx)
    lr = wait_until(lambda: pg.value("learning rate") != before_lr and pg.value("learning rate"),
                    10, lambda: f"learning rate still {pg.value('learning rate')} after a drag")
    # The run started: the status line says so, with the new value ...
    wait_until(lambda: started_with(page, lr), RUN_DONE,
               lambda: f"no run with learning rate {lr} after the drag: {seen(page)}")
    screenshot(page, f"{stage}-3-dragged")
    # ... and it finishes.
    wait_until(lambda: pg.finished_with({"learning rate": lr}), RUN_DONE,
               lambda: f"the run after the drag did not finish: {pg.describe()}")
    return lr


@pytest.mark.parametrize("device_page", ["phone", "tablet"], indirect=True)
def test_app_on_a_device(voila, device_page):  # noqa: F811
    device, page = device_page
    with screenshot_on_failure(page, device):
        pg = open_app(page, voila)
        screenshot_whole(page, f"{device}-1-first-run")
        width = DEVICES[device]["viewport"]["width"]
        check_no_sideways_scroll(page)
        check_controls(pg, width)
        if device == "phone":
            check_pictures_phone(pg)
        else:
            check_pictures_wide(pg)
        lr = drag_learning_rate(pg, page, device)
        screenshot_whole(page, f"{device}-4-finished")
        check_no_sideways_scroll(page)
        if device == "phone":
            # A finger taps Train: the same settings run again and finish.
            pg.root.evaluate(WATCH_JS)
            train = pg.root.locator("button.jupyter-button", has_text="Train").first
            train.tap()
            wait_until(lambda: started_with(page, lr), RUN_DONE,
                       lambda: f"no run after tapping Train: {seen(page)}")
            wait_until(lambda: pg.finished_with({"learning rate": lr}), RUN_DONE,
                       lambda: f"the run after tapping Train did not finish: {pg.describe()}")
            screenshot_whole(page, f"{device}-5-tapped-train")
            # Stop and Clear, tapped: a long run (200 epochs) stops after its current epoch;
            # Clear redraws the picture without the faded earlier runs.
            pg.press("epochs", "End")
            wait_until(lambda: any(text.startswith("running") and "200 epochs" in text
                                   for text in seen(page)),
                       RUN_DONE, lambda: f"no 200-epoch run: {seen(page)}")
            pg.root.locator("button.jupyter-button", has_text="Stop").first.tap()
            wait_until(lambda: pg.status().startswith("stopped"), RUN_DONE, pg.describe)
            before = pg.src()
            pg.root.locator("button.jupyter-button", has_text="Clear").first.tap()
            wait_until(lambda: pg.src() != before, READ_PICTURE,
                       lambda: "the picture did not change after tapping Clear")
            check_no_sideways_scroll(page)


LAB_WIDTHS = {"lab-narrow": 480, "lab-wide": 1280}


@pytest.fixture
def lab_window(browser, request):  # noqa: F811
    """A browser window of ``LAB_WIDTHS[name]`` for JupyterLab: (name, width, page)."""
    name = request.param
    width = LAB_WIDTHS[name]
    with browser_page(browser, request.node.name,
                      viewport={"width": width, "height": 900}) as page:
        yield name, width, page


def run_app_in_lab(page, lab_server) -> Playground:
    """The app notebook opened in JupyterLab alone in the window (the file browser folded,
    as a student with a narrow window has it), run, its playground's first run ended."""
    base, token = lab_server
    open_in_lab(page, base, token)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    page.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
    pg = Playground(page, LAB_PANEL)
    pg.root.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
    pg.plot.wait_for(state="visible")
    wait_until(lambda: pg.status().startswith(("finished", "error")), RUN_DONE, pg.describe)
    pg.check_not_error()
    return pg


@pytest.mark.parametrize("lab_window", list(LAB_WIDTHS), indirect=True)
def test_playground_in_jupyterlab_narrow_and_wide(lab, lab_window):  # noqa: F811
    """The same panel in JupyterLab, in a narrow window and full width: the same rules."""
    name, width, page = lab_window
    with screenshot_on_failure(page, name):
        pg = run_app_in_lab(page, lab)
        pg.root.scroll_into_view_if_needed()
        screenshot(page, f"{name}-1-first-run")
        check_no_sideways_scroll(page)
        panel_right = pg.root.evaluate("e => e.getBoundingClientRect().right")
        check_controls(pg, min(width, panel_right + SLOP))
        if width < 600:
            check_pictures_phone(pg)
        else:
            check_pictures_wide(pg)
        pg.press("learning rate", "ArrowRight")
        lr = wait_until(lambda: pg.value("learning rate") != DEFAULT_RUN["lr"]
                        and pg.value("learning rate"), 10, pg.describe)
        wait_until(lambda: pg.finished_with({"learning rate": lr}), RUN_DONE, pg.describe)
        pg.root.scroll_into_view_if_needed()
        screenshot(page, f"{name}-2-moved")


# -- the "inside the network" widgets on a phone (issue 11's student view) ------------------

PIECES_JS = """(root, selector) => {
    // The pictures of a panel (shown ones only): their boxes and drawn sizes, and the
    // panel's content box.
    const panel = root.getBoundingClientRect();
    const cs = getComputedStyle(root);
    const content = root.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const images = [...root.querySelectorAll(selector)].filter(
        img => img.checkVisibility()).map(img => {
        const r = img.getBoundingClientRect();
        return {cls: img.className, width: r.width, height: r.height, left: r.left,
                right: r.right, top: r.top, bottom: r.bottom,
                natural: [img.naturalWidth, img.naturalHeight]};
    });
    const hidden = [...root.querySelectorAll(selector)].filter(
        img => !img.checkVisibility()).map(img => img.className);
    return {content, panelLeft: panel.left, panelRight: panel.right, images, hidden};
}"""

CANVAS_JS = """c => {
    const r = c.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height, size: c.width,
            touchAction: getComputedStyle(c).touchAction};
}"""

# Whether the canvas holds ink at these points (fractions of its shown box), read back in its
# own drawing coordinates: where the finger went is where the ink is.
INK_AT_JS = """(c, points) => {
    const ctx = c.getContext('2d');
    return points.map(([fx, fy]) => {
        const d = ctx.getImageData(Math.round(fx * c.width) - 2, Math.round(fy * c.height) - 2,
                                   5, 5).data;
        let alpha = 0;
        for (let i = 3; i < d.length; i += 4) alpha = Math.max(alpha, d[i]);
        return alpha;
    });
}"""

SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]
BAR = [(0.3, 0.5), (0.65, 0.5)]
READ = 20  # s from a stroke's end to the new picture (a timeout, not a timing)


def touch_stroke(page, canvas, points, steps: int = 8) -> None:
    """A finger put down on the canvas, moved through ``points`` (fractions of its shown box)
    and lifted: raw touch events (CDP), as a phone sends them."""
    box = canvas.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchStart", "touchPoints": [{"x": xy[0][0], "y": xy[0][1]}]})
        for (x0, y0), (x1, y1) in pairwise(xy):
            for i in range(1, steps + 1):
                t = i / steps
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                    {"x": x0 + (x1 - x0) * t, "y": y0 + (y1 - y0) * t}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def check_pieces(root, selector: str, viewport_width: float, count: int,
                 narrow: bool) -> dict:
    """The ``count`` shown pictures of ``selector`` in a panel: each within the panel and the
    viewport, its proportions kept, and shown at least at its drawn size wherever the panel
    has room for that (so its text is at least as large as on a laptop). On a narrow panel
    (a phone, a narrow JupyterLab) each is drawn for that width: no wider than the panel,
    so never shrunk."""
    info = root.evaluate(PIECES_JS, selector)
    assert len(info["images"]) == count, f"expected {count} pictures ({selector}): {info}"
    for img in info["images"]:
        name, natural = img["cls"], img["natural"]
        assert img["width"] > 0 and natural[0] > 0, f"a picture is not shown: {info}"
        assert img["width"] <= info["content"] + SLOP, \
            f"{name} is {img['width']:.0f} px wide, wider than its panel ({info})"
        assert img["left"] >= -SLOP and img["right"] <= viewport_width + SLOP, \
            f"{name} sticks out of the {viewport_width}-px viewport: {info}"
        assert abs(img["height"] / img["width"] - natural[1] / natural[0]) < 0.02, \
            f"{name} is stretched: {info}"
        assert img["width"] >= min(natural[0], info["content"] - 2 * MARGIN) - SLOP, \
            f"{name} is shown {img['width']:.0f} px wide, smaller than drawn ({natural[0]}) " \
            f"in a {info['content']:.0f}-px panel: its text is smaller than on a laptop"
        if narrow:
            assert natural[0] <= info["content"] + SLOP, \
                f"{name} is drawn {natural[0]} px wide for a {info['content']:.0f}-px panel"
    return info


def wait_loaded(page, pictures) -> None:
    """Wait until every picture of the locator ``pictures`` has loaded (its drawn size known)."""
    for picture in pictures.all():
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=picture.element_handle())


def rows_of(info: dict) -> list[int]:
    """How many pictures each row holds, top to bottom (a picture starts a new row when it
    starts below the previous one's top)."""
    rows: list[int] = []
    top = None
    for img in info["images"]:
        if top is None or img["top"] > top + SLOP:
            rows.append(0)
            top = img["top"]
        rows[-1] += 1
    return rows


def check_inside_layout(viewport_width: float, narrow: bool, *, draw=None, steps=None,
                        playground=None, taught: bool = False) -> None:
    """The pieces of the "inside the network" pictures, laid out for the panel's width: of
    draw a digit (its reading, and with ``taught`` its teaching step), of the step-through
    (its graph) and of the playground's inside view, for those given."""
    if draw is not None:
        info = check_pieces(draw, "img.bp-draw-reading", viewport_width, 3, narrow)
        # input and hidden units side by side, even on a phone; the outputs beside or below
        assert rows_of(info)[0] >= 2, f"the input and hidden pictures should share a row: {info}"
        if taught:
            info = check_pieces(draw, "img.bp-draw-teach", viewport_width, 2, narrow)
            assert rows_of(info) == ([1, 1] if narrow else [2]), f"teaching pictures: {info}"
    if steps is not None:
        graph = check_pieces(steps, "img.bp-step-plot", viewport_width, 1, narrow)
        shown = "bp-step-narrow" if narrow else "bp-step-wide"
        assert shown in graph["images"][0]["cls"], f"expected the {shown} graph: {graph}"
    if playground is not None:
        info = check_pieces(playground, "img.bp-inside-plot", viewport_width, 4, narrow)
        assert rows_of(info) == ([1, 1, 1, 1] if narrow else [2, 2]), \
            f"the inside view's four pictures: {info}"


def panel_controls(root, viewport_width: float, kinds: dict[str, int]) -> list[dict]:
    controls = root.evaluate(CONTROLS_JS)
    found = [c["kind"] for c in controls]
    for kind, n in kinds.items():
        assert found.count(kind) >= n, f"expected {n} {kind}s, got {found}"
    return check_control_boxes(controls, viewport_width)


@pytest.mark.parametrize("device_page", ["phone", "tablet"], indirect=True)
def test_inside_widgets_on_a_device(voila, device_page):  # noqa: F811
    """Draw a digit, the step-through and the inside view on a phone and a tablet, with a
    finger."""
    device, page = device_page
    width = DEVICES[device]["viewport"]["width"]
    narrow = width < 600
    with screenshot_on_failure(page, f"{device}-inside"):
        pg = open_app(page, voila)
        draw = page.locator(".bp-draw-digit").first
        steps = page.locator(".bp-step-through").first
        for panel in (draw, steps):
            panel.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
            assert "bp-panel" in panel.get_attribute("class"), "not a .bp-panel panel"
        canvas = draw.locator("canvas.bp-digit-canvas")
        reading = draw.locator("img.bp-draw-reading, .bp-draw-reading img").first
        status = draw.locator(".bp-draw-status").first
        reading.wait_for(state="visible")
        check_no_sideways_scroll(page)
        # Clear, one step, Reset, the label and the learning rate: a finger's size, on screen
        panel_controls(draw, width, {"button": 3, "dropdown": 1, "slider": 1})
        panel_controls(steps, width, {"button": 3})
        check_inside_layout(width, narrow, draw=draw, steps=steps)
        box = canvas.evaluate(CANVAS_JS)
        assert box["touchAction"] == "none", box
        assert box["left"] >= -SLOP and box["right"] <= width + SLOP, box
        assert abs(box["width"] - box["height"]) <= SLOP, f"the canvas is not square: {box}"
        canvas.scroll_into_view_if_needed()
        screenshot(page, f"{device}-inside-1-draw-shown")

        # A finger draws a 7: the 28x28 picture the network reads changes, and the ink is
        # where the finger went.
        before = reading.get_attribute("src")
        touch_stroke(page, canvas, SEVEN)
        wait_until(lambda: reading.get_attribute("src") != before
                   and "prediction" in status.inner_text(), READ,
                   lambda: f"no new reading after a finger's stroke; status "
                           f"{status.inner_text()!r}")
        ink = canvas.evaluate(INK_AT_JS, [[0.5, 0.2], [0.6, 0.525]])
        assert min(ink) > 0, f"no ink where the finger drew the 7: {ink}"
        check_no_sideways_scroll(page)
        screenshot(page, f"{device}-inside-2-drawn")

        # The canvas shown smaller than it is drawn (as in a panel narrower than 280 px): a
        # finger's bar lands where the finger went, in the canvas's own coordinates.
        first = reading.get_attribute("src")
        canvas.evaluate("c => { c.style.width = '180px'; }")
        box = canvas.evaluate(CANVAS_JS)
        # (180 px and its 1-px border), still a square
        assert box["width"] < 190 and abs(box["width"] - box["height"]) <= SLOP, box
        # (away from the 7; had the finger's place not been scaled, the bar would lie higher)
        bar = [[0.4, 0.5], [0.5, 0.5]]
        assert canvas.evaluate(INK_AT_JS, bar) == [0, 0], "ink before the bar"
        touch_stroke(page, canvas, BAR)
        wait_until(lambda: reading.get_attribute("src") != first, READ,
                   lambda: "the reading did not change after the second stroke")
        ink = canvas.evaluate(INK_AT_JS, bar)
        assert min(ink) > 0, f"the scaled canvas's ink is not under the finger: {ink}"
        canvas.evaluate("c => { c.style.width = `${c.width}px`; }")

        # A tap on "one step": the teaching picture appears, within the panel.
        teach = draw.locator("img.bp-draw-teach, .bp-draw-teach img").first
        draw.locator("button", has_text="one step").tap()
        wait_until(lambda: teach.is_visible() and teach.get_attribute("src"), READ,
                   lambda: "no picture after tapping one step")
        wait_loaded(page, draw.locator("img.bp-draw-teach"))
        check_inside_layout(width, narrow, draw=draw, taught=True)
        check_no_sideways_scroll(page)
        teach.scroll_into_view_if_needed()
        screenshot(page, f"{device}-inside-3-one-step")
        # Reset and Clear, tapped: the teaching picture goes, then the drawing.
        draw.locator("button", has_text="Reset").tap()
        wait_until(lambda: not teach.is_visible(), READ, lambda: "Reset left the step shown")
        draw.locator("button", has_text="Clear").tap()
        wait_until(lambda: status.inner_text().startswith("draw a digit"), READ,
                   lambda: f"status after tapping Clear: {status.inner_text()!r}")
        assert max(canvas.evaluate(INK_AT_JS, [[0.5, 0.2], [0.6, 0.525]])) == 0, \
            "the canvas still holds ink after tapping Clear"

        # The step-through: a tap on Next moves on, and the caption says so.
        steps.scroll_into_view_if_needed()
        caption = steps.locator(".bp-step-caption").first
        # the graph this width shows: top to bottom on a phone
        picture = steps.locator("img.bp-step-narrow" if narrow else "img.bp-step-wide").first
        assert caption.inner_text().startswith("step 0 of"), caption.inner_text()
        before = picture.get_attribute("src")
        steps.locator("button", has_text="Next").tap()
        wait_until(lambda: "forward pass, u1" in caption.inner_text(), READ,
                   lambda: f"caption after tapping Next: {caption.inner_text()!r}")
        wait_until(lambda: picture.get_attribute("src") != before, READ,
                   lambda: "the step picture did not change after tapping Next")
        check_inside_layout(width, narrow, steps=steps)
        picture.scroll_into_view_if_needed()
        screenshot(page, f"{device}-inside-4-step-through")
        # Next again, then Back and Start, tapped
        steps.locator("button", has_text="Next").tap()
        wait_until(lambda: "forward pass, u2" in caption.inner_text(), READ,
                   lambda: f"caption after a second Next: {caption.inner_text()!r}")
        steps.locator("button", has_text="Back").tap()
        wait_until(lambda: "forward pass, u1" in caption.inner_text(), READ,
                   lambda: f"caption after tapping Back: {caption.inner_text()!r}")
        steps.locator("button", has_text="Start").tap()
        wait_until(lambda: caption.inner_text().startswith("step 0 of"), READ,
                   lambda: f"caption after tapping Start: {caption.inner_text()!r}")

        # The playground's inside view, switched on with a tap: its picture fits the panel.
        inside = pg.root.locator("img.bp-inside-plot").first
        pg_status = pg.root.locator(".bp-status").first
        was = pg_status.inner_text()
        switch = pg.root.locator(".bp-view-switch button", has_text="inside the network")
        switch.scroll_into_view_if_needed()
        switch.tap()
        wait_until(lambda: inside.is_visible(), READ,
                   lambda: "the inside view did not appear after a tap")
        # the finished run recorded the inside: its trained network shows at once, no new run
        caption = pg.root.locator(".bp-inside-caption").first
        wait_until(lambda: caption.inner_text().startswith("finished run: the network after"),
                   READ, lambda: f"the inside caption {caption.inner_text()!r}")
        assert pg_status.inner_text() == was, f"a new run started: {pg_status.inner_text()!r}"
        wait_loaded(page, pg.root.locator("img.bp-inside-plot"))
        check_inside_layout(width, narrow, playground=pg.root)
        check_controls(pg, width)
        check_no_sideways_scroll(page)
        inside.scroll_into_view_if_needed()
        screenshot(page, f"{device}-inside-5-inside-view")
        screenshot_whole(page, f"{device}-inside-6-whole")


@pytest.mark.parametrize("lab_window", list(LAB_WIDTHS), indirect=True)
def test_inside_widgets_in_jupyterlab_narrow_and_wide(lab, lab_window):  # noqa: F811
    """Draw a digit, the step-through and the inside view in JupyterLab, in a narrow window
    and full width, with the mouse: the same rules as on a phone and a tablet."""
    from test_browser_inside import _stroke

    name, width, page = lab_window
    narrow = width < 600
    with screenshot_on_failure(page, f"{name}-inside"):
        pg = run_app_in_lab(page, lab)
        # (JupyterLab renders only the cells in view: each panel is scrolled to first.)
        notebook = page.locator(LAB_PANEL)
        draw = notebook.locator(".bp-draw-digit").first
        draw.scroll_into_view_if_needed(timeout=WIDGETS_SHOWN * 1000)
        draw.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
        canvas = draw.locator("canvas.bp-digit-canvas")
        reading = draw.locator("img.bp-draw-reading").first
        status = draw.locator(".bp-draw-status").first
        reading.wait_for(state="visible")
        before = reading.get_attribute("src")
        canvas.scroll_into_view_if_needed()
        _stroke(page, canvas, SEVEN)
        wait_until(lambda: reading.get_attribute("src") != before
                   and "prediction" in status.text_content(), READ,
                   lambda: f"no new reading after a stroke: {status.text_content()!r}")
        draw.locator("button", has_text="one step").click()
        teach = draw.locator("img.bp-draw-teach").first
        wait_until(lambda: teach.is_visible() and teach.get_attribute("src"), READ,
                   lambda: "no picture after one step")
        wait_loaded(page, draw.locator("img.bp-draw-reading, img.bp-draw-teach"))
        right = draw.evaluate("e => e.getBoundingClientRect().right")
        panel_controls(draw, min(width, right + SLOP),
                       {"button": 3, "dropdown": 1, "slider": 1})
        check_inside_layout(width, narrow, draw=draw, taught=True)
        check_no_sideways_scroll(page)
        teach.scroll_into_view_if_needed()
        screenshot(page, f"{name}-inside-1-taught")

        steps = notebook.locator(".bp-step-through").first
        steps.scroll_into_view_if_needed(timeout=WIDGETS_SHOWN * 1000)
        caption = steps.locator(".bp-step-caption").first
        steps.locator("button", has_text="Next").click()
        wait_until(lambda: "forward pass, u1" in caption.text_content(), READ,
                   lambda: f"caption after Next: {caption.text_content()!r}")
        check_inside_layout(width, narrow, steps=steps)
        check_no_sideways_scroll(page)
        screenshot(page, f"{name}-inside-2-step-through")

        pg.root.scroll_into_view_if_needed()
        was = pg.status()
        pg.root.locator(".bp-view-switch button", has_text="inside the network").click()
        inside = pg.root.locator("img.bp-inside-plot").first
        wait_until(lambda: inside.is_visible(), READ,
                   lambda: "the inside view did not appear")
        # the finished run recorded the inside: its trained network shows at once, no new run
        caption = pg.root.locator(".bp-inside-caption").first
        wait_until(lambda: (caption.text_content() or "").startswith(
            "finished run: the network after"), READ,
            lambda: f"the inside caption {caption.text_content()!r}")
        assert pg.status() == was, f"a new run started: {pg.status()!r}"
        wait_loaded(page, pg.root.locator("img.bp-inside-plot"))
        check_inside_layout(width, narrow, playground=pg.root)
        right = pg.root.evaluate("e => e.getBoundingClientRect().right")
        check_controls(pg, min(width, right + SLOP))
        check_no_sideways_scroll(page)
        inside.scroll_into_view_if_needed()
        screenshot(page, f"{name}-inside-3-inside-view")
