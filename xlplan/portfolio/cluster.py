"""Read a rollup's plans on a Dask distributed cluster instead of local processes.

The work per chunk is the same pure function a local run uses
(``gather.read_contents``: file bytes in, reads out), so a cluster run gives
the same portfolio. By default this process reads each file and sends its
bytes to a worker; with ``shared_storage`` workers open the same paths
themselves (a network share mounted at the same place on every machine).
The read cache stays on this machine: hits never leave it, and new reads are
stored when they come back. Dask is imported only here, so the CLI starts
fast and works without it.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xlplan.errors import ClusterError, MissingPackageError
from xlplan.portfolio.cache import ReadCache, content_key
from xlplan.portfolio.gather import CHUNK, read_contents, read_paths, unreadable
from xlplan.workbook.reader import PlanRead

IN_FLIGHT_PER_THREAD = (
    2  # chunks queued per worker thread: bounded memory, busy workers
)
CONNECT_SECONDS = 10
log = logging.getLogger(__name__)


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise MissingPackageError(
            "--scheduler needs Dask's distributed package, which is not installed.",
            hint="Install it with: pip install 'xlplan[dask]' (on this machine and every worker).",
        ) from None
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"Cannot reach the Dask scheduler at {address} ({exc}).",
            hint="Start one with: dask scheduler (then dask worker ADDRESS on each "
            "machine), and pass its tcp://host:8786 address.",
        ) from None


def read_on_cluster(
    files: Sequence[Path],
    address: str | Any,
    shared_storage: bool = False,
    progress: Callable[[int], None] | None = None,
    cache: ReadCache | None = None,
) -> list[PlanRead]:
    """Every file's read, done on the cluster at ``address``, in ``files`` order.

    ``address`` is a scheduler address (``tcp://host:8786``) or an object
    with one (a ``LocalCluster``). Raises ``ClusterError`` when the scheduler
    cannot be reached or a worker cannot run xlplan.
    """
    results: dict[str, PlanRead] = {}
    todo: list[tuple[str, str]] = []
    for path in files:
        hit, key = _cached(path, cache)
        if hit is not None:
            results[str(path)] = hit
        else:
            todo.append((str(path), key))
    if progress and results:
        progress(len(results))
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    client = _client(getattr(address, "scheduler_address", address))
    try:
        _check_workers(client, address)
        for chunk, reads in _run(client, chunks, shared_storage):
            _keep(chunk, reads, results, cache)
            if progress:
                progress(len(chunk))
    finally:
        client.close()
    return [results[str(path)] for path in files]


def _cached(path: Path, cache: ReadCache | None) -> tuple[PlanRead | None, str]:
    if cache is None:
        return None, ""
    try:
        key = content_key(path.read_bytes())
    except OSError:
        return None, ""
    return cache.get(key, str(path)), key


def _check_workers(client: Any, address: Any) -> None:
    """Fail early, naming the fix, when no worker can import this xlplan."""
    import xlplan

    try:
        versions = client.run(_worker_version)
    except Exception as exc:  # noqa: BLE001 - any worker failure means the same fix
        raise ClusterError(
            f"The Dask workers at {address} cannot run xlplan ({exc}).",
            hint="Install the same xlplan version on every worker.",
        ) from None
    wrong = {w: v for w, v in versions.items() if v != xlplan.__version__}
    if not versions or wrong:
        raise ClusterError(
            f"The Dask cluster at {address} has "
            + (f"workers with another xlplan: {wrong}." if wrong else "no workers."),
            hint=f"Start workers with xlplan {xlplan.__version__} installed: dask worker ADDRESS.",
        )


def _worker_version() -> str:
    import xlplan

    return xlplan.__version__


def _run(
    client: Any, chunks: Sequence[Sequence[tuple[str, str]]], shared_storage: bool
) -> Iterator[tuple[Sequence[tuple[str, str]], list[PlanRead]]]:
    """Submit chunks a few at a time; yield each chunk with its reads as they finish."""
    from distributed import as_completed

    threads = sum(client.nthreads().values()) or 1
    pending = iter(chunks)
    queue = as_completed(loop=client.loop)
    submitted: dict[str, Sequence[tuple[str, str]]] = {}
    for chunk in _take(pending, threads * IN_FLIGHT_PER_THREAD):
        future = _submit(client, chunk, shared_storage)
        submitted[future.key] = chunk
        queue.add(future)
    for future in queue:
        chunk = submitted.pop(future.key)
        yield chunk, _result(future)
        for more in _take(pending, 1):
            following = _submit(client, more, shared_storage)
            submitted[following.key] = more
            queue.add(following)


def _take(chunks: Iterator[Sequence[tuple[str, str]]], count: int) -> list[Any]:
    return list(itertools.islice(chunks, count))


def _submit(client: Any, chunk: Sequence[tuple[str, str]], shared_storage: bool) -> Any:
    names = [name for name, _ in chunk]
    if shared_storage:
        return client.submit(read_paths, names, pure=False)
    items, failed = [], []
    for name in names:
        try:
            items.append((name, Path(name).read_bytes()))
        except OSError as exc:
            failed.append(unreadable(name, exc))
    return client.submit(_read_sent, items, failed, pure=False)


def _read_sent(
    items: Sequence[tuple[str, bytes]], failed: list[PlanRead]
) -> list[PlanRead]:
    """On a worker: read the bytes sent; pass on the files this machine could not open."""
    return read_contents(items) + failed


def _result(future: Any) -> list[PlanRead]:
    try:
        reads: list[PlanRead] = future.result()
    except Exception as exc:  # noqa: BLE001 - a worker's error arrives re-raised here
        raise ClusterError(
            f"A Dask worker failed to read plans ({type(exc).__name__}: {exc}).",
            hint="Check the worker's log; with --shared-storage every worker must see the same paths.",
        ) from None
    return reads


def _keep(
    chunk: Sequence[tuple[str, str]],
    reads: list[PlanRead],
    results: dict[str, PlanRead],
    cache: ReadCache | None,
) -> None:
    keys = dict(chunk)
    for read in reads:
        results[read.source] = read
        key = keys.get(read.source, "")
        opened = not any(i.code == "file.unreadable" for i in read.issues)
        if cache is not None and key and opened:
            cache.put(key, read)
