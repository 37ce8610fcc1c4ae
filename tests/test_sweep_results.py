"""The runs shipped with the package (backprop.sweep_results): checked, current, and used by
backprop.sweep exactly as a cached run. Fast; the slow check that a fresh recomputation agrees
with them is tests/test_sweeps_shipped.py."""

import gzip
import hashlib
import json

import pandas as pd
import pytest

import backprop as bp
from backprop import sweep_results, sweeps

SMALL = {"n_train": 200, "n_val": 100, "n_epochs": 2, "hidden": 8}
STALE = ("the shipped runs do not match the current code and data: the notebooks would retrain "
         "them (about 14 minutes on two cores). Run make sweeps and commit "
         "backprop/data/sweeps.json.gz and backprop/sweep_results.py")


@pytest.fixture(scope="module")
def shipped():
    return sweep_results.load()


def _no_training(config, data_path=None):
    raise AssertionError(f"trained {config}, which the shipped runs hold")


def test_the_shipped_file_is_small_and_passes_its_checksum(shipped):
    raw = sweep_results.SHIPPED_PATH.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == sweep_results.SHIPPED_SHA256
    assert len(raw) < 4_000_000  # 0.15 MB of records, 2.8 MB of notebook 04's parameters
    # every configuration notebooks 02-04 sweep; that the set is exactly the notebooks'
    # is checked by recomputing it, tests/test_sweeps_shipped.py
    assert len(shipped) >= 50


def test_every_shipped_run_is_keyed_for_the_current_code(shipped):
    stale = [key for key, record in shipped.items()
             if sweeps.run_key(sweep_results.config_of(record)) != key]
    assert not stale, f"{len(stale)} of {len(shipped)} runs: {STALE}"


def test_a_shipped_run_is_returned_as_its_cached_record_without_training(shipped, tmp_path,
                                                                         monkeypatch):
    key = sorted(shipped)[0]
    config = sweep_results.config_of(shipped[key])
    monkeypatch.setattr(sweeps, "run_one", _no_training)
    from_shipped = sweeps.sweep([config], n_jobs=1, cache_dir=tmp_path / "empty",
                                progress=False)
    assert from_shipped["cached"].iloc[0]
    assert not (tmp_path / "empty").exists()  # read, not copied into the user's cache
    # the same run found in the user's cache, as sweep() wrote it after training it
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / f"{key}.json").write_text(json.dumps(shipped[key]))
    from_cache = sweeps.sweep([config], n_jobs=1, cache_dir=tmp_path / "user",
                              use_shipped=False, progress=False)
    pd.testing.assert_frame_equal(from_shipped, from_cache)
    assert from_shipped["history"].iloc[0] == shipped[key]["history"]


def test_the_users_cache_comes_first(shipped, tmp_path, monkeypatch):
    key = sorted(shipped)[0]
    mine = dict(shipped[key], val_acc=0.5)
    (tmp_path / f"{key}.json").write_text(json.dumps(mine))
    monkeypatch.setattr(sweeps, "run_one", _no_training)
    frame = sweeps.sweep([sweep_results.config_of(mine)], n_jobs=1, cache_dir=tmp_path,
                         progress=False)
    assert frame["val_acc"].iloc[0] == 0.5


def test_a_run_absent_from_both_is_trained(shipped, tmp_path, monkeypatch):
    assert sweeps.run_key(SMALL) not in shipped
    trained = []
    real = sweeps.run_one

    def counting(config, data_path=None):
        trained.append(config)
        return real(config, data_path)

    monkeypatch.setattr(sweeps, "run_one", counting)
    key = sorted(shipped)[0]
    frame = sweeps.sweep([SMALL, sweep_results.config_of(shipped[key])], n_jobs=1,
                         cache_dir=tmp_path, progress=False)
    assert list(frame["cached"]) == [False, True] and len(trained) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"{sweeps.run_key(SMALL)}.json"]


def test_the_shipped_runs_can_be_turned_off(shipped, tmp_path, monkeypatch):
    record = shipped[sorted(shipped)[0]]
    fake = dict(record, val_acc=0.25)
    monkeypatch.setattr(sweeps, "run_one", lambda config, data_path=None: fake)
    config = sweep_results.config_of(record)
    off = sweeps.sweep([config], n_jobs=1, cache_dir=tmp_path / "a", use_shipped=False,
                       progress=False)
    monkeypatch.setenv(sweep_results.ENV_SWITCH, "0")
    by_env = sweeps.sweep([config], n_jobs=1, cache_dir=tmp_path / "b", progress=False)
    assert off["val_acc"].iloc[0] == by_env["val_acc"].iloc[0] == 0.25


def test_write_then_load_round_trip(tmp_path):
    runs = {"k1": {"lr": 0.5, "history": {"val_acc": [0.1, 0.2]}, "train_loss": float("nan")}}
    module = tmp_path / "holder.py"
    module.write_text(f'"""doc"""\nSHIPPED_SHA256 = "{"0" * 64}"\n')
    path = tmp_path / "runs.json.gz"
    digest = sweep_results.write(runs, "test", path=path, module=module)
    assert f'SHIPPED_SHA256 = "{digest}"' in module.read_text()
    loaded = sweep_results.load(path, digest)
    assert loaded["k1"]["history"] == runs["k1"]["history"]
    loaded["k1"]["history"]["val_acc"].append(1.0)  # a caller's change stays its own
    assert sweep_results.load(path, digest)["k1"]["history"]["val_acc"] == [0.1, 0.2]
    assert sweep_results.encode(runs, "test") == path.read_bytes()  # byte-reproducible
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("damage", ["truncate", "flip", "missing"])
def test_a_damaged_file_is_refused_saying_how_to_rebuild(tmp_path, monkeypatch, damage):
    path = tmp_path / "sweeps.json.gz"
    raw = sweep_results.SHIPPED_PATH.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[:1000])
    elif damage == "flip":
        path.write_bytes(raw[:500] + bytes([raw[500] ^ 1]) + raw[501:])
    error = FileNotFoundError if damage == "missing" else ValueError
    with pytest.raises(error, match="make sweeps"):
        sweep_results.load(path)
    monkeypatch.setattr(sweep_results, "SHIPPED_PATH", path)
    with pytest.raises(error, match="make sweeps"):  # sweep() says so too, rather than train
        sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path / "cache", progress=False)


def test_a_file_that_is_not_a_runs_file_is_refused(tmp_path):
    path = tmp_path / "other.json.gz"
    digest = sweep_results.write({}, path=path, module=_holder(tmp_path))
    assert sweep_results.load(path, digest) == {}
    other = tmp_path / "not-gzip.json.gz"
    other.write_bytes(b"{}")
    with pytest.raises(ValueError, match="not a gzip-compressed JSON file.*make sweeps"):
        sweep_results.load(other, hashlib.sha256(b"{}").hexdigest())
    wrong = tmp_path / "wrong.json.gz"
    wrong.write_bytes(gzip.compress(b'{"runs": []}'))
    with pytest.raises(ValueError, match="not a runs file of format 1.*make sweeps"):
        sweep_results.load(wrong, hashlib.sha256(wrong.read_bytes()).hexdigest())


def _holder(folder):
    module = folder / "holder.py"
    module.write_text(f'SHIPPED_SHA256 = "{"f" * 64}"\n')
    return module


def test_shipped_parameters_are_those_of_their_runs(shipped):
    with_params = {key: r for key, r in shipped.items() if "params" in r}
    assert len(with_params) >= 9  # notebook 04's three settings at three seeds
    data = bp.load_mnist(3000, 10000, 0)
    for record in with_params.values():
        params = sweeps.decode_params(record["params"])
        assert params["W1"].shape == (784, record["hidden"])
        # two images' worth of slack: float32 ties may round differently outside training
        assert abs(bp.accuracy(params, data.val.X, data.val.y) - record["val_acc"]) <= 2e-4
