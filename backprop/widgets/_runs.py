"""The playground's runs (notebook 02, "Try it live"): what one run is, and who runs them.

A :class:`Run` holds one run's settings and what it has reached so far; it is shared between
the panel (the kernel's thread) and the thread that trains it. The :class:`Runner` starts,
supersedes, stops and waits for the runs of one panel and holds their locks; the panel
(:class:`~backprop.widgets.Playground`) keeps the controls and the pictures and tells the
runner how to train a run and what to show when it ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

OUTCOMES = ("running", "finished", "stopped", "superseded", "error")


@dataclass(eq=False)  # compared by identity: "is this run still the newest?"
class Run:
    """One training run of the playground.

    Attributes
    ----------
    config : dict
        Its settings, by control name: ``lr``, ``hidden``, ``n_epochs``, ``batch_size``,
        ``loss``, ``seed``, ``init`` (as :meth:`~backprop.widgets.Playground.config` gives
        them when the run starts).
    inside : bool
        Whether it records what the inside view shows (``train(inside=True)``); the
        playground's runs always do.
    outcome : str
        One of :data:`OUTCOMES`: "running" until it ends, then "finished" (all its epochs),
        "stopped" (the Stop button), "superseded" (a newer run started; it stopped after its
        epoch) or "error".
    history : dict of lists of float, or None
        Per epoch, as :func:`backprop.train` returns it: ``train_loss``, ``train_acc``,
        ``val_loss``, ``val_acc`` (accuracies as fractions), and with ``inside`` also
        ``grad_W1``, ``grad_W2``, ``saturated_1``, ``saturated_2``. None before its first
        epoch, and for an earlier run after the panel's Clear.
    params : dict of ndarray, or None
        The trained network once the run has ended (None after an error): ``W1``
        ``(784, hidden)``, ``b1`` ``(hidden,)``, ``W2`` ``(hidden, 10)``, ``b2`` ``(10,)``.
    epoch_params : dict of ndarray, or None
        With ``inside``: the weights after its newest epoch (keys and shapes as ``params``),
        which the inside view shows while it trains.
    error : Exception or None
        What went wrong, when ``outcome`` is "error".
    started : float
        ``time.perf_counter()`` when it was made.
    frames : list of float
        ``time.perf_counter()`` each time a picture of it was sent to the page.
    drawn_epochs : int
        The epochs in its newest picture sent to the page (pictures are throttled: when it
        ends, the panel draws the epochs not yet shown).
    cancel : threading.Event
        Set to stop it after its current epoch.
    thread : threading.Thread or None
        The thread that trains it, once started.
    source : str
        "live" while it trains here; "replay" when its curves came from the class's store
        (someone ran the same settings before: ``params`` stays None).
    trained_seconds : float or None
        For a replay: the seconds the stored run took to train where it was trained.
    """

    config: dict[str, Any]
    inside: bool = False
    outcome: str = "running"
    history: dict[str, list[float]] | None = None
    params: dict[str, np.ndarray] | None = None
    epoch_params: dict[str, np.ndarray] | None = None
    error: Exception | None = None
    started: float = field(default_factory=time.perf_counter)
    frames: list[float] = field(default_factory=list)
    drawn_epochs: int = 0
    cancel: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    source: str = "live"
    trained_seconds: float | None = None

    @property
    def epochs(self) -> int:
        """The epochs it has trained so far (0 before the first)."""
        return len(self.history["train_acc"]) if self.history else 0


class Runner:
    """Starts, supersedes, stops and waits for the runs of one panel, one at a time.

    A new run supersedes a run still going: that one stops after its current epoch, and the
    new run's thread waits for it first (at most one epoch), so stale runs never queue up
    nor train side by side. Training runs in a thread, so the kernel stays responsive.

    Parameters
    ----------
    work : callable(run) -> (params, history)
        Trains ``run`` (in its thread) and returns what :func:`backprop.train` returns; it
        stops early when ``run.cancel`` is set.
    ended : callable(run)
        Told once a run has ended and its ``outcome`` is set (also after an error), in its
        thread; not called for a run cancelled before it began.

    Attributes
    ----------
    runs : list of Run
        Every run started, newest last. The newest owns the display: the others' pictures
        and words are no longer shown.
    drawing : threading.Lock
        Held while a picture is drawn: the panel's figures draw one picture at a time, and
        the runs' threads and the kernel's thread share them.
    """

    def __init__(self, work: Callable[[Run], tuple[dict, dict]],
                 ended: Callable[[Run], None]) -> None:
        self.runs: list[Run] = []
        self.drawing = threading.Lock()
        self._work, self._ended = work, ended
        self._lock = threading.Lock()  # guards ``runs``, outcomes, who owns the display

    @property
    def newest(self) -> Run | None:
        """The newest run (it owns the display), or None before the first."""
        with self._lock:
            return self.runs[-1] if self.runs else None

    def start(self, config: dict[str, Any], inside: bool = False) -> Run:
        """Start a run with ``config``, superseding a run still going; returns the new run."""
        run = Run(config=config, inside=inside)
        with self._lock:
            previous = self.runs[-1] if self.runs else None
            if previous is not None and previous.outcome == "running":
                previous.outcome = "superseded"
                previous.cancel.set()
            run.thread = threading.Thread(target=self._main, args=(run, previous),
                                          daemon=True)
            self.runs.append(run)
        run.thread.start()
        return run

    def stop(self) -> None:
        """Stop the newest run after its current epoch; it reports "stopped" itself."""
        run = self.newest
        if run is not None and run.outcome == "running":
            run.cancel.set()

    def wait(self, timeout: float = 60.0) -> None:
        """Block until the newest run has ended, or ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        while self.runs:
            newest = self.runs[-1]
            newest.thread.join(max(0.0, deadline - time.monotonic()))
            if newest is self.runs[-1] or time.monotonic() >= deadline:
                return

    def newest_finished(self) -> Run | None:
        """The newest run that finished all its epochs (its ``params`` set), or None."""
        with self._lock:
            done = [run for run in self.runs if run.outcome == "finished" and run.params]
        return done[-1] if done else None

    def clear_earlier(self) -> tuple[dict | None, int | None]:
        """Forget the histories of every run but the newest (the panel's Clear).

        Returns the newest run's history and number of epochs (None, None without runs).
        """
        with self._lock:
            for run in self.runs[:-1]:
                run.history = None
            if not self.runs:
                return None, None
            return self.runs[-1].history, self.runs[-1].config["n_epochs"]

    @contextmanager
    def owning(self, run: Run) -> Iterator[bool]:
        """Hold the runs' lock and yield whether ``run`` owns the display.

        While it is held, no newer run can start: what ``run`` shows then stays its own.
        """
        with self._lock:
            yield not self.runs or self.runs[-1] is run

    def earlier(self, run: Run, keep: int) -> list[dict] | None:
        """The histories of up to ``keep`` ended runs before the newest, oldest first, shown
        faded behind it; None if a newer run than ``run`` owns the display."""
        with self.owning(run) as owner:
            if not owner:
                return None
            done = [r.history for r in self.runs[:-1]
                    if r.outcome in ("finished", "stopped") and r.history]
            return done[-keep:]

    def _main(self, run: Run, previous: Run | None) -> None:
        if previous is not None:
            previous.thread.join()  # at most one epoch: it checks its cancel flag
        if run.cancel.is_set():
            return
        try:
            params, history = self._work(run)
        except Exception as exc:  # shown in the panel rather than lost in a thread
            with self._lock:
                run.outcome, run.error = "error", exc
            self._ended(run)
            return
        run.history, run.params = history, params  # the network, for other widgets to use
        with self._lock:
            if run.outcome == "running":
                run.outcome = "stopped" if run.cancel.is_set() else "finished"
        self._ended(run)
