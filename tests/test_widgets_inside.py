"""The playground's inside view (backprop.widgets InsidePanel): every run records the inside,
so the switch shows the newest run at once (a finished run's trained network); it is redrawn
as a run trains, captioned with the picture's own epoch, and goes back to the learning curves."""

import numpy as np
import pytest

import backprop as bp
from backprop import widgets
from backprop.widgets import _playground


def test_the_inside_view_switch_shows_the_finished_run_at_once(small_mnist):
    # lr given, so that moving it starts a run whatever the default is
    panel = widgets.playground(small_mnist, lr=0.5, n_epochs=3, hidden=20)
    panel.controls["lr"].value = 0.3
    panel.wait()
    run = panel.runs[-1]
    assert run.inside and panel.inside.box.layout.display == "none"
    assert len(run.history["grad_W1"]) == 3  # recorded although the view was off
    panel.inside.view.value = "inside the network"  # no new run: the finished one, drawn
    assert len(panel.runs) == 1 and panel.runner.newest is run
    assert panel.plots.layout.display == "none" and panel.inside.box.layout.display is None
    assert all(image.value[:4] == b"\x89PNG" for image in panel.inside.images.values())
    caption = panel.inside.caption.value
    assert caption.startswith("finished run: the network after epoch 3 of 3"), caption
    np.testing.assert_array_equal(run.epoch_params["W1"], run.params["W1"])
    # the picture is the trained network's: the same as drawing run.params directly
    figure = panel.inside.figure
    trained = figure.pngs(run.params, run.history, bp.forward(run.params, panel.inside.X)[0],
                          3, panel.inside.limit(run.config), caption)
    assert [image.value for image in panel.inside.images.values()] == trained
    panel.controls["init"].value = "normal"  # a training setting like the others
    panel.wait()
    assert panel.runs[-1].config["init"] == "normal" and len(panel.runs) == 2
    assert panel.runs[-1].history["saturated_1"][0] > 0.5
    assert panel.inside.caption.value.startswith("finished run: the network after epoch 3")
    panel.inside.view.value = "learning curves"
    assert panel.plots.layout.display is None and len(panel.runs) == 2


def test_the_caption_names_the_pictures_epoch_and_that_pictures_skip_epochs(monkeypatch,
                                                                            small_mnist):
    # pictures throttled to the first epoch's (and the last, when the run ends)
    monkeypatch.setattr(_playground, "MIN_FRAME_SECONDS", 1e6)
    panel = widgets.playground(small_mnist, lr=0.5, n_epochs=4, hidden=20)
    panel.inside.view.value = "inside the network"
    assert panel.inside.caption.value == "the inside view: press Train or move a slider"
    seen = []
    show = panel._show

    def spy(*args, **kwargs):
        show(*args, **kwargs)
        seen.append((panel.status.value, panel.inside.caption.value))

    monkeypatch.setattr(panel, "_show", spy)
    panel.start()
    panel.wait()
    # the status line changes with the picture: epoch 1 of both, then the finished run
    assert [status for status, _ in seen if "epoch 2/4" in status or "epoch 3/4" in status] \
        == [], seen
    running = [(status, caption) for status, caption in seen if "epoch 1/4" in status]
    assert running, seen
    status, caption = running[-1]
    assert caption.startswith("picture of epoch 1 of 4 · ") and \
        "it may skip epochs" in caption, caption
    # when the run ends, its last epoch is drawn and both say so
    status, caption = seen[-1]
    assert "finished" in status and "after 4 epochs" in status
    assert caption.startswith("finished run: the network after epoch 4 of 4"), caption


@pytest.mark.parametrize("outcome, words", [("stopped", "stopped run"),
                                            ("error", "failed run")])
def test_the_caption_says_how_the_run_ended(small_mnist, outcome, words):
    panel = widgets.playground(small_mnist, n_epochs=2, hidden=10)
    run = widgets.Run(config=panel.config(), outcome=outcome)
    assert panel.inside.title(run, 1).startswith(f"{words}: the network after epoch 1 of 2")
