"""What the browser tests share: local servers, headless Chromium, their fixtures, and the
playground's controls as a page shows them.

The servers bind 127.0.0.1 only, run in their own process group and are stopped by PID; their
logs and the screenshots go to ``test-artifacts/`` at the repository root. The browser is the
one ``scripts/find_browser.py`` finds (``CHROMIUM``, the system's Chromium or Chrome,
Playwright's own); without one the browser tests are skipped, and fail under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import find_browser  # scripts/ (on the path by pytest's pythonpath setting, or the caller's)
import pytest
import tasks  # scripts/ too: make app's Voila options

REPO = Path(__file__).resolve().parents[1]

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# The status line's first word; the notebook shows one of these at any time.
STATES = ("ready", "running", "finished", "stopped", "error")


@contextlib.contextmanager
def launch_browser():
    """Headless Chromium through Playwright, for a module-scoped ``browser`` fixture.

    No browser: the test is skipped with one line saying how to get one; under ``CI=true`` it
    fails with that line instead, so that CI never passes without its browser tests.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"playwright is not importable ({exc}); run `make test`, which installs it",
                    pytrace=False)
    try:
        found = find_browser.find()
    except find_browser.BadSetting as exc:
        pytest.fail(str(exc), pytrace=False)
    if found is None:
        message = find_browser.how_to_get()
        if find_browser.ci():
            pytest.fail(f"{message} (CI=true: the browser tests must run, not be skipped)",
                        pytrace=False)
        pytest.skip(message)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=found.path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def browser_page(browser, log_name: str, **options):
    """A page in a new browser context with ``options`` (viewport, touch, ...), its console
    kept in ``test-artifacts/<log_name>-console.log``; the context is closed afterwards."""
    context = browser.new_context(**options)
    context.set_default_timeout(30_000)
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(f"console.{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{log_name}-console.log").write_text("\n".join(messages) + "\n")
        context.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(home: Path) -> dict[str, str]:
    """The environment for a server: Jupyter's and IPython's per-user folders under ``home``.

    So the tests neither read a developer's own Jupyter settings nor write into them.
    """
    env = dict(os.environ)
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                      ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                      ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"), ("IPYTHONDIR", "ipython")):
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Server:
    """A server process in its own session, its output written to a log file."""

    def __init__(self, name: str, cmd: list[str], cwd: Path, env: dict[str, str]):
        ARTIFACTS.mkdir(exist_ok=True)
        self.name = name
        self.log_path = ARTIFACTS / f"{name}.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def log_tail(self, n_chars: int = 3000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-n_chars:]

    def wait_http(self, url: str, timeout: float) -> None:
        """Poll ``url`` until it answers 200; fail early, with the log, if the server died."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.proc.returncode}; "
                                   f"log {self.log_path}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                last = repr(exc)
            time.sleep(0.25)
        raise TimeoutError(f"{self.name} did not answer {url} within {timeout:.0f} s ({last}); "
                           f"log {self.log_path}:\n{self.log_tail()}")

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the server's process group, then SIGKILL if it is still there.

        Kernels run in sessions of their own (jupyter_client starts them so); the server shuts
        them down on SIGTERM, and a kernel whose server was killed exits by itself (ipykernel
        watches its parent's PID).
        """
        try:
            if self.proc.poll() is None:
                _signal_group(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(10)
            # Whatever is left of the group (the leader has gone, others may linger).
            _signal_group(self.proc.pid, signal.SIGKILL)
        finally:
            self._log.close()


def _signal_group(pgid: int, sig: int) -> None:
    if not hasattr(os, "killpg"):  # Windows: no process groups; end the process tree
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(pgid)], capture_output=True)
        return
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def shutdown_kernels(base_url: str, token: str) -> None:
    """Ask a Jupyter server to shut its kernels down (they run in sessions of their own)."""
    headers = {"Authorization": f"token {token}"}
    try:
        request = urllib.request.Request(f"{base_url}/api/kernels", headers=headers)
        with urllib.request.urlopen(request, timeout=5) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(f"{base_url}/api/kernels/{kernel['id']}",
                                             headers=headers, method="DELETE")
            urllib.request.urlopen(request, timeout=10).close()
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        pass


def record_requests(page) -> list[str]:
    """The URL of every request ``page`` makes from now on (the list fills as it goes)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def leaving(urls: list[str]) -> list[str]:
    """The URLs that go anywhere but the local server (127.0.0.1); data: and blob: stay."""
    return [url for url in urls if not url.startswith(("data:", "blob:"))
            and urllib.parse.urlsplit(url).hostname != "127.0.0.1"]


def wait_until(predicate: Callable[[], object], timeout: float, describe: Callable[[], str],
               interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; on timeout fail with ``describe()``."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s: {describe()}")
        time.sleep(interval)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def number_after(label: str, text: str) -> float | None:
    """The number written after ``label`` in ``text`` ("learning rate 0.5, ..." -> 0.5)."""
    match = re.search(re.escape(label) + r"\s*[=:]?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)",
                      text)
    return float(match.group(1)) if match else None


def close(a: float | None, b: float, rel: float = 0.02) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=rel)


# --------------------------------------------------------------------------- the playground app
NOTEBOOK = REPO / "app" / "playground.ipynb"
BIN = Path(sys.executable).parent
SERVER_START = 60  # s for a server to answer
WIDGETS_SHOWN = 60  # s from opening the page to the playground on screen (kernel start included)
RUN_DONE = 45  # s for a training run to finish after a slider moved


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
    # make app's options (page template, kernel encryption), on our address, port and token.
    cmd = [str(BIN / "voila"), *tasks.VOILA_ARGS, f"--port={port}", "--Voila.ip=127.0.0.1",
           f"--token={token}"]
    server = Server("voila", cmd, cwd=app_dir, env=tasks.app_env(isolated_env(tmp_path / "home")))
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
