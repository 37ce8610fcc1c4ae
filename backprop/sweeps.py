"""Run many training configurations in parallel, cached on disk (notebook 03).

A configuration is a dict; missing keys take the values in
:data:`backprop.settings.SWEEP_DEFAULTS` (the report's runs). Every
finished run is written to ``cache_dir`` as one small JSON file named by the SHA-256 of
its full configuration, the data it saw (the data file's hash and the split sizes) and
the source code of the maths and the training loop, so an interrupted sweep resumes
where it stopped, a rerun is instant, and a change to any of those runs afresh.

A run missing from that folder is then looked up, by the same key, in the runs shipped with
the package (:mod:`backprop.sweep_results`: every run notebooks 02-04 sweep), and only a run
found in neither place is trained.

``keep_params=True`` also keeps each run's trained parameters (notebook 04 evaluates them on
the test set). They travel inside the run's JSON record, each array as its dtype, shape and
base64-encoded bytes (exact, and no pickle); a record without them is trained again.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

from . import activation as _activation
from . import data as _data
from . import nn as _nn
from . import sweep_results

if TYPE_CHECKING:
    import pandas as pd
# pandas and joblib are imported by the functions that use them: `import backprop` (every
# playground kernel of the app) then costs ~30 MB less memory.
from . import training as _training
from .settings import SWEEP_DEFAULTS, complete

METRICS = ("train_loss", "train_acc", "val_loss", "val_acc")


def default_cache_dir() -> Path:
    """``$BACKPROP_CACHE``, else ``~/.cache/backprop/sweeps``."""
    env = os.environ.get("BACKPROP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "backprop" / "sweeps"


def full_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` completed with :data:`~backprop.settings.SWEEP_DEFAULTS`, every key and
    value checked by the settings' rules (:func:`backprop.settings.complete`)."""
    return complete(dict(config), SWEEP_DEFAULTS)


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    # Hashed once per process: the code that runs is the code imported at start.
    digest = hashlib.sha256()
    for module in (_activation, _nn, _training):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def run_key(config: Mapping[str, Any], data_path: str | None = None) -> str:
    """The cache key of one run: its configuration, its data and the code that trains it."""
    data_id = _data.MNIST_SHA256 if data_path is None else str(Path(data_path).resolve())
    blob = json.dumps({"config": full_config(config), "data": data_id,
                       "code": _code_fingerprint()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def encode_params(params: Mapping[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """``params`` as JSON: ``{name: {"dtype", "shape", "data"}}``, ``data`` the array's bytes
    (little-endian, C order) in base64, so that decoding gives the very same array."""
    out = {}
    for name in sorted(params):
        a = np.ascontiguousarray(params[name])
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        out[name] = {"dtype": a.dtype.name, "shape": list(a.shape),
                     "data": base64.b64encode(a.tobytes()).decode("ascii")}
    return out


def decode_params(encoded: Mapping[str, Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """The arrays :func:`encode_params` encoded (each a fresh, writable array)."""
    return {name: np.frombuffer(base64.b64decode(e["data"]), dtype=np.dtype(e["dtype"])
                                .newbyteorder("<")).reshape(e["shape"]).astype(e["dtype"])
            for name, e in encoded.items()}


def run_one(config: Mapping[str, Any], data_path: str | None = None, *,
            keep_params: bool = False) -> dict[str, Any]:
    """Train one configuration from scratch and return its record.

    Parameters
    ----------
    config : dict, keys as in :data:`~backprop.settings.SWEEP_DEFAULTS`
    data_path : optional ``path=`` for :func:`backprop.load_mnist`
    keep_params : bool
        Also keep the trained parameters, as ``record["params"]`` (:func:`encode_params`).

    Returns
    -------
    dict
        The full configuration, the final ``train_loss`` ... ``val_acc``, ``best_val_acc``,
        ``epochs`` run, ``diverged`` and ``seconds``, and ``history`` (per-epoch lists).
    """
    cfg = full_config(config)
    data = _data.load_mnist(cfg["n_train"], cfg["n_val"], 0, path=data_path)
    hidden = cfg["hidden"] if isinstance(cfg["hidden"], list) else [cfg["hidden"]]
    rng = np.random.default_rng(cfg["seed"])
    params = _nn.init_params([784, *hidden, 10], rng, init=cfg["init"])
    start = time.perf_counter()
    diverged = False
    try:
        params, history = _training.train(params, data.train, data.val if cfg["n_val"] else None,
                                     lr=cfg["lr"], n_epochs=cfg["n_epochs"],
                                     batch_size=cfg["batch_size"], loss=cfg["loss"], rng=rng,
                                     progress=False)
    except _training.TrainingDiverged as exc:
        history, diverged = exc.history, True
    record = dict(cfg)
    for key in METRICS:
        record[key] = history[key][-1] if history[key] else float("nan")
    record["best_val_acc"] = max(history["val_acc"], default=float("nan"))
    record.update(epochs=len(history["train_loss"]), diverged=diverged,
                  seconds=time.perf_counter() - start, history=history)
    if keep_params:
        record["params"] = encode_params(params)
    return record


def _write_atomic(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _read_cached(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # missing or half-written by an older crash: run it again


def _cached_run(config: dict, data_path: str | None, path: Path | None,
                keep_params: bool) -> dict[str, Any]:
    record = run_one(config, data_path, keep_params=True) if keep_params else \
        run_one(config, data_path)
    if path is not None:
        _write_atomic(path, record)
    return record


def sweep(configs: Iterable[Mapping[str, Any]], *, n_jobs: int = -1,
          cache_dir: str | Path | None = None, use_cache: bool = True, backend: str | None = None,
          data_path: str | None = None, progress: bool = True,
          use_shipped: bool | None = None, keep_params: bool = False) -> pd.DataFrame:
    """Train every configuration, in parallel on all cores, and tabulate the results.

    Runs go through joblib, so the same call runs on a Dask or Ray cluster by choosing
    joblib's backend, e.g. ``with joblib.parallel_config(backend="dask"): sweep(...)``
    (after ``from dask.distributed import Client; Client(...)``), or ``backend="ray"``
    after ``ray.util.joblib.register_ray()``. Each worker loads the data itself.

    Parameters
    ----------
    configs : iterable of dict
        Keys as in :data:`~backprop.settings.SWEEP_DEFAULTS` (``hidden``, ``lr``,
        ``n_epochs``, ``batch_size``, ``loss``, ``init``, ``seed``, ``n_train``, ``n_val``);
        missing keys take the defaults.
    n_jobs : int, joblib's meaning (-1 = all cores)
    cache_dir : folder for finished runs, default :func:`default_cache_dir`
    use_cache : bool, False runs everything and writes nothing
    backend : joblib backend name, default joblib's (loky processes)
    data_path : optional ``path=`` for :func:`backprop.load_mnist`
    progress : bool, one tqdm bar over all runs
    use_shipped : bool, optional
        Whether a run missing from ``cache_dir`` is taken from the runs shipped with the
        package (:mod:`backprop.sweep_results`) when its key is there. Default: yes, unless
        the environment sets ``BACKPROP_SHIPPED_SWEEPS=0``. Ignored when ``use_cache`` is
        False.
    keep_params : bool
        Also return each run's trained parameters, in a ``params`` column (dicts of arrays
        as :func:`backprop.init_params` makes them). A cached or shipped run that was
        swept without them is trained again.

    Returns
    -------
    pandas.DataFrame
        One row per configuration, in the order given: the configuration, the final
        metrics (accuracies as fractions), ``best_val_acc``, ``epochs``, ``diverged``,
        ``seconds``, ``cached`` and ``history`` (a dict of per-epoch lists). ``cached`` is
        True for a run read from ``cache_dir`` or from the shipped runs: either gives the
        record the run's training wrote.
    """
    configs = [full_config(c) for c in configs]
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    keys = [run_key(c, data_path) for c in configs]
    paths = [cache / f"{key}.json" if use_cache else None for key in keys]
    records: list[dict | None] = [_read_cached(p) if p is not None else None for p in paths]
    if use_shipped is None:
        use_shipped = sweep_results.enabled()
    def lacking(r: dict | None) -> bool:
        return r is None or (keep_params and "params" not in r)

    if use_cache and use_shipped and any(lacking(r) for r in records):
        shipped = sweep_results.load()  # raises, saying how to rebuild, if the file is bad
        records = [shipped.get(key, r) if lacking(r) else r
                   for r, key in zip(records, keys, strict=True)]
    todo = [i for i, r in enumerate(records) if lacking(r)]
    for r in records:
        if r is not None:
            r["cached"] = True
    with tqdm(total=len(configs), initial=len(configs) - len(todo), desc="sweep", unit="run",
              disable=not progress) as bar:
        if todo:
            from joblib import Parallel, delayed, effective_n_jobs

            jobs = (delayed(_cached_run)(configs[i], data_path, paths[i], keep_params)
                    for i in todo)
            workers = min(effective_n_jobs(n_jobs), len(todo))  # no idle workers to start
            results = Parallel(n_jobs=workers, backend=backend, return_as="generator")(jobs)
            for i, record in zip(todo, results, strict=True):
                records[i] = {**record, "cached": False}
                bar.update(1)
    import pandas as pd

    encoded = [r.pop("params", None) for r in records]
    frame = pd.DataFrame.from_records(records)
    if keep_params:
        frame["params"] = [decode_params(e) for e in encoded]
    frame["hidden"] = [tuple(h) if isinstance(h, list) else h for h in frame["hidden"]]
    return frame


def summarize(frame: pd.DataFrame, by: str | list[str],
              metrics: Iterable[str] = ("train_acc", "val_acc")) -> pd.DataFrame:
    """Mean and standard deviation over seeds of ``metrics``, grouped by ``by``.

    Returns
    -------
    pandas.DataFrame
        Index ``by``; columns ``(metric, "mean")``, ``(metric, "std")`` and
        ``("n_seeds", "")``.
    """
    grouped = frame.groupby(by, sort=True)
    out = grouped[list(metrics)].agg(["mean", "std"])
    out[("n_seeds", "")] = grouped["seed"].nunique()
    return out
