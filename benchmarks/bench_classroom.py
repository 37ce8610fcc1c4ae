"""A classroom on one machine: N students on one `make app` server move the learning rate.

    python benchmarks/bench_classroom.py                  # N = 1, 4, 8, 16 at once; 40 staggered
    python benchmarks/bench_classroom.py --students 16 --staggered --rounds 1
    python benchmarks/bench_classroom.py --smoke          # N = 2, one round: does it still run?

For each classroom it starts the Voila app as `make app` does (``app/playground.ipynb`` with
the classroom settings of ``app/voila.json``) on 127.0.0.1 with a random token, and N student
sessions, each doing what a browser does, at the protocol level (``classroom_student.py``'s
``Student``):

1. ``GET /?seed=S`` (Voila starts a kernel and runs the notebook: the playground, autostarted
   with the seed of the address, so that students' settings differ as they do in a class);
2. opens the kernel's websocket and asks for the widgets' state over the
   ``jupyter.widget.control`` comm, as the page's widget manager does, and finds the
   playground's own learning-rate slider, status line and curves by their stable classes
   (``bp-playground-lr``, ``-status``, ``-curve-loss``, ``-curve-accuracy``): the page has other
   learning-rate sliders and pictures (draw a digit), and a missing class stops the benchmark
   with its name instead of a time-out;
3. waits until its first (autostarted) run has finished;
4. then, in each round, moves the learning-rate slider one step down (a comm ``update``, the
   message a slider sends when let go), and times what comes back: the first picture of the
   new run, and the status line saying ``finished`` with the last picture after it.

Two kinds of classroom:

- **at once** (default for N = 1, 4, 8, 16): all N students move at the same moment, each to
  settings nobody has run (every student has a seed of their own): the worst case;
- **staggered** (N = 40): the moves are spread at random over ``--spread`` seconds (30 s: a
  teacher says "pick a learning rate"), and a share of the students (``--repeat-share``,
  25 %) ask for settings another student asks for too (the default seed and the same
  learning rate): the first of them trains it, the others are served by the app's run store
  when it has one (a replay, "from the class's runs" in the status), else they train it too.
  Replays are timed apart from live runs.

Why protocol-level clients and not N headless browsers: in a classroom each browser runs on
the student's own device; N Chromium instances on this 2-core server would take CPU from the
server being measured. The server's work is identical either way (the same comm messages, the
same PNGs down the same websockets); decoding and painting a PNG happens on the student's
device. ``--browser R`` times R key presses in one real Chromium for comparison.

Printed for each classroom, beside the reference measured just before it in the same process
tree (the same run trained alone in a fresh process, as the notebooks train it with all 10000
validation images, and as the playground trains it, measuring 1000 training and 2000 validation
images while it runs and all of them at the end): page load to widgets ready; medians and 95th
percentiles over all students and rounds of the move to the first epoch drawn and to the run
finished and drawn; replays; the server's CPU per move (Voila and the students' kernels, from
/proc) beside the training's own CPU; memory per kernel (PSS from /proc/PID/smaps_rollup, so
pages shared between kernels count once); this client's own CPU; the load average before and
after.
Linux only.
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
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))
import find_browser  # noqa: E402  (scripts/: the browser that make test uses)
import tasks  # noqa: E402  (scripts/: make app's command and environment)
from browser_helpers import CHROMIUM_ARGS, Server, free_port, isolated_env  # noqa: E402
from classroom_student import Student  # noqa: E402  (benchmarks/)

APP = REPO / "app"
TICK = os.sysconf("SC_CLK_TCK")
SHARED_SEED, OWN_SEED = 0, 1000  # repeat students' seed; the others' is OWN_SEED + i


def round_lr(k: int) -> float:
    """The learning rate of round ``k``: one slider step (10 ** 0.1) further down from 0.5."""
    return 10 ** (-0.4 - 0.1 * k)


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


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


ALONE = """
import sys, time, numpy as np, backprop as bp
from backprop.widgets import live_splits
d = bp.load_mnist(n_test=0)
live_train, live_val = live_splits(d)
for _ in range(int(sys.argv[1])):
    for name, train_eval, val in (("all", None, d.val), ("live", live_train, live_val)):
        w, c, seen = time.perf_counter(), time.process_time(), []
        rng = np.random.default_rng(1)
        p, h = bp.train(bp.init_params([784, 110, 10], rng), d.train, val,
                        lr=float(sys.argv[2]), n_epochs=20, batch_size=10,
                        loss="cross_entropy", rng=rng, progress=False, inside=name == "live",
                        callback=lambda *a: seen.append(time.perf_counter()),
                        train_eval=train_eval)
        if name == "live":  # as the playground: its last epoch on all the images
            for split in (d.train, d.val):
                bp.evaluate(p, split.X, split.Y, split.y, "cross_entropy")
        print(name, seen[0] - w, time.perf_counter() - w, time.process_time() - c)
"""


def training_alone(repeats: int, lr: float) -> dict[str, dict[str, float]]:
    """The default run trained alone in a fresh process, as the notebooks train it ("all":
    all the images every epoch) and as the playground does ("live": 1000 training and 2000
    validation images while it runs, all at the end, and the inside recorded): medians of its
    first epoch, wall and CPU seconds."""
    out = subprocess.run([sys.executable, "-c", ALONE, str(repeats), repr(lr)],
                         capture_output=True, text=True, check=True).stdout
    rows: dict[str, list[list[float]]] = {"all": [], "live": []}
    for line in out.split("\n"):
        if line.strip():
            name, *values = line.split()
            rows[name].append([float(v) for v in values])
    return {name: dict(zip(("first", "wall", "cpu"), map(median, zip(*r, strict=True)),
                             strict=True))
            for name, r in rows.items()}


def roles(n: int, share: float) -> list[bool]:
    """Whether each student (in the order of their moves) asks for the shared settings: the
    first does (and trains them), then ``floor(n * share)`` others, spread evenly."""
    return [p == 0 or int((p + 1) * share) > int(p * share) for p in range(n)]


def start_app(name: str, tmp: Path, port: int, token: str, preheat: int | None,
              store: bool) -> tuple[Server, int]:
    """The app as make app serves it, in ``tmp``; returns the server and its preheated pool.

    make app's command (its page template, encrypted kernels), environment and classroom
    settings (a copy of app/voila.json), and a class's store of its own (``store``): each
    class starts with no runs.
    """
    app = tmp / "app"
    app.mkdir()
    shutil.copy(APP / "playground.ipynb", app)
    shutil.copy(APP / "voila.json", app)
    cmd = [sys.executable, "-m", "voila", *tasks.VOILA_ARGS, "--Voila.ip=127.0.0.1",
           f"--port={port}", f"--token={token}"]
    env = tasks.app_env(isolated_env(tmp / "h"))
    if store:
        env["BACKPROP_STORE"] = str(tmp / "class-runs.sqlite")
    if preheat is None:  # as app/voila.json says
        settings = json.loads((APP / "voila.json").read_text())["VoilaConfiguration"]
        preheat = settings.get("default_pool_size", 1) if settings.get("preheat_kernel") else 0
    else:
        cmd += [f"--VoilaConfiguration.preheat_kernel={bool(preheat)}",
                f"--VoilaConfiguration.default_pool_size={preheat}"]
    return Server(name, cmd, cwd=app, env=env), preheat


def classroom(n: int, preheat: int | None, arrival: float, rounds: int, staggered: bool,
              spread: float, share: float, store: bool = True) -> dict:
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    shared = roles(n, share) if staggered else [False] * n
    with tempfile.TemporaryDirectory() as tmp:
        server, preheat = start_app(f"voila-classroom-{n}", Path(tmp), port, token, preheat,
                                    store)
        students = [Student(base, token, SHARED_SEED if s else OWN_SEED + i)
                    for i, s in enumerate(shared)]
        try:
            server.wait_http(f"{base}/voila/static/favicon.ico?token={token}", 60)
            if preheat:  # let the pool fill, as it would before the class arrives
                time.sleep(5 + 4 * preheat)
            loads: list[float] = [0.0] * n
            errors: list[str] = []

            def arrive(i: int) -> None:
                time.sleep(i * arrival)
                try:
                    loads[i] = students[i].open()
                    students[i].wait_finished(600)
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
            rng = np.random.default_rng(21)
            moves: list[tuple[float | None, float | None, str, bool]] = []
            for k in range(rounds):
                settle(server.proc.pid)
                # When each student lets go of the slider (s after the round begins), in the
                # order of ``shared``: the first student asking for the shared settings first.
                offsets = np.sort(rng.uniform(0, spread, n)) if staggered else np.zeros(n)
                offsets -= offsets[0]
                t0 = time.perf_counter() + 0.2

                def move(s: Student, offset: float, lr: float = round_lr(k),
                         t0: float = t0) -> None:
                    time.sleep(max(0.0, t0 + offset - time.perf_counter()))
                    s.move(lr)

                threads = [threading.Thread(target=move, args=(s, o))
                           for s, o in zip(students, offsets, strict=True)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                deadline = time.monotonic() + 300
                while any(s.result()[1] is None for s in students):
                    if time.monotonic() > deadline:
                        late = [s.status for s in students if s.result()[1] is None]
                        raise TimeoutError(f"not every run finished within 300 s: {late[:3]}")
                    time.sleep(0.05)
                moves += [(*s.result(), sh) for s, sh in zip(students, shared, strict=True)]
            time.sleep(0.5)
            cpu = sum(cpu_seconds(p) for p in pids) - cpu0
            pool_cpu = sum(cpu_seconds(p) for p in others) - pool0
            me1 = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu = (me1.ru_utime + me1.ru_stime) - (me0.ru_utime + me0.ru_stime)
            memory = [memory_mb(p) for p in children(server.proc.pid)]
            live = [m for m in moves if m[2] == "live"]
            replays = [m for m in moves if m[2] == "replay"]
            followed = [m for m in moves if m[2] == "followed"]
            return {
                "n": n, "staggered": staggered, "spread": spread if staggered else 0.0,
                "rounds": rounds, "kernels": len(memory), "preheat": preheat,
                "load_before": load_before, "load_after": load(), "loads": loads,
                "first": [m[0] for m in live], "done": [m[1] for m in live],
                "asked_shared": sum(m[3] for m in moves) - rounds * any(shared),
                "replay_first": [m[0] for m in replays], "replay_done": [m[1] for m in replays],
                "followed_done": [m[1] for m in followed], "store": store,
                "address_missed": sum(s.address_missed for s in students),
                "cpu_per_move": cpu / len(moves), "client_cpu": client_cpu,
                "pool_cpu": pool_cpu, "pss": [m[0] for m in memory],
                "rss": [m[1] for m in memory], "server_pss": memory_mb(server.proc.pid)[0],
            }
        finally:
            for s in students:
                s.close()
            server.stop()


WATCH_JS = """() => {
    // Timestamps, in the page's clock, of the key press, each new picture and each status text.
    const status = document.querySelector('.bp-playground-status');
    const plot = document.querySelector('.bp-playground-curve-accuracy');
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
    """Key press -> first epoch drawn and -> finished, in Chromium on the Voila app (s)."""
    from playwright.sync_api import sync_playwright

    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    firsts, dones, alones = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        server, _ = start_app("voila-classroom-browser", Path(tmp), port, token, None, True)
        try:
            server.wait_http(f"{base}/voila/static/favicon.ico?token={token}", 60)
            with sync_playwright() as pw:
                found = find_browser.find()
                if found is None:
                    raise SystemExit(find_browser.how_to_get())
                browser = pw.chromium.launch(executable_path=found.path, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{base}/?token={token}", timeout=120_000)
                page.locator(".bp-playground-status").wait_for(timeout=120_000)
                page.wait_for_function("() => document.querySelector('.bp-playground-status')"
                                       ".innerText.startsWith('finished')", timeout=120_000)
                page.evaluate(WATCH_JS)
                handle = page.locator(".bp-playground-lr .noUi-handle")
                for i in range(repeats):
                    # the same moment's reference, as the playground trains
                    alones.append(training_alone(1, 0.5)["live"]["wall"])
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
                    complete = max([t for t, kind, _ in events if kind == "image"])
                    firsts.append((first - key) / 1000)
                    dones.append((max(seen, complete) - key) / 1000)
                browser.close()
        finally:
            server.stop()
    return {"first": firsts, "done": dones, "alone": alones}


def report(r: dict) -> None:
    a, b = r["alone"]["all"], r["alone"]["live"]
    how = (f"moves spread over {r['spread']:.0f} s, {r['asked_shared']} of the moves asked "
           f"for settings another student asked for" if r["staggered"] else "all at once")
    print(f"N = {r['n']:2d} students, {r['rounds']} round(s), {how} ({r['kernels']} kernels, "
          f"{r['preheat']} preheated); load before/after: {r['load_before']} / "
          f"{r['load_after']}")
    print(f"  reference, the same run trained alone: first epoch {b['first']:.2f} s, "
          f"{b['wall']:.2f} s wall, {b['cpu']:.2f} s CPU as the playground trains it "
          f"(1000 training and 2000 validation images, all at the end); {a['wall']:.2f} s "
          f"wall, {a['cpu']:.2f} s CPU with all of them every epoch")
    print(f"  page load to widgets ready:  median {median(r['loads']):.1f} s, "
          f"p95 {percentile(r['loads'], 95):.1f} s"
          + (f" ({r['address_missed']} page(s) started without the address's seed: set "
             f"by hand)" if r["address_missed"] else ""))
    first, done = r["first"], r["done"]
    print(f"  move -> first epoch drawn:   median {median(first):.2f} s, "
          f"p95 {percentile(first, 95):.2f} s, max {max(first, default=float('nan')):.2f} s "
          f"({len(first)} live runs; alone {b['first']:.2f} s)")
    print(f"  move -> finished and drawn:  median {median(done):.2f} s, "
          f"p95 {percentile(done, 95):.2f} s, max {max(done, default=float('nan')):.2f} s "
          f"(alone {b['wall']:.2f} s)")
    rd, fd = r["replay_done"], r["followed_done"]
    if rd:
        print(f"  replays (from the store):    {len(rd)}, move -> finished and drawn median "
              f"{median(rd):.2f} s, p95 {percentile(rd, 95):.2f} s, max {max(rd):.2f} s")
    else:
        print(f"  replays (from the store):    none{'' if r['store'] else ' (no store)'}")
    if fd:
        print(f"  followed another's run:      {len(fd)}, move -> finished and drawn median "
              f"{median(fd):.2f} s, max {max(fd):.2f} s (the same settings were training on "
              f"another page: trained once, shown on both)")
    print(f"  server CPU per move:         {r['cpu_per_move']:.2f} s = "
          f"{r['cpu_per_move'] / b['cpu']:.2f}x the training's own CPU ({b['cpu']:.2f} s); "
          f"Voila and the students' kernels (preheated pool meanwhile: {r['pool_cpu']:.2f} s)")
    print(f"  memory per kernel (PSS):     median {median(r['pss']):.0f} MB, "
          f"max {max(r['pss']):.0f} MB (RSS median {median(r['rss']):.0f} MB); "
          f"Voila server {r['server_pss']:.0f} MB")
    print(f"  this client's own CPU:       {r['client_cpu']:.2f} s for all {r['n']} students")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=None,
                        help="class sizes (default: 1 4 8 16 at once, then 40 staggered)")
    parser.add_argument("--staggered", action="store_true",
                        help="the --students classes move staggered (default: at once)")
    parser.add_argument("--rounds", type=int, default=2, help="slider moves per student")
    parser.add_argument("--spread", type=float, default=30.0,
                        help="seconds over which staggered moves are spread")
    parser.add_argument("--repeat-share", type=float, default=0.25,
                        help="share of staggered students asking for the shared settings")
    parser.add_argument("--preheat", type=int, default=None, metavar="K",
                        help="Voila's pool of preheated kernels (0: none); default: as in "
                             "app/voila.json")
    parser.add_argument("--arrival", type=float, default=0.25,
                        help="seconds between students opening the page")
    parser.add_argument("--no-store", action="store_true",
                        help="without the class's run store (every run trains)")
    parser.add_argument("--alone-repeats", type=int, default=3,
                        help="repeats of the reference before each classroom")
    parser.add_argument("--browser", type=int, default=0, metavar="R",
                        help="first, R slider moves in one headless Chromium (Playwright)")
    parser.add_argument("--smoke", action="store_true",
                        help="a quick check that it runs (make test): 2 students, staggered "
                             "over 2 s, one asking for the other's settings, one round")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    if args.smoke:
        plan = [(2, True)]
        args.rounds, args.spread, args.repeat_share, args.alone_repeats = 1, 2.0, 0.5, 1
        args.preheat = 0 if args.preheat is None else args.preheat
    elif args.students:
        plan = [(n, args.staggered) for n in args.students]
    else:
        plan = [(1, False), (4, False), (8, False), (16, False), (40, True)]
    print(f"load average at the start: {load()} ({os.cpu_count()} cores)")
    results: list[dict] = []
    if args.browser:
        b = browser_latency(args.browser)
        print(f"one student in Chromium (Voila, Playwright), {args.browser} moves; load {load()}")
        print(f"  key press -> first epoch drawn:  median {median(b['first']):.2f} s "
              f"(all: {', '.join(f'{x:.2f}' for x in b['first'])})")
        ref = median(b["alone"])
        print(f"  key press -> finished and drawn: median {median(b['done']):.2f} s "
              f"= {median(b['done']) / ref:.2f}x the training alone ({ref:.2f} s, "
              f"median of one run before each move)")
        results.append({"browser": b})
    for n, staggered in plan:
        alone = training_alone(args.alone_repeats, round_lr(0))  # this moment's reference
        r = classroom(n, args.preheat, args.arrival, args.rounds, staggered, args.spread,
                      args.repeat_share, store=not args.no_store)
        r["alone"] = alone
        results.append(r)
        report(r)
        if args.json:  # after each classroom: a long run that fails keeps what it measured
            args.json.write_text(json.dumps(results, indent=1))
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
