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
ANALYSIS_COLUMNS = ["relations_stance", "us_stance", "primary_frame", "top_topic"]
SENTENCE_CONTRACT = ["doc_id", "sent_id", "text", "relations_stance", "us_stance", "frame"]


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


def document_table(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents table of the output contract: contract columns first, then the rest."""
    first = [c for c in DOCUMENT_CONTRACT + ANALYSIS_COLUMNS if c in docs.columns]
    frames = sorted(c for c in docs.columns if c.startswith("frame_"))
    rest = [c for c in docs.columns if c not in first and c not in frames and c != "text"]
    extra = ["top_topic"] if "top_topic" in docs.columns else []
    first = [c for c in first if c != "top_topic"]
    return docs[first + frames + extra + rest]


def write_outputs(prep: Prepared, out: str | Path, analysis: "Analysis | None" = None) -> dict[str, Path]:
    """Write manifest.csv, clean/<doc_id>.txt, documents.csv, sentences.csv, topics.csv and logs.

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
    docs = analysis.documents if analysis is not None else prep.documents
    sents = analysis.sentences if analysis is not None else prep.sentences
    tables = {
        "manifest.csv": prep.manifest,
        "documents.csv": document_table(docs),
        "sentences.csv": sents[SENTENCE_CONTRACT + [c for c in sents.columns if c not in SENTENCE_CONTRACT]]
        if analysis is not None else sents,
        "removals.csv": prep.removals,
        "flags.csv": prep.flags,
    }
    if analysis is not None:
        tables["topics.csv"] = analysis.topic_table
        tables["voices.csv"] = analysis.voices
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


@dataclass
class Analysis:
    """The measures of a run: stance, frames and topics, at sentence and document level."""

    sentence_stance: pd.DataFrame
    document_stance: pd.DataFrame
    sentence_frames: pd.DataFrame
    document_frames: pd.DataFrame
    topics: object  # sinojp.topics.TopicModelResult
    documents: pd.DataFrame
    sentences: pd.DataFrame
    topic_table: pd.DataFrame
    voices: pd.DataFrame = field(default_factory=pd.DataFrame)


def analyse(prep: Prepared, random_state: int = 0) -> Analysis:
    """Score stance and frames of every sentence and document and fit the topic model.

    Each measure uses its module's default method (chosen from the validation figures shown in
    the notebooks). The returned ``documents`` and ``sentences`` tables carry the output
    contract's analysis columns.
    """
    from sinojp import framing, stance, topics, voices

    sent_stance = stance.score_sentences(prep.sentences, random_state=random_state)
    doc_stance = stance.score_documents(sent_stance, random_state=random_state)
    sent_frames = framing.score_sentences(prep.sentences, random_state=random_state)
    doc_frames = framing.score_documents(sent_frames)
    model = topics.fit_topics(prep.paragraphs, prep.documents, random_state=random_state)
    frame_cols = [c for c in doc_frames.columns if c.startswith("frame_")]
    docs = (prep.documents
            .merge(doc_stance[["doc_id", "relations_stance", "us_stance"]], on="doc_id", how="left")
            .merge(doc_frames[["doc_id", "primary_frame"] + frame_cols], on="doc_id", how="left")
            .merge(topics.document_top_topic(model), on="doc_id", how="left"))
    sents = (prep.sentences
             .merge(sent_stance[["doc_id", "sent_id", "relations_stance", "us_stance"]], on=["doc_id", "sent_id"], how="left")
             .merge(sent_frames[["doc_id", "sent_id", "frame"]], on=["doc_id", "sent_id"], how="left"))
    sources = voices.extract_voices(prep.sentences, sent_stance)
    return Analysis(sent_stance, doc_stance, sent_frames, doc_frames, model, docs, sents, topics.topics_table(model),
                    sources)


def write_figures(prep: Prepared, analysis: Analysis, out: str | Path) -> list[Path]:
    """Write the run's figures as PNG under ``out/figures``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sinojp import stance, topics

    folder = Path(out) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    figures = {
        "relations_stance.png": lambda ax: stance.plot_document_stance(analysis.document_stance, prep.documents,
                                                                       dimension="relations", ax=ax),
        "us_stance.png": lambda ax: stance.plot_document_stance(analysis.document_stance, prep.documents,
                                                                dimension="us", ax=ax),
        "topic_prevalence.png": lambda ax: topics.plot_prevalence_heatmap(analysis.topics.doc_topics,
                                                                          analysis.topics.topics, ax=ax),
        "frames.png": lambda ax: _plot_frames(analysis.documents, ax),
    }
    for name, draw in figures.items():
        fig, ax = plt.subplots(figsize=(9, max(3.0, 0.45 * len(prep.documents) + 1.5)))
        draw(ax)
        fig.tight_layout()
        fig.savefig(folder / name, dpi=110)
        plt.close(fig)
        written.append(folder / name)
    return written


def _plot_frames(documents: pd.DataFrame, ax) -> None:
    cols = [c for c in documents.columns if c.startswith("frame_")]
    data = documents.set_index("doc_id")[cols].astype(float)
    ax.imshow(data.to_numpy(), aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(cols)), [c[len("frame_"):] for c in cols], rotation=45, ha="right")
    ax.set_yticks(range(len(data)), [d[:28] for d in data.index])
    ax.set_title("Frame shares per document")


def run(corpus_path: str | Path, out: str | Path, random_state: int = 0, progress: bool | None = None,
        figures: bool = True, engine: str | None = None, n_jobs: int | None = None, cache: bool = True,
        chunk_size: int | None = None, scheduler: str | None = None, **columns: str | None):
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
    figures : bool
        Write the PNG figures.
    engine : {None, "local", "dask"}
        None: everything in memory, returning the full tables. ``"local"`` / ``"dask"``: the
        streaming run of :func:`sinojp.stream.run_streaming` (bounded memory, parallel, cached;
        same files written), which returns a :class:`sinojp.stream.StreamResult`.
    n_jobs, cache, chunk_size, scheduler
        Streaming options (see :func:`sinojp.stream.run_streaming`); ignored when ``engine`` is None.

    Returns
    -------
    (Prepared, Analysis), or StreamResult when ``engine`` is given
    """
    if engine is not None:
        from sinojp import stream

        return stream.run_streaming(corpus_path, out, random_state=random_state, progress=progress, figures=figures,
                                    engine=engine, n_jobs=n_jobs, cache=cache, scheduler=scheduler,
                                    chunk_size=chunk_size or stream.DEFAULT_CHUNK_SIZE, **columns)
    prep = prepare(corpus_path, progress=progress, **columns)
    analysis = analyse(prep, random_state=random_state)
    write_outputs(prep, out, analysis)
    if figures:
        write_figures(prep, analysis, out)
    return prep, analysis


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


def analysis_summary(analysis: Analysis) -> str:
    """One line per measure: mean stance, the most common primary frame, the topic model chosen."""
    docs = analysis.documents
    frames = docs["primary_frame"].value_counts()
    top_frame = f"{frames.index[0]} ({frames.iloc[0]} documents)" if len(frames) else "none"
    return (f"relations_stance mean {docs['relations_stance'].mean():+.2f}, us_stance mean {docs['us_stance'].mean():+.2f}; "
            f"most common primary frame: {top_frame}; {len(analysis.topic_table)} topics")
