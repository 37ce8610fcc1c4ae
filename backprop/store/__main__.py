"""``python -m backprop.store``: the class's store from the command line.

    python -m backprop.store info                      what the store holds
    python -m backprop.store new-class [--name NAME]   start a fresh board
    python -m backprop.store prune [--keep 1] [--archive runs.jsonl]
                                                       drop older classes' runs
    python -m backprop.store setup [--student-role R] [--teacher-role T]
                                                       make or upgrade a PostgreSQL store's
                                                       schema, grant the roles their rights
    python -m backprop.store check                     SQLite's integrity check

``--store PATH`` (before the command) picks the store; default ``$BACKPROP_STORE``, else
``app/class-runs.sqlite``.
"""

from __future__ import annotations

import argparse
import sys
import time

from . import StoreError, open_store


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (1 with a message for a store fault)."""
    parser = argparse.ArgumentParser(prog="python -m backprop.store",
                                     description="The class's store of playground runs.")
    parser.add_argument("--store", help="path or sqlite:///path (default: $BACKPROP_STORE, "
                                        "else app/class-runs.sqlite)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="what the store holds")
    p_new = sub.add_parser("new-class", help="start a fresh board")
    p_new.add_argument("--name", default="", help="the class's name, e.g. 'Monday 10:00'")
    p_prune = sub.add_parser("prune", help="drop the runs of older classes")
    p_prune.add_argument("--keep", type=int, default=1, help="classes to keep (default 1)")
    p_prune.add_argument("--archive", help="append the dropped runs to this JSON-lines file")
    sub.add_parser("check", help="SQLite's integrity check")
    p_setup = sub.add_parser("setup", help="create or upgrade the schema (PostgreSQL: as the "
                                           "database's owner) and grant the roles their rights")
    p_setup.add_argument("--student-role", help="the role of the students' servers")
    p_setup.add_argument("--teacher-role", help="the role of the teacher's server")
    args = parser.parse_args(argv)
    try:
        if args.command == "setup":
            return _setup(args)
        store = open_store(args.store, create=args.command != "check")
        try:
            if args.command == "info":
                cls = store.current_class()
                counts = store.counts()
                print(f"{store.where}: {store.size() / 2**20:.2f} MiB of "
                      f"{store.max_bytes / 2**20:.0f} MiB; class {cls.id} {cls.name!r} since "
                      f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(cls.started))}: "
                      f"{counts['students']} students, {counts['runs']} runs, "
                      f"{counts['replays']} replays")
            elif args.command == "new-class":
                cls = store.new_class(args.name)
                print(f"class {cls.id} started: the board is empty")
            elif args.command == "prune":
                dropped = store.prune(args.keep, args.archive)
                where = f", archived to {args.archive}" if args.archive else ""
                print(f"dropped {dropped} runs of older classes{where}")
            else:
                result = store.check()
                print(result)
                return 0 if result == "ok" else 1
        finally:
            store.close()
    except (StoreError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _setup(args: argparse.Namespace) -> int:
    import os

    url = args.store or os.environ.get("BACKPROP_STORE") or ""
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import setup

        print(setup(url, args.student_role, args.teacher_role))
        return 0
    if args.student_role or args.teacher_role:
        raise ValueError("roles are a database server's: an SQLite store has none (its "
                         "file's permissions decide who writes)")
    store = open_store(args.store)  # SQLite: opening creates the schema
    print(f"{store.where}: schema ready")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
