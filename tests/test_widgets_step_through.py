"""The step-through widget (backprop.widgets.StepThrough): Back, Next and Start walk the
hand example's steps and redraw both pictures."""

from backprop import widgets


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
