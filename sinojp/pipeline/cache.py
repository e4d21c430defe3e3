"""Per-document result cache: rerun a grown corpus and only the new documents are processed.

Results are stored in one SQLite file (standard library, one writer: the process that runs the
pipeline) under a key that is the SHA-256 of the document's content and of a *fingerprint* of
everything else that shapes the result: the package version, the source of the sinojp modules,
the resource files (lexicons, codebooks, gazetteers) and the run's settings. Change any of them
and the old entries simply stop matching; nothing is ever served stale.

Values are plain data (lists, dicts, strings, numbers and numpy arrays) stored as zlib-compressed
JSON, never pickles: opening a cache in a shared output folder runs no code. They are written in
batches inside one transaction per chunk.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sinojp._version import __version__

CACHE_FILE = "sinojp-cache.sqlite"


DATA_SUFFIXES = (".py", ".csv", ".yaml", ".yml", ".txt", ".json")


def fingerprint_folder(folder: Path, digest: Any | None = None) -> Any:
    """Feed every code and data file under ``folder`` (recursively, in sorted order) into a SHA-256.

    Parameters
    ----------
    folder : Path
        A package folder.
    digest : hashlib hash, optional
        The hash to update (a new SHA-256 by default).

    Returns
    -------
    hashlib hash
        The updated digest; file paths relative to ``folder`` count, so moving a module changes it.
    """
    digest = digest or hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package version, every module and resource file of every sub-package, and the
    shipped hand codes (``sinojp.annotations``), which train the supervised models."""
    digest = hashlib.sha256(__version__.encode())
    fingerprint_folder(Path(__file__).resolve().parents[1], digest)
    fingerprint_folder(Path(str(resources.files("sinojp.annotations"))), digest)
    return digest.hexdigest()


def settings_fingerprint(settings: Mapping[str, Any] | None = None) -> str:
    """Fingerprint of the code and resources (:func:`code_fingerprint`) plus run settings.

    Parameters
    ----------
    settings : mapping, optional
        JSON-serialisable settings that change per-document results (thresholds, tokenizer
        parameters, ...). Keys are sorted, so the order they are given in does not matter.
    """
    payload = json.dumps(dict(settings or {}), sort_keys=True, default=str)
    return hashlib.sha256((code_fingerprint() + "\n" + payload).encode()).hexdigest()


def content_key(*parts: bytes | str) -> str:
    """SHA-256 of the given parts, each length-prefixed so that part boundaries count."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else bytes(part)
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """``value`` as JSON data: arrays and tuples tagged, numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_plain(v) for v in value]}
    if isinstance(value, np.ndarray):
        return {"__array__": [value.dtype.str, list(value.shape), base64.b64encode(value.tobytes()).decode("ascii")]}
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA:
        return {"__na__": True}
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise TypeError(f"cannot store a {type(value).__name__} in the cache")
    return value


def _restore(value: Any) -> Any:
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(_restore(v) for v in value["__tuple__"])
        if "__array__" in value:
            dtype, shape, data = value["__array__"]
            return np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype)).reshape(shape).copy()
        if "__na__" in value:
            return pd.NA
        return {k: _restore(v) for k, v in value.items()}
    return value


def encode_value(value: Any) -> bytes:
    """A cache value (nested lists, dicts, tuples, strings, numbers, numpy arrays) as JSON bytes."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_value(data: bytes) -> Any:
    """The value :func:`encode_value` stored."""
    return _restore(json.loads(data))


def copy_value(value: Any) -> Any:
    """A deep copy of a cache value, through its stored form (what a cache hit would return)."""
    return decode_value(encode_value(value))


class DocumentCache:
    """A key-value store of per-document results in SQLite, grouped by pipeline stage.

    Parameters
    ----------
    path : str or Path or None
        The SQLite file (created with its folder if needed). ``None`` gives a disabled cache
        that stores nothing and finds nothing, so callers need no special case for ``--no-cache``.

    Notes
    -----
    Use as a context manager, or call :meth:`close`. Only the process that owns the cache reads
    and writes it; parallel workers return their results to that process.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # the parallel engines pull the next chunk (and so call get_many) from their dispatch
            # thread while this thread stores results: one connection, shared under a lock
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS results (stage TEXT NOT NULL, key TEXT NOT NULL, "
                             "value BLOB NOT NULL, PRIMARY KEY (stage, key))")
            self._db.commit()

    @property
    def enabled(self) -> bool:
        """False for the disabled cache (``path=None``)."""
        return self._db is not None

    def get_many(self, stage: str, keys: Iterable[str]) -> dict[str, Any]:
        """The stored values of those ``keys`` that are in the cache (key -> value)."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        blobs: list[tuple[str, bytes]] = []
        with self._lock:
            if self._db is not None:
                for start in range(0, len(keys), 500):
                    batch = keys[start:start + 500]
                    marks = ",".join("?" * len(batch))
                    blobs.extend(self._db.execute(
                        f"SELECT key, value FROM results WHERE stage = ? AND key IN ({marks})", [stage, *batch]))
            self.hits += len(blobs)
            self.misses += len(keys) - len(blobs)
        for key, blob in blobs:
            found[key] = decode_value(zlib.decompress(blob))
        return found

    def put_many(self, stage: str, items: Mapping[str, Any]) -> None:
        """Store values under their keys (replacing older values), in one transaction."""
        if self._db is None or not items:
            return
        rows = [(stage, key, zlib.compress(encode_value(value), 3)) for key, value in items.items()]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO results (stage, key, value) VALUES (?, ?, ?)", rows)

    def count(self, stage: str | None = None) -> int:
        """Number of stored entries (of one stage, or all)."""
        with self._lock:
            if self._db is None:
                return 0
            if stage is None:
                return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
            return int(self._db.execute("SELECT COUNT(*) FROM results WHERE stage = ?", (stage,)).fetchone()[0])

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> "DocumentCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
