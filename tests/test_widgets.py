"""The widgets in the kernel: sliders start runs, newer changes cancel stale ones, errors show."""

import threading
import time

import numpy as np
import pytest

import backprop as bp
from backprop import widgets
from backprop.widgets import _playground as playground_module


@pytest.fixture
def make_panel(small_mnist):
    """A playground on the small sample, 3 epochs of 20 hidden units unless told otherwise."""
    def make(**kwargs):
        settings = dict(n_epochs=3, hidden=20, lr=0.5)
        settings.update(kwargs)
        return widgets.playground(small_mnist, **settings)
    return make


def test_slider_change_starts_a_run_whose_history_reaches_themake_panel(make_panel, small_mnist):
    panel = make_panel()
    assert panel.status.value.startswith("ready") and panel.runs == []
    first_picture = panel.image.value
    panel.controls["lr"].value = 0.1
    panel.wait()
    (run,) = panel.runs
    assert run.outcome == "finished" and run.config["lr"] == pytest.approx(0.1)
    assert len(run.history["val_acc"]) == 3
    assert "finished: learning rate 0.1, hidden units 20" in panel.status.value
    assert f"validation {100 * run.history['val_acc'][-1]:.1f} %" in panel.status.value
    assert panel.image.value != first_picture
    # the same run, repeated by hand, gives the same history: the panel trains for real
    # (and records the inside, for its inside view)
    rng = np.random.default_rng(0)
    params = bp.init_params([784, 20, 10], rng)
    _, history = bp.train(params, small_mnist.train, small_mnist.val, lr=0.1, n_epochs=3,
                          loss="cross_entropy", rng=rng, progress=False, inside=True)
    assert history == run.history


def test_newer_change_cancels_the_stale_run(make_panel):
    panel = make_panel(n_epochs=200)
    panel.controls["hidden"].value = 30  # a long run ...
    panel.controls["n_epochs"].value = 2  # ... replaced at once by a short one
    panel.wait()
    stale, newest = panel.runs
    assert stale.outcome == "superseded" and not stale.thread.is_alive()
    assert newest.outcome == "finished" and len(newest.history["val_acc"]) == 2
    assert "finished: learning rate 0.5, hidden units 30, 2 epochs" in panel.status.value
    assert stale.history is None or len(stale.history["val_acc"]) < 200


def test_many_quick_changes_run_only_the_last(make_panel):
    panel = make_panel(n_epochs=50)
    for hidden in (25, 30, 35, 40, 45):
        panel.controls["hidden"].value = hidden
    panel.wait()
    assert [r.outcome for r in panel.runs] == ["superseded"] * 4 + ["finished"]
    assert "hidden units 45" in panel.status.value


def test_stop_button_stops_and_says_so(make_panel):
    panel = make_panel(n_epochs=200)
    panel.controls["seed"].value = 1
    while panel.runs[-1].history is None and panel.runs[-1].thread.is_alive():
        panel.runs[-1].thread.join(0.01)
    panel.children[2].children[1].click()  # Stop
    panel.wait()
    assert panel.runs[-1].outcome == "stopped"
    assert panel.status.value.count("stopped: learning rate 0.5") == 1


def test_error_during_a_run_is_shown_in_themake_panel(monkeypatch, make_panel):
    def broken(*args, **kwargs):
        raise RuntimeError("the GPU caught fire")

    monkeypatch.setattr(playground_module, "train", broken)
    panel = make_panel()
    panel.controls["lr"].value = 0.2
    panel.wait()
    assert panel.runs[-1].outcome == "error"
    assert "error: RuntimeError: the GPU caught fire" in panel.status.value


def test_clear_drops_earlier_runs(make_panel):
    panel = make_panel(n_epochs=2)
    panel.controls["lr"].value = 0.2
    panel.wait()
    panel.controls["lr"].value = 0.3
    panel.wait()
    with_earlier = panel.image.value
    panel.children[2].children[2].click()  # Clear
    assert panel.image.value != with_earlier
    assert [r.outcome for r in panel.runs] == ["finished", "finished"]


def test_sweep_explorer_switches_curves():
    frame = bp.sweep([{"n_train": 200, "n_val": 100, "n_epochs": 2, "hidden": h, "lr": lr,
                       "seed": 0} for h in (10, 20) for lr in (0.1, 1.0)],
                     n_jobs=1, use_cache=False, progress=False)
    panel = widgets.sweep_explorer(frame)
    first = panel.image.value
    assert "hidden units 10, learning rate 0.1" in panel.status.value
    panel.controls["lr"].value = 1.0
    assert panel.image.value != first and "learning rate 1," in panel.status.value
    with pytest.raises(ValueError, match="history"):
        widgets.sweep_explorer(frame.drop(columns="history"))


def test_a_slow_first_epoch_says_the_server_is_busy(monkeypatch, make_panel):
    release = threading.Event()

    def slow(*args, **kwargs):
        release.wait(10)
        raise RuntimeError("stopped by the test")

    monkeypatch.setattr(playground_module, "train", slow)
    monkeypatch.setattr(playground_module, "BUSY_SECONDS", 0.05)
    panel = make_panel()
    panel.controls["lr"].value = 0.2
    deadline = time.monotonic() + 10
    while "busy" not in panel.status.value and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "waiting for the first epoch; the server is busy" in panel.status.value
    release.set()
    panel.wait()
    assert "error: RuntimeError: stopped by the test" in panel.status.value


def test_live_run_measures_subsets_and_ends_on_all_images(monkeypatch, small_mnist):
    """While a run trains, it is measured on fixed subsets (the first LIVE_TRAIN_IMAGES
    training and LIVE_VAL_IMAGES validation images); its last epoch is measured again on all
    of data.train and data.val, and those are the numbers shown."""
    monkeypatch.setattr(playground_module, "LIVE_VAL_IMAGES", 50)
    monkeypatch.setattr(playground_module, "LIVE_TRAIN_IMAGES", 80)
    panel = widgets.playground(small_mnist, n_epochs=3, hidden=20, lr=0.5)
    assert len(panel.live_val) == 50 and len(panel.live_train) == 80
    assert np.array_equal(panel.live_val.X, small_mnist.val.X[:50])
    assert np.array_equal(panel.live_train.y, small_mnist.train.y[:80])
    seen = []
    panel.status.observe(lambda change: seen.append(change["new"]), names="value")
    panel.controls["lr"].value = 0.1
    panel.wait()
    run = panel.runs[-1]
    assert run.outcome == "finished"
    assert any("epoch 1/3, validation" in s and "on 50 images (all 200 at the end)" in s
               for s in seen), seen
    # the same run by hand: the curves' epochs 1-2 on the subsets, their last on everything
    rng = np.random.default_rng(0)
    params = bp.init_params([784, 20, 10], rng)
    live_train, live_val = widgets.live_splits(small_mnist)
    trained, history = bp.train(params, small_mnist.train, live_val, lr=0.1, n_epochs=3,
                                loss="cross_entropy", rng=rng, progress=False, inside=True,
                                train_eval=live_train)
    full = bp.evaluate(trained, small_mnist.val.X, small_mnist.val.Y, small_mnist.val.y,
                       "cross_entropy")
    full_train = bp.evaluate(trained, small_mnist.train.X, small_mnist.train.Y,
                             small_mnist.train.y, "cross_entropy")
    subset_train = bp.evaluate(trained, live_train.X, live_train.Y, live_train.y,
                               "cross_entropy")
    assert run.history["val_acc"][:2] == history["val_acc"][:2]
    assert run.history["train_loss"][:2] == history["train_loss"][:2]
    assert history["train_loss"][-1] == subset_train[0] != full_train[0]
    assert run.history["val_acc"][-1] == full[1] and run.history["val_loss"][-1] == full[0]
    assert run.history["train_acc"][-1] == full_train[1]
    assert run.history["train_loss"][-1] == full_train[0]
    assert f"training {100 * full_train[1]:.1f} %, validation {100 * full[1]:.1f} % on all " \
           f"200 images" in panel.status.value
    # the notebooks' train() is untouched: given all 200 images it validates on all 200
    rng = np.random.default_rng(0)
    _, everything = bp.train(bp.init_params([784, 20, 10], rng), small_mnist.train,
                             small_mnist.val, lr=0.1, n_epochs=3, loss="cross_entropy",
                             rng=rng, progress=False)
    assert everything["val_acc"][-1] == full[1]
