"""The playground's link to the class's store (:mod:`backprop.store`): shared runs, replays.

A :class:`ClassShare` belongs to one playground (one browser page, one anonymous session).
Before a run trains, it asks the store: settings someone already ran to the end come back at
once (a *replay*); settings another student is training right now are followed (this page
waits for that run rather than training the same network a second time); new settings are
claimed and trained live, and kept when they finish. Whatever goes wrong with the store, the
playground keeps training: the store is switched off for this page and the status line says
so once.
"""

from __future__ import annotations

import hashlib
import html
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..store import CLAIM_SECONDS, RunStore, StoredRun, StoreError, open_store
from ._common import PANEL_CLASS

FOLLOW_POLL = 0.25  # seconds between looks at the store while following another's run
RENEW_SECONDS = 5.0  # a claim is renewed at most this often while its run trains
REPLAY_WORDS = "from the class's runs"


def data_variant(data: Any) -> str:
    """A short fingerprint of the data's labels: runs on other data never replay these."""
    digest = hashlib.sha256()
    for split in (data.train, data.val):
        digest.update(split.y.tobytes())
    return digest.hexdigest()[:12]


class ClassShare:
    """The store of one playground: replays, claims and the runs it keeps.

    Parameters
    ----------
    store : RunStore, or a path / URL for :func:`backprop.store.open_store`, or True for the
        default store (``$BACKPROP_STORE``, else ``app/class-runs.sqlite``)
    data : the playground's data (its sizes and labels are part of a run's identity)

    Attributes
    ----------
    store : RunStore or None, None once it failed (runs are then not shared)
    session : str or None, this page's anonymous id
    problem : str or None, why runs are not shared (shown once in the status line)
    nickname : ipywidgets.Text, the optional name shown on the class's board
    box : ipywidgets.HBox, the nickname field and its note, for the page
    """

    def __init__(self, store: Any, data: Any) -> None:
        self.store: RunStore | None = None
        self.session: str | None = None
        self.problem: str | None = None
        self._told = False
        self._renewed = 0.0
        self.n_train, self.n_val = len(data.train.y), len(data.val.y)
        self.variant = data_variant(data)
        try:
            self.store = store if isinstance(store, RunStore) else \
                open_store(None if store is True else store)
            self.session = self.store.new_session()
        except StoreError as exc:
            self.store, self.problem = None, str(exc)
        self.nickname = W.Text(value="", placeholder="optional: shown on the class's board",
                               description="nickname",
                               continuous_update=False,
                               layout=W.Layout(width="340px"))
        self.nickname.add_class("bp-nickname")
        self.note = W.HTML("").add_class("bp-nickname-note")
        self.nickname.observe(self._nickname, names="value")
        self.box = W.HBox([self.nickname, self.note]).add_class("bp-class-share")
        self.box.add_class(PANEL_CLASS)
        if self.store is None:
            self.nickname.disabled = True
            self.note.value = "runs are not shared with the class"

    def key(self, config: dict) -> str:
        """The identity of a run with ``config`` on this playground's data."""
        return RunStore.key(config, n_train=self.n_train, n_val=self.n_val,
                            variant=self.variant)

    def untold(self) -> str | None:
        """Why runs are not shared, the first time it is asked after a fault; else None."""
        if self.problem is None or self._told:
            return None
        self._told = True
        return f"runs are not shared with the class: {self.problem}"

    def _failed(self, exc: StoreError) -> None:
        self.store, self.problem, self._told = None, str(exc), False
        self.nickname.disabled = True
        self.note.value = "runs are not shared with the class"

    def _nickname(self, change: dict) -> None:
        if self.store is None:
            return
        try:
            nick = self.store.set_nickname(self.session, change["new"])
        except ValueError as exc:
            self.note.value = (f'<span style="color:#b00020">{html.escape(str(exc))}; '
                               f"not shown</span>")
            return
        except StoreError as exc:
            self._failed(exc)
            return
        self.note.value = "" if nick is None else \
            f"shown on the class's board as {html.escape(nick)}"

    # -- what a run asks --------------------------------------------------------------------
    def acquire(self, run: Any, say: Callable[[str], None]) -> StoredRun | None:
        """The stored run for ``run``'s settings, or None when ``run`` should train live.

        When another page is training the same settings now, this waits for it (saying so
        with ``say``) until it ends, its claim lapses, or ``run`` is cancelled.
        """
        if self.store is None:
            return None
        key = self.key(run.config)
        try:
            while not run.cancel.is_set():
                stored = self.store.find(key)
                if stored is not None:
                    self.store.record_replay(key, self.session)
                    return stored
                holder = self.store.claim(key, self.session)
                if holder is None:  # ours: train it
                    self._renewed = time.monotonic()
                    return None
                say("another student is training these settings right now: following "
                    "their run")
                time.sleep(FOLLOW_POLL)
        except StoreError as exc:
            self._failed(exc)
        return None

    def renew(self, run: Any) -> None:
        """Keep ``run``'s claim alive while it trains (at most every few seconds)."""
        if self.store is None or time.monotonic() - self._renewed < RENEW_SECONDS:
            return
        self._renewed = time.monotonic()
        try:
            self.store.claim(self.key(run.config), self.session, CLAIM_SECONDS)
        except StoreError as exc:
            self._failed(exc)

    def keep(self, run: Any, history: dict, seconds: float, diverged: bool) -> None:
        """Keep a run that trained to its end (or diverged) for the class."""
        if self.store is None:
            return
        try:
            self.store.save(self.key(run.config), run.config, self.session, history, seconds,
                            diverged=diverged)
        except StoreError as exc:
            self._failed(exc)
        except ValueError:  # settings off the sliders' grid: not the class's, not kept
            self.release(run)

    def release(self, run: Any) -> None:
        """Give up ``run``'s claim (it stopped before its end)."""
        if self.store is None:
            return
        try:
            self.store.release(self.key(run.config), self.session)
        except StoreError as exc:
            self._failed(exc)

