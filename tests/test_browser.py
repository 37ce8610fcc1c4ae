"""The playground in a real browser: JupyterLab and the Voila app, driven as a user would.

Each test starts its own server on 127.0.0.1 (a random token, a free port) over a temporary copy
of ``app/playground.ipynb``, opens it in headless Chromium through Playwright, moves the
learning-rate slider and then the hidden-units slider with the keyboard, and checks that the
status line and the plot change and that the status reaches ``finished`` with the new values.
Screenshots and server logs are written to ``test-artifacts/``.
"""

from __future__ import annotations

from browser_helpers import (
    LAB_PANEL,
    RUN_DONE,
    WIDGETS_SHOWN,
    Playground,
    leaving,
    open_app,
    open_in_lab,
    record_requests,
    screenshot,
    screenshot_on_failure,
    wait_until,
)

SETTINGS = ("learning rate", "hidden units")
LIVE_WIDTH, LIVE_HEIGHT = 360, 273  # pixels of one panel (loss) of backprop.plots.LiveCurves()


def exercise(page, scope: str, stage: str) -> None:
    """What both tests do once the page is open: wait, move both sliders, check, screenshot."""
    with screenshot_on_failure(page, stage):
        _exercise(Playground(page, scope), page, stage)


def _exercise(pg: Playground, page, stage: str) -> None:
    pg.root.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
    pg.status_line.wait_for(state="visible")
    pg.plot.wait_for(state="visible")
    for description in SETTINGS:
        pg.slider(description).locator(".noUi-handle").wait_for(state="visible")
    screenshot(page, f"{stage}-1-shown")

    # autostart=True: the first run starts by itself; let it end so the changes below are ours.
    wait_until(lambda: pg.status().startswith(("finished", "error")), RUN_DONE, pg.describe)
    pg.check_not_error()
    expected = {name: pg.value(name) for name in SETTINGS}
    assert pg.finished_with(expected), f"the first run's status {pg.status()!r} should show " \
        f"the sliders' values {expected}"
    screenshot(page, f"{stage}-2-first-run")
    # The picture comes from the panel's persistent figure (plots.LiveCurves), as a PNG of
    # its fixed size, decoded by the browser.
    size = pg.plot.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size == [LIVE_WIDTH, LIVE_HEIGHT], f"the plot is {size}, expected the live figure's"

    for step, (description, key) in enumerate(
            (("learning rate", "ArrowRight"), ("hidden units", "ArrowLeft")), start=3):
        move(pg, description, key, expected)
        screenshot(page, f"{stage}-{step}-{description.replace(' ', '-')}-moved")


def move(pg: Playground, description: str, key: str, expected: dict[str, float]) -> None:
    """Press ``key`` on a slider; the run it starts must redraw and finish with the new value."""
    before_status, before_src, before_value = pg.status(), pg.src(), pg.value(description)
    pg.press(description, key)
    expected[description] = wait_until(
        lambda: pg.value(description) != before_value and pg.value(description), 10,
        lambda: f"{description} still {pg.value(description)} after {key}")
    # The change alone starts a run: the status and the plot change ...
    wait_until(lambda: pg.status() != before_status, RUN_DONE,
               lambda: f"status still {pg.status()!r} after {description} moved")
    wait_until(lambda: pg.src() != before_src, RUN_DONE,
               lambda: f"plot not redrawn after {description} moved ({pg.describe()})")
    # ... and the run ends with the new setting (and the earlier ones) in the status line.
    wait_until(lambda: pg.finished_with(expected), RUN_DONE,
               lambda: f"expected finished with {expected}; {pg.describe()}")


def test_playground_in_jupyterlab(lab, page):
    base, token = lab
    open_in_lab(page, base, token)
    screenshot(page, "lab-0-opened")
    page.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
    exercise(page, LAB_PANEL, "lab")


def test_playground_in_voila(voila, page):
    base, token = voila
    page.goto(f"{base}/?token={token}", timeout=WIDGETS_SHOWN * 1000)
    screenshot(page, "voila-0-opened")
    exercise(page, "body", "voila")


# --- nothing from the internet (issue 23) -----------------------------------------------------
# Chromium runs with --disable-background-networking and the like, so the browser's own
# traffic stays out of these lists: every request recorded is one the page made.

def test_the_app_requests_nothing_outside_the_server(voila, page):
    urls = record_requests(page)
    open_app(page, voila)  # the page, its widgets and the first run's pictures
    assert urls, "no request recorded"
    assert not leaving(urls), f"the app's page requested {leaving(urls)}"


def test_jupyterlab_requests_nothing_outside_the_server(lab, page):
    base, token = lab
    urls = record_requests(page)
    open_in_lab(page, base, token)
    page.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
    pg = Playground(page, LAB_PANEL)
    pg.plot.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
    wait_until(lambda: pg.status().startswith(("finished", "error")), RUN_DONE, pg.describe)
    assert urls, "no request recorded"
    assert not leaving(urls), f"JupyterLab's page requested {leaving(urls)}"
