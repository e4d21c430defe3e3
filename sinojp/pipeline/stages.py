"""The per-document stages of a run, applied to one chunk at a time (pure; they run in workers).

* :func:`count_chunk` reads the items of a chunk for the site-count pre-pass: each page's site
  and the hashes of its lines (:func:`sinojp.text.linefeatures.hash_page_lines`), merged over the
  whole corpus by :func:`sinojp.text.linefeatures.merge_site_lines`;
* :func:`clean_chunk` reads and cleans the items of a chunk, with the site counts of the whole
  corpus, and summarises every document by a MinHash signature for the corpus-wide near-duplicate
  pass (:func:`clean_task` is the same for a :class:`CleanTask`);
* :func:`segment_chunk` splits documents into paragraphs and sentences with a trained Punkt;
* :func:`measure_chunk` scores stance, frames, voices and slips of the segmented documents;
* :func:`analyse_chunk` is the two last ones together, the unit of parallel work.

Every engine (``memory``, ``local``, ``dask``) calls these functions, on one chunk holding the
whole corpus or on many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sinojp.corpus import MANIFEST_COLUMNS, RAW_COLUMNS, Item, read_item
from sinojp.corpus.read import build_raw_frame
from sinojp.measures import framing, stance, voices
from sinojp.text import clean, neardup, segment, slips
from sinojp.text.linefeatures import SiteCounts, find_page_site, hash_page_lines

#: the columns of sentences.csv
SENTENCE_OUT = ["doc_id", "sent_id", "text", "relations_stance", "us_stance", "frame", "para_id", "start", "end"]


def count_chunk(items: list[Item]) -> list[tuple[str, np.ndarray | None]]:
    """Read a chunk of items for the site-count pre-pass: each page's site and line hashes.

    Parameters
    ----------
    items : list of Item

    Returns
    -------
    list of (site, hashes)
        One pair per item, in order: the page's site (:func:`sinojp.text.linefeatures.find_page_site`)
        and its line hashes (:func:`sinojp.text.linefeatures.hash_page_lines`); ``("", None)`` for
        an item that is rejected or has no site.
    """
    out: list[tuple[str, np.ndarray | None]] = []
    for item in items:
        row, _ = read_item(item)
        site = find_page_site(row) if row is not None else ""
        out.append((site, hash_page_lines(row["raw_text"])) if site else ("", None))
    return out


@dataclass
class CleanTask:
    """A chunk of items to clean and the site counts of their sites (what a worker receives).

    Its length is the number of items, for the progress bar of :func:`sinojp.pipeline.engines.map_chunks`.
    """

    items: list[Item]
    site_counts: dict[str, SiteCounts] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.items)


def clean_task(task: CleanTask, keep: bool = False) -> list[dict]:
    """:func:`clean_chunk` of a :class:`CleanTask`.

    Parameters
    ----------
    task : CleanTask
    keep : bool
        As in :func:`clean_chunk`.

    Returns
    -------
    list of dict
        As :func:`clean_chunk`.
    """
    return clean_chunk(task.items, keep, task.site_counts)


def clean_chunk(items: list[Item], keep: bool = False, site_counts: dict[str, SiteCounts] | None = None) -> list[dict]:
    """Read and clean a chunk of items; one result per item, in order.

    Parameters
    ----------
    items : list of Item
    keep : bool
        Also return the raw row (``raw``), every line decision (``lines``) and table cell
        (``tables``), for an in-memory run that shows them.
    site_counts : dict, optional
        ``site -> SiteCounts`` of the whole corpus (at least for the sites of these items), so that
        a page is cleaned the same whatever chunk it falls in; by default counted over the chunk.

    Returns
    -------
    list of dict
        Per item: ``reason`` (why it was rejected, else ``""``), ``note`` (a reading note),
        ``columns`` (its extra metadata fields), ``documents`` (cleaned document rows, split
        pieces included, text included), ``removals`` (rows of ``REMOVAL_COLUMNS``),
        ``manifest`` (its manifest rows after splitting), and per document the ``shingles``
        hashes and MinHash ``signature``. Document ids are the items' provisional ids.
    """
    rows: list[dict] = []
    results: list[dict] = []
    for item in items:
        res: dict[str, Any] = {"source": item.source, "stem": item.stem, "reason": "", "note": "", "columns": [],
                               "documents": [], "removals": [], "manifest": [], "shingles": [], "signature": None}
        if keep:
            res.update(lines=[], tables=[])
        results.append(res)
        row, note = read_item(item)
        if row is None:
            res["reason"] = note
            continue
        res["note"] = note
        res["columns"] = [c for c in row if c not in RAW_COLUMNS]
        if keep:
            res["raw"] = dict(row)
        rows.append(row)
    if not rows:
        return results
    raw = build_raw_frame(rows)
    manifest = pd.DataFrame([{"source": r["source"], "doc_id": r["doc_id"], "status": "ok", "reason": ""} for r in rows],
                            columns=MANIFEST_COLUMNS)
    cleaned = clean.clean_corpus(raw, manifest, site_counts=site_counts)
    by_source = {r["source"]: r for r in results}
    for doc in cleaned.documents.to_dict("records"):
        by_source[doc["source"]]["documents"].append(doc)
    for rem in cleaned.removals.itertuples(index=False, name=None):
        by_source[rem[1]]["removals"].append(rem)
    for man in cleaned.manifest.to_dict("records"):
        by_source[man["source"]]["manifest"].append(man)
    if keep:
        for line in cleaned.lines.itertuples(index=False, name=None):
            by_source[line[1]]["lines"].append(line)
        source_of = dict(zip(raw["doc_id"], raw["source"]))
        for cell in cleaned.tables.itertuples(index=False, name=None):
            by_source[source_of[cell[0]]]["tables"].append(cell)
    all_hashes = iter(neardup.hash_shingles_many([d["text"] for res in results for d in res["documents"]]))
    for res in results:
        hashes = [next(all_hashes) for _ in res["documents"]]
        res["shingles"] = hashes
        res["signature"] = (np.stack([neardup.minhash_signature(h) for h in hashes]) if hashes
                            else np.empty((0, neardup.NUM_PERM), dtype=np.uint32))
    return results


def segment_chunk(pairs: list[tuple[str, str]], tokenizer: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paragraphs and sentences of ``(doc_id, text)`` pairs, with character offsets."""
    docs = pd.DataFrame(pairs, columns=["doc_id", "text"])
    paras = segment.split_paragraphs(docs)
    sents = segment.split_sentences(docs, tokenizer=tokenizer, paras=paras)
    return paras, sents


@dataclass
class Measured:
    """The measures of a chunk of segmented documents.

    ``per_document`` maps each doc_id to the rows it contributes to the output tables:
    ``sentences`` (rows of :data:`SENTENCE_OUT`), ``flags``, ``voices``, ``stance`` (its document
    stance row or None) and ``document`` (sizes, stance and frame shares). The full tables are
    kept in ``tables`` when asked for (an in-memory run shows them).
    """

    per_document: dict[str, dict]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def measure_chunk(pairs: list[tuple[str, str]], paras: pd.DataFrame, sents: pd.DataFrame, random_state: int = 0,
                  keep: bool = False) -> Measured:
    """Stance, frames, voices and slip flags of a chunk of segmented documents.

    Parameters
    ----------
    pairs : list of (doc_id, text)
        The documents, in corpus order.
    paras, sents : DataFrame
        Their paragraphs and sentences (:func:`segment_chunk`).
    random_state : int
        Seed of the bootstrap intervals.
    keep : bool
        Keep the full tables (sentence stance with evidence, document stance, sentence and
        document frames, merged sentences, voices) in ``Measured.tables``.
    """
    docs = pd.DataFrame(pairs, columns=["doc_id", "text"])
    out: dict[str, dict] = {}
    for doc_id, text in pairs:
        out[doc_id] = {"sentences": [], "flags": [], "voices": [], "stance": None,
                       "document": {"n_words": segment.count_words(text)}}
    if not pairs:
        return Measured(out)
    sent_stance = stance.score_sentences(sents, random_state=random_state)
    doc_stance = stance.score_documents(sent_stance, random_state=random_state)
    sent_frames = framing.score_sentences(sents, random_state=random_state)
    doc_frames = framing.score_documents(sent_frames)
    frame_cols = [c for c in doc_frames.columns if c.startswith("frame_")]
    merged = (sents.merge(sent_stance[["doc_id", "sent_id", "relations_stance", "us_stance"]], on=["doc_id", "sent_id"],
                          how="left")
              .merge(sent_frames[["doc_id", "sent_id", "frame"]], on=["doc_id", "sent_id"], how="left"))
    flags = slips.flag_slips(docs)
    sources = voices.extract_voices(sents, sent_stance)
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
    tables = {}
    if keep:
        tables = {"sentence_stance": sent_stance, "document_stance": doc_stance, "sentence_frames": sent_frames,
                  "document_frames": doc_frames, "sentences": merged, "voices": sources, "flags": flags}
    return Measured(out, tables)


def punkt_tokenizer(params: Any) -> Any:
    """A Punkt sentence tokenizer from trained parameters (what workers receive)."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    return PunktSentenceTokenizer(params)


def analyse_chunk(task: tuple[list[tuple[str, str]], Any, int]) -> dict[str, dict]:
    """Segment and measure a chunk of ``(doc_id, text)``; the per-document rows of :class:`Measured`.

    Parameters
    ----------
    task : (pairs, punkt_params, random_state)
    """
    pairs, params, random_state = task
    if not pairs:
        return {}
    paras, sents = segment_chunk(pairs, punkt_tokenizer(params))
    return measure_chunk(pairs, paras, sents, random_state).per_document
