"""A cache of read plans keyed by file content, so a re-run reads only what changed.

Entries live in the user's cache folder (``$XDG_CACHE_HOME/xlplan`` or
``~/.cache/xlplan``), one file per content hash, written atomically, readable
only by the user (they are pickles: never point ``--cache`` at a folder other
people can write to). A new xlplan version starts a new cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import replace
from pathlib import Path

import xlplan
from xlplan.workbook.reader import PlanRead

CACHE_FORMAT = "3"  # 2: meta["file_sha256"]; 3: meta without the schema text


def default_cache_dir() -> Path:
    """The user's cache folder for xlplan."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xlplan" / "reads"


def content_key(content: bytes) -> str:
    """The cache key of a file's bytes (and of the reader that read them)."""
    digest = hashlib.sha256(content)
    digest.update(f"|{xlplan.__version__}|{CACHE_FORMAT}".encode())
    return digest.hexdigest()


class ReadCache:
    """Read plans stored by content key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str, source: str) -> PlanRead | None:
        """The cached read of ``key``, its file names set to ``source``; ``None`` if absent."""
        try:
            with open(self._path(key), "rb") as stream:
                read = pickle.load(stream)  # noqa: S301 - the user's own cache folder
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            return None
        if not isinstance(read, PlanRead):
            return None
        read.issues = [replace(issue, file=source) for issue in read.issues]
        read.source = source
        return read

    def put(self, key: str, read: PlanRead) -> None:
        """Store ``read`` (failures to write are ignored: the cache is an optimisation)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(temp, "wb") as stream:
                pickle.dump(read, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except OSError:
            return
