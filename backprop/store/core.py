"""The run store itself: :class:`RunStore` over a DB-API connection (the backends that make
the connection are in :mod:`backprop.store.backends`).

The SQL is written once, with ``?`` placeholders, and runs on SQLite and PostgreSQL alike;
a :class:`Dialect` holds the little that differs (see the package's docstring for the
interface). One run is one transaction: a process killed in the middle of it leaves the
store as it was before (SQLite's write-ahead log replays only committed transactions).
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..settings import on_grid
from ..sweeps import run_key as _sweep_key

MAX_BYTES = 64 * 2**20  # 64 MiB: ~ 8000 runs of 20 epochs; a lecture makes a few hundred
CLAIM_SECONDS = 30.0  # a claim not renewed for this long belongs to a dead kernel
MAX_NICKNAME = 24  # characters
SCHEMA_VERSION = "1"
CURVES = ("train_loss", "train_acc", "val_loss", "val_acc")  # what is kept of a history
SETTINGS = ("lr", "hidden", "n_epochs", "batch_size", "loss", "init", "seed")


class StoreError(RuntimeError):
    """The store cannot be used; the message says why and what to do."""


class StoreMissing(StoreError):
    """The store's file (or its folder) does not exist."""


class StoreReadOnly(StoreError):
    """The store's file cannot be written."""


class StoreFull(StoreError):
    """The store reached its size cap, or the disk is full."""


class StoreCorrupt(StoreError):
    """The store's file is not a valid database."""


class StoreBusy(StoreError):
    """Another process held the store's write lock for too long."""


@dataclass(frozen=True)
class Dialect:
    """What differs between database servers; the SQL is written with ``?`` placeholders.

    Attributes
    ----------
    name : "sqlite" or "postgresql"
    placeholder : the DB-API parameter marker, "?" (qmark) or "%s" (format)
    id_column : an auto-increment primary key's column definition
    begin : the statement that opens a write transaction on an autocommit connection
        (SQLite: "BEGIN IMMEDIATE", which takes the write lock at once; PostgreSQL: "BEGIN"),
        or "" for a driver that opens transactions itself (then committed or rolled back
        through the connection; reads then also leave a transaction open: prefer autocommit)
    translate : callable(exception) -> StoreError or None, the driver's errors in words
    """

    name: str
    placeholder: str
    id_column: str
    begin: str
    translate: Callable[[BaseException, str], StoreError | None]

    def sql(self, text: str) -> str:
        """``text`` with its ``?`` placeholders in this dialect's style."""
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)


@dataclass(frozen=True)
class StoredRun:
    """A run trained to its end (or to its divergence): what a replay shows."""

    key: str
    config: dict[str, Any]
    history: dict[str, list[float]]  # the CURVES, per epoch
    train_acc: float  # final, fractions; NaN for a diverged run
    val_acc: float
    diverged: bool
    seconds: float  # the training's own time
    session: str  # who trained it


@dataclass(frozen=True)
class ClassRun:
    """One run of a class, as the board shows it (a live run or a replay)."""

    id: int
    key: str
    session: str
    nickname: str | None
    replay: bool
    created: float
    config: dict[str, Any]
    train_acc: float
    val_acc: float
    diverged: bool
    seconds: float


@dataclass(frozen=True)
class ClassInfo:
    """A class (a lecture): the board shows the runs of the newest one."""

    id: int
    started: float
    name: str


def clean_nickname(text: Any) -> str | None:
    """A nickname fit to keep, or None for none; ValueError for one that is refused.

    Control and format characters (including bidi overrides) are refused, and so is text over
    :data:`MAX_NICKNAME` characters; HTML is kept as text (the board escapes it when shown).
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"a nickname must be text, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return None
    if len(text) > MAX_NICKNAME:
        raise ValueError(f"a nickname has at most {MAX_NICKNAME} characters, got {len(text)}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for c in text):
        raise ValueError("a nickname cannot hold control characters")
    return text


def run_key(config: Mapping[str, Any], n_train: int = 3000, n_val: int = 10000,
            variant: str = "") -> str:
    """The identity of a run: its settings (seed included), its data and the training code.

    Two runs with the same key train the same network to the same curves, so one may replay
    the other. ``variant`` names anything else that changes the curves (e.g. a validation
    subset while the run trains).
    """
    cfg = {name: config[name] for name in SETTINGS}
    cfg["lr"] = float(f"{float(cfg['lr']):.4g}")  # a slider's 0.50119 and a link's 0.5012
    key = _sweep_key({**cfg, "n_train": n_train, "n_val": n_val})
    return key if not variant else f"{key}-{re.sub(r'[^a-z0-9]', '', variant.lower())[:16]}"


def _finite(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


def _curves_json(history: Mapping[str, Any]) -> str:
    # NaN and infinities are not JSON: a diverged epoch's loss becomes null
    return json.dumps({k: [_finite(v) for v in history.get(k, [])] for k in CURVES},
                      allow_nan=False, separators=(",", ":"))


def _curves(text: str) -> dict[str, list[float]]:
    return {k: [math.nan if v is None else v for v in vals]
            for k, vals in json.loads(text).items()}


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS classes ({id}, started DOUBLE PRECISION NOT NULL,
    name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, nickname TEXT,
    created DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, settings TEXT NOT NULL,
    lr DOUBLE PRECISION NOT NULL, hidden INTEGER NOT NULL, curves TEXT NOT NULL,
    train_acc DOUBLE PRECISION, val_acc DOUBLE PRECISION, diverged INTEGER NOT NULL,
    seconds DOUBLE PRECISION NOT NULL, session TEXT NOT NULL, created DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS runs ({id}, class_id INTEGER NOT NULL, key TEXT NOT NULL,
    session TEXT NOT NULL, replay INTEGER NOT NULL, created DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_class ON runs (class_id, id);
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, session TEXT NOT NULL,
    expires DOUBLE PRECISION NOT NULL)
"""


class RunStore:
    """The class's runs in a database; the interface is in :mod:`backprop.store`'s docstring.

    Parameters
    ----------
    connection : a DB-API connection in autocommit mode (transactions are opened with the
        dialect's ``begin``, then committed or rolled back here)
    dialect : Dialect
    where : str, the store's file or address, as messages name it
    max_bytes : int, the size cap (checked before each run is saved)
    size : callable() -> int, the store's size in bytes now

    Attributes
    ----------
    lock : threading.RLock, held while the connection is in use (the kernel's threads share it)
    """

    def __init__(self, connection: Any, dialect: Dialect, where: str,
                 max_bytes: int = MAX_BYTES, size: Callable[[], int] | None = None) -> None:
        self.connection, self.dialect, self.where = connection, dialect, where
        self.max_bytes = int(max_bytes)
        self._size = size
        self.lock = threading.RLock()  # one connection, shared by the kernel's threads

    # -- plumbing -------------------------------------------------------------------------
    def _error(self, exc: BaseException) -> StoreError:
        return self.dialect.translate(exc, self.where) or StoreError(
            f"the class's store {self.where} failed: {type(exc).__name__}: {exc}")

    @contextmanager
    def _cursor(self, write: bool = False) -> Iterator[Any]:
        with self.lock:
            cur = self.connection.cursor()
            try:
                if write and self.dialect.begin:
                    cur.execute(self.dialect.begin)
                yield cur
                if write:
                    self.connection.commit() if not self.dialect.begin else cur.execute("COMMIT")
            except StoreError:
                self._rollback(cur, write)
                raise
            except Exception as exc:
                self._rollback(cur, write)
                raise self._error(exc) from exc
            finally:
                cur.close()

    def _rollback(self, cur: Any, write: bool) -> None:
        if not write:
            return
        try:
            cur.execute("ROLLBACK") if self.dialect.begin else self.connection.rollback()
        except Exception:  # no transaction open (it failed to begin): nothing to undo
            pass

    def _run(self, cur: Any, sql: str, params: tuple = ()) -> Any:
        cur.execute(self.dialect.sql(sql), params)
        return cur

    # -- schema and sessions --------------------------------------------------------------
    def create_schema(self) -> None:
        """Create the tables when missing, and a first class (idempotent)."""
        with self._cursor(write=True) as cur:
            for statement in SCHEMA.format(id=self.dialect.id_column).split(";"):
                if statement.strip():
                    cur.execute(statement)
            self._run(cur, "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) "
                           "DO NOTHING", ("schema", SCHEMA_VERSION))
            if self._run(cur, "SELECT COUNT(*) FROM classes").fetchone()[0] == 0:
                self._run(cur, "INSERT INTO classes (started, name) VALUES (?, ?)",
                          (time.time(), ""))

    def new_session(self, nickname: str | None = None) -> str:
        """A new random anonymous session id (one per browser page), kept with ``nickname``."""
        session = secrets.token_hex(8)
        nick = clean_nickname(nickname)
        with self._cursor(write=True) as cur:
            self._run(cur, "INSERT INTO sessions (id, nickname, created) VALUES (?, ?, ?)",
                      (session, nick, time.time()))
        return session

    def set_nickname(self, session: str, nickname: Any) -> str | None:
        """Set (or clear, with "") the nickname of ``session``; ValueError for a refused one."""
        nick = clean_nickname(nickname)
        with self._cursor(write=True) as cur:
            self._run(cur, "UPDATE sessions SET nickname = ? WHERE id = ?", (nick, session))
        return nick

    # -- runs -----------------------------------------------------------------------------
    @staticmethod
    def key(config: Mapping[str, Any], **data: Any) -> str:
        """:func:`run_key` (``n_train``, ``n_val``, ``variant`` as keywords)."""
        return run_key(config, **data)

    def find(self, key: str) -> StoredRun | None:
        """The run kept under ``key``, or None."""
        with self._cursor() as cur:
            row = self._run(cur, "SELECT key, settings, curves, train_acc, val_acc, diverged, "
                                 "seconds, session FROM results WHERE key = ?",
                            (key,)).fetchone()
        if row is None:
            return None
        nan = math.nan
        return StoredRun(row[0], json.loads(row[1]), _curves(row[2]),
                         nan if row[3] is None else row[3], nan if row[4] is None else row[4],
                         bool(row[5]), row[6], row[7])

    def claim(self, key: str, session: str, seconds: float = CLAIM_SECONDS) -> str | None:
        """Claim the training of ``key`` for ``session`` (or renew its claim).

        Returns None when ``session`` holds the claim now, else the session that trains it.
        A claim not renewed within ``seconds`` is taken over (its kernel died).
        """
        now = time.time()
        with self._cursor(write=True) as cur:
            got = self._run(cur, "INSERT INTO claims (key, session, expires) VALUES (?, ?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET session = excluded.session, "
                                 "expires = excluded.expires WHERE claims.expires < ? "
                                 "OR claims.session = excluded.session RETURNING session",
                            (key, session, now + seconds, now)).fetchall()
            if got:
                return None
            row = self._run(cur, "SELECT session FROM claims WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def release(self, key: str, session: str) -> None:
        """Give up ``session``'s claim on ``key`` (its run stopped before the end)."""
        with self._cursor(write=True) as cur:
            self._run(cur, "DELETE FROM claims WHERE key = ? AND session = ?", (key, session))

    def save(self, key: str, config: Mapping[str, Any], session: str,
             history: Mapping[str, Any], seconds: float, diverged: bool = False) -> int:
        """Keep a run trained to its end (or diverged), in one transaction; returns its
        class run's id. The first result kept under ``key`` wins (a second is the same).

        Raises
        ------
        ValueError
            For settings off the sliders' grid, or a history without epochs.
        StoreFull
            When the store is over its size cap.
        """
        for name in SETTINGS:
            why = on_grid(name, config[name])
            if why is not None:
                raise ValueError(f"{name}={config[name]!r} is off the sliders' grid: {why}")
        if not history.get("val_acc"):
            raise ValueError("a run without epochs is not kept")
        if self._size is not None and self._size() > self.max_bytes:
            raise StoreFull(f"the class's store {self.where} is full ({self.max_bytes // 2**20}"
                            f" MiB): run  python -m backprop.store prune  to drop older "
                            f"classes' runs")
        settings = {name: config[name] for name in SETTINGS}
        train_acc, val_acc = history["train_acc"][-1], history["val_acc"][-1]
        now = time.time()
        with self._cursor(write=True) as cur:
            self._run(cur, "INSERT INTO results (key, settings, lr, hidden, curves, train_acc, "
                           "val_acc, diverged, seconds, session, created) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                      (key, json.dumps(settings, sort_keys=True), float(config["lr"]),
                       int(config["hidden"]), _curves_json(history),
                       None if diverged else _finite(train_acc),
                       None if diverged else _finite(val_acc), int(diverged), float(seconds),
                       session, now))
            run_id = self._add_run(cur, key, session, replay=False, now=now)
            self._run(cur, "DELETE FROM claims WHERE key = ?", (key,))
        return run_id

    def record_replay(self, key: str, session: str) -> int:
        """Count a replay of ``key`` as a run of the current class; returns its id."""
        with self._cursor(write=True) as cur:
            return self._add_run(cur, key, session, replay=True, now=time.time())

    def _add_run(self, cur: Any, key: str, session: str, replay: bool, now: float) -> int:
        class_id = self._run(cur, "SELECT MAX(id) FROM classes").fetchone()[0]
        row = self._run(cur, "INSERT INTO runs (class_id, key, session, replay, created) "
                             "VALUES (?, ?, ?, ?, ?) RETURNING id",
                        (class_id, key, session, int(replay), now)).fetchone()
        return int(row[0])

    # -- the board ------------------------------------------------------------------------
    def current_class(self) -> ClassInfo:
        """The newest class (the board shows its runs)."""
        with self._cursor() as cur:
            row = self._run(cur, "SELECT id, started, name FROM classes ORDER BY id DESC "
                                 "LIMIT 1").fetchone()
        return ClassInfo(*row)

    def new_class(self, name: str = "") -> ClassInfo:
        """Start a new class: the board starts empty; earlier runs stay for replays."""
        now = time.time()
        with self._cursor(write=True) as cur:
            row = self._run(cur, "INSERT INTO classes (started, name) VALUES (?, ?) "
                                 "RETURNING id", (now, str(name)[:80])).fetchone()
        return ClassInfo(int(row[0]), now, str(name)[:80])

    def runs(self, class_id: int | None = None, after: int = 0) -> list[ClassRun]:
        """The runs of a class (default: the current one) with ids above ``after``."""
        if class_id is None:
            class_id = self.current_class().id
        with self._cursor() as cur:
            rows = self._run(cur, "SELECT r.id, r.key, r.session, s.nickname, r.replay, "
                                  "r.created, x.settings, x.train_acc, x.val_acc, x.diverged, "
                                  "x.seconds FROM runs r JOIN results x ON x.key = r.key "
                                  "LEFT JOIN sessions s ON s.id = r.session "
                                  "WHERE r.class_id = ? AND r.id > ? ORDER BY r.id",
                             (class_id, after)).fetchall()
        nan = math.nan
        return [ClassRun(r[0], r[1], r[2], r[3], bool(r[4]), r[5], json.loads(r[6]),
                         nan if r[7] is None else r[7], nan if r[8] is None else r[8],
                         bool(r[9]), r[10]) for r in rows]

    def counts(self, class_id: int | None = None) -> dict[str, int]:
        """The class's ``students`` (sessions with a run), ``runs``, ``replays``, ``live``."""
        if class_id is None:
            class_id = self.current_class().id
        with self._cursor() as cur:
            students, runs, replays = self._run(
                cur, "SELECT COUNT(DISTINCT session), COUNT(*), COALESCE(SUM(replay), 0) "
                     "FROM runs WHERE class_id = ?", (class_id,)).fetchone()
        return {"students": students, "runs": runs, "replays": int(replays),
                "live": runs - int(replays)}

    # -- upkeep ---------------------------------------------------------------------------
    def prune(self, keep_classes: int = 1, archive: str | Path | None = None) -> int:
        """Drop the runs of all classes but the newest ``keep_classes`` (and the results,
        sessions and claims nothing refers to any more); returns the runs dropped.

        With ``archive``, the dropped runs are first appended to that JSON-lines file (one
        object a line: the run and its result, curves included).
        """
        if keep_classes < 1:
            raise ValueError(f"keep_classes must be >= 1, got {keep_classes!r}")
        with self._cursor(write=True) as cur:
            ids = [r[0] for r in self._run(cur, "SELECT id FROM classes ORDER BY id DESC")]
            old = ids[keep_classes:]
            if not old:
                return 0
            newest_old = max(old)
            if archive is not None:
                rows = self._run(cur, "SELECT r.class_id, r.session, r.replay, r.created, "
                                      "x.settings, x.curves, x.diverged, x.seconds FROM runs r "
                                      "JOIN results x ON x.key = r.key WHERE r.class_id <= ?",
                                 (newest_old,)).fetchall()
                with open(archive, "a", encoding="utf-8") as out:
                    for r in rows:
                        out.write(json.dumps({"class": r[0], "session": r[1],
                                              "replay": bool(r[2]), "created": r[3],
                                              "settings": json.loads(r[4]),
                                              "curves": json.loads(r[5]),
                                              "diverged": bool(r[6]), "seconds": r[7]}) + "\n")
                    out.flush()
                    os.fsync(out.fileno())
            dropped = self._run(cur, "DELETE FROM runs WHERE class_id <= ?",
                                (newest_old,)).rowcount
            self._run(cur, "DELETE FROM classes WHERE id <= ?", (newest_old,))
            self._run(cur, "DELETE FROM results WHERE key NOT IN (SELECT key FROM runs)")
            started = self._run(cur, "SELECT MIN(started) FROM classes").fetchone()[0]
            self._run(cur, "DELETE FROM sessions WHERE created < ? AND id NOT IN "
                           "(SELECT session FROM runs)", (started,))
            self._run(cur, "DELETE FROM claims WHERE expires < ?", (time.time(),))
        return int(dropped)

    def check(self) -> str:
        """``"ok"``, or what the database's own integrity check found."""
        if self.dialect.name != "sqlite":
            return "ok"
        with self._cursor() as cur:
            rows = cur.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)

    def size(self) -> int:
        """The store's size in bytes (0 when the backend cannot tell)."""
        return self._size() if self._size is not None else 0

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.connection.close()
