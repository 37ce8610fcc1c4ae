"""Every training setting in one place: the default run, the labels students see, each rule.

The same facts used to be written in several places (the playground, draw-a-digit, the
sweeps, the URL presets, ``train``); now they all read them from here:

* :data:`DEFAULT_RUN` is the run the playground and draw-a-digit start from;
  :data:`SWEEP_DEFAULTS` completes a sweep's configurations (the report's 100 epochs of the
  quadratic loss). Changing the default learning rate is one line below.
* :data:`LOSS_LABELS` and :data:`INIT_LABELS` are the names a student sees for each loss and
  initialisation.
* :func:`check` holds each setting's rule. ``train()``, ``init_params()``, the sweeps, the
  playground and its URL presets call it, so the same bad value is rejected with the same
  words everywhere. :data:`GRID` is the range of each control (a slider's ends, a drop-down's
  options): a value can obey the rule and still lie off the controls' grid.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

LOSSES = ("mse", "cross_entropy")
INITS = ("normal_scaled", "normal")

LOSS_LABELS = {"mse": "quadratic", "cross_entropy": "cross-entropy"}
INIT_LABELS = {"normal_scaled": "N(0, 1/n_in)", "normal": "N(0, 1): saturates"}
# Other spellings a teacher may type in a URL, e.g. ?loss=ce
LOSS_ALIASES = {"cross-entropy": "cross_entropy", "ce": "cross_entropy", "quadratic": "mse"}

DEFAULT_RUN: dict[str, Any] = {
    "hidden": 110,  # the report's network: 784-110-10
    "lr": 0.5,
    "n_epochs": 20,
    "batch_size": 10,
    "loss": "cross_entropy",
    "init": "normal_scaled",
    "seed": 0,
}
SWEEP_DEFAULTS: dict[str, Any] = {
    **DEFAULT_RUN,
    "n_epochs": 100,  # the report's runs
    "loss": "mse",  # the report's loss
    "n_train": 3000,
    "n_val": 10000,
}

# The playground's live runs measure each epoch on fixed subsets, the first LIVE_VAL_IMAGES
# validation images and the first LIVE_TRAIN_IMAGES training images (less CPU per run, so a
# class's runs finish sooner), and their last epoch on all of them when the run ends: the
# final numbers are always the full splits'. bp.train and the notebooks measure on
# everything they are given.
LIVE_VAL_IMAGES = 2000
LIVE_TRAIN_IMAGES = 1000

# The controls' grid: (lowest, highest, step) of a slider, or a drop-down's options.
GRID: dict[str, tuple] = {
    "lr": (1e-4, 10.0, 10 ** 0.1),  # a log slider: the step is a factor
    "hidden": (5, 300, 5),
    "n_epochs": (1, 200, 1),
    "batch_size": (1, 5, 10, 20, 50, 100),
    "seed": (0, 10**6, 1),
    "loss": LOSSES,
    "init": INITS,
}
CHOICES = {"batch_size", "loss", "init"}  # settings whose GRID lists options, not a range

# name: (integer?, lowest, lowest excluded?) for numbers; the choices for the others
_NUMBER_RULES = {
    "lr": (False, 0, True),
    "hidden": (True, 1, False),
    "n_epochs": (True, 0, False),
    "batch_size": (True, 1, False),
    "seed": (True, 0, False),
    "n_train": (True, 1, False),
    "n_val": (True, 0, False),
}
_CHOICE_RULES = {"loss": LOSSES, "init": INITS}
NAMES = (*_NUMBER_RULES, *_CHOICE_RULES)


def check(name: str, value: Any) -> Any:
    """Return ``value`` if it obeys the rule of the setting ``name``; else raise, in words.

    The rules: ``lr`` a finite number > 0; ``hidden``, ``batch_size``, ``n_train`` ints >= 1;
    ``n_epochs``, ``seed``, ``n_val`` ints >= 0; ``loss`` one of :data:`LOSSES`; ``init`` one
    of :data:`INITS`.

    Raises
    ------
    TypeError
        For a value of the wrong kind, e.g. ``"n_epochs must be an int, got 2.5"``.
    ValueError
        For a value out of range, e.g. ``"lr must be a finite number > 0, got -1"``, or an
        unknown ``name``.
    """
    if name in _CHOICE_RULES:
        choices = _CHOICE_RULES[name]
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"{name} must be one of {choices}, got {value!r}")
        return value
    if name not in _NUMBER_RULES:
        raise ValueError(f"unknown setting {name!r}; the settings are {list(NAMES)}")
    integer, minimum, strict = _NUMBER_RULES[name]
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds):
        kind = "an int" if integer else "a number"
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if not math.isfinite(value) or value < minimum or (strict and value == minimum):
        op = ">" if strict else ">="
        raise ValueError(f"{name} must be a finite number {op} {minimum}, got {value!r}")
    return value


def check_hidden(hidden: Any) -> int | list[int]:
    """``hidden`` checked: an int >= 1, or a list of them for several hidden layers."""
    if isinstance(hidden, (list, tuple)):
        if not hidden:
            raise ValueError("hidden must be an int >= 1 or a non-empty list of them, got []")
        return [int(check("hidden", h)) for h in hidden]
    return int(check("hidden", hidden))


def on_grid(name: str, value: Any) -> str | None:
    """``None`` if ``value`` lies on the controls' grid of ``name``, else why not (words).

    For a value that already obeys :func:`check`: the controls offer a range of it only.
    """
    grid = GRID[name]
    if name in CHOICES:
        return None if value in grid else f"not one of {', '.join(map(str, grid))}"
    low, high = grid[0], grid[1]
    return None if low <= value <= high else f"outside {low:g} to {high:g}"


def parse(name: str, text: str) -> Any:
    """A setting typed as text (a URL's ``?lr=0.01``), checked by its rule and the grid.

    Raises
    ------
    ValueError
        With the words of :func:`check` (or "not a number", "not a whole number", the
        grid's "outside 1 to 200"), for example ``"lr must be a finite number > 0, got
        -1.0"``.
    """
    text = text.strip()
    if name == "loss":
        value: Any = LOSS_ALIASES.get(text.lower(), text.lower())
    elif name == "init":
        value = text
    else:
        integer = _NUMBER_RULES[name][0]
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise ValueError("not a whole number" if integer else "not a number") from None
    try:
        check(name, value)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    why = on_grid(name, value)
    if why is not None:
        raise ValueError(why)
    return value


def complete(config: dict[str, Any], defaults: dict[str, Any] = SWEEP_DEFAULTS
             ) -> dict[str, Any]:
    """``config`` completed with ``defaults``, after checking its keys and every value.

    Numbers are returned as plain Python ints and floats (a configuration is hashed and
    written as JSON by the sweeps); ``hidden`` may be a list for several hidden layers.
    """
    unknown = set(config) - set(defaults)
    if unknown:
        raise ValueError(f"unknown configuration keys {sorted(unknown)}; known: {list(defaults)}")
    cfg = {**defaults, **config}
    for key, value in cfg.items():
        if key == "hidden":
            cfg[key] = check_hidden(value)
        elif key in _NUMBER_RULES:
            integer = _NUMBER_RULES[key][0]
            cfg[key] = int(check(key, value)) if integer else float(check(key, value))
        else:
            check(key, value)
    return cfg
