"""A throwaway PostgreSQL server for the store's tests (issue 22).

Debian's ``postgresql`` package (``make test`` installs it as root when missing; see
scripts/hub_tasks.py) or any PostgreSQL whose ``initdb`` and ``pg_ctl`` are found. The server
runs from a private data folder made for the test session, on 127.0.0.1 and a free port, with
its unix socket in a private folder, password authentication (scram-sha-256) and random
passwords, and is stopped at the end by its PID (postmaster.pid) even when a test failed.
PostgreSQL refuses to run as root: as root, the server runs as the unprivileged user
``nobody`` (through ``runuser``), which owns the data folder.

Roles: the superuser ``postgres`` creates the database's owner ``backprop_owner``, who runs
``python -m backprop.store setup`` for the student role ``backprop_student`` and the teacher
role ``backprop_teacher``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import hub_tasks  # scripts/
from browser_helpers import ARTIFACTS, free_port

ROLES = ("backprop_owner", "backprop_student", "backprop_teacher")


find_bin = hub_tasks.postgres_bin  # initdb / pg_ctl: on PATH, else Debian's versioned folder


@dataclass
class PostgresServer:
    folder: Path
    port: int
    passwords: dict[str, str]
    user: str | None  # the Unix user the server runs as (None: this process's)

    def url(self, role: str = "backprop_owner", database: str = "backprop") -> str:
        return (f"postgresql://{role}:{self.passwords[role]}@127.0.0.1:{self.port}/"
                f"{database}")

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _as_user(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else cmd

    def start(self) -> None:
        log = self.folder / "postgres.log"
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                f"-c unix_socket_directories={self.folder / 'socket'} -c fsync=off")
        result = subprocess.run(self._as_user([find_bin("pg_ctl"), "-D", str(self.data), "-l",
                                               str(log), "-o", opts, "-w", "-t", "120",
                                               "start"]),
                                capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stderr}\n"
                               f"{log.read_text(errors='replace')[-3000:] if log.exists() else ''}")

    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def stop(self, timeout: float = 30) -> None:
        """Fast shutdown (SIGINT to the postmaster, by its PID), SIGKILL if it stays."""
        pid = self.pid()
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)

    def running(self) -> bool:
        pid = self.pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def available() -> str | None:
    """None when a throwaway server can be made here, else why not."""
    if not (find_bin("initdb") and find_bin("pg_ctl")):
        return ("PostgreSQL's initdb and pg_ctl are not installed (Debian: apt-get install "
                "postgresql; make test installs it as root)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "as root, PostgreSQL must run as another user, and runuser is missing"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[hub]'; make test does)"
    return None


@contextlib.contextmanager
def postgres_server():
    """A running throwaway server with the database ``backprop``, its owner, the student and
    teacher roles, and the schema made by ``python -m backprop.store setup``."""
    import psycopg

    folder = Path(tempfile.mkdtemp(prefix="backprop-pg-"))  # mode 0700
    user = "nobody" if os.geteuid() == 0 else None
    passwords = {role: secrets.token_urlsafe(16) for role in ("postgres", *ROLES)}
    server = PostgresServer(folder, free_port(), passwords, user)
    try:
        (folder / "socket").mkdir()
        pwfile = folder / "pwfile"
        pwfile.write_text(passwords["postgres"] + "\n")
        if user:
            subprocess.run(["chown", "-R", user, str(folder)], check=True)
        result = subprocess.run(server._as_user([
            find_bin("initdb"), "-D", str(server.data), "-U", "postgres",
            "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--no-sync",
            "--locale=C"]), capture_output=True, text=True, stdin=subprocess.DEVNULL)
        pwfile.unlink()
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr[-3000:]}")
        server.start()
        admin = f"postgresql://postgres:{passwords['postgres']}@127.0.0.1:{server.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as con:
            for role in ROLES:
                con.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{passwords[role]}'")
            con.execute("CREATE DATABASE backprop OWNER backprop_owner")
            con.execute("REVOKE ALL ON DATABASE backprop FROM PUBLIC")
            con.execute("GRANT CONNECT ON DATABASE backprop TO backprop_student, "
                        "backprop_teacher")
        with psycopg.connect(server.url(), autocommit=True) as con:
            # PostgreSQL 15+ has no CREATE on public for others; say so for older ones too
            con.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        yield server
    finally:
        server.stop()
        log = folder / "postgres.log"
        if log.exists():
            ARTIFACTS.mkdir(exist_ok=True)
            shutil.copy(log, ARTIFACTS / "postgres.log")
        shutil.rmtree(folder, ignore_errors=True)


def fresh_schema(server: PostgresServer) -> None:
    """Empty every table of the store (if made), then ``setup`` with the two roles."""
    import psycopg

    from backprop.store.postgres import TABLES, setup

    with psycopg.connect(server.url(), autocommit=True) as con:
        if con.execute("SELECT to_regclass('runs')").fetchone()[0] is not None:
            con.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")
    setup(server.url(), "backprop_student", "backprop_teacher")
