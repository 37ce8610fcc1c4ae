"""The class's store on a real PostgreSQL server (issue 22): the schema command, the student's
and the teacher's roles, the server going away mid-lecture, and a kernel killed inside a
write. The server is tests/pg_helpers.py's throwaway one (the ``postgres`` fixture); the
tests shared with SQLite are tests/test_store.py's, run on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

import backprop as bp
from backprop.store import StoreError, StoreReadOnly, open_store
from backprop.store.__main__ import main as store_main
from backprop.widgets import playground

CONFIG = {"lr": 0.5, "hidden": 110, "n_epochs": 3, "batch_size": 10, "loss": "cross_entropy",
          "init": "normal_scaled", "seed": 0}
HISTORY = {"train_loss": [1.0, 0.6, 0.4], "train_acc": [0.6, 0.8, 0.9],
           "val_loss": [1.1, 0.7, 0.5], "val_acc": [0.55, 0.75, 0.85]}


def test_setup_is_one_command_and_can_run_again(postgres, postgres_store, capsys):
    url = postgres.url()
    postgres_store.save(postgres_store.key(CONFIG), CONFIG, "s", HISTORY, 1.0)
    for _ in range(2):  # an upgrade is the same command: it keeps what is there
        assert store_main(["--store", url, "setup", "--student-role", "backprop_student",
                           "--teacher-role", "backprop_teacher"]) == 0
    assert "schema 1 ready; rights granted to student backprop_student, teacher " \
           "backprop_teacher" in capsys.readouterr().out
    assert postgres_store.counts()["runs"] == 1
    assert store_main(["--store", url, "setup", "--student-role", "Robert'); DROP"]) == 1
    # the passwords stay out of what the store says about itself
    assert postgres.passwords["backprop_owner"] not in postgres_store.where


def test_a_student_adds_runs_and_reads_the_board_and_nothing_else(postgres, postgres_store):
    student = open_store(postgres.url("backprop_student"))
    try:
        session = student.new_session("Ada")
        key = student.key(CONFIG)
        assert student.claim(key, session) is None
        run_id = student.save(key, CONFIG, session, HISTORY, 1.0)
        student.record_replay(key, student.new_session())
        assert student.counts() == {"students": 2, "runs": 2, "replays": 1, "live": 1}
        assert [r.nickname for r in student.runs()] == ["Ada", None]
        # the teacher's controls: refused by the server, with words
        with pytest.raises(StoreReadOnly, match="no right"):
            student.new_class("mine now")
        postgres_store.new_class("the teacher's next")  # two classes: prune has work to do
        with pytest.raises(StoreReadOnly, match="no right"):
            student.prune(1)
        # another student's runs and results: no change, no delete, whatever the kernel sends
        for sql in (f"UPDATE runs SET session = 'me' WHERE id = {run_id}",
                    "DELETE FROM runs", "UPDATE results SET val_acc = 1.0",
                    "DELETE FROM results", "INSERT INTO classes (started, name) VALUES (0, 'x')",
                    "DROP TABLE runs", "CREATE TABLE mine (x int)"):
            with pytest.raises(Exception, match="permission denied|must be owner"):
                student.connection.execute(sql)
        assert postgres_store.current_class().id == 2
        assert len(postgres_store.runs(class_id=1)) == 2
    finally:
        student.close()


def test_the_teacher_starts_a_class_and_prunes(postgres, postgres_store):
    teacher = open_store(postgres.url("backprop_teacher"))
    try:
        teacher.save(teacher.key(CONFIG), CONFIG, teacher.new_session(), HISTORY, 1.0)
        assert teacher.new_class("Tuesday").name == "Tuesday"
        assert teacher.prune(1) == 1 and teacher.counts()["runs"] == 0
        with pytest.raises(Exception, match="permission denied|must be owner"):
            teacher.connection.execute("DROP TABLE runs")
    finally:
        teacher.close()


def test_the_database_going_away_mid_lecture(postgres, postgres_store):
    """The playground keeps working while the server is down: its run is *not* kept (the
    page says so, once), and the store works again once the server is back: a page opened
    then shares its runs, and the store's connection is made again by itself."""
    data = bp.load_mnist(300, 200, 0)
    url = postgres.url("backprop_student")
    reader = open_store(url)
    panel = playground(data, store=url, n_epochs=2, hidden=20)
    try:
        panel.start()
        panel.wait(120)
        assert panel.runs[-1].source == "live" and reader.counts()["runs"] == 1
        postgres.stop()  # the database server goes away mid-lecture
        panel.controls["seed"].value = 3  # a student moves a slider: a new run
        panel.wait(120)
        assert panel.runs[-1].outcome == "finished"  # the playground worked on
        assert "not shared with the class" in panel.status.value
        assert "cannot be reached" in panel.status.value
        with pytest.raises(StoreError, match="cannot be reached"):
            reader.counts()
        postgres.start()  # back
        assert reader.counts()["runs"] == 1  # the dropped run is not there; reconnected
        later = playground(data, store=url, n_epochs=2, hidden=20, seed=4)
        later.start()
        later.wait(120)
        assert later.runs[-1].source == "live" and reader.counts()["runs"] == 2
    finally:
        reader.close()
        if not postgres.running():
            postgres.start()


KILLED = textwrap.dedent("""
    import sys, time
    from backprop.store import open_store
    from backprop.store.core import RunStore

    store = open_store(sys.argv[1])
    add_run = RunStore._add_run

    def add_run_then_hang(self, *args, **kwargs):  # the result is written, the run row too,
        run_id = add_run(self, *args, **kwargs)    # but the transaction is still open
        print("inside", flush=True)
        time.sleep(600)
        return run_id

    RunStore._add_run = add_run_then_hang
    config = {"lr": 0.5, "hidden": 110, "n_epochs": 3, "batch_size": 10,
              "loss": "cross_entropy", "init": "normal_scaled", "seed": 7}
    history = {"train_loss": [1.0], "train_acc": [0.5], "val_loss": [1.0], "val_acc": [0.5]}
    store.save(store.key(config), config, store.new_session(), history, 1.0)
""")


def test_a_server_culled_mid_write_leaves_nothing_half_written(postgres, postgres_store):
    """The culler stops a student's server (and its kernel) while it saves a run: PostgreSQL
    rolls the open transaction back when the connection drops; nothing of it is kept."""
    proc = subprocess.Popen([sys.executable, "-c", KILLED, postgres.url("backprop_student")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ))
    try:
        line = proc.stdout.readline()
        assert line.strip() == "inside", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(10)
    key = postgres_store.key({**CONFIG, "seed": 7})
    assert postgres_store.find(key) is None
    assert postgres_store.counts()["runs"] == 0
    # and nothing is left locked: the next run is kept
    postgres_store.save(key, {**CONFIG, "seed": 7}, "s", HISTORY, 1.0)
    assert postgres_store.counts()["runs"] == 1
