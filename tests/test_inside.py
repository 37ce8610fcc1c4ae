"""Kernel tests for the "see inside the network" widgets (issue 11): the computations behind
the pictures, checked against independent references."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop as bp  # noqa: E402
from backprop import plots, widgets  # noqa: E402
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


def test_the_figure_highlights_the_step_and_writes_its_formula():
    steps = walkthrough()
    fig, ax = plots.backprop_step(steps, 12)  # d_u2
    texts = [t.get_text() for t in ax.texts]
    assert steps[12].formula in texts
    assert "backward pass, d_u2" in ax.get_title()
    orange = [p for p in ax.patches if p.get_facecolor()[:3] == matplotlib.colors.to_rgb(
        plots.STEP_COLORS["current"])]
    assert len(orange) == 1 and orange[0].get_x() == pytest.approx(
        plots.STEP_GRAPH["u2"][0] - plots.STEP_BOX[0] / 2)
    with pytest.raises(ValueError, match="index"):
        plots.backprop_step(steps, len(steps))
    plt.close("all")


def test_the_widget_walks_forward_and_back():
    panel = widgets.step_through()
    first = panel.image.value
    assert panel.index == 0 and panel.buttons["Back"].disabled
    panel.buttons["Next"].click()
    assert panel.index == 1 and "forward pass, u1" in panel.caption.value
    assert panel.image.value != first
    for _ in range(30):
        panel.buttons["Next"].click()
    assert panel.index == len(panel.steps) - 1 and panel.buttons["Next"].disabled
    assert "backward pass, d_W1" in panel.caption.value
    panel.buttons["Back"].click()
    assert "backward pass, d_b1" in panel.caption.value
    panel.buttons["Start"].click()
    assert panel.index == 0 and panel.image.value == first
