"""Drawn digits made MNIST-style (backprop.digits): boxed, centred by mass, read from the
canvas's PNG."""

import numpy as np
import pytest
from digit_helpers import ink_box, png_url, seven
from PIL import Image

from backprop import digits


def test_a_big_off_centre_stroke_comes_out_boxed_centred_and_in_range():
    ink = seven()
    x = digits.mnist_style(ink)
    assert x.shape == (784,) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() == pytest.approx(1.0)
    image = x.reshape(28, 28)
    height, width = ink_box(image)
    big_height, big_width = ink_box(ink)
    assert height in (19, 20)  # the longer side scaled to 20 (an edge pixel may be faint)
    assert abs(width - 20 * big_width / big_height) <= 1.5  # the aspect ratio kept
    r, c = digits.centre_of_mass(image)
    assert abs(r - digits.CENTRE) <= 0.5 and abs(c - digits.CENTRE) <= 0.5
    # anti-aliased: grey levels along the edges, not just black and white
    assert ((image > 0.1) & (image < 0.9)).sum() >= 10
    # the same digit drawn smaller elsewhere gives (nearly) the same 28x28 image
    other = digits.mnist_style(seven(canvas=600, box=(300, 350, 412, 515), width=13))
    assert np.corrcoef(other, x)[0, 1] > 0.85


def test_mnist_digits_blown_up_and_moved_come_back_as_they_were(small_mnist):
    correlations = []
    for image in small_mnist.train.X[:40]:
        big = np.asarray(Image.fromarray(image.reshape(28, 28), mode="F").resize(
            (280, 280), Image.Resampling.BILINEAR)).clip(0, 1)
        canvas = np.zeros((420, 420), dtype=np.float32)
        canvas[10:290, 130:410] = big
        correlations.append(np.corrcoef(digits.mnist_style(canvas), image)[0, 1])
    assert np.median(correlations) > 0.9 and min(correlations) > 0.5


def test_the_centre_is_where_mnist_puts_its_centres_of_mass(small_mnist):
    centres = np.array([digits.centre_of_mass(x.reshape(28, 28)) for x in small_mnist.train.X])
    assert np.allclose(centres.mean(axis=0), digits.CENTRE, atol=0.1)


def test_an_empty_drawing_is_all_zeros_and_bad_input_a_clear_error():
    assert not digits.mnist_style(np.zeros((280, 280))).any()
    with pytest.raises(ValueError, match="2-D"):
        digits.mnist_style(np.zeros(784))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        digits.mnist_style(np.full((10, 10), 255.0))
    with pytest.raises(ValueError, match="data:image/png"):
        digits.ink_from_png("data:text/plain;base64,AAAA")


def test_ink_from_png_reads_the_canvas_alpha():
    ink = seven(canvas=280, box=(20, 20, 200, 250), width=20)
    assert np.abs(digits.ink_from_png(png_url(ink)) - ink).max() <= 1 / 255 + 1e-6
