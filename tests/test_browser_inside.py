"""The "inside the network" widgets in a real browser (issue 11), in the Voila app and in
JupyterLab: a stroke drawn with mouse events on the draw-a-digit canvas changes the 28x28
preview and the bars; Next in the step-through moves the highlighted node.

Same servers and browser as tests/test_browser.py (its fixtures), screenshots and logs in
``test-artifacts/`` (``inside-*.png``).
"""

from __future__ import annotations

import time

from browser_helpers import (
    ARTIFACTS,
    LAB_PANEL,
    WIDGETS_SHOWN,
    open_app,
    open_in_lab,
    screenshot,
    screenshot_on_failure,
    wait_until,
)

from backprop.settings import DEFAULT_RUN

RUN_DONE = 60  # s: the playground's first run, or a network trained at the first stroke
READ = 20  # s from a stroke's end to the new picture (the budget is 0.1 s; this is a timeout)


def _src(locator) -> str | None:
    return locator.get_attribute("src")


def _stroke(tab, canvas, points) -> None:
    """Press, move through ``points`` (fractions of the canvas) and release the mouse."""
    box = canvas.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    tab.mouse.move(*xy[0])
    tab.mouse.down()
    for x, y in xy[1:]:
        tab.mouse.move(x, y, steps=6)
    tab.mouse.up()


SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]
BAR = [(0.3, 0.5), (0.65, 0.5)]


def draw_and_step(tab, scope: str, stage: str) -> None:
    with screenshot_on_failure(tab, f"inside-{stage}"):
        _draw_and_step(tab, tab.locator(scope), stage)


def _draw_and_step(tab, root, stage: str) -> None:
    draw = root.locator(".bp-draw-digit").first
    draw.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
    canvas = draw.locator("canvas.bp-digit-canvas")
    canvas.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
    reading = draw.locator("img.bp-draw-reading, .bp-draw-reading img").first
    status = draw.locator(".bp-draw-status").first
    reading.wait_for(state="visible")
    # the playground's first run (autostart) gives the network: let it finish first
    playground_status = root.locator(".bp-playground .bp-status").first
    if playground_status.count():
        wait_until(lambda: playground_status.inner_text().startswith(("finished", "error")),
                   RUN_DONE, lambda: f"playground: {playground_status.inner_text()!r}")
    canvas.scroll_into_view_if_needed()
    screenshot(tab, f"inside-{stage}-1-shown")

    before = _src(reading)
    _stroke(tab, canvas, SEVEN)
    wait_until(lambda: _src(reading) != before and "prediction" in status.inner_text(),
               RUN_DONE, lambda: f"no new reading after a stroke; status "
                                 f"{status.inner_text()!r}")
    first = _src(reading)
    screenshot(tab, f"inside-{stage}-2-drawn")
    _stroke(tab, canvas, BAR)  # a second stroke: the picture changes again
    wait_until(lambda: _src(reading) != first, READ,
               lambda: "the reading did not change after a second stroke")
    # the reading in three pieces (input, hidden units, outputs), each drawn at most 360 px
    # wide so that a phone shows it at its drawn size
    sizes = [img.evaluate("img => [img.naturalWidth, img.naturalHeight]")
             for img in draw.locator("img.bp-draw-reading").all()]
    assert [w for w, _ in sizes] == [140, 200, 360] and min(h for _, h in sizes) > 150, \
        f"the reading pictures are {sizes}"

    # teach it: one step toward 7 shows the before/after picture
    teach = draw.locator("img.bp-draw-teach, .bp-draw-teach img").first
    draw.locator("button", has_text="one step").click()
    wait_until(lambda: teach.is_visible() and _src(teach), READ,
               lambda: "no picture after one step")
    screenshot(tab, f"inside-{stage}-3-one-step")
    draw.locator("button", has_text="Clear").click()
    wait_until(lambda: "draw a digit" in status.inner_text(), READ,
               lambda: f"status after Clear: {status.inner_text()!r}")
    blank = canvas.evaluate("c => c.getContext('2d').getImageData(0, 0, c.width, c.height)"
                            ".data.some(v => v !== 0)")
    assert not blank, "the canvas still holds ink after Clear"

    # the step-through: Next moves the highlighted node
    steps = root.locator(".bp-step-through").first
    steps.scroll_into_view_if_needed()
    caption = steps.locator(".bp-step-caption").first
    picture = steps.locator("img.bp-step-plot, .bp-step-plot img").first
    assert caption.inner_text().startswith("step 0 of 14"), caption.inner_text()
    seen = []
    for expected in ("forward pass, u1", "forward pass, u2"):
        before_src = _src(picture)
        steps.locator("button", has_text="Next").click()
        wait_until(lambda e=expected: e in caption.inner_text(), READ,
                   lambda: f"caption {caption.inner_text()!r}")
        wait_until(lambda b=before_src: _src(picture) != b, READ,
                   lambda: "the step picture did not change")
        seen.append(_src(picture))
    screenshot(tab, f"inside-{stage}-4-step-through")
    steps.locator("button", has_text="Back").click()
    wait_until(lambda: "forward pass, u1" in caption.inner_text(), READ,
               lambda: f"after Back: {caption.inner_text()!r}")
    wait_until(lambda: _src(picture) != seen[1], READ,
               lambda: "Back did not redraw the picture")


# The fixtures come from test_browser (imported above); taken by name so that they do not
# shadow the imports.
def test_inside_widgets_in_voila(request):
    (base, token), tab = request.getfixturevalue("voila"), request.getfixturevalue("page")
    tab.goto(f"{base}/?token={token}", timeout=WIDGETS_SHOWN * 1000)
    draw_and_step(tab, "body", "voila")


def test_inside_widgets_in_jupyterlab(request):
    (base, token), tab = request.getfixturevalue("lab"), request.getfixturevalue("page")
    open_in_lab(tab, base, token)
    tab.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
    draw_and_step(tab, LAB_PANEL, "lab")


PRESET = "lr=0.01&hidden=30&epochs=5&hide=loss,batch_size&lock=epochs&seed=abc&init=xavier"
# s from a full kernel pool until its kernels have run the notebook up to the last cell, which
# waits for the address: a link is opened long after the server started, so the page must
# find nothing trained before its address was known (issue 23: a faded default run)
PREHEATED = 20


def wait_preheated() -> None:
    """Wait until Voila's kernel pool is full (its log says so), then ``PREHEATED`` s more."""
    log = ARTIFACTS / "voila.log"
    wait_until(lambda: "is filled with" in log.read_text(errors="replace"), WIDGETS_SHOWN,
               lambda: f"Voila's kernel pool is not filled; its log {log}")
    time.sleep(PREHEATED)


def test_url_presets_in_voila(request):
    """The app opened with settings in its address (a preheated kernel, as in make app)."""
    server, tab = request.getfixturevalue("voila"), request.getfixturevalue("page")
    with screenshot_on_failure(tab, "inside-presets"):
        wait_preheated()
        pg = open_app(tab, server, PRESET)
        root = pg.root
        # the run the address asked for: it ends with the address's values in the status line
        wait_until(lambda: "finished: learning rate 0.01, hidden units 30, 5 epochs"
                   in pg.status(), RUN_DONE, pg.describe)
        # ... and only that run: no faded run behind its curves (the panel marks their number)
        plots = root.locator(".bp-plots").first
        assert "bp-earlier-runs-0" in plots.get_attribute("class").split(), \
            f"faded earlier runs drawn: {plots.get_attribute('class')!r}"
        assert pg.value("learning rate") == 0.01 and pg.value("hidden units") == 30
        # hidden controls gone, the locked one shown but fixed
        for gone in ("batch size", "loss"):
            label = root.locator(".widget-label").get_by_text(gone, exact=True)
            assert label.count() == 0 or not label.first.is_visible(), f"{gone} still shown"
        epochs = pg.slider("epochs")
        locked = epochs.evaluate(
            "el => [el.className, !!el.querySelector('[disabled]'),"
            " !!el.querySelector('.noUi-target[disabled]')]")
        assert epochs.is_visible() and ("mod-disabled" in locked[0] or any(locked[1:])), \
            f"the epochs slider should be shown but locked: {locked}"
        # the invalid values are ignored with a visible note, in the words train() uses
        note = tab.locator(".bp-preset-note").first
        assert note.is_visible() and "seed=abc: not a whole number" in note.inner_text()
        assert ("init=xavier: init must be one of ('normal_scaled', 'normal'), got 'xavier'"
                in note.inner_text())
        # the status line offers the link of the current settings
        link = pg.status_line.locator("a.bp-settings-link")
        href = link.get_attribute("href")
        assert href.startswith("?lr=0.01&hidden=30&epochs=5&batch_size=10&loss=cross_entropy")
        assert "lock=epochs" in href and "hide=batch_size,loss" in href
        screenshot(tab, "inside-presets-voila")


def test_inside_view_in_voila(request):
    """The playground's second view: switched on, a run redraws it until it finishes."""
    server, tab = request.getfixturevalue("voila"), request.getfixturevalue("page")
    with screenshot_on_failure(tab, "inside-view"):
        pg = open_app(tab, server)
        root = pg.root
        curves = pg.plot
        inside = root.locator("img.bp-inside-plot, .bp-inside-plot img").first
        assert curves.is_visible() and not inside.is_visible()
        before = pg.status()
        caption = root.locator(".bp-inside-caption").first
        n = DEFAULT_RUN["n_epochs"]
        root.locator(".bp-view-switch button", has_text="inside the network").click()
        # the first run recorded the inside: the switch shows its trained network at once,
        # without a new run (issue 23: it showed an untrained network and ran it again)
        wait_until(lambda: inside.is_visible() and not curves.is_visible(), READ,
                   lambda: "the inside view did not replace the curves")
        wait_until(lambda: caption.inner_text().startswith(
            f"finished run: the network after epoch {n} of {n}"), READ,
            lambda: f"the inside caption {caption.inner_text()!r}")
        assert pg.status() == before, f"a new run started: {pg.status()!r}"
        sizes = [img.evaluate("img => [img.naturalWidth, img.naturalHeight]")
                 for img in root.locator("img.bp-inside-plot").all()]
        assert sizes == [[360, 372]] * 2 + [[360, 200]] * 2, f"the inside pictures: {sizes}"
        screenshot(tab, "inside-view-voila")
        # N(0, 1): a new run, redrawn in the inside view
        src = inside.get_attribute("src")
        root.locator("select").filter(has=tab.locator("option", has_text="N(0, 1)")).first \
            .select_option(label="N(0, 1): saturates")
        wait_until(lambda: inside.get_attribute("src") != src, RUN_DONE,
                   lambda: "the inside view was not redrawn for N(0, 1)")
        wait_until(lambda: pg.status().startswith("finished"), RUN_DONE, pg.describe)
        screenshot(tab, "inside-view-voila-n01")
        root.locator(".bp-view-switch button", has_text="learning curves").click()
        wait_until(lambda: curves.is_visible() and not inside.is_visible(), READ,
                   lambda: "the curves did not come back")
