"""The caches: a re-run reads and scores only the files that changed, and gives
the portfolio a run without a cache gives."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import pickle
import random
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace as dc_replace
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import AS_OF, CORPUS, umask_set
from tests.workbook.plans import sample_plans
from xlplan.core import portfolio as core_portfolio
from xlplan.history.snapshot import snapshot_from_portfolio
from xlplan.packs import init_pack, load_pack
from xlplan.portfolio import cache as cache_module
from xlplan.portfolio import gather
from xlplan.portfolio.cache import (
    ADDED_FILES,
    ENTRIES_FILE,
    ENTRIES_MAGIC,
    KEYS_FILE,
    KEYS_FORMAT,
    EntryCache,
    FileKeys,
    ReadCache,
    content_key,
    entries_key,
)
from xlplan.portfolio.rollup import PlanEntry, Portfolio
from xlplan.portfolio.service import RollupRequest, run_rollup
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.reader import PlanRead, read_plan

NAMES = ("halvorsen-logistics", "varrow-communications")


@pytest.fixture(scope="module")
def contents(pack) -> dict[str, bytes]:
    samples = sample_plans(pack)
    return {
        name: build_plan_workbook(pack, samples[name], today=AS_OF).content
        for name in NAMES
    }


@pytest.fixture
def files(contents, tmp_path) -> list[Path]:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name, content in contents.items():
        (folder / f"{name}.xlsx").write_bytes(content)
    return gather.find_files([folder])


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """The names of the files the reader is asked to read."""
    seen: list[str] = []
    real = gather.read_plan
    monkeypatch.setattr(
        gather,
        "read_plan",
        lambda content, name: seen.append(Path(name).name) or real(content, name),
    )
    return seen


def _touched(content: bytes) -> bytes:
    """The same workbook with one more package part: new bytes, same plan."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a") as package:
        package.writestr("customXml/touched.txt", "touched")
    return buffer.getvalue()


def test_a_cached_read_holds_the_file_facts_but_not_the_schema_text(files, tmp_path):
    cache = ReadCache(tmp_path / "cache")
    (first,) = gather.read_all(files[:1], 1, cache=cache)

    key = content_key(files[0].read_bytes())
    stored = cache.get(key, "elsewhere.xlsx")
    assert stored is not None and stored.source == "elsewhere.xlsx"
    assert not [k for k in stored.meta if k.startswith("schema_")]
    assert stored.meta["pack_hash"] == first.meta["pack_hash"]
    assert len(stored.meta["file_sha256"]) == 64
    assert stored.plan == first.plan and stored.locations == first.locations


def test_a_rerun_reads_only_new_bytes_and_gives_the_same_reads(files, tmp_path, calls):
    cache = ReadCache(tmp_path / "cache")
    first = gather.read_all(files, 1, cache=cache)
    assert sorted(calls) == sorted(f.name for f in files)

    calls.clear()
    files[1].write_bytes(_touched(files[1].read_bytes()))
    again = gather.read_all(files, 1, cache=cache)
    assert calls == [files[1].name]
    assert [r.plan for r in again] == [r.plan for r in first]
    assert [r.meta["pack_hash"] for r in again] == [r.meta["pack_hash"] for r in first]
    assert [r.issues for r in again] == [r.issues for r in first]


def test_a_rerun_in_two_processes_gives_the_reads_of_one(files, tmp_path):
    cache = ReadCache(tmp_path / "cache")
    gather.read_all(files, 1, cache=cache)
    files[1].write_bytes(_touched(files[1].read_bytes()))
    assert not cache.has(content_key(files[1].read_bytes()))

    parallel = gather.read_all(files, 2, cache=cache)
    assert cache.has(content_key(files[1].read_bytes()))
    alone = gather.read_all(files, 1)
    assert [r.source for r in parallel] == [str(f) for f in files]
    assert [r.plan for r in parallel] == [r.plan for r in alone]
    assert [r.issues for r in parallel] == [r.issues for r in alone]


def test_a_cache_written_by_an_older_format_is_ignored(
    files, tmp_path, calls, monkeypatch
):
    cache = ReadCache(tmp_path / "cache")
    content = files[0].read_bytes()
    with monkeypatch.context() as older:
        older.setattr(cache_module, "CACHE_FORMAT", "2")
        stale = read_plan(content, str(files[0]))
        stale.plan = None  # a wrong answer, to prove it is never served
        cache.put(content_key(content), stale)

    (read,) = gather.read_all(files[:1], 1, cache=cache)
    assert calls == [files[0].name]
    assert read.plan is not None
    assert not [k for k in read.meta if k.startswith("schema_")]


ran: list[str] = []


def _record(text: str) -> None:
    ran.append(text)


class _Sneaky:
    """A pickled object that runs a function of this module when it is unpickled."""

    def __reduce__(self):
        return (_record, ("unpickled",))


UNUSABLE_READS = {
    "not a pickle": b"not a pickle",
    "another shape": pickle.dumps({"plan": None}),
    # A frame header claiming more bytes than memory can hold (OverflowError).
    "a frame too long": b"\x80\x04\x95" + b"\xff" * 8,
    "a class of a module that is gone": b"\x80\x04\x8c\x07nowhere\x8c\x01x\x93.",
    "a function to run": pickle.dumps(_Sneaky()),
}


@pytest.mark.parametrize("kind", UNUSABLE_READS)
def test_an_unusable_cache_entry_is_read_again(files, tmp_path, calls, caplog, kind):
    cache = ReadCache(tmp_path / "cache")
    key = content_key(files[0].read_bytes())
    path = tmp_path / "cache" / key[:2] / f"{key}.pickle"
    path.parent.mkdir(parents=True)
    path.write_bytes(UNUSABLE_READS[kind])

    ran.clear()

    with caplog.at_level(logging.DEBUG, logger="xlplan.portfolio.cache"):
        (read,) = gather.read_all(files[:1], 1, cache=cache)
    assert ran == []
    assert calls == [files[0].name] and read.plan is not None
    assert str(path) in caplog.text
    assert cache.get(key, "again.xlsx") is not None


def test_every_read_comes_back_from_the_cache_whole(pack, tmp_path):
    """The classes a cached read may name are all those a read is made of."""
    folder = tmp_path / "plans"
    _plan_folder(pack, folder)
    names = sorted(folder.glob("*.xlsx"))
    names += sorted((CORPUS / "xlsx").glob("*.xls*")) if CORPUS.is_dir() else []
    cache = ReadCache(tmp_path / "cache")

    reads = gather.read_paths([str(name) for name in names])
    assert any(read.plan is None for read in reads) and any(r.plan for r in reads)
    for read in reads:
        key = hashlib.sha256(read.source.encode()).hexdigest()
        cache.put(key, read)
        assert cache.get(key, read.source) == read


def _damaged(real: bytes, count: int = 400) -> Iterator[bytes]:
    """What a damaged cache file may hold: noise, noise after a pickle header,
    ``real`` with a few bytes changed, and ``real`` cut short at many points."""
    rng = random.Random(2026)
    for _ in range(count):
        noise = rng.randbytes(rng.randrange(1, 40))
        changed = bytearray(real)
        for _ in range(rng.randrange(1, 4)):
            changed[rng.randrange(len(changed))] = rng.randrange(256)
        yield from (noise, b"\x80\x05" + noise, bytes(changed))
    yield from (real[:end] for end in range(0, len(real), max(1, len(real) // 300)))


def test_no_damaged_read_cache_file_raises(files, tmp_path):
    cache = ReadCache(tmp_path / "cache")
    gather.read_all(files[:1], 1, cache=cache)
    key = content_key(files[0].read_bytes())
    path = Path(cache._path(key))
    real = path.read_bytes()

    for content in _damaged(real):
        path.write_bytes(content)
        read = cache.get(key, "plan.xlsx")
        assert read is None or isinstance(read, PlanRead)


# ---------------------------------------------------------- portfolio entries


def _rollup(
    folder: Path,
    out: Path,
    pack,
    as_of,
    cache: Path | None,
    history: Path | None = None,
) -> Portfolio:
    request = RollupRequest(
        paths=[folder],
        output=out,
        as_of=as_of,
        jobs=1,
        force=True,
        cache_dir=cache,
        history=history,
    )
    return run_rollup(request, pack)


def _plan_folder(pack, folder: Path) -> dict:
    """The sample plans as workbooks in ``folder``; their inputs by name."""
    folder.mkdir()
    samples = sample_plans(pack)
    for name, raw in samples.items():
        (folder / f"{name}.xlsx").write_bytes(
            build_plan_workbook(pack, raw, today=AS_OF).content
        )
    return samples


def _change_a_plan(pack, folder: Path, samples: dict) -> str:
    """A new revenue in one plan's file; its plan id."""
    raw = samples["halvorsen-logistics"]
    raw.records["profile"]["revenue_current"] = 2_000_000
    (folder / "halvorsen-logistics.xlsx").write_bytes(
        build_plan_workbook(pack, raw, today=AS_OF).content
    )
    return str(raw.records["plan"]["plan_id"])


def _sheets(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's cell values, as a reader of the workbook sees them."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets
        }
    finally:
        book.close()


def _figures(portfolio: Portfolio) -> tuple:
    """Everything the Accounts and consolidated sheets show, in order."""
    return (
        [(dict(a.values), a.flags) for a in portfolio.accounts],
        portfolio.sources,
        portfolio.meta,
        portfolio.closed,
        portfolio.details,
        portfolio.white_space,
        portfolio.stages,
        portfolio.totals(),
        portfolio.issues,
    )


@pytest.fixture
def scored(monkeypatch) -> list[str]:
    """The plan ids the rollup scores (computes an Accounts row for)."""
    seen: list[str] = []
    real = core_portfolio.account_row
    monkeypatch.setattr(
        core_portfolio,
        "account_row",
        lambda plan, *args, **kwargs: (
            seen.append(str(plan.plan_id)) or real(plan, *args, **kwargs)
        ),
    )
    return seen


def _stale_sooner(pack, folder: Path):
    """A pack of its own files whose plans go stale after 10 days, not 90."""
    target = init_pack(folder)
    scoring = target / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    assert "stale_after_days: 90" in text
    scoring.write_text(text.replace("stale_after_days: 90", "stale_after_days: 10"))
    return load_pack(target)


def _richer_euro(pack, folder: Path):
    """The same pack in code, euros worth twice as much: same files, same hash."""
    rates = {k: v * 2 if k == "EUR" else v for k, v in pack.rates.rates.items()}
    return dc_replace(pack, rates=dc_replace(pack.rates, rates=rates))


CHANGES = {
    "a changed file": (None, None),
    "another as-of date": (dt.timedelta(days=200), None),
    "a pack with other rules": (None, _stale_sooner),
    "a pack with other rates, changed in code": (None, _richer_euro),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_cached_rerun_gives_the_portfolio_of_an_uncached_run(
    change, pack, tmp_path, scored
):
    shift, other_pack = CHANGES[change]
    folder = tmp_path / "plans"
    samples = _plan_folder(pack, folder)
    cache = tmp_path / "cache"
    before = _rollup(folder, tmp_path / "before.xlsx", pack, AS_OF, cache)
    assert len(scored) == len(samples)

    changed = _change_a_plan(pack, folder, samples)
    as_of = AS_OF + shift if shift else AS_OF
    rollup_pack = other_pack(pack, tmp_path / "pack") if other_pack else pack
    scored.clear()
    cached = _rollup(folder, tmp_path / "cached.xlsx", rollup_pack, as_of, cache)
    rescored = list(scored)
    cold = _rollup(folder, tmp_path / "cold.xlsx", rollup_pack, as_of, None)

    assert _figures(cached) == _figures(cold) != _figures(before)
    assert _sheets(tmp_path / "cached.xlsx") == _sheets(tmp_path / "cold.xlsx")
    if change == "a changed file":
        assert rescored == [changed]
    else:
        assert sorted(rescored) == sorted(
            r.records["plan"]["plan_id"] for r in samples.values()
        )


def test_a_rerun_takes_unchanged_plans_from_the_entries_without_loading_them(
    pack, tmp_path, calls, monkeypatch
):
    folder = tmp_path / "plans"
    samples = _plan_folder(pack, folder)
    _rollup(folder, tmp_path / "first.xlsx", pack, AS_OF, tmp_path / "cache")
    loaded: list[str] = []
    real = ReadCache.get
    monkeypatch.setattr(
        ReadCache, "get", lambda self, *a: loaded.append(a[1]) or real(self, *a)
    )

    calls.clear()
    _change_a_plan(pack, folder, samples)
    _rollup(folder, tmp_path / "again.xlsx", pack, AS_OF, tmp_path / "cache")
    assert calls == ["halvorsen-logistics.xlsx"] and loaded == []


def test_a_cached_rerun_with_history_keeps_the_plans_of_an_uncached_run(pack, tmp_path):
    folder = tmp_path / "plans"
    samples = _plan_folder(pack, folder)
    cache = tmp_path / "cache"
    _rollup(folder, tmp_path / "first.xlsx", pack, AS_OF, cache, tmp_path / "h1.db")

    _change_a_plan(pack, folder, samples)
    cached = _rollup(
        folder, tmp_path / "cached.xlsx", pack, AS_OF, cache, tmp_path / "h2.db"
    )
    cold = _rollup(
        folder, tmp_path / "cold.xlsx", pack, AS_OF, None, tmp_path / "h3.db"
    )
    taken = dt.datetime(2026, 6, 15, 9, 0)
    assert cached.plans is not None and cached.plans == cold.plans
    assert snapshot_from_portfolio(
        cached, pack, taken_at=taken
    ) == snapshot_from_portfolio(cold, pack, taken_at=taken)


def test_entries_are_kept_per_as_of_date_and_pack(pack, rules, tmp_path):
    entry = PlanEntry(issues=(), meta={"pack_name": "default"}, version=None)
    key = entries_key(AS_OF, pack, rules)
    stored = EntryCache.load(tmp_path, key)
    stored.put("abc", entry)
    stored.save()

    assert EntryCache.load(tmp_path, key).get("abc") == entry
    later = entries_key(AS_OF + dt.timedelta(days=1), pack, rules)
    assert EntryCache.load(tmp_path, later).get("abc") is None
    stricter = dc_replace(rules, stale_after_days=rules.stale_after_days - 1)
    assert entries_key(AS_OF, pack, stricter) != key
    assert entries_key(AS_OF, pack, rules) == key


def test_a_few_new_entries_go_to_a_file_of_their_own_until_they_outgrow_the_main(
    pack, rules, tmp_path, caplog
):
    key = entries_key(AS_OF, pack, rules)
    entry = PlanEntry(issues=(), meta={}, version=None)
    first = EntryCache.load(tmp_path, key)
    for name in "abcdefgh":
        first.put(name, entry)
    first.save()
    main = (tmp_path / ENTRIES_FILE).read_bytes()

    again = EntryCache.load(tmp_path, key)
    again.put("i", entry)
    again.save()
    assert (tmp_path / ENTRIES_FILE).read_bytes() == main
    assert len(list(tmp_path.glob(ADDED_FILES))) == 1
    assert EntryCache.load(tmp_path, key).get("i") == entry

    grown = EntryCache.load(tmp_path, key)
    grown.put("j", entry)
    grown.put("k", entry)
    grown.save()
    assert (tmp_path / ENTRIES_FILE).read_bytes() != main
    assert list(tmp_path.glob(ADDED_FILES)) == []
    kept = EntryCache.load(tmp_path, key)
    assert [kept.get(name) == entry for name in "abcdefghijk"] == [True] * 11


def test_a_bad_file_of_added_entries_is_ignored_with_a_warning_and_removed(
    pack, rules, tmp_path, caplog
):
    key = entries_key(AS_OF, pack, rules)
    entry = PlanEntry(issues=(), meta={}, version=None)
    first = EntryCache.load(tmp_path, key)
    first.put("a", entry)
    first.save()
    (tmp_path / ADDED_FILES.replace("*", "bad")).write_bytes(b"not ours")

    with caplog.at_level(logging.WARNING, logger="xlplan.portfolio.cache"):
        again = EntryCache.load(tmp_path, key)
    assert "not a usable portfolio entries file" in caplog.text
    assert again.get("a") == entry
    again.save()
    assert list(tmp_path.glob(ADDED_FILES)) == []
    assert EntryCache.load(tmp_path, key).get("a") == entry


def _signed(payload: bytes) -> bytes:
    digest = hashlib.sha256(payload).hexdigest().encode()
    return ENTRIES_MAGIC + digest + b"\n" + payload


def _bad_files(key: str) -> dict[str, bytes]:
    good = pickle.dumps({"key": key, "entries": {}})
    return {
        "not ours": b"PK\x03\x04 something else",
        "truncated": _signed(good)[:-5],
        # Still a pickle, of another key: only the checksum tells it was changed.
        "changed after writing": _signed(good).replace(
            key.encode(), key[::-1].encode()
        ),
        "a class to run": _signed(pickle.dumps({"key": key, "entries": _Sneaky()})),
        "the wrong shape": _signed(pickle.dumps(["key", key])),
    }


@pytest.mark.parametrize("kind", list(_bad_files("")))
def test_an_unusable_entries_file_is_ignored_with_a_warning_and_rewritten(
    kind, pack, rules, files, tmp_path, caplog
):
    key = entries_key(AS_OF, pack, rules)
    (tmp_path / "cache").mkdir()
    path = tmp_path / "cache" / ENTRIES_FILE
    path.write_bytes(_bad_files(key)[kind])
    ran.clear()

    with caplog.at_level(logging.WARNING, logger="xlplan.portfolio.cache"):
        portfolio = _rollup(
            files[0].parent, tmp_path / "p.xlsx", pack, AS_OF, tmp_path / "cache"
        )
    assert ran == []
    assert "not a usable portfolio entries file" in caplog.text
    assert len(portfolio.accounts) == len(files)
    rewritten = EntryCache.load(tmp_path / "cache", key)
    keys = [content_key(f.read_bytes()) for f in files]
    assert [rewritten.get(k) is not None for k in keys] == [True] * len(files)


def test_no_damaged_entries_file_raises(pack, rules, tmp_path):
    key = entries_key(AS_OF, pack, rules)
    entry = PlanEntry(issues=(), meta={"pack_name": "default"}, version=None)
    first = EntryCache.load(tmp_path, key)
    first.put("abc", entry)
    first.save()
    path = tmp_path / ENTRIES_FILE
    payload = path.read_bytes().split(b"\n", 2)[2]

    # Signed, a damaged payload passes the checksum and reaches the unpickler.
    for damaged in _damaged(payload):
        for content in (damaged, _signed(damaged)):
            path.write_bytes(content)
            found = EntryCache.load(tmp_path, key).get("abc")
            assert found is None or isinstance(found, PlanEntry)


def _hashed(monkeypatch) -> list[int]:
    """How many files' bytes ``FileKeys`` hashes (a list holding one count)."""
    count = [0]
    real = cache_module.content_key

    def counted(content: bytes) -> str:
        count[0] += 1
        return real(content)

    monkeypatch.setattr(cache_module, "content_key", counted)
    return count


def test_file_keys_hash_again_only_files_whose_stat_moved(files, tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)  # every file counts as settled
    folder = tmp_path / "cache"
    first = FileKeys(folder)
    assert [first.key(f) for f in files] == [content_key(f.read_bytes()) for f in files]
    first.save(files)
    hashed = _hashed(monkeypatch)

    again = FileKeys(folder)
    assert [again.key(f) for f in files] == [content_key(f.read_bytes()) for f in files]
    assert hashed == [0]

    # New bytes of the same size, the modification time set back: the
    # status-change time still moved, so the file is hashed again.
    stat = files[0].stat()
    content = bytearray(files[0].read_bytes())
    content[-1] ^= 1
    files[0].write_bytes(bytes(content))
    os.utime(files[0], ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert files[0].stat().st_size == stat.st_size
    hashed[0] = 0
    assert FileKeys(folder).key(files[0]) == cache_module.content_key(bytes(content))
    assert hashed == [2]


def test_a_file_written_just_now_is_hashed_on_every_run(files, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    keys = FileKeys(folder)
    key = keys.key(files[0])  # the fixture wrote it under two seconds ago
    keys.save(files)
    hashed = _hashed(monkeypatch)
    assert FileKeys(folder).key(files[0]) == key
    assert hashed == [1]


@pytest.mark.parametrize(
    "stored", [b"\x00 not json", b"[1, 2]", b'{"format": 99, "files": {}}']
)
def test_a_bad_file_keys_file_only_costs_time(files, tmp_path, monkeypatch, stored):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / KEYS_FILE).write_bytes(stored)
    keys = FileKeys(folder)
    assert [keys.key(f) for f in files] == [content_key(f.read_bytes()) for f in files]
    keys.save(files)
    assert FileKeys(folder)._known.keys() == {str(f) for f in files}
    assert keys.key(files[0].with_name("gone.xlsx")) == ""


# What file-keys.json may hold for a file instead of [size, mtime, ctime,
# inode, device, key], given the file's real stat facts and key.
WRONG_SHAPES = {
    "a number": lambda facts, key: 5,
    "text": lambda facts, key: key,
    "a map": lambda facts, key: {"key": key},
    "too short": lambda facts, key: facts[:3],
    "the facts without a key": lambda facts, key: facts,
    "a number for a key": lambda facts, key: [*facts, 5],
    "null for a key": lambda facts, key: [*facts, None],
    "text for a size": lambda facts, key: [str(facts[0]), *facts[1:], key],
    "a key too many": lambda facts, key: [*facts, key, key],
}


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_a_file_keys_entry_of_the_wrong_shape_is_dropped(
    files, tmp_path, monkeypatch, shape
):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    folder = tmp_path / "cache"
    folder.mkdir()
    name, key = str(files[0]), content_key(files[0].read_bytes())
    facts = cache_module._stat_facts(os.stat(name))
    stored = {"format": KEYS_FORMAT, "files": {name: WRONG_SHAPES[shape](facts, key)}}
    (folder / KEYS_FILE).write_text(json.dumps(stored))

    keys = FileKeys(folder)
    assert keys.key(files[0]) == key
    keys.save(files)
    assert FileKeys(folder)._known[name] == [*facts, key]


def test_a_rerun_hashes_no_unchanged_file(files, tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    request = RollupRequest(
        paths=[files[0].parent],
        output=tmp_path / "portfolio.xlsx",
        as_of=AS_OF,
        cache_dir=tmp_path / "cache",
        force=True,
    )
    first = run_rollup(request, load_pack())
    hashed = _hashed(monkeypatch)
    again = run_rollup(request, load_pack())
    assert hashed == [0]
    assert again.accounts == first.accounts


@pytest.mark.skipif(os.name == "nt", reason="Windows has no Unix file modes")
def test_cache_folders_and_files_are_the_user_s_only(
    pack, files, tmp_path, monkeypatch
):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)  # file-keys.json is written
    top = tmp_path / "home"
    request = RollupRequest(
        paths=[files[0].parent],
        output=tmp_path / "portfolio.xlsx",
        as_of=AS_OF,
        jobs=2,  # reads are stored by worker processes
        cache_dir=top / "xlplan" / "reads",
        force=True,
    )
    with umask_set(0o002):
        run_rollup(request, pack)

    made = [top, *top.rglob("*")]
    names = sorted(p.name for p in made if p.is_file())
    assert names == sorted(
        [
            KEYS_FILE,
            ENTRIES_FILE,
            cache_module.PRUNED_FILE,
            *(f"{content_key(f.read_bytes())}.pickle" for f in files),
        ]
    )
    modes = {p: p.stat().st_mode & 0o777 for p in made}
    assert modes == {p: 0o700 if p.is_dir() else 0o600 for p in made}
    assert request.output.stat().st_mode & 0o777 == 0o664  # as any file written


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("a file where a folder should be")
    return tmp_path / "file" / "cache"


def _read_only(tmp_path: Path) -> Path:
    (tmp_path / "cache").mkdir(mode=0o500)
    return tmp_path / "cache"


UNWRITABLE = {
    "under a file": _under_a_file,
    "read-only": pytest.param(
        _read_only,
        marks=pytest.mark.skipif(
            os.name == "nt" or os.geteuid() == 0, reason="root writes anywhere"
        ),
    ),
}


@pytest.mark.parametrize("make", UNWRITABLE.values(), ids=UNWRITABLE)
def test_an_unwritable_cache_folder_is_warned_once_and_the_rollup_goes_on(
    pack, files, tmp_path, caplog, make
):
    cache = make(tmp_path)
    with caplog.at_level(logging.DEBUG):
        portfolio = _rollup(files[0].parent, tmp_path / "p.xlsx", pack, AS_OF, cache)

    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in warned] == ["xlplan.portfolio.cache"]
    assert str(cache) in warned[0].getMessage()
    assert "Pass --cache DIR for a folder you can write, or --no-cache." in caplog.text
    assert len(portfolio.accounts) == len(files)


def test_a_writable_cache_folder_is_not_warned(pack, files, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        _rollup(files[0].parent, tmp_path / "p.xlsx", pack, AS_OF, tmp_path / "c")
    assert caplog.records == []


DAY = 24 * 60 * 60


def _aged(path: Path, days: float) -> Path:
    then = path.stat().st_mtime - days * DAY
    os.utime(path, (then, then))
    return path


def test_reads_unused_for_months_and_old_temporary_files_are_pruned(files, tmp_path):
    folder = tmp_path / "cache"
    cache = ReadCache(folder)
    gather.read_all(files, 1, cache=cache)
    old_read, recent_read = (
        Path(cache._path(content_key(f.read_bytes()))) for f in files
    )
    _aged(old_read, cache_module.READS_KEPT_DAYS + 1)
    _aged(recent_read, cache_module.READS_KEPT_DAYS - 1)
    killed = old_read.parent / f"{old_read.stem}.999.tmp"
    killed.write_bytes(b"cut short")
    _aged(killed, 2)
    writing = folder / ".portfolio-entries.pickle.x1y2.tmp"
    writing.write_bytes(b"being written")
    other = folder / "notes.txt"
    other.write_text("not the cache's")
    _aged(other, 400)
    # A folder given as --cache may hold files of its own, named like ours.
    theirs = [
        folder / "ml" / "model.pickle",
        folder / "Q1" / "old.tmp",
        folder / ".draft.tmp",
        old_read.parent / "notes.pickle",
        # a key, but not of this folder
        old_read.parent
        / f"{('cd' if old_read.parent.name == 'ab' else 'ab') * 32}.pickle",
    ]
    for path in theirs:
        path.parent.mkdir(exist_ok=True)
        path.write_text("someone else's")
        _aged(path, 400)

    assert cache_module.prune_cache(folder) == 2
    assert not old_read.exists() and not killed.exists()
    assert recent_read.exists() and writing.exists() and other.exists()
    assert all(path.exists() for path in theirs)

    # Once a day at most: the same day finds nothing to do, a day later it
    # looks, and the read and the temporary file are now old enough to go.
    _aged(recent_read, 2)
    assert cache_module.prune_cache(folder) == 0 and recent_read.exists()
    assert cache_module.prune_cache(folder, now=time.time() + 1.5 * DAY) == 2
    assert not recent_read.exists() and not writing.exists() and other.exists()


def test_a_read_a_run_loads_is_kept_as_used(files, tmp_path):
    folder = tmp_path / "cache"
    cache = ReadCache(folder)
    gather.read_all(files, 1, cache=cache)
    reads = [Path(cache._path(content_key(f.read_bytes()))) for f in files]
    for read in reads:
        _aged(read, cache_module.READS_KEPT_DAYS + 1)

    gather.read_all(files, 1, cache=cache)

    assert cache_module.prune_cache(folder) == 0
    assert all(read.exists() for read in reads)


def test_a_rollup_prunes_its_cache_folder(pack, tmp_path):
    folder = tmp_path / "plans"
    _plan_folder(pack, folder)
    cache = tmp_path / "cache"
    _rollup(folder, tmp_path / "first.xlsx", pack, AS_OF, cache)
    stale = cache / "ab" / f"{'ab' * 32}.pickle"
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"a read of a plan since edited")
    _aged(stale, cache_module.READS_KEPT_DAYS + 1)
    _aged(cache / cache_module.PRUNED_FILE, 2)

    _rollup(folder, tmp_path / "again.xlsx", pack, AS_OF, cache)

    assert not stale.exists()
    assert len(list(cache.glob("??/*.pickle"))) == len(list(folder.glob("*.xlsx")))
