"""A drawing canvas for one digit: an anywidget whose ES module ships in the package."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets


class DigitCanvas(anywidget.AnyWidget):
    """A square canvas to draw on with a mouse, a finger or a pen.

    Strokes are drawn in the browser; when one ends, the whole drawing arrives in the
    kernel as ``png`` (a ``data:image/png;base64`` URL, strokes opaque on a transparent
    background) and ``strokes`` counts up. :meth:`clear` wipes it.

    Attributes
    ----------
    png : str, the drawing, "" when empty
    strokes : int, strokes drawn since the widget was made
    size : int, pixels per side; pen_width : float, pixels
    """

    _esm = Path(__file__).with_name("static") / "digit_canvas.js"
    png = traitlets.Unicode("").tag(sync=True)
    strokes = traitlets.Int(0).tag(sync=True)
    clears = traitlets.Int(0).tag(sync=True)
    size = traitlets.Int(280).tag(sync=True)
    pen_width = traitlets.Float(22.0).tag(sync=True)

    def clear(self) -> None:
        """Wipe the drawing, in the browser and here."""
        self.png = ""
        self.clears += 1
