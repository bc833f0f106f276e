"""Caches keyed by file content, so a re-run reads and scores only what changed.

Read plans live in the user's cache folder (``$XDG_CACHE_HOME/xlplan/reads``
or ``~/.cache/xlplan/reads``), one file per content hash, written atomically.
What each plan adds to the portfolio lives beside them, in one file for the
run's as-of date and pack (``EntryCache``), and each file's content key
beside what ``os.stat`` said of it (``FileKeys``), so an unchanged file is
not even hashed again. A new xlplan version starts a new cache. The files
hold plan contents, so every folder xlplan makes for them is for the user
only (0700) and so is every file (0600), whatever the umask.

The pickles are loaded by an unpickler that builds only the few classes a
read or an entry is made of, so a cache file cannot run code; it can still
hold any figures, so never point ``--cache`` at a folder other people can
write to. A file that cannot be loaded is read again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import logging
import os
import pickle
import re
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import xlplan
from xlplan.collector import collector_paused
from xlplan.core.rules import Rules
from xlplan.model.pack import Pack
from xlplan.portfolio.rollup import PlanEntry
from xlplan.workbook.files import write_atomic
from xlplan.workbook.reader import PlanRead

CACHE_FORMAT = "3"  # 2: meta["file_sha256"]; 3: meta without the schema text
ENTRIES_FILE = "portfolio-entries.pickle"
ADDED_FILES = "portfolio-entries-added-*.pickle"  # a few entries of one run each
ENTRIES_MAGIC = b"xlplan portfolio entries 1\n"
ENTRY_RULES = 3  # what makes an entry; 2: a file with an error adds no row;
# 3: a version's account name is stripped of spaces around it
KEYS_FILE = "file-keys.json"
KEYS_FORMAT = 1
# A file changed this recently may change again within its file system's
# time stamp step without its time stamps moving: its key is not kept.
SETTLED_NS = 2_000_000_000
DAY_SECONDS = 24 * 60 * 60
KEYS_KEPT = 50_000
# Reads no run has used for this long (a plan since edited, one gone, or
# written by another xlplan version) are removed, and so are temporary files
# left by a run that was killed; the cache folder is looked through for them
# once a day at most, which the file PRUNED_FILE's time records.
READS_KEPT_DAYS = 90
TEMPS_KEPT_DAYS = 1
PRUNED_FILE = "last-pruned"
_HEX_PAIR = re.compile(r"[0-9a-f]{2}")
_READ_FILE = re.compile(r"([0-9a-f]{64})(?:\.pickle|\.\d+\.tmp)")
_OWN_TEMP = re.compile(
    r"\.(?:portfolio-entries(?:-added-[0-9a-f]{32})?\.pickle|file-keys\.json)"
    r"\.[^.]+\.tmp"
)
# Cache files hold plan contents (customer data): only their user may open them.
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# The only classes a cache file may name (to build them with their own values):
# those a read plan is made of, and those a portfolio entry is made of.
READ_CLASSES = frozenset(
    {
        ("datetime", "date"),
        ("xlplan.model.issues", "Issue"),
        ("xlplan.model.issues", "Severity"),
        ("xlplan.model.plan", "Plan"),
        ("xlplan.workbook.reader", "PlanRead"),
    }
)
ENTRY_CLASSES = frozenset(
    {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("xlplan.model.issues", "Issue"),
        ("xlplan.model.issues", "Severity"),
        ("xlplan.core.portfolio", "AccountRow"),
        ("xlplan.portfolio.rollup", "PlanEntry"),
        ("xlplan.portfolio.rollup", "PlanVersion"),
    }
)
log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """The user's cache folder for xlplan."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xlplan" / "reads"


def _make_private_folder(folder: Path) -> None:
    """Make ``folder`` and every missing folder above it, each for the user only.

    ``Path.mkdir(parents=True, mode=...)`` gives the mode to the last folder
    only (the others get the umask's), so each missing folder is made in turn
    and set to ``PRIVATE_FOLDER`` outright, whichever process (a worker's
    too) makes it. Folders already there are left as they are. Raises
    ``OSError`` when a folder cannot be made.
    """
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:  # another process made it meanwhile
            continue
        os.chmod(path, PRIVATE_FOLDER)  # an unusual umask may take bits away


def prepare_cache_folder(folder: Path) -> None:
    """Make the cache folder if missing; warn when no file can be made in it.

    A cache that cannot be written leaves every run to read and score every
    plan again, the first run's time each time; the run goes on, but the
    warning (logged once, where a rollup starts) names the folder and what
    to do about it.
    """
    try:
        _make_private_folder(folder)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        log.warning(
            "Cannot write to the cache folder %s (%s): every rollup will read "
            "and score every plan again. Pass --cache DIR for a folder you can "
            "write, or --no-cache.",
            folder,
            exc.strerror or exc,
        )


def content_key(content: bytes) -> str:
    """The cache key of a file's bytes (and of the reader that read them)."""
    digest = hashlib.sha256(content)
    digest.update(f"|{xlplan.__version__}|{CACHE_FORMAT}".encode())
    return digest.hexdigest()


def file_key(path: Path) -> str:
    """The cache key of a file's content; ``""`` when the file cannot be read."""
    try:
        return content_key(path.read_bytes())
    except OSError:
        return ""


class FileKeys:
    """Content keys of the files a run found, kept with what ``os.stat`` said of them.

    Hashing 2,000 plans takes a tenth of a second or more, a fair part of a
    re-run in which few of them changed. A file whose size, modification and
    status-change times, inode and device are those it had when its key was
    worked out still holds the same bytes (the status-change time moves on
    every write and no tool sets it back), so its key is taken as kept; any
    other file is read and hashed. A file written in the last two seconds
    before it was hashed is not kept: it might change again without a time
    stamp moving. The keys live in ``file-keys.json`` in the cache folder (JSON,
    so loading it runs no code); failing to read or write it only costs time,
    and a file's entry that is not five whole numbers and a key is dropped.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / KEYS_FILE
        self._known: dict[str, list[Any]] = {}
        self._changed = False
        try:
            stored = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return
        if isinstance(stored, dict) and stored.get("format") == KEYS_FORMAT:
            files = stored.get("files")
            if isinstance(files, dict):
                self._known = {n: k for n, k in files.items() if _is_known(k)}

    def key(self, path: Path) -> str:
        """The content key of ``path``; ``""`` when it cannot be read."""
        name = str(path)
        try:
            facts = _stat_facts(os.stat(name))
            known = self._known.get(name)
            if known is not None and known[:-1] == facts:
                return str(known[-1])
            key = content_key(path.read_bytes())
        except OSError:
            return ""
        settled = time.time_ns() - SETTLED_NS
        if facts[1] < settled and facts[2] < settled:
            self._known[name] = [*facts, key]
            self._changed = True
        elif self._known.pop(name, None) is not None:
            self._changed = True
        return key

    def save(self, found: Sequence[Path]) -> None:
        """Store the keys, those of the files ``found`` this run first.

        Keys of files other runs found are kept too (a cache folder may serve
        several folders of plans), up to ``KEYS_KEPT`` files in all.
        """
        if not self._changed:
            return
        names = dict.fromkeys(str(path) for path in found)
        others = (name for name in self._known if name not in names)
        order = itertools.islice(itertools.chain(names, others), KEYS_KEPT)
        files = {name: self._known[name] for name in order if name in self._known}
        text = json.dumps(
            {"format": KEYS_FORMAT, "files": files}, separators=(",", ":")
        )
        try:
            _make_private_folder(self.path.parent)
            write_atomic(self.path, text.encode(), force=True, mode=PRIVATE_FILE)
        except OSError as exc:
            log.debug("Cannot store file keys in %s: %s", self.path, exc)


def _stat_facts(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


def _is_known(stored: Any) -> bool:
    """True for a file's entry as ``FileKeys`` stores it: five stat facts, a key."""
    return (
        type(stored) is list
        and len(stored) == 6
        and all(type(fact) is int for fact in stored[:5])  # not bool, not float
        and type(stored[5]) is str
    )


class ReadCache:
    """Read plans stored by content key, one pickle each (``READ_CLASSES`` only)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._root = str(folder)

    def _path(self, key: str) -> str:
        # os.path, not pathlib: a re-run looks up two paths per plan, and
        # pathlib takes several times longer to join one.
        return os.path.join(self._root, key[:2], f"{key}.pickle")

    def has(self, key: str) -> bool:
        """True when an entry is stored under ``key`` (``get`` may find it unusable)."""
        return os.path.isfile(self._path(key))

    def get(self, key: str, source: str) -> PlanRead | None:
        """The cached read of ``key``, its file names set to ``source``.

        ``None`` when there is none or it cannot be used: whatever fails while
        loading it (a file cut short or damaged, a frame longer than memory, a
        class that is gone) only means the plan is read again, and the next
        ``put`` replaces the file. The debug log names the file that failed.
        The file is unpickled with the classes of a read only, so it cannot
        run code.
        """
        path = self._path(key)
        try:
            with open(path, "rb") as stream:
                read = _CacheUnpickler(stream, READ_CLASSES).load()
            if not isinstance(read, PlanRead):
                raise TypeError(f"it holds a {type(read).__name__}, not a read plan")
            read.issues = [replace(issue, file=source) for issue in read.issues]
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - whatever breaks, the file is unusable
            log.debug("Reading %s again: cannot use %s (%r).", source, path, exc)
            return None
        _mark_used(path)
        read.source = source
        return read

    def put(self, key: str, read: PlanRead) -> None:
        """Store ``read`` in a file for the user only, in folders for the user only.

        Failures to write are ignored: the cache is an optimisation.
        """
        path = Path(self._path(key))
        try:
            _make_private_folder(path.parent)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(temp, "wb", opener=_private_opener) as stream:
                pickle.dump(read, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except OSError:
            return


def _mark_used(path: str) -> None:
    """Set a cached read's time to now: ``prune_cache`` keeps reads in use."""
    try:
        os.utime(path)
    except OSError:
        return


def prune_cache(folder: Path, now: float | None = None) -> int:
    """Remove what the cache folder holds for no run; return how many files went.

    Goes: reads no run has loaded or written for ``READS_KEPT_DAYS`` (each
    plan edit leaves its old read behind, and a new xlplan version all of
    them), and temporary files older than ``TEMPS_KEPT_DAYS``, left by a run
    that was killed. The folder is looked through once a day at most: a run
    that finds ``PRUNED_FILE`` touched less than a day ago does nothing.
    Files that cannot be removed are left; the cache is an optimisation.
    """
    now = time.time() if now is None else now
    stamp = folder / PRUNED_FILE
    try:
        if now - stamp.stat().st_mtime < DAY_SECONDS:
            return 0
    except OSError:
        pass
    reads_before = now - READS_KEPT_DAYS * DAY_SECONDS
    temps_before = now - TEMPS_KEPT_DAYS * DAY_SECONDS
    removed = 0
    for path in _own_files(folder):
        kept_until = reads_before if path.suffix == ".pickle" else temps_before
        try:
            if path.stat().st_mtime < kept_until:
                path.unlink()
                removed += 1
        except OSError:
            continue
    try:
        stamp.touch(mode=PRIVATE_FILE)
        os.utime(stamp, (now, now))
    except OSError:
        return removed
    if removed:
        log.info("Removed %d unused files from the cache folder %s.", removed, folder)
    return removed


def _own_files(folder: Path) -> Iterator[Path]:
    """The reads and temporary files xlplan wrote in a cache folder, and no others.

    A read is ``ab/<64 hex digits>.pickle`` in the folder of its key's first
    two digits, its temporary file ``ab/<key>.<pid>.tmp``; ``write_atomic``'s
    temporary files of the folder's own files are ``.<name>.<random>.tmp``.
    A folder given as ``--cache`` may hold anything else: it is left alone.
    """
    for sub in folder.glob("??"):
        if not _HEX_PAIR.fullmatch(sub.name) or not sub.is_dir():
            continue
        for path in sub.iterdir():
            match = _READ_FILE.fullmatch(path.name)
            if match and match.group(1).startswith(sub.name):
                yield path
    for path in folder.glob(".*.tmp"):
        if _OWN_TEMP.fullmatch(path.name):
            yield path


def _private_opener(path: str, flags: int) -> int:
    """``open``'s opener for a file only the user may read and write."""
    handle = os.open(path, flags, PRIVATE_FILE)
    if os.name == "posix":  # a left-over file keeps its mode; Windows has none
        os.fchmod(handle, PRIVATE_FILE)
    return handle


def entries_key(as_of: dt.date, pack: Pack, rules: Rules) -> str:
    """What a plan's portfolio entry depends on besides the plan file's bytes.

    The as-of date moves staleness, overdue actions and days to renewal; the
    rollup pack's rules (weights, bands, thresholds) and rates move scores,
    flags and money; xlplan's version moves the code that computes them. The
    pack's content hash alone is not enough: a pack changed in code
    (``dataclasses.replace``) keeps the hash of its files, so the rules and
    rates themselves are part of the key.
    """
    terms = (as_of.isoformat(), pack.content_hash, rules, pack.rates)
    digest = hashlib.sha256(repr(terms).encode())
    digest.update(f"|{xlplan.__version__}|{ENTRIES_MAGIC!r}|{ENTRY_RULES}".encode())
    return digest.hexdigest()


class EntryCache:
    """Each plan file's ``PlanEntry`` by content key, for one as-of date and pack.

    With entries kept, a re-run neither loads unchanged plans nor scores them
    again: an entry is what the portfolio takes from a plan (its Accounts row,
    consolidated rows, white space, stages), a fifth of the plan's size. The
    entries of one key (as-of date, pack, xlplan: ``entries_key``) are kept
    together in one file, loaded in one go; a run with another key starts the
    file afresh, so it holds one as-of date's entries and does not grow from
    day to day. A run that adds a few entries writes them to a small file of
    their own beside it (writing all 2,000 again takes longer than the rest
    of a re-run's caching); once such files hold a quarter as many entries
    as the main file, one main file is written again with them all.

    Every file is checked before it is used: a checksum over its contents,
    then an unpickler that builds only plain values and the few xlplan classes
    an entry is made of (no function or other class of the file's choosing);
    a file that fails either is ignored with a warning and replaced. Writes
    go through a temporary file and a rename; failing to write is ignored
    (the cache is an optimisation).
    """

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self._entries: dict[str, PlanEntry] = {}
        self._kept = 0  # entries in the main file
        self._added: dict[str, PlanEntry] = {}
        self._merged: list[Path] = []  # files of added entries, read or not
        self._rewrite = False

    @property
    def path(self) -> Path:
        """The main file of the entries."""
        return self.folder / ENTRIES_FILE

    @classmethod
    def load(cls, folder: Path, key: str) -> EntryCache:
        """The entries kept in ``folder`` for ``key``; none if it holds another key."""
        cache = cls(folder, key)
        main = cache._read(cache.path)
        cache._rewrite = main is None
        if main is not None:
            cache._entries = dict(main)
            cache._kept = len(main)
        for path in sorted(folder.glob(ADDED_FILES)):
            added = cache._read(path)
            if added is None:  # another key's or bad: gone with the next main file
                cache._rewrite = True
            cache._entries.update(added or {})
            cache._merged.append(path)
        return cache

    def _read(self, path: Path) -> dict[str, PlanEntry] | None:
        """The entries of one file for this key; ``None`` if absent, another key's or bad."""
        try:
            content = path.read_bytes()
        except OSError:
            return None
        stored = _stored_entries(content)
        if stored is None:
            log.warning("Ignoring %s: not a usable portfolio entries file.", path)
            return None
        if stored.get("key") != self.key:
            log.debug("%s holds entries of another as-of date or pack.", path)
            return None
        return dict(stored["entries"])

    def get(self, key: str) -> PlanEntry | None:
        """The entry of the plan file with this content key; ``None`` if not stored."""
        entry = self._entries.get(key)
        return entry if isinstance(entry, PlanEntry) else None

    def put(self, key: str, entry: PlanEntry) -> None:
        """Keep ``entry`` for the plan file with this content key, until ``save``."""
        self._entries[key] = entry
        self._added[key] = entry

    def save(self) -> None:
        """Store the entries added, in a file of their own or all in the main file."""
        outgrown = len(self._entries) - self._kept > self._kept // 4
        if self._rewrite or (self._added and outgrown):
            if _write_entries(self.path, self.key, self._entries):
                for path in self._merged:
                    path.unlink(missing_ok=True)
                self._kept, self._merged, self._rewrite = len(self._entries), [], False
        elif self._added:
            name = ADDED_FILES.replace("*", uuid.uuid4().hex)
            if _write_entries(self.folder / name, self.key, self._added):
                self._merged.append(self.folder / name)
        self._added = {}


def _write_entries(path: Path, key: str, entries: Mapping[str, PlanEntry]) -> bool:
    """Write an entries file (checksum, then pickle); False when it cannot be written."""
    payload = pickle.dumps(
        {"key": key, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL
    )
    digest = hashlib.sha256(payload).hexdigest().encode()
    try:
        _make_private_folder(path.parent)
        content = ENTRIES_MAGIC + digest + b"\n" + payload
        write_atomic(path, content, force=True, mode=PRIVATE_FILE)
    except OSError as exc:
        log.debug("Cannot store portfolio entries in %s: %s", path, exc)
        return False
    return True


def _stored_entries(content: bytes) -> Mapping[str, Any] | None:
    """An entries file's key and entries, or ``None`` when it is not one intact."""
    header, _, payload = content.partition(b"\n")
    digest, _, payload = payload.partition(b"\n")
    if header + b"\n" != ENTRIES_MAGIC:
        return None
    if digest != hashlib.sha256(payload).hexdigest().encode():
        return None
    try:
        with collector_paused():
            stored = _CacheUnpickler(io.BytesIO(payload), ENTRY_CLASSES).load()
    except Exception:  # noqa: BLE001 - whatever breaks, the file is unusable
        return None
    if not isinstance(stored, dict) or not isinstance(stored.get("entries"), dict):
        return None
    return stored


class _CacheUnpickler(pickle.Unpickler):
    """An unpickler of plain values and the ``classes`` given only.

    A pickle names the functions and classes that build its objects, and a
    plain unpickler imports and calls whatever it names; this one refuses
    any (module, name) pair outside ``classes``, so a cache file cannot run
    code, only build those classes with values of its own.
    """

    def __init__(self, stream: IO[bytes], classes: frozenset[tuple[str, str]]) -> None:
        super().__init__(stream)
        self.classes = classes

    def find_class(self, module: str, name: str) -> Any:
        """The class ``module.name`` if allowed; raises ``UnpicklingError`` if not."""
        if (module, name) in self.classes:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in this file.")
