"""`xlplan rollup --scheduler` reads on a Dask cluster and gets the local result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import AS_OF
from tests.workbook.plans import sample_plans
from xlplan.cli import main
from xlplan.workbook.build import build_plan_workbook

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def plans_dir(pack, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    for name, raw in sample_plans(pack).items():
        (folder / f"{name}.xlsx").write_bytes(
            build_plan_workbook(pack, raw, today=AS_OF).content
        )
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    return folder


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as local:
        yield local


def _rollup(plans_dir: Path, out: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        main,
        ["rollup", str(plans_dir), "-o", str(out / "p.xlsx"), "--json"]
        + [str(out / "p.json"), "--as-of", AS_OF.isoformat(), "--no-cache", *extra],
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "p.json").read_text())


@pytest.mark.parametrize("storage", [[], ["--shared-storage"]])
def test_a_cluster_rollup_equals_the_local_one(plans_dir, cluster, tmp_path, storage):
    (tmp_path / "local").mkdir()
    (tmp_path / "dask").mkdir()
    local = _rollup(plans_dir, tmp_path / "local", "-j", "1")
    address = cluster.scheduler_address
    remote = _rollup(plans_dir, tmp_path / "dask", "--scheduler", address, *storage)
    assert remote == local
    assert local["totals"]["plans"] == 12
    assert any(i["code"] == "file.not_a_workbook" for i in remote["issues"])


def test_cluster_reads_carry_file_hashes_and_fill_the_cache(
    plans_dir, cluster, tmp_path
):
    from xlplan.portfolio.cache import ReadCache
    from xlplan.portfolio.cluster import read_on_cluster
    from xlplan.portfolio.gather import find_files, read_all

    files = find_files([plans_dir])
    cache = ReadCache(tmp_path / "cache")
    reads = read_on_cluster(files, cluster, cache=cache)
    assert [r.plan for r in reads] == [r.plan for r in read_all(files, 1)]
    assert all(len(r.meta["file_sha256"]) == 64 for r in reads if r.plan)
    assert len(list((tmp_path / "cache").rglob("*.pickle"))) == len(files)


def test_an_unreachable_scheduler_is_a_clear_error(plans_dir, tmp_path, monkeypatch):
    from xlplan.portfolio import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    result = CliRunner().invoke(
        main,
        ["rollup", str(plans_dir), "-o", str(tmp_path / "p.xlsx")]
        + ["--scheduler", "tcp://127.0.0.1:9", "--no-cache"],
    )
    assert result.exit_code == 1, result.output
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "dask scheduler" in result.output
    assert not (tmp_path / "p.xlsx").exists()


def test_shared_storage_needs_a_scheduler(plans_dir, tmp_path):
    result = CliRunner().invoke(
        main,
        ["rollup", str(plans_dir), "-o", str(tmp_path / "p.xlsx"), "--shared-storage"],
    )
    assert result.exit_code == 2 and "--scheduler" in result.output


def test_worker_processes_get_the_same_result(plans_dir, tmp_path):
    from xlplan.portfolio.cluster import read_on_cluster
    from xlplan.portfolio.gather import find_files, read_all

    files = find_files([plans_dir])
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as separate:
        reads = read_on_cluster(files, separate)
    local = read_all(files, 1)
    assert [r.plan for r in reads] == [r.plan for r in local]
    assert [r.issues for r in reads] == [r.issues for r in local]
