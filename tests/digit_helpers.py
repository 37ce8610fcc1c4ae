"""Digits drawn for the tests: a thick off-centre 7, its ink box, the canvas's PNG."""

import base64
import io

import numpy as np
from PIL import Image, ImageDraw

from backprop import digits


def seven(canvas=400, box=(30, 20, 255, 330), width=26) -> np.ndarray:
    """Ink of a thick "7" drawn off-centre (top left) and far bigger than 20 pixels."""
    image = Image.new("L", (canvas, canvas), 0)
    left, top, right, bottom = box
    pen = ImageDraw.Draw(image)
    pen.line([(left, top), (right, top), ((left + right) / 2, bottom)], fill=255, width=width,
             joint="curve")
    return np.asarray(image, dtype=np.float32) / 255


def ink_box(image: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero((image > digits.INK).any(axis=1))
    cols = np.flatnonzero((image > digits.INK).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def png_url(ink: np.ndarray) -> str:
    rgba = np.zeros((*ink.shape, 4), dtype=np.uint8)
    rgba[..., 3] = np.round(ink * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
