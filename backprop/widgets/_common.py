"""What the widgets share: the loss names students see, and rows that wrap."""

from __future__ import annotations

import ipywidgets as W

LOSSES = [("quadratic", "mse"), ("cross-entropy", "cross_entropy")]


def _describe(cfg: dict) -> str:
    loss = dict((v, k) for k, v in LOSSES)[cfg["loss"]]
    return (f"learning rate {cfg['lr']:.3g}, hidden units {cfg['hidden']}, "
            f"{cfg['n_epochs']} epochs, batch size {cfg['batch_size']}, {loss}, "
            f"seed {cfg['seed']}")


def _row(children: list) -> W.HBox:
    # rows wrap on a narrow screen instead of squeezing the sliders
    return W.HBox(children, layout=W.Layout(flex_flow="row wrap"))
