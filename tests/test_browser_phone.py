"""The playground on a phone, a tablet and a narrow JupyterLab: layout, touch, pictures.

The Voila app (``make app``'s notebook and settings) opens in headless Chromium in a phone's
viewport (412x915, touch emulation: ``has_touch``, ``is_mobile``) and a tablet's (1024x768).
On each, once the first run has finished, the tests check that

- nothing scrolls sideways: the page's scrollWidth equals the viewport's width;
- every control of the panel is visible inside the viewport, at least 44 px high (a finger),
  and every slider has its full label and a track at least 200 px wide;
- the learning-curve pictures: on the phone each is at least as wide as the panel's content
  and shown at least at its drawn size (so its text is not smaller than on a laptop); on the
  tablet both sit side by side at their drawn size;
- a finger's tap-and-drag on the learning-rate slider (touch events through the Chrome
  DevTools protocol) moves it and starts a run (the status line says "running" with the new
  value) that finishes; on the phone a tap on Train starts another that finishes.

The same checks of layout run in JupyterLab with a narrow window (480 px). On the phone, the
"inside the network" widgets of the same app (draw a digit, the step-through, the inside
view) meet the same rules: their controls a finger's size and on screen, their pictures never
wider than their panel, and a finger (touch events, CDP) draws a digit on the canvas, taps
one step and Next, and switches the playground to the inside view. Screenshots go to
``test-artifacts/`` (``phone-*.png``, ``phone-inside-*.png``, ``tablet-*.png``,
``lab-narrow-*.png``).
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from browser_helpers import close, number_after, screenshot, wait_until
from test_browser import (  # noqa: F401  (fixtures, shared with the desktop tests)
    LAB_PANEL,
    RUN_DONE,
    SERVER_START,
    WIDGETS_SHOWN,
    Playground,
    app_dir,
    browser,
    lab,
    open_in_lab,
    screenshot_on_failure,
    voila,
)

DEVICES = {
    # A common Android phone (CSS pixels), with touch and the mobile viewport rules.
    "phone": dict(viewport={"width": 412, "height": 915}, device_scale_factor=2.625,
                  is_mobile=True, has_touch=True),
    "tablet": dict(viewport={"width": 1024, "height": 768}, has_touch=True),
}
TOUCH_TARGET = 44  # px, a finger
MIN_TRACK = 200  # px, a usable slider track
SLOP = 1  # px of rounding

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
                          labelCut: label ? label.scrollWidth > label.clientWidth + 1 : false};
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
    device = request.param
    context = browser.new_context(**DEVICES[device])
    context.set_default_timeout(30_000)
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(f"console.{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    try:
        yield device, page
    finally:
        from browser_helpers import ARTIFACTS
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{request.node.name}-console.log").write_text("\n".join(messages) + "\n")
        context.close()


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


def open_app(page, voila_server) -> Playground:
    base, token = voila_server
    page.goto(f"{base}/?token={token}", timeout=WIDGETS_SHOWN * 1000)
    pg = Playground(page, "body")
    pg.root.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
    pg.plot.wait_for(state="visible")
    # autostart: let the first run end, so that what follows is ours
    wait_until(lambda: pg.status().startswith(("finished", "error")), RUN_DONE, pg.describe)
    pg.check_not_error()
    return pg


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


LAB_WIDTHS = {"lab-narrow": 480, "lab-wide": 1280}


@pytest.mark.parametrize("name", list(LAB_WIDTHS))
def test_playground_in_jupyterlab_narrow_and_wide(lab, browser, name):  # noqa: F811
    """The same panel in JupyterLab, in a narrow window and full width: the same rules."""
    base, token = lab
    width = LAB_WIDTHS[name]
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        with screenshot_on_failure(page, name):
            open_in_lab(page, base, token)
            # The notebook alone in the window, as a student with a narrow window has it.
            page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
            page.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
            pg = Playground(page, LAB_PANEL)
            pg.root.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
            pg.plot.wait_for(state="visible")
            wait_until(lambda: pg.status().startswith(("finished", "error")), RUN_DONE,
                       pg.describe)
            pg.check_not_error()
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
            lr = wait_until(lambda: pg.value("learning rate") != 0.5
                            and pg.value("learning rate"), 10, pg.describe)
            wait_until(lambda: pg.finished_with({"learning rate": lr}), RUN_DONE, pg.describe)
            pg.root.scroll_into_view_if_needed()
            screenshot(page, f"{name}-2-moved")
    finally:
        context.close()


# -- the "inside the network" widgets on a phone (issue 11's student view) ------------------

WIDE_PICTURES_JS = """(root, selector) => {
    // The pictures of a panel that is one wide image each: their boxes, drawn sizes and the
    // panel's content box.
    const panel = root.getBoundingClientRect();
    const cs = getComputedStyle(root);
    const content = root.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const images = [...root.querySelectorAll(selector)].filter(
        img => img.checkVisibility()).map(img => {
        const r = img.getBoundingClientRect();
        return {cls: img.className, width: r.width, height: r.height, left: r.left,
                right: r.right, natural: [img.naturalWidth, img.naturalHeight]};
    });
    return {content, panelLeft: panel.left, panelRight: panel.right, images};
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


def check_wide_pictures(root, selector: str, viewport_width: float, count: int) -> dict:
    """Each picture within the panel and the viewport, never wider, its proportions kept."""
    info = root.evaluate(WIDE_PICTURES_JS, selector)
    assert len(info["images"]) >= count, f"expected {count} pictures ({selector}): {info}"
    for img in info["images"]:
        assert img["width"] > 0 and img["natural"][0] > 0, f"a picture is not shown: {info}"
        assert img["width"] <= info["content"] + SLOP, \
            f"{img['cls']} is {img['width']:.0f} px wide, wider than its panel ({info})"
        assert img["left"] >= -SLOP and img["right"] <= viewport_width + SLOP, \
            f"{img['cls']} sticks out of the {viewport_width}-px viewport: {info}"
        natural = img["natural"][1] / img["natural"][0]
        assert abs(img["height"] / img["width"] - natural) < 0.02, \
            f"{img['cls']} is stretched: {info}"
    return info


def panel_controls(root, viewport_width: float, kinds: dict[str, int]) -> list[dict]:
    controls = root.evaluate(CONTROLS_JS)
    found = [c["kind"] for c in controls]
    for kind, n in kinds.items():
        assert found.count(kind) >= n, f"expected {n} {kind}s, got {found}"
    return check_control_boxes(controls, viewport_width)


@pytest.mark.parametrize("device_page", ["phone"], indirect=True)
def test_inside_widgets_on_a_phone(voila, device_page):  # noqa: F811
    """Draw a digit, the step-through and the inside view on a phone, with a finger."""
    device, page = device_page
    width = DEVICES[device]["viewport"]["width"]
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
        check_wide_pictures(draw, "img.bp-draw-reading", width, 1)
        check_wide_pictures(steps, "img.bp-step-plot", width, 1)
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
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=teach.element_handle())
        check_wide_pictures(draw, "img.bp-draw-reading, img.bp-draw-teach", width, 2)
        check_no_sideways_scroll(page)
        teach.scroll_into_view_if_needed()
        screenshot(page, f"{device}-inside-3-one-step")

        # The step-through: a tap on Next moves on, and the caption says so.
        steps.scroll_into_view_if_needed()
        caption = steps.locator(".bp-step-caption").first
        picture = steps.locator("img.bp-step-plot").first
        assert caption.inner_text().startswith("step 0 of"), caption.inner_text()
        before = picture.get_attribute("src")
        steps.locator("button", has_text="Next").tap()
        wait_until(lambda: "forward pass, u1" in caption.inner_text(), READ,
                   lambda: f"caption after tapping Next: {caption.inner_text()!r}")
        wait_until(lambda: picture.get_attribute("src") != before, READ,
                   lambda: "the step picture did not change after tapping Next")
        check_wide_pictures(steps, "img.bp-step-plot", width, 1)
        screenshot(page, f"{device}-inside-4-step-through")

        # The playground's inside view, switched on with a tap: its picture fits the panel.
        inside = pg.root.locator("img.bp-inside-plot").first
        pg_status = pg.root.locator(".bp-status").first
        was = pg_status.inner_text()
        switch = pg.root.locator(".bp-view-switch button", has_text="inside the network")
        switch.scroll_into_view_if_needed()
        switch.tap()
        wait_until(lambda: inside.is_visible(), READ,
                   lambda: "the inside view did not appear after a tap")
        wait_until(lambda: pg_status.inner_text() != was
                   and pg_status.inner_text().startswith("finished"), RUN_DONE,
                   lambda: f"status {pg_status.inner_text()!r}")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=inside.element_handle())
        check_wide_pictures(pg.root, "img.bp-inside-plot", width, 1)
        check_controls(pg, width)
        check_no_sideways_scroll(page)
        inside.scroll_into_view_if_needed()
        screenshot(page, f"{device}-inside-5-inside-view")
        screenshot_whole(page, f"{device}-inside-6-whole")
