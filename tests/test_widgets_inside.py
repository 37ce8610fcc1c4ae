"""The playground's inside view (backprop.widgets InsidePanel): the switch runs with the
inside recorded, draws it, and goes back to the learning curves."""

import numpy as np

from backprop import widgets


def test_the_inside_view_switch_runs_with_the_inside_recorded_and_draws_it(small_mnist):
    # lr given, so that moving it starts a run whatever the default is
    panel = widgets.playground(small_mnist, lr=0.5, n_epochs=3, hidden=20)
    panel.controls["lr"].value = 0.3
    panel.wait()
    assert not panel.runs[-1].inside and panel.inside.box.layout.display == "none"
    panel.inside.view.value = "inside the network"  # the run lacks the inside: runs again
    panel.wait()
    run = panel.runs[-1]
    assert len(panel.runs) == 2 and run.inside and run.outcome == "finished"
    assert len(run.history["grad_W1"]) == 3 and run.frames
    assert panel.plots.layout.display == "none" and panel.inside.box.layout.display is None
    assert all(image.value[:4] == b"\x89PNG" for image in panel.inside.images.values())
    assert panel.inside.caption.value.startswith("epoch 3 of 3")
    np.testing.assert_array_equal(run.epoch_params["W1"], run.params["W1"])
    panel.controls["init"].value = "normal"  # a training setting like the others
    panel.wait()
    assert panel.runs[-1].config["init"] == "normal"
    assert panel.runs[-1].history["saturated_1"][0] > 0.5
    panel.inside.view.value = "learning curves"
    assert panel.plots.layout.display is None and len(panel.runs) == 3
