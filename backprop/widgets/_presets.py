"""Presets for the teacher: fixed or hidden playground controls, and settings in the app's URL.

``playground(lock=[...], hide=[...])`` shows the locked controls but fixes them, and leaves
out the hidden ones. The Voila app reads the same settings from the page's address, e.g.
``http://host:8866/?lr=0.01&hidden=30&hide=loss,batch_size``; a value that is not valid is
ignored, with a note on the page saying why in the words ``train`` uses
(:func:`backprop.settings.parse`), e.g. "lr=-1: lr must be a finite number > 0, got -1.0".
After a run, the status line offers the link of the current settings, so a teacher can
prepare links for a lecture. In Voila the app's first run waits for the address (see
:meth:`PresetNote.apply_from_voila`), so that a page opened with settings shows only their run.
The address comes from the page itself (:class:`PageAddress`), so that no kernel waits for it:
a preheated kernel finishes running the notebook and sits idle until a page takes it, and a
server stopped with kernels in its pool stops them cleanly.

URL names: ``lr``, ``hidden``, ``epochs``, ``batch_size``, ``loss`` (``cross_entropy`` or
``mse``, or an alias of :data:`backprop.settings.LOSS_ALIASES`), ``seed``, ``init``
(``normal_scaled`` or ``normal``), and ``lock`` / ``hide`` (comma-separated lists of those
names).
"""

from __future__ import annotations

import html
import os
import urllib.parse
from collections.abc import Iterable
from typing import Any

import anywidget
import ipywidgets as W
import traitlets

from ..settings import parse
from ._common import PANEL_CLASS

# URL name -> the playground's control name
URL_NAMES = {"lr": "lr", "hidden": "hidden", "epochs": "n_epochs", "batch_size": "batch_size",
             "loss": "loss", "seed": "seed", "init": "init"}
CONTROL_URL_NAMES = {control: url for url, control in URL_NAMES.items()}


def in_voila() -> bool:
    """Whether this kernel runs a Voila page, whose address is known or will be (a preheated
    kernel runs the notebook before any page asks for it)."""
    return bool(os.environ.get("VOILA_KERNEL_ID") or os.environ.get("VOILA_PREHEAT"))


def _control_names(panel: Any, names: Iterable[str], what: str) -> list[str]:
    if isinstance(names, str):
        raise TypeError(f"{what} must be a list of control names, e.g. [\"lr\"], got {names!r}")
    names = list(names)
    unknown = [n for n in names if n not in panel.controls]
    if unknown:
        raise ValueError(f"{what}: unknown control(s) {unknown}; the controls are "
                         f"{sorted(panel.controls)}")
    return names


def lock_controls(panel: Any, names: Iterable[str]) -> None:
    """Show the controls ``names`` but fix them (disabled); ValueError for unknown names."""
    for name in _control_names(panel, names, "lock"):
        panel.controls[name].disabled = True
    panel.locked_controls = sorted(set(panel.locked_controls) | set(names))


def hide_controls(panel: Any, names: Iterable[str]) -> None:
    """Leave the controls ``names`` out of the panel; ValueError for unknown names."""
    for name in _control_names(panel, names, "hide"):
        panel.controls[name].layout.display = "none"
    panel.hidden_controls = sorted(set(panel.hidden_controls) | set(names))


def parse_query(query: str) -> tuple[dict, list[str], list[str], list[str]]:
    """Read a URL query string: each value by its setting's rule and control's range
    (:func:`backprop.settings.parse`), so a bad value gets the words ``train`` uses.

    Returns
    -------
    settings : dict, control name -> valid value
    lock, hide : lists of valid control names
    notes : list of str, one per value ignored, saying why
    """
    settings: dict[str, Any] = {}
    lists: dict[str, list[str]] = {"lock": [], "hide": []}
    notes = []
    for key, text in urllib.parse.parse_qsl(query or "", keep_blank_values=True):
        if key == "token":
            continue  # the server's, not ours
        if key in lists:
            for name in filter(None, (n.strip() for n in text.split(","))):
                control = URL_NAMES.get(name)
                if control is None:
                    notes.append(f"{key}={name}: no control of that name (the names are "
                                 f"{', '.join(URL_NAMES)})")
                else:
                    lists[key].append(control)
            continue
        control = URL_NAMES.get(key)
        if control is None:
            notes.append(f"{key}: not a setting (the settings are {', '.join(URL_NAMES)}, "
                         f"lock and hide)")
            continue
        try:
            settings[control] = parse(control, text)
        except ValueError as exc:
            notes.append(f"{key}={text}: {exc}")
    return settings, lists["lock"], lists["hide"], notes


def apply_settings(panel: Any, settings: dict) -> bool:
    """Set several controls at once and start one run (not one per control).

    Returns True if any value changed (and so a run was started).
    """
    changed = {k: v for k, v in settings.items() if panel.controls[k].value != v}
    if not changed:
        return False
    for widget in panel.controls.values():
        widget.unobserve(panel.start, names="value")
    try:
        for name, value in changed.items():
            panel.controls[name].value = value
    finally:
        for widget in panel.controls.values():
            widget.observe(panel.start, names="value")
    panel.start()
    return True


def settings_query(panel: Any, token: str | None = None) -> str:
    """The query string of the panel's current settings, locks and hidden controls."""
    pairs = []
    for control, widget in panel.controls.items():
        value = widget.value
        pairs.append((CONTROL_URL_NAMES[control], f"{value:.4g}" if isinstance(value, float)
                      else str(value)))
    for key in ("lock", "hide"):
        names = panel.locked_controls if key == "lock" else panel.hidden_controls
        if names:
            pairs.append((key, ",".join(CONTROL_URL_NAMES[n] for n in names)))
    if token:
        pairs.append(("token", token))
    return urllib.parse.urlencode(pairs, safe=",")


def link_html(panel: Any) -> str:
    """An HTML link (relative to the page) to the panel's current settings; it keeps the
    server's ``token`` if the page's own address (``panel.page_query``) had one."""
    token = dict(urllib.parse.parse_qsl(panel.page_query)).get("token")
    query = settings_query(panel, token)
    return (f'<a class="bp-settings-link" href="?{html.escape(query)}" target="_blank" '
            f'style="color:#1565c0;text-decoration:underline" '
            f'title="open, or copy, the link of these settings">link to these settings</a>')


class PageAddress(anywidget.AnyWidget):
    """An invisible widget whose view tells the kernel the query string of the page it is
    shown on (``lr=0.01&hidden=30`` for ``...?lr=0.01&hidden=30``), once.

    How the Voila app learns its address: Voila's own ``get_query_string`` blocks the kernel
    in the notebook's last cell until a page takes it, so a server stopped with preheated
    kernels waiting in its pool stopped them in the middle of a cell (a ``ZMQError``
    traceback in its log). This view reports the address when the page shows it; until then
    the kernel is idle.

    Attributes
    ----------
    query : str or None, None until a view has reported
    """

    _esm = """
export default {
  render({ model, el }) {
    el.style.display = "none";
    if (model.get("query") === null) {
      model.set("query", window.location.search.replace(/^\\?/, ""));
      model.save_changes();
    }
  },
};
"""
    query = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self) -> None:
        super().__init__()
        self.layout.display = "none"  # holds nothing to see; its view reports and hides


class PresetNote(W.HTML):
    """What the app shows about the settings in its address: nothing, or what was ignored.

    In Voila, :meth:`apply_from_voila` arranges for the page's address (with preheated
    kernels the notebook runs before it is known) to be applied to a playground when the page
    shows it, and for the first run to start then. The app therefore builds its playground
    without starting a run when ``in_voila`` (``playground(autostart=not note.in_voila)``):
    a run trained before the address is known would stay behind the address's run as a
    faded curve nobody asked for.

    Attributes
    ----------
    in_voila : bool, whether this kernel runs a Voila page (:func:`in_voila`), read when the
        note is made
    notes : list of str, what :meth:`apply` ignored from the address, and why
    """

    def __init__(self) -> None:
        super().__init__("")
        # (the stylesheet comes with the playground it reports on; an HTML has no children)
        self.add_class("bp-preset-note").add_class(PANEL_CLASS)
        self.layout.display = "none"
        self.notes: list[str] = []
        self.in_voila = in_voila()

    def apply(self, panel: Any, query: str) -> dict:
        """Apply ``query`` to ``panel``; show what was ignored. Returns the settings applied."""
        settings, lock, hide, notes = parse_query(query)
        apply_settings(panel, settings)
        lock_controls(panel, lock)
        hide_controls(panel, hide)
        self.notes = notes
        if notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
            self.value = (f'<div style="color:#8a4b00">Ignored from the address (the other '
                          f"settings apply):<ul style=\"margin:2px 0\">{items}</ul></div>")
            self.layout.display = None
        return settings

    def apply_from_voila(self, panel: Any) -> PageAddress | None:
        """In Voila: return a :class:`PageAddress` to display; when the page shows it, its
        query string is applied to ``panel`` (:meth:`apply_address`).

        Outside Voila (JupyterLab, a script) it does nothing and returns None.
        """
        if not in_voila():
            return None
        address = PageAddress()
        address.observe(lambda change: self.apply_address(panel, change["new"] or ""),
                        names="query")
        return address

    def apply_address(self, panel: Any, query: str) -> dict:
        """Apply the page's ``query`` to ``panel``, start the first run, offer settings links.

        Exactly one run starts here when ``panel`` has none yet (the app builds it so): the
        address's settings, or the initial ones when the address sets nothing new. A panel
        that has runs already only gets the address's run, if it changes a setting.
        Returns the settings applied.
        """
        panel.page_query = query
        panel.offer_link = True
        settings = self.apply(panel, query)
        if not panel.runs:  # the address changed nothing: the initial settings' run
            panel.start()
        return settings
