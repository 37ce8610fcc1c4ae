"""The class's store on a PostgreSQL server: for a hub whose students' servers run on several
machines (issue 22). The SQL is :mod:`backprop.store.core`'s; this adds the connection, the
schema command and the roles.

Set-up, once per course, by the database's owner (one command; run again after an upgrade of
backprop, it brings the schema up to date and changes nothing else)::

    python -m backprop.store setup --store postgresql://owner:PW@host/db \\
        --student-role backprop_student --teacher-role backprop_teacher

Roles (the owner creates them with their passwords; ``setup`` only grants):

- the **student** role (every student's server): read the board, add sessions, runs and
  results, set nicknames, hold claims. It cannot change or delete a run or a result, start a
  new class or prune: PostgreSQL refuses (``permission denied``), whatever a student's kernel
  sends.
- the **teacher** role (the teacher's server): the student's rights, plus a new class and
  pruning.

A connection that breaks (the server restarted, the network dropped) is made again at the
next use; a store call during the outage raises :class:`~backprop.store.StoreError`, and the
playground keeps working without the store (the run is not kept, and its page says so).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from .core import (
    MAX_BYTES,
    SCHEMA_VERSION,
    Dialect,
    RunStore,
    StoreBusy,
    StoreError,
    StoreFull,
    StoreMissing,
    StoreReadOnly,
)

TABLES = ("meta", "classes", "sessions", "results", "runs", "claims")
# What each role may do, table by table (PostgreSQL privileges).
STUDENT_GRANTS = {"meta": "SELECT", "classes": "SELECT", "sessions": "SELECT, INSERT, UPDATE",
                  "results": "SELECT, INSERT", "runs": "SELECT, INSERT",
                  "claims": "SELECT, INSERT, UPDATE, DELETE"}
TEACHER_GRANTS = {"meta": "SELECT", "classes": "SELECT, INSERT, DELETE",
                  "sessions": "SELECT, INSERT, UPDATE, DELETE",
                  "results": "SELECT, INSERT, DELETE", "runs": "SELECT, INSERT, DELETE",
                  "claims": "SELECT, INSERT, UPDATE, DELETE"}
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _translate(exc: BaseException, where: str) -> StoreError | None:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the backend needs it to exist at all
        return None
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return StoreReadOnly(f"the class's store {where} refused this: the role has no right "
                             f"to it ({str(exc).strip()})")
    if isinstance(exc, psycopg.errors.UndefinedTable):
        return StoreMissing(f"the class's store {where} has no tables yet: run  python -m "
                            f"backprop.store setup  as the database's owner")
    if isinstance(exc, psycopg.errors.DiskFull):
        return StoreFull(f"the class's store {where} is full: the server's disk has no room")
    if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
        return StoreBusy(f"the class's store {where} is busy: {str(exc).strip()}")
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return StoreError(f"the class's store {where} cannot be reached ({str(exc).strip()}); "
                          f"runs are not kept until it is back")
    return None


POSTGRESQL = Dialect("postgresql", "%s", "id BIGSERIAL PRIMARY KEY", "BEGIN", _translate)


class _Connection:
    """A psycopg connection (autocommit) that is made again when it broke."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url, self.timeout = url, timeout
        self._lock = threading.Lock()
        self._con: Any = None
        self._connect()

    def _connect(self) -> Any:
        import psycopg

        self._con = psycopg.connect(self.url, autocommit=True,
                                    connect_timeout=max(1, int(self.timeout)),
                                    options=f"-c lock_timeout={int(self.timeout * 1000)}")
        return self._con

    def cursor(self) -> Any:
        with self._lock:
            if self._con is None or self._con.closed or self._con.broken:
                if self._con is not None:
                    self._con.close()
                self._connect()
            return self._con.cursor()

    def execute(self, sql: str, params: Any = None) -> Any:
        """One statement outside the store's methods (``%s`` placeholders); its cursor."""
        return self.cursor().execute(sql, params)

    def commit(self) -> None:  # autocommit: transactions are BEGIN ... COMMIT statements
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()


def _size(con: _Connection) -> int:
    with con.cursor() as cur:
        cur.execute("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                    "n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(%s)",
                    (list(TABLES),))
        return int(cur.fetchone()[0])


def open_postgres(url: str, *, max_bytes: int = MAX_BYTES, create: bool = True,
                  timeout: float = 5.0, readonly: bool = False) -> RunStore:
    """A store on the PostgreSQL server at ``url`` (``postgresql://user:pw@host:port/db``).

    Its tables must exist (``python -m backprop.store setup``): a student's role may not
    create them, so ``create`` is ignored here. ``readonly`` is the role's business.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError("the PostgreSQL store needs psycopg: pip install 'psycopg[binary]' "
                         "(the hub extra: pip install -e '.[hub]')") from None
    where = _hide_password(url)
    try:
        con = _Connection(url, timeout)
    except Exception as exc:
        raise _translate(exc, where) or StoreError(f"{where}: {exc}") from exc
    store = RunStore(con, POSTGRESQL, where, max_bytes=max_bytes, size=lambda: _size(con))
    store.url = url  # what the command line needs to open it again (where hides the password)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT value FROM meta WHERE name = 'schema'")
            row = cur.fetchone()
    except Exception as exc:
        store.close()
        raise _translate(exc, where) or StoreError(f"{where}: {exc}") from exc
    if row is None or row[0] != SCHEMA_VERSION:
        store.close()
        raise StoreMissing(f"the class's store {where} has schema {row and row[0]!r}, not "
                           f"{SCHEMA_VERSION!r}: run  python -m backprop.store setup  as the "
                           f"database's owner")
    return store


def setup(url: str, student_role: str | None = None, teacher_role: str | None = None) -> str:
    """Create or upgrade the schema at ``url`` (as its owner) and grant the roles their rights.

    Idempotent: tables are created when missing, the schema version recorded, the grants
    made again. Returns a one-line summary.
    """
    for role in (student_role, teacher_role):
        if role is not None and not ROLE_NAME.match(role):
            raise ValueError(f"a role name is lower-case letters, digits and _, got {role!r}")
    import psycopg

    where = _hide_password(url)
    try:
        con = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except Exception as exc:
        raise _translate(exc, where) or StoreError(f"{where}: {exc}") from exc
    store = RunStore(con, POSTGRESQL, where)
    try:
        store.create_schema()
        with con.cursor() as cur, con.transaction():
            cur.execute("UPDATE meta SET value = %s WHERE name = 'schema'", (SCHEMA_VERSION,))
            for role, grants in ((student_role, STUDENT_GRANTS),
                                 (teacher_role, TEACHER_GRANTS)):
                if role is None:
                    continue
                cur.execute(f"GRANT USAGE ON SCHEMA {_schema(cur)} TO {role}")
                for table in TABLES:
                    cur.execute(f"REVOKE ALL ON {table} FROM {role}")
                    cur.execute(f"GRANT {grants[table]} ON {table} TO {role}")
                for sequence in ("classes_id_seq", "runs_id_seq"):
                    right = "USAGE" if sequence == "runs_id_seq" or role == teacher_role \
                        else None
                    cur.execute(f"REVOKE ALL ON SEQUENCE {sequence} FROM {role}")
                    if right:
                        cur.execute(f"GRANT {right} ON SEQUENCE {sequence} TO {role}")
    finally:
        store.close()
    roles = ", ".join(f"{kind} {name}" for kind, name in (("student", student_role),
                                                          ("teacher", teacher_role)) if name)
    granted = f"; rights granted to {roles}" if roles else ""
    return f"{where}: schema {SCHEMA_VERSION} ready{granted}"


def _schema(cur: Any) -> str:
    cur.execute("SELECT current_schema()")
    return cur.fetchone()[0]
