"""A digit drawn by hand, prepared the way the MNIST digits were (notebook 04, "Draw a digit").

MNIST's digits were made from NIST's black-and-white scans in three steps (LeCun et al.,
"The MNIST database"): the digit's bounding box was scaled to fit a 20x20 box keeping its
aspect ratio, with anti-aliasing (so edges become grey levels); the result was put in a
28x28 image so that its centre of mass lies at the centre; and the pixels are ink
intensities, 0 for the background. :func:`mnist_style` does the same to a drawing, and
returns the row of 784 pixels in :func:`backprop.load_mnist`'s scale ([0, 1], the darkest
stroke at 1, as in almost every MNIST image).
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

BOX = 20  # the bounding box is scaled to fit BOX x BOX pixels
SIDE = 28  # in an image of SIDE x SIDE pixels
INK = 0.05  # a pixel with less ink than this does not count for the bounding box
CENTRE = 14.0  # where MNIST's centres of mass lie, in pixel indices (row and column): the
# mean over the 3000 training images is (13.99, 14.00), spread 0.28 (tests/test_inside.py)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """``(row, column)`` of the intensity-weighted mean pixel position of a 2-D image."""
    total = image.sum()
    if total <= 0:
        raise ValueError("the image has no ink: its centre of mass is undefined")
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def mnist_style(ink: np.ndarray) -> np.ndarray:
    """A drawn digit as MNIST would have it: boxed in 20x20, centred by mass in 28x28.

    Parameters
    ----------
    ink : ndarray, shape (h, w), values in [0, 1]
        The drawing's ink: 0 where nothing is drawn, 1 for full ink (e.g. a canvas's alpha
        channel / 255). Any size; usually a 280x280 canvas.

    Returns
    -------
    x : ndarray, float32, shape (784,)
        The 28x28 image, row by row, in [0, 1] with its maximum at 1 (all zeros if nothing
        is drawn): the row :func:`backprop.forward` takes, in the training data's scale.
    """
    ink = np.asarray(ink, dtype=np.float64)
    if ink.ndim != 2 or min(ink.shape) < 1:
        raise ValueError(f"ink must be a 2-D image, got shape {ink.shape}")
    if not np.isfinite(ink).all() or ink.min() < 0 or ink.max() > 1:
        raise ValueError("ink must hold finite values in [0, 1]")
    rows = np.flatnonzero((ink > INK).any(axis=1))
    cols = np.flatnonzero((ink > INK).any(axis=0))
    if rows.size == 0:
        return np.zeros(SIDE * SIDE, dtype=np.float32)
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    # scale the longer side to BOX pixels, the shorter in proportion; area averaging (BOX
    # resampling) when shrinking is the anti-aliasing: each new pixel is its area's mean ink
    scale = BOX / max(crop.shape)
    height = max(1, round(crop.shape[0] * scale))
    width = max(1, round(crop.shape[1] * scale))
    method = Image.Resampling.BOX if scale <= 1 else Image.Resampling.BILINEAR
    small = np.asarray(Image.fromarray(crop.astype(np.float32), mode="F").resize(
        (width, height), method), dtype=np.float64).clip(0, 1)
    if small.max() <= 0:
        return np.zeros(SIDE * SIDE, dtype=np.float32)
    small /= small.max()  # the darkest stroke at 1, as in the training data
    # put the box where its centre of mass lands on MNIST's, to the nearest pixel, keeping
    # the whole box inside the image
    r, c = centre_of_mass(small)
    top = int(np.clip(round(CENTRE - r), 0, SIDE - height))
    left = int(np.clip(round(CENTRE - c), 0, SIDE - width))
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    out[top:top + height, left:left + width] = small
    return out.ravel()


def ink_from_png(data: bytes | str) -> np.ndarray:
    """The ink of a PNG drawing (bytes, or a ``data:image/png;base64,...`` URL), (h, w) in [0, 1].

    Ink is the alpha channel (a canvas draws opaque strokes on a transparent background);
    an image without alpha counts dark pixels as ink (1 - grey level).
    """
    if isinstance(data, str):
        head, _, body = data.partition(",")
        if not head.startswith("data:image/png;base64"):
            raise ValueError("expected a data:image/png;base64 URL")
        data = base64.b64decode(body)
    with Image.open(io.BytesIO(data)) as image:
        if image.mode in ("RGBA", "LA") or "transparency" in image.info:
            return np.asarray(image.convert("RGBA"), dtype=np.float32)[:, :, 3] / 255
        return 1 - np.asarray(image.convert("L"), dtype=np.float32) / 255
