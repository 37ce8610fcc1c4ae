"""The class's runs: every finished playground run kept in one shared store (issue 21).

A lecture's students each move the playground's sliders; together they run the report's
tables in minutes. The store keeps every finished run, so that the class board
(``app/board.ipynb``) can show them, and a student who asks for settings someone already ran
(same settings, same seed, same code and data) gets that run at once, a *replay*.

Interface (stable: the classroom benchmark and the PostgreSQL backend build on it)
-------------------------------------------------------------------------------------
``open_store(url_or_path=None, **options) -> RunStore``
    ``None``: ``$BACKPROP_STORE``, else :data:`DEFAULT_PATH` (``app/class-runs.sqlite``).
    A path or ``sqlite:///relative/path`` / ``sqlite:////absolute/path``: an SQLite file in
    WAL mode (created with its schema when missing). ``postgresql://...``: a database
    server (:mod:`backprop.store.postgres`; its tables made by ``python -m backprop.store
    setup``, as its owner). Options:
    ``max_bytes`` (the size cap, default :data:`MAX_BYTES`), ``create`` (default True),
    ``timeout`` (seconds to wait for another writer's lock, default 5), ``readonly``.
    Any failure raises :class:`StoreError` (a subclass per fault: :class:`StoreMissing`,
    :class:`StoreReadOnly`, :class:`StoreFull`, :class:`StoreCorrupt`, :class:`StoreBusy`),
    whose message says what to do, in words fit for the board.

``RunStore`` (``backprop.store.core``; the backends are in ``backprop.store.backends``): one
connection, safe to share between threads.
    ``create_schema()``                 the tables (idempotent; run by ``open_store``)
    ``new_session(nickname=None) -> str``  a random anonymous id for a browser session
    ``set_nickname(session, nickname) -> str | None``  checked by :func:`clean_nickname`
    ``key(config, n_train=3000, n_val=10000, variant="") -> str``
                                        the identity of a run: settings + seed + data + code
                                        (:func:`run_key`; ``variant`` for anything else that
                                        changes the curves, e.g. a validation subset)
    ``find(key) -> StoredRun | None``   a run trained to completion (or diverged) with ``key``
    ``claim(key, session, seconds=CLAIM_SECONDS) -> str | None``
                                        None if ``session`` now holds the claim to train
                                        ``key``, else the session id training it
                                        (a claim older than ``seconds`` is taken over)
    ``release(key, session)``           give a claim up (a stopped or superseded run)
    ``save(key, config, session, history, seconds, diverged=False) -> int``
                                        one transaction: the result (first one wins), the
                                        class's run row and the claim's release
    ``record_replay(key, session) -> int``  a replay counted as a run of the class
    ``runs(class_id=None, after=0) -> list[ClassRun]``  the class's runs, oldest first
    ``counts(class_id=None) -> dict``   ``students``, ``runs``, ``replays``, ``live``
    ``current_class() -> ClassInfo``    and ``new_class(name="") -> ClassInfo``
    ``prune(keep_classes=1, archive=None) -> int``  drop runs of older classes
                                        (optionally written to a JSON-lines archive first)
    ``check() -> str``                  ``"ok"`` or what ``PRAGMA integrity_check`` found
    ``size() -> int``, ``close()``

Backends differ only in a :class:`~backprop.store.core.Dialect` (the parameter style, the
auto-increment column, how a write transaction begins) and in how a connection is made; the
SQL is plain DB-API SQL that SQLite (3.35+) and PostgreSQL both run (``ON CONFLICT``,
``RETURNING``). Curves are JSON, never pickle. Settings must lie on the sliders' grid
(:func:`backprop.settings.on_grid`); the store refuses others.

Command line: ``python -m backprop.store {info,prune,new-class,check} [--store PATH]``.
"""

from __future__ import annotations

from .backends import DEFAULT_PATH, ENV_STORE, open_sqlite, open_store
from .core import (
    CLAIM_SECONDS,
    MAX_BYTES,
    MAX_NICKNAME,
    ClassInfo,
    ClassRun,
    Dialect,
    RunStore,
    StoreBusy,
    StoreCorrupt,
    StoredRun,
    StoreError,
    StoreFull,
    StoreMissing,
    StoreReadOnly,
    clean_nickname,
    run_key,
)

__all__ = ["CLAIM_SECONDS", "DEFAULT_PATH", "ENV_STORE", "MAX_BYTES", "MAX_NICKNAME", "ClassInfo",
           "ClassRun", "Dialect", "RunStore", "StoreBusy", "StoreCorrupt", "StoreError",
           "StoreFull", "StoreMissing", "StoreReadOnly", "StoredRun", "clean_nickname",
           "open_sqlite", "open_store", "run_key"]
