"""Step through backprop on notebook 01's 2-2-1 hand example, with Back and Next."""

from __future__ import annotations

import html
import io
from typing import Any

import ipywidgets as W
from matplotlib.figure import Figure

from .. import figures
from ..walkthrough import walkthrough
from ._a11y import Announcer, Picture
from ._common import PANEL_CLASS, row, style_widget


class StepThrough(W.VBox):
    """The 2-2-1 network as a graph; Next walks the forward pass, then the backward pass.

    Each step highlights the node computed and the nodes it reads, writes the value (forward)
    or the gradient (backward, in red) on it and shows the one formula used, with numbers.
    The numbers are notebook 01's hand-worked table (see :mod:`backprop.walkthrough`).

    Parameters
    ----------
    params, x, y : optional, as for :func:`backprop.walkthrough.walkthrough`

    Attributes
    ----------
    steps : list of backprop.walkthrough.Step
    index : int, the step shown
    buttons : dict of the Start, Back and Next buttons
    caption : ipywidgets.HTML, "step i of n: forward pass, u3" and the formula
    images : dict of two Pictures (ipywidgets.Image with a text alternative ``alt``, from
        :func:`backprop.figures.describe_step`), the graph as PNGs: ``wide`` (left to right, with
        the formula) and ``narrow`` (top to bottom, 360 px wide, for a phone); the page
        shows the one that fits the panel's width (style.css), the other is hidden
    image : the wide one
    announcer : Announcer, a visually hidden live region that says each new step
    """

    def __init__(self, params: dict | None = None, x: Any = None, y: Any = None):
        self.steps = walkthrough(params, x, y)
        self.index = 0
        self.buttons = {name: W.Button(description=name, layout=W.Layout(width="90px"))
                        for name in ("Start", "Back", "Next")}
        self.buttons["Next"].button_style = "primary"
        self.buttons["Start"].on_click(lambda _: self.show(0))
        self.buttons["Back"].on_click(lambda _: self.show(self.index - 1))
        self.buttons["Next"].on_click(lambda _: self.show(self.index + 1))
        self.caption = W.HTML().add_class("bp-step-caption")
        self.images = {
            layout: Picture(format="png", layout=W.Layout(max_width="100%", height="auto"))
            .add_class("bp-step-plot").add_class(f"bp-step-{layout}")
            for layout in ("wide", "narrow")}
        self.image = self.images["wide"]
        self.announcer = Announcer()  # a screen reader hears each new step's caption
        super().__init__([row(list(self.buttons.values())), self.caption,
                          *self.images.values(), self.announcer, style_widget()],
                         layout=W.Layout(max_width="100%"))
        self.add_class("bp-step-through").add_class(PANEL_CLASS)
        self.show(0, say=False)

    def show(self, index: int, say: bool = True) -> None:
        """Show step ``index`` (clipped to the first and last step); with ``say``, a screen
        reader announces its caption."""
        self.index = min(max(int(index), 0), len(self.steps) - 1)
        step = self.steps[self.index]
        phase = {"start": "start", "forward": "forward pass",
                 "backward": "backward pass"}[step.phase]
        what = "" if step.phase == "start" else f", {step.name}"
        self.caption.value = (f"<b>step {self.index} of {len(self.steps) - 1}: {phase}{what}"
                              f"</b> &nbsp; {html.escape(step.formula)}")
        alt = figures.describe_step(self.steps, self.index)
        for layout, image in self.images.items():
            with image.hold_sync():
                image.value = self._png(layout)
                image.alt = alt
        if say:
            self.announcer.say(f"step {self.index} of {len(self.steps) - 1}: {phase}{what}: "
                               f"{step.formula}")
        self.buttons["Back"].disabled = self.buttons["Start"].disabled = self.index == 0
        self.buttons["Next"].disabled = self.index == len(self.steps) - 1

    def _png(self, layout: str) -> bytes:
        if layout == "wide":
            fig = Figure(figsize=figures.STEP_SIZE, dpi=100, layout="constrained")
            ax = fig.add_subplot()
        else:  # no title, no formula: the caption above says both
            fig = Figure(figsize=figures.STEP_SIZE_NARROW, dpi=100)
            ax = fig.add_axes((0, 0, 1, 1))
        figures.backprop_step(self.steps, self.index, ax=ax, layout=layout,
                              title=None if layout == "wide" else "")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)  # no pyplot: nothing for the inline backend
        return buffer.getvalue()


def step_through(params: dict | None = None, x: Any = None, y: Any = None) -> StepThrough:
    """A :class:`StepThrough` on notebook 01's hand example (or ``params, x, y``)."""
    return StepThrough(params, x, y)
