"""Helpers for the figure tests: PNG bytes read back, pieces checked against their panels."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

import backprop as bp


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG."""
    return Image.open(io.BytesIO(png)).size


def png_pixels(png: bytes) -> np.ndarray:
    """The pixels of a PNG, (height, width, 3) uint8."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def assert_inside_its_panel(fig, panels) -> None:
    """Every label, tick and title of a piece lies inside that piece: nothing is cut off, and
    nothing of one piece reaches into the next (each is sent as a picture of its own)."""
    renderer = fig.canvas.get_renderer()
    for panel in panels:
        inside, outer = panel.get_tightbbox(renderer), panel.bbox
        assert outer.x0 - 0.5 <= inside.x0 and inside.x1 <= outer.x1 + 0.5, (inside, outer)
        assert outer.y0 - 0.5 <= inside.y0 and inside.y1 <= outer.y1 + 0.5, (inside, outer)


def inside_run(data, n: int = 3) -> tuple[dict, dict]:
    """``params, history`` of a 784-20-10 network trained ``n`` epochs on ``data.train``
    with the inside recorded (``train(inside=True)``), always the same."""
    rng = np.random.default_rng(0)
    return bp.train(bp.init_params([784, 20, 10], rng), data.train, None, lr=0.5,
                    n_epochs=n, loss="cross_entropy", rng=rng, progress=False, inside=True)
