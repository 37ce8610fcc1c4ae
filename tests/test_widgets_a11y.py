"""Accessibility in the kernel (issue 20): every picture's text says what it shows with the
numbers of the moment, the live region says a run's start and end only, and a test digit can
be read without a pointer. (The browser side: tests/test_browser_a11y.py.)"""

import re

import numpy as np
import pytest

import backprop as bp
from backprop import figures, widgets
from backprop.walkthrough import walkthrough
from backprop.widgets._a11y import Picture


@pytest.fixture(scope="module")
def trained(small_mnist):
    rng = np.random.default_rng(0)
    params, _ = bp.train(bp.init_params([784, 30, 10], rng), small_mnist.train, None, lr=0.5,
                         n_epochs=3, loss="cross_entropy", rng=rng, progress=False)
    return params


def test_a_picture_sends_its_text_as_tooltip_with_the_description_the_front_end_reads():
    picture = Picture(format="png")
    picture.alt = "Learning curves, epoch 3 of 20"
    state = picture.get_state()
    assert state["tooltip"] == "Learning curves, epoch 3 of 20" and state["description"] == ""


def test_the_playground_pictures_and_announcements_follow_the_run(small_mnist):
    panel = widgets.playground(small_mnist, n_epochs=4, hidden=20, lr=0.5)
    assert all("no run yet" in image.alt for image in panel.images.values())
    texts = {}
    for epochs in (3, 2):
        panel.controls["n_epochs"].value = epochs
        panel.wait()
        run = panel.runs[-1]
        assert run.outcome == "finished"
        loss, acc = (image.alt for image in panel.images.values())
        h = run.history
        assert f"epoch {epochs} of {epochs}: training loss {h['train_loss'][-1]:.3g}" in loss
        assert f"validation loss {h['val_loss'][-1]:.3g}" in loss
        assert f"validation accuracy {100 * h['val_acc'][-1]:.1f} %" in acc
        texts[epochs] = (loss, acc)
    assert texts[3] != texts[2] and "1 earlier run drawn faded" in texts[2][0]
    # the live region: each run's start and its end, never an epoch
    said = panel.announcer.said
    assert [s.split(":")[0] for s in said] == ["running", "finished", "running", "finished"]
    assert not any("epoch 1/" in s for s in said), said


def test_the_inside_views_texts_name_its_epoch_and_outputs(small_mnist):
    panel = widgets.playground(small_mnist, n_epochs=2, hidden=20, lr=0.5)
    panel.start()
    panel.wait()
    panel.inside.view.value = "inside the network"
    weights, outputs, grads, saturation = (image.alt for image in panel.inside.images.values())
    assert "after epoch 2 of 2" in weights and "colour scale -0.5 to 0.5" in weights
    said = np.argmax(bp.forward(panel.runs[-1].params, panel.inside.X)[0], axis=1)
    truth = panel.inside.y
    assert f"{int(np.sum(said == truth))} of 5 read right" in outputs
    assert f"true {truth[0]} read as {said[0]}" in outputs
    g = panel.runs[-1].history
    assert f"epoch 2: w1 {g['grad_W1'][-1]:.2g}, w2 {g['grad_W2'][-1]:.2g}" in grads
    assert f"hidden {100 * g['saturated_1'][-1]:.0f} %" in saturation


def test_a_test_digit_is_read_and_taught_without_a_pointer(trained):
    panel = widgets.draw_digit(trained, rng=np.random.default_rng(1))
    test = bp.load_mnist(n_train=1, n_val=0, n_test=10000).test
    panel.read_test(42)
    assert np.array_equal(panel.x, test.X[42]) and panel.label.value == test.y[42]
    y_hat = bp.forward(trained, test.X[42:43])[0][0]
    first, second = np.argsort(-y_hat)[:2]
    image, hidden, outputs = (image.alt for image in panel.images.values())
    assert f"test image 42, labelled {test.y[42]}" in image
    assert (f"the network reads {first} with {y_hat[first]:.2f}; next {second} with "
            f"{y_hat[second]:.2f}") in outputs
    assert hidden.startswith("30 hidden activations u3")
    assert panel.announcer.said[-1].startswith(f"test image 42, labelled {test.y[42]}: the "
                                               f"network reads {first}")
    panel.buttons["one step"].click()
    before, after = (image.alt for image in panel.teach_images.values())
    assert f"toward label {test.y[42]} (learning rate 0.03)" in before
    assert re.search(rf"output {test.y[42]} (rose|fell|stayed) from", before)
    assert panel.announcer.said[-1] == before
    assert after.startswith("d_W1 of the 8 hidden units")
    # at random, from the panel's rng: another image, read the same way
    panel.buttons["random test digit"].click()
    index = panel.test_index.value
    assert index == np.random.default_rng(1).integers(10000)
    assert f"test image {index}, labelled {test.y[index]}" in panel.images["input"].alt
    with pytest.raises(ValueError, match="between 0 and 9999"):
        panel.read_test(10000)


def test_the_step_throughs_text_follows_the_step():
    panel = widgets.step_through()
    first = panel.image.alt
    assert first.startswith("Backprop on the 2-2-1 graph, step 0 of 14")
    assert panel.announcer.said == []  # nothing to announce before a step
    panel.buttons["Next"].click()
    assert panel.image.alt == panel.images["narrow"].alt != first
    assert "step 1 of 14, forward pass u1" in panel.image.alt
    assert panel.announcer.said[-1].startswith("step 1 of 14: forward pass, u1")


def test_the_descriptions_carry_the_numbers_not_a_constant():
    a = {"train_loss": [0.9, 0.5], "val_loss": [1.0, 0.6], "train_acc": [0.7, 0.85],
         "val_acc": [0.65, 0.8]}
    b = {k: v + [v[-1] * (0.9 if "loss" in k else 1.02)] for k, v in a.items()}
    loss_a, acc_a = figures.describe_curves(a, 20)
    loss_b, acc_b = figures.describe_curves(b, 20)
    assert "epoch 2 of 20" in loss_a and "epoch 3 of 20" in loss_b
    assert "validation accuracy 80.0 %, still rising" in acc_a
    assert "validation accuracy 81.6 %" in acc_b
    assert "validation loss 0.6, still falling" in loss_a
    up = dict(a, val_loss=[1.0, 0.6, 0.7])
    assert "validation loss 0.7, rising (lowest 0.6 at epoch 2)" in \
        figures.describe_curves(up, 20)[0]
    steps = walkthrough()
    texts = {figures.describe_step(steps, i) for i in range(len(steps))}
    assert len(texts) == len(steps)  # every step says something of its own
    with pytest.raises(ValueError, match="index must be in"):
        figures.describe_step(steps, len(steps))
    empty = figures.describe_reading(np.zeros(784), np.zeros(10), np.zeros(5))
    assert "nothing drawn yet" in empty[0]


def test_the_sweep_explorers_texts_follow_its_sliders():
    frame = bp.sweep([{"n_train": 200, "n_val": 100, "n_epochs": 2, "hidden": 10, "lr": lr,
                       "seed": seed} for lr in (0.1, 1.0) for seed in (0, 1)],
                     n_jobs=1, use_cache=False, progress=False)
    panel = widgets.sweep_explorer(frame)
    first = panel.images["accuracy"].alt
    history = frame[(frame["lr"] == 0.1) & (frame["seed"] == 0)]["history"].iloc[0]
    assert f"validation accuracy {100 * history['val_acc'][-1]:.1f} %" in first
    assert "1 other seed drawn faded behind" in first and panel.announcer.said == []
    panel.controls["lr"].value = 1.0
    assert panel.images["accuracy"].alt != first
    assert panel.announcer.said == [html_unescape(panel.status.value)]


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)
