"""How often would a real lecture hit the class's store? A simulation of a lecture's slider moves.

    python benchmarks/bench_replay_hits.py                 # 200 lectures each of 10-40 students
    python benchmarks/bench_replay_hits.py --run-seconds 3 --think 12
    python benchmarks/bench_replay_hits.py --smoke         # seconds: does it still run?

Nothing is trained: each request is a run's settings at a time. A request is a *replay* when a
run of the same identity (:func:`backprop.store.run_key`: settings, seed, data, code) finished
before it was asked, *follows* when one is training at that moment (the store's claim: it is
trained once), else it trains *live*. A live run is superseded (not kept) when its student
moves again before it ends. What is assumed (each an option):

* the sliders are the app's: learning rate on a log slider of 51 positions (1e-4 to 10, 0.1
  decade a step), hidden units 5 to 300 in steps of 5, starting at the default run
  (lr 0.5, 110 hidden, 20 epochs, batch 10, cross-entropy, seed 0);
* a lecture in the order TEACHING.md suggests: everyone opens the app (the default run);
  "everyone: pick a learning rate" (1 + Poisson(2) moves of that slider); "now the hidden
  units" (1 + Poisson(2) moves, their learning rate kept); then free play (1 + Poisson(4)
  moves: learning rate 50 %, hidden units 30 %, epochs 10 %, batch size 5 %, seed 5 %);
* a move is an arrow key (40 %: 1 to 3 slider steps from where it is) or a drag (60 %: a
  position drawn around the default, 0.7 decade wide for the learning rate, 60 units for the
  hidden units; people also favour round values: 30 % of drags land on 1e-3, 1e-2, 0.1, 1 or
  50, 100, 150, 200, 300);
* students start each phase within its first 20 s and think ``--think`` s (exponential) between
  moves; a live run takes ``--run-seconds`` (6 s: 20 epochs on a busy 2-core server).
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout too

from backprop.settings import DEFAULT_RUN  # noqa: E402
from backprop.store import run_key  # noqa: E402

LR_POSITIONS = np.round(np.arange(-40, 11) / 10, 1)  # exponents of the log slider
HIDDEN = np.arange(5, 301, 5)
ROUND_LR = (-3.0, -2.0, -1.0, 0.0)
ROUND_HIDDEN = (50, 100, 150, 200, 300)
EPOCHS = (5, 10, 20, 30, 50)
BATCHES = (1, 5, 10, 20, 50, 100)


def move(cfg: dict, what: str, rng: np.random.Generator, uniform: bool = False) -> dict:
    """One slider move of ``what`` from ``cfg``: an arrow key or a drag (``uniform``: a drag
    to any position, all alike: the reference)."""
    cfg = dict(cfg)
    keys = rng.random() < 0.4 and not uniform
    if uniform and what in ("lr", "hidden"):
        if what == "lr":
            cfg["lr"] = float(10 ** (float(rng.choice(LR_POSITIONS))))
        else:
            cfg["hidden"] = int(rng.choice(HIDDEN))
        return cfg
    if what == "lr":
        here = round(math.log10(cfg["lr"]) * 10)
        if keys:
            here += int(rng.choice([-1, 1])) * int(rng.integers(1, 4))
        elif rng.random() < 0.3:
            here = round(10 * float(rng.choice(ROUND_LR)))
        else:
            here = round(10 * rng.normal(math.log10(DEFAULT_RUN["lr"]), 0.7))
        cfg["lr"] = float(10 ** (min(10, max(-40, here)) / 10))
    elif what == "hidden":
        if keys:
            h = cfg["hidden"] + 5 * int(rng.choice([-1, 1])) * int(rng.integers(1, 4))
        elif rng.random() < 0.3:
            h = int(rng.choice(ROUND_HIDDEN))
        else:
            h = 5 * round(rng.normal(DEFAULT_RUN["hidden"], 60) / 5)
        cfg["hidden"] = int(min(300, max(5, h)))
    elif what == "n_epochs":
        cfg["n_epochs"] = int(rng.choice(EPOCHS))
    elif what == "batch_size":
        cfg["batch_size"] = int(rng.choice(BATCHES))
    else:
        cfg["seed"] = int(rng.integers(0, 100))
    return cfg


def lecture(n: int, rng: np.random.Generator, think: float, run_seconds: float,
            phase_seconds: float = 20.0, uniform: bool = False) -> dict[str, int]:
    """One simulated lecture of ``n`` students; returns its counts of requests."""
    events = []  # (time, student, config)
    t0 = 0.0
    configs = [dict(DEFAULT_RUN) for _ in range(n)]
    phases = [("open", 0), ("lr", 2), ("hidden", 2), ("free", 4)]
    for phase, mean in phases:
        end = t0
        for s in range(n):
            t = t0 + rng.uniform(0, phase_seconds)
            moves = 1 if phase == "open" else 1 + rng.poisson(mean)
            for _ in range(moves):
                if phase == "free":
                    what = rng.choice(["lr", "hidden", "n_epochs", "batch_size", "seed"],
                                      p=[0.5, 0.3, 0.1, 0.05, 0.05])
                    configs[s] = move(configs[s], str(what), rng, uniform)
                elif phase != "open":
                    configs[s] = move(configs[s], phase, rng, uniform)
                events.append((t, s, dict(configs[s])))
                t += rng.exponential(think)
            end = max(end, t)
        t0 = end + 10.0  # the teacher talks a little
    events.sort(key=lambda e: e[0])
    done: dict[str, float] = {}  # key -> when its run finished
    training: dict[str, float] = {}  # key -> when its live run will end
    latest: dict[int, float] = {}  # student -> time of the newest move
    counts = {"requests": 0, "replay": 0, "follow": 0, "live": 0, "superseded": 0}
    pending = []  # (end, key, student, asked)
    followers: dict[str, list[tuple[int, float]]] = {}  # key -> (student, asked) waiting
    for t, s, cfg in events:
        while pending and pending[0][0] <= t:
            end, key, who, asked = heapq.heappop(pending)
            training.pop(key, None)
            waiting = [f for f in followers.pop(key, []) if latest[f[0]] == f[1]]
            if latest[who] == asked:  # not superseded: kept for the class
                done.setdefault(key, end)
                continue
            counts["superseded"] += 1
            if waiting:  # its claim is released: the first one still waiting trains it
                (first, first_asked), rest = waiting[0], waiting[1:]
                counts["follow"] -= 1
                counts["live"] += 1
                training[key] = end + run_seconds
                heapq.heappush(pending, (end + run_seconds, key, first, first_asked))
                followers[key] = rest
        latest[s] = t
        counts["requests"] += 1
        key = run_key(cfg)
        if key in done:
            counts["replay"] += 1
        elif key in training:
            counts["follow"] += 1
            followers.setdefault(key, []).append((s, t))
        else:
            counts["live"] += 1
            training[key] = t + run_seconds
            heapq.heappush(pending, (t + run_seconds, key, s, t))
    return counts


def print_row(n: int, rows: list[dict], label: str) -> None:
    req = statistics.median(r["requests"] for r in rows)
    share = {k: statistics.median(100 * r[k] / r["requests"] for r in rows)
             for k in ("replay", "follow", "live")}
    saved = [100 * (r["replay"] + r["follow"]) / r["requests"] for r in rows]
    # The opening (everyone's default run) is n - 1 easy hits: without it
    rest = [100 * (r["replay"] + r["follow"] - (n - 1)) / (r["requests"] - n) for r in rows]
    p10, p90 = np.percentile(saved, [10, 90])
    print(f"{n:>8} {req:>9.0f} {share['replay']:>9.1f} {share['follow']:>9.1f} "
          f"{share['live']:>7.1f} {statistics.median(saved):>8.1f} "
          f"{p10:>8.1f}-{p90:<9.1f} {statistics.median(rest):>14.1f}  {label}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[10, 20, 30, 40])
    parser.add_argument("--lectures", type=int, default=200)
    parser.add_argument("--think", type=float, default=8.0, help="s between moves (mean)")
    parser.add_argument("--run-seconds", type=float, default=6.0, help="s a live run takes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="3 lectures of 4 students")
    args = parser.parse_args(argv)
    if args.smoke:
        args.students, args.lectures = [4], 3
    start = time.perf_counter()
    print(f"== replay hits: {args.lectures} simulated lectures per class size, think "
          f"{args.think:g} s, a live run {args.run_seconds:g} s")
    print(f"{'students':>8} {'requests':>9} {'replay %':>9} {'follow %':>9} {'live %':>7} "
          f"{'saved %':>8} {'saved % (p10-p90)':>18} {'w/o opening %':>14}")
    for n in args.students:
        for uniform in (False, True):
            rng = np.random.default_rng([args.seed, n, uniform])
            rows = [lecture(n, rng, args.think, args.run_seconds, uniform=uniform)
                    for _ in range(args.lectures)]
            print_row(n, rows, "reference: uniform drags" if uniform else "")
    print("saved %: requests not trained again (replays + follows), medians over lectures; "
          "w/o opening: the same without everyone's first, default run; reference: the same "
          "lecture with every drag to a position drawn uniformly (no favourite values)")
    print(f"reference: the simulation took {time.perf_counter() - start:.1f} s; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
