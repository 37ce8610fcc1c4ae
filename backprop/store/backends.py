"""``open_store``: a store from a path or URL, for each backend (SQLite in
:mod:`backprop.store.core`, PostgreSQL in :mod:`backprop.store.postgres`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .core import DEFAULT_PATH, ENV_STORE, RunStore, open_sqlite, sqlite_path


def open_store(url_or_path: str | Path | None = None, **options: Any) -> RunStore:
    """Open the class's store: a path, ``sqlite:///path``, ``postgresql://...``, or None for
    ``$BACKPROP_STORE`` (else :data:`DEFAULT_PATH`). Options: ``max_bytes``, ``create``,
    ``timeout``, ``readonly``.

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
    return open_sqlite(sqlite_path(text), **options)
