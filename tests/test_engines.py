"""Engines: joblib processes and dask.distributed give the results of a plain loop, in order."""

from __future__ import annotations

import filecmp

import pytest

import sinojp
from sinojp.corpus import chunked
from sinojp.pipeline import engines


def _square_all(chunk: list[int]) -> list[int]:
    return [x * x for x in chunk]


def test_local_engine_keeps_chunk_order():
    chunks = list(chunked(range(23), 4))
    expected = [_square_all(c) for c in chunks]
    assert list(engines.map_chunks(_square_all, iter(chunks), n_jobs=1)) == expected
    assert list(engines.map_chunks(_square_all, iter(chunks), n_jobs=2)) == expected


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine must be one of"):
        list(engines.map_chunks(_square_all, [[1]], engine="spark"))


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                     silence_logs=40)
    yield local
    local.close()


def test_dask_engine_keeps_chunk_order(cluster):
    chunks = list(chunked(range(23), 4))
    with engines.dask_client(cluster.scheduler_address) as client:
        got = list(engines.map_chunks(_square_all, iter(chunks), engine="dask", client=client))
    assert got == [_square_all(c) for c in chunks]


@pytest.mark.parametrize("corpus", ["seeds", "sample"])
def test_dask_run_writes_what_the_local_engine_writes(tmp_path, seeds_dir, sample_dir, cluster, corpus):
    path = seeds_dir if corpus == "seeds" else sample_dir / "raw"
    local = sinojp.run(path, tmp_path / "local", chunk_size=2, n_jobs=1, cache=False, figures=False)
    result = sinojp.run(path, tmp_path / "dask", chunk_size=2, engine="dask",
                                  scheduler=cluster.scheduler_address, cache=False, figures=False)
    for name in ("manifest.csv", "documents.csv", "sentences.csv", "topics.csv", "removals.csv", "flags.csv",
                 "voices.csv"):
        assert filecmp.cmp(tmp_path / "local" / name, tmp_path / "dask" / name, shallow=False), name
    assert result.cache["clean"]["misses"] == local.cache["clean"]["misses"] == len(list(path.glob("*.txt")))


def _worker_pid(chunk: list[int]) -> int:
    import os

    return os.getpid()


def test_release_workers_stops_the_reusable_workers():
    import os

    import psutil

    pids = set(engines.map_chunks(_worker_pid, [[1]] * 6, n_jobs=2)) - {os.getpid()}
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    assert alive  # joblib keeps its workers for reuse
    engines.release_workers()
    assert not [pid for pid in alive if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert list(engines.map_chunks(sum, [[1], [2, 2]], n_jobs=2)) == [1, 4]  # new workers start


def test_large_corpus_fits_topics_after_the_analysis(tmp_path, sample_dir, monkeypatch):
    # past the threshold the topic fit waits for the analysis (workers released): same tables
    from sinojp.pipeline import runner as run_module
    from sinojp.topics import TopicSettings

    class Small(TopicSettings):
        def __init__(self):
            super().__init__(fit_max_units=10)

    serial = sinojp.run(sample_dir / "raw", tmp_path / "serial", n_jobs=1, cache=False, figures=False)
    monkeypatch.setattr(run_module, "TopicSettings", Small)
    released = []
    monkeypatch.setattr(engines, "release_workers", lambda: released.append(True))
    late = sinojp.run(sample_dir / "raw", tmp_path / "late", n_jobs=2, chunk_size=3, cache=False, figures=False)
    assert released == [True]
    assert late.topic_table.equals(serial.topic_table)
    for name in ("documents.csv", "topics.csv", "sentences.csv"):
        assert filecmp.cmp(tmp_path / "serial" / name, tmp_path / "late" / name, shallow=False), name
