"""Latency and cost of the playground, beside the training it shows, in one process.

    python benchmarks/bench_widgets.py [--repeats 7] [--smoke]

Runs the real panel in this process (no browser, no kernel): it sets the learning-rate
slider's value as a front end would and reads the times at which the panel sent its pictures
(``run.frames``). Default settings: 784-110-10 on 3000 training images (10000 validation),
20 epochs, batch 10, cross-entropy. Each repeat also runs the same training alone
(``backprop.train`` with no callback, same settings, validated as the panel validates a
live run: on 2000 images after each epoch, on all 10000 at the end), alternating with the
panel, so both see the same machine. Prints medians over the repeats:

- slider change -> first epoch drawn (target <= 0.3 s);
- slider change -> run finished and drawn, and its ratio to the training alone (<= 1.3x);
- CPU seconds of the whole process per move, and its ratio to the training's own CPU
  (<= 1.5x); CPU is ``time.process_time()``, all threads;
- the cost of one picture: a full draw and a blit (lines only), PNG included;
- the same slider moves with the playground's inside view on (issue 11: weights, outputs,
  gradient sizes and saturation redrawn as it trains, ``train(inside=True)``), beside the
  same training alone, and the cost of one inside picture;
- one blitted inside picture and one digit reading sent whole (one PNG) and cut into the
  pieces a phone lays out (what the widgets send: 4 and 3 PNGs);
- draw a digit: from a stroke's arrival in the kernel to the new picture sent (PNG decode,
  MNIST-style preparation, forward pass, blitted picture; target < 100 ms), beside the
  preparation and forward pass alone; the browser adds its message round trip;
- with ``--browser N``: draw a digit in the Voila app (as ``make app`` serves it) in headless
  Chromium, N strokes: from the mouse button's release to the new picture's ``src`` in the
  page, in the page's own clock (the whole path: canvas PNG, message, kernel, picture back);
- ``uptime``'s load average before and after, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import backprop as bp
from backprop import figures, widgets

SETTINGS = dict(hidden=110, n_epochs=20, batch_size=10, loss="cross_entropy", seed=0)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def train_alone(data, lr: float) -> tuple[float, float]:
    """Wall and CPU seconds of the same run as the panel's, without callback or drawing.

    As the panel trains it: measured on its live subsets after each epoch
    (:func:`backprop.widgets.live_splits`) and on all the images at the end.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    rng = np.random.default_rng(SETTINGS["seed"])
    params = bp.init_params([784, SETTINGS["hidden"], 10], rng)
    live_train, live_val = widgets.live_splits(data)
    params, _ = bp.train(params, data.train, live_val, lr=lr, n_epochs=SETTINGS["n_epochs"],
                         batch_size=SETTINGS["batch_size"], loss=SETTINGS["loss"], rng=rng,
                         progress=False, train_eval=live_train)
    for split in (data.train, data.val):
        bp.evaluate(params, split.X, split.Y, split.y, SETTINGS["loss"])
    return time.perf_counter() - wall, time.process_time() - cpu


def one_move(panel, lr: float) -> tuple[float, float, float]:
    """(first epoch drawn, finished and drawn, CPU) in seconds after the slider moves."""
    cpu, start = time.process_time(), time.perf_counter()
    panel.controls["lr"].value = lr
    panel.wait()
    done = time.perf_counter()  # the worker ends right after its last status and picture
    cpu = time.process_time() - cpu
    run = panel.runs[-1]
    assert run.outcome == "finished", run.outcome
    return run.frames[0] - start, done - start, cpu


def picture_costs() -> tuple[float, float]:
    """Median CPU seconds of a full draw and of a blit, both PNGs (loss, accuracy) included."""
    curves = figures.LiveCurves()
    full, blit = [], []
    history = {k: [] for k in ("train_loss", "train_acc", "val_loss", "val_acc")}
    for i in range(20):
        for k, v in (("train_loss", 2.3 / (i + 1)), ("val_loss", 2.4 / (i + 1)),
                     ("train_acc", 1 - 0.5 / (i + 1)), ("val_acc", 0.9 - 0.4 / (i + 1))):
            history[k].append(v)
        before = curves.full_draws
        cpu = time.process_time()
        curves.pngs(history, [], 20)
        (full if curves.full_draws > before else blit).append(time.process_time() - cpu)
    for _ in range(5):
        cpu = time.process_time()
        curves._frame = None  # force a full draw
        curves.pngs(history, [], 20)
        full.append(time.process_time() - cpu)
    return statistics.median(full), statistics.median(blit)


def inside_picture_costs(data) -> tuple[float, float]:
    """Median CPU seconds of a full draw and of a blit of the inside view, its four PNGs and
    the forward pass for the outputs it shows (as the playground sends them) included."""
    view = figures.InsideView(data.val.X[:5], data.val.y[:5])
    rng = np.random.default_rng(0)
    params = bp.init_params([784, SETTINGS["hidden"], 10], rng)
    history = {"grad_W1": [], "grad_W2": [], "saturated_1": [], "saturated_2": []}
    full, blit = [], []
    for i in range(20):
        for key in history:
            history[key].append(0.01 / (i + 1) if key.startswith("grad") else 0.3)
        params["W1"] += 0.001
        before = view.full_draws
        cpu = time.process_time()
        # the outputs as the playground computes them for each picture, then the picture
        view.pngs(params, history, bp.forward(params, data.val.X[:5])[0], 20, 0.5,
                  f"epoch {i + 1}")
        (full if view.full_draws > before else blit).append(time.process_time() - cpu)
    return statistics.median(full), statistics.median(blit)


def piece_costs(data, repeats: int = 30) -> dict[str, tuple[float, float]]:
    """Median CPU seconds of one blitted picture sent whole (one PNG) and cut into the pieces
    a phone lays out (what the widgets send), for the inside view and the digit reading."""
    rng = np.random.default_rng(0)
    params = bp.init_params([784, SETTINGS["hidden"], 10], rng)
    history = {"grad_W1": [0.01], "grad_W2": [0.02], "saturated_1": [0.3],
               "saturated_2": [0.5]}
    inside = figures.InsideView(data.val.X[:5], data.val.y[:5])
    reading = figures.DigitReading(SETTINGS["hidden"])
    x, y_hat, hidden = data.val.X[0], np.full(10, 0.1), np.full(SETTINGS["hidden"], 0.5)
    outputs = bp.forward(params, data.val.X[:5])[0]
    calls = {"inside view": (lambda: inside.png(params, history, outputs, 20, 0.5),
                             lambda: inside.pngs(params, history, outputs, 20, 0.5)),
             "digit reading": (lambda: reading.png(x, y_hat, hidden),
                               lambda: reading.pngs(x, y_hat, hidden))}
    out = {}
    for name, (whole, pieces) in calls.items():
        whole(), pieces()  # the full draw, once
        times: tuple[list, list] = ([], [])
        for _ in range(repeats):
            for kind, call in enumerate((whole, pieces)):
                cpu = time.process_time()
                call()
                times[kind].append(time.process_time() - cpu)
        out[name] = (statistics.median(times[0]), statistics.median(times[1]))
    return out


def _stroke_png(image: np.ndarray) -> str:
    """A 280x280 drawing of a 28x28 digit, as the canvas sends it (alpha = ink)."""
    from PIL import Image

    big = np.asarray(Image.fromarray(image.reshape(28, 28), mode="F").resize(
        (280, 280), Image.Resampling.BILINEAR)).clip(0, 1)
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)
    rgba[..., 3] = np.round(big * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def draw_latency(data, repeats: int) -> tuple[float, float]:
    """Median wall seconds: stroke -> picture sent, and the preparation + forward alone."""
    from backprop.digits import ink_from_png, mnist_style

    rng = np.random.default_rng(0)
    params, _ = bp.train(bp.init_params([784, SETTINGS["hidden"], 10], rng), data.train,
                         None, lr=0.5, n_epochs=5, loss="cross_entropy", rng=rng,
                         progress=False)
    panel = widgets.draw_digit(params)
    strokes = [_stroke_png(x) for x in data.val.X[:repeats + 2]]
    panel.canvas.png = strokes[-1]
    panel.canvas.strokes += 1  # warm up
    whole, alone = [], []
    for url in strokes[:repeats]:
        panel.canvas.png = url
        panel.canvas.strokes += 1  # what the canvas does at the end of a stroke
        whole.append(panel.latency)
        start = time.perf_counter()
        bp.forward(params, mnist_style(ink_from_png(url))[None])
        alone.append(time.perf_counter() - start)
    return statistics.median(whole), statistics.median(alone)


def browser_draw_latency(strokes: int) -> list[float]:
    """Milliseconds from mouse up to the reading picture's new ``src``, in the Voila app."""
    repo = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(repo / "tests"), str(repo / "scripts")]
    import find_browser
    from browser_helpers import CHROMIUM_ARGS, Server, free_port, isolated_env
    from playwright.sync_api import sync_playwright

    found = find_browser.find()
    if found is None:
        raise SystemExit(find_browser.how_to_get())
    tmp = Path(tempfile.mkdtemp())
    app = tmp / "app"
    app.mkdir()
    for name in ("playground.ipynb", "voila.json"):
        shutil.copy(repo / "app" / name, app)
    port, token = free_port(), secrets.token_hex(8)
    cmd = [str(Path(sys.executable).parent / "voila"), "playground.ipynb", "--no-browser",
           f"--port={port}", "--Voila.ip=127.0.0.1", f"--token={token}"]
    server = Server("bench-voila-draw", cmd, cwd=app, env=isolated_env(tmp / "home"))
    try:
        base = f"http://127.0.0.1:{port}"
        server.wait_http(f"{base}/voila/static/favicon.ico?token={token}", 60)
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=found.path, args=CHROMIUM_ARGS)
            page = chromium.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"{base}/?token={token}", timeout=90_000)
            status = page.locator(".bp-playground .bp-status").first
            status.wait_for(timeout=90_000)
            while not status.inner_text().startswith("finished"):  # its network is used
                time.sleep(0.2)
            canvas = page.locator("canvas.bp-digit-canvas").first
            canvas.scroll_into_view_if_needed()
            page.evaluate("""() => { window.__src = [];
                // the outputs: the last of the reading's three pictures that the kernel sets
                const img = [...document.querySelectorAll('img.bp-draw-reading')].at(-1);
                new MutationObserver(() => window.__src.push(performance.now()))
                  .observe(img, {attributes: true, attributeFilter: ['src']}); }""")
            box = canvas.bounding_box()
            latencies = []
            for i in range(strokes):
                page.locator("button", has_text="Clear").first.click()
                time.sleep(0.8)
                x, y = box["x"] + 60 + 5 * i, box["y"] + 60
                page.mouse.move(x, y)
                page.mouse.down()
                page.mouse.move(x + 150, y, steps=5)
                page.mouse.move(x + 60, y + 170, steps=5)
                seen = page.evaluate("() => window.__src.length")
                released = page.evaluate("() => performance.now()")
                page.mouse.up()
                deadline = time.monotonic() + 10
                while (page.evaluate("() => window.__src.length") == seen
                       and time.monotonic() < deadline):
                    time.sleep(0.005)
                latencies.append(page.evaluate("() => window.__src.at(-1)") - released)
            chromium.close()
    finally:
        server.stop()
    return latencies


def moves(panel, data, repeats: int) -> list[tuple]:
    rows = []
    for i, lr in enumerate(np.linspace(0.2, 0.8, repeats)):
        lr = float(np.round(lr, 3))
        if i % 2:  # alternate the order so neither always runs first
            rows.append((*one_move(panel, lr), *train_alone(data, lr)))
        else:
            alone = train_alone(data, lr)
            rows.append((*one_move(panel, lr), *alone))
    return rows


def report(label: str, rows: list[tuple], repeats: int) -> None:
    first, done, cpu, t_wall, t_cpu = (statistics.median(col) for col in zip(*rows, strict=True))
    print(f"{label}: medians over {repeats} slider moves (default run: "
          f"{SETTINGS['n_epochs']} epochs, batch {SETTINGS['batch_size']}):")
    print(f"  training alone (train, no callback):   {t_wall:.2f} s wall, {t_cpu:.2f} s CPU")
    print(f"  slider -> first epoch drawn:          {1e3 * first:.0f} ms   (target <= 300 ms)")
    print(f"  slider -> finished and drawn:          {done:.2f} s = {done / t_wall:.2f}x the "
          f"training alone (target <= 1.3x)")
    print(f"  CPU per slider move (all threads):     {cpu:.2f} s = {cpu / t_cpu:.2f}x the "
          f"training's CPU (target <= 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--smoke", action="store_true",
                        help="one repeat of 2-epoch runs: checks that the benchmark runs (make "
                             "test), its figures mean nothing")
    parser.add_argument("--browser", type=int, default=0, metavar="N",
                        help="also draw N strokes in the Voila app in headless Chromium")
    args = parser.parse_args()
    if args.smoke:
        SETTINGS["n_epochs"], args.repeats = 2, 1
    print(f"load average before: {load()}  ({os.cpu_count()} cores)")
    data = bp.load_mnist(n_test=0)
    panel = widgets.playground(data, lr=0.5, **SETTINGS)
    train_alone(data, 0.5)  # warm up: caches, BLAS, the figure's fonts
    one_move(panel, 0.45)
    rows = moves(panel, data, args.repeats)
    full, blit = picture_costs()
    frames = statistics.median(len(r.frames) for r in panel.runs[-args.repeats:])
    report("learning curves", rows, args.repeats)
    print(f"  pictures sent per run: {frames:.0f}; one picture: full draw {1e3 * full:.0f} ms "
          f"CPU, blit {1e3 * blit:.1f} ms CPU (PNG included)")

    inside = widgets.playground(data, lr=0.5, **SETTINGS)
    inside.inside.view.value = "inside the network"  # draws its background, starts a run
    inside.wait()
    one_move(inside, 0.45)  # warm up
    n_before = len(inside.runs)
    rows = moves(inside, data, args.repeats)
    assert all(r.inside for r in inside.runs[n_before:])
    full, blit = inside_picture_costs(data)
    frames = statistics.median(len(r.frames) for r in inside.runs[n_before:])
    report("inside view on", rows, args.repeats)
    print(f"  pictures sent per run: {frames:.0f}; one inside picture: full draw "
          f"{1e3 * full:.0f} ms CPU, blit {1e3 * blit:.1f} ms CPU (PNG included)")

    for name, (whole, pieces) in piece_costs(data).items():
        print(f"  {name}, one blitted picture: {1e3 * whole:.1f} ms CPU as one PNG, "
              f"{1e3 * pieces:.1f} ms CPU cut into the pieces a phone lays out")

    whole, alone = draw_latency(data, args.repeats)
    print(f"draw a digit, medians over {args.repeats} strokes: stroke -> picture sent "
          f"{1e3 * whole:.0f} ms (target < 100 ms); preparation + forward pass alone "
          f"{1e3 * alone:.1f} ms")
    if args.browser:
        ms = browser_draw_latency(args.browser)
        print(f"draw a digit in the browser (Voila app), {args.browser} strokes: mouse up -> "
              f"new picture in the page, median {statistics.median(ms):.0f} ms "
              f"(max {max(ms):.0f} ms; target < 100 ms)")
    print(f"load average after:  {load()}")

if __name__ == "__main__":
    main()
