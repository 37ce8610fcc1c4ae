"""What makes the panels accessible: named pictures, and a live region that speaks.

ipywidgets 8 has no ``alt`` for an Image, no name for a slider's handle and no live region.
:class:`Picture` is an Image that carries a text alternative (``alt``, sent as the Image's
``tooltip``, which the page shows as the image's ``title``, an accessible name even without
the helper below). :class:`Announcer` is an anywidget whose ES module (``static/a11y.js``,
shipped in the package) is a visually hidden polite live region and, for the panel it sits
in, puts each picture's text on its ``alt``, names each slider's handle after its label with
its read-out as value text, and marks the pressed view button.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as W
import traitlets

SR_ONLY = "bp-sr-only"  # style.css: on the page, but visually hidden (for screen readers)


class Picture(W.Image):
    """An ``ipywidgets.Image`` with a text alternative, ``alt``.

    ``alt`` is the Image's ``tooltip``. The empty ``description`` is synced only because
    ipywidgets' front end (8.1) reads a widget's description before it sets the tooltip as
    the element's title, and an Image has none: without it, a tooltip breaks the view.
    """

    description = traitlets.Unicode("").tag(sync=True)

    @property
    def alt(self) -> str:
        """The picture's text alternative: what a sighted student sees, in words."""
        return self.tooltip or ""

    @alt.setter
    def alt(self, text: str) -> None:
        self.tooltip = text


class Announcer(anywidget.AnyWidget):
    """A polite live region (visually hidden) and the panel's accessibility helper.

    :meth:`say` writes a sentence for screen readers to announce; the panel calls it only for
    what a student waits for (a run's start and end, a reading, a step), never every epoch.

    Attributes
    ----------
    announcement : str, the newest sentence; count : int, sentences said so far
    said : list of str, every sentence said (for tests and scripts)
    """

    _esm = Path(__file__).with_name("static") / "a11y.js"
    announcement = traitlets.Unicode("").tag(sync=True)
    count = traitlets.Int(0).tag(sync=True)

    def __init__(self) -> None:
        super().__init__()
        self.add_class(SR_ONLY).add_class("bp-a11y")
        self.said: list[str] = []

    def say(self, text: str) -> None:
        """Announce ``text`` (once, politely: after what the screen reader is saying)."""
        self.said.append(text)
        with self.hold_sync():
            self.announcement = text
            self.count += 1
