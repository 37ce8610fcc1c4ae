"""The playground in a real browser: JupyterLab and the Voila app, driven as a user would.

Each test starts its own server on 127.0.0.1 (a random token, a free port) over a temporary copy
of ``app/playground.ipynb``, opens it in headless Chromium through Playwright, moves the
learning-rate slider and then the hidden-units slider with the keyboard, and checks that the
status line and the plot change and that the status reaches ``finished`` with the new values.
Screenshots and server logs are written to ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
from pathlib import Path

import pytest
from browser_helpers import (
    REPO,
    STATES,
    Server,
    browser_page,
    close,
    free_port,
    isolated_env,
    launch_browser,
    number_after,
    screenshot,
    shutdown_kernels,
    wait_until,
)

NOTEBOOK = REPO / "app" / "playground.ipynb"
BIN = Path(sys.executable).parent
SERVER_START = 60  # s for a server to answer
WIDGETS_SHOWN = 60  # s from opening the page to the playground on screen (kernel start included)
RUN_DONE = 45  # s for a training run to finish after a slider moved
SETTINGS = ("learning rate", "hidden units")
LIVE_WIDTH, LIVE_HEIGHT = 360, 273  # pixels of one panel (loss) of backprop.plots.LiveCurves()


@pytest.fixture(scope="module")
def browser():
    with launch_browser() as chromium:
        yield chromium


@pytest.fixture
def page(browser, request):
    with browser_page(browser, request.node.name,
                      viewport={"width": 1280, "height": 1000}) as page:
        yield page


@pytest.fixture
def app_dir(tmp_path):
    """A temporary folder holding a copy of the notebook, so autosave cannot touch the original."""
    assert NOTEBOOK.exists(), f"{NOTEBOOK} is missing"
    folder = tmp_path / "app"
    folder.mkdir()
    shutil.copy(NOTEBOOK, folder / "playground.ipynb")
    shutil.copy(NOTEBOOK.with_name("voila.json"), folder / "voila.json")  # make app's settings
    return folder


@pytest.fixture
def lab(app_dir, tmp_path):
    """JupyterLab serving ``app_dir``; yields its base URL and token."""
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    cmd = [str(BIN / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--ServerApp.root_dir={app_dir}", f"--IdentityProvider.token={token}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # no geteuid on Windows
        cmd.append("--allow-root")
    env = isolated_env(tmp_path / "home")
    # No "Would you like to get notified about official Jupyter news?" toast over the page.
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    server = Server("jupyterlab", cmd, cwd=app_dir, env=env)
    try:
        server.wait_http(f"{base}/api/status?token={token}", SERVER_START)
        yield base, token
    finally:
        shutdown_kernels(base, token)
        server.stop()


@pytest.fixture
def voila(app_dir, tmp_path):
    """Voila serving the notebook; yields its base URL and token."""
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    cmd = [str(BIN / "voila"), "playground.ipynb", "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", f"--token={token}"]
    server = Server("voila", cmd, cwd=app_dir, env=isolated_env(tmp_path / "home"))
    try:
        # A static file answers at once; the page itself would execute the notebook.
        server.wait_http(f"{base}/voila/static/favicon.ico?token={token}", SERVER_START)
        yield base, token
    finally:
        server.stop()  # Voila shuts its kernel down on SIGTERM (it has no /api/kernels)


class Playground:
    """The playground's controls and read-outs inside ``scope`` (a CSS selector)."""

    def __init__(self, page, scope: str):
        self.page = page
        self.root = page.locator(scope).locator(".bp-playground").first
        self.status_line = self.root.locator(".bp-status").first
        self.plot = self.root.locator("img.bp-plot, .bp-plot img").first

    def slider(self, description: str):
        label = self.page.locator(".widget-label").get_by_text(description, exact=True)
        return self.root.locator(".widget-slider").filter(has=label).first

    def value(self, description: str) -> float:
        return float(self.slider(description).locator(".widget-readout").inner_text().strip())

    def status(self) -> str:
        # text_content, not inner_text: JupyterLab skips rendering cells scrolled out of view
        # (content-visibility), and inner_text of an unrendered element is empty.
        return (self.status_line.text_content() or "").strip()

    def src(self) -> str | None:
        return self.plot.get_attribute("src")

    def describe(self) -> str:
        return f"status {self.status()!r}, plot src {self.src()!r}"

    def press(self, description: str, key: str) -> None:
        """Focus the slider's handle, as a tab or a click would, and press ``key``."""
        handle = self.slider(description).locator(".noUi-handle").first
        handle.focus()
        handle.press(key)

    def check_not_error(self) -> None:
        text = self.status()
        state = text.split(":")[0].split(" ")[0]
        assert state in STATES, f"the status line {text!r} should start with one of {STATES}"
        assert state != "error", f"the playground reports {text!r}"

    def finished_with(self, expected: dict[str, float]) -> str | None:
        self.check_not_error()
        text = self.status()
        if text.startswith("finished") and all(
                close(number_after(name, text), value) for name, value in expected.items()):
            return text
        return None


@contextlib.contextmanager
def screenshot_on_failure(page, stage: str):
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            screenshot(page, f"{stage}-FAILED")
        raise


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


def open_app(page, voila_server, query: str = "") -> Playground:
    """The Voila app opened (with ``query``, settings in its address), its first run ended."""
    base, token = voila_server
    page.goto(f"{base}/?{query}{'&' if query else ''}token={token}",
              timeout=WIDGETS_SHOWN * 1000)
    pg = Playground(page, "body")
    pg.root.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
    pg.plot.wait_for(state="visible")
    # autostart: let the first run end, so that what follows is ours
    wait_until(lambda: pg.status().startswith(("finished", "error")), RUN_DONE, pg.describe)
    pg.check_not_error()
    return pg


LAB_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def open_in_lab(page, base: str, token: str) -> None:
    """Open the playground notebook in JupyterLab and wait until its kernel is idle.

    Run All needs a kernel that is up; waiting for it avoids racing it.
    """
    page.goto(f"{base}/lab/tree/playground.ipynb?reset&token={token}")
    page.locator(f"{LAB_PANEL} .jp-Notebook").wait_for(state="visible", timeout=SERVER_START * 1000)
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = w && w.sessionContext && w.sessionContext.session
                && w.sessionContext.session.kernel;
            return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        timeout=SERVER_START * 1000)


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
