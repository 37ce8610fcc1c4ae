"""The class's store (backprop.store): runs kept atomically in SQLite (WAL), claims, replays,
prune, the nickname rules, and its faults (missing, read-only, full, corrupt, a writer killed
mid-write, two processes writing at once)."""

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from browser_helpers import free_port

from backprop.store import (
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreMissing,
    StoreReadOnly,
    clean_nickname,
    open_store,
)
from backprop.store.__main__ import main as store_main

CONFIG = {"lr": 0.5, "hidden": 110, "n_epochs": 3, "batch_size": 10, "loss": "cross_entropy",
          "init": "normal_scaled", "seed": 0}
HISTORY = {"train_loss": [1.0, 0.6, 0.4], "train_acc": [0.6, 0.8, 0.9],
           "val_loss": [1.1, 0.7, 0.5], "val_acc": [0.55, 0.75, 0.85]}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The same tests on both backends: an SQLite file, and a throwaway PostgreSQL server
    (tests/pg_helpers.py) opened as the database's owner."""
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres_store")
        return
    s = open_store(tmp_path / "runs.sqlite")
    yield s
    s.close()


def config(**changes):
    return {**CONFIG, **changes}


def test_a_saved_run_comes_back_with_its_curves(store):
    session = store.new_session()
    key = store.key(CONFIG)
    assert store.find(key) is None
    store.save(key, CONFIG, session, {**HISTORY, "grad_W1": [1, 2, 3]}, seconds=2.5)
    run = store.find(key)
    assert run.history == HISTORY  # the curves only, as JSON: the inside view's stats are not kept
    assert run.config == CONFIG and run.val_acc == 0.85 and run.train_acc == 0.9
    assert not run.diverged and run.seconds == 2.5 and run.session == session
    # the key is the settings, the seed included, the data and the code
    assert store.key(config(seed=1)) != key and store.key(config(lr=0.25)) != key
    assert store.key(CONFIG, n_train=300, n_val=200) != key
    assert store.key(CONFIG, variant="subset2000") != key
    row = store.connection.execute("SELECT curves FROM results").fetchone()[0]
    assert json.loads(row)["val_acc"] == HISTORY["val_acc"]  # JSON text, no pickle


def test_a_diverged_run_is_kept_with_its_nan_as_null(store):
    key = store.key(config(lr=10.0))
    history = {**HISTORY, "train_loss": [1.0, float("nan")], "val_loss": [1.0, float("inf")],
               "train_acc": [0.1, 0.1], "val_acc": [0.1, 0.1]}
    store.save(key, config(lr=10.0), store.new_session(), history, 1.0, diverged=True)
    run = store.find(key)
    assert run.diverged and math.isnan(run.val_acc)
    assert math.isnan(run.history["train_loss"][1]) and math.isnan(run.history["val_loss"][1])


def test_settings_off_the_sliders_grid_are_refused(store):
    session = store.new_session()
    for bad in (config(lr=100.0), config(hidden=400), config(batch_size=7), config(n_epochs=500)):
        with pytest.raises(ValueError, match="off the sliders' grid"):
            store.save(store.key(bad), bad, session, HISTORY, 1.0)
    with pytest.raises(ValueError, match="without epochs"):
        store.save(store.key(CONFIG), CONFIG, session, {k: [] for k in HISTORY}, 1.0)
    assert store.counts()["runs"] == 0


def test_the_first_result_wins_and_each_run_counts(store):
    a, b = store.new_session(), store.new_session()
    key = store.key(CONFIG)
    store.save(key, CONFIG, a, HISTORY, 2.0)
    store.save(key, CONFIG, b, {**HISTORY, "val_acc": [0.1, 0.1, 0.1]}, 9.0)
    assert store.find(key).session == a and store.find(key).val_acc == 0.85
    store.record_replay(key, b)
    assert store.counts() == {"students": 2, "runs": 3, "replays": 1, "live": 2}
    assert [r.replay for r in store.runs()] == [False, False, True]
    assert [r.id for r in store.runs(after=store.runs()[0].id)] == [r.id for r in store.runs()[1:]]


def test_one_claim_per_settings_and_a_dead_claimers_lapses(store):
    a, b = store.new_session(), store.new_session()
    key = store.key(CONFIG)
    assert store.claim(key, a) is None  # a trains it
    assert store.claim(key, b) == a  # b is told who does
    assert store.claim(key, a) is None  # a renews its claim
    store.release(key, b)  # not b's to release
    assert store.claim(key, b) == a
    store.release(key, a)
    assert store.claim(key, b) is None
    # b's kernel dies: its claim lapses after its seconds, and a takes it over
    assert store.claim(key, b, seconds=0.2) is None and store.claim(key, a) == b
    time.sleep(0.3)
    assert store.claim(key, a) is None
    store.save(key, CONFIG, a, HISTORY, 1.0)  # saving releases the claim
    assert store.connection.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0


def test_new_class_and_prune_with_an_archive(store, tmp_path, capsys):
    s = store.new_session()
    store.save(store.key(CONFIG), CONFIG, s, HISTORY, 1.0)
    first = store.current_class()
    second = store.new_class("Monday")
    assert second.id > first.id and store.current_class().name == "Monday"
    assert store.counts()["runs"] == 0 and store.find(store.key(CONFIG)) is not None
    store.save(store.key(config(seed=1)), config(seed=1), s, HISTORY, 1.0)
    with pytest.raises(ValueError, match="keep_classes"):
        store.prune(0)
    archive = tmp_path / "old.jsonl"
    assert store.prune(1, archive) == 1
    lines = [json.loads(line) for line in archive.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["settings"] == CONFIG and lines[0]["curves"] == HISTORY
    assert store.find(store.key(CONFIG)) is None  # the old class's result went with it
    assert store.find(store.key(config(seed=1))) is not None
    assert store.prune(1) == 0
    # the same from the command line
    path = getattr(store, "url", store.where)  # PostgreSQL's where hides the password
    assert store_main(["--store", path, "new-class", "--name", "Tuesday"]) == 0
    assert store_main(["--store", path, "prune", "--keep", "1"]) == 0
    assert store_main(["--store", path, "info"]) == 0
    assert store_main(["--store", path, "check"]) == 0
    out = capsys.readouterr().out
    assert "dropped 1 runs" in out and "'Tuesday'" in out and out.strip().endswith("ok")


@pytest.mark.parametrize(("nickname", "kept"), [
    ("Ada", "Ada"), ("  Ada  ", "Ada"), ("", None), (None, None),
    ("<b>x</b>", "<b>x</b>"),  # kept as text: the board escapes it
    ("<script>a()</script>", "<script>a()</script>"),
])
def test_nicknames_kept_as_text(nickname, kept):
    assert clean_nickname(nickname) == kept


@pytest.mark.parametrize("nickname", ["x" * 10_000, "a\x00b", "a\nb", "a\x1b[31mb",
                                      "abc\u202egnp.exe", 42])
def test_hostile_nicknames_are_refused(store, nickname):
    with pytest.raises(ValueError, match="nickname"):
        clean_nickname(nickname)
    session = store.new_session()
    with pytest.raises(ValueError):
        store.set_nickname(session, nickname)


def test_sqlite_runs_in_wal_mode_and_has_a_cap(store):
    if store.dialect.name == "sqlite":
        assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.size() > 0 and store.check() == "ok"


def test_missing_store(tmp_path):
    with pytest.raises(StoreMissing, match="does not exist yet"):
        open_store(tmp_path / "none.sqlite", create=False)
    with pytest.raises(StoreMissing, match="folder"):
        open_store(tmp_path / "no" / "folder.sqlite")
    # a database server that is not there (a free port: nothing listens)
    with pytest.raises(StoreError, match="cannot be reached"):
        open_store(f"postgresql://student:pw@127.0.0.1:{free_port()}/class", timeout=2)
    with pytest.raises(StoreError, match="no backend"):
        open_store("mysql://localhost/class")
    assert open_store(f"sqlite:///{tmp_path / 'url.sqlite'}").check() == "ok"


def test_corrupt_store(tmp_path):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is no database, just words " * 200)
    with pytest.raises(StoreCorrupt, match="damaged"):
        open_store(path)


def test_full_store(tmp_path):
    store = open_store(tmp_path / "runs.sqlite", max_bytes=1)  # smaller than its schema
    with pytest.raises(StoreFull, match="prune"):
        store.save(store.key(CONFIG), CONFIG, store.new_session(), HISTORY, 1.0)
    # SQLite's own cap, the same error: a store that grows past max_page_count
    store = open_store(tmp_path / "cap.sqlite", max_bytes=60_000)
    store._size = None  # only SQLite's hard cap now  # noqa: SLF001
    big = {k: v * 60 for k, v in HISTORY.items()}
    with pytest.raises(StoreFull):
        for seed in range(1000):
            store.save(store.key(config(seed=seed)), config(seed=seed), "s", big, 1.0)
    assert store.check() == "ok" and store.counts()["runs"] > 0  # what was kept stays


def test_read_only_store(tmp_path):
    path = tmp_path / "runs.sqlite"
    open_store(path).close()
    store = open_store(path, readonly=True)
    with pytest.raises(StoreReadOnly, match="read-only"):
        store.save(store.key(CONFIG), CONFIG, "s", HISTORY, 1.0)
    assert store.counts()["runs"] == 0  # reading still works
    if os.geteuid() != 0:  # root writes read-only files: only a normal user can test this
        store.close()
        os.chmod(path, 0o444)
        with pytest.raises(StoreReadOnly):
            open_store(path).save(store.key(CONFIG), CONFIG, "s", HISTORY, 1.0)


WRITER = textwrap.dedent("""
    import sys
    from backprop.store import open_store
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = open_store(path, timeout=30)
    session = store.new_session(name)
    cfg = {"lr": 0.5, "hidden": 110, "n_epochs": 200, "batch_size": 10,
           "loss": "cross_entropy", "init": "normal_scaled"}
    curves = {k: [0.5 + i / 1000 for i in range(200)]
              for k in ("train_loss", "train_acc", "val_loss", "val_acc")}
    i = 0
    while count < 0 or i < count:
        seed = sum(map(ord, name)) % 90 * 10000 + i
        store.save(store.key({**cfg, "seed": seed}), {**cfg, "seed": seed}, session, curves,
                   1.0)
        print(i, flush=True)
        i += 1
""")


def writer(path, name, count):
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ))


def test_a_writer_killed_mid_write_corrupts_nothing(tmp_path):
    path = tmp_path / "runs.sqlite"
    open_store(path).close()
    proc = writer(path, "killed", -1)
    try:
        done = 0
        while done < 30:  # it commits a run a line
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            done += 1
        os.kill(proc.pid, signal.SIGKILL)  # mid-loop: most likely inside a transaction
    finally:
        proc.kill()
        proc.wait(10)
    store = open_store(path)
    assert store.check() == "ok"
    kept = store.connection.execute("SELECT curves FROM results").fetchall()
    assert len(kept) >= done  # every committed run is there, whole
    assert all(len(json.loads(c)["val_acc"]) == 200 for (c,) in kept)
    assert store.counts()["runs"] == len(kept)  # no half run: a result has its run row
    store.save(store.key(CONFIG), CONFIG, store.new_session(), HISTORY, 1.0)  # no stale lock
    assert store.check() == "ok"


def test_two_processes_write_one_store_at_once(tmp_path):
    """Two app servers on one file: SQLite's lock lets one writer in at a time (the other
    waits up to its timeout); WAL lets readers read meanwhile. Nothing is lost."""
    path = tmp_path / "runs.sqlite"
    open_store(path).close()
    procs = [writer(path, name, 40) for name in ("server-a", "server-b")]
    reader = open_store(path)
    seen = []
    while any(p.poll() is None for p in procs):
        seen.append(reader.counts()["runs"])  # reads go on while they write
        time.sleep(0.05)
    for p in procs:
        assert p.wait(60) == 0, p.stderr.read()
    assert reader.counts()["runs"] == 80 and reader.counts()["students"] == 2
    assert reader.check() == "ok"
    assert seen == sorted(seen)


def test_a_raw_sqlite_lock_makes_writers_wait_then_fail_in_words(tmp_path):
    path = tmp_path / "runs.sqlite"
    store = open_store(path, timeout=0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another server mid-transaction, holding the lock
    try:
        with pytest.raises(StoreError, match="busy"):
            store.save(store.key(CONFIG), CONFIG, "s", HISTORY, 1.0)
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.save(store.key(CONFIG), CONFIG, "s", HISTORY, 1.0)
    assert store.counts()["runs"] == 1


def test_bench_replay_hits_runs_in_smoke_mode():
    """make test runs every benchmark in smoke mode: the replay-hit simulation too."""
    from pathlib import Path
    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_replay_hits.py"
    result = subprocess.run([sys.executable, str(bench), "--smoke"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "== replay hits" in result.stdout and "saved %" in result.stdout
    row = result.stdout.splitlines()[2].split()
    assert row[0] == "4" and 0 <= float(row[5]) <= 100  # students, saved %
