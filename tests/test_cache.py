"""The per-document cache: keys follow content and settings; reruns only process new documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sinojp
from sinojp.pipeline import cache


def test_store_and_find_values(tmp_path):
    with cache.DocumentCache(tmp_path / "c.sqlite") as store:
        store.put_many("clean", {"k1": {"rows": [("a", 1)]}, "k2": np.arange(3)})
        found = store.get_many("clean", ["k1", "k2", "k3"])
        assert found["k1"] == {"rows": [("a", 1)]} and found["k2"].tolist() == [0, 1, 2]
        assert "k3" not in found and (store.hits, store.misses) == (2, 1)
        assert store.get_many("analyse", ["k1"]) == {}  # stages do not share entries
        assert store.count("clean") == 2
    with cache.DocumentCache(tmp_path / "c.sqlite") as store:  # persisted
        assert set(store.get_many("clean", ["k1", "k2"])) == {"k1", "k2"}


def test_values_are_stored_as_json_never_pickles(tmp_path):
    import json
    import pickle
    import sqlite3
    import zlib

    value = {"rows": [("a", 1.5, None, float("nan"))], "sig": np.arange(4, dtype=np.uint32), "n": np.int64(3)}
    with cache.DocumentCache(tmp_path / "c.sqlite") as store:
        store.put_many("clean", {"k": value})
        back = store.get_many("clean", ["k"])["k"]
    assert back["rows"][0][:3] == ("a", 1.5, None) and np.isnan(back["rows"][0][3])
    assert back["sig"].dtype == np.uint32 and back["sig"].tolist() == [0, 1, 2, 3] and back["n"] == 3
    db = sqlite3.connect(tmp_path / "c.sqlite")
    (blob,) = db.execute("SELECT value FROM results").fetchone()
    assert isinstance(json.loads(zlib.decompress(blob)), dict)  # plain data
    # a pickle planted in a shared cache is never run: it does not decode as a value
    db.execute("UPDATE results SET value = ?", (zlib.compress(pickle.dumps(("x", 1))),))
    db.commit()
    db.close()
    with cache.DocumentCache(tmp_path / "c.sqlite") as store:
        try:
            store.get_many("clean", ["k"])
        except ValueError:
            pass
    with pytest.raises(TypeError):
        cache.encode_value({"x": object()})


def test_fingerprint_covers_modules_of_every_sub_package(tmp_path):
    package = Path(sinojp.__file__).resolve().parent
    copy = tmp_path / "sinojp"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.fingerprint_folder(copy).hexdigest()
    assert before == cache.fingerprint_folder(package).hexdigest()
    nested = copy / "measures" / "stance" / "scores.py"
    nested.write_text(nested.read_text() + "\n# changed\n")
    assert cache.fingerprint_folder(copy).hexdigest() != before
    (copy / "resources" / "stance_lexicon.csv").write_text("term\n")
    assert cache.fingerprint_folder(copy).hexdigest() != before


def test_disabled_cache_finds_nothing(tmp_path):
    store = cache.DocumentCache(None)
    store.put_many("clean", {"k": 1})
    assert not store.enabled and store.get_many("clean", ["k"]) == {} and store.count() == 0


def test_keys_follow_content_and_settings():
    base = cache.settings_fingerprint({"threshold": 0.8, "chars": 100})
    assert base == cache.settings_fingerprint({"chars": 100, "threshold": 0.8})
    assert base != cache.settings_fingerprint({"threshold": 0.9, "chars": 100})
    assert cache.content_key("ab", "c") != cache.content_key("a", "bc")
    assert cache.content_key("text") == cache.content_key(b"text")
    assert len(cache.code_fingerprint()) == 64


def test_rerun_after_adding_documents_processes_only_new_ones(tmp_path, sample_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = sorted((sample_dir / "raw").glob("*.txt"))
    for path in files[:5]:
        shutil.copy(path, corpus / path.name)
    cache_dir = tmp_path / "cache"
    kwargs = dict(n_jobs=1, figures=False, cache_dir=cache_dir, punkt_chars=3000)
    first = sinojp.run(corpus, tmp_path / "out1", **kwargs)
    assert first.cache["clean"] == {"hits": 0, "misses": 5}
    for path in files[5:]:
        shutil.copy(path, corpus / path.name)
    second = sinojp.run(corpus, tmp_path / "out2", **kwargs)
    n_new = len(files) - 5
    assert second.cache["clean"] == {"hits": 5, "misses": n_new}
    # the new files sort after the Punkt training text, so the old documents' sentences are reused
    assert second.cache["analyse"] == {"hits": 5, "misses": n_new}
    fresh = sinojp.run(corpus, tmp_path / "out3", cache=False, **kwargs)
    assert fresh.cache["clean"]["hits"] == 0
    for name in ("documents.csv", "sentences.csv", "manifest.csv"):
        assert pd.read_csv(tmp_path / "out2" / name).equals(pd.read_csv(tmp_path / "out3" / name))


def test_cached_results_are_not_changed_by_renaming(tmp_path, seeds_dir):
    # the same file twice under two suffixes: the second is renamed to '~2' after the cache lookup
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    shutil.copy(seed, corpus / "a.txt")
    shutil.copy(seed, corpus / "a.md")
    kwargs = dict(n_jobs=1, figures=False, cache_dir=tmp_path / "cache")
    first = sinojp.run(corpus, tmp_path / "o1", **kwargs)
    second = sinojp.run(corpus, tmp_path / "o2", **kwargs)
    assert second.cache["clean"]["hits"] == 2
    assert first.manifest.equals(second.manifest)
    assert set(second.manifest["doc_id"]) >= {"a", "a~2"}


def test_cache_survives_a_new_export_with_rows_inserted_above(tmp_path, seeds_dir):
    import json

    rows = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(seeds_dir.glob("*.txt"))]
    (tmp_path / "march.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[1:]), encoding="utf-8")
    (tmp_path / "april.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    kwargs = dict(n_jobs=1, figures=False, cache_dir=tmp_path / "cache")
    sinojp.run(tmp_path / "march.jsonl", tmp_path / "o1", **kwargs)
    april = sinojp.run(tmp_path / "april.jsonl", tmp_path / "o2", **kwargs)
    assert april.cache["clean"] == {"hits": len(rows) - 1, "misses": 1}
    sinojp.run(tmp_path / "april.jsonl", tmp_path / "o3", cache=False, n_jobs=1, figures=False)
    for name in ("manifest.csv", "removals.csv", "documents.csv"):
        assert (tmp_path / "o2" / name).read_bytes() == (tmp_path / "o3" / name).read_bytes(), name
    assert set(april.manifest["source"].str.split(":").str[0]) == {"april.jsonl"}


def test_cache_with_parallel_workers(tmp_path, sample_dir):
    # the default run: worker processes and the cache; joblib asks for the next chunk, and so
    # reads the cache, from its own dispatch thread while this thread stores results
    import json

    rows = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted((sample_dir / "raw").glob("*.txt"))]
    export = tmp_path / "sample.jsonl"
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    kwargs = dict(figures=False, chunk_size=1, cache_dir=tmp_path / "cache")  # more chunks than are dispatched at once
    first = sinojp.run(export, tmp_path / "o1", n_jobs=2, **kwargs)
    second = sinojp.run(export, tmp_path / "o2", n_jobs=2, **kwargs)
    assert first.cache["clean"] == {"hits": 0, "misses": len(rows)}
    assert second.cache["clean"] == {"hits": len(rows), "misses": 0}
    assert second.cache["analyse"]["misses"] == 0
    serial = sinojp.run(export, tmp_path / "o3", n_jobs=1, cache=False, figures=False, chunk_size=2)
    # topics.csv too: with workers the topic fit runs beside them and evaluates candidates in parallel
    for name in ("documents.csv", "sentences.csv", "manifest.csv", "topics.csv"):
        assert (tmp_path / "o2" / name).read_bytes() == (tmp_path / "o3" / name).read_bytes(), name
    assert len(serial.documents) == len(second.documents)
