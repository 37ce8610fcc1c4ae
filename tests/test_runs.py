"""The playground's runs (backprop.widgets.Run) and the Runner that starts, supersedes, stops
and waits for them: first with stand-in trainings that the test controls, then in a panel."""

import threading
import time

import numpy as np
import pytest

import backprop as bp
from backprop import widgets
from backprop.widgets import Run, Runner


@pytest.fixture(scope="module")
def tiny():
    """A few hundred MNIST rows, loaded when a test asks for them."""
    return bp.load_mnist(300, 200, 0)


class Training:
    """A stand-in for the playground's training: one "epoch" per ``step`` seconds, stopping
    when the run is cancelled; it can hold its first epoch until ``release`` is set, or fail."""

    def __init__(self, step=0.005, hold=False, fail=None):
        self.step, self.fail = step, fail
        self.release = threading.Event()
        if not hold:
            self.release.set()
        self.began, self.ended = [], []  # runs, in order
        self.times = {}  # run -> (began, ended) perf_counter

    def work(self, run):
        self.began.append(run)
        start = time.perf_counter()
        self.release.wait(10)
        if self.fail is not None:
            raise self.fail
        history = {"train_acc": [], "val_acc": []}
        for epoch in range(run.config["n_epochs"]):
            if run.cancel.is_set():
                break
            time.sleep(self.step)
            history = {k: [*v, 0.1 * (epoch + 1)] for k, v in history.items()}
            run.history = history
        self.times[run] = (start, time.perf_counter())
        return {"W1": np.zeros((784, 3))}, history

    def runner(self):
        return Runner(self.work, self.ended.append)


def test_a_run_finishes_with_its_params_and_history():
    training = Training()
    runner = training.runner()
    run = runner.start({"n_epochs": 3}, inside=True)
    assert isinstance(run, Run) and runner.runs == [run] and run.inside
    runner.wait(10)
    assert run.outcome == "finished" and run.epochs == 3 and run.error is None
    assert run.params["W1"].shape == (784, 3) and training.ended == [run]
    assert not run.thread.is_alive() and run.started <= time.perf_counter()
    assert runner.newest is run and runner.newest_finished() is run


def long_run(runner: Runner) -> Run:
    """A run far too long to end by itself, once it has trained its first epoch."""
    run = runner.start({"n_epochs": 10_000})
    while run.history is None:
        time.sleep(0.001)
    return run


def test_a_new_run_supersedes_the_running_one_which_ends_first():
    training = Training()
    runner = training.runner()
    stale = long_run(runner)
    newest = runner.start({"n_epochs": 2})
    assert stale.outcome == "superseded" and stale.cancel.is_set()  # at once, in start()
    runner.wait(10)
    assert [r.outcome for r in runner.runs] == ["superseded", "finished"]
    assert stale.epochs < 10_000 and newest.epochs == 2
    # the new run's thread waited for the stale one: they never trained side by side
    assert training.times[stale][1] <= training.times[newest][0]
    assert training.ended == [stale, newest]  # the panel is told; it ignores "superseded"


def test_a_run_superseded_before_it_began_never_trains():
    training = Training(hold=True)  # the first run holds its first epoch
    runner = training.runner()
    first = runner.start({"n_epochs": 2})
    queued = runner.start({"n_epochs": 2})  # waits for the first ...
    last = runner.start({"n_epochs": 2})  # ... and is superseded before it begins
    training.release.set()
    runner.wait(10)
    assert [r.outcome for r in runner.runs] == ["superseded", "superseded", "finished"]
    assert training.began == [first, last] and queued.history is None
    assert queued not in training.ended and not queued.thread.is_alive()


def test_stop_ends_the_newest_run_after_its_epoch():
    training = Training()
    runner = training.runner()
    run = long_run(runner)
    runner.stop()
    runner.wait(10)
    assert run.outcome == "stopped" and 1 <= run.epochs < 10_000
    assert run.params is not None and runner.newest_finished() is None
    runner.stop()  # nothing running: nothing happens
    assert run.outcome == "stopped"


def test_wait_returns_at_its_timeout():
    training = Training(hold=True)
    runner = training.runner()
    runner.wait(0.01)  # no runs: returns at once
    run = runner.start({"n_epochs": 1})
    began = time.monotonic()
    runner.wait(0.05)
    assert 0.04 <= time.monotonic() - began < 5 and run.outcome == "running"
    training.release.set()
    runner.wait(10)
    assert run.outcome == "finished"


def test_an_error_is_the_runs_outcome():
    error = RuntimeError("the GPU caught fire")
    training = Training(fail=error)
    runner = training.runner()
    run = runner.start({"n_epochs": 3})
    runner.wait(10)
    assert run.outcome == "error" and run.error is error and run.params is None
    assert training.ended == [run] and runner.newest_finished() is None


def test_newest_finished_skips_stopped_and_failed_runs():
    training = Training()
    runner = training.runner()
    done = runner.start({"n_epochs": 1})
    runner.wait(10)
    stopped = runner.start({"n_epochs": 10_000})
    while stopped.history is None:
        time.sleep(0.001)
    runner.stop()
    runner.wait(10)
    training.fail = ValueError("bad")
    runner.start({"n_epochs": 1})
    runner.wait(10)
    assert [r.outcome for r in runner.runs] == ["finished", "stopped", "error"]
    assert runner.newest_finished() is done


def test_the_newest_run_owns_the_display_and_earlier_ones_are_faded_histories():
    training = Training()
    runner = training.runner()
    runs = []
    for n in (1, 2, 3):
        runs.append(runner.start({"n_epochs": n}))
        runner.wait(10)
    with runner.owning(runs[-1]) as owner:
        assert owner
    with runner.owning(runs[0]) as owner:
        assert not owner
    assert runner.earlier(runs[0], 6) is None  # a newer run owns the display
    assert runner.earlier(runs[-1], 6) == [runs[0].history, runs[1].history]
    assert runner.earlier(runs[-1], 1) == [runs[1].history]
    history, n_epochs = runner.clear_earlier()
    assert history is runs[-1].history and n_epochs == 3
    assert runs[0].history is None and runs[1].history is None
    assert runner.earlier(runs[-1], 6) == []
    assert Runner(training.work, training.ended.append).clear_earlier() == (None, None)


def test_each_run_gets_its_own_cancel_flag_and_frames():
    a, b = Run({"n_epochs": 1}), Run({"n_epochs": 1})
    assert a.cancel is not b.cancel and a.frames is not b.frames
    assert a.outcome == "running" and a.epochs == 0 and a.thread is None
    assert a != b and a == a  # runs compare by identity


# --- in the playground -------------------------------------------------------------------------

def test_the_playground_runs_through_its_runner(tiny):
    panel = widgets.playground(tiny, n_epochs=2, hidden=10)
    assert panel.runs is panel.runner.runs and panel.newest_finished() is None
    assert panel.runner.drawing.acquire(blocking=False)  # a lock, free between pictures
    panel.runner.drawing.release()
    panel.start()
    panel.wait()
    (run,) = panel.runs
    assert run.outcome == "finished" and panel.newest_finished() is run
    # every run records what the inside view shows, so that switching to it shows this run
    assert run.config == panel.config() and run.inside
    assert run.params["W1"].shape == (784, 10) and run.params["b2"].shape == (10,)
    assert run.frames and run.drawn_epochs == run.epochs == 2
    np.testing.assert_array_equal(run.epoch_params["W1"], run.params["W1"])


def test_draw_digit_reads_with_the_playgrounds_newest_finished_run(tiny):
    source = widgets.playground(tiny, n_epochs=1, hidden=10)
    panel = widgets.draw_digit(source=source, data=tiny)
    source.start()
    source.wait()
    panel.show()
    assert panel.params["W1"].shape == (784, 10)
    source.controls["hidden"].value = 15  # a newer run: taken at the next reading
    source.wait()
    panel.show()
    newest = source.newest_finished()
    assert newest is source.runs[-1] and panel.params["W1"].shape == (784, 15)
    np.testing.assert_array_equal(panel.trained["W1"], newest.params["W1"])
