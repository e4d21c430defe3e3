"""Engines: joblib processes and dask.distributed give the results of a plain loop, in order."""

from __future__ import annotations

import filecmp

import pytest

from sinojp import engines, stream


def _square_all(chunk: list[int]) -> list[int]:
    return [x * x for x in chunk]


def test_local_engine_keeps_chunk_order():
    chunks = list(stream.chunked(range(23), 4))
    expected = [_square_all(c) for c in chunks]
    assert list(engines.map_chunks(_square_all, iter(chunks), n_jobs=1)) == expected
    assert list(engines.map_chunks(_square_all, iter(chunks), n_jobs=2)) == expected


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine must be one of"):
        list(engines.map_chunks(_square_all, [[1]], engine="spark"))


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                     silence_logs=40)
    yield local
    local.close()


def test_dask_engine_keeps_chunk_order(cluster):
    chunks = list(stream.chunked(range(23), 4))
    with engines.dask_client(cluster.scheduler_address) as client:
        got = list(engines.map_chunks(_square_all, iter(chunks), engine="dask", client=client))
    assert got == [_square_all(c) for c in chunks]


def test_dask_run_writes_what_the_local_engine_writes(tmp_path, seeds_dir, cluster):
    stream.run_streaming(seeds_dir, tmp_path / "local", chunk_size=2, n_jobs=1, cache=False, figures=False)
    result = stream.run_streaming(seeds_dir, tmp_path / "dask", chunk_size=2, engine="dask",
                                  scheduler=cluster.scheduler_address, cache=False, figures=False)
    for name in ("manifest.csv", "documents.csv", "sentences.csv", "topics.csv", "removals.csv", "flags.csv"):
        assert filecmp.cmp(tmp_path / "local" / name, tmp_path / "dask" / name, shallow=False), name
    assert result.cache["clean"]["misses"] == 5
