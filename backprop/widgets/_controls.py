"""The playground's setting controls, built from :mod:`backprop.settings` (notebook 02).

Each control's range or options is the setting's :data:`~backprop.settings.GRID`, and the
names students see are :data:`~backprop.settings.LOSS_LABELS`; a value given to the
playground must obey the setting's rule (:func:`~backprop.settings.check`, the words
``train`` uses) and lie on its control.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as W

from ..settings import GRID, check, on_grid
from ._common import options

CONTROL_CLASS = "bp-playground-"  # + the control's name: each control's stable class


def check_control(name: str, value: Any) -> Any:
    """``value`` if the playground's control ``name`` can take it, else raise, in words.

    Raises
    ------
    TypeError, ValueError
        As :func:`backprop.settings.check` (e.g. "lr must be a finite number > 0, got -1");
        ValueError also for a valid value off the control, e.g. "lr=100 lies off the
        playground's control: outside 0.0001 to 10".
    """
    check(name, value)
    why = on_grid(name, value)
    if why is not None:
        raise ValueError(f"{name}={value!r} lies off the playground's control: {why}")
    return value


def _exponents(low: float, high: float, factor: float) -> dict[str, float]:
    # GRID gives a log slider's ends and its step as a factor; the slider wants exponents
    return {key: round(math.log10(value), 10) for key, value in
            (("min", low), ("max", high), ("step", factor))}


def setting_controls(values: dict[str, Any]) -> dict[str, W.Widget]:
    """The widgets of ``lr``, ``hidden``, ``n_epochs``, ``batch_size``, ``loss`` and ``seed``,
    set to ``values`` (which :func:`check_control` has passed), by name. Each carries the
    class ``bp-playground-<name>`` (e.g. ``bp-playground-lr``).

    The initialisation's drop-down belongs to the inside view
    (:class:`~backprop.widgets._inside.InsidePanel`).
    """
    style = {"description_width": "initial"}

    def ints(name: str) -> dict[str, int]:
        low, high, step = GRID[name]
        return {"min": low, "max": high, "step": step}

    controls = {
        "lr": W.FloatLogSlider(value=values["lr"], base=10, **_exponents(*GRID["lr"]),
                               description="learning rate", readout_format=".3g",
                               continuous_update=False, style=style),
        "hidden": W.IntSlider(value=values["hidden"], **ints("hidden"),
                              description="hidden units", continuous_update=False,
                              style=style),
        "n_epochs": W.IntSlider(value=values["n_epochs"], **ints("n_epochs"),
                                description="epochs", continuous_update=False, style=style),
        "batch_size": W.Dropdown(options=options("batch_size"), value=values["batch_size"],
                                 description="batch size", style=style,
                                 layout=W.Layout(width="150px")),
        "loss": W.Dropdown(options=options("loss"), value=values["loss"], description="loss",
                           style=style, layout=W.Layout(width="210px")),
        "seed": W.BoundedIntText(value=values["seed"], **ints("seed"), description="seed",
                                 style=style, layout=W.Layout(width="130px")),
    }
    # A stable class per control (``bp-playground-lr``, ...): a page, a test or the classroom
    # benchmark finds the playground's own control by it, not by a description that another
    # panel (draw-a-digit's learning rate) may share.
    for name, widget in controls.items():
        widget.add_class(f"{CONTROL_CLASS}{name}")
    return controls
