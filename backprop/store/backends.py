"""The store's backends: :func:`open_store` picks one by the address it is given.

SQLite (a file in WAL mode) is the embedded default. A database server's backend adds a
:class:`~backprop.store.core.Dialect` and a function that connects, and a branch in
:func:`open_store`; :class:`~backprop.store.core.RunStore` stays as it is.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from .core import (
    MAX_BYTES,
    Dialect,
    RunStore,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreMissing,
    StoreReadOnly,
)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "app" / "class-runs.sqlite"
ENV_STORE = "BACKPROP_STORE"


# -- SQLite ---------------------------------------------------------------------------------
def _sqlite_translate(exc: BaseException, where: str) -> StoreError | None:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return StoreReadOnly(f"the class's store {where} is read-only: runs are not kept. "
                             f"Give the app's user write access to the file and its folder.")
    if "disk is full" in text or "database or disk is full" in text:
        return StoreFull(f"the class's store {where} is full (its size cap or the disk): run  "
                         f"python -m backprop.store prune  or free disk space.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreCorrupt(f"the class's store {where} is damaged ({exc}): move it aside; the "
                            f"app starts a new one.")
    if "unable to open" in text:
        return StoreMissing(f"the class's store {where} cannot be opened (is its folder "
                            f"there?): {exc}")
    if "locked" in text or "busy" in text:
        return StoreBusy(f"the class's store {where} is busy (another process holds its lock):"
                         f" {exc}")
    return None


SQLITE = Dialect("sqlite", "?", "id INTEGER PRIMARY KEY AUTOINCREMENT", "BEGIN IMMEDIATE",
                 _sqlite_translate)


def _sqlite_path(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    if re.match(r"^[a-z][a-z0-9+.-]*://", url):
        raise StoreError(f"no backend for {url.split(':', 1)[0]!r} stores yet: use a path or "
                         f"sqlite:///path")
    return Path(url)


def open_sqlite(path: str | Path, *, max_bytes: int = MAX_BYTES, create: bool = True,
                timeout: float = 5.0, readonly: bool = False) -> RunStore:
    """An SQLite store in WAL mode at ``path`` (see :func:`open_store`)."""
    path = Path(path)
    where = str(path)
    if not create and not path.exists():
        raise StoreMissing(f"the class's store {where} does not exist yet: the app creates it "
                           f"with its first run")
    if not path.parent.is_dir():
        raise StoreMissing(f"the class's store's folder {path.parent} does not exist")
    try:
        uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
        con = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None,
                              check_same_thread=False)
    except sqlite3.Error as exc:
        raise _sqlite_translate(exc, where) or StoreError(f"{where}: {exc}") from exc
    try:
        # WAL: readers never block the writer; a commit is one append to the log. NORMAL
        # sync is safe in WAL mode (a power cut may lose the last commits, never corrupt).
        if not readonly:
            mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{where}: cannot use WAL mode (got {mode}); is it on a "
                                 f"network file system?")
            con.execute("PRAGMA synchronous=NORMAL")
        page = con.execute("PRAGMA page_size").fetchone()[0]
        # A hard cap too: SQLite refuses to grow past it ("database or disk is full").
        con.execute(f"PRAGMA max_page_count={int(max_bytes * 1.25) // page + 64}")
        con.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        con.close()
        raise _sqlite_translate(exc, where) or StoreError(f"{where}: {exc}") from exc
    except StoreError:
        con.close()
        raise

    def size() -> int:
        with store.lock:
            count = con.execute("PRAGMA page_count").fetchone()[0]
        return int(count) * int(page)

    store = RunStore(con, SQLITE, where, max_bytes=max_bytes, size=size)
    if not readonly:
        try:
            store.create_schema()
        except StoreError:
            con.close()
            raise
    return store


def open_store(url_or_path: str | Path | None = None, **options: Any) -> RunStore:
    """Open the class's store: a path, ``sqlite:///path``, ``postgresql://user:pw@host/db``
    (:mod:`backprop.store.postgres`), or None for ``$BACKPROP_STORE``
    (else :data:`DEFAULT_PATH`). Options: ``max_bytes``, ``create``, ``timeout``, ``readonly``.

    Raises
    ------
    StoreError
        (or a subclass) saying what is wrong, in words fit for the board.
    """
    if url_or_path is None:
        url_or_path = os.environ.get(ENV_STORE) or DEFAULT_PATH
    text = str(url_or_path)
    if text.startswith(("postgresql://", "postgres://")):
        from .postgres import open_postgres  # psycopg only where a server is used

        return open_postgres(text, **options)
    return open_sqlite(_sqlite_path(text), **options)
