import gzip
import struct

import numpy as np
import pytest

# The browser tests' fixtures live with their other helpers; importing them here makes them
# available to every test module without each one importing (and re-exporting) them.
from browser_helpers import app_dir, browser, lab, page, voila  # noqa: F401
from find_browser import ci
from pg_helpers import available as postgres_available
from pg_helpers import fresh_schema, postgres_server

import backprop as bp
import backprop.store as bp_store
from backprop import data as bpdata


@pytest.fixture(scope="session")
def mnist():
    """The report's splits, loaded once for the whole test session."""
    return bp.load_mnist()


@pytest.fixture(scope="module")
def mnist_decompressed():
    """MNIST read once before a test times something that reads it (backprop.checks does)."""
    bp.load_mnist(n_train=10, n_val=0, n_test=0)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def write_idx(path, array):
    """Write ``array`` as a gzipped IDX file of unsigned bytes (the MNIST format)."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + b"".join(
        struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="session")
def idx_folder(tmp_path_factory):
    """The shipped MNIST written out as the four standard IDX .gz files."""
    folder = tmp_path_factory.mktemp("idx")
    (x_train, y_train), (x_test, y_test) = bpdata.read_raw()
    for stem, array in zip(bpdata.IDX_FILES.values(), (x_train, y_train, x_test, y_test),
                           strict=True):
        write_idx(folder / f"{stem}.gz", array)
    return folder


@pytest.fixture(scope="session")
def small_mnist():
    """A small sample of the splits (300 training, 200 validation images), loaded once."""
    return bp.load_mnist(300, 200, 0)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (tests/pg_helpers.py); skipped where
    PostgreSQL is not installed, a failure under CI=true (make test installs it there)."""
    why = postgres_available()
    if why:
        if ci():
            pytest.fail(f"{why} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(why)
    with postgres_server() as server:
        yield server


@pytest.fixture
def postgres_store(postgres):
    """An empty store on the throwaway server, opened as its owner: the schema made by
    ``python -m backprop.store setup`` (with the two roles), every table emptied first."""
    fresh_schema(postgres)
    store = bp_store.open_store(postgres.url())
    yield store
    store.close()
