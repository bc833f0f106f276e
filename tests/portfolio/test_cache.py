"""The read cache: a re-run takes unchanged files from it and reads the rest."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import pytest

from tests.conftest import AS_OF
from tests.workbook.plans import sample_plans
from xlplan.portfolio import cache as cache_module
from xlplan.portfolio import gather
from xlplan.portfolio.cache import ReadCache, content_key
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.reader import read_plan

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


@pytest.mark.parametrize("entry", [b"not a pickle", pickle.dumps({"plan": None})])
def test_an_unusable_cache_entry_is_read_again(files, tmp_path, calls, entry):
    cache = ReadCache(tmp_path / "cache")
    key = content_key(files[0].read_bytes())
    path = tmp_path / "cache" / key[:2] / f"{key}.pickle"
    path.parent.mkdir(parents=True)
    path.write_bytes(entry)

    (read,) = gather.read_all(files[:1], 1, cache=cache)
    assert calls == [files[0].name] and read.plan is not None
    assert cache.get(key, "again.xlsx") is not None
