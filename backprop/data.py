"""MNIST, shipped inside the package and loaded without pickle.

``backprop/data/mnist.npz`` holds the full MNIST as four plain uint8 arrays
(``x_train`` (60000, 28, 28), ``y_train``, ``x_test`` (10000, 28, 28), ``y_test``),
built by ``scripts/make_mnist_npz.py``. MNIST is by Yann LeCun, Corinna Cortes and
Christopher J. C. Burges, made available under CC BY-SA 3.0.

On first use the shipped file is decompressed into a cache file of plain bytes (55 MB, in
``$BACKPROP_DATA_CACHE``, else ``$XDG_CACHE_HOME/backprop`` or ``~/.cache/backprop``), which
every process then maps read-only into memory: the operating system keeps one copy for all
the kernels of a classroom server instead of one per kernel. The cache is checked by SHA-256
on every first load in a process, written atomically, and rebuilt if it is missing,
half-written or altered.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import io
import os
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MNIST_PATH = Path(__file__).with_name("data") / "mnist.npz"
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
N_TRAIN_POOL = 50000  # training images are drawn from the first 50000 ...
N_VAL_POOL = 10000  # ... and validation images are training images 50000-59999
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
# The cache file: x_train, y_train, x_test, y_test as uint8, one after the other.
CACHE_LAYOUT = (("x_train", (60000, 28, 28)), ("y_train", (60000,)),
                ("x_test", (10000, 28, 28)), ("y_test", (10000,)))
CACHE_SHA256 = "06b0d1f124c4e5fa796686ade41a9b778edacc8622f2195a352ef479ad44fc16"
CACHE_BYTES = sum(int(np.prod(shape)) for _, shape in CACHE_LAYOUT)
RAW_SUFFIX, PIXELS_SUFFIX = ".u8", ".f32"
# The pixels as load_mnist returns them: float32 (70000, 784), training images then test.
PIXELS_BYTES = 4 * 784 * 70000
PIXELS_SHA256 = "27edddb7b578bcb10a7ff5d1c15e873294005713ea185258f9dcb515a78022a7"
REBUILD_HINT = ("Reinstall the package (pip install -e .) or rebuild the file with "
                "scripts/make_mnist_npz.py")


@dataclass(frozen=True)
class Split:
    """One split of the data.

    Attributes
    ----------
    X : ndarray, float32, shape (n, 784), pixel values in [0, 1]
    y : ndarray, int64, shape (n,), labels 0-9
    Y : ndarray, float32, shape (n, 10), one-hot version of ``y``
    """

    X: np.ndarray
    y: np.ndarray
    Y: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    def first(self, n: int) -> Split:
        """Its first ``n`` images (views, no copy), or itself if it has no more."""
        if n >= len(self):
            return self
        return Split(self.X[:n], self.y[:n], self.Y[:n])


@dataclass(frozen=True)
class MNIST:
    """The report's three splits: ``train``, ``val`` and ``test``."""

    train: Split
    val: Split
    test: Split


def load_mnist(n_train: int = 3000, n_val: int = 10000, n_test: int = 10000, *,
               path: str | Path | None = None) -> MNIST:
    """Load the report's splits of MNIST (notebook 02, "The data").

    training = the first ``n_train`` of the first 50000 training images,
    validation = the first ``n_val`` of training images 50000-59999,
    test = the first ``n_test`` of the official 10000 test images.

    Parameters
    ----------
    n_train : int, 1..50000
    n_val : int, 0..10000
    n_test : int, 0..10000
    path : str or Path, optional
        Default: the copy shipped with the package, checked against its SHA-256.
        Also accepts a folder with the four standard IDX files (``.gz`` or not;
        Fashion-MNIST has the same layout) or a Keras-style ``mnist.npz``.

    Returns
    -------
    MNIST
        ``data.train``, ``data.val``, ``data.test``, each a :class:`Split` with
        ``X`` ``(n, 784)`` float32, ``y`` ``(n,)`` int64 and ``Y`` ``(n, 10)`` float32.
    """
    for name, value, hi, lo in (("n_train", n_train, N_TRAIN_POOL, 1),
                                ("n_val", n_val, N_VAL_POOL, 0), ("n_test", n_test, 10000, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{name} must be between {lo} and {hi}, got {value!r}")
    (x_train, y_train), (x_test, y_test) = read_raw(path)
    if len(y_train) < N_TRAIN_POOL + n_val or len(y_test) < n_test:
        raise ValueError(f"{path} holds {len(y_train)} training and {len(y_test)} test images; "
                         f"need at least {N_TRAIN_POOL + n_val} and {n_test}")
    stop_val = N_TRAIN_POOL + n_val
    # The shipped data's pixels come shared from the cache (copy-on-write), not computed.
    pixels = _shipped_pixels() if path is None else None
    p_train, p_test = pixels if pixels is not None else (None, None)

    def rows(p, start, stop):
        return None if p is None else p[start:stop]

    return MNIST(train=_split(x_train[:n_train], y_train[:n_train], rows(p_train, 0, n_train)),
                 val=_split(x_train[N_TRAIN_POOL:stop_val], y_train[N_TRAIN_POOL:stop_val],
                            rows(p_train, N_TRAIN_POOL, stop_val)),
                 test=_split(x_test[:n_test], y_test[:n_test], rows(p_test, 0, n_test)))


def _split(images: np.ndarray, labels: np.ndarray, pixels: np.ndarray | None = None) -> Split:
    if pixels is not None:
        X = pixels  # the same numbers, computed once into the shared cache
    else:
        X = images.reshape(len(images), images.shape[1] * images.shape[2]).astype(np.float32)
        X *= np.float32(1 / 255)
    y = labels.astype(np.int64)
    Y = np.zeros((len(y), 10), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1.0
    return Split(X=X, y=y, Y=Y)


def read_raw(path: str | Path | None = None):
    """``((x_train, y_train), (x_test, y_test))`` as uint8 arrays, from any supported source."""
    if path is None:
        return _read_shipped()
    path = Path(path).expanduser()
    if path.is_dir():
        return read_idx_folder(path)
    if path.is_file():
        return read_npz(path)
    raise FileNotFoundError(f"{path} does not exist; pass a folder with the IDX files "
                            f"({', '.join(IDX_FILES.values())}, optionally .gz) or an mnist.npz")


@functools.lru_cache(maxsize=1)
def _read_shipped():
    # Verified once per process; read-only so that no caller can alter the shared copy.
    try:
        return _map_raw(cache_path())
    except OSError as exc:  # e.g. a read-only home: each process keeps its own copy
        warnings.warn(f"cannot use the data cache ({exc}); decompressing the data in memory",
                      RuntimeWarning, stacklevel=3)
    raw = read_npz(MNIST_PATH, sha256=MNIST_SHA256)
    for pair in raw:
        for arr in pair:
            arr.setflags(write=False)
    return raw


def _shipped_pixels():
    """``(x_train, x_test)`` as float32 ``(n, 784)`` in [0, 1], mapped copy-on-write, or None.

    The same numbers :func:`_split` computes, shared by every process that maps them. Each
    call maps the file anew, so a caller that writes into its arrays gets private copies of
    the pages it writes, seen by no other caller.
    """
    path = _pixels_file()
    if path is None:
        return None
    mapped = np.asarray(np.memmap(path, dtype="<f4", mode="c", shape=(PIXELS_BYTES // 4,)))
    pixels = mapped.reshape(-1, 784)
    return pixels[:60000], pixels[60000:]


@functools.lru_cache(maxsize=1)
def _pixels_file() -> Path | None:
    # Checked (and built if needed) once per process.
    raw = _read_shipped()
    if raw[0][0].shape != (60000, 28, 28) or raw[1][0].shape != (10000, 28, 28):
        return None
    try:
        path = cache_path(PIXELS_SUFFIX)
        _ensure(path, PIXELS_BYTES, PIXELS_SHA256, lambda: _pixel_chunks(raw))
    except OSError:
        return None  # _read_shipped has warned already, or the disk is full: no sharing
    return path


def _pixel_chunks(raw):
    for images in (raw[0][0], raw[1][0]):
        for start in range(0, len(images), 5000):
            X = images[start:start + 5000].reshape(-1, 784).astype(np.float32)
            X *= np.float32(1 / 255)  # exactly as _split does
            yield X.astype("<f4", copy=False).tobytes()


def cache_path(suffix: str = RAW_SUFFIX) -> Path:
    """Where a decompressed, memory-mapped copy of the shipped data lives.

    ``suffix`` ``".u8"``: the raw uint8 arrays; ``".f32"``: the pixels as float32.
    """
    folder = os.environ.get("BACKPROP_DATA_CACHE")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        folder = Path(base) / "backprop"
    return Path(folder).expanduser() / f"mnist-{MNIST_SHA256[:16]}{suffix}"


def _sha256_of(path: Path) -> str:
    # read(), not the map: checking must not map every page into this process
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def cache_is_valid(path: Path, nbytes: int = CACHE_BYTES, sha256: str = CACHE_SHA256) -> bool:
    """True when ``path`` is a complete, unaltered cache file (size, then SHA-256)."""
    try:
        return path.stat().st_size == nbytes and _sha256_of(path) == sha256
    except FileNotFoundError:
        return False


def _ensure(path: Path, nbytes: int, sha256: str, chunks) -> None:
    """Make ``path`` a valid cache file, (re)building it from ``chunks()`` if it is not.

    The bytes go to a temporary file in the same folder, are checked against ``sha256``
    and flushed to disk, and only then renamed over ``path``: a crash leaves no
    half-written cache behind, and processes building it at the same time each rename a
    complete file.
    """
    if cache_is_valid(path, nbytes, sha256):
        return
    if path.exists():
        warnings.warn(f"the data cache {path} is incomplete or altered; rebuilding it",
                      RuntimeWarning, stacklevel=4)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks():
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if digest.hexdigest() != sha256:
            raise ValueError(f"{MNIST_PATH} decompressed to unexpected bytes for {path.name} "
                             f"(SHA-256 {digest.hexdigest()[:12]}...). {REBUILD_HINT}.")
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _raw_chunks():
    (x_train, y_train), (x_test, y_test) = read_npz(MNIST_PATH, sha256=MNIST_SHA256)
    arrays = dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    for name, shape in CACHE_LAYOUT:
        yield np.ascontiguousarray(arrays[name], dtype=np.uint8).reshape(shape).tobytes()


def _map_raw(path: Path):
    _ensure(path, CACHE_BYTES, CACHE_SHA256, _raw_chunks)
    # a plain read-only ndarray over the map (np.asarray drops the memmap subclass)
    mapped = np.asarray(np.memmap(path, dtype=np.uint8, mode="r", shape=(CACHE_BYTES,)))
    arrays, offset = {}, 0
    for name, shape in CACHE_LAYOUT:
        size = int(np.prod(shape))
        arrays[name] = mapped[offset:offset + size].reshape(shape)
        offset += size
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def read_checked(path: Path, sha256: str | None, hint: str,
                 cause: str = "the file is corrupted or truncated") -> bytes:
    """The bytes of the data file ``path``, checked against ``sha256`` (None: not checked).

    Raises
    ------
    FileNotFoundError
        ``path`` is not a file.
    ValueError
        Its SHA-256 is not ``sha256``: the message gives both, ``cause`` and ``hint`` (how to
        get a good file back).
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing. {hint}.")
    raw = path.read_bytes()
    if sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != sha256:
            raise ValueError(f"{path} failed its SHA-256 check (got {digest[:12]}..., expected "
                             f"{sha256[:12]}...): {cause}. {hint}.")
    return raw


def read_npz(path: Path, sha256: str | None = None):
    """Read a Keras-style ``mnist.npz``: arrays ``x_train``, ``y_train``, ``x_test``, ``y_test``."""
    raw = read_checked(path, sha256, REBUILD_HINT)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in IDX_FILES}
    except KeyError as exc:
        raise ValueError(f"{path} must hold arrays {list(IDX_FILES)}; {exc}") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(f"{path} is not a readable .npz file ({exc}). {REBUILD_HINT}.") from None
    return _checked(arrays, path)


def read_idx_folder(folder: str | Path):
    """Read the four standard IDX files (plain or ``.gz``) from ``folder``."""
    folder = Path(folder)
    arrays = {}
    for key, stem in IDX_FILES.items():
        candidates = [folder / f"{stem}.gz", folder / stem]
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            raise FileNotFoundError(f"{folder} has no {stem}.gz (or {stem}); a folder passed as "
                                    f"path= needs all four of {list(IDX_FILES.values())}")
        arrays[key] = _read_idx(found)
    return _checked(arrays, folder)


def _read_idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path} cannot be read ({exc}); is it truncated?") from None
    if len(raw) < 8 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes (bad magic number)")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path} says {dims} but holds {data.size} bytes of data; truncated?")
    return data.reshape(dims)


def _checked(arrays: dict[str, np.ndarray], source: Path):
    x_train, y_train, x_test, y_test = (arrays[k] for k in IDX_FILES)
    for name, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (x.shape[0],):
            raise ValueError(f"{source}: {name} images have shape {x.shape} and labels {y.shape}; "
                             f"expected (n, 28, 28) and (n,)")
        if x.dtype != np.uint8 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"{source}: {name} arrays must be uint8 images and integer labels, "
                             f"got {x.dtype} and {y.dtype}")
        if y.size and (y.min() < 0 or y.max() > 9):
            raise ValueError(f"{source}: {name} labels must lie in 0-9")
    return (x_train, y_train), (x_test, y_test)
