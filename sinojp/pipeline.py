"""Chain the stages: files -> documents -> paragraphs -> sentences -> measures -> tables.

`prepare` reads and cleans a corpus and segments it; `run` adds the analyses and writes the output
contract of the research design (manifest, clean texts, documents, sentences, topics, figures).
The command line and the notebooks both call these functions, so they always agree.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sinojp import clean, corpus, segment

DOCUMENT_CONTRACT = ["doc_id", "source", "title", "date", "outlet", "outlet_origin", "n_sentences", "n_words"]


@dataclass
class Prepared:
    """A cleaned, segmented corpus: the tidy tables every analysis starts from."""

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


def prepare(corpus_path: str | Path, progress: bool | None = None, **columns: str | None) -> Prepared:
    """Read, clean and segment a corpus.

    Parameters
    ----------
    corpus_path : str or Path
        A folder of articles (optionally with metadata.csv) or a CSV/JSONL export.
    progress : bool, optional
        Show a progress bar; by default only on long corpora in a terminal.
    **columns : str
        Export column names (``text=``, ``title=``, ...), passed to :func:`sinojp.corpus.read_corpus`.

    Returns
    -------
    Prepared
    """
    raw = corpus.read_corpus(corpus_path, **columns)
    cleaned = clean.clean_corpus(raw.documents, raw.manifest, progress=_want_progress(progress, len(raw.documents)))
    docs = cleaned.documents
    paras = segment.paragraphs(docs)
    sents = segment.sentences(docs, paras=paras)
    counts = sents.groupby("doc_id").size()
    docs = docs.assign(
        n_paragraphs=docs["doc_id"].map(paras.groupby("doc_id").size()).fillna(0).astype(int),
        n_sentences=docs["doc_id"].map(counts).fillna(0).astype(int),
        n_words=docs["text"].map(segment.word_count).astype(int),
    )
    return Prepared(docs, paras, sents, cleaned.manifest, cleaned.removals, cleaned.lines, cleaned.tables,
                    clean.flag_slips(docs), raw.documents, list(raw.notes))


def _want_progress(progress: bool | None, n: int) -> bool:
    if progress is not None:
        return progress
    return n >= 200 and sys.stderr.isatty()


def document_table(prep: Prepared) -> pd.DataFrame:
    """The documents table of the output contract (metadata and size columns first)."""
    docs = prep.documents
    rest = [c for c in docs.columns if c not in DOCUMENT_CONTRACT and c != "text"]
    return docs[DOCUMENT_CONTRACT + rest]


def write_outputs(prep: Prepared, out: str | Path) -> dict[str, Path]:
    """Write manifest.csv, clean/<doc_id>.txt, documents.csv, sentences.csv and the cleaning logs.

    Returns
    -------
    dict
        Name -> path of every file written.
    """
    out = Path(out)
    (out / "clean").mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for old in (out / "clean").glob("*.txt"):
        old.unlink()
    for doc_id, text in zip(prep.documents["doc_id"], prep.documents["text"]):
        path = out / "clean" / f"{safe_filename(doc_id)}.txt"
        path.write_text(text + "\n", encoding="utf-8")
    written["clean"] = out / "clean"
    tables = {
        "manifest.csv": prep.manifest,
        "documents.csv": document_table(prep),
        "sentences.csv": prep.sentences[["doc_id", "sent_id", "text"] + [c for c in prep.sentences.columns
                                                                           if c not in ("doc_id", "sent_id", "text")]],
        "removals.csv": prep.removals,
        "flags.csv": prep.flags,
    }
    for name, frame in tables.items():
        frame.to_csv(out / name, index=False)
        written[name] = out / name
    return written


def safe_filename(doc_id: str) -> str:
    """A file name for a doc_id (``#`` of split pieces is kept; path separators are not)."""
    return "".join(ch if ch.isalnum() or ch in "-_.#~" else "_" for ch in doc_id)


def summary(prep: Prepared) -> str:
    """A short human-readable summary of a prepared corpus."""
    status = prep.manifest["status"].value_counts()
    parts = ", ".join(f"{status.get(s, 0)} {s}" for s in ("ok", "split", "duplicate", "rejected"))
    return (f"{prep.manifest['source'].nunique()} input items ({parts}) -> {len(prep.documents)} documents, "
            f"{int(prep.documents['n_sentences'].sum())} sentences, {int(prep.documents['n_words'].sum())} words; "
            f"{len(prep.removals)} lines removed by cleaning")


def run(corpus_path: str | Path, out: str | Path, random_state: int = 0, progress: bool | None = None,
        **columns: str | None) -> Prepared:
    """Run the whole analysis on a corpus and write the output contract to ``out``.

    Parameters
    ----------
    corpus_path : str or Path
        The corpus (folder or export).
    out : str or Path
        The output folder (created if needed).
    random_state : int
        Seed for every random step.
    progress : bool, optional
        Progress bar on or off (default: on for long corpora in a terminal).

    Returns
    -------
    Prepared
        The prepared corpus with analysis columns added to its tables.
    """
    prep = prepare(corpus_path, progress=progress, **columns)
    write_outputs(prep, out)
    return prep


def overview(prep: Prepared) -> pd.DataFrame:
    """One row per document with its metadata and size, for a first look at a corpus."""
    cols = ["doc_id", "title", "outlet", "outlet_origin", "date", "period", "n_paragraphs", "n_sentences", "n_words"]
    view = prep.documents[cols].copy()
    view["title"] = view["title"].map(lambda t: clean.shorten(t, 60))
    return view


def totals(prep: Prepared) -> pd.DataFrame:
    """Corpus totals: input items by status, documents, paragraphs, sentences, words, outlets."""
    status = prep.manifest["status"].value_counts()
    rows = [("input items", prep.manifest["source"].nunique())]
    rows += [(f"items {s}", int(status.get(s, 0))) for s in ("ok", "split", "duplicate", "rejected")]
    rows += [("documents", len(prep.documents)), ("paragraphs", len(prep.paragraphs)),
             ("sentences", len(prep.sentences)), ("words", int(prep.documents["n_words"].sum())),
             ("outlets", prep.documents["outlet"].replace("", pd.NA).nunique()),
             ("dated documents", int((prep.documents["date"] != "").sum()))]
    return pd.DataFrame(rows, columns=["measure", "value"])
