"""One run of the whole analysis: read, clean, de-duplicate, segment, measure, model topics, write.

Every engine runs the same stages (:mod:`sinojp.pipeline.stages`) in the same order:

1. **read + clean** (per document, cached): a pre-pass reads every item once to count how many
   pages of each site hold each line (:func:`sinojp.text.linefeatures.merge_site_lines`: the
   cleaner's site-repetition feature, counted over the whole corpus so that results do not depend
   on the chunks); then items are read in chunks (:func:`sinojp.corpus.iter_items`) and cleaned
   with the counts of their sites; each document is summarised by a MinHash signature.
2. **near-duplicates** (corpus level): MinHash candidates with an exact Jaccard check
   (:func:`sinojp.text.find_near_duplicates`).
3. **Punkt** is trained on the leading documents' text (:data:`sinojp.text.segment.PUNKT_TRAINING_CHARS`).
4. **segment + measures** (per document, cached): paragraphs, sentences, stance, frames, voices.
5. **topics** (corpus level, never cached) on the paragraphs, then each document's ``top_topic``.

The engines differ only in how chunks are mapped and where intermediate results live:

``"memory"``
    one chunk holding the whole corpus, serial, no cache; every table is kept in memory and
    returned (:attr:`RunResult.prepared`, :attr:`RunResult.analysis`). What the notebooks use.
``"local"``
    chunks of ``chunk_size`` documents in worker processes on this machine (joblib), cleaned texts
    spilled to ``out/.work``, per-document results cached in ``out/.cache``; memory stays bounded.
``"dask"``
    the same on a dask.distributed cluster.

All engines write the same files (:func:`run`); the tests check it on the seeds and the sample.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sinojp.corpus import MANIFEST_COLUMNS, RAW_COLUMNS, DocIds, ItemStream, chunked, iter_items
from sinojp.corpus.read import build_raw_frame
from sinojp.measures import stance, voices
from sinojp.pipeline import cache as cache_mod
from sinojp.pipeline import engines
from sinojp.pipeline.outputs import (
    FLAG_COLUMNS,
    TableWriter,
    build_document_table,
    order_document_columns,
    safe_filename,
    write_figures,
)
from sinojp.pipeline.stages import (
    SENTENCE_OUT,
    CleanTask,
    analyse_chunk,
    clean_task,
    count_chunk,
    measure_chunk,
    segment_chunk,
)
from sinojp.text import clean, neardup, segment, slips
from sinojp.text.linefeatures import SiteCounts, merge_site_lines
from sinojp.topics import (
    TopicModelResult,
    TopicSettings,
    assign_top_topic,
    detach_paragraphs,
    fit_topics,
    fit_topics_parquet,
    tabulate_topics,
)

ENGINES = ("memory", "local", "dask")
DEFAULT_CHUNK_SIZE = 200
FIGURE_MAX_DOCUMENTS = 200
WORK_DIR = ".work"
CACHE_DIR = ".cache"
TOPIC_COLUMNS = ["topic", "label", "top_terms", "npmi", "prevalence"]


# --------------------------------------------------------------------------------------------
# What a run returns
# --------------------------------------------------------------------------------------------

@dataclass
class Prepared:
    """A cleaned, segmented corpus: the tidy tables every analysis starts from.

    Attributes
    ----------
    documents : DataFrame
        One row per kept document: metadata, cleaned ``text``, ``n_paragraphs``, ``n_sentences``,
        ``n_words``.
    paragraphs, sentences : DataFrame
        ``doc_id, para_id, text, start, end`` and ``doc_id, para_id, sent_id, text, start, end``.
    manifest : DataFrame
        ``source, doc_id, status, reason``: every input item and what became of it.
    removals, lines, tables : DataFrame
        Every removed line with its rule; every line's decision; cells of markdown tables.
    flags : DataFrame
        Spelling slips and lower-cased proper nouns (flagged, never corrected).
    raw : DataFrame
        The raw documents as read.
    notes : list of str
        Notes from reading (e.g. metadata rows without a file).
    """

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    manifest: pd.DataFrame
    removals: pd.DataFrame
    lines: pd.DataFrame
    tables: pd.DataFrame
    flags: pd.DataFrame
    raw: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    """The measures of a corpus: stance, frames, voices and topics, at sentence and document level."""

    sentence_stance: pd.DataFrame
    document_stance: pd.DataFrame
    sentence_frames: pd.DataFrame
    document_frames: pd.DataFrame
    topics: TopicModelResult | None
    documents: pd.DataFrame
    sentences: pd.DataFrame
    topic_table: pd.DataFrame
    voices: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class RunResult:
    """What a run produced.

    Attributes
    ----------
    documents : DataFrame
        documents.csv as written (no text).
    manifest : DataFrame
        manifest.csv as written.
    document_stance : DataFrame
        Document stance with bootstrap intervals.
    topics : TopicModelResult or None
        The topic model (None when the corpus is too small for one).
    topic_table : DataFrame
        topics.csv as written.
    counts : dict
        ``items, documents, paragraphs, sentences, words, removals``.
    cache : dict
        Cache hits and misses per stage (empty for the memory engine).
    notes : list of str
        Notes from reading (e.g. metadata rows without a file).
    written : dict
        Name -> path of every file written.
    seconds : dict
        Wall time of each stage, for benchmarks.
    prepared, analysis : Prepared, Analysis or None
        Every table, for the memory engine (the others keep large tables on disk only).
    """

    documents: pd.DataFrame
    manifest: pd.DataFrame
    document_stance: pd.DataFrame
    topics: TopicModelResult | None
    topic_table: pd.DataFrame
    counts: dict[str, int]
    cache: dict[str, dict[str, int]]
    notes: list[str]
    written: dict[str, Path]
    seconds: dict[str, float] = field(default_factory=dict)
    prepared: Prepared | None = None
    analysis: Analysis | None = None


# --------------------------------------------------------------------------------------------
# Stages 1-2: read, clean, near-duplicates
# --------------------------------------------------------------------------------------------

class _DocumentSpill:
    """Cleaned documents in corpus order: in a list, or in JSON-lines parts under a work folder."""

    def __init__(self, work: Path | None) -> None:
        self.work = work
        self.parts: list[Path] = []
        self.memory: list[dict] = []

    def append(self, docs: list[dict]) -> None:
        if self.work is None:
            self.memory.extend(docs)
            return
        part = self.work / f"documents_{len(self.parts):06d}.jsonl"
        with part.open("w", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
        self.parts.append(part)

    def __iter__(self) -> Iterator[dict]:
        if self.work is None:
            yield from self.memory
            return
        for part in self.parts:
            with part.open(encoding="utf-8") as handle:
                for line in handle:
                    yield json.loads(line)


@dataclass
class _Cleaned:
    """The cleaned corpus between stages: manifest, spilled documents, near-duplicates."""

    manifest: pd.DataFrame
    spill: _DocumentSpill
    duplicates: set[int]
    notes: list[str]
    columns: list[str]
    n_removals: int
    kept: dict[str, list] = field(default_factory=dict)

    def documents(self) -> Iterator[dict]:
        """Cleaned documents that are not near-duplicates, in corpus order."""
        for index, doc in enumerate(self.spill):
            if index not in self.duplicates:
                yield doc


def _restamp(result: dict, source: str) -> None:
    """Set the source of a (cached) item result's rows."""
    result["source"] = source
    for doc in result["documents"]:
        doc["source"] = source
    result["removals"] = [[r[0], source, *r[2:]] for r in result["removals"]]
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
    for key in ("removals", "lines", "tables"):
        if key in result:
            result[key] = [[swap(r[0]), *r[1:]] for r in result[key]]
    for man in result["manifest"]:
        man["doc_id"] = swap(man["doc_id"])
    if "raw" in result:
        result["raw"]["doc_id"] = new_id


def _count_sites(corpus_path: str | Path, columns: dict[str, str | None], engine: str, n_jobs: int | None,
                 client: Any, show: bool, chunk_size: int) -> tuple[list[tuple[str, str]], dict[str, SiteCounts]]:
    """The site-count pre-pass: every item read once, its site and line hashes, merged per site.

    Returns each item's ``(source, site)`` in stream order and ``site -> SiteCounts`` (sites of
    two pages or more, lines on two pages or more).
    """
    stream = iter_items(corpus_path, **columns)
    order: list[tuple[str, str]] = []
    pending: list[list] = []

    def tasks() -> Iterator[list]:
        for items in chunked(stream.items, chunk_size):
            pending.append([it.source for it in items])
            yield items

    def pages() -> Iterator[tuple[str, np.ndarray]]:
        for result in engines.map_chunks(count_chunk, tasks(), engine=engine, n_jobs=n_jobs, client=client,
                                         progress=show, total=stream.total, desc="counting site lines"):
            for source, (site, hashes) in zip(pending.pop(0), result):
                order.append((source, site))
                if site:
                    yield site, hashes

    counts = merge_site_lines(pages())
    return order, counts


def _clean_stage(stream: ItemStream, work: Path | None, store: cache_mod.DocumentCache, engine: str,
                 n_jobs: int | None, client: Any, show: bool, chunk_size: int, removals: TableWriter,
                 stats: dict, keep: bool = False, corpus_path: str | Path | None = None,
                 columns: dict[str, str | None] | None = None) -> _Cleaned:
    """Read and clean every item, give documents unique ids, mark near-duplicates.

    With ``corpus_path`` (the path ``stream`` was read from, and its export ``columns``) a
    pre-pass first counts the lines of every site over the whole corpus (:func:`_count_sites`), and
    each chunk is cleaned with the counts of its sites, so the result does not depend on the
    chunk size; without it each chunk counts its own pages.
    """
    fingerprint = cache_mod.settings_fingerprint({"stage": "clean", "raw_columns": RAW_COLUMNS, "keep": keep})
    pending: list[tuple[list, list[str], dict[str, Any]]] = []
    if corpus_path is not None:
        sites, site_counts = _count_sites(corpus_path, columns or {}, engine, n_jobs, client, show, chunk_size)
    else:
        sites, site_counts = None, None
    site_keys: dict[str, str] = {}

    def site_key(site: str) -> str:
        """What a document's cache key needs to know about its site's counts."""
        if site not in site_keys:
            site_keys[site] = site_counts[site].fingerprint() if site_counts and site in site_counts else ""
        return site_keys[site]

    def tasks() -> Iterator[CleanTask]:
        position = 0
        for items in chunked(stream.items, chunk_size):
            if sites is not None:
                chunk_sites = sites[position: position + len(items)]
                position += len(items)
                if [source for source, _ in chunk_sites] != [it.source for it in items]:
                    raise RuntimeError(f"{corpus_path} changed while it was read: the site-count pre-pass "
                                       "and the cleaning saw different items")
                names = [site for _, site in chunk_sites]
                counts = {name: site_counts[name] for name in dict.fromkeys(names) if name in site_counts}
            else:
                names, counts = [""] * len(items), None
            keys = [cache_mod.content_key(fingerprint, it.kind, it.stem, it.suffix, it.payload, json.dumps(it.meta),
                                          site_key(name) if counts is not None else "chunk")
                    for it, name in zip(items, names)]
            cached = store.get_many("clean", keys)
            pending.append((items, keys, cached))
            yield CleanTask([it for it, k in zip(items, keys) if k not in cached], counts)

    ids = DocIds(stream)
    manifest_rows: list[dict] = []
    signatures: list[np.ndarray] = []
    shingles: list[np.ndarray] = []
    doc_ids: list[str] = []
    extra_columns: dict[str, None] = {}
    spill = _DocumentSpill(work)
    kept: dict[str, list] = {"lines": [], "tables": [], "raw": [], "removals": []} if keep else {}
    n_removals = 0
    results = engines.map_chunks(functools.partial(clean_task, keep=keep), tasks(), engine=engine, n_jobs=n_jobs,
                                 client=client, progress=show, total=stream.total, desc="cleaning")
    for computed in results:
        items, keys, cached = pending.pop(0)
        fresh = iter(computed)
        new_entries = {}
        chunk_docs: list[dict] = []
        chunk_removals: list = []
        for item, key in zip(items, keys):
            if key in cached:
                res = cached[key]
            else:
                res = next(fresh)
                new_entries[key] = res
                res = cache_mod.copy_value(res)  # renaming below must not touch the stored copy
            if res["source"] != item.source:
                _restamp(res, item.source)
            if not res["documents"] and not res["manifest"]:
                manifest_rows.append({"source": item.source, "doc_id": item.stem, "status": "rejected",
                                      "reason": res["reason"]})
                continue
            doc_id, note = ids.assign(item, res.get("note", ""))
            if doc_id != item.stem:
                _rename(res, doc_id)
            for man in res["manifest"]:
                if man["status"] == "ok":
                    man["reason"] = note
                manifest_rows.append(man)
            for col in res["columns"]:
                extra_columns.setdefault(col, None)
            for doc, hashes, sig in zip(res["documents"], res["shingles"], res["signature"]):
                shingles.append(hashes)
                signatures.append(sig)
                doc_ids.append(doc["doc_id"])
                chunk_docs.append(doc)
            chunk_removals.extend(tuple(r) for r in res["removals"])
            if keep:
                kept["lines"].extend(tuple(r) for r in res["lines"])
                kept["tables"].extend(tuple(r) for r in res["tables"])
                if res.get("raw"):
                    kept["raw"].append(res["raw"])
        store.put_many("clean", new_entries)
        spill.append(chunk_docs)
        removals.write(pd.DataFrame(chunk_removals, columns=clean.REMOVAL_COLUMNS))
        if keep:
            kept["removals"].extend(chunk_removals)
        n_removals += len(chunk_removals)
    stats["clean"] = {"hits": store.hits, "misses": store.misses}

    sigs = np.stack(signatures) if signatures else np.empty((0, neardup.NUM_PERM), dtype=np.uint32)
    dup_of = neardup.find_near_duplicates(sigs, shingles.__getitem__, neardup.THRESHOLD,
                                     nonempty=np.array([len(h) > 0 for h in shingles], dtype=bool))
    manifest = pd.DataFrame(manifest_rows, columns=MANIFEST_COLUMNS)
    for i, (j, jac) in sorted(dup_of.items()):
        mask = manifest["doc_id"] == doc_ids[i]
        manifest.loc[mask, "status"] = "duplicate"
        manifest.loc[mask, "reason"] = f"near-duplicate of {doc_ids[j]} (Jaccard {jac:.2f} on word 5-grams)"
    order = {s: i for i, s in enumerate(ids.sources)}
    manifest = manifest.assign(_o=manifest["source"].map(order).fillna(len(order))).sort_values(
        ["_o", "doc_id"], kind="stable").drop(columns="_o").reset_index(drop=True)
    extras = [c for c in RAW_COLUMNS + list(extra_columns)
              if c not in clean.DOCUMENT_COLUMNS and c not in ("raw_text", "format", "encoding")]
    return _Cleaned(manifest, spill, set(dup_of), ids.notes(m["doc_id"] for m in manifest_rows),
                    clean.DOCUMENT_COLUMNS + extras, n_removals, kept)


# --------------------------------------------------------------------------------------------
# Stages 3-4: Punkt, then segment and measure
# --------------------------------------------------------------------------------------------

def _leading_text(docs: Iterable[dict], budget: int) -> Iterator[str]:
    """Texts of the leading documents that together hold ``budget`` characters."""
    for doc in docs:
        if budget <= 0:
            return
        yield doc["text"]
        budget -= len(doc["text"])


def fingerprint_punkt(params: Any) -> str:
    """A stable digest of trained Punkt parameters (sets sorted, so hash seeds do not matter)."""
    parts = {
        "abbrev": sorted(params.abbrev_types),
        "colloc": sorted(map(list, params.collocations)),
        "starters": sorted(params.sent_starters),
        "ortho": sorted(params.ortho_context.items()),
    }
    return cache_mod.content_key(json.dumps(parts))


class _Collector:
    """Turns per-document results into the output tables, chunk by chunk (every engine uses it)."""

    def __init__(self, out: Path | None, columns: list[str]) -> None:
        self.out = out
        self.columns = [c for c in columns if c != "text"]  # the text is written to clean/
        self.sentences = TableWriter(out / "sentences.csv" if out else None,
                                     out / "sentences.parquet" if out else None)
        self.flags = TableWriter(out / "flags.csv" if out else None, None)
        self.doc_frames: list[pd.DataFrame] = []
        self.voice_frames: list[pd.DataFrame] = []
        self.stance_frames: list[pd.DataFrame] = []
        if out is not None:
            (out / "clean").mkdir(parents=True, exist_ok=True)
            for old in (out / "clean").glob("*.txt"):
                old.unlink()

    def add(self, docs: list[dict], results: list[dict]) -> None:
        sent_rows, flag_rows, doc_rows, stance_rows, voice_rows = [], [], [], [], []
        for doc, res in zip(docs, results):
            if self.out is not None:
                (self.out / "clean" / f"{safe_filename(doc['doc_id'])}.txt").write_text(doc["text"] + "\n",
                                                                                           encoding="utf-8")
            row = {c: doc.get(c, "") for c in self.columns}
            row.update({"n_paragraphs": res["document"]["n_paragraphs"],
                        "n_sentences": res["document"]["n_sentences"], "n_words": res["document"]["n_words"]})
            row.update({k: v for k, v in res["document"].items() if k not in row})
            doc_rows.append(row)
            if res["stance"] is not None:
                stance_rows.append(res["stance"])
            sent_rows.extend(tuple(r) for r in res["sentences"])
            flag_rows.extend(tuple(r) for r in res["flags"])
            voice_rows.extend(tuple(r) for r in res.get("voices", ()))
        self.doc_frames.append(pd.DataFrame(doc_rows))
        self.stance_frames.append(pd.DataFrame(stance_rows, columns=stance.DOCUMENT_COLUMNS))
        self.voice_frames.append(pd.DataFrame(voice_rows, columns=voices.VOICE_COLUMNS))
        self.sentences.write(pd.DataFrame(sent_rows, columns=SENTENCE_OUT))
        self.flags.write(pd.DataFrame(flag_rows, columns=FLAG_COLUMNS))

    def finish(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Close the files; the documents (no text), document stance and voices tables."""
        self.sentences.close(pd.DataFrame(columns=SENTENCE_OUT))
        self.flags.close(pd.DataFrame(columns=FLAG_COLUMNS))
        # as voices.extract_voices orders them: by doc_id, then sentence
        sources = _concat(self.voice_frames, voices.VOICE_COLUMNS).sort_values("doc_id", kind="stable")
        if self.out is not None:
            sources.to_csv(self.out / "voices.csv", index=False)
        docs = order_document_columns(_concat(self.doc_frames, []), self.columns)
        return docs, _concat(self.stance_frames, stance.DOCUMENT_COLUMNS), sources.reset_index(drop=True)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _analyse_stage(cleaned: _Cleaned, collector: _Collector, store: cache_mod.DocumentCache, engine: str,
                   n_jobs: int | None, client: Any, show: bool, chunk_size: int, random_state: int,
                   punkt_chars: int, stats: dict) -> None:
    """Train Punkt, then segment and score every kept document, chunk by chunk."""
    tokenizer = segment.train_punkt(_leading_text(cleaned.documents(), punkt_chars))
    params = tokenizer._params
    fingerprint = cache_mod.settings_fingerprint({"stage": "analyse", "punkt": fingerprint_punkt(params),
                                                  "random_state": random_state})
    hits0, misses0 = store.hits, store.misses
    pending: list[tuple[list[dict], list[str], dict[str, Any]]] = []

    def tasks() -> Iterator[tuple[list[tuple[str, str]], Any, int]]:
        for docs in chunked(cleaned.documents(), chunk_size):
            keys = [cache_mod.content_key(fingerprint, d["doc_id"], d["text"]) for d in docs]
            cached = store.get_many("analyse", keys)
            pending.append((docs, keys, cached))
            yield [(d["doc_id"], d["text"]) for d, k in zip(docs, keys) if k not in cached], params, random_state

    n_docs = int(cleaned.manifest["status"].isin(["ok", "split"]).sum())
    results = engines.map_chunks(analyse_chunk, tasks(), engine=engine, n_jobs=n_jobs, client=client,
                                 progress=show, total=n_docs, desc="analysing", size=lambda t: len(t[0]))
    for computed in results:
        docs, keys, cached = pending.pop(0)
        new_entries = {}
        per_doc = []
        for doc, key in zip(docs, keys):
            if key in cached:
                per_doc.append(cached[key])
            else:
                per_doc.append(computed[doc["doc_id"]])
                new_entries[key] = computed[doc["doc_id"]]
        store.put_many("analyse", new_entries)
        collector.add(docs, per_doc)
    stats["analyse"] = {"hits": store.hits - hits0, "misses": store.misses - misses0}


# --------------------------------------------------------------------------------------------
# Stage 5: topics
# --------------------------------------------------------------------------------------------

def _write_paragraphs(cleaned: _Cleaned, path: Path, chunk_size: int) -> tuple[list[str], int]:
    """Write the kept documents' paragraphs (doc_id, para_id, text) to Parquet."""
    writer = TableWriter(None, path)
    doc_ids: list[str] = []
    for docs in chunked(cleaned.documents(), chunk_size):
        frame = pd.DataFrame([(d["doc_id"], d["text"]) for d in docs], columns=["doc_id", "text"])
        doc_ids.extend(frame["doc_id"])
        writer.write(segment.split_paragraphs(frame)[["doc_id", "para_id", "text"]])
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
        Past ``TopicSettings.fit_max_units`` modelled paragraphs the result is light:
        ``vocabulary.counts`` is None and ``paragraph_topics`` was written to
        ``paragraph_topics.parquet`` next to ``path`` (``paragraph_topics_file``).
    """
    from threadpoolctl import threadpool_limits

    empty = pd.DataFrame(columns=TOPIC_COLUMNS)
    if not doc_ids:
        return None, empty
    with threadpool_limits(limits=thread_limits):
        try:  # texts are read in blocks, never all at once
            model = fit_topics_parquet(path, pd.DataFrame({"doc_id": doc_ids}), random_state=random_state,
                                       keep_counts=False, n_jobs=n_jobs)
        except ValueError:
            return None, empty
    if model.vocabulary.counts is None:  # past fit_max_units: the per-paragraph table stays on disk
        model = detach_paragraphs(model, Path(path).with_name("paragraph_topics.parquet"))
    return model, tabulate_topics(model)


class _TopicJob:
    """The topic fit: in a separate process while the workers score documents (when parallel).

    Past ``background_max_paragraphs`` paragraphs it waits for the analysis instead, so that its
    memory and the workers' are never held at the same time (the run's peak stays bounded).
    """

    def __init__(self, cleaned: _Cleaned, work: Path, chunk_size: int, random_state: int, background: bool,
                 background_max_paragraphs: int) -> None:
        from threadpoolctl import threadpool_info

        path = work / "paragraphs.parquet"
        doc_ids, n_paragraphs = _write_paragraphs(cleaned, path, chunk_size)
        limits = {info["user_api"]: info["num_threads"] for info in threadpool_info()}
        self.background = background and n_paragraphs <= background_max_paragraphs
        # in the background, selection candidates use all cores: beside the analysis they only
        # share the cores, and once it is done they finish sooner; a late fit keeps one process,
        # as its memory is what the wait protects
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


# --------------------------------------------------------------------------------------------
# The in-memory steps the notebooks call
# --------------------------------------------------------------------------------------------

def _want_progress(progress: bool | None, n: int) -> bool:
    import sys

    if progress is not None:
        return progress
    return n >= 200 and sys.stderr.isatty()


def prepare(corpus_path: str | Path, progress: bool | None = None, **columns: str | None) -> Prepared:
    """Read, clean and segment a corpus in memory (the first stages of :func:`run`).

    Parameters
    ----------
    corpus_path : str or Path
        A folder of articles (optionally with metadata.csv) or a CSV/JSONL export.
    progress : bool, optional
        Show a progress bar; by default only on long corpora in a terminal.
    **columns : str
        Export column names (``text=``, ``title=``, ...), passed to :func:`sinojp.corpus.iter_items`.

    Returns
    -------
    Prepared
    """
    stream = iter_items(corpus_path, **columns)
    show = _want_progress(progress, stream.total or 0)
    cleaned = _clean_stage(stream, None, cache_mod.DocumentCache(None), "memory", 1, None, show,
                           chunk_size=1 << 62, removals=TableWriter(None, None), stats={}, keep=True,
                           corpus_path=corpus_path, columns=columns)
    docs = list(cleaned.documents())
    tokenizer = segment.train_punkt(_leading_text(docs, segment.PUNKT_TRAINING_CHARS))
    paras, sents = segment_chunk([(d["doc_id"], d["text"]) for d in docs], tokenizer)
    documents = pd.DataFrame(docs, columns=cleaned.columns)
    documents = documents.assign(
        n_paragraphs=documents["doc_id"].map(paras.groupby("doc_id").size()).fillna(0).astype(int),
        n_sentences=documents["doc_id"].map(sents.groupby("doc_id").size()).fillna(0).astype(int),
        n_words=documents["text"].map(segment.count_words).astype(int),
    )
    kept = cleaned.kept
    return Prepared(documents, paras, sents, cleaned.manifest,
                    pd.DataFrame(kept["removals"], columns=clean.REMOVAL_COLUMNS),
                    pd.DataFrame(kept["lines"], columns=clean.LINE_COLUMNS),
                    pd.DataFrame(kept["tables"], columns=clean.TABLE_COLUMNS),
                    slips.flag_slips(documents), build_raw_frame(kept["raw"]), cleaned.notes)


def prepare_labelled(sample_path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Prepare a labelled corpus folder (``raw/``, ``metadata.csv``, ``labels.csv``) for validation.

    The articles are read, cleaned and segmented by :func:`prepare` (from ``raw/``, or from the
    folder itself when it has no ``raw/``).

    Parameters
    ----------
    sample_path : str or Path
        The labelled folder: the articles, ``metadata.csv`` (``doc_id, outlet_origin, period``,
        ...) and ``labels.csv`` (the hand codes: ``doc_id, relations_tone, us_tone,
        primary_frame, frames``, ...).

    Returns
    -------
    (sentences, documents, labels)
        ``sentences`` as :attr:`Prepared.sentences`; ``documents`` as :attr:`Prepared.documents`
        but carrying the folder's coded metadata (``outlet_origin``, ``period``) in place
        of what cleaning found (NaN for documents the metadata does not list); ``labels`` is
        ``labels.csv`` as read (``doc_id`` as str), for :func:`sinojp.validate.validate_stance`
        and :func:`sinojp.validate.validate_frames`.
    """
    root = Path(sample_path)
    labels = pd.read_csv(root / "labels.csv", dtype={"doc_id": str})
    meta = pd.read_csv(root / "metadata.csv", dtype=str, keep_default_na=False)
    prepared = prepare(root / "raw" if (root / "raw").is_dir() else root)
    docs = prepared.documents.drop(columns=[c for c in ("outlet_origin", "period") if c in prepared.documents])
    docs = docs.merge(meta[["doc_id", "outlet_origin", "period"]], on="doc_id", how="left")
    return prepared.sentences, docs, labels


def _measure_and_model(prep: Prepared, random_state: int) -> tuple[Any, TopicModelResult | None]:
    pairs = list(zip(prep.documents["doc_id"], prep.documents["text"]))
    measured = measure_chunk(pairs, prep.paragraphs, prep.sentences, random_state, keep=True)
    model = None
    if pairs:
        try:
            model = fit_topics(prep.paragraphs, prep.documents, random_state=random_state)
        except ValueError:  # too few paragraphs or words for a topic model
            pass
    return measured, model


def _analysis(prep: Prepared, measured: Any, model: TopicModelResult | None) -> Analysis:
    tables = measured.tables
    docs = prep.documents
    if "document_frames" in tables:
        frame_cols = [c for c in tables["document_frames"].columns if c.startswith("frame_")]
        docs = (docs.merge(tables["document_stance"][["doc_id", "relations_stance", "us_stance"]], on="doc_id",
                           how="left")
                .merge(tables["document_frames"][["doc_id", "primary_frame"] + frame_cols], on="doc_id", how="left"))
    empty = pd.DataFrame()
    topic_table = tabulate_topics(model) if model is not None else pd.DataFrame(columns=TOPIC_COLUMNS)
    return Analysis(tables.get("sentence_stance", empty), tables.get("document_stance", empty),
                    tables.get("sentence_frames", empty), tables.get("document_frames", empty), model,
                    _with_top_topic(docs, model), tables.get("sentences", empty), topic_table,
                    tables.get("voices", empty))


def analyse(prep: Prepared, random_state: int = 0) -> Analysis:
    """Score stance, frames and voices of every sentence and document and fit the topic model.

    Each measure uses its default method. The returned ``documents`` and ``sentences`` tables
    carry the output contract's analysis columns.

    Parameters
    ----------
    prep : Prepared
        A cleaned, segmented corpus (:func:`prepare`).
    random_state : int
        Seed of the bootstrap intervals of document stance and of the topic model (default 0).

    Returns
    -------
    Analysis
        ``sentence_stance`` and ``document_stance`` (:func:`sinojp.measures.stance.score_sentences`,
        :func:`sinojp.measures.stance.score_documents`), ``sentence_frames`` and
        ``document_frames`` (the same of :mod:`sinojp.measures.framing`), ``voices``
        (:func:`sinojp.measures.extract_voices`), ``topics`` (a :class:`sinojp.topics.TopicModelResult`, or None
        when the corpus is too small for a topic model), ``topic_table`` (the columns of
        topics.csv, :func:`sinojp.topics.tabulate_topics`), ``documents`` (``prep.documents`` plus
        ``relations_stance, us_stance, primary_frame``, the ``frame_<name>`` shares and
        ``top_topic``) and ``sentences`` (``prep.sentences`` plus ``relations_stance, us_stance,
        frame``). The tables are empty for a corpus without documents.
    """
    return _analysis(prep, *_measure_and_model(prep, random_state))


def _with_top_topic(docs: pd.DataFrame, model: TopicModelResult | None) -> pd.DataFrame:
    if model is not None:
        return docs.merge(assign_top_topic(model), on="doc_id", how="left")
    return docs.assign(top_topic=pd.NA)


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

def run(corpus_path: str | Path, out: str | Path, *, engine: str = "local", random_state: int = 0,
        progress: bool | None = None, figures: bool = True, n_jobs: int | None = None, cache: bool = True,
        chunk_size: int | None = None, scheduler: str | None = None, cache_dir: str | Path | None = None,
        keep_work: bool = False, punkt_chars: int = segment.PUNKT_TRAINING_CHARS,
        **columns: str | None) -> RunResult:
    """Run the whole analysis on a corpus and write the output contract to ``out``.

    Parameters
    ----------
    corpus_path : str or Path
        A folder of articles (optionally with metadata.csv) or a CSV/JSONL export.
    out : str or Path
        Output folder: manifest.csv, clean/, documents.csv/.parquet, sentences.csv/.parquet,
        removals.csv, flags.csv, voices.csv, topics.csv, figures/ (figures only up to
        ``FIGURE_MAX_DOCUMENTS`` documents, as they draw one row per document).
    engine : {"memory", "local", "dask"}
        ``memory``: one chunk, serial, no cache, every table kept and returned; ``local``: joblib
        worker processes on this machine; ``dask``: a dask.distributed cluster.
    random_state : int
        Seed of every random step.
    progress : bool, optional
        tqdm.auto progress bars (default: on for long corpora in a terminal).
    figures : bool
        Write the PNG figures.
    n_jobs : int, optional
        Local worker processes / LocalCluster workers (default: all cores).
    cache : bool
        Reuse per-document results of earlier runs (``out/.cache``, or ``cache_dir``); not used
        by the memory engine.
    chunk_size : int, optional
        Documents per chunk (default 200): the unit of parallel work and the bound on raw texts in
        memory (at most about ``4 * n_jobs`` chunks are in flight).
    scheduler : str, optional
        Address of an existing dask scheduler (``tcp://host:8786``); default
        ``$SINOJP_DASK_SCHEDULER``, else a LocalCluster for the run.
    keep_work : bool
        Keep the spill folder ``out/.work`` for inspection.
    punkt_chars : int
        Punkt is trained on the leading documents that hold this many characters of kept text;
        documents after them do not change the tokenizer, so their cached sentences stay valid
        when documents are added at the end.
    **columns : str
        Export column names (``text=``, ``title=``, ...).

    Returns
    -------
    RunResult
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if engine == "memory":
        return _run_memory(corpus_path, out, random_state, progress, figures, **columns)
    return _run_chunked(corpus_path, out, engine, random_state, progress, figures, n_jobs, cache,
                        chunk_size or DEFAULT_CHUNK_SIZE, scheduler, cache_dir, keep_work, punkt_chars, **columns)


def _run_memory(corpus_path: str | Path, out: Path, random_state: int, progress: bool | None, figures: bool,
                **columns: str | None) -> RunResult:
    clock = [time.perf_counter()]
    seconds: dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = round(now - clock[0], 2)
        clock[0] = now

    prep = prepare(corpus_path, progress=progress, **columns)
    lap("clean")
    measured, model = _measure_and_model(prep, random_state)
    analysis = _analysis(prep, measured, model)
    lap("analyse")
    prep.manifest.to_csv(out / "manifest.csv", index=False)
    removals = TableWriter(out / "removals.csv", None)
    removals.write(prep.removals)
    removals.close(pd.DataFrame(columns=clean.REMOVAL_COLUMNS))
    columns = [c for c in prep.documents.columns if c not in ("n_paragraphs", "n_sentences", "n_words")]
    collector = _Collector(out, columns)
    docs = prep.documents.to_dict("records")
    if docs:
        collector.add(docs, [measured.per_document[d["doc_id"]] for d in docs])
    table_docs, doc_stance, _ = collector.finish()
    table = _write_documents(out, table_docs, model, analysis.topic_table)
    if figures and model is not None and len(table) <= FIGURE_MAX_DOCUMENTS:
        write_figures(_with_top_topic(table_docs, model), doc_stance, model, out)
    lap("write")
    return RunResult(table, prep.manifest, doc_stance, model, analysis.topic_table,
                     _counts(prep.manifest, table, len(prep.removals)), {}, prep.notes, _written(out), seconds,
                     prep, analysis)


def _write_documents(out: Path, docs: pd.DataFrame, model: TopicModelResult | None,
                     topic_table: pd.DataFrame) -> pd.DataFrame:
    """Write documents.csv/.parquet (with ``top_topic``) and topics.csv; the documents table."""
    table = build_document_table(_with_top_topic(docs, model))
    table.to_csv(out / "documents.csv", index=False)
    table.to_parquet(out / "documents.parquet", index=False)
    topic_table.to_csv(out / "topics.csv", index=False)
    return table


def _written(out: Path) -> dict[str, Path]:
    names = ("manifest.csv", "clean", "sentences.csv", "sentences.parquet", "removals.csv", "flags.csv",
             "voices.csv", "documents.csv", "documents.parquet", "topics.csv", "paragraph_topics.parquet")
    return {name: out / name for name in names if (out / name).exists()}


def _counts(manifest: pd.DataFrame, docs: pd.DataFrame, n_removals: int) -> dict[str, int]:
    return {"items": int(manifest["source"].nunique()), "documents": len(docs),
            "paragraphs": int(docs["n_paragraphs"].sum()) if len(docs) else 0,
            "sentences": int(docs["n_sentences"].sum()) if len(docs) else 0,
            "words": int(docs["n_words"].sum()) if len(docs) else 0, "removals": n_removals}


def _run_chunked(corpus_path: str | Path, out: Path, engine: str, random_state: int, progress: bool | None,
                 figures: bool, n_jobs: int | None, cache: bool, chunk_size: int, scheduler: str | None,
                 cache_dir: str | Path | None, keep_work: bool, punkt_chars: int, **columns: str | None) -> RunResult:
    work = out / WORK_DIR
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    stream = iter_items(corpus_path, chunk_size=chunk_size, **columns)
    show = _want_progress(progress, stream.total or 10_000)
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
        removals = TableWriter(out / "removals.csv", None)
        cleaned = _clean_stage(stream, work, store, engine, n_jobs, client, show, chunk_size, removals, stats,
                               corpus_path=corpus_path, columns=columns)
        removals.close(pd.DataFrame(columns=clean.REMOVAL_COLUMNS))
        cleaned.manifest.to_csv(out / "manifest.csv", index=False)
        lap("clean")
        parallel = engine == "dask" or (n_jobs or engines.default_jobs()) > 1
        topic_job = _TopicJob(cleaned, work, chunk_size, random_state, background=parallel,
                              background_max_paragraphs=TopicSettings().fit_max_units)
        collector = _Collector(out, cleaned.columns)
        try:
            _analyse_stage(cleaned, collector, store, engine, n_jobs, client, show, chunk_size, random_state,
                           punkt_chars, stats)
        except BaseException:
            topic_job.cancel()
            raise
        docs, doc_stance, _ = collector.finish()
        if parallel and engine == "local" and not topic_job.background:
            engines.release_workers()  # a large corpus: the topic fit runs next, in their memory
        lap("analyse")
        model, topic_table = topic_job.result()
        lap("topics (waiting)")
    if model is not None and model.paragraph_topics_file:
        # a large corpus's per-paragraph topic table was written next to the paragraphs, in the
        # work folder that is removed below: keep it as an output
        kept = out / "paragraph_topics.parquet"
        shutil.move(model.paragraph_topics_file, kept)
        model = dataclasses.replace(model, paragraph_topics_file=str(kept))
    table = _write_documents(out, docs, model, topic_table)
    if figures and model is not None and len(docs) <= FIGURE_MAX_DOCUMENTS:
        write_figures(_with_top_topic(docs, model), doc_stance, model, out)
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    lap("write")
    return RunResult(table, cleaned.manifest, doc_stance, model, topic_table,
                     _counts(cleaned.manifest, docs, cleaned.n_removals), stats, cleaned.notes, _written(out), seconds)


def summarise(result: RunResult | Prepared) -> str:
    """A short human-readable summary of a run or a prepared corpus.

    Parameters
    ----------
    result : RunResult or Prepared
        What :func:`run` or :func:`prepare` returned.

    Returns
    -------
    str
        One line: the input items and how many of them were ``ok``, ``split``, ``duplicate`` and
        ``rejected``, then the documents, sentences and words kept and the lines removed by
        cleaning.
    """
    manifest = result.manifest
    status = manifest["status"].value_counts()
    parts = ", ".join(f"{status.get(s, 0)} {s}" for s in ("ok", "split", "duplicate", "rejected"))
    if isinstance(result, Prepared):
        docs = result.documents
        counts = {"items": manifest["source"].nunique(), "documents": len(docs),
                  "sentences": int(docs["n_sentences"].sum()), "words": int(docs["n_words"].sum()),
                  "removals": len(result.removals)}
    else:
        counts = result.counts
    return (f"{counts['items']} input items ({parts}) -> {counts['documents']} documents, "
            f"{counts['sentences']} sentences, {counts['words']} words; "
            f"{counts['removals']} lines removed by cleaning")


def tabulate_documents(prep: Prepared) -> pd.DataFrame:
    """One row per document with its metadata and size, for a first look at a corpus.

    Parameters
    ----------
    prep : Prepared
        A cleaned, segmented corpus (:func:`prepare`).

    Returns
    -------
    DataFrame
        ``doc_id, title, outlet, outlet_origin, date, period, n_paragraphs, n_sentences,
        n_words``, in corpus order, the titles shortened to 60 characters
        (:func:`sinojp.text.shorten`).
    """
    cols = ["doc_id", "title", "outlet", "outlet_origin", "date", "period", "n_paragraphs", "n_sentences", "n_words"]
    view = prep.documents[cols].copy()
    view["title"] = view["title"].map(lambda t: clean.shorten(t, 60))
    return view


def tabulate_totals(prep: Prepared) -> pd.DataFrame:
    """Corpus totals: input items by status, documents, paragraphs, sentences, words, outlets.

    Parameters
    ----------
    prep : Prepared
        A cleaned, segmented corpus (:func:`prepare`).

    Returns
    -------
    DataFrame
        ``measure, value``, one row each for: ``input items``, ``items ok``, ``items split``,
        ``items duplicate``, ``items rejected``, ``documents``, ``paragraphs``, ``sentences``,
        ``words``, ``outlets`` (distinct non-empty outlets) and ``dated documents``.
    """
    status = prep.manifest["status"].value_counts()
    rows = [("input items", prep.manifest["source"].nunique())]
    rows += [(f"items {s}", int(status.get(s, 0))) for s in ("ok", "split", "duplicate", "rejected")]
    rows += [("documents", len(prep.documents)), ("paragraphs", len(prep.paragraphs)),
             ("sentences", len(prep.sentences)), ("words", int(prep.documents["n_words"].sum())),
             ("outlets", prep.documents["outlet"].replace("", pd.NA).nunique()),
             ("dated documents", int((prep.documents["date"] != "").sum()))]
    return pd.DataFrame(rows, columns=["measure", "value"])
