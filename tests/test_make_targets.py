"""The README's commands themselves: ``make lab`` and ``make app``, started as a user would.

Each test runs the command from the checkout in the background, in a process group of its own,
on a free port given as the README documents it (``make lab LAB_PORT=...``,
``make app APP_PORT=...``), with Jupyter's folders, the runtime directory among them, in a
private temporary directory, so that neither a second run nor the user's own Jupyter
interferes. It checks what the user would see, stops the command with SIGTERM to its process
group and checks that nothing it started is left: no process (the kernels too, which Jupyter
starts in process groups of their own), no server file in the runtime directory, the port free.

The same is done with ``python scripts/tasks.py lab|app --port ...``, the Windows route, here on
POSIX; its Windows-only parts (paths under ``.venv\\Scripts``, no exec, no process groups) are
not tested. The student edition's command, ``make lab NOTEBOOKS=student/self-study`` (and
``tasks.py lab --notebooks student/self-study``), is tested as ``make lab`` is.

The first view (issue 23): the page opens on ``00_overview.ipynb`` without JupyterLab's news
toast, neither page requests anything outside the server, and the server's log from start to
stop holds no warning or traceback but the few listed in ``TOLERATED``, each with its reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from browser_helpers import (
    ARTIFACTS,
    REPO,
    free_port,
    isolated_env,
    launch_browser,
    leaving,
    record_requests,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    not hasattr(os, "killpg"),
    reason="process-group checks need POSIX; on Windows the same scripts/tasks.py is used")

ROUTES = {
    "make": ["make"],  # the README's command
    "tasks.py": [sys.executable, "scripts/tasks.py"],  # the README's Windows command
}
EDITIONS = {  # NOTEBOOKS= of make lab: the folder it opens
    "teacher": None,  # make lab's default, notebooks/
    "student": "student/self-study",  # the student edition (issue 23)
}
START = 120  # s for a server to come up (the install step is already done by make test)
STOP = 30  # s for everything to end after SIGTERM
WIDGETS = 90  # s for the playground to show and finish its first run
MARKER = "BACKPROP_SETUP_TEST"  # inherited by every process the command starts


@pytest.fixture(scope="module")
def browser():
    with launch_browser() as chromium:
        yield chromium


def user_env(home: Path, **settings: str) -> dict[str, str]:
    """A user's environment: no make of ours around, Jupyter's folders private to the test."""
    env = isolated_env(home)
    env["JUPYTER_DATA_DIR"] = str(home / "data")  # the notebook-signing key goes there
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTEST_ARGS",
                 "LAB_PORT", "APP_IP", "APP_PORT"):
        env.pop(name, None)
    # Do not open a browser window on a developer's desktop.
    Path(env["JUPYTER_CONFIG_DIR"], "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"open_browser": False}, "LabApp": {"open_browser": False}}))
    env["BROWSER"] = "true"
    env[MARKER] = uuid.uuid4().hex
    env.update(settings)
    return env


def processes() -> list[tuple[int, int, int, str]]:
    """(pid, ppid, pgid, state) of every process, from POSIX ``ps``."""
    out = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "pgid=", "-o", "stat="],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].isdigit():
            rows.append((int(parts[0]), int(parts[1]), int(parts[2]), parts[3]))
    return rows


def living(rows):
    return [row for row in rows if not row[3].startswith("Z")]  # a zombie has ended


def marked(marker: str) -> set[int]:
    """Processes whose environment carries ``marker`` (Linux's /proc; empty elsewhere)."""
    found = set()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"{MARKER}={marker}".encode() in environ.read_bytes().split(b"\0"):
                found.add(int(environ.parent.name))
        except OSError:
            continue
    return found


class Command:
    """The README's command running in the background, in a process group of its own."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"{name}.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.env = env
        self.proc = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.seen: set[int] = {self.proc.pid}

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def check_running(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.proc.args} exited with code {self.proc.returncode}:\n"
                                 f"{self.log()[-3000:]}")

    def note_descendants(self) -> None:
        """Remember every process below the command now (a kernel has its own group)."""
        rows = processes()
        children: dict[int, list[int]] = {}
        for pid, ppid, _, _ in rows:
            children.setdefault(ppid, []).append(pid)
        todo = [self.proc.pid]
        while todo:
            pid = todo.pop()
            for child in children.get(pid, []):
                if child not in self.seen:
                    self.seen.add(child)
                    todo.append(child)
        self.seen |= marked(self.env[MARKER])

    def left(self) -> list[str]:
        """What is still running of what the command started."""
        rows = living(processes())
        pids = {row[0] for row in rows}
        left = {row for row in rows if row[2] == self.proc.pid}  # its process group
        left |= {row for row in rows if row[0] in self.seen | marked(self.env[MARKER])}
        return [f"pid {pid} (pgid {pgid}, {state})" for pid, _, pgid, state in sorted(left)
                if pid in pids]

    def stop(self) -> list[str]:
        """SIGTERM to the process group; wait for all of it to end; what was still left."""
        self.note_descendants()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + STOP
        while time.monotonic() < deadline:
            self.proc.poll()
            if self.proc.returncode is not None and not self.left():
                return []
            time.sleep(0.25)
        return self.left()

    def kill(self) -> None:
        """After the checks, whatever happened: SIGKILL to anything left, close the log."""
        for pid in self.seen | marked(self.env[MARKER]) | {self.proc.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(10)
        self._log.close()


def get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200, f"{url}: HTTP {response.status}"
        return response.read()


def answers(url: str) -> bool:
    try:
        get(url, timeout=5)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    return True


def port_free(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
    except urllib.error.HTTPError:
        return False
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return True
    return False


def check_stopped(cmd: Command, runtime: Path, port: int) -> None:
    left = cmd.stop()
    assert not left, f"still running after SIGTERM to the process group: {left}\n" \
                     f"{cmd.log()[-3000:]}"
    files = sorted(p.name for p in runtime.glob("*") if p.name.startswith(("jpserver", "kernel")))
    assert not files, f"left in the runtime directory (not shut down cleanly): {files}"
    assert port_free(port), f"port {port} still answers"


def route_argv(route: str, target: str, variable: str, port: int,
               notebooks: str | None = None) -> list[str]:
    """The documented command line: ``make lab LAB_PORT=8890`` (README.md),
    ``... tasks.py lab --port 8890`` (CONTRIBUTING.md),
    with ``NOTEBOOKS=...`` / ``--notebooks ...`` for another folder of notebooks."""
    if route == "make" and shutil.which("make") is None:
        pytest.skip("no make on this machine (the tasks.py route is its replacement)")
    setting = [f"{variable}={port}"] if route == "make" else ["--port", str(port)]
    if notebooks:
        setting += [f"NOTEBOOKS={notebooks}"] if route == "make" else ["--notebooks", notebooks]
    return ROUTES[route] + [target] + setting


# What a server's log may hold from start to stop although it looks alarming, and why it cannot
# be avoided by the project. Anything else that looks like a warning or a traceback fails.
TOLERATED = {
    # jupyter_lsp asks npm for its global prefix when the server starts; a stop that comes
    # while npm still runs (it is in the process group that the stop signals) ends npm first.
    "Could not determine npm prefix": "jupyter_lsp's npm probe, ended by the stop itself",
    # tornado (6.5) checks jupyter_server's own default websocket ping timeout (three times the
    # interval) against the interval, and corrects it: dependencies' defaults that disagree.
    "websocket_ping_timeout": "jupyter_server's default, corrected by tornado",
}
ALARMING = re.compile(r"WARNING|\[W |Warning:|Traceback|Error|Exception|CRITICAL \|")


# NOT FIXED (issue 23): a kernel that is still executing when the server stops (the preheated
# kernel running the notebook, or a run of the page) may print this traceback. jupyter_client's
# shutdown interrupts the kernel and at once asks it to shut down; ipykernel then closes its
# sockets before the interrupted request's reply is sent. Neither Voila nor the project's
# options change that order. Only this traceback, and only after the stop signal, is let pass.
STOP_SIGNAL = re.compile(r"Handle signal 15|received signal 15")
KERNEL_STOP_RACE = re.compile(
    r"^\[IPKernelApp\] ERROR \| Exception in message handler:\nTraceback \(most recent call last\):"
    r"\n(?:  .*\n)+zmq\.error\.ZMQError: Socket operation on non-socket$", re.M)


def alarming_lines(log: str) -> list[str]:
    """The log's lines that alarm a reader, less those in ``TOLERATED`` (and the kernels' known
    traceback after the stop signal)."""
    stop = STOP_SIGNAL.search(log)
    if stop:
        log = log[:stop.start()] + KERNEL_STOP_RACE.sub("", log[stop.start():])
    return [line for line in log.splitlines() if ALARMING.search(line)
            and not any(known in line for known in TOLERATED)]


def check_log(cmd: Command) -> None:
    """The whole log, from start to stop: the URL and how to stop, nothing alarming."""
    log = cmd.log()
    assert "Ctrl-C" in log, log[:2000]
    assert not alarming_lines(log), "\n".join(alarming_lines(log)) + f"\n\n{log[-4000:]}"


@pytest.mark.parametrize("edition", list(EDITIONS))
@pytest.mark.parametrize("route", list(ROUTES))
def test_make_lab_serves_the_notebooks(route, edition, browser, tmp_path):
    port = free_port()
    env = user_env(tmp_path / "home")
    runtime = Path(env["JUPYTER_RUNTIME_DIR"])
    folder = EDITIONS[edition]
    notebooks = sorted(path.name for path in (REPO / (folder or "notebooks")).glob("*.ipynb"))
    cmd = Command(f"make-lab-{edition}-{route}",
                  route_argv(route, "lab", "LAB_PORT", port, folder), env)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        # The server writes its URL and random token into the (private) runtime directory.
        def server_file():
            cmd.check_running()
            files = sorted(runtime.glob("jpserver-*.json"))
            return json.loads(files[0].read_text()) if files else None

        info = wait_until(server_file, START, lambda: f"no server file in {runtime}:\n"
                                                     f"{cmd.log()[-3000:]}")
        assert info["port"] == port, f"JupyterLab is on port {info['port']}, LAB_PORT={port}"
        base, token = f"http://127.0.0.1:{port}", info["token"]
        assert token, "the server should have a random token"
        wait_until(lambda: answers(f"{base}/api/status?token={token}"), START,
                   lambda: f"{base}/api/status does not answer:\n{cmd.log()[-3000:]}")
        listing = json.loads(get(f"{base}/api/contents?token={token}"))
        names = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
        assert names == notebooks, f"JupyterLab lists {names}, {folder} holds {notebooks}"
        page = get(f"{base}/lab?token={token}").decode()
        assert "<title>JupyterLab</title>" in page, page[:500]
        # --allow-root exactly when root (Jupyter refuses root without it, issue 7).
        log = cmd.log()
        assert ("--allow-root" in log) == (os.geteuid() == 0), log[-2000:]
        check_first_view(context, base, token, f"make-lab-{edition}-{route}")
        check_stopped(cmd, runtime, port)
        check_log(cmd)
    finally:
        context.close()
        cmd.kill()


def check_first_view(context, base: str, token: str, name: str) -> None:
    """What the browser make lab opens shows (the server's own address, a fresh workspace):
    00_overview.ipynb, no news toast, nothing requested from outside the server."""
    page = context.new_page()
    page.set_default_timeout(START * 1000)
    urls = record_requests(page)
    page.goto(f"{base}/?token={token}")  # the server sends it on to its default URL
    page.wait_for_url("**/lab/tree/00_overview.ipynb*")
    tab = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel",
                       has_text="00_overview.ipynb")
    tab.first.wait_for(state="visible")
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for(
        state="visible")
    # The toast would come once the application is restored and its settings loaded.
    page.wait_for_timeout(3000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert page.get_by_text("official Jupyter news").count() == 0, "the news toast shows"
    assert not leaving(urls), f"JupyterLab's page requested {leaving(urls)}"
    page.close()


PREHEAT_SECONDS = 20  # for a new pool kernel to start and run the app up to its last cell


@pytest.mark.parametrize("route", list(ROUTES))
def test_make_app_shows_the_playground(route, browser, tmp_path):
    port = free_port()
    env = user_env(tmp_path / "home")
    board_port = free_port()
    env["BOARD_PORT"], env["APP_STORE"] = str(board_port), str(tmp_path / "runs.sqlite")
    runtime = Path(env["JUPYTER_RUNTIME_DIR"])
    cmd = Command(f"make-app-{route}", route_argv(route, "app", "APP_PORT", port), env)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        base = f"http://127.0.0.1:{port}"
        assert f"open {base}/" in wait_until(
            lambda: cmd.check_running() or ("open http" in cmd.log() and cmd.log()), START,
            lambda: f"no URL announced:\n{cmd.log()[-3000:]}"), cmd.log()[-2000:]
        wait_until(lambda: cmd.check_running() or answers(f"{base}/voila/static/favicon.ico"),
                   START, lambda: f"Voila does not answer on {base}:\n{cmd.log()[-3000:]}")
        board = f"http://127.0.0.1:{board_port}"  # the class's board, its second server
        assert f"board (for the projector): {board}/" in cmd.log(), cmd.log()[-2000:]
        wait_until(lambda: cmd.check_running() or answers(f"{board}/voila/static/favicon.ico"),
                   START, lambda: f"the board does not answer:\n{cmd.log()[-3000:]}")
        page = context.new_page()
        page.set_default_timeout(WIDGETS * 1000)
        urls = record_requests(page)
        page.goto(f"{base}/")  # no token: what the students open
        root = page.locator(".bp-playground").first
        root.wait_for(state="visible")
        for label in ("learning rate", "hidden units"):
            slider = root.locator(".widget-slider").filter(
                has=page.locator(".widget-label").get_by_text(label, exact=True))
            slider.locator(".noUi-handle").first.wait_for(state="visible")
        status = root.locator(".bp-status").first
        wait_until(lambda: status.inner_text().strip().startswith(("finished", "error")),
                   WIDGETS, lambda: f"status {status.inner_text()!r}")
        assert status.inner_text().startswith("finished"), status.inner_text()
        root.locator("img").first.wait_for(state="visible")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"make-app-{route}.png"), full_page=True)
        assert not leaving(urls), f"the app's page requested {leaving(urls)}"
        # A teacher's link with settings, opened while a preheated kernel waits: the page
        # shows the run the link asks for and nothing trained before the link was known.
        preset = context.new_page()
        preset.set_default_timeout(WIDGETS * 1000)
        preset_urls = record_requests(preset)
        preset.goto(f"{base}/?lr=0.01&hidden=30&epochs=5")
        preset_root = preset.locator(".bp-playground").first
        preset_status = preset_root.locator(".bp-status").first
        wait_until(lambda: "finished: learning rate 0.01, hidden units 30, 5 epochs"
                   in preset_status.inner_text(), WIDGETS,
                   lambda: f"preset link: status {preset_status.inner_text()!r}")
        curves = preset_root.locator(".bp-plots").first.get_attribute("class").split()
        assert "bp-earlier-runs-0" in curves, f"a faded run behind the preset's: {curves}"
        assert not leaving(preset_urls), f"the preset page requested {leaving(preset_urls)}"
        # Each page took a preheated kernel and Voila started one more: let the last one start
        # and preheat, so that the stop below meets the pool at rest, as a teacher's would.
        wait_until(lambda: cmd.log().count("is filled with") >= 3, START,
                   lambda: f"Voila's kernel pool not refilled:\n{cmd.log()[-2000:]}")
        time.sleep(PREHEAT_SECONDS)
        cmd.note_descendants()  # the pages' kernels, before closing the pages may end them
        preset.close()
        page.close()
        check_stopped(cmd, runtime, port)
        assert port_free(board_port), f"the board's port {board_port} still answers"
        # Voila keeps the kernels' connection files in a temporary folder of its own.
        folders = re.findall(r"Storing connection files in (\S+?)\.?$", cmd.log(), re.M)
        assert all(not Path(folder).exists() for folder in folders), folders
        check_log(cmd)
    finally:
        context.close()
        cmd.kill()
