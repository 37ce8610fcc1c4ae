"""The playground sharing its runs through the class's store, and the class's board: replays,
one training for two pages asking at once, a store that fails, hostile nicknames, and the
teacher's controls only for the teacher."""

import threading

import pytest

import backprop as bp
from backprop.store import open_store
from backprop.store.board import class_table, grid, verdict
from backprop.widgets import class_board, playground
from backprop.widgets._board import is_teacher, playground_link

SMALL = {"n_epochs": 2, "hidden": 20}


@pytest.fixture(scope="module")
def tiny():
    return bp.load_mnist(300, 200, 0)


def run(data, path, **settings):
    panel = playground(data, store=path, **{**SMALL, **settings})
    panel.start()
    panel.wait(120)
    return panel


def test_settings_run_before_come_from_the_class_s_runs(tiny, tmp_path):
    path = tmp_path / "runs.sqlite"
    first = run(tiny, path)
    assert first.runs[-1].source == "live" and first.status.value.count("finished") == 1
    again = run(tiny, path)
    replay = again.runs[-1]
    assert replay.source == "replay" and replay.outcome == "finished"
    assert "from the class&#x27;s runs" in again.status.value
    assert replay.history["val_acc"] == first.runs[-1].history["val_acc"]  # the same run
    assert replay.params is None and again.newest_finished() is None  # no network to read
    other_seed = run(tiny, path, seed=1)
    assert other_seed.runs[-1].source == "live"
    counts = open_store(path).counts()
    assert counts == {"students": 3, "runs": 3, "replays": 1, "live": 2}


def test_two_pages_asking_at_once_train_once(tiny, tmp_path):
    path = tmp_path / "runs.sqlite"
    panels = [playground(tiny, store=path, **SMALL, lr=0.25) for _ in range(2)]
    go = threading.Barrier(2)

    def start(panel):
        go.wait()
        panel.start()

    threads = [threading.Thread(target=start, args=(p,)) for p in panels]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in panels:
        p.wait(120)
    sources = sorted(p.runs[-1].source for p in panels)
    assert sources == ["live", "replay"], [p.status.value for p in panels]
    assert open_store(path).counts() == {"students": 2, "runs": 2, "replays": 1, "live": 1}


def test_a_diverged_run_is_kept_and_replayed_as_diverged(tiny, tmp_path):
    path = tmp_path / "runs.sqlite"
    first = run(tiny, path, lr=10.0, hidden=300, n_epochs=5, loss="mse", init="normal")
    again = run(tiny, path, lr=10.0, hidden=300, n_epochs=5, loss="mse", init="normal")
    store = open_store(path)
    if first.runs[-1].outcome == "error":  # it diverged (NaN): kept so, and replayed so
        assert again.runs[-1].source == "replay" and again.runs[-1].outcome == "error"
        assert "diverged" in again.status.value and "class&#x27;s runs" in again.status.value
        assert store.runs()[0].diverged and verdict(store.runs()[0]) == "diverged"
    else:  # it learned nothing, without NaN: the board says "chance"
        assert verdict(store.runs()[0]) in ("chance", "ok")
    assert store.counts()["replays"] == 1


@pytest.mark.parametrize("fault", ["corrupt", "missing folder"])
def test_the_playground_keeps_working_without_the_store(tiny, tmp_path, fault):
    path = tmp_path / "runs.sqlite"
    if fault == "corrupt":
        path.write_bytes(b"not a database " * 500)
    else:
        path = tmp_path / "gone" / "runs.sqlite"
    panel = run(tiny, path)
    assert panel.runs[-1].outcome == "finished" and panel.runs[-1].source == "live"
    assert "runs are not shared with the class" in panel.status.value  # said once...
    panel.start()
    panel.wait(120)
    assert panel.runs[-1].outcome == "finished"
    assert "not shared" not in panel.status.value  # ...not at every run
    assert panel.share.nickname.disabled


def test_a_store_failing_mid_lecture_is_said_once(tiny, tmp_path):
    path = tmp_path / "runs.sqlite"
    panel = run(tiny, path)
    panel.share.store.max_bytes = 1  # now full
    panel.controls["seed"].value = 3
    panel.wait(120)
    assert panel.runs[-1].outcome == "finished"
    assert "full" in panel.status.value and "not shared" in panel.status.value


def test_the_board_shows_the_class_s_runs(tiny, tmp_path):
    path = tmp_path / "runs.sqlite"
    a = run(tiny, path)
    a.share.nickname.value = "<b>Ada</b>"
    assert "<b>Ada</b>" not in a.share.note.value and "&lt;b&gt;Ada" in a.share.note.value
    run(tiny, path, lr=0.25)
    board = class_board(path, poll=False, teacher=False)
    assert "<b>2</b> students" in board.counts.value and "<b>0</b> replays" in board.counts.value
    assert "&lt;b&gt;Ada&lt;/b&gt;" in board.recent.value and "<b>Ada" not in board.recent.value
    assert "0.25" in board.grid.value and "0.5" in board.grid.value
    assert "Table I" in board.tables.value and "89.53" in board.tables.value  # the report's
    assert "Table II" in board.tables.value and "90.29" in board.tables.value
    assert "Best so far" in board.best.value and "hidden=20" in board.best.value
    assert board.new_class is None
    assert not [w for w in board.children if getattr(w, "description", "") == "New class"]
    before = board.refreshed
    run(tiny, path, lr=0.25)  # a replay: the board follows
    board.refresh()
    assert board.refreshed == before + 1 and "<b>1</b> replays" in board.counts.value
    board.close()


def test_board_tables_and_grid_from_runs(tmp_path):
    store = open_store(tmp_path / "runs.sqlite")
    hist = {"train_loss": [1.0], "train_acc": [0.9], "val_loss": [1.0], "val_acc": [0.88]}
    cfg = {"lr": 10 ** -2.6, "hidden": 30, "n_epochs": 1, "batch_size": 10,
           "loss": "mse", "init": "normal_scaled", "seed": 0}
    store.save(store.key(cfg), cfg, "s", hist, 1.0)
    store.save(store.key({**cfg, "hidden": 35}), {**cfg, "hidden": 35}, "s",
               {**hist, "val_acc": [0.9]}, 1.0)
    runs = store.runs()
    by_lr = {c["value"]: c for c in class_table(runs, "lr")}
    assert by_lr[2.5e-3]["runs"] == 2 and by_lr[2.5e-3]["best"].val_acc == 0.9  # one column
    by_hidden = {c["value"]: c for c in class_table(runs, "hidden")}
    assert by_hidden[30]["runs"] == 1 and by_hidden[35]["report_val"] is None
    g = grid(runs)
    assert g["hiddens"] == [30, 35] and len(g["lrs"]) == 1


def test_the_board_says_what_is_wrong_with_the_store(tmp_path):
    path = tmp_path / "runs.sqlite"
    board = class_board(path, poll=False)
    assert "does not exist yet" in board.problem.value and 'role="alert"' in board.problem.value
    open_store(path).close()  # the app creates it: the board recovers
    board.refresh()
    assert board.problem.layout.display == "none" and "No runs yet" in board.grid.value
    board.close()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage " * 1000)
    board = class_board(bad, poll=False)
    assert "damaged" in board.problem.value
    board.close()
    store = open_store(tmp_path / "full.sqlite", max_bytes=1)
    board = class_board(store, poll=False)
    assert "nearly full" in board.problem.value and "prune" in board.problem.value
    board.close()


def test_new_class_is_the_teacher_s_only(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_TEACHER_KEY", "s3cret-key")
    assert is_teacher("teacher=s3cret-key&token=x")
    assert not is_teacher("teacher=s3cret")
    assert not is_teacher("") and not is_teacher("token=s3cret-key")
    monkeypatch.setenv("BACKPROP_TEACHER_KEY", "")
    assert not is_teacher("teacher=")  # no key set: nobody is the teacher
    path = tmp_path / "runs.sqlite"
    store = open_store(path)
    cfg = {"lr": 0.5, "hidden": 20, "n_epochs": 1, "batch_size": 10, "loss": "mse",
           "init": "normal_scaled", "seed": 0}
    store.save(store.key(cfg), cfg, "s", {"train_loss": [1], "train_acc": [0.5],
                                          "val_loss": [1], "val_acc": [0.5]}, 1.0)
    board = class_board(path, poll=False, teacher=True)
    assert "<b>1</b> runs" in board.counts.value
    board.new_class.click()
    assert "<b>0</b> runs" in board.counts.value and store.current_class().id == 2
    board.close()


def test_the_best_run_s_link_opens_its_settings():
    link = playground_link({"lr": 0.25, "hidden": 90, "n_epochs": 20, "batch_size": 10,
                            "loss": "mse", "init": "normal", "seed": 3}, "http://h:8866/")
    assert link.startswith("http://h:8866/?") and "lr=0.25" in link and "epochs=20" in link
    assert "hidden=90" in link and "seed=3" in link and "init=normal" in link


def test_a_page_follows_a_run_another_trains_and_can_stop_following(tiny, tmp_path):
    path = tmp_path / "runs.sqlite"
    store = open_store(path)
    panel = playground(tiny, store=path, **SMALL, seed=7)
    other = store.new_session()
    assert store.claim(panel.share.key(panel.config()), other) is None  # another page trains
    panel.start()
    run_ = panel.runs[-1]
    wait = threading.Event()
    for _ in range(100):
        if "following their run" in panel.status.value:
            break
        wait.wait(0.1)
    assert "another student is training these settings" in panel.status.value
    panel.stop()
    panel.wait(30)
    assert run_.outcome == "stopped" and run_.history is None  # nothing trained twice
    assert store.counts()["runs"] == 0


def test_with_the_inside_view_on_a_run_trains_here(tiny, tmp_path):
    """A replay has no weights, and the inside view shows them: the run trains live."""
    path = tmp_path / "runs.sqlite"
    run(tiny, path)
    panel = playground(tiny, store=path, **SMALL)
    from backprop.widgets._inside import VIEWS
    panel.inside.view.value = VIEWS[1]
    panel.wait(120)  # the switch may start a run of its own
    panel.start()
    panel.wait(120)
    assert panel.runs[-1].source == "live" and panel.runs[-1].params is not None
    assert open_store(path).counts()["live"] >= 2
