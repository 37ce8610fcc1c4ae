"""A classroom on one machine: N students on one `make app` server move the learning rate at once.

    python benchmarks/bench_classroom.py                    # N = 1, 4, 8, 16
    python benchmarks/bench_classroom.py --students 16 --preheat 4

For each N it starts the Voila app as `make app` does (``app/playground.ipynb`` with the
classroom settings of ``app/voila.json``) on 127.0.0.1 with a random token, and N student
sessions. Each session does what the browser does, at the protocol level:

1. ``GET /`` (Voila starts a kernel and runs the notebook: the playground, autostarted);
2. opens the kernel's websocket (``/api/kernels/<id>/channels``) and asks for the widgets'
   state over the ``jupyter.widget.control`` comm, as the widget manager of the page does;
3. waits until its first (autostarted) run has finished;
4. then all N sessions, released by one barrier, send the learning-rate slider's new value
   as a comm ``update`` message, exactly the message a slider sends when a student lets go
   of it, and time the messages that come back: the first picture (PNG) of the new run, and
   the status line saying ``finished`` with the picture after it.

Why protocol-level clients and not N headless browsers: in a classroom every student's
browser runs on the student's own device; N Chromium instances on this 2-core server would
take CPU from the server being measured and make the figures worse than a real classroom's,
not more realistic. What the server has to do is identical either way: it receives the same
comm messages and sends the same PNGs down the same websockets. The one part a client skips,
decoding and painting a ~40 KB PNG, happens on the student's device. The browser test
(tests/test_browser.py) and ``--browser`` below measure one real Chromium for comparison.

Printed for each N: page load to widgets ready; after the simultaneous move, the median and
95th percentile time to the first epoch drawn and to the run finished and drawn; the server's
CPU seconds per move (Voila and the students' kernels, from /proc/PID/stat; the preheated
pool's CPU in the same window is printed beside it) beside the CPU of the same training run
alone; the memory of each kernel after its runs (PSS from
/proc/PID/smaps_rollup, so pages shared between kernels count once); this client's own CPU;
and the load average. Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import websocket  # websocket-client, installed with jupyter_server
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))
import find_browser  # noqa: E402  (scripts/: the browser that make test uses)
from browser_helpers import CHROMIUM_ARGS, Server, free_port, isolated_env  # noqa: E402

APP = REPO / "app"
BIN = Path(sys.executable).parent
TICK = os.sysconf("SC_CLK_TCK")
PROTOCOL = "v1.kernel.websocket.jupyter.org"  # the kernel websocket protocol JupyterLab uses
NEW_LR = 10 ** -0.4  # the slider's next step down from the default 0.5 (log scale, step 0.1)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass
    return kids


def memory_mb(pid: int) -> tuple[float, float]:
    """(PSS, RSS) in MB from /proc/PID/smaps_rollup."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    kb = {k: int(v) for k, v in re.findall(r"^(Pss|Rss):\s+(\d+) kB", text, re.M)}
    return kb["Pss"] / 1024, kb["Rss"] / 1024


def kernel_id(pid: int) -> str | None:
    """The id of the kernel running as ``pid``, from its connection file's name."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmdline)
    return match.group(1) if match else None


def settle(pid: int, timeout: float = 120) -> None:
    """Wait until the server and its kernels use less than 5 % of a core over a second."""
    deadline = time.monotonic() + max(timeout, 2)
    while time.monotonic() < deadline:
        before = sum(cpu_seconds(p) for p in [pid, *children(pid)])
        time.sleep(1.0)
        if sum(cpu_seconds(p) for p in [pid, *children(pid)]) - before < 0.05:
            return


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


class Student:
    """One browser's worth of protocol: the page, the kernel's websocket, the widgets."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        self.session = uuid.uuid4().hex
        self.lock = threading.Lock()
        self.status = ""
        self.events: list[tuple[float, str, str]] = []  # (time, "status" | "image", status)
        self.states: dict | None = None
        self.error: str | None = None

    # -- the page -------------------------------------------------------------------------
    def open(self) -> float:
        """Load the page and connect; returns seconds until the widgets' state is known."""
        start = time.perf_counter()
        with urllib.request.urlopen(f"{self.base}/?token={self.token}", timeout=300) as page:
            text = page.read().decode()
        self.kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', text).group(1)
        self.ws = websocket.create_connection(
            f"{self.base.replace('http', 'ws')}/api/kernels/{self.kernel_id}/channels"
            f"?session_id={self.session}&token={self.token}", timeout=300,
            subprotocols=[PROTOCOL])
        self.ws.settimeout(None)
        threading.Thread(target=self._receive, daemon=True).start()
        control = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                 "data": {}}, {"version": "1.0.0"})  # control protocol
        deadline, asked = time.monotonic() + 120, 0.0
        while self.states is None:
            if time.monotonic() > deadline:
                raise TimeoutError("no widget state from the kernel")
            # ask again now and then: the kernel may handle the request before the comm_open
            if time.monotonic() - asked > 1.0:
                self._send("comm_msg", {"comm_id": control,
                                        "data": {"method": "request_states"}})
                asked = time.monotonic()
            time.sleep(0.01)
        for model_id, model in self.states.items():
            state = model["state"]
            classes = state.get("_dom_classes", [])
            if "bp-plot" in classes:
                self.image_id = model_id
            elif "bp-status" in classes:
                self.status_id = model_id
                self.status = re.sub(r"<[^>]+>", "", state["value"])
            elif state.get("description") == "learning rate":
                self.lr_id = model_id
        return time.perf_counter() - start

    def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        msg = {"header": {"msg_id": uuid.uuid4().hex, "username": "student",
                          "session": self.session, "msg_type": msg_type, "version": "5.3",
                          "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
               "parent_header": {}, "metadata": metadata or {}, "content": content}
        frame = serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode())
        self.ws.send(frame, opcode=websocket.ABNF.OPCODE_BINARY)

    def _receive(self) -> None:
        try:
            while True:
                frame = self.ws.recv()
                now = time.perf_counter()
                channel, parts = deserialize_msg_from_ws_v1(frame)
                if channel != "iopub" or json.loads(parts[0])["msg_type"] != "comm_msg":
                    continue
                msg = {"content": json.loads(parts[3]), "buffers": parts[4:]}
                data = msg["content"]["data"]
                comm_id = msg["content"]["comm_id"]
                if data.get("method") == "update_states":
                    self.states = data["states"]
                elif data.get("method") == "update" and self.states is not None:
                    state = data.get("state", {})
                    with self.lock:
                        if comm_id == self.status_id and "value" in state:
                            self.status = re.sub(r"<[^>]+>", "", state["value"])
                            self.events.append((now, "status", self.status))
                        elif comm_id == self.image_id and "value" in data.get("buffer_paths",
                                                                            [[]])[0]:
                            self.events.append((now, "image", self.status))
        except (websocket.WebSocketConnectionClosedException, OSError):
            pass
        except Exception as exc:  # noqa: BLE001 - reported with the results
            self.error = repr(exc)

    # -- what the student does -------------------------------------------------------------
    def wait_finished(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.status.startswith(("finished", "error")):
            if time.monotonic() > deadline:
                raise TimeoutError(f"status still {self.status!r}")
            time.sleep(0.05)

    def move(self) -> None:
        with self.lock:
            self.moved_at = time.perf_counter()
            self.events.clear()
        self._send("comm_msg", {"comm_id": self.lr_id, "data": {
            "method": "update", "state": {"value": NEW_LR}, "buffer_paths": []}})

    def result(self) -> tuple[float | None, float | None]:
        """Seconds from the move to the first picture of the new run, and to finished+drawn.

        "Finished and drawn": the status line says finished and a picture of every epoch has
        arrived (the panel sends no new picture when the last one already showed them all).
        """
        first = finished = complete = None
        for t, kind, status in self.events:
            if kind == "image" and first is None and "epoch" in status:
                first = t - self.moved_at
            if kind == "status" and status.startswith("finished") and finished is None:
                finished = t - self.moved_at
            if kind == "image" and complete is None and (
                    status.startswith("finished") or re.search(r"epoch (\d+)/\1\b", status)):
                complete = t - self.moved_at
        if finished is None or complete is None:
            return first, None
        return first, max(finished, complete)

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass


def training_alone_cpu(repeats: int = 3) -> tuple[float, float]:
    """Wall and CPU seconds of the default run, no widgets, in a fresh process (medians)."""
    code = ("import sys, time, numpy as np, backprop as bp\n"
            "d = bp.load_mnist(n_test=0)\n"
            "for _ in range(int(sys.argv[1])):\n"
            "    w, c = time.perf_counter(), time.process_time()\n"
            "    rng = np.random.default_rng(0)\n"
            "    bp.train(bp.init_params([784, 110, 10], rng), d.train, d.val,\n"
            "             lr=float(sys.argv[2]), n_epochs=20, batch_size=10,\n"
            "             loss='cross_entropy', rng=rng, progress=False)\n"
            "    print(time.perf_counter() - w, time.process_time() - c)\n")
    out = subprocess.run([sys.executable, "-c", code, str(repeats), repr(NEW_LR)],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    rows = [tuple(map(float, line.split())) for line in out if line.strip()]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)


def classroom(n: int, preheat: int | None, stagger: float) -> dict:
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "app"
        app.mkdir()
        shutil.copy(APP / "playground.ipynb", app)
        shutil.copy(APP / "voila.json", app)
        cmd = [str(BIN / "voila"), "playground.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", f"--token={token}"]
        if preheat is None:  # as app/voila.json says
            settings = json.loads((APP / "voila.json").read_text())["VoilaConfiguration"]
            preheat = settings.get("default_pool_size", 1) if settings.get("preheat_kernel") else 0
        else:
            cmd += [f"--VoilaConfiguration.preheat_kernel={bool(preheat)}",
                    f"--VoilaConfiguration.default_pool_size={preheat}"]
        server = Server(f"voila-classroom-{n}", cmd, cwd=app, env=isolated_env(Path(tmp) / "h"))
        students = [Student(base, token) for _ in range(n)]
        try:
            server.wait_http(f"{base}/voila/static/favicon.ico?token={token}", 60)
            if preheat:  # let the pool fill, as it would before the class arrives
                time.sleep(5 + 4 * preheat)
            loads: list[float] = [0.0] * n
            errors: list[str] = []

            def arrive(i: int) -> None:
                time.sleep(i * stagger)
                try:
                    loads[i] = students[i].open()
                    students[i].wait_finished(300)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"student {i}: {exc!r}")

            threads = [threading.Thread(target=arrive, args=(i,)) for i in range(n)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if errors:
                raise RuntimeError("; ".join(errors))
            # Students move sliders once the page has settled: the autostarted runs have
            # ended and Voila has refilled its pool of preheated kernels.
            settle(server.proc.pid)
            kernels = children(server.proc.pid)
            ids = {s.kernel_id for s in students}
            mine = [k for k in kernels if kernel_id(k) in ids]  # not the preheated pool's
            pids = [server.proc.pid, *mine]
            others = [k for k in kernels if k not in mine]
            load_before = load()
            cpu0 = sum(cpu_seconds(p) for p in pids)
            pool0 = sum(cpu_seconds(p) for p in others)
            me0 = resource.getrusage(resource.RUSAGE_SELF)
            barrier = threading.Barrier(n)

            def move(s: Student) -> None:
                barrier.wait()
                s.move()

            threads = [threading.Thread(target=move, args=(s,)) for s in students]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            deadline = time.monotonic() + 300
            while any(s.result()[1] is None for s in students):
                if time.monotonic() > deadline:
                    raise TimeoutError("not every run finished within 300 s")
                time.sleep(0.05)
            time.sleep(0.5)
            cpu = sum(cpu_seconds(p) for p in pids) - cpu0
            pool_cpu = sum(cpu_seconds(p) for p in others) - pool0
            me1 = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu = (me1.ru_utime + me1.ru_stime) - (me0.ru_utime + me0.ru_stime)
            memory = [memory_mb(p) for p in kernels]
            results = [s.result() for s in students]
            return {
                "n": n, "kernels": len(kernels), "preheat": preheat, "load_before": load_before,
                "load_after": load(), "loads": loads,
                "first": [r[0] for r in results], "done": [r[1] for r in results],
                "cpu_per_move": cpu / n, "client_cpu": client_cpu, "pool_cpu": pool_cpu,
                "pss": [m[0] for m in memory], "rss": [m[1] for m in memory],
                "server_pss": memory_mb(server.proc.pid)[0],
            }
        finally:
            for s in students:
                s.close()
            server.stop()


WATCH_JS = """() => {
    // Timestamps, in the page's clock, of the key press, each new picture and each status text.
    const root = document.querySelector('.bp-playground');
    const status = root.querySelector('.bp-status');
    const plot = root.querySelector('img.bp-plot, .bp-plot img');
    window.__bp = {key: null, events: []};
    document.addEventListener('keydown', () => { window.__bp.key = performance.now(); },
                              {capture: true});
    new MutationObserver(() => window.__bp.events.push(
        [performance.now(), 'image', status.innerText])).observe(plot, {attributes: true});
    new MutationObserver(() => window.__bp.events.push(
        [performance.now(), 'status', status.innerText])).observe(
        status, {childList: true, subtree: true, characterData: true});
}"""


def browser_latency(repeats: int) -> dict:
    """Slider -> first epoch drawn and -> finished, in Chromium on the Voila app (seconds)."""
    from playwright.sync_api import sync_playwright

    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    firsts, dones, alones = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "app"
        app.mkdir()
        shutil.copy(APP / "playground.ipynb", app)
        shutil.copy(APP / "voila.json", app)
        server = Server("voila-classroom-browser",
                        [str(BIN / "voila"), "playground.ipynb", "--no-browser", f"--port={port}",
                         "--Voila.ip=127.0.0.1", f"--token={token}"],
                        cwd=app, env=isolated_env(Path(tmp) / "h"))
        try:
            server.wait_http(f"{base}/voila/static/favicon.ico?token={token}", 60)
            with sync_playwright() as pw:
                found = find_browser.find()
                if found is None:
                    raise SystemExit(find_browser.how_to_get())
                browser = pw.chromium.launch(executable_path=found.path, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{base}/?token={token}", timeout=120_000)
                status = page.locator(".bp-playground .bp-status").first
                status.wait_for(timeout=120_000)
                page.wait_for_function("() => document.querySelector('.bp-playground "
                                       ".bp-status').innerText.startsWith('finished')",
                                       timeout=120_000)
                page.evaluate(WATCH_JS)
                handle = page.locator(".bp-playground .widget-slider").filter(
                    has=page.get_by_text("learning rate", exact=True)).locator(
                    ".noUi-handle").first
                for i in range(repeats):
                    alones.append(training_alone_cpu(repeats=1))  # same moment's reference
                    settle(server.proc.pid)
                    page.evaluate("() => { window.__bp.events = []; }")
                    handle.focus()
                    handle.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
                    page.wait_for_function(
                        "() => window.__bp.events.some(e => e[1] === 'status' && "
                        "e[2].startsWith('finished')) && window.__bp.events.length > 2",
                        timeout=120_000)
                    time.sleep(0.3)  # the picture follows its status line
                    key, events = page.evaluate("() => [window.__bp.key, window.__bp.events]")
                    first = next(t for t, kind, text in events
                                 if kind == "image" and "epoch" in text)
                    seen = next(t for t, kind, text in events
                                if kind == "status" and text.startswith("finished"))
                    complete = next(t for t, kind, text in events if kind == "image" and (
                        text.startswith("finished") or re.search(r"epoch (\d+)/\1\b", text)))
                    done = max(seen, complete)
                    firsts.append((first - key) / 1000)
                    dones.append((done - key) / 1000)
                browser.close()
        finally:
            server.stop()
    return {"first": firsts, "done": dones, "alone": [a[0] for a in alones]}


def report(r: dict, alone: tuple[float, float]) -> None:
    first, done = r["first"], r["done"]
    print(f"N = {r['n']:2d} students ({r['kernels']} kernels, {r['preheat']} preheated), "
          f"load before/after the move: "
          f"{r['load_before']} / {r['load_after']}")
    print(f"  page load to widgets ready:  median {statistics.median(r['loads']):.1f} s, "
          f"p95 {percentile(r['loads'], 95):.1f} s")
    print(f"  move -> first epoch drawn:   median {statistics.median(first):.2f} s, "
          f"p95 {percentile(first, 95):.2f} s, max {max(first):.2f} s")
    print(f"  move -> finished and drawn:  median {statistics.median(done):.2f} s, "
          f"p95 {percentile(done, 95):.2f} s, max {max(done):.2f} s "
          f"(training alone, one run: {alone[0]:.2f} s)")
    print(f"  server CPU per move:         {r['cpu_per_move']:.2f} s = "
          f"{r['cpu_per_move'] / alone[1]:.2f}x the training's own CPU ({alone[1]:.2f} s); "
          f"Voila and the students' kernels (preheated pool meanwhile: {r['pool_cpu']:.2f} s)")
    print(f"  memory per kernel (PSS):     median {statistics.median(r['pss']):.0f} MB, "
          f"max {max(r['pss']):.0f} MB (RSS median {statistics.median(r['rss']):.0f} MB); "
          f"Voila server {r['server_pss']:.0f} MB")
    print(f"  this client's own CPU:       {r['client_cpu']:.2f} s for all {r['n']} students")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--preheat", type=int, default=None, metavar="K",
                        help="Voila's pool of preheated kernels (0: none); default: as in "
                             "app/voila.json")
    parser.add_argument("--stagger", type=float, default=0.25,
                        help="seconds between students opening the page")
    parser.add_argument("--browser", type=int, default=0, metavar="R",
                        help="first, R slider moves in one headless Chromium (Playwright)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    print(f"load average at the start: {load()} ({os.cpu_count()} cores)")
    alone = training_alone_cpu()
    print(f"training alone (default run, 20 epochs, no widgets): {alone[0]:.2f} s wall, "
          f"{alone[1]:.2f} s CPU; load {load()}")
    results: list[dict] = []
    if args.browser:
        b = browser_latency(args.browser)
        print(f"one student in Chromium (Voila, Playwright), {args.browser} moves; load {load()}")
        print(f"  key press -> first epoch drawn:  median {statistics.median(b['first']):.2f} s "
              f"(all: {', '.join(f'{x:.2f}' for x in b['first'])})")
        ref = statistics.median(b["alone"])
        print(f"  key press -> finished and drawn: median {statistics.median(b['done']):.2f} s "
              f"= {statistics.median(b['done']) / ref:.2f}x the training alone ({ref:.2f} s, "
              f"median of one run before each move)")
        results.append({"browser": b})
    for n in args.students:
        alone = training_alone_cpu()  # the reference again, in this moment's conditions
        r = classroom(n, args.preheat, args.stagger)
        r["alone"] = alone
        results.append(r)
        report(r, alone)
    if args.json:
        args.json.write_text(json.dumps({"alone": alone, "results": results}, indent=1))


if __name__ == "__main__":
    main()
