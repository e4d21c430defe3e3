"""Every engine writes the same output contract: one chunk in memory, or many chunks in workers."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest

import sinojp
from sinojp.corpus import chunked, iter_items
from sinojp.pipeline.runner import WORK_DIR
from sinojp.pipeline.stages import SENTENCE_OUT

TABLES = ["manifest.csv", "documents.csv", "sentences.csv", "topics.csv", "removals.csv", "flags.csv",
          "voices.csv"]


def _same_outputs(a: Path, b: Path) -> dict[str, bool]:
    """Which tables of two output folders are byte-identical (every table must exist in both)."""
    for name in TABLES:
        assert (a / name).exists() and (b / name).exists(), f"{name} not written"
    same = {name: filecmp.cmp(a / name, b / name, shallow=False) for name in TABLES}
    same["documents.parquet"] = pd.read_parquet(a / "documents.parquet").equals(pd.read_parquet(b / "documents.parquet"))
    clean_a = sorted(p.name for p in (a / "clean").iterdir())
    same["clean"] = clean_a == sorted(p.name for p in (b / "clean").iterdir()) and all(
        filecmp.cmp(a / "clean" / n, b / "clean" / n, shallow=False) for n in clean_a)
    return same


@pytest.fixture(scope="module")
def seeds_in_memory(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("seeds_memory")
    result = sinojp.run(seeds_dir, out, engine="memory")
    assert result.prepared is not None and result.analysis is not None
    return out


def test_chunked_run_matches_the_memory_run_on_seeds(tmp_path, seeds_dir, seeds_in_memory):
    # chunks of two pages: the stitched page's pieces and the Punkt training span several chunks
    result = sinojp.run(seeds_dir, tmp_path, chunk_size=2, n_jobs=1)
    assert _same_outputs(seeds_in_memory, tmp_path) == dict.fromkeys(TABLES + ["documents.parquet", "clean"], True)
    assert (tmp_path / "figures" / "relations_stance.png").exists()
    sents = pd.read_parquet(tmp_path / "sentences.parquet")
    assert sents.equals(pd.read_csv(tmp_path / "sentences.csv", keep_default_na=False).astype(sents.dtypes.to_dict()))
    docs = pd.read_parquet(tmp_path / "documents.parquet")
    assert list(docs["doc_id"]) == list(result.documents["doc_id"])
    assert "5 input items (4 ok, 3 split" in sinojp.summarise(result)
    assert not (tmp_path / WORK_DIR).exists()


def test_chunked_run_matches_the_memory_run_on_sample(tmp_path, sample_dir):
    sinojp.run(sample_dir / "raw", tmp_path / "memory", engine="memory")
    sinojp.run(sample_dir / "raw", tmp_path / "stream", chunk_size=3, n_jobs=1, cache=False)
    assert all(_same_outputs(tmp_path / "memory", tmp_path / "stream").values())


def _export(seeds_dir: Path, path: Path) -> None:
    """A JSONL export of the seeds with a syndicated copy, a repeated id, a non-English row and a broken line."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    rows = [{"stories_id": f"s{i}", "text": t, "media_name": "Example Wire", "publish_date": "2025-11-2%d" % i}
            for i, t in enumerate(texts)]
    copy = dict(rows[1], stories_id="copy1")
    copy["text"] = texts[1].replace("\n\n", "\n\nAdvertisement\n\n", 1)
    rows.insert(3, copy)
    rows.append(dict(rows[0], text=texts[4]))  # repeats the id s0
    rows.append({"stories_id": "zh", "text": "中日关系" * 200})
    lines = [json.dumps(r) for r in rows]
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_chunked_export_marks_the_same_duplicates_renames_and_rejections(tmp_path, seeds_dir):
    export = tmp_path / "export.jsonl"
    _export(seeds_dir, export)
    sinojp.run(export, tmp_path / "memory", engine="memory", figures=False)
    result = sinojp.run(export, tmp_path / "stream", chunk_size=3, n_jobs=1, figures=False)
    assert all(_same_outputs(tmp_path / "memory", tmp_path / "stream").values())
    status = result.manifest.groupby("source")["status"].agg(lambda s: "|".join(sorted(set(s))))
    assert status["export.jsonl:5"] == "duplicate"  # the syndicated copy of the stitched page s1: all pieces
    assert status["export.jsonl:8"] == "duplicate"  # repeats s4's text under a repeated id ...
    assert "s0~2" in set(result.manifest["doc_id"])  # ... which is renamed
    assert status["export.jsonl:3"] == "rejected" and status["export.jsonl:9"] == "rejected"


def test_csv_export_is_read_in_chunks_like_the_whole_file(tmp_path, seeds_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    frame = pd.DataFrame({"id": [f"a{i}" for i in range(len(texts))], "story_text": texts,
                          "title": [t.splitlines()[0][:50] for t in texts]})
    frame.to_csv(tmp_path / "export.csv", index=False)
    items = list(iter_items(tmp_path / "export.csv", chunk_size=2).items)
    assert [it.stem for it in items] == list(frame["id"])
    assert [it.payload.decode("utf-8") for it in items] == texts
    assert dict(items[0].meta)["title"] == frame.at[0, "title"]


def test_folder_items_carry_metadata_and_rejections(tmp_path, sample_dir):
    folder = tmp_path / "corpus"
    folder.mkdir()
    first = sorted((sample_dir / "raw").glob("*.txt"))[0]
    (folder / first.name).write_bytes(first.read_bytes())
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    meta = pd.read_csv(sample_dir / "metadata.csv", dtype=str, keep_default_na=False)
    meta.to_csv(folder / "metadata.csv", index=False)
    s = iter_items(folder)
    items = list(s.items)
    assert s.has_metadata and s.total == 2
    assert [(it.kind, it.source) for it in items] == [("file", first.name), ("rejected", "notes.pdf")]
    assert "unsupported file type" in items[1].reason
    row = meta.set_index("doc_id").loc[first.stem]
    assert dict(items[0].meta)["outlet"] == row["outlet"]


def test_chunked_bounds_the_batches():
    assert [len(b) for b in chunked(range(7), 3)] == [3, 3, 1]
    assert list(chunked([], 3)) == []


def test_missing_corpus_is_a_clear_error(tmp_path):
    for engine in sinojp.pipeline.ENGINES[:2]:
        with pytest.raises(sinojp.CorpusError, match="no such file or folder"):
            sinojp.run(tmp_path / "nope", tmp_path / "out", engine=engine)


def test_cli_runs_chunked_by_default_and_writes_the_memory_tables(tmp_path, seeds_dir, seeds_in_memory, capsys):
    from sinojp.cli import main

    args = ["run", "--corpus", str(seeds_dir), "--out", str(tmp_path), "--jobs", "1", "--chunk-size", "3"]
    assert main(args) == 0
    assert "5 input items" in capsys.readouterr().out
    assert (tmp_path / ".cache" / "sinojp-cache.sqlite").exists()
    assert main(args + ["--no-cache"]) == 0
    assert all(_same_outputs(seeds_in_memory, tmp_path).values())
    result = sinojp.run(seeds_dir, tmp_path / "again", n_jobs=1, figures=False)
    assert isinstance(result, sinojp.RunResult) and result.cache["clean"]["misses"] == 5
    assert result.prepared is None  # the chunked engines keep the large tables on disk only


@pytest.mark.parametrize("engine", ["memory", "local"])
def test_corpus_with_nothing_usable_still_writes_every_table(tmp_path, engine):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zh.txt").write_text("中日关系" * 50, encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    result = sinojp.run(corpus, tmp_path / "out", engine=engine, n_jobs=1)
    assert result.counts["documents"] == 0 and set(result.manifest["status"]) == {"rejected"}
    for name in TABLES:
        assert (tmp_path / "out" / name).exists(), name
    assert list(pd.read_csv(tmp_path / "out" / "sentences.csv").columns) == SENTENCE_OUT


def test_large_corpus_keeps_its_paragraph_topics_on_disk(tmp_path, sample_dir, monkeypatch):
    # past TopicSettings.fit_max_units the topic model leaves its per-paragraph table on disk; the
    # run must keep that file (it is written in the work folder, which the run removes)
    import functools

    from sinojp.pipeline import runner as run_module
    from sinojp.topics import TopicSettings

    fit = functools.partial(run_module.fit_topics_parquet, topic_settings=TopicSettings(fit_max_units=15))
    monkeypatch.setattr(run_module, "fit_topics_parquet", fit)
    result = sinojp.run(sample_dir / "raw", tmp_path, n_jobs=1, cache=False, figures=False)
    kept = tmp_path / "paragraph_topics.parquet"
    assert result.topics.paragraph_topics_file == str(kept) and kept.exists()
    assert not (tmp_path / WORK_DIR).exists()
    paras = pd.read_parquet(kept)
    assert len(paras) > 15 and result.topics.paragraph_topics.empty
    assert result.topics.vocabulary.counts is None  # the light result sent back by the topic fit
    docs = pd.read_csv(tmp_path / "documents.csv")
    assert docs["top_topic"].notna().all()
