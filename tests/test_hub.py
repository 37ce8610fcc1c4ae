"""The course on a real JupyterHub (deploy/jupyterhub/, make hub), with three students in
real browsers (issue 22).

The hub runs as ``make hub`` runs it (scripts/hub_tasks.py's command and environment) but on
127.0.0.1 with free ports for the proxy, the hub's API and the proxy's API, a private state
folder (database, cookie secret, the students' homes), random passwords and a random proxy
token. Each student logs in with the class's password, gets JupyterLab with the student
edition in their home, runs a check cell of notebook 01, and opens the app under their own
URL (/user/<name>/voila/render/...), where a run with settings from the address finishes,
the settings link stays under their URL, and the draw-a-digit canvas (an ES module) reads a
digit. No request leaves 127.0.0.1. At the end the hub is stopped by PID, and whatever it
started (proxy, culler, the students' servers) is stopped by PID if still there.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from pathlib import Path

import hub_tasks  # scripts/
import pytest
from browser_helpers import (
    BIN,
    Playground,
    Server,
    browser_page,
    free_port,
    isolated_env,
    leaving,
    record_requests,
    screenshot,
    screenshot_on_failure,
    wait_until,
)
from find_browser import ci
from pg_helpers import available as postgres_available
from pg_helpers import fresh_schema

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="the hub needs POSIX")

STUDENTS = {  # name -> the app's settings in the address: a different short run for each
    "ana": {"lr": 0.5, "hidden": 30},
    "ben": {"lr": 1.0, "hidden": 50},
    "eva": {"lr": 0.1, "hidden": 20},
}
EPOCHS = 5
HUB_START = 90  # s for the hub to answer
SPAWN = 180  # s from the login to a student's JupyterLab on screen (three servers at once)
KERNEL = 120  # s for a notebook's kernel, a cell's run, or the app's page
RUN = 90  # s for the app's run to finish
BOARD = 30  # s for the board to show a run (it reads the store every 2 s)
# A sigmoid that passes notebook 01's check, and the naive one it rejects (overflow warning).
RIGHT_SIGMOID = '''import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)
'''
NAIVE_SIGMOID = RIGHT_SIGMOID.replace(
    "e = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
    "return 1 / (1 + np.exp(-z))")


def _children(pid: int) -> list[int]:
    """The PIDs whose parent is ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(word) for word in (task / "children").read_text().split()]
    return found


class Hub:
    """The hub of deploy/jupyterhub/ in a private folder; stop() ends it and all it started."""

    def __init__(self, state: Path, store: str | None = None,
                 teacher_store: str | None = None):
        self.state = state
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(12)
        self.teacher_password = secrets.token_urlsafe(32)
        env = hub_tasks.hub_env(state, self.password, self.teacher_password, "127.0.0.1",
                                self.port, free_port(), free_port(),
                                environ=isolated_env(state / "hub-home"),
                                server_args="--LabApp.expose_app_in_browser=True",
                                **({"store": store, "teacher_store": teacher_store}
                                   if store else {}))
        env["CONFIGPROXY_AUTH_TOKEN"] = secrets.token_hex(32)
        self.started: dict[int, str] = {}  # PID -> its command line, of what the hub started
        self.server = Server("jupyterhub", hub_tasks.hub_command(BIN / "python"), cwd=state,
                             env=env)

    def note_children(self) -> None:
        for pid in _children(self.server.proc.pid):
            with contextlib.suppress(OSError):
                self.started[pid] = Path(f"/proc/{pid}/cmdline").read_text()

    def stop(self) -> None:
        self.note_children()
        try:
            # The hub stops the culler, the students' servers and the proxy on SIGTERM; the
            # culler alone takes up to 30 s to go.
            self.server.stop(timeout=90)
        finally:
            for pid, cmdline in self.started.items():  # anything left: by PID, checked first
                with contextlib.suppress(OSError):
                    if Path(f"/proc/{pid}/cmdline").read_text() == cmdline:
                        os.killpg(pid, signal.SIGKILL)  # each runs in a session of its own


@pytest.fixture(scope="module")
def hub(tmp_path_factory, request):
    """The hub; the class's store on the throwaway PostgreSQL server (students' servers with
    the student role, the teacher's with the teacher role) where PostgreSQL is installed (CI),
    else an SQLite file in the hub's state folder."""
    if not hub_tasks.proxy_works():
        message = ("configurable-http-proxy is not installed in deploy/jupyterhub/node_modules:"
                   " run `make test` (or `python scripts/hub_tasks.py`), which installs it")
        if ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    stores = {}
    if postgres_available() is None or ci():
        server = request.getfixturevalue("postgres")
        fresh_schema(server)
        stores = {"store": server.url("backprop_student"),
                  "teacher_store": server.url("backprop_teacher")}
    hub = Hub(tmp_path_factory.mktemp("hub"), **stores)
    hub.backend = "postgresql" if stores else "sqlite"
    try:
        hub.server.wait_http(f"{hub.base}/hub/api/", HUB_START)
        hub.note_children()
        yield hub
    finally:
        hub.stop()


def log_in(page, hub: Hub, name: str, password: str) -> None:
    page.goto(f"{hub.base}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


NOTEBOOK_01 = "backprop/01_derivation.ipynb"
# JupyterLab may restore the student's last open notebooks around the one asked for: each
# helper finds its notebook's panel by path.
LAB_JS_PANEL = """const panel = Array.from(window.jupyterapp.shell.widgets('main'))
    .find(w => w.context && w.context.path === path);"""
LAB_JS_KERNEL_IDLE = """(path) => {
    if (!window.jupyterapp) return false;
    FIND_PANEL
    if (!panel) return false;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    return panel.context.isReady && kernel && kernel.connectionStatus === 'connected'
        && kernel.status === 'idle';
}""".replace("FIND_PANEL", LAB_JS_PANEL)
# The index of the first cell whose source starts with ``start``.
LAB_JS_FIND_CELL = """([path, start]) => {
    FIND_PANEL
    return panel.content.widgets.findIndex(
        c => c.model.sharedModel.getSource().startsWith(start));
}""".replace("FIND_PANEL", LAB_JS_PANEL)
# Put source into a cell (as pasting would) and run it; the cell's outputs' text when done.
LAB_JS_RUN_CELL = """async ([path, index, source]) => {
    FIND_PANEL
    window.jupyterapp.shell.activateById(panel.id);
    const cell = panel.content.widgets[index];
    if (source !== null) cell.model.sharedModel.setSource(source);
    panel.content.activeCellIndex = index;
    await window.jupyterapp.commands.execute('notebook:run-cell');
    return cell.model.outputs.toJSON().map(o => o.text || (o.data && o.data['text/plain'])
        || (o.ename ? o.ename + ': ' + o.evalue : '')).join('\\n');
}""".replace("FIND_PANEL", LAB_JS_PANEL)


def run_check_in_lab(page, hub: Hub, name: str, source: str) -> str:
    """Notebook 01 of the student's own copy: set-up cell, their sigmoid, the check cell."""
    page.goto(f"{hub.base}/user/{name}/lab/tree/{NOTEBOOK_01}?reset")
    page.wait_for_function(LAB_JS_KERNEL_IDLE, arg=NOTEBOOK_01, timeout=KERNEL * 1000)
    cells = {start: page.evaluate(LAB_JS_FIND_CELL, [NOTEBOOK_01, start])
             for start in ("%matplotlib inline", "def sigmoid(z):", "checks.check_sigmoid(")}
    assert min(cells.values()) >= 0, f"notebook 01's cells not found as expected: {cells}"
    page.evaluate(LAB_JS_RUN_CELL, [NOTEBOOK_01, cells["%matplotlib inline"], None])
    page.evaluate(LAB_JS_RUN_CELL, [NOTEBOOK_01, cells["def sigmoid(z):"], source])
    return page.evaluate(LAB_JS_RUN_CELL, [NOTEBOOK_01, cells["checks.check_sigmoid("], None])


def app_url(hub: Hub, name: str, settings: dict) -> str:
    query = "&".join(f"{key}={value}" for key, value in {**settings, "epochs": EPOCHS}.items())
    return f"{hub.base}/user/{name}/voila/render/backprop-app/playground.ipynb?{query}"


def draw_stroke(page, canvas) -> None:
    """A "7" drawn with the mouse on the draw-a-digit canvas."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    points = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=12)
    page.mouse.up()


def test_three_students_on_the_hub(hub, browser):
    started = time.monotonic()
    stages = {}

    def stage(name: str) -> None:
        stages[name] = round(time.monotonic() - started)
    with contextlib.ExitStack() as stack:
        pages, requests = {}, {}
        for name in STUDENTS:  # all three log in; their servers start at the same time
            page = stack.enter_context(browser_page(browser, f"hub-{name}",
                                                    viewport={"width": 1280, "height": 900}))
            page.set_default_timeout(KERNEL * 1000)
            requests[name] = record_requests(page)
            stack.enter_context(screenshot_on_failure(page, f"hub-{name}"))
            log_in(page, hub, name, hub.password)
            pages[name] = page

        # 1. logged in: each on their own JupyterLab, the student edition in their home
        for name, page in pages.items():
            page.wait_for_url(f"**/user/{name}/lab/**", timeout=SPAWN * 1000)
            page.locator(".jp-Notebook").first.wait_for(timeout=SPAWN * 1000)
            home = hub.state / "homes" / name
            assert (home / "backprop" / "01_derivation.ipynb").is_file()
            assert (home / "backprop-app" / "playground.ipynb").is_file()
        hub.note_children()
        stage("logged in")

        # 2. notebook 01's check cell: it rejects ana's naive sigmoid (and says why), and
        # passes ben's and eva's; each runs in the student's own kernel.
        for name, page in pages.items():
            source = NAIVE_SIGMOID if name == "ana" else RIGHT_SIGMOID
            output = run_check_in_lab(page, hub, name, source)
            if name == "ana":
                assert "CheckFailed" in output and "overflow" in output, output
            else:
                assert "sigmoid_prime: relative error" in output and "CheckFailed" not in output, \
                    output
        stage("check cells run")

        # 3. the app under each student's URL, with settings in the address
        apps = {}
        for name, page in pages.items():
            page.goto(app_url(hub, name, STUDENTS[name]), timeout=KERNEL * 1000)
            apps[name] = Playground(page, "body")
        for name, page in pages.items():
            pg = apps[name]
            pg.root.wait_for(state="visible", timeout=KERNEL * 1000)
            expected = {"learning rate": STUDENTS[name]["lr"],
                        "hidden units": STUDENTS[name]["hidden"]}
            text = wait_until(lambda pg=pg, e=expected: pg.finished_with(e), RUN, pg.describe)
            assert f"{EPOCHS} epochs" in text and f"after {EPOCHS} epochs" in text, text
            # The settings link is relative: it stays under /user/<name>/voila/render/...
            link = pg.root.locator("a.bp-settings-link").first
            href = link.evaluate("a => a.href")
            assert href.startswith(f"{hub.base}/user/{name}/voila/render/backprop-app/"
                                   f"playground.ipynb?"), href
            assert f"lr={STUDENTS[name]['lr']:g}" in href, href
            # draw-a-digit: its canvas is an ES module, loaded under the student's URL
            canvas = page.locator("canvas.bp-digit-canvas").first
            canvas.wait_for(state="visible")
            draw_stroke(page, canvas)
            status = page.locator(".bp-draw-status").first
            wait_until(lambda s=status: "prediction:" in (s.text_content() or ""), RUN,
                       lambda s=status: f"draw-a-digit status {s.text_content()!r}")
            screenshot(page, f"hub-{name}-app")

        stage("apps' runs finished, digits read")

        # 4. the teacher's board, in the teacher's own server, fed by the three students
        teacher = stack.enter_context(browser_page(browser, "hub-teacher",
                                                   viewport={"width": 1280, "height": 1100}))
        teacher.set_default_timeout(KERNEL * 1000)
        requests["teacher"] = record_requests(teacher)
        stack.enter_context(screenshot_on_failure(teacher, "hub-teacher"))
        log_in(teacher, hub, "teacher", hub.teacher_password)
        teacher.wait_for_url("**/user/teacher/lab/**", timeout=SPAWN * 1000)
        key = (hub.state / "teacher-key").read_text().strip()
        teacher.goto(f"{hub.base}/user/teacher/voila/render/backprop-app/board.ipynb?"
                     f"teacher={key}", timeout=KERNEL * 1000)
        counts = teacher.locator(".bp-board-counts").first
        counts.wait_for(state="visible", timeout=KERNEL * 1000)
        wait_until(lambda: "3 students" in (counts.text_content() or "")
                   and "3 runs" in (counts.text_content() or ""), BOARD,
                   lambda: f"board counts {counts.text_content()!r}")
        teacher.locator(".bp-board-new-class").first.wait_for(state="visible")
        grid = teacher.locator(".bp-board-grid").first.text_content() or ""
        for settings in STUDENTS.values():
            assert f"{settings['lr']:.3g}" in grid and str(settings["hidden"]) in grid, grid
        best = teacher.locator(".bp-board-best a").first.evaluate("a => a.href")
        assert best.startswith(f"{hub.base}/user/teacher/voila/render/backprop-app/"
                               f"playground.ipynb?"), best
        stage("board shows the three runs")

        # ben's browser cannot reach ana's server, nor the teacher's board or the hub's admin
        for url in (f"{hub.base}/user/ana/api/contents/backprop",
                    f"{hub.base}/user/teacher/voila/render/backprop-app/board.ipynb?"
                    f"teacher={key}",
                    f"{hub.base}/hub/api/users"):
            answer = pages["ben"].request.get(url, max_redirects=10)
            assert answer.status in (403, 404), f"{url}: {answer.status} for ben"

        # 5. ben's settings link, opened as a new page: a replay from the class's store
        page = pages["ben"]
        page.goto(page.locator("a.bp-settings-link").first.evaluate("a => a.href"))
        pg = Playground(page, "body")
        pg.root.wait_for(state="visible", timeout=KERNEL * 1000)
        text = wait_until(lambda: pg.finished_with({"learning rate": 1.0, "hidden units": 50}),
                          RUN, pg.describe)
        assert "from the class's runs" in text, text
        wait_until(lambda: "1 replays" in (counts.text_content() or ""), BOARD,
                   lambda: f"board counts {counts.text_content()!r}")
        screenshot(teacher, "hub-board")
        stage("ben's link replayed, on the board")

        for name in STUDENTS:
            assert leaving(requests[name]) == [], f"{name}'s pages loaded from outside"
    print(f"three students on the hub ({hub.backend} store), seconds since the start: "
          f"{stages}")
