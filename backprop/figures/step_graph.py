"""Backprop step by step on the 2-2-1 hand example (notebook 01, the step-through widget).

:func:`backprop_step` draws one step of :func:`backprop.walkthrough.walkthrough` on the
computational graph, wide (the chain left to right) or narrow (top to bottom, for a phone);
:func:`describe_step` says what it shows, in words (a page's text alternative).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.patches import FancyBboxPatch

from .style import PANEL_WIDTH, figure_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..walkthrough import Step

STEP_GRAPH = {  # node: (x, y) centre, in data units; the main chain below, parameters above
    name: (1.6 * i, 0.0) for i, name in enumerate(["x", "u1", "u2", "u3", "u4", "u5", "y_hat",
                                                    "L"])
} | {"W1": (1.6, 1.75), "b1": (3.2, 1.75), "W2": (6.4, 1.75), "b2": (8.0, 1.75),
     "y": (11.2, 1.75)}
STEP_EDGES = (("x", "u1"), ("W1", "u1"), ("u1", "u2"), ("b1", "u2"), ("u2", "u3"),
              ("u3", "u4"), ("W2", "u4"), ("u4", "u5"), ("b2", "u5"), ("u5", "y_hat"),
              ("y_hat", "L"), ("y", "L"))
STEP_LABELS = {"W1": "w1", "W2": "w2", "y_hat": "ŷ", "y": "y (target)"}
STEP_BOX = (1.4, 1.2)  # width, height of a node
STEP_SIZE = (12.5, 4.2)  # inches
# The same graph for a phone: the chain top to bottom, each parameter beside the node it
# feeds, drawn 360 px wide (at 100 dpi) so that its text is as large as the wide graph's.
STEP_GRAPH_NARROW = {
    name: (0.0, -1.2 * i) for i, name in enumerate(["x", "u1", "u2", "u3", "u4", "u5",
                                                      "y_hat", "L"])
}
STEP_GRAPH_NARROW |= {param: (1.75, STEP_GRAPH_NARROW[node][1]) for param, node in
                      (("W1", "u1"), ("b1", "u2"), ("W2", "u4"), ("b2", "u5"), ("y", "L"))}
STEP_BOX_NARROW = (1.4, 1.0)  # its nodes hold at most five lines: less room than the wide
STEP_LIMITS = {"wide": ((-0.8, 12.0), (-1.5, 2.45)), "narrow": ((-0.78, 2.53), (-8.98, 0.58))}
_NARROW_X, _NARROW_Y = STEP_LIMITS["narrow"]
STEP_SIZE_NARROW = (PANEL_WIDTH / 100, PANEL_WIDTH / 100 * (_NARROW_Y[1] - _NARROW_Y[0])
                    / (_NARROW_X[1] - _NARROW_X[0]))  # inches, at 100 dpi
STEP_COLORS = {"current": "#ffb74d", "input": "#fff1c1", "other": "white",
               "forward": "#e65100", "backward": "#c62828"}


def _step_value_lines(value) -> list[str]:
    """A node's value in lines of at most ~18 characters, rounded to 4 decimals."""
    def num4(v: float) -> str:
        text = f"{float(v):.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    a = np.atleast_2d(np.asarray(value, dtype=float))
    if a.size == 1:
        return [num4(a.item())]
    if a.shape[0] == 1 or a.shape[1] == 1:
        return ["(" + ", ".join(num4(v) for v in a.ravel()) + ")"]
    return [", ".join(num4(v) for v in row) for row in a]


def backprop_step(steps: Sequence[Step], index: int, *, ax: Axes | None = None,
                  title: str | None = None, layout: str = "wide",
                  formula: bool = True) -> tuple[Figure, Axes]:
    """Draw step ``index`` of :func:`backprop.walkthrough.walkthrough` on the 2-2-1 graph.

    Every node shows its value once the forward pass has reached it and its gradient (in
    red, ``d = ...``) once the backward pass has; the step's node is orange, the nodes it
    reads are pale yellow and the edges between them are thick (arrows against the flow in
    the backward pass). The step's formula, with the hand-worked table's numbers (6
    decimals), is written below the graph; the boxes round to 4 decimals.

    Parameters
    ----------
    steps : list of backprop.walkthrough.Step
    index : int, 0 <= index < len(steps)
    ax : matplotlib Axes, optional
    title : str, optional; default "step i of n: ..." ("" for none)
    layout : {"wide", "narrow"}, the chain left to right with the parameters above it, or
        top to bottom with the parameters beside it (:data:`STEP_SIZE_NARROW`, for a phone)
    formula : bool, write the step's formula below the wide graph (the narrow one has no
        room for it; a widget shows it as text)

    Returns
    -------
    fig, ax
    """
    if not 0 <= index < len(steps):
        raise ValueError(f"index must be in [0, {len(steps) - 1}], got {index!r}")
    if layout not in STEP_LIMITS:
        raise ValueError(f"layout must be 'wide' or 'narrow', got {layout!r}")
    graph = STEP_GRAPH if layout == "wide" else STEP_GRAPH_NARROW
    fig, ax = figure_axes(ax, figsize=STEP_SIZE if layout == "wide" else STEP_SIZE_NARROW)
    step = steps[index]
    values = dict(steps[0].given)  # x, the parameters and the target, known from the start
    grads: dict[str, np.ndarray] = {}
    for s in steps[1:index + 1]:
        (values if s.phase == "forward" else grads)[s.node] = s.value
    w, h = STEP_BOX if layout == "wide" else STEP_BOX_NARROW
    # The values' size: the wide graph (1250 px at 100 dpi) is shown shrunk to a notebook's
    # column (~900 px: x 0.72), so its values are drawn at 10 pt to be read at 7 pt; the
    # narrow one is shown at its drawn size (360 px) and has less room.
    value_size = 10 if layout == "wide" else 8
    phase_color = STEP_COLORS["backward" if step.phase == "backward" else "forward"]
    for a, b in STEP_EDGES:
        (xa, ya), (xb, yb) = graph[a], graph[b]
        if ya == yb:  # side by side: from a's edge facing b to b's edge facing a
            side = w / 2 if xb > xa else -w / 2
            start, end = (xa + side, ya), (xb - side, yb)
        else:  # one above the other
            side = h / 2 if yb > ya else -h / 2
            start, end = (xa, ya + side), (xb, yb - side)
        lit = step.node in (a, b) and {a, b} & set(step.inputs)
        if lit and step.phase == "backward":
            start, end = end, start
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", lw=3 if lit else 1,
                                    color=phase_color if lit else "0.55",
                                    shrinkA=0, shrinkB=0))
    for node, (cx, cy) in graph.items():
        role = "current" if node == step.node else "input" if node in step.inputs else "other"
        ax.add_patch(FancyBboxPatch(
            (cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=STEP_COLORS[role], edgecolor=phase_color if role == "current" else "0.3",
            lw=2.5 if role == "current" else 1, zorder=2))
        ax.text(cx, cy + h / 2 - 0.07, STEP_LABELS.get(node, node), ha="center", va="top",
                fontsize=10, fontweight="bold", zorder=3)
        lines = _step_value_lines(values[node]) if node in values else ["?"]
        ax.text(cx, cy + h / 2 - 0.32, "\n".join(lines), ha="center", va="top",
                fontsize=value_size, linespacing=1.2, zorder=3, color="0.15")
        if node in grads:  # below the value, in red
            grad = _step_value_lines(grads[node])
            grad = [f"d = {grad[0]}"] if len(grad) == 1 and len(grad[0]) < 10 else ["d ="] + grad
            ax.text(cx, cy + h / 2 - 0.32, "\n" * len(lines) + "\n".join(grad), ha="center",
                    va="top", fontsize=value_size, linespacing=1.2, zorder=3,
                    color=STEP_COLORS["backward"])
    if formula and layout == "wide":  # (the narrow graph has no room for it under the chain)
        ax.text(5.6, -1.1, step.formula, ha="center", va="center", fontsize=10.5,
                bbox=dict(boxstyle="round,pad=0.45", facecolor="#f5f5f5",
                          edgecolor=phase_color if step.phase != "start" else "0.5"))
    xlim, ylim = STEP_LIMITS[layout]
    if layout == "wide" and not formula:
        ylim = (-0.75, ylim[1])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        kind = {"start": "the hand example", "forward": "forward pass",
                "backward": "backward pass"}[step.phase]
        name = {"y_hat": "ŷ"}.get(step.name, step.name)
        title = f"Step {index} of {len(steps) - 1}: {kind}" + (
            f", {name}" if step.phase != "start" else "")
    if title:
        ax.set_title(title, fontsize=12)
    return fig, ax


def describe_step(steps: Sequence[Step], index: int) -> str:
    """What :func:`backprop_step` shows for step ``index``, in words, with its numbers: a
    text alternative for the picture of the graph (either layout).

    E.g. "Backprop on the 2-2-1 graph, step 3 of 14, forward pass: u3 computed from u2
    (highlighted): u3 = sigma(u2) = (0.5987, 0.4502). Values known: x, w1, b1, w2, b2,
    y (target), u1, u2, u3; gradients known: none yet."
    """
    if not 0 <= index < len(steps):
        raise ValueError(f"index must be in [0, {len(steps) - 1}], got {index!r}")
    step = steps[index]

    def name(node: str) -> str:
        return STEP_LABELS.get(node, node)

    values = list(steps[0].given)
    grads = []
    for s in steps[1:index + 1]:
        (values if s.phase == "forward" else grads).append(s.node)
    head = f"Backprop on the 2-2-1 graph, step {index} of {len(steps) - 1}"
    if step.phase == "start":
        what = ("the hand example before any step: the input, the weights, the biases and the "
                "target are known")
    else:
        kind = "forward pass" if step.phase == "forward" else "backward pass, gradient of"
        reads = ", ".join(name(n) for n in step.inputs) or "nothing"
        value = "; ".join(_step_value_lines(step.value))
        what = (f"{kind} {name(step.node)}, computed from {reads} (highlighted): "
                f"{step.formula}; the box now shows {value}")
    known = ", ".join(dict.fromkeys(name(n) for n in values))
    dknown = ", ".join(dict.fromkeys(name(n) for n in grads)) or "none yet"
    return f"{head}, {what}. Values known: {known}; gradients known: {dknown}."
