"""Draw a digit (backprop.widgets.DrawDigit): a stroke is read and shown, one step is backward
on that one example, the network comes from the playground or is trained at first use."""

import numpy as np
import pytest
from digit_helpers import png_url, seven

import backprop as bp
from backprop import digits, widgets


@pytest.fixture(scope="module")
def trained(small_mnist):
    rng = np.random.default_rng(0)
    params, _ = bp.train(bp.init_params([784, 30, 10], rng), small_mnist.train, None, lr=0.5,
                         n_epochs=5, loss="cross_entropy", rng=rng, progress=False)
    return params


def _stroke(panel, ink):
    panel.canvas.png = png_url(ink)
    panel.canvas.strokes += 1  # what the canvas does when a stroke ends


def test_a_stroke_is_read_and_shown(trained):
    panel = widgets.draw_digit(trained)
    empty = {name: image.value for name, image in panel.images.items()}
    _stroke(panel, seven())
    assert panel.x.any()
    assert all(image.value != empty[name] for name, image in panel.images.items())
    y_hat, hidden = panel.read()
    expected, cache = bp.forward(trained, digits.mnist_style(seven())[None])
    np.testing.assert_allclose(y_hat, expected[0], rtol=1e-6)
    assert hidden.shape == (30,)
    assert f"prediction: <b>{int(np.argmax(expected))}</b>" in panel.status.value
    panel.clear()
    assert not panel.x.any() and panel.canvas.png == "" and panel.canvas.clears == 1


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_one_step_is_backward_on_that_one_example(trained, loss):
    panel = widgets.draw_digit(trained, loss=loss)
    _stroke(panel, seven())
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


def test_the_network_comes_from_the_playground_when_given_one(small_mnist):
    source = widgets.playground(small_mnist, n_epochs=2, hidden=15)
    panel = widgets.draw_digit(source=source, data=small_mnist)
    source.start()
    source.wait()
    _stroke(panel, seven())
    run = source.runs[-1]
    assert run.outcome == "finished" and panel.params["W1"].shape == (784, 15)
    np.testing.assert_array_equal(panel.trained["W1"], run.params["W1"])
    assert "playground&#x27;s last run" in panel.status.value


def test_without_a_network_one_is_trained_at_the_first_stroke(small_mnist):
    panel = widgets.draw_digit(data=small_mnist)
    assert panel.params is None and "trained" in panel.status.value
    _stroke(panel, seven())
    assert panel.params["W1"].shape == (784, 110) and "trained just now" in panel.status.value
