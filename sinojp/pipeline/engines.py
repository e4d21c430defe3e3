"""Execution engines: map a pure per-chunk function over a stream of chunks, results in order.

* ``local``: joblib worker processes (loky) on this machine, ``n_jobs`` of them (default: all
  cores), with a bounded number of chunks in flight, so a stream of any length runs in bounded
  memory. ``n_jobs=1`` runs in the calling process.
* ``dask``: dask.bag over windows of chunks on a dask.distributed cluster, either an existing one
  (``scheduler`` address, or the ``SINOJP_DASK_SCHEDULER`` environment variable) or a
  ``LocalCluster`` started for the run and shut down after it.

Both engines call the same function on the same chunks and return its results in chunk order, so
their outputs are identical. Progress is a tqdm.auto bar (terminal and JupyterLab), off by default.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("memory", "local", "dask")
SCHEDULER_ENV = "SINOJP_DASK_SCHEDULER"


def default_jobs() -> int:
    """Number of usable cores (CPU affinity where the platform reports it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def dask_client(scheduler: str | None = None, n_workers: int | None = None, processes: bool = True):
    """A dask.distributed Client: to ``scheduler`` (or ``$SINOJP_DASK_SCHEDULER``), else a LocalCluster.

    A cluster started here is closed on exit; an existing cluster is left running.
    """
    from dask.distributed import Client, LocalCluster

    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address:
        client = Client(address)
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=n_workers or default_jobs(), threads_per_worker=1, processes=processes,
                           dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int | None, desc: str, enabled: bool):
    if not enabled:  # tqdm.auto warns in a kernel without ipywidgets, even for a disabled bar
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="doc", leave=False)


def map_chunks(func: Callable[[T], R], chunks: Iterable[T], *, engine: str = "local", n_jobs: int | None = None,
               client: Any = None, progress: bool = False, total: int | None = None, desc: str = "",
               size: Callable[[T], int] = len) -> Iterator[R]:
    """Apply ``func`` to every chunk and yield the results in chunk order.

    Parameters
    ----------
    func : callable
        A pure, picklable (module-level) function of one chunk.
    chunks : iterable
        Consumed lazily: only a few chunks per worker are held at a time.
    engine : {"memory", "local", "dask"}
        ``memory`` maps serially in this process.
    n_jobs : int, optional
        Worker processes of the local engine (default: all cores).
    client : dask.distributed.Client, optional
        Required for the dask engine (see :func:`dask_client`).
    progress : bool
        Show a tqdm.auto progress bar counting ``size(chunk)`` items per chunk.
    total : int, optional
        Expected number of items, for the bar.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    bar = _progress(total, desc, progress)
    try:
        if engine == "dask":
            if client is None:
                raise ValueError("the dask engine needs a client (see sinojp.engines.dask_client)")
            results = _map_dask(func, chunks, client)
        elif engine == "memory":
            results = _map_local(func, chunks, 1)
        else:
            results = _map_local(func, chunks, n_jobs or default_jobs())
        for chunk_size, result in results:
            bar.update(chunk_size)
            yield result
    finally:
        bar.close()


def _sized(func: Callable[[T], R], chunk: T) -> tuple[int, R]:
    return len(chunk) if hasattr(chunk, "__len__") else 1, func(chunk)  # type: ignore[arg-type]


def _map_local(func: Callable[[T], R], chunks: Iterable[T], n_jobs: int) -> Iterator[tuple[int, R]]:
    if n_jobs == 1:
        for chunk in chunks:
            yield _sized(func, chunk)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs", backend="loky")
    yield from parallel(delayed(_sized)(func, chunk) for chunk in chunks)


def release_workers() -> None:
    """Stop the idle worker processes the local engine keeps for reuse, freeing their memory.

    joblib keeps its loky workers alive for reuse (5 minutes by default); a run that next does a
    memory-hungry corpus-level step stops them first. The next parallel map starts new ones.
    """
    from joblib.externals.loky import reusable_executor

    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True)


def _map_dask(func: Callable[[T], R], chunks: Iterable[T], client: Any) -> Iterator[tuple[int, R]]:
    """dask.bag over windows of chunks (one partition per chunk); the next window runs while one is read."""
    import dask.bag as db

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = 2 * workers
    pending: deque = deque()
    iterator = iter(chunks)

    def submit() -> bool:
        batch = [c for _, c in zip(range(window), iterator)]
        if not batch:
            return False
        bag = db.from_sequence(batch, npartitions=len(batch)).map(partial(_sized, func))
        pending.append(client.compute(bag))
        return True

    submit()
    submit()
    while pending:
        future = pending.popleft()
        results = future.result()
        submit()
        yield from results
