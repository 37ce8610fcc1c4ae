"""The finished runs of notebooks 02-04, shipped with the package so that they open in seconds.

``backprop/data/sweeps.json.gz`` holds every run notebooks 02-04 sweep (with the trained
parameters of those notebook 04 evaluates, :func:`backprop.sweeps.encode_params`), as
:func:`backprop.sweep` caches them: one record per run (its full configuration, final
metrics and per-epoch ``history``), keyed by :func:`backprop.sweeps.run_key`. The key is a
hash of the configuration, the data and the training code, so a shipped run is only ever
used by the code and data that produced it: after a change to the training code no key
matches and the notebook trains its runs again (slowly, but correctly), until
``make sweeps`` (``scripts/make_sweeps.py``) rebuilds the file.

The file is gzip-compressed JSON (no pickle), checked against :data:`SHIPPED_SHA256` when
it is first read in a process. ``scripts/make_sweeps.py`` writes both, the file and the
checksum on the line below, each atomically.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .data import read_checked
from .settings import SWEEP_DEFAULTS

SHIPPED_PATH = Path(__file__).with_name("data") / "sweeps.json.gz"
SHIPPED_SHA256 = "1d052bcb9e965dc7acf1bdb79b65b0bd3096fd4eeab4f017b9f1c84725f1a285"
FORMAT = 1
ENV_SWITCH = "BACKPROP_SHIPPED_SWEEPS"  # "0" turns the shipped runs off (make sweeps does)
REBUILD_HINT = ("Reinstall the package (pip install -e .) or rebuild the file with make sweeps "
                "(python scripts/make_sweeps.py)")


def enabled() -> bool:
    """Whether :func:`backprop.sweep` looks runs up in the shipped file by default: yes,
    unless the environment sets ``BACKPROP_SHIPPED_SWEEPS=0``."""
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def config_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration a run record holds: its values of the keys of ``SWEEP_DEFAULTS``."""
    return {name: record[name] for name in SWEEP_DEFAULTS}


def load(path: str | Path | None = None, sha256: str | None = None) -> dict[str, dict[str, Any]]:
    """The shipped runs, ``{run_key: record}``, checked against their SHA-256.

    Parameters
    ----------
    path : default :data:`SHIPPED_PATH`
    sha256 : expected SHA-256 of the file's bytes, default :data:`SHIPPED_SHA256`

    Returns
    -------
    dict
        A fresh copy on every call (the file is read and checked once per process), so a
        caller may change the records it gets.

    Raises
    ------
    FileNotFoundError, ValueError
        The file is missing, fails its checksum or is not a runs file; the message says how
        to rebuild it.
    """
    path = SHIPPED_PATH if path is None else Path(path)
    text = _checked_text(path.resolve(), SHIPPED_SHA256 if sha256 is None else sha256)
    return json.loads(text)["runs"]  # parsed anew: each caller owns its copy


@functools.lru_cache(maxsize=4)
def _checked_text(path: Path, sha256: str) -> str:
    # The checked, decompressed JSON, kept per process (about 1 MB of text).
    raw = read_checked(path, sha256, REBUILD_HINT, cause="the file is corrupted, truncated or "
                       "was rebuilt without its checksum")
    try:
        text = gzip.decompress(raw).decode("utf-8")
        content = json.loads(text)
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path} is not a gzip-compressed JSON file ({exc}). "
                         f"{REBUILD_HINT}.") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT \
            or not isinstance(content.get("runs"), dict):
        raise ValueError(f"{path} is not a runs file of format {FORMAT}. {REBUILD_HINT}.")
    return text


def encode(runs: Mapping[str, Mapping[str, Any]], about: str = "") -> bytes:
    """The bytes of a runs file holding ``runs`` (``{run_key: record}``).

    The same runs always give the same bytes (sorted keys, gzip without a time stamp), so a
    rebuild that reproduces every run leaves the file and its checksum unchanged.
    """
    content = {"format": FORMAT, "about": about, "runs": {k: runs[k] for k in sorted(runs)}}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return buffer.getvalue()


def write(runs: Mapping[str, Mapping[str, Any]], about: str = "",
          path: str | Path | None = None, module: str | Path | None = None) -> str:
    """Write ``runs`` as the shipped file and record its SHA-256 in this module's source.

    Each of the two files is written atomically (a temporary file renamed over it), the
    data first: a crash in between leaves a file whose checksum does not match, which
    :func:`load` reports with the way to rebuild it, never a silently wrong file.

    Parameters
    ----------
    runs : ``{run_key: record}``
    about : a sentence stored in the file, saying what it holds
    path : default :data:`SHIPPED_PATH`
    module : the source file holding ``SHIPPED_SHA256``, default this module's

    Returns
    -------
    str
        The SHA-256 of the file written.
    """
    path = SHIPPED_PATH if path is None else Path(path)
    module = Path(__file__) if module is None else Path(module)
    data = encode(runs, about)
    digest = hashlib.sha256(data).hexdigest()
    source = module.read_text(encoding="utf-8")
    new_source, count = re.subn(r'^SHIPPED_SHA256 = "[0-9a-f]{64}"$',
                                f'SHIPPED_SHA256 = "{digest}"', source, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"{module} has no single line SHIPPED_SHA256 = \"<64 hex digits>\"")
    _replace(path, data)
    _replace(module, new_source.encode("utf-8"))
    _checked_text.cache_clear()
    return digest


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes it private; these files are part of the package: keep the old mode
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
