"""Run the pipeline on corpora of any size: chunked reading, parallel per-document stages, a cache.

:func:`run_streaming` writes the same output contract as :func:`sinojp.pipeline.run` (identical
tables on the same corpus) while holding at most a few chunks of raw texts in memory:

1. **read + clean** (per document, parallel, cached): items are read from the folder or export in
   chunks of ``chunk_size`` (:func:`iter_items`, same decoding, metadata and manifest rules as
   :mod:`sinojp.corpus`), cleaned by :func:`sinojp.clean.clean_corpus` per chunk, and summarised
   by a MinHash signature; cleaned texts and shingles are spilled to a work folder.
2. **near-duplicates** (corpus level): :mod:`sinojp.neardup` over the signatures, with the exact
   Jaccard check of :func:`sinojp.clean.mark_duplicates`.
3. **Punkt** is trained on the first ~2 million characters of kept text, as in the in-memory path.
4. **segment + measures** (per document, parallel, cached): paragraphs, sentences, stance and
   frames; written incrementally to CSV and Parquet.
5. **topics** (corpus level, never cached): :func:`sinojp.topics.fit_topics` on the paragraphs read
   back from Parquet (online LDA / MiniBatchNMF past its size threshold), then ``top_topic``. With
   several workers it runs in its own process during stage 4 (it needs only the paragraphs).

The per-document results are cached (:mod:`sinojp.cache`) under the SHA-256 of the document's
content plus a fingerprint of the code, resources and settings (for stage 4 also of the trained
Punkt parameters), so a rerun after adding documents only processes the new ones.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import json
import pickle
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sinojp import cache as cache_mod
from sinojp import clean, corpus, engines, neardup, segment

DEFAULT_CHUNK_SIZE = 200
PUNKT_CHARS = 2_000_000
FIGURE_MAX_DOCUMENTS = 200
NEAR_DUPLICATE_THRESHOLD = 0.8
WORK_DIR = ".work"
CACHE_DIR = ".cache"
FLAG_COLUMNS = ["doc_id", "kind", "found", "suggestion", "context"]
SENTENCE_OUT = ["doc_id", "sent_id", "text", "relations_stance", "us_stance", "frame", "para_id", "start", "end"]


# --------------------------------------------------------------------------------------------
# Reading in chunks
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One input item: a file's bytes or an export row's text, with its metadata.

    ``kind`` is ``"file"``, ``"row"`` or ``"rejected"`` (rejected before any decoding: unsupported
    file type, unreadable export line); ``stem`` is the provisional doc_id.
    """

    kind: str
    source: str
    stem: str
    suffix: str = ".txt"
    payload: bytes = b""
    meta: tuple[tuple[str, str], ...] = ()
    reason: str = ""

    def key(self) -> str:
        """Content key of the item: kind, id, suffix, bytes and metadata, not where it was found.

        The source (file name, or export name and row number) is stamped on cached results when
        they are reused, so a new export of the same articles, or rows inserted above, still hit.
        """
        return cache_mod.content_key(self.kind, self.stem, self.suffix, self.payload, json.dumps(self.meta))


@dataclass
class ItemStream:
    """Items of a corpus, read lazily, with the notes and metadata the reading produced."""

    items: Iterator[Item]
    notes: list[str] = field(default_factory=list)
    metadata_ids: frozenset[str] = frozenset()
    has_metadata: bool = False
    total: int | None = None


def chunked(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    batch: list[Any] = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _folder_items(folder: Path, meta: pd.DataFrame | None) -> Iterator[Item]:
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.name == corpus.METADATA_FILE or path.name.startswith("."):
            continue
        if path.suffix.lower() not in corpus.ARTICLE_SUFFIXES:
            yield Item("rejected", path.name, "", reason=f"unsupported file type '{path.suffix or path.name}' "
                                                         f"(articles are {', '.join(corpus.ARTICLE_SUFFIXES)})")
            continue
        fields: tuple[tuple[str, str], ...] = ()
        if meta is not None and path.stem in meta.index:
            fields = tuple((str(k), str(v)) for k, v in meta.loc[path.stem].items() if v != "")
        yield Item("file", path.name, path.stem, path.suffix.lower(), path.read_bytes(), fields)


def _is_utf8(path: Path, block: int = 1 << 20) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while data := handle.read(block):
                decoder.decode(data)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _export_records(path: Path, chunk_size: int) -> Iterator[tuple[int, dict | None, str]]:
    """(row number, record, error) of an export, CSV read in chunks when it is UTF-8."""
    if path.suffix.lower() == ".csv" and _is_utf8(path):
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunk_size, encoding="utf-8-sig")
        i = 0
        for frame in reader:
            for rec in frame.to_dict("records"):
                i += 1
                yield i, rec, ""
        return
    # JSONL is read line by line; a CSV in a legacy encoding is decoded whole as sinojp.corpus does.
    yield from corpus._iter_export_rows(path)


def _export_items(path: Path, columns: dict[str, str | None], chunk_size: int) -> Iterator[Item]:
    mapping: dict[str, str] | None = None
    for i, rec, error in _export_records(path, chunk_size):
        source = f"{path.name}:{i}"
        if rec is None:
            yield Item("rejected", source, "", reason=error)
            continue
        if mapping is None:
            mapping = corpus.detect_columns(rec.keys(), **columns)
            if "text" not in mapping:
                raise corpus.CorpusError(f"{path.name}: no text column found (columns: {', '.join(rec.keys())}); "
                                         "name it with text=... / --text-column")
        raw_id = (rec.get(mapping.get("doc_id", ""), "") or "").strip() or f"{path.stem}_{i:06d}"
        raw_id = re.sub(r"[^\w.#~-]+", "_", raw_id)
        text = rec.get(mapping["text"], "") or ""
        meta = tuple((f, rec.get(c, "")) for f, c in mapping.items() if f not in ("text", "doc_id") and rec.get(c, ""))
        yield Item("row", source, raw_id, ".txt", text.encode("utf-8"), meta)


def iter_items(path: str | Path, chunk_size: int = DEFAULT_CHUNK_SIZE, **columns: str | None) -> ItemStream:
    """Stream the items of a corpus folder, article file or CSV/JSONL export.

    Parameters
    ----------
    path : str or Path
        As for :func:`sinojp.corpus.read_corpus`.
    chunk_size : int
        Rows per read of a CSV export.
    **columns : str
        Export column names overriding detection (``text=``, ``title=``, ...).

    Returns
    -------
    ItemStream
        ``items`` is a lazy iterator: a folder's files are read one at a time as it is consumed.
    """
    path = Path(path)
    if not path.exists():
        raise corpus.CorpusError(f"{path}: no such file or folder")
    if path.is_dir():
        meta = corpus._find_metadata(path)
        total = sum(1 for p in path.iterdir() if p.is_file() and p.name != corpus.METADATA_FILE
                    and not p.name.startswith("."))
        ids = frozenset(meta.index) if meta is not None else frozenset()
        return ItemStream(_folder_items(path, meta), metadata_ids=ids, has_metadata=meta is not None, total=total)
    if path.suffix.lower() in corpus.EXPORT_SUFFIXES:
        return ItemStream(_export_items(path, dict(columns), chunk_size))
    if path.suffix.lower() in corpus.ARTICLE_SUFFIXES:
        return ItemStream(iter([Item("file", path.name, path.stem, path.suffix.lower(), path.read_bytes())]), total=1)
    raise corpus.CorpusError(f"{path}: not a folder, article file ({', '.join(corpus.ARTICLE_SUFFIXES)}) "
                             f"or export ({', '.join(corpus.EXPORT_SUFFIXES)})")


# --------------------------------------------------------------------------------------------
# Stage 1: read and clean a chunk (pure; runs in workers)
# --------------------------------------------------------------------------------------------

def clean_chunk(items: list[Item]) -> list[dict]:
    """Read and clean a chunk of items; one result per item, in order.

    Each result holds ``reason`` (why the item was rejected, else ``""``), ``columns`` (the raw
    row's field order), ``documents`` (cleaned document rows, split pieces included, text
    included), ``removals`` (rows of REMOVAL_COLUMNS), ``manifest`` (the item's manifest rows
    after splitting / empty-text rejection) and per document ``shingles`` and ``signature``.
    Document ids are the items' provisional ids; the caller makes them unique.
    """
    rows: list[dict] = []
    results: list[dict] = []
    for item in items:
        res: dict[str, Any] = {"source": item.source, "stem": item.stem, "reason": item.reason, "columns": [],
                               "documents": [], "removals": [], "manifest": [], "shingles": [], "signature": None}
        results.append(res)
        if item.kind == "rejected":
            continue
        row, reason = corpus.read_text_item(item.payload, item.source, item.stem, item.suffix)
        if row is None:
            res["reason"] = reason or "empty text"
            continue
        res["note"] = reason  # a note on an accepted item (e.g. a very long line)
        for key, value in item.meta:
            if value != "" and (item.kind == "file" or key in row):
                row[key] = value
        row["doc_id"] = item.stem
        res["columns"] = [c for c in row if c not in corpus.RAW_COLUMNS]
        rows.append(row)
    if not rows:
        return results
    raw = pd.DataFrame(rows)
    raw = raw[corpus.RAW_COLUMNS + [c for c in raw.columns if c not in corpus.RAW_COLUMNS]].fillna("").astype(str)
    manifest = pd.DataFrame([{"source": r["source"], "doc_id": r["doc_id"], "status": "ok", "reason": ""} for r in rows],
                            columns=corpus.MANIFEST_COLUMNS)
    # near-duplicates are marked over the whole corpus later; a threshold above 1 turns them off here
    cleaned = clean.clean_corpus(raw, manifest, near_duplicate_threshold=2.0)
    by_source = {r["source"]: r for r in results}
    for doc in cleaned.documents.to_dict("records"):
        by_source[doc["source"]]["documents"].append(doc)
    for rem in cleaned.removals.itertuples(index=False, name=None):
        by_source[rem[1]]["removals"].append(rem)
    for man in cleaned.manifest.to_dict("records"):
        by_source[man["source"]]["manifest"].append(man)
    for res in results:
        hashes = [neardup.shingle_hashes(d["text"]) for d in res["documents"]]
        res["shingles"] = hashes
        res["signature"] = (np.stack([neardup.signature(h) for h in hashes]) if hashes
                            else np.empty((0, neardup.NUM_PERM), dtype=np.uint32))
    return results


def _restamp(result: dict, source: str) -> None:
    """Set the source of a (cached) item result's documents, removals and manifest rows."""
    result["source"] = source
    for doc in result["documents"]:
        doc["source"] = source
    result["removals"] = [(r[0], source) + tuple(r[2:]) for r in result["removals"]]
    for man in result["manifest"]:
        man["source"] = source


def _rename(result: dict, new_id: str) -> None:
    """Give an item's documents a new base doc_id (``old`` -> ``new``, ``old#2`` -> ``new#2``)."""
    old = result["stem"]

    def swap(doc_id: str) -> str:
        if doc_id == old:
            return new_id
        if doc_id.startswith(old + "#"):
            return new_id + doc_id[len(old):]
        return doc_id

    for doc in result["documents"]:
        doc["doc_id"] = swap(doc["doc_id"])
    result["removals"] = [(swap(r[0]),) + tuple(r[1:]) for r in result["removals"]]
    for man in result["manifest"]:
        man["doc_id"] = swap(man["doc_id"])


# --------------------------------------------------------------------------------------------
# Stage 4: segment and measure a chunk of documents (pure; runs in workers)
# --------------------------------------------------------------------------------------------

def _tokenizer(params: Any):
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    return PunktSentenceTokenizer(params)


def analyse_chunk(task: tuple[list[tuple[str, str]], Any, int]) -> dict[str, dict]:
    """Paragraphs, sentences, stance and frames of a chunk of ``(doc_id, text)``; per doc_id.

    Parameters
    ----------
    task : (docs, punkt_params, random_state)

    Returns
    -------
    dict
        doc_id -> ``{"sentences": rows, "flags": rows, "voices": rows, "document": dict,
        "stance": dict}``; sentence rows follow SENTENCE_OUT, voice rows
        :data:`sinojp.voices.VOICE_COLUMNS`; ``document`` holds sizes, stance and frame shares.
    """
    from sinojp import framing, stance, voices

    pairs, params, random_state = task
    out: dict[str, dict] = {}
    if not pairs:
        return out
    docs = pd.DataFrame(pairs, columns=["doc_id", "text"])
    paras = segment.paragraphs(docs)
    sents = segment.sentences(docs, tokenizer=_tokenizer(params), paras=paras)
    sent_stance = stance.score_sentences(sents, random_state=random_state)
    doc_stance = stance.score_documents(sent_stance, random_state=random_state)
    sent_frames = framing.score_sentences(sents, random_state=random_state)
    doc_frames = framing.score_documents(sent_frames)
    frame_cols = [c for c in doc_frames.columns if c.startswith("frame_")]
    merged = (sents.merge(sent_stance[["doc_id", "sent_id", "relations_stance", "us_stance"]], on=["doc_id", "sent_id"], how="left")
              .merge(sent_frames[["doc_id", "sent_id", "frame"]], on=["doc_id", "sent_id"], how="left"))
    flags = clean.flag_slips(docs)
    sources = voices.extract_voices(sents, sent_stance)
    for doc_id, text in pairs:
        out[doc_id] = {"sentences": [], "flags": [], "voices": [], "stance": None,
                       "document": {"n_words": segment.word_count(text)}}
    for row in sources[voices.VOICE_COLUMNS].itertuples(index=False, name=None):
        out[row[0]]["voices"].append(row)
    n_paragraphs = paras.groupby("doc_id", sort=False).size()
    for row in merged[SENTENCE_OUT].itertuples(index=False, name=None):
        out[row[0]]["sentences"].append(row)
    for row in flags.itertuples(index=False, name=None):
        out[row[0]]["flags"].append(row)
    for rec in doc_stance.to_dict("records"):
        out[rec["doc_id"]]["stance"] = rec
    for rec in doc_frames[["doc_id", "primary_frame"] + frame_cols].to_dict("records"):
        out[rec["doc_id"]]["document"].update({k: v for k, v in rec.items() if k != "doc_id"})
    for doc_id, res in out.items():
        res["document"]["n_paragraphs"] = int(n_paragraphs.get(doc_id, 0))
        res["document"]["n_sentences"] = len(res["sentences"])
        if res["stance"] is not None:
            res["document"]["relations_stance"] = res["stance"]["relations_stance"]
            res["document"]["us_stance"] = res["stance"]["us_stance"]
    return out


def punkt_fingerprint(params: Any) -> str:
    """A stable digest of trained Punkt parameters (sets sorted, so hash seeds do not matter)."""
    parts = {
        "abbrev": sorted(params.abbrev_types),
        "colloc": sorted(map(list, params.collocations)),
        "starters": sorted(params.sent_starters),
        "ortho": sorted(params.ortho_context.items()),
    }
    return cache_mod.content_key(json.dumps(parts))


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

class _TableWriter:
    """Append DataFrames to a CSV (header once) and, optionally, a Parquet file."""

    def __init__(self, csv_path: Path | None, parquet_path: Path | None) -> None:
        self.csv_path, self.parquet_path = csv_path, parquet_path
        self._header = True
        self._writer = None
        self._schema = None
        self.rows = 0

    def write(self, frame: pd.DataFrame, columns: list[str]) -> None:
        if self.csv_path is not None and (self._header or len(frame)):
            frame.to_csv(self.csv_path, mode="w" if self._header else "a", header=self._header, index=False)
            self._header = False
        if self.parquet_path is not None and len(frame):
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._writer is None:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                self._schema = table.schema
                self._writer = pq.ParquetWriter(self.parquet_path, self._schema)
            else:
                table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
            self._writer.write_table(table)
        self.rows += len(frame)

    def close(self, empty: pd.DataFrame | None = None) -> None:
        """Finish the files; with no rows written, ``empty`` gives the header / schema."""
        if self.csv_path is not None and self._header and empty is not None:
            empty.to_csv(self.csv_path, index=False)
        if self._writer is not None:
            self._writer.close()
        elif self.parquet_path is not None and empty is not None:
            empty.to_parquet(self.parquet_path, index=False)


# --------------------------------------------------------------------------------------------
# The streaming run
# --------------------------------------------------------------------------------------------

@dataclass
class StreamResult:
    """What a streaming run produced (the large tables stay on disk under ``out``).

    Attributes
    ----------
    documents : DataFrame
        documents.csv as written (no text).
    manifest : DataFrame
        manifest.csv as written.
    document_stance : DataFrame
        Document stance with bootstrap intervals (intervals are drawn per chunk).
    topics : TopicModelResult or None
        The topic model (None when the corpus is too small for one).
    topic_table : DataFrame
        topics.csv as written.
    counts : dict
        ``items, documents, paragraphs, sentences, words, removals``.
    cache : dict
        Cache hits and misses per stage.
    notes : list of str
        Notes from reading (e.g. metadata rows without a file).
    written : dict
        Name -> path of every file written.
    seconds : dict
        Wall time of each stage (``clean``, ``analyse``, ``topics (waiting)``: what the topic fit
        took beyond the analysis it overlaps with, ``write``), for benchmarks.
    """

    documents: pd.DataFrame
    manifest: pd.DataFrame
    document_stance: pd.DataFrame
    topics: Any
    topic_table: pd.DataFrame
    counts: dict[str, int]
    cache: dict[str, dict[str, int]]
    notes: list[str]
    written: dict[str, Path]
    seconds: dict[str, float] = field(default_factory=dict)


def _cleaned_settings() -> dict[str, Any]:
    return {"stage": "clean", "raw_columns": corpus.RAW_COLUMNS, "min_words": corpus.MIN_WORDS}


def run_streaming(corpus_path: str | Path, out: str | Path, random_state: int = 0, progress: bool | None = None,
                  figures: bool = True, engine: str = "local", n_jobs: int | None = None, cache: bool = True,
                  chunk_size: int = DEFAULT_CHUNK_SIZE, scheduler: str | None = None,
                  cache_dir: str | Path | None = None, keep_work: bool = False,
                  punkt_chars: int = PUNKT_CHARS, **columns: str | None) -> StreamResult:
    """Run the whole analysis in bounded memory and write the output contract to ``out``.

    Parameters
    ----------
    corpus_path : str or Path
        A folder of articles (optionally with metadata.csv) or a CSV/JSONL export.
    out : str or Path
        Output folder: manifest.csv, clean/, documents.csv/.parquet, sentences.csv/.parquet,
        removals.csv, flags.csv, topics.csv, figures/ (figures only up to
        ``FIGURE_MAX_DOCUMENTS`` documents, as they draw one row per document).
    random_state : int
        Seed of every random step.
    progress : bool, optional
        tqdm.auto progress bars (default: on for long corpora in a terminal).
    engine : {"local", "dask"}
        joblib processes on this machine, or dask.bag on a dask.distributed cluster.
    n_jobs : int, optional
        Local worker processes / LocalCluster workers (default: all cores).
    cache : bool
        Reuse per-document results of earlier runs (``out/.cache``, or ``cache_dir``).
    chunk_size : int
        Documents per chunk: the unit of parallel work and the bound on raw texts in memory
        (at most about ``4 * n_jobs`` chunks are in flight).
    scheduler : str, optional
        Address of an existing dask scheduler (``tcp://host:8786``); default
        ``$SINOJP_DASK_SCHEDULER``, else a LocalCluster for the run.
    keep_work : bool
        Keep the spill folder ``out/.work`` (cleaned texts, shingles) for inspection.
    punkt_chars : int
        Punkt is trained on the leading documents that hold this many characters of kept text
        (the in-memory path reads at most 2 million); documents after them do not change the
        tokenizer, so their cached sentences stay valid when documents are added at the end.
    **columns : str
        Export column names (``text=``, ``title=``, ...).

    Returns
    -------
    StreamResult
    """
    from sinojp import pipeline
    from sinojp import topics as topics_mod

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    work = out / WORK_DIR
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    stream = iter_items(corpus_path, chunk_size=chunk_size, **columns)
    show = pipeline._want_progress(progress, stream.total or 10_000)
    if n_jobs is None and engine == "local" and stream.total is not None and stream.total <= chunk_size:
        n_jobs = 1  # one chunk: starting worker processes would cost more than it saves
    clock = [time.perf_counter()]
    seconds: dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = round(now - clock[0], 2)
        clock[0] = now

    with contextlib.ExitStack() as stack:
        store = stack.enter_context(cache_mod.DocumentCache(
            (Path(cache_dir) if cache_dir else out / CACHE_DIR) / cache_mod.CACHE_FILE if cache else None))
        client = stack.enter_context(engines.dask_client(scheduler, n_jobs)) if engine == "dask" else None
        stats: dict[str, dict[str, int]] = {}
        stage1 = _stage_clean(stream, work, store, engine, n_jobs, client, show, chunk_size, stats)
        lap("clean")
        parallel = engine == "dask" or (n_jobs or engines.default_jobs()) > 1
        topic_job = _TopicJob(stage1, work, chunk_size, random_state, background=parallel,
                              background_max_paragraphs=topics_mod.TopicSettings().fit_max_units)
        try:
            result = _stage_analyse(stage1, out, work, store, engine, n_jobs, client, show, chunk_size,
                                    random_state, punkt_chars, stats)
        except BaseException:
            topic_job.cancel()
            raise
        if parallel and engine == "local" and not topic_job.background:
            engines.release_workers()  # a large corpus: the topic fit runs next, in their memory
        lap("analyse")
        model, topic_table = topic_job.result()
        lap("topics (waiting)")
    written = result["written"]
    docs, doc_stance = result["documents"], result["document_stance"]

    if model is not None and model.paragraph_topics_file:
        # a large corpus's per-paragraph topic table was written next to the paragraphs, in the
        # work folder that is removed below: keep it as an output
        kept = out / "paragraph_topics.parquet"
        shutil.move(model.paragraph_topics_file, kept)
        model = dataclasses.replace(model, paragraph_topics_file=str(kept))
        written["paragraph_topics.parquet"] = kept
    if model is not None:
        docs = docs.merge(topics_mod.document_top_topic(model), on="doc_id", how="left")
    else:
        docs = docs.assign(top_topic=pd.NA)
    table = pipeline.document_table(docs)
    table.to_csv(out / "documents.csv", index=False)
    table.to_parquet(out / "documents.parquet", index=False)
    topic_table.to_csv(out / "topics.csv", index=False)
    written.update({"documents.csv": out / "documents.csv", "documents.parquet": out / "documents.parquet",
                    "topics.csv": out / "topics.csv"})
    if figures and model is not None and len(docs) <= FIGURE_MAX_DOCUMENTS:
        prep = pipeline.Prepared(docs, pd.DataFrame(), pd.DataFrame(), stage1["manifest"], pd.DataFrame(),
                                 pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
        analysis = pipeline.Analysis(pd.DataFrame(), doc_stance, pd.DataFrame(), pd.DataFrame(), model, docs,
                                     pd.DataFrame(), topic_table)
        pipeline.write_figures(prep, analysis, out)
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    lap("write")
    counts = {"items": int(stage1["manifest"]["source"].nunique()), "documents": len(docs),
              "paragraphs": int(docs["n_paragraphs"].sum()) if len(docs) else 0,
              "sentences": int(docs["n_sentences"].sum()) if len(docs) else 0,
              "words": int(docs["n_words"].sum()) if len(docs) else 0, "removals": stage1["n_removals"]}
    return StreamResult(table, stage1["manifest"], doc_stance, model, topic_table, counts, stats,
                        stage1["notes"], written, seconds)


def _stage_clean(stream: ItemStream, work: Path, store: cache_mod.DocumentCache, engine: str, n_jobs: int | None,
                 client: Any, show: bool, chunk_size: int, stats: dict) -> dict:
    """Stage 1-2: read, clean, spill, mark near-duplicates; returns the manifest and spill index."""
    fingerprint = cache_mod.settings_fingerprint(_cleaned_settings())
    removals = _TableWriter(work.parent / "removals.csv", None)
    pending: list[tuple[list[Item], list[str], dict[str, Any]]] = []

    def tasks() -> Iterator[list[Item]]:
        for items in chunked(stream.items, chunk_size):
            keys = [cache_mod.content_key(fingerprint, it.key()) for it in items]
            cached = store.get_many("clean", keys)
            pending.append((items, keys, cached))
            yield [it for it, k in zip(items, keys) if k not in cached]

    manifest_rows: list[dict] = []
    accepted_sources: list[str] = []
    used: set[str] = set()
    signatures: list[np.ndarray] = []
    nonempty: list[bool] = []
    offsets = [0]
    doc_parts: list[Path] = []
    doc_ids: list[str] = []
    extra_columns: dict[str, None] = {}
    n_removals = 0
    with (work / "shingles.bin").open("wb") as shingle_file:
        results = engines.map_chunks(clean_chunk, tasks(), engine=engine, n_jobs=n_jobs, client=client,
                                     progress=show, total=stream.total, desc="cleaning")
        for computed in results:
            items, keys, cached = pending.pop(0)
            fresh = iter(computed)
            new_entries = {}
            chunk_docs: list[dict] = []
            chunk_removals: list[tuple] = []
            for item, key in zip(items, keys):
                if key in cached:
                    res = cached[key]
                else:
                    res = next(fresh)
                    new_entries[key] = res
                res = pickle.loads(pickle.dumps(res))  # renaming below must not touch the cached copy
                if res["source"] != item.source:
                    _restamp(res, item.source)
                if not res["documents"] and not res["manifest"]:
                    manifest_rows.append({"source": item.source, "doc_id": item.stem, "status": "rejected",
                                          "reason": res["reason"]})
                    continue
                doc_id = corpus._unique_id(item.stem, used)
                note = "" if doc_id == item.stem else (
                    f"doc_id '{item.stem}' already used; renamed to '{doc_id}'" if item.kind == "file"
                    else f"id '{item.stem}' repeated in the export; renamed to '{doc_id}'")
                if item.kind == "file":  # as sinojp.corpus: reading notes are kept for files, not export rows
                    note = "; ".join(filter(None, [note, res.get("note", "")]))
                if stream.has_metadata and item.kind == "file" and item.stem not in stream.metadata_ids:
                    note = "; ".join(filter(None, [note, "no row in metadata.csv"]))
                if doc_id != item.stem:
                    _rename(res, doc_id)
                used.add(doc_id)
                accepted_sources.append(item.source)
                for man in res["manifest"]:
                    if man["status"] == "ok":
                        man["reason"] = note
                    manifest_rows.append(man)
                for col in res["columns"]:
                    extra_columns.setdefault(col, None)
                for doc, hashes, sig in zip(res["documents"], res["shingles"], res["signature"]):
                    shingle_file.write(hashes.tobytes())
                    offsets.append(offsets[-1] + len(hashes))
                    signatures.append(sig)
                    nonempty.append(len(hashes) > 0)
                    doc_ids.append(doc["doc_id"])
                    chunk_docs.append(doc)
                chunk_removals.extend(res["removals"])
            store.put_many("clean", new_entries)
            part = work / f"documents_{len(doc_parts):06d}.pkl"
            with part.open("wb") as handle:
                pickle.dump(chunk_docs, handle, protocol=pickle.HIGHEST_PROTOCOL)
            doc_parts.append(part)
            removals.write(pd.DataFrame(chunk_removals, columns=clean.REMOVAL_COLUMNS), clean.REMOVAL_COLUMNS)
            n_removals += len(chunk_removals)
    removals.close(pd.DataFrame(columns=clean.REMOVAL_COLUMNS))
    stats["clean"] = {"hits": store.hits, "misses": store.misses}

    sigs = np.stack(signatures) if signatures else np.empty((0, neardup.NUM_PERM), dtype=np.uint32)
    shingles = np.memmap(work / "shingles.bin", dtype=np.uint64, mode="r") if offsets[-1] else np.empty(0, np.uint64)
    dup_of = neardup.near_duplicates(sigs, lambda i: np.asarray(shingles[offsets[i]:offsets[i + 1]]),
                                     NEAR_DUPLICATE_THRESHOLD, nonempty=np.array(nonempty, dtype=bool))
    del shingles
    manifest = pd.DataFrame(manifest_rows, columns=corpus.MANIFEST_COLUMNS)
    for i, (j, jac) in sorted(dup_of.items()):
        mask = manifest["doc_id"] == doc_ids[i]
        manifest.loc[mask, "status"] = "duplicate"
        manifest.loc[mask, "reason"] = f"near-duplicate of {doc_ids[j]} (Jaccard {jac:.2f} on word 5-grams)"
    order = {s: i for i, s in enumerate(accepted_sources)}
    manifest = manifest.assign(_o=manifest["source"].map(order).fillna(len(order))).sort_values(
        ["_o", "doc_id"], kind="stable").drop(columns="_o").reset_index(drop=True)
    manifest.to_csv(work.parent / "manifest.csv", index=False)
    notes = list(stream.notes)
    if stream.has_metadata:
        missing = sorted(set(stream.metadata_ids) - {Path(s).stem for s in accepted_sources}
                         - {m["doc_id"] for m in manifest_rows})
        if missing:
            notes.append(f"metadata.csv lists {len(missing)} doc_id(s) with no article file: {', '.join(missing[:5])}")
    extras = [c for c in corpus.RAW_COLUMNS + list(extra_columns)
              if c not in clean.DOCUMENT_COLUMNS and c not in ("raw_text", "format", "encoding")]
    return {"manifest": manifest, "doc_parts": doc_parts, "duplicates": set(dup_of), "notes": notes,
            "columns": clean.DOCUMENT_COLUMNS + extras, "n_removals": n_removals}


def _kept_documents(stage1: dict) -> Iterator[dict]:
    """Cleaned documents that are not near-duplicates, in corpus order, read back from the spill."""
    index = 0
    for part in stage1["doc_parts"]:
        with part.open("rb") as handle:
            docs = pickle.load(handle)
        for doc in docs:
            if index not in stage1["duplicates"]:
                yield doc
            index += 1


def _leading_text(docs: Iterable[dict], budget: int) -> Iterator[str]:
    """Texts of the leading documents that together hold ``budget`` characters.

    :func:`sinojp.segment.train_punkt` applies its own limits to what it reads of them, so with the
    default budget the tokenizer is the one of the in-memory path.
    """
    for doc in docs:
        if budget <= 0:
            return
        yield doc["text"]
        budget -= len(doc["text"])


def _stage_analyse(stage1: dict, out: Path, work: Path, store: cache_mod.DocumentCache, engine: str,
                   n_jobs: int | None, client: Any, show: bool, chunk_size: int, random_state: int,
                   punkt_chars: int, stats: dict) -> dict:
    """Stages 3-4: train Punkt, then segment and score every kept document; write per-document outputs."""
    from sinojp import pipeline, stance, voices

    tokenizer = segment.train_punkt(_leading_text(_kept_documents(stage1), punkt_chars))
    params = tokenizer._params
    fingerprint = cache_mod.settings_fingerprint({"stage": "analyse", "punkt": punkt_fingerprint(params),
                                                  "random_state": random_state})
    hits0, misses0 = store.hits, store.misses
    pending: list[tuple[list[dict], list[str], dict[str, Any]]] = []

    def tasks() -> Iterator[tuple[list[tuple[str, str]], Any, int]]:
        for docs in chunked(_kept_documents(stage1), chunk_size):
            keys = [cache_mod.content_key(fingerprint, d["doc_id"], d["text"]) for d in docs]
            cached = store.get_many("analyse", keys)
            pending.append((docs, keys, cached))
            yield [(d["doc_id"], d["text"]) for d, k in zip(docs, keys) if k not in cached], params, random_state

    (out / "clean").mkdir(parents=True, exist_ok=True)
    for old in (out / "clean").glob("*.txt"):
        old.unlink()
    sentences = _TableWriter(out / "sentences.csv", out / "sentences.parquet")
    flags = _TableWriter(out / "flags.csv", None)
    # per-chunk frames, not lists of dicts: columnar storage keeps 100k documents small
    doc_frames: list[pd.DataFrame] = []
    voice_frames: list[pd.DataFrame] = []
    stance_frames: list[pd.DataFrame] = []
    columns = [c for c in stage1["columns"] if c != "text"]  # the text stays on disk (clean/)
    n_docs = int(stage1["manifest"]["status"].isin(["ok", "split"]).sum())
    results = engines.map_chunks(analyse_chunk, tasks(), engine=engine, n_jobs=n_jobs, client=client,
                                 progress=show, total=n_docs, desc="analysing", size=lambda t: len(t[0]))
    for computed in results:
        docs, keys, cached = pending.pop(0)
        new_entries = {}
        sent_rows, flag_rows, doc_rows, stance_rows, voice_rows = [], [], [], [], []
        for doc, key in zip(docs, keys):
            if key in cached:
                res = cached[key]
            else:
                res = computed[doc["doc_id"]]
                new_entries[key] = res
            (out / "clean" / f"{pipeline.safe_filename(doc['doc_id'])}.txt").write_text(doc["text"] + "\n",
                                                                                        encoding="utf-8")
            row = {c: doc.get(c, "") for c in columns}
            row.update({"n_paragraphs": res["document"]["n_paragraphs"],
                        "n_sentences": res["document"]["n_sentences"], "n_words": res["document"]["n_words"]})
            row.update({k: v for k, v in res["document"].items() if k not in row})
            doc_rows.append(row)
            if res["stance"] is not None:
                stance_rows.append(res["stance"])
            sent_rows.extend(res["sentences"])
            flag_rows.extend(res["flags"])
            voice_rows.extend(res.get("voices", ()))
        store.put_many("analyse", new_entries)
        doc_frames.append(pd.DataFrame(doc_rows))
        stance_frames.append(pd.DataFrame(stance_rows, columns=stance.DOCUMENT_COLUMNS))
        voice_frames.append(pd.DataFrame(voice_rows, columns=voices.VOICE_COLUMNS))
        sentences.write(pd.DataFrame(sent_rows, columns=SENTENCE_OUT), SENTENCE_OUT)
        flags.write(pd.DataFrame(flag_rows, columns=FLAG_COLUMNS), [])
    sentences.close(pd.DataFrame(columns=SENTENCE_OUT))
    flags.close(pd.DataFrame(columns=FLAG_COLUMNS))
    stats["analyse"] = {"hits": store.hits - hits0, "misses": store.misses - misses0}
    # as voices.extract_voices orders them: by doc_id, then sentence
    (_concat(voice_frames, voices.VOICE_COLUMNS).sort_values("doc_id", kind="stable")
     .to_csv(out / "voices.csv", index=False))
    docs_frame = _documents_frame(_concat(doc_frames, []), columns)
    doc_stance = _concat(stance_frames, stance.DOCUMENT_COLUMNS)
    written = {"manifest.csv": out / "manifest.csv", "clean": out / "clean", "sentences.csv": out / "sentences.csv",
               "sentences.parquet": out / "sentences.parquet", "removals.csv": out / "removals.csv",
               "flags.csv": out / "flags.csv", "voices.csv": out / "voices.csv"}
    return {"documents": docs_frame, "document_stance": doc_stance, "written": written}


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _documents_frame(docs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Documents in the column order of the in-memory path (metadata, sizes, stance, frames)."""
    from sinojp import framing

    frame_cols = [f"frame_{f}" for f in framing.FRAMES]
    order = columns + ["n_paragraphs", "n_sentences", "n_words", "relations_stance", "us_stance",
                       "primary_frame"] + frame_cols
    docs = docs.copy()
    for col in order:
        if col not in docs.columns:
            docs[col] = pd.Series(dtype=object if col in columns or col == "primary_frame" else float)
    docs[columns] = docs[columns].fillna("").astype(str)
    for col in ("n_paragraphs", "n_sentences", "n_words"):
        docs[col] = docs[col].astype(int)
    return docs[order].reset_index(drop=True)


def _write_paragraphs(stage1: dict, path: Path, chunk_size: int) -> tuple[list[str], int]:
    """Write the kept documents' paragraphs (doc_id, para_id, text) to Parquet.

    Returns
    -------
    (doc_ids, number of paragraphs)
    """
    writer = _TableWriter(None, path)
    doc_ids: list[str] = []
    for docs in chunked(_kept_documents(stage1), chunk_size):
        frame = pd.DataFrame([(d["doc_id"], d["text"]) for d in docs], columns=["doc_id", "text"])
        doc_ids.extend(frame["doc_id"])
        writer.write(segment.paragraphs(frame)[["doc_id", "para_id", "text"]], [])
    writer.close(pd.DataFrame(columns=["doc_id", "para_id", "text"]))
    return doc_ids, writer.rows


def fit_topics_file(path: str | Path, doc_ids: list[str], random_state: int = 0,
                    thread_limits: dict[str, int] | None = None, n_jobs: int = 1) -> tuple[Any, pd.DataFrame]:
    """Fit the topic model on paragraphs stored in Parquet (``doc_id, para_id, text``).

    Parameters
    ----------
    path : str or Path
        The paragraphs file.
    doc_ids : list of str
        The documents, in corpus order (documents without a modelled paragraph get <NA>).
    random_state : int
    thread_limits : dict, optional
        threadpoolctl limits (``{"blas": 1}``) to apply, so a fit in another process uses the
        caller's BLAS threading and gives bit-identical results.
    n_jobs : int
        Model-selection candidates evaluated at once (the result does not depend on it).

    Returns
    -------
    (TopicModelResult or None, topics table)
        Past ``TopicSettings.fit_max_units`` modelled paragraphs the result is light, to be cheap to
        send back and keep: ``vocabulary.counts`` is None and ``paragraph_topics`` was written to
        ``paragraph_topics.parquet`` next to ``path`` (``paragraph_topics_file``).
    """
    from threadpoolctl import threadpool_limits

    from sinojp import topics

    empty = pd.DataFrame(columns=["topic", "label", "top_terms", "npmi", "prevalence"])
    if not doc_ids:
        return None, empty
    with threadpool_limits(limits=thread_limits):
        try:  # texts are read in blocks, never all at once (topics.fit_topics_parquet)
            model = topics.fit_topics_parquet(path, pd.DataFrame({"doc_id": doc_ids}), random_state=random_state,
                                              keep_counts=False, n_jobs=n_jobs)
        except ValueError:
            return None, empty
    if model.vocabulary.counts is None:  # past fit_max_units: the per-paragraph table stays on disk
        model = topics.detach_paragraphs(model, Path(path).with_name("paragraph_topics.parquet"))
    return model, topics.topics_table(model)


class _TopicJob:
    """The topic fit: in a separate process while the workers score documents (when parallel).

    Past ``background_max_paragraphs`` paragraphs it waits for the analysis instead, so that its
    memory and the workers' are never held at the same time (the run's peak stays bounded).
    """

    def __init__(self, stage1: dict, work: Path, chunk_size: int, random_state: int, background: bool,
                 background_max_paragraphs: int) -> None:
        from threadpoolctl import threadpool_info

        path = work / "paragraphs.parquet"
        doc_ids, n_paragraphs = _write_paragraphs(stage1, path, chunk_size)
        limits = {info["user_api"]: info["num_threads"] for info in threadpool_info()}
        self.background = background and n_paragraphs <= background_max_paragraphs
        # in the background, selection candidates use all cores: beside the analysis they only
        # share the cores, and once it is done they finish sooner (a small corpus's run is mostly
        # this fit); a late fit keeps one process, as its memory is what the wait protects
        n_jobs = engines.default_jobs() if self.background else 1
        self._args = (str(path), doc_ids, random_state, limits, n_jobs)
        self._executor = self._future = None
        if self.background:
            from joblib.externals.loky import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(max_workers=1)
            self._future = self._executor.submit(fit_topics_file, *self._args)

    def result(self) -> tuple[Any, pd.DataFrame]:
        if self._future is None:
            return fit_topics_file(*self._args)
        try:
            return self._future.result()
        finally:
            self._executor.shutdown(wait=True)

    def cancel(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, kill_workers=True)


def summary(result: StreamResult) -> str:
    """A short summary line of a streaming run, in the words of :func:`sinojp.pipeline.summary`."""
    status = result.manifest["status"].value_counts()
    parts = ", ".join(f"{status.get(s, 0)} {s}" for s in ("ok", "split", "duplicate", "rejected"))
    c = result.counts
    return (f"{c['items']} input items ({parts}) -> {c['documents']} documents, {c['sentences']} sentences, "
            f"{c['words']} words; {c['removals']} lines removed by cleaning")
