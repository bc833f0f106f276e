"""Caches keyed by file content, so a re-run reads and scores only what changed.

Read plans live in the user's cache folder (``$XDG_CACHE_HOME/xlplan`` or
``~/.cache/xlplan``), one file per content hash, written atomically, readable
only by the user (they are pickles: never point ``--cache`` at a folder other
people can write to). Each plan's Accounts row lives beside them, in one file
for the run's as-of date and pack (``AccountRowCache``). A new xlplan version
starts a new cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import pickle
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import xlplan
from xlplan.core.portfolio import AccountRow
from xlplan.core.rules import Rules
from xlplan.model.pack import Pack
from xlplan.workbook.files import write_atomic
from xlplan.workbook.reader import PlanRead

CACHE_FORMAT = "3"  # 2: meta["file_sha256"]; 3: meta without the schema text
ROWS_FILE = "account-rows.pickle"
ROWS_MAGIC = b"xlplan account rows 1\n"
# The only classes an account rows file may name: plain values need no others.
PLAIN_CLASSES = {("datetime", "date"), ("datetime", "datetime")}
log = logging.getLogger(__name__)


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
        self._root = str(folder)

    def _path(self, key: str) -> str:
        # os.path, not pathlib: a re-run looks up two paths per plan, and
        # pathlib takes several times longer to join one.
        return os.path.join(self._root, key[:2], f"{key}.pickle")

    def has(self, key: str) -> bool:
        """True when an entry is stored under ``key`` (``get`` may still find it unusable)."""
        return os.path.isfile(self._path(key))

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
        path = Path(self._path(key))
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(temp, "wb") as stream:
                pickle.dump(read, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except OSError:
            return


def account_rows_key(as_of: dt.date, pack: Pack, rules: Rules) -> str:
    """What a plan's Accounts row depends on besides the plan file's bytes.

    The as-of date moves staleness, overdue actions and days to renewal; the
    rollup pack's rules (weights, bands, thresholds) and rates move scores,
    flags and money; xlplan's version moves the code that computes them. The
    pack's content hash alone is not enough: a pack changed in code
    (``dataclasses.replace``) keeps the hash of its files, so the rules and
    rates themselves are part of the key.
    """
    terms = (as_of.isoformat(), pack.content_hash, rules, pack.rates)
    digest = hashlib.sha256(repr(terms).encode())
    digest.update(f"|{xlplan.__version__}|{ROWS_MAGIC!r}".encode())
    return digest.hexdigest()


class AccountRowCache:
    """Each plan's Accounts row (before portfolio flags) by file SHA-256, for one key.

    Scoring every plan again is most of a re-run's work once reads come from
    the ``ReadCache``, and a row is small, so the rows of one key (as-of
    date, pack, xlplan: ``account_rows_key``) are kept together in one file,
    loaded in one go. A run with another key starts the file afresh, so it
    holds one as-of date's rows and does not grow from day to day. The file
    is checked before it is used: a checksum over its contents, then an
    unpickler that accepts plain values only (no class or function of its
    choosing); a file that fails either is ignored with a warning and
    rewritten. Writes go through a temporary file and a rename; failing to
    write is ignored (the cache is an optimisation).
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self._rows: dict[str, tuple[dict[str, Any], frozenset[str]]] = {}
        self._changed = False

    @classmethod
    def load(cls, folder: Path, key: str) -> AccountRowCache:
        """The rows stored in ``folder`` for ``key``; none when the file holds another key."""
        cache = cls(folder / ROWS_FILE, key)
        try:
            content = cache.path.read_bytes()
        except OSError:
            return cache
        stored = _stored_rows(content)
        if stored is None:
            log.warning("Ignoring %s: not a usable account rows file.", cache.path)
        elif stored.get("key") == key:
            cache._rows = stored["rows"]
        else:
            log.debug("%s holds rows of another as-of date or pack.", cache.path)
        cache._changed = stored is None  # rewrite it even when no row is new
        return cache

    def get(self, file_sha256: str) -> AccountRow | None:
        """The row of the plan file with these bytes; ``None`` if not stored."""
        entry = self._rows.get(file_sha256)
        if not (
            isinstance(entry, tuple)
            and len(entry) == 2
            and isinstance(entry[0], dict)
            and isinstance(entry[1], frozenset)
        ):
            return None
        return AccountRow(dict(entry[0]), entry[1])

    def put(self, file_sha256: str, row: AccountRow) -> None:
        """Keep ``row`` for the plan file with these bytes (stored by ``save``)."""
        self._rows[file_sha256] = (dict(row.values), row.flags)
        self._changed = True

    def save(self) -> None:
        """Store the rows, when any was added or the file was unusable."""
        if not self._changed:
            return
        payload = pickle.dumps(
            {"key": self.key, "rows": self._rows}, protocol=pickle.HIGHEST_PROTOCOL
        )
        digest = hashlib.sha256(payload).hexdigest().encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomic(self.path, ROWS_MAGIC + digest + b"\n" + payload, force=True)
        except OSError as exc:
            log.debug("Cannot store account rows in %s: %s", self.path, exc)
            return
        self._changed = False


def _stored_rows(content: bytes) -> Mapping[str, Any] | None:
    """An account rows file's key and rows, or ``None`` when it is not one intact."""
    header, _, payload = content.partition(b"\n")
    digest, _, payload = payload.partition(b"\n")
    if header + b"\n" != ROWS_MAGIC:
        return None
    if digest != hashlib.sha256(payload).hexdigest().encode():
        return None
    try:
        stored = _PlainUnpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - whatever breaks, the file is unusable
        return None
    if not isinstance(stored, dict) or not isinstance(stored.get("rows"), dict):
        return None
    return stored


class _PlainUnpickler(pickle.Unpickler):
    """An unpickler that builds plain values only, so a file cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in PLAIN_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value.")
