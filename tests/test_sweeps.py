"""backprop.sweep: parallel equals serial, the cache is reused, a change is not served from it."""

import json

import numpy as np
import pandas as pd
import pytest

import backprop as bp
from backprop import sweeps

SMALL = {"n_train": 200, "n_val": 100, "n_epochs": 3, "hidden": 16}


def _configs():
    return [dict(SMALL, lr=lr, seed=seed) for lr in (0.1, 0.5) for seed in (0, 1)]


def _metrics(frame):
    return frame[["lr", "seed", "train_loss", "train_acc", "val_loss", "val_acc"]]


def test_parallel_equals_serial(tmp_path):
    serial = sweeps.sweep(_configs(), n_jobs=1, use_cache=False, progress=False)
    parallel = sweeps.sweep(_configs(), n_jobs=2, use_cache=False, progress=False)
    pd.testing.assert_frame_equal(_metrics(serial), _metrics(parallel))
    assert list(serial["history"]) == list(parallel["history"])
    assert list(serial["lr"]) == [0.1, 0.1, 0.5, 0.5]  # the order given, whatever finishes first


def test_cache_is_reused_and_resumes(tmp_path, monkeypatch):
    first = sweeps.sweep(_configs()[:2], n_jobs=1, cache_dir=tmp_path, progress=False)
    assert not first["cached"].any() and len(list(tmp_path.glob("*.json"))) == 2

    calls = []
    real = sweeps.run_one

    def counting(config, data_path=None):
        calls.append(config)
        return real(config, data_path)

    monkeypatch.setattr(sweeps, "run_one", counting)
    second = sweeps.sweep(_configs(), n_jobs=1, cache_dir=tmp_path, progress=False)
    assert list(second["cached"]) == [True, True, False, False]
    assert len(calls) == 2  # only the two that were missing ran
    pd.testing.assert_frame_equal(_metrics(first), _metrics(second.iloc[:2]))


def test_changed_configuration_is_not_served_from_cache(tmp_path):
    base = sweeps.sweep([dict(SMALL, lr=0.5)], n_jobs=1, cache_dir=tmp_path, progress=False)
    for change in ({"n_epochs": 4}, {"batch_size": 20}, {"loss": "cross_entropy"},
                   {"hidden": 17}, {"seed": 9}, {"n_train": 201}, {"init": "normal"}):
        other = sweeps.sweep([dict(SMALL, lr=0.5, **change)], n_jobs=1, cache_dir=tmp_path,
                             progress=False)
        assert not other["cached"].iloc[0], change
        assert other["history"].iloc[0] != base["history"].iloc[0], change
    keys = {sweeps.run_key(dict(SMALL, lr=0.5)), sweeps.run_key(dict(SMALL, lr=0.5, seed=1))}
    assert len(keys) == 2


def test_cache_key_covers_the_code(monkeypatch):
    key = sweeps.run_key(SMALL)
    monkeypatch.setattr(sweeps, "_code_fingerprint", lambda: "another version of the code")
    assert sweeps.run_key(SMALL) != key


def test_a_half_written_cache_file_is_run_again(tmp_path):
    sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path, progress=False)
    (path,) = tmp_path.glob("*.json")
    path.write_text(path.read_text()[:50])
    again = sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path, progress=False)
    assert not again["cached"].iloc[0]
    json.loads(path.read_text())  # rewritten whole


def test_records_and_summary():
    frame = sweeps.sweep(_configs(), n_jobs=1, use_cache=False, progress=False)
    row = frame.iloc[0]
    assert row["epochs"] == 3 and not row["diverged"]
    assert row["val_acc"] == row["history"]["val_acc"][-1]
    assert row["best_val_acc"] == max(row["history"]["val_acc"])
    summary = sweeps.summarize(frame, "lr")
    assert list(summary.index) == [0.1, 0.5] and (summary[("n_seeds", "")] == 2).all()
    mean = frame.loc[frame["lr"] == 0.5, "val_acc"].mean()
    assert summary.loc[0.5, ("val_acc", "mean")] == pytest.approx(mean)


def test_diverged_run_is_recorded_not_raised():
    frame = sweeps.sweep([dict(SMALL, lr=1e30, loss="cross_entropy")], n_jobs=1,
                         use_cache=False, progress=False)
    assert frame["diverged"].iloc[0] and frame["epochs"].iloc[0] == 1
    assert np.isnan(frame["train_loss"].iloc[0])


def test_unknown_key_is_refused():
    with pytest.raises(ValueError, match="unknown configuration keys.*'learning_rate'"):
        sweeps.sweep([{"learning_rate": 0.1}], use_cache=False, progress=False)


def test_parameters_survive_their_json_encoding_bit_for_bit():
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(5, 3)).astype(np.float32),
              "b1": np.array([np.pi, -0.0, 1e-38], dtype=np.float32),
              "W2": rng.normal(size=(3, 2))}  # float64 too
    back = sweeps.decode_params(json.loads(json.dumps(sweeps.encode_params(params))))
    for name, a in params.items():
        assert back[name].dtype == a.dtype and back[name].shape == a.shape
        assert back[name].tobytes() == a.tobytes() and back[name].flags.writeable


def test_keep_params_returns_the_trained_parameters_and_caches_them(tmp_path, monkeypatch):
    frame = sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path, progress=False,
                         keep_params=True)
    params = frame["params"].iloc[0]
    gen = np.random.default_rng(0)  # the run, trained again by hand from its seed
    start = bp.init_params([784, 16, 10], gen, init=frame["init"].iloc[0])
    data = bp.load_mnist(200, 100, 0)
    by_hand, _ = bp.train(start, data.train, data.val, lr=frame["lr"].iloc[0], n_epochs=3,
                          batch_size=10, loss=frame["loss"].iloc[0], rng=gen, progress=False)
    for name in by_hand:  # float32: the last bit can depend on the arrays' memory alignment
        np.testing.assert_allclose(params[name], by_hand[name], rtol=0, atol=1e-6)
    monkeypatch.setattr(sweeps, "run_one", lambda *a, **k: pytest.fail("trained again"))
    again = sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path, progress=False,
                         keep_params=True)
    assert again["cached"].iloc[0]
    np.testing.assert_array_equal(again["params"].iloc[0]["W1"], params["W1"])
    assert "params" not in sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path,
                                        progress=False).columns


def test_a_cached_run_without_parameters_is_trained_again_when_they_are_asked(tmp_path):
    sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path, progress=False)
    frame = sweeps.sweep([SMALL], n_jobs=1, cache_dir=tmp_path, progress=False,
                         keep_params=True)
    assert not frame["cached"].iloc[0] and frame["params"].iloc[0]["W1"].shape == (784, 16)
