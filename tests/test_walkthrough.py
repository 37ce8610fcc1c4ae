"""The 2-2-1 hand example walked through backprop (backprop.walkthrough, notebook 01),
checked against the hand-worked table and the package's forward and backward."""

import numpy as np
import pytest

import backprop as bp
from backprop.walkthrough import hand_example, num6, walkthrough

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
