"""Find plan workbooks, read them in parallel, and settle duplicate plans.

Each worker reads a chunk of files and returns the chunk's results together
(one file per task loses the gain of a second process). Reading is the pure
``read_plan`` from bytes, so the same function can run anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from xlplan.collector import collector_paused
from xlplan.model.issues import Issue, Severity
from xlplan.portfolio.cache import ReadCache, file_key
from xlplan.portfolio.rollup import PlanVersion, version_of
from xlplan.workbook.checking import find_plan_files, named_paths
from xlplan.workbook.reader import PlanRead, read_plan

TEMP_PREFIXES = ("~$", ".~lock", "._")
# What names a file, or its folder, as a copy of a plan in several languages.
_COPY_MARK = re.compile(
    r"\b(copy|old|backup|bak|archive[ds]?|kopie|copie|copia|alt)\b|\(\d+\)",
    re.IGNORECASE,
)
CHUNK = 25


@dataclass
class Gathered:
    """Plans that made it into the portfolio, and every file's issues."""

    reads: list[PlanRead] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    files: int = 0


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Workbooks under the given folders and globs; lock and temporary files skipped.

    Raises ``PathNotFoundError`` when a path is not there or a glob matches
    nothing.
    """
    found = find_plan_files(named_paths(paths))
    folders: dict[Path, Path] = {}
    unique = list(dict.fromkeys(_resolved(p, folders) for p in found))
    return [
        p
        for p in unique
        if not p.name.startswith(TEMP_PREFIXES) and not p.name.endswith(".tmp")
    ]


def _resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """``path.resolve()``, each folder resolved once (``folders`` keeps them).

    Resolving walks every part of a path with a system call each: for 2,000
    files in one folder that is most of a re-run's search for files. A file
    that is itself a link is resolved whole; a link that leads back to
    itself is kept as named, and its read says it cannot be opened.
    """
    if path.name in ("", ".", "..") or path.is_symlink():
        try:
            return path.resolve()
        except (RuntimeError, OSError):  # a loop of links: read as it is, and refused
            return path.absolute()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    return folder / path.name


def read_contents(items: Sequence[tuple[str, bytes]]) -> list[PlanRead]:
    """Read a chunk of (file name, file bytes): the pure per-file work of a rollup.

    Runs unchanged in this process, a local worker process or a Dask worker.
    Each read records the SHA-256 of its file's bytes in ``meta["file_sha256"]``
    and drops its pack and the schema text of its hidden sheet (the rollup uses
    its own pack), so what a worker returns and the cache stores stays small.
    """
    results = []
    for name, content in items:
        read = read_plan(content, name)
        read.pack = None
        read.meta = compact_meta(read.meta)
        read.meta["file_sha256"] = hashlib.sha256(content).hexdigest()
        results.append(read)
    return results


def compact_meta(meta: dict[str, str]) -> dict[str, str]:
    """A plan's hidden-sheet facts without its schema text (tens of KB per plan)."""
    return {k: v for k, v in meta.items() if not k.startswith("schema_")}


def unreadable(name: str, exc: OSError) -> PlanRead:
    """The read of a file that cannot be opened: no plan, one error naming it."""
    read = PlanRead(source=name)
    read.issues.append(
        Issue(
            "file.unreadable",
            Severity.ERROR,
            name,
            f"The file cannot be opened ({exc.strerror or exc}).",
            "Check the path and permissions.",
        )
    )
    return read


def read_paths(names: Sequence[str]) -> list[PlanRead]:
    """Read a chunk of files by path (where the reader can see the files)."""
    results = []
    for name in names:
        try:
            content = Path(name).read_bytes()
        except OSError as exc:
            results.append(unreadable(name, exc))
            continue
        results += read_contents([(name, content)])
    return results


def _read_chunk(jobs: Sequence[tuple[str, str, str | None]]) -> list[PlanRead]:
    """Read (path, content key, cache folder) jobs; store each result in the cache."""
    results = read_paths([name for name, _, _ in jobs])
    for (_, key, cache_dir), read in zip(jobs, results, strict=True):
        if cache_dir and key:
            ReadCache(Path(cache_dir)).put(key, read)
    return results


def read_all(
    files: Sequence[Path],
    jobs: int,
    progress: Callable[[int], None] | None = None,
    cache: ReadCache | None = None,
    keys: Sequence[str] | None = None,
) -> list[PlanRead]:
    """Read every file, in ``jobs`` processes (1 reads in this process).

    With a cache, a file whose content was read before is taken from it and
    only new or changed files are read: by worker processes while this one
    loads the cached reads, so a re-run waits for the slower of the two, not
    for both. A cached read that cannot be loaded is read again. ``keys``
    are the files' content keys when the caller has them (``file_key``).
    A few files to read are shared out among the processes, many go in
    chunks of ``CHUNK``.
    """
    folder = str(cache.folder) if cache else None
    stored: list[tuple[str, str]] = []
    todo: list[tuple[str, str, str | None]] = []
    for index, path in enumerate(files):
        key = ""
        if cache is not None:
            key = keys[index] if keys is not None else file_key(path)
        if cache is not None and key and cache.has(key):
            stored.append((str(path), key))
        else:
            todo.append((str(path), key, folder))
    results: dict[str, PlanRead] = {}
    size = max(1, min(CHUNK, -(-len(todo) // max(jobs, 1))))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    # Every read is kept for the whole rollup, as loaded reads are: the
    # collector is paused while they pile up (see ``collector_paused``).
    with collector_paused():
        if jobs > 1 and chunks and (stored or len(chunks) > 1):
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                outputs = pool.map(_read_chunk, chunks)  # submits every chunk now
                unusable = _load_stored(stored, cache, results, progress)
                _collect(chunks, outputs, results, progress)
        else:
            unusable = _load_stored(stored, cache, results, progress)
            _collect(chunks, map(_read_chunk, chunks), results, progress)
        if unusable:
            _collect([unusable], [_read_chunk(unusable)], results, progress)
    return [results[str(path)] for path in files]


def _load_stored(
    stored: Sequence[tuple[str, str]],
    cache: ReadCache | None,
    results: dict[str, PlanRead],
    progress: Callable[[int], None] | None,
) -> list[tuple[str, str, str | None]]:
    """Take the (path, key) reads from the cache; return the jobs of those it lacks."""
    if cache is None or not stored:
        return []
    unusable: list[tuple[str, str, str | None]] = []
    for name, key in stored:
        read = cache.get(key, name)
        if read is None:
            unusable.append((name, key, str(cache.folder)))
        else:
            results[name] = read
    if progress and len(stored) > len(unusable):
        progress(len(stored) - len(unusable))
    return unusable


def _collect(
    chunks: Sequence[Sequence[tuple[str, str, str | None]]],
    outputs: Iterable[list[PlanRead]],
    results: dict[str, PlanRead],
    progress: Callable[[int], None] | None,
) -> None:
    for chunk, reads in zip(chunks, outputs, strict=True):
        for read in reads:
            results[read.source] = read
        if progress:
            progress(len(chunk))


def settle_duplicates(reads: list[PlanRead]) -> tuple[list[PlanRead], list[Issue]]:
    """Keep one version of each plan read; report copies and older versions."""
    kept, issues = settle_versions([(r.source, version_of(r)) for r in reads])
    return [reads[index] for index in kept], issues


def settle_versions(
    files: Sequence[tuple[str, PlanVersion | None]],
) -> tuple[list[int], list[Issue]]:
    """The positions of the (file, version) pairs to keep; the copies and old versions.

    The same plan id on the same account is two versions: the newer (last
    review, then file time) is kept. The same id on different accounts is a
    copied file: the newest version on each account is kept, and each kept
    one reported. A file without a version (no plan, or no plan id) is kept.
    """
    by_id: dict[str, dict[str, list[tuple[int, PlanVersion]]]] = {}
    for index, (_, version) in enumerate(files):
        if version is not None:
            accounts = by_id.setdefault(version.plan_id.casefold(), {})
            accounts.setdefault(version.account, []).append((index, version))
    dropped: set[int] = set()
    issues: list[Issue] = []
    for accounts in by_id.values():
        kept = []
        for group in accounts.values():
            if len(group) == 1:  # most plans: one file, nothing to settle
                kept.append(group[0][0])
                continue
            newest, version = max(group, key=lambda item: _version_key(files[item[0]]))
            newest = _original(files, group, newest)
            kept.append(newest)
            for index, _ in group:
                if index != newest:
                    dropped.add(index)
                    issues.append(_not_used(files[index], files[newest][0], version))
        if len(kept) > 1:
            issues += [_copied_plan_id(files[index]) for index in sorted(kept)]
    return [index for index in range(len(files)) if index not in dropped], issues


def _copied_plan_id(file: tuple[str, PlanVersion | None]) -> Issue:
    source, version = file
    assert version is not None
    return Issue(
        "portfolio.copied_plan_id",
        Severity.WARNING,
        source,
        f"Plan id {version.plan_id} is also used by another account's plan "
        "(a copied file?).",
        "Give each account's plan its own plan id.",
    )


def _original(
    files: Sequence[tuple[str, PlanVersion | None]],
    group: Sequence[tuple[int, PlanVersion]],
    newest: int,
) -> int:
    """Of the files holding the same bytes as the newest, the one to use.

    A file or folder named as a copy ("acme-old.xlsx", "Copy of acme.xlsx",
    "acme (2).xlsx", "backup/acme.xlsx") is used last; then the file written
    first (a copy made by ``cp`` is newer; one made in Explorer keeps its
    original's time), then the shortest name.
    """
    content = next(version.content for i, version in group if i == newest)
    if not content:
        return newest
    same = [i for i, version in group if version.content == content]
    return min(same, key=lambda i: _copy_order(files[i][0]))


def _copy_order(source: str) -> tuple[bool, float, int, str]:
    path = Path(source)
    named_as_copy = bool(
        _COPY_MARK.search(path.stem) or _COPY_MARK.search(path.parent.name)
    )
    try:
        written = os.path.getmtime(source)
    except OSError:
        written = float("inf")
    return (named_as_copy, written, len(path.name), source)


def _not_used(
    file: tuple[str, PlanVersion | None], used: str, newest: PlanVersion
) -> Issue:
    """The note on a file of a plan left out for ``used``, the newest version."""
    source, version = file
    if version is not None and version.content and version.content == newest.content:
        return Issue(
            "portfolio.identical_copy",
            Severity.INFO,
            source,
            f"Holds the same plan {newest.plan_id}, byte for byte, as {used}, "
            "which is used.",
            "Keep one of the two files, so that edits go to one.",
        )
    return Issue(
        "portfolio.older_version",
        Severity.INFO,
        source,
        f"An older version of plan {newest.plan_id}; {used} is used.",
        "Archive or delete old versions.",
    )


def _version_key(file: tuple[str, PlanVersion | None]) -> tuple[dt.date, float]:
    source, version = file
    review = version.last_review if version else None
    try:
        mtime = os.path.getmtime(source)
    except OSError:
        mtime = 0.0
    return (review or dt.date.min, mtime)
