"""What the widgets share: the loss names students see, rows that wrap, and the stylesheet."""

from __future__ import annotations

from functools import cache
from importlib import resources

import ipywidgets as W

LOSSES = [("quadratic", "mse"), ("cross-entropy", "cross_entropy")]
PANEL_CLASS = "bp-panel"  # every panel carries it; style.css is scoped to it


def _describe(cfg: dict) -> str:
    loss = dict((v, k) for k, v in LOSSES)[cfg["loss"]]
    return (f"learning rate {cfg['lr']:.3g}, hidden units {cfg['hidden']}, "
            f"{cfg['n_epochs']} epochs, batch size {cfg['batch_size']}, {loss}, "
            f"seed {cfg['seed']}")


def _row(children: list) -> W.HBox:
    # rows wrap on a narrow screen instead of squeezing the sliders
    return W.HBox(children, layout=W.Layout(flex_flow="row wrap", max_width="100%")).add_class(
        "bp-row")


def _plots(images: list[W.Image]) -> W.Box:
    """Pictures in a row that wraps: side by side on a wide panel, stacked on a phone."""
    for image in images:
        image.add_class("bp-plot")
    return W.Box(images, layout=W.Layout(flex_flow="row wrap", max_width="100%")).add_class(
        "bp-plots")


def _put(images: dict, pngs) -> None:
    """Show the pictures ``pngs`` (bytes) in the image widgets ``images``, in order."""
    for image, png in zip(images.values(), pngs, strict=True):
        image.value = png


@cache
def _css() -> str:
    return resources.files(__package__).joinpath("style.css").read_text(encoding="utf-8")


def _style() -> W.HTML:
    """The package's stylesheet (style.css) as a hidden widget, so that the page needs no CDN.

    A <style> element applies to the whole page, wherever it sits, even in a hidden box;
    every rule in it is scoped to :data:`PANEL_CLASS`.
    """
    return W.HTML(f"<style>{_css()}</style>", layout=W.Layout(display="none")).add_class(
        "bp-style")
