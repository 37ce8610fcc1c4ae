"""The class's board (``app/board.ipynb``): the class's runs on the teacher's projector.

:class:`ClassBoard` (made by :func:`class_board`) reads the class's store
(:mod:`backprop.store`) every :data:`POLL_SECONDS` seconds and shows the learning rate x
hidden units grid coloured by validation accuracy (diverged runs marked with a cross and the
word, not by colour alone), the class's Table I and Table II beside the report's, the best
run so far with a link that opens its settings in the playground, and the counts of
students, runs and replays. A fault of the store (missing, read-only, full, damaged) is said
in words on the board, which keeps trying.

Teacher's controls ("new class") are built only when the page's address carries the
teacher's key (``?teacher=KEY``, checked in the kernel against ``$BACKPROP_TEACHER_KEY``,
which ``make app`` makes and prints); a student's page never has them, not even hidden.
"""

from __future__ import annotations

import hmac
import html
import os
import threading
import time
import urllib.parse
from typing import Any

import ipywidgets as W
from matplotlib import colormaps

from ..settings import LOSS_LABELS
from ..store import RunStore, StoreError, StoreReadOnly, open_store
from ..store.board import (
    best_run,
    class_table,
    grid,
    lr_label,
    verdict,
)
from ._common import PANEL_CLASS, style_widget
from ._presets import CONTROL_URL_NAMES

POLL_SECONDS = 2.0
ENV_TEACHER = "BACKPROP_TEACHER_KEY"
ENV_PLAYGROUND = "BACKPROP_PLAYGROUND_URL"
COLORS = colormaps["viridis"]
LOW, HIGH = 0.5, 1.0  # validation accuracies the colours span (below: the darkest)
RECENT = 8  # the newest runs listed under the grid
TABLE_STYLE = ("border-collapse:separate;border-spacing:2px;text-align:center;margin:8px 0;"
               "line-height:1.3")
CAPTION = "caption-side:top;text-align:left;white-space:nowrap;padding:2px 0"
CELL = "padding:6px 10px;min-width:4.5em"
DIVERGED = ("background:repeating-linear-gradient(45deg,#fff,#fff 4px,#fdd 4px,#fdd 8px);"
            "color:#b00020")  # stripes and the word: not colour alone


def is_teacher(query: str, key: str | None = None) -> bool:
    """Whether the page's query string carries the teacher's key (``teacher=...``), compared
    in constant time with ``key`` (default ``$BACKPROP_TEACHER_KEY``; unset: nobody is)."""
    key = os.environ.get(ENV_TEACHER, "") if key is None else key
    given = dict(urllib.parse.parse_qsl(query or "")).get("teacher", "")
    return bool(key) and hmac.compare_digest(given.encode(), key.encode())


def _color(val_acc: float) -> tuple[str, str]:
    """Background and text colour of a cell (text dark or light for contrast)."""
    share = min(1.0, max(0.0, (val_acc - LOW) / (HIGH - LOW)))
    r, g, b, _ = COLORS(share)
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45
    return f"#{int(255 * r):02x}{int(255 * g):02x}{int(255 * b):02x}", \
        "#000" if light else "#fff"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _who(run: Any) -> str:
    return html.escape(run.nickname) if run.nickname else "a student"


def playground_link(config: dict, base: str | None = None) -> str:
    """The playground's address with ``config``'s settings (the presets' URL names)."""
    base = base or os.environ.get(ENV_PLAYGROUND, "/")
    pairs = [(CONTROL_URL_NAMES[k], f"{v:.4g}" if isinstance(v, float) else str(v))
             for k, v in sorted(config.items()) if k in CONTROL_URL_NAMES]
    return f"{base}?{urllib.parse.urlencode(pairs)}"


class ClassBoard(W.VBox):
    """The class's board: its runs, live, for the projector.

    Parameters
    ----------
    store : a RunStore, a path or URL (:func:`backprop.store.open_store`), or None for the
        default (``$BACKPROP_STORE``)
    teacher : bool, build the teacher's controls (the "new class" button)
    poll : bool, read the store every :data:`POLL_SECONDS` in a background thread

    Attributes
    ----------
    counts, problem, grid, tables, best, recent : ipywidgets.HTML, the board's parts
    new_class : ipywidgets.Button or None (None unless ``teacher``)
    store : RunStore or None (None while it cannot be opened; ``problem`` says why)
    refreshed : int, how many times the board was rebuilt from the store
    """

    def __init__(self, store: Any = None, *, teacher: bool = False, poll: bool = True):
        self._source = store
        self.store: RunStore | None = store if isinstance(store, RunStore) else None
        self.refreshed = 0
        self._readonly: str | None = None
        self._shown: tuple | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.counts = W.HTML("").add_class("bp-board-counts")
        self.problem = W.HTML("").add_class("bp-board-problem")
        self.problem.layout.display = "none"
        self.grid = W.HTML("").add_class("bp-board-grid")
        self.tables = W.HTML("").add_class("bp-board-tables")
        self.best = W.HTML("").add_class("bp-board-best")
        self.recent = W.HTML("").add_class("bp-board-recent")
        self.new_class: W.Button | None = None
        children = [self.counts, self.problem, self.best, self.grid, self.tables,
                    self.recent]
        if teacher:
            self.new_class = W.Button(description="New class", button_style="warning",
                                      tooltip="start a fresh board (earlier runs stay for "
                                              "replays)")
            self.new_class.add_class("bp-board-new-class")
            self.new_class.on_click(self._new_class)
            children.insert(0, self.new_class)
        super().__init__([*children, style_widget()])
        self.add_class("bp-board").add_class(PANEL_CLASS)
        self.refresh()
        if poll:
            threading.Thread(target=self._poll, daemon=True).start()

    def close(self) -> None:
        """Stop polling, then close the widget."""
        self._stop.set()
        super().close()

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.refresh()

    def _open(self) -> RunStore:
        if self.store is None:
            source = None if self._source is True else self._source
            try:
                self.store = open_store(source, create=False)
            except StoreReadOnly as exc:  # still readable: show the runs and say why
                self.store = open_store(source, create=False, readonly=True)
                self._readonly = str(exc)
        return self.store

    def _say(self, text: str | None) -> None:
        if text is None:
            self.problem.layout.display = "none"
            self.problem.value = ""
            return
        self.problem.value = (f'<div role="alert" style="color:#b00020;border:2px solid '
                              f'#b00020;padding:6px;margin:4px 0"><b>The class\'s store:</b> '
                              f"{html.escape(text)}</div>")
        self.problem.layout.display = None

    def refresh(self, *_: Any) -> None:
        """Read the store and redraw what changed (the polling thread calls this)."""
        with self._lock:
            try:
                store = self._open()
                cls = store.current_class()
                runs = store.runs(cls.id)
                counts = store.counts(cls.id)
                full = store.size() > 0.9 * store.max_bytes
            except StoreError as exc:
                if self.store is not None and not isinstance(self._source, RunStore):
                    self.store.close()
                    self.store = None  # open it again next time: it may have been repaired
                self._say(str(exc))
                return
            note = self._readonly or (f"nearly full ({store.size() / 2**20:.0f} of "
                                      f"{store.max_bytes / 2**20:.0f} MiB): run  python -m "
                                      f"backprop.store prune" if full else None)
            self._say(note)
            shown = (cls.id, runs[-1].id if runs else 0)
            if shown == self._shown:
                return
            self._shown = shown
            self.refreshed += 1
            name = f" · {html.escape(cls.name)}" if cls.name else ""
            self.counts.value = (
                f'<div role="status" style="font-size:1.2em"><b>{counts["students"]}</b> '
                f'students · <b>{counts["runs"]}</b> runs · <b>{counts["replays"]}</b> replays '
                f'(from the class\'s runs){name}</div>')
            self.grid.value = _grid_html(runs)
            self.tables.value = _tables_html(runs)
            self.best.value = _best_html(runs)
            self.recent.value = _recent_html(runs)

    def _new_class(self, *_: Any) -> None:
        try:
            self._open().new_class(time.strftime("%Y-%m-%d %H:%M"))
        except StoreError as exc:
            self._say(str(exc))
            return
        self.refresh()


def _grid_html(runs: list) -> str:
    g = grid(runs)
    if not g["cells"]:
        return "<p>No runs yet. Everyone: pick a learning rate and watch this board.</p>"
    head = "".join(f'<th scope="col">{lr_label(lr)}</th>' for lr in g["lrs"])
    rows = []
    for hidden in g["hiddens"]:
        cells = []
        for lr in g["lrs"]:
            best, count = g["cells"].get((hidden, lr_label(lr)), (None, 0))
            if best is None:
                cells.append(f'<td style="background:#f4f4f4;{CELL}"></td>')
                continue
            more = f"<br><small>{count} runs</small>" if count > 1 else ""
            state = verdict(best)
            if state == "diverged":
                cells.append(f'<td class="bp-diverged" style="{DIVERGED};{CELL}">'
                             f"<b>✕ diverged</b>{more}</td>")
                continue
            bg, fg = _color(best.val_acc)
            mark = "✕ chance " if state == "chance" else ""
            cells.append(f'<td style="background:{bg};color:{fg};{CELL}">{mark}'
                         f"{_pct(best.val_acc)}{more}</td>")
        rows.append(f'<tr><th scope="row">{hidden}</th>{"".join(cells)}</tr>')
    return ("<p style='margin:4px 0'>Best validation accuracy by learning rate (columns) and "
            "hidden units (rows). ✕ diverged: the loss became NaN; ✕ chance: it learned "
            "nothing (under 20 %). Darker is worse.</p>"
            f'<table class="bp-board-table" style="{TABLE_STYLE}"><caption style="{CAPTION}">'
            "Validation accuracy: learning rate × hidden units</caption>"
            f'<tr><th scope="col">hidden \\ lr</th>{head}</tr>{"".join(rows)}</table>')


def _tables_html(runs: list) -> str:
    parts = []
    for by, title, name in (("hidden", "Table I: hidden units", "hidden units"),
                            ("lr", "Table II: learning rates", "learning rate")):
        cols = class_table(runs, by)
        label = (lambda v: str(v)) if by == "hidden" else lr_label
        head = "".join(f'<th scope="col">{label(c["value"])}</th>' for c in cols)
        td = f'<td style="{CELL}">'
        report = "".join(f"{td}{'–' if c['report_val'] is None else c['report_val']}</td>"
                         for c in cols)
        best = "".join(f"{td}{_pct(c['best'].val_acc if c['best'] else None)}</td>"
                       for c in cols)
        count = "".join(f"{td}{c['runs']}</td>" for c in cols)
        parts.append(
            f'<table class="bp-board-table bp-board-{by}" style="{TABLE_STYLE}">'
            f'<caption style="{CAPTION}"><b>{title}</b>: validation accuracy</caption>'
            f'<tr><th scope="col">{name}</th>{head}</tr>'
            f'<tr><th scope="row">report (%)</th>{report}</tr>'
            f'<tr><th scope="row">class, best</th>{best}</tr>'
            f'<tr><th scope="row">class, runs</th>{count}</tr></table>')
    parts.append("<small>The report's runs trained 100 epochs with the quadratic loss; the "
                 "class's runs use the playground's settings (any loss, epochs, seed): compare "
                 "the shapes, not the last digit.</small>")
    return "".join(parts)


def _best_html(runs: list) -> str:
    best = best_run(runs)
    if best is None:
        return ""
    c = best.config
    words = (f"learning rate {lr_label(c['lr'])}, hidden units {c['hidden']}, "
             f"{c['n_epochs']} epochs, batch size {c['batch_size']}, "
             f"{LOSS_LABELS.get(c['loss'], c['loss'])}, seed {c['seed']}")
    link = html.escape(playground_link(c))
    return (f'<p class="bp-board-best-run" style="font-size:1.15em"><b>Best so far:</b> '
            f"{_pct(best.val_acc)} validation, by {_who(best)}: {words} · "
            f'<a href="{link}" target="_blank" style="color:#1565c0;text-decoration:'
            f'underline">open these settings</a></p>')


def _recent_html(runs: list) -> str:
    items = []
    for run in reversed(runs[-RECENT:]):
        state = verdict(run)
        result = "✕ diverged" if state == "diverged" else _pct(run.val_acc)
        how = " (replay)" if run.replay else ""
        items.append(f"<li>{_who(run)}: learning rate {lr_label(run.config['lr'])}, hidden "
                     f"{run.config['hidden']} → {result}{how}</li>")
    return f"<b>Newest runs</b><ul style='margin:2px 0'>{''.join(items)}</ul>" if items else ""


def class_board(store: Any = None, *, teacher: bool | None = None,
                poll: bool = True) -> ClassBoard:
    """The class's board (``app/board.ipynb``); see :class:`ClassBoard`.

    ``teacher`` None (default): in Voila, whether the page's address carries the teacher's
    key (:func:`is_teacher`); elsewhere False.
    """
    if teacher is None:
        teacher = False
        if os.environ.get("VOILA_KERNEL_ID") or os.environ.get("VOILA_PREHEAT"):
            from voila.utils import get_query_string  # Voila is there: we run inside it

            teacher = is_teacher(get_query_string() or "")
    return ClassBoard(store, teacher=teacher, poll=poll)
