"""What the widgets share: the drop-downs' options, rows that wrap, and the stylesheet."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import ipywidgets as W

from ..settings import GRID, INIT_LABELS, LOSS_LABELS

PANEL_CLASS = "bp-panel"  # every panel carries it; style.css is scoped to it
# The settings whose drop-down shows a label instead of the value train() takes.
LABELS = {"loss": LOSS_LABELS, "init": INIT_LABELS}


def options(name: str) -> list[Any]:
    """A drop-down's options for the setting ``name``, in the order of ``settings.GRID``.

    ``(label, value)`` pairs for the loss and the initialisation (students see
    "cross-entropy", ``train`` gets ``"cross_entropy"``), the plain values otherwise.
    """
    labels = LABELS.get(name)
    return [(labels[value], value) if labels else value for value in GRID[name]]


def describe(cfg: dict) -> str:
    """A run's settings in words, as the status line says them."""
    return (f"learning rate {cfg['lr']:.3g}, hidden units {cfg['hidden']}, "
            f"{cfg['n_epochs']} epochs, batch size {cfg['batch_size']}, "
            f"{LOSS_LABELS[cfg['loss']]}, seed {cfg['seed']}")


def row(children: list) -> W.HBox:
    """Widgets side by side in a row that wraps."""
    # rows wrap on a narrow screen instead of squeezing the sliders
    return W.HBox(children, layout=W.Layout(flex_flow="row wrap", max_width="100%")).add_class(
        "bp-row")


def plots_row(images: list[W.Image]) -> W.Box:
    """Pictures in a row that wraps: side by side on a wide panel, stacked on a phone."""
    for image in images:
        image.add_class("bp-plot")
    return W.Box(images, layout=W.Layout(flex_flow="row wrap", max_width="100%")).add_class(
        "bp-plots")


def put_pngs(images: dict, pngs, alts=None) -> None:
    """Show the pictures ``pngs`` (bytes) in the image widgets ``images``, in order, each
    with its text alternative from ``alts`` (str, what the picture shows, in words)."""
    alts = [None] * len(images) if alts is None else alts
    for image, png, alt in zip(images.values(), pngs, alts, strict=True):
        with image.hold_sync():  # picture and words in one message
            image.value = png
            if alt is not None:
                image.alt = alt


@cache
def _css() -> str:
    return resources.files(__package__).joinpath("style.css").read_text(encoding="utf-8")


def style_widget() -> W.HTML:
    """The package's stylesheet (style.css) as a hidden widget, so that the page needs no CDN.

    A <style> element applies to the whole page, wherever it sits, even in a hidden box;
    every rule in it is scoped to :data:`PANEL_CLASS`.
    """
    return W.HTML(f"<style>{_css()}</style>", layout=W.Layout(display="none")).add_class(
        "bp-style")
