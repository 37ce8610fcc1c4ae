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

The same checks of layout run in JupyterLab with a narrow window (480 px). Screenshots go to
``test-artifacts/`` (``phone-*.png``, ``tablet-*.png``, ``lab-narrow-*.png``).
"""

from __future__ import annotations

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
    const panel = document.querySelector('.bp-playground');
    const sideways = [...document.querySelectorAll('*')].filter(e => {
        const overflow = getComputedStyle(e).overflowX;
        return (overflow === 'auto' || overflow === 'scroll') && e.clientWidth > 0
            && (e.contains(panel) || panel.contains(e))
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
            page.goto(f"{base}/lab/tree/playground.ipynb?reset&token={token}")
            page.locator(f"{LAB_PANEL} .jp-Notebook").wait_for(state="visible",
                                                                 timeout=SERVER_START * 1000)
            page.wait_for_function(
                """() => {
                    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                    const kernel = w && w.sessionContext && w.sessionContext.session
                        && w.sessionContext.session.kernel;
                    return kernel && kernel.connectionStatus === 'connected'
                        && kernel.status === 'idle';
                }""", timeout=SERVER_START * 1000)
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
