"""`xlplan rollup`: find, read, consolidate, write the portfolio and its exports."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlplan.core.portfolio import FLAGS
from xlplan.core.rules import Rules, rules_from_pack
from xlplan.errors import (
    MissingPackageError,
    OutputExistsError,
    OutputWriteError,
)
from xlplan.model.pack import Pack
from xlplan.model.plan import Plan
from xlplan.portfolio.cache import (
    EntryCache,
    FileKeys,
    ReadCache,
    entries_key,
    prepare_cache_folder,
    prune_cache,
)
from xlplan.portfolio.gather import find_files, read_all, settle_versions
from xlplan.portfolio.rollup import (
    DETAIL_COLUMNS,
    PlanEntry,
    Portfolio,
    assemble_portfolio,
    plan_entry,
)
from xlplan.portfolio.write import ACCOUNT_COLUMNS, build_portfolio_workbook
from xlplan.workbook.checking import PathNotFoundError
from xlplan.workbook.files import write_atomic
from xlplan.workbook.reader import PlanRead, holds_a_plan

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The tables --csv and --parquet write, one file each, in this order.
EXPORT_TABLES = ("accounts", *DETAIL_COLUMNS, "issues")


@dataclass(frozen=True)
class RollupRequest:
    """What to roll up and how."""

    paths: Sequence[Path]
    output: Path
    as_of: dt.date
    jobs: int = 1
    owner: str | None = None
    tier: str | None = None
    force: bool = False
    csv_dir: Path | None = None
    json_path: Path | None = None
    parquet_dir: Path | None = None
    cache_dir: Path | None = None
    history: Path | None = None
    scheduler: str | None = None
    shared_storage: bool = False


def run_rollup(
    request: RollupRequest, pack: Pack, progress: Callable[[int], None] | None = None
) -> Portfolio:
    """Roll the plans up into ``request.output`` (and the exports); return the portfolio."""
    check_outputs(request)
    if request.history is not None:
        from xlplan.history.service import check_history

        check_history(request.history)
    # A previous run's portfolio, saved among the plans, is no plan to read.
    output = Path(os.path.realpath(request.output))
    files = [path for path in find_files(request.paths) if path != output]
    if not files:
        shown = ", ".join(str(path) for path in request.paths)
        raise PathNotFoundError(
            f"No .xlsx or .xlsm workbooks in {shown}.",
            hint="Give the folder that holds the plan workbooks.",
        )
    rules = rules_from_pack(pack)
    entries, plans = _entries(files, request, pack, rules, progress)
    with _objects_frozen():
        versions = [(source, entry.version) for source, entry in entries]
        kept, duplicate_issues = settle_versions(versions)
        portfolio = assemble_portfolio(
            [entries[i] for i in kept],
            pack,
            rules,
            request.as_of,
            request.owner,
            request.tier,
            None if plans is None else [plans[i] for i in kept],
        )
        portfolio.issues += duplicate_issues
        portfolio.files_read = len(files)
        _write_outputs(portfolio, request, pack)
    return portfolio


def check_outputs(request: RollupRequest) -> None:
    """Refuse, before any plan is read, outputs the run could not write as asked.

    A file option (-o, --json) naming a folder, or a folder option (--csv,
    --parquet) naming a file, is an ``OutputWriteError``; --parquet without
    pyarrow installed a ``MissingPackageError``. Without ``force``,
    the files the run would write that exist already are all named in one
    ``OutputExistsError``: a run writes every output or none of them.
    """
    _check_kinds(request)
    if request.parquet_dir is not None:
        _pyarrow()
    existing = [
        (option, path)
        for option, path in output_files(request)
        if os.path.exists(os.path.realpath(path))
    ]
    if existing and not request.force:
        them = "it" if len(existing) == 1 else "them"
        raise OutputExistsError(
            _already_exist([path for _, path in existing]),
            hint=f"Pass --force to replace {them}, or choose another "
            f"{_options(option for option, _ in existing)}.",
        )


def _check_kinds(request: RollupRequest) -> None:
    """Refuse a file option that names a folder, or a folder option a file."""
    files = (
        ("-o", request.output, "portfolio.xlsx"),
        ("--json", request.json_path, "portfolio.json"),
    )
    for option, path, example in files:
        if path is not None and path.is_dir():
            raise OutputWriteError(
                f"{path} is a folder; {option} names the file to write.",
                hint=f"Give a file name, such as {path / example}.",
            )
    folders = (("--csv", request.csv_dir), ("--parquet", request.parquet_dir))
    for option, folder in folders:
        if folder is not None and folder.exists() and not folder.is_dir():
            raise OutputWriteError(
                f"{folder} is a file; {option} names the folder to write into.",
                hint=f"Choose another {option} folder.",
            )
    named = output_files(request)
    if request.history is not None:
        named.append(("--history", request.history))
    _check_distinct(named)
    for option, path in named:
        check_output_place(option, path)


def check_output_place(option: str, path: Path) -> None:
    """Refuse an output file that would replace a plan, or that sits below a file.

    A plan is refused ``--force`` or not, also when named through a folder
    not made yet (``plans/new/../acme.xlsx``).
    """
    real = Path(os.path.realpath(path))
    if real.is_file() and holds_a_plan(real):
        raise OutputWriteError(
            f"{path} is a plan workbook; {option} would replace it.",
            hint=f"Give {option} the name of a new file, or of an earlier "
            "output, outside the plans.",
        )
    blocking = next((p for p in path.parents if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise OutputWriteError(
            f"{path} cannot be written: {blocking} is a file, not a folder.",
            hint=f"Give {option} a path inside a folder.",
        )


def _check_distinct(named: Sequence[tuple[str, Path]]) -> None:
    """Refuse two options naming one file, or one writing into another's file.

    The second would replace the first, or find a file where its folder
    should be once the first is written.
    """
    seen: dict[Path, str] = {}
    for option, path in named:
        key = Path(os.path.normcase(os.path.realpath(path)))  # loops do not raise
        if key in seen and seen[key] != option:
            raise OutputWriteError(
                f"{seen[key]} and {option} both name {path}.",
                hint="Give each output its own file.",
            )
        seen.setdefault(key, option)
    for key, option in seen.items():
        inside = next((seen[p] for p in key.parents if p in seen), None)
        if inside is not None and inside != option:
            raise OutputWriteError(
                f"{option} writes into {key.parent}, which {inside} names as a file.",
                hint="Give each output its own place.",
            )


def output_files(request: RollupRequest) -> list[tuple[str, Path]]:
    """Every file the run writes, with the option that names it (the history aside)."""
    files = [("-o", request.output)]
    for option, folder, suffix in (
        ("--csv", request.csv_dir, ".csv"),
        ("--parquet", request.parquet_dir, ".parquet"),
    ):
        if folder is not None:
            files += [(option, folder / f"{name}{suffix}") for name in EXPORT_TABLES]
    if request.json_path is not None:
        files.append(("--json", request.json_path))
    return files


def _already_exist(paths: Sequence[Path]) -> str:
    if len(paths) == 1:
        return f"{paths[0]} already exists."
    return f"{len(paths)} outputs already exist: {', '.join(map(str, paths))}."


def _options(options: Iterable[str]) -> str:
    """Each option once, as a hint names it: "-o, --csv folder or --json file"."""
    nouns = {"--csv": "folder", "--parquet": "folder", "--json": "file"}
    named = [f"{o} {nouns[o]}" if o in nouns else o for o in dict.fromkeys(options)]
    if len(named) == 1:
        return named[0]
    return f"{', '.join(named[:-1])} or {named[-1]}"


@contextmanager
def _objects_frozen() -> Iterator[None]:
    """The objects alive now, the entries and plans above all, left out of collection.

    A portfolio's entries (and plans, when loaded) are a few hundred thousand
    containers that live until the rollup ends and hold no reference cycle.
    Each full collection while the portfolio is built and written would walk
    them all again; frozen (``gc.freeze``) they are skipped, and reference
    counting still frees them. Objects a caller froze stay frozen.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _entries(
    files: Sequence[Path],
    request: RollupRequest,
    pack: Pack,
    rules: Rules,
    progress: Callable[[int], None] | None,
) -> tuple[list[tuple[str, PlanEntry]], list[Plan | None] | None]:
    """Each file's portfolio entry in file order, and with --history each one's plan.

    With a cache folder (made if missing, warned of if it cannot be written),
    a file whose bytes made an entry on the same terms (as-of date, pack)
    before takes it from the ``EntryCache``; the other files are read (or
    taken from the ``ReadCache``) and their entries made and kept. A history
    snapshot needs every plan's records and rows, so with
    --history every file is read or loaded whole.
    """
    store, keys = None, [""] * len(files)
    if request.cache_dir:
        prepare_cache_folder(request.cache_dir)
        store = EntryCache.load(
            request.cache_dir, entries_key(request.as_of, pack, rules)
        )
        known = FileKeys(request.cache_dir)
        keys = [known.key(path) for path in files]
        known.save(files)
    found = {
        index: entry
        for index, key in enumerate(keys)
        if store is not None and key and (entry := store.get(key)) is not None
    }
    wanted = [i for i in range(len(files)) if request.history or i not in found]
    if progress and len(wanted) < len(files):
        progress(len(files) - len(wanted))
    reads = _read(
        [files[i] for i in wanted], [keys[i] for i in wanted], request, progress
    )
    for index, read in zip(wanted, reads, strict=True):
        if index in found:
            continue
        found[index] = plan_entry(read, pack, rules, request.as_of)
        opened = not any(i.code == "file.unreadable" for i in read.issues)
        if store is not None and keys[index] and opened:
            store.put(keys[index], found[index])
    if store is not None:
        store.save()
        prune_cache(store.folder)
    entries = [(str(path), found[i]) for i, path in enumerate(files)]
    if request.history is None:
        return entries, None
    return entries, [read.plan for read in reads]


def _write_outputs(portfolio: Portfolio, request: RollupRequest, pack: Pack) -> None:
    """The portfolio workbook, the exports asked for and the history snapshot."""
    write_atomic(
        request.output, build_portfolio_workbook(portfolio, pack), force=request.force
    )
    if request.csv_dir is not None:
        write_csv(portfolio, request.csv_dir, force=request.force)
    if request.parquet_dir is not None:
        write_parquet(portfolio, request.parquet_dir, force=request.force)
    if request.json_path is not None:
        write_atomic(
            request.json_path,
            json.dumps(to_json(portfolio), indent=2, default=str).encode(),
            force=request.force,
        )
    if request.history is not None:
        from xlplan.history.service import save_rollup

        portfolio.snapshot_replaced = save_rollup(
            request.history, portfolio, pack, request.owner, request.tier
        )


def _read(
    files: Sequence[Path],
    keys: Sequence[str],
    request: RollupRequest,
    progress: Callable[[int], None] | None,
) -> list[PlanRead]:
    """Every file's read: in local processes, or on the Dask cluster asked for."""
    cache = ReadCache(request.cache_dir) if request.cache_dir else None
    if request.scheduler is None:
        return read_all(files, request.jobs, progress, cache, keys if cache else None)
    from xlplan.portfolio.cluster import read_on_cluster

    return read_on_cluster(
        files, request.scheduler, request.shared_storage, progress, cache
    )


def account_records(portfolio: Portfolio) -> list[dict[str, Any]]:
    """Accounts as plain records: every column, then each flag as true/false."""
    records = []
    for account, source in zip(portfolio.accounts, portfolio.sources, strict=True):
        record = {key: account.values.get(key) for key, _, _ in ACCOUNT_COLUMNS}
        record.update({flag.lower(): flag in account.flags for flag in FLAGS})
        record["file"] = source
        records.append(record)
    return records


def to_json(portfolio: Portfolio) -> dict[str, Any]:
    """The portfolio as one JSON object: totals, accounts, issues."""
    totals = portfolio.totals()
    return {
        "as_of": portfolio.as_of.isoformat(),
        "currency": portfolio.base_currency,
        "totals": totals,
        "accounts": account_records(portfolio),
        "issues": [i.to_json() for i in portfolio.issues],
    }


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, tuple):
        return safe_cell("; ".join(map(str, value)))
    if isinstance(value, float):
        # Converted money carries binary noise (240300.00000000003); 12
        # significant digits keep every figure a plan can hold exact.
        return float(f"{value:.12g}")
    return value


def export_tables(portfolio: Portfolio) -> dict[str, list[dict[str, Any]]]:
    """The records of each of ``EXPORT_TABLES``: accounts, each section, issues."""
    tables = {section: portfolio.details.get(section, []) for section in DETAIL_COLUMNS}
    tables["accounts"] = account_records(portfolio)
    tables["issues"] = [i.to_json() for i in portfolio.issues]
    return {name: tables[name] for name in EXPORT_TABLES}


def write_csv(portfolio: Portfolio, folder: Path, *, force: bool = False) -> list[Path]:
    """accounts.csv, one CSV per consolidated section, and issues.csv."""
    written = []
    for name, records in export_tables(portfolio).items():
        buffer = io.StringIO()
        if records:
            writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
            writer.writeheader()
            for record in records:
                writer.writerow({k: safe_cell(v) for k, v in record.items()})
        written.append(
            write_atomic(
                folder / f"{name}.csv",
                buffer.getvalue().encode("utf-8-sig"),
                force=force,
            )
        )
    return written


def write_parquet(
    portfolio: Portfolio, folder: Path, *, force: bool = False
) -> list[Path]:
    """accounts.parquet, one file per consolidated section, and issues.parquet (needs pyarrow)."""
    pa, pq = _pyarrow()
    written = []
    for name, records in export_tables(portfolio).items():
        plain = [
            {
                k: ("; ".join(map(str, v)) if isinstance(v, tuple) else v)
                for k, v in r.items()
            }
            for r in records
        ]
        buffer = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pylist(plain), buffer)
        written.append(
            write_atomic(
                folder / f"{name}.parquet", buffer.getvalue().to_pybytes(), force=force
            )
        )
    return written


def _pyarrow() -> tuple[Any, Any]:
    """The pyarrow package and its parquet module, or the error saying to install them."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingPackageError(
            "--parquet needs the pyarrow package, which is not installed.",
            hint="Install it with: pip install 'xlplan[data]' (or pip install pyarrow).",
        ) from None
    return pa, pq
