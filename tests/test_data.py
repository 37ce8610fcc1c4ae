"""The shipped MNIST: shapes, ranges, class balance, integrity checks, other sources."""

import gzip
import shutil

import numpy as np
import pytest

import backprop as bp
from backprop import data as bpdata

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_report_splits_have_documented_shapes_and_ranges(mnist):
    for split, n in ((mnist.train, 3000), (mnist.val, 10000), (mnist.test, 10000)):
        assert split.X.shape == (n, 784) and split.X.dtype == np.float32
        assert split.y.shape == (n,) and split.Y.shape == (n, 10)
        assert split.X.min() == 0.0 and split.X.max() == 1.0
        np.testing.assert_array_equal(split.Y.argmax(axis=1), split.y)
        np.testing.assert_array_equal(split.Y.sum(axis=1), 1.0)
        counts = np.bincount(split.y, minlength=10)
        assert counts.sum() == n and counts.min() > 0.08 * n and counts.max() < 0.125 * n


def test_full_mnist_is_shipped_with_the_official_class_counts():
    (x_train, y_train), (x_test, y_test) = bpdata.read_raw()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS


def test_splits_are_the_reports_slices():
    (x_train, y_train), (x_test, y_test) = bpdata.read_raw()
    data = bp.load_mnist(100, 50, 20)
    np.testing.assert_array_equal(data.train.y, y_train[:100])
    np.testing.assert_array_equal(data.val.y, y_train[50000:50050])
    np.testing.assert_array_equal(data.test.y, y_test[:20])
    np.testing.assert_allclose(data.val.X[7], x_train[50007].reshape(-1) / 255, rtol=1e-6)


def test_loaded_arrays_are_the_callers_to_change():
    data = bp.load_mnist(10, 0, 0)
    data.train.X[:] = 0  # must not reach the cached copy
    assert bp.load_mnist(10, 0, 0).train.X.max() == 1.0


@pytest.mark.parametrize("kwargs,match", [
    ({"n_train": 0}, "n_train"), ({"n_train": 50001}, "n_train"),
    ({"n_val": 10001}, "n_val"), ({"n_val": -1}, "n_val"), ({"n_test": 10001}, "n_test"),
])
def test_split_sizes_out_of_range(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bp.load_mnist(**kwargs)


def test_corrupted_or_truncated_file_is_refused(tmp_path):
    raw = bpdata.MNIST_PATH.read_bytes()
    flipped = tmp_path / "flipped.npz"
    flipped.write_bytes(raw[:1000] + bytes([raw[1000] ^ 0xFF]) + raw[1001:])
    with pytest.raises(ValueError, match="SHA-256.*corrupted or truncated.*make_mnist_npz"):
        bpdata.read_npz(flipped, sha256=bpdata.MNIST_SHA256)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="SHA-256"):
        bpdata.read_npz(truncated, sha256=bpdata.MNIST_SHA256)
    with pytest.raises(ValueError, match="not a readable .npz"):
        bp.load_mnist(path=truncated)  # a user's own file: no known hash, still refused


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty data-cache folder for this test, and no process-wide copy loaded yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("BACKPROP_DATA_CACHE", str(folder))
    bpdata._read_shipped.cache_clear()
    bpdata._pixels_file.cache_clear()
    yield folder
    bpdata._read_shipped.cache_clear()
    bpdata._pixels_file.cache_clear()


def test_shipped_file_is_checked_when_the_cache_is_built(tmp_path, monkeypatch, fresh_cache):
    bad = tmp_path / "mnist.npz"
    shutil.copy(bpdata.MNIST_PATH, bad)
    with bad.open("r+b") as fh:
        fh.seek(5000)
        fh.write(b"\x00\x01\x02")
    monkeypatch.setattr(bpdata, "MNIST_PATH", bad)
    with pytest.raises(ValueError, match="failed its SHA-256 check"):
        bp.load_mnist()
    assert not bpdata.cache_path().exists()
    assert not fresh_cache.exists() or not list(fresh_cache.iterdir())  # nor a temporary file


def _shipped():
    return bpdata.read_npz(bpdata.MNIST_PATH, sha256=bpdata.MNIST_SHA256)


def _assert_same(raw, ref):
    for (x, y), (x_ref, y_ref) in zip(raw, ref, strict=True):
        np.testing.assert_array_equal(x, x_ref)
        np.testing.assert_array_equal(y, y_ref)
        assert x.dtype == x_ref.dtype == np.uint8


def test_memory_mapped_cache_equals_the_shipped_data(fresh_cache):
    raw = bpdata.read_raw()
    path = bpdata.cache_path()
    assert path.parent == fresh_cache and path.stat().st_size == bpdata.CACHE_BYTES
    assert bpdata.cache_is_valid(path)
    (x_train, y_train), (x_test, y_test) = raw
    for arr in (x_train, y_train, x_test, y_test):  # views of the read-only map, not copies
        assert not arr.flags.writeable and not arr.flags.owndata
    with pytest.raises(ValueError, match="read-only"):
        x_train[0, 0, 0] = 1
    _assert_same(raw, _shipped())
    # a second process (here: a cleared in-process cache) maps the same file, unchanged
    stamp = path.stat().st_mtime_ns, path.stat().st_ino
    bpdata._read_shipped.cache_clear()
    _assert_same(bpdata.read_raw(), raw)
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == stamp


def test_shared_pixels_equal_the_computed_ones_and_stay_the_callers(fresh_cache):
    shared = bp.load_mnist(300, 200, 100)
    pixels = bpdata.cache_path(bpdata.PIXELS_SUFFIX)
    assert bpdata.cache_is_valid(pixels, bpdata.PIXELS_BYTES, bpdata.PIXELS_SHA256)
    computed = bp.load_mnist(300, 200, 100, path=bpdata.MNIST_PATH)  # no cache for a path
    for a, b in ((shared.train, computed.train), (shared.val, computed.val),
                 (shared.test, computed.test)):
        np.testing.assert_array_equal(a.X, b.X)
        assert a.X.dtype == np.float32 and not a.X.flags.owndata  # a view of the map
    shared.val.X[:] = 0  # copy-on-write: private to this process, the file is unchanged
    assert bpdata.cache_is_valid(pixels, bpdata.PIXELS_BYTES, bpdata.PIXELS_SHA256)
    assert bp.load_mnist(300, 200, 100).val.X.max() == 1.0


CACHES = {"raw": (bpdata.RAW_SUFFIX, bpdata.CACHE_BYTES, bpdata.CACHE_SHA256),
          "pixels": (bpdata.PIXELS_SUFFIX, bpdata.PIXELS_BYTES, bpdata.PIXELS_SHA256)}


@pytest.mark.parametrize("which", list(CACHES))
@pytest.mark.parametrize("damage", ["flipped byte", "half-written", "wrong size"])
def test_corrupted_cache_is_detected_and_rebuilt(fresh_cache, damage, which):
    suffix, nbytes, sha256 = CACHES[which]
    bp.load_mnist(10, 10, 10)
    path = bpdata.cache_path(suffix)
    path.chmod(0o644)
    raw = path.read_bytes()
    if damage == "flipped byte":
        middle = len(raw) // 2
        path.write_bytes(raw[:middle] + bytes([raw[middle] ^ 0xFF]) + raw[middle + 1:])
    elif damage == "half-written":
        path.write_bytes(raw[: len(raw) // 2])
    else:
        path.write_bytes(raw + b"\x00")
    assert not bpdata.cache_is_valid(path, nbytes, sha256)
    bpdata._read_shipped.cache_clear()
    bpdata._pixels_file.cache_clear()
    with pytest.warns(RuntimeWarning, match="incomplete or altered; rebuilding"):
        data = bp.load_mnist(10, 10, 10)
    assert bpdata.cache_is_valid(path, nbytes, sha256)
    _assert_same(bpdata.read_raw(), _shipped())
    in_memory = bp.load_mnist(10, 10, 10, path=bpdata.MNIST_PATH)
    np.testing.assert_array_equal(data.test.X, in_memory.test.X)
    assert len(list(fresh_cache.iterdir())) == 2  # the two caches, no temporary files


def test_unusable_cache_folder_falls_back_to_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BACKPROP_DATA_CACHE", str(blocker / "cache"))
    bpdata._read_shipped.cache_clear()
    bpdata._pixels_file.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="cannot use the data cache"):
            data = bp.load_mnist(10, 10, 10)
        _assert_same(bpdata.read_raw(), _shipped())
        np.testing.assert_array_equal(
            data.val.X, bp.load_mnist(10, 10, 10, path=bpdata.MNIST_PATH).val.X)
    finally:
        bpdata._read_shipped.cache_clear()
        bpdata._pixels_file.cache_clear()


def test_wrong_path_says_what_is_expected(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        bp.load_mnist(path=tmp_path / "nope.npz")
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        bp.load_mnist(path=tmp_path)  # an empty folder


def test_idx_folder_and_keras_npz_load_the_same_way(tmp_path, idx_folder):
    (x_train, y_train), (x_test, y_test) = bpdata.read_raw()
    np.savez(tmp_path / "keras.npz", x_train=x_train, y_train=y_train, x_test=x_test,
             y_test=y_test)
    ref = bp.load_mnist(200, 100, 50)
    for source in (idx_folder, tmp_path / "keras.npz"):
        got = bp.load_mnist(200, 100, 50, path=source)
        for a, b in ((ref.train, got.train), (ref.val, got.val), (ref.test, got.test)):
            np.testing.assert_array_equal(a.X, b.X)
            np.testing.assert_array_equal(a.y, b.y)


def test_truncated_idx_file_is_refused(tmp_path, idx_folder):
    for src in idx_folder.iterdir():
        shutil.copy(src, tmp_path / src.name)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(raw[:-100])
    with pytest.raises(ValueError, match="truncated"):
        bp.load_mnist(path=tmp_path)


def test_npz_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, x_train=np.array([{"a": 1}], dtype=object), y_train=np.zeros(1),
             x_test=np.zeros(1), y_test=np.zeros(1))
    with pytest.raises(ValueError):
        bp.load_mnist(path=path)
