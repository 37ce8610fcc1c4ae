"""Kernel tests for the "see inside the network" widgets (issue 11): the computations behind
the pictures, checked against independent references."""

import html

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop as bp  # noqa: E402
from backprop import widgets  # noqa: E402
from backprop.walkthrough import hand_example, num6, walkthrough  # noqa: E402

# Notebook 01's hand-worked table ("A tiny example to do by hand"), typed in again, 6 decimals.
HAND_TABLE = {
    "u1": [0.3, -0.7], "u2": [0.4, -0.5], "u3": [0.598688, 0.377541], "u4": [-0.156394],
    "u5": [0.093606], "y_hat": [0.523385], "L": 0.113581, "d_u5": [-0.118893],
    "d_b2": [-0.118893], "d_W2": [[-0.071180], [-0.044887]], "d_u3": [-0.118893, 0.237786],
    "d_u2": [-0.028565, 0.055881], "d_b1": [-0.028565, 0.055881],
    "d_W1": [[-0.028565, 0.055881], [0.028565, -0.055881]],
}


def test_the_steps_are_the_hand_worked_table_in_its_order():
    steps = walkthrough()
    assert [s.name for s in steps] == ["start", *HAND_TABLE]
    assert [s.phase for s in steps] == ["start"] + ["forward"] * 7 + ["backward"] * 7
    for step in steps[1:]:
        expected = HAND_TABLE[step.name]
        value = np.reshape(step.value, np.shape(expected))
        assert np.allclose(value, expected, rtol=0, atol=5.0001e-7), step.name
        # the formula ends with the value, written as the table writes it
        assert num6(np.ravel(value)[-1]) in step.formula.rsplit("=", 1)[1], step.formula


def test_the_gradients_are_the_package_backward_and_forward():
    params, x, y = hand_example()
    steps = {s.name: s.value for s in walkthrough()}
    y_hat, cache = bp.forward(params, x)
    grads = bp.backward(params, cache, y, loss="mse")
    for key in ("u1", "u2", "u3", "u4", "u5", "y_hat"):
        np.testing.assert_allclose(steps[key], cache[key], rtol=1e-12)
    assert steps["L"] == pytest.approx(bp.loss(y_hat, y, "mse"), rel=1e-12)
    for key in params:
        np.testing.assert_allclose(np.reshape(steps[f"d_{key}"], grads[key].shape), grads[key],
                                   rtol=1e-12)


def test_other_parameters_give_their_own_numbers():
    rng = np.random.default_rng(3)
    params = bp.init_params([3, 2, 1], rng, dtype=np.float64)
    x, y = rng.normal(size=(1, 3)), np.array([[0.0]])
    grads = bp.backward(params, bp.forward(params, x)[1], y, loss="mse")
    steps = {s.name: s.value for s in walkthrough(params, x, y)}
    np.testing.assert_allclose(steps["d_W1"], grads["W1"], rtol=1e-12)


@pytest.mark.parametrize("change, message", [
    (lambda p, x, y: ({**p, "W3": p["W2"]}, x, y), "one hidden layer"),
    (lambda p, x, y: (p, np.ones((2, 2)), y), "one sample"),
    (lambda p, x, y: (p, x, np.ones((1, 2))), "y must have shape"),
])
def test_bad_input_is_a_clear_error(change, message):
    with pytest.raises(ValueError, match=message):
        walkthrough(*change(*hand_example()))


def test_the_widget_walks_forward_and_back():
    panel = widgets.step_through()
    first = {layout: image.value for layout, image in panel.images.items()}
    assert panel.image is panel.images["wide"]
    assert panel.index == 0 and panel.buttons["Back"].disabled
    panel.buttons["Next"].click()
    assert panel.index == 1 and "forward pass, u1" in panel.caption.value
    assert all(image.value != first[layout] for layout, image in panel.images.items())
    for _ in range(30):
        panel.buttons["Next"].click()
    assert panel.index == len(panel.steps) - 1 and panel.buttons["Next"].disabled
    assert "backward pass, d_W1" in panel.caption.value
    panel.buttons["Back"].click()
    assert "backward pass, d_b1" in panel.caption.value
    panel.buttons["Start"].click()
    assert panel.index == 0 and panel.images["narrow"].value == first["narrow"]


# --- draw a digit ---------------------------------------------------------------------------

import base64  # noqa: E402
import io  # noqa: E402

from PIL import Image, ImageDraw  # noqa: E402

from backprop import digits  # noqa: E402

SMALL = bp.load_mnist(300, 200, 0)


def _seven(canvas=400, box=(30, 20, 255, 330), width=26) -> np.ndarray:
    """Ink of a thick "7" drawn off-centre (top left) and far bigger than 20 pixels."""
    image = Image.new("L", (canvas, canvas), 0)
    left, top, right, bottom = box
    pen = ImageDraw.Draw(image)
    pen.line([(left, top), (right, top), ((left + right) / 2, bottom)], fill=255, width=width,
             joint="curve")
    return np.asarray(image, dtype=np.float32) / 255


def _ink_box(image: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero((image > digits.INK).any(axis=1))
    cols = np.flatnonzero((image > digits.INK).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_a_big_off_centre_stroke_comes_out_boxed_centred_and_in_range():
    ink = _seven()
    x = digits.mnist_style(ink)
    assert x.shape == (784,) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() == pytest.approx(1.0)
    image = x.reshape(28, 28)
    height, width = _ink_box(image)
    big_height, big_width = _ink_box(ink)
    assert height in (19, 20)  # the longer side scaled to 20 (an edge pixel may be faint)
    assert abs(width - 20 * big_width / big_height) <= 1.5  # the aspect ratio kept
    r, c = digits.centre_of_mass(image)
    assert abs(r - digits.CENTRE) <= 0.5 and abs(c - digits.CENTRE) <= 0.5
    # anti-aliased: grey levels along the edges, not just black and white
    assert ((image > 0.1) & (image < 0.9)).sum() >= 10
    # the same digit drawn smaller elsewhere gives (nearly) the same 28x28 image
    other = digits.mnist_style(_seven(canvas=600, box=(300, 350, 412, 515), width=13))
    assert np.corrcoef(other, x)[0, 1] > 0.85


def test_mnist_digits_blown_up_and_moved_come_back_as_they_were():
    correlations = []
    for image in SMALL.train.X[:40]:
        big = np.asarray(Image.fromarray(image.reshape(28, 28), mode="F").resize(
            (280, 280), Image.Resampling.BILINEAR)).clip(0, 1)
        canvas = np.zeros((420, 420), dtype=np.float32)
        canvas[10:290, 130:410] = big
        correlations.append(np.corrcoef(digits.mnist_style(canvas), image)[0, 1])
    assert np.median(correlations) > 0.9 and min(correlations) > 0.5


def test_the_centre_is_where_mnist_puts_its_centres_of_mass():
    centres = np.array([digits.centre_of_mass(x.reshape(28, 28)) for x in SMALL.train.X])
    assert np.allclose(centres.mean(axis=0), digits.CENTRE, atol=0.1)


def test_an_empty_drawing_is_all_zeros_and_bad_input_a_clear_error():
    assert not digits.mnist_style(np.zeros((280, 280))).any()
    with pytest.raises(ValueError, match="2-D"):
        digits.mnist_style(np.zeros(784))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        digits.mnist_style(np.full((10, 10), 255.0))
    with pytest.raises(ValueError, match="data:image/png"):
        digits.ink_from_png("data:text/plain;base64,AAAA")


def _png_url(ink: np.ndarray) -> str:
    rgba = np.zeros((*ink.shape, 4), dtype=np.uint8)
    rgba[..., 3] = np.round(ink * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_ink_from_png_reads_the_canvas_alpha():
    ink = _seven(canvas=280, box=(20, 20, 200, 250), width=20)
    assert np.abs(digits.ink_from_png(_png_url(ink)) - ink).max() <= 1 / 255 + 1e-6


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    params, _ = bp.train(bp.init_params([784, 30, 10], rng), SMALL.train, None, lr=0.5,
                         n_epochs=5, loss="cross_entropy", rng=rng, progress=False)
    return params


def _stroke(panel, ink):
    panel.canvas.png = _png_url(ink)
    panel.canvas.strokes += 1  # what the canvas does when a stroke ends


def test_a_stroke_is_read_and_shown(trained):
    panel = widgets.draw_digit(trained)
    empty = {name: image.value for name, image in panel.images.items()}
    _stroke(panel, _seven())
    assert panel.x.any()
    assert all(image.value != empty[name] for name, image in panel.images.items())
    y_hat, hidden = panel.read()
    expected, cache = bp.forward(trained, digits.mnist_style(_seven())[None])
    np.testing.assert_allclose(y_hat, expected[0], rtol=1e-6)
    assert hidden.shape == (30,)
    assert f"prediction: <b>{int(np.argmax(expected))}</b>" in panel.status.value
    panel.clear()
    assert not panel.x.any() and panel.canvas.png == "" and panel.canvas.clears == 1


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_one_step_is_backward_on_that_one_example(trained, loss):
    panel = widgets.draw_digit(trained, loss=loss)
    _stroke(panel, _seven())
    X = panel.x[None].astype(trained["W1"].dtype)
    Y = np.zeros((1, 10), dtype=X.dtype)
    Y[0, 7] = 1
    grads = bp.backward(trained, bp.forward(trained, X)[1], Y, loss=loss)
    result = panel.step(7, 0.05)
    for key in trained:
        np.testing.assert_allclose(panel.params[key], trained[key] - 0.05 * grads[key],
                                   rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(result["grads"][key], grads[key], rtol=1e-6)
    # the step pushes the output of the label up
    assert result["after"][7] > result["before"][7]
    np.testing.assert_allclose(result["after"], bp.forward(panel.params, X)[0][0], rtol=1e-6)
    # the button does the same with the dropdown and the slider, and shows the picture
    panel.reset()
    panel.label.value, panel.lr.value = 7, 0.05
    panel.buttons["one step"].click()
    np.testing.assert_allclose(panel.params["W1"], trained["W1"] - 0.05 * grads["W1"],
                               rtol=1e-6, atol=1e-7)
    assert panel.teach.layout.display is None
    assert all(image.value[:4] == b"\x89PNG" for image in panel.teach_images.values())
    panel.buttons["Reset"].click()
    assert all(np.array_equal(panel.params[k], trained[k]) for k in trained)


def test_without_a_drawing_one_step_says_what_to_do(trained):
    panel = widgets.draw_digit(trained)
    panel.buttons["one step"].click()
    assert "draw a digit first" in panel.status.value
    with pytest.raises(ValueError, match="draw a digit first"):
        panel.step(3, 0.1)


def test_the_network_comes_from_the_playground_when_given_one():
    source = widgets.playground(SMALL, n_epochs=2, hidden=15)
    panel = widgets.draw_digit(source=source, data=SMALL)
    source.start()
    source.wait()
    _stroke(panel, _seven())
    run = source.runs[-1]
    assert run.outcome == "finished" and panel.params["W1"].shape == (784, 15)
    np.testing.assert_array_equal(panel.trained["W1"], run.params["W1"])
    assert "playground&#x27;s last run" in panel.status.value


def test_without_a_network_one_is_trained_at_the_first_stroke():
    panel = widgets.draw_digit(data=SMALL)
    assert panel.params is None and "trained" in panel.status.value
    _stroke(panel, _seven())
    assert panel.params["W1"].shape == (784, 110) and "trained just now" in panel.status.value


# --- presets for the teacher ------------------------------------------------------------------

from backprop.widgets import _presets  # noqa: E402


def test_lock_and_hide_fix_or_leave_out_controls():
    panel = widgets.playground(SMALL, lr=0.1, lock=["lr"], hide=["loss", "batch_size"])
    assert panel.controls["lr"].disabled and not panel.controls["hidden"].disabled
    assert panel.controls["loss"].layout.display == "none"
    assert panel.controls["batch_size"].layout.display == "none"
    assert panel.controls["lr"].layout.display != "none"
    assert panel.locked_controls == ["lr"] and panel.hidden_controls == ["batch_size", "loss"]
    with pytest.raises(ValueError, match="unknown control"):
        widgets.playground(SMALL, lock=["learning_rate"])
    with pytest.raises(TypeError, match="list of control names"):
        widgets.playground(SMALL, hide="loss")


def test_the_url_sets_locks_and_hides_and_bad_values_become_notes():
    panel = widgets.playground(SMALL, n_epochs=2, hidden=20)
    note = widgets.PresetNote()
    query = ("lr=0.01&hidden=30&epochs=abc&batch_size=7&loss=quadratic&seed=-3&speed=9"
             "&hide=loss,batch_size,colour&lock=lr&token=secret")
    applied = note.apply(panel, query)
    panel.wait()
    assert applied == {"lr": 0.01, "hidden": 30, "loss": "mse"}
    assert panel.controls["lr"].value == pytest.approx(0.01)
    assert panel.controls["hidden"].value == 30 and panel.controls["loss"].value == "mse"
    assert panel.controls["n_epochs"].value == 2  # "abc" ignored
    assert len(panel.runs) == 1, "several settings at once start one run, not one each"
    assert panel.runs[0].config["hidden"] == 30 and panel.runs[0].outcome == "finished"
    assert panel.controls["lr"].disabled and panel.hidden_controls == ["batch_size", "loss"]
    assert note.layout.display is None
    shown = note.value
    for bad in ("epochs=abc: not a whole number", "batch_size=7: not one of",
                "seed=-3: seed must be a finite number >= 0, got -3", "speed: not a setting",
                "hide=colour"):
        assert html.escape(bad) in shown, bad
    assert "token" not in shown


def test_a_clean_url_leaves_no_note_and_an_empty_one_changes_nothing():
    panel = widgets.playground(SMALL, n_epochs=2)
    note = widgets.PresetNote()
    assert note.apply(panel, "") == {} and panel.runs == []
    assert note.layout.display == "none"
    note.apply(panel, "lr=0.3")
    panel.wait()
    assert note.layout.display == "none" and panel.controls["lr"].value == pytest.approx(0.3)


def test_the_link_holds_the_current_settings_and_reads_back_the_same():
    panel = widgets.playground(SMALL, lr=0.02, hidden=40, n_epochs=2, lock=["hidden"],
                               hide=["seed"])
    query = _presets.settings_query(panel, token="abc")
    assert query.startswith("lr=0.02&hidden=40&epochs=2&batch_size=10&loss=cross_entropy")
    assert "lock=hidden" in query and "hide=seed" in query and query.endswith("token=abc")
    settings, lock, hide, notes = _presets.parse_query(query)
    assert notes == [] and lock == ["hidden"] and hide == ["seed"]
    assert settings == {k: w.value for k, w in panel.controls.items()}


def test_after_a_run_the_status_line_offers_the_link_only_when_asked():
    panel = widgets.playground(SMALL, n_epochs=1, hidden=10)
    panel.start()
    panel.wait()
    assert "bp-settings-link" not in panel.status.value  # JupyterLab: no page address
    panel.offer_link = True
    panel.controls["lr"].value = 0.2
    panel.wait()
    assert panel.status.value.startswith('<span style="color:inherit">finished')
    assert 'href="?lr=0.2&amp;hidden=10&amp;epochs=1' in panel.status.value


def test_outside_voila_the_url_presets_do_nothing(monkeypatch):
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    panel = widgets.playground(SMALL)
    assert widgets.PresetNote().apply_from_voila(panel) is None and not panel.offer_link


# --- inside the network, live -------------------------------------------------------------


def test_train_inside_records_the_last_minibatch_gradient_size_and_saturation():
    rng = np.random.default_rng(1)
    start = bp.init_params([784, 20, 10], rng, dtype=np.float64)
    train = bp.Split(SMALL.train.X[:100].astype(np.float64), SMALL.train.y[:100],
                     SMALL.train.Y[:100].astype(np.float64))
    seen = []
    # one epoch, the whole set as one minibatch: its gradient does not depend on the order
    _, history = bp.train(start, train, None, lr=0.1, n_epochs=1, batch_size=100,
                          loss="cross_entropy", rng=rng, progress=False, inside=True,
                          callback=lambda epoch, h, params: seen.append(params))
    y_hat, cache = bp.forward(start, train.X)
    grads = bp.backward(start, cache, train.Y, loss="cross_entropy")
    assert history["grad_W1"][0] == pytest.approx(np.abs(grads["W1"]).mean(), rel=1e-9)
    assert history["grad_W2"][0] == pytest.approx(np.abs(grads["W2"]).mean(), rel=1e-9)
    u3 = cache["u3"]
    assert history["saturated_1"][0] == pytest.approx(np.mean(u3 * (1 - u3) < 0.01))
    assert history["saturated_2"][0] == pytest.approx(np.mean(y_hat * (1 - y_hat) < 0.01))
    # the callback got that epoch's weights: one SGD step from the start
    for key in start:
        np.testing.assert_allclose(seen[0][key], start[key] - 0.1 * grads[key], rtol=1e-9,
                                   atol=1e-12)


def test_without_inside_train_is_unchanged():
    rng = np.random.default_rng(0)
    calls = []
    _, history = bp.train(bp.init_params([784, 10, 10], rng), SMALL.train, None, lr=0.5,
                          n_epochs=2, rng=rng, progress=False,
                          callback=lambda *args: calls.append(len(args)))
    assert set(history) == {"train_loss", "train_acc", "val_loss", "val_acc"}
    assert calls == [2, 2]


def test_n01_initialisation_saturates_the_hidden_units():
    share = {}
    for init in ("normal_scaled", "normal"):
        rng = np.random.default_rng(0)
        _, history = bp.train(bp.init_params([784, 50, 10], rng, init=init), SMALL.train, None,
                              lr=0.5, n_epochs=2, loss="cross_entropy", rng=rng,
                              progress=False, inside=True)
        share[init] = history["saturated_1"][0]
    assert share["normal"] > 0.5 > 0.2 > share["normal_scaled"]


def test_the_inside_view_switch_runs_with_the_inside_recorded_and_draws_it():
    panel = widgets.playground(SMALL, n_epochs=3, hidden=20)
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
