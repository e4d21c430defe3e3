"""The files of a run: table writers, the documents table of the output contract, the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sinojp.measures.framing import list_frames
from sinojp.plots import frames as frame_plots
from sinojp.plots import stance as stance_plots
from sinojp.plots import topics as topic_plots

DOCUMENT_CONTRACT = ["doc_id", "source", "title", "date", "outlet", "outlet_origin", "n_sentences", "n_words"]
ANALYSIS_COLUMNS = ["relations_stance", "us_stance", "primary_frame", "top_topic"]
SENTENCE_CONTRACT = ["doc_id", "sent_id", "text", "relations_stance", "us_stance", "frame"]
FLAG_COLUMNS = ["doc_id", "kind", "found", "suggestion", "context"]


class TableWriter:
    """Append DataFrames to a CSV (header once) and, optionally, a Parquet file.

    Parameters
    ----------
    csv_path, parquet_path : Path or None
        Where to write; None writes nothing there.
    """

    def __init__(self, csv_path: Path | None, parquet_path: Path | None) -> None:
        self.csv_path, self.parquet_path = csv_path, parquet_path
        self._header = True
        self._writer: Any = None
        self._schema: Any = None
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (its columns must be those of the first frame written)."""
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


def safe_filename(doc_id: str) -> str:
    """A file name for a doc_id (``#`` of split pieces is kept; path separators are not)."""
    return "".join(ch if ch.isalnum() or ch in "-_.#~" else "_" for ch in doc_id)


def order_document_columns(docs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Documents in a fixed column order: metadata, sizes, stance, primary frame, frame shares."""
    frame_cols = [f"frame_{f}" for f in list_frames()]
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


def build_document_table(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents table of the output contract: contract columns first, then the rest.

    Parameters
    ----------
    docs : DataFrame
        One row per document: metadata, sizes and, after analysis, stance, frame shares and
        ``top_topic`` (e.g. :attr:`sinojp.pipeline.Analysis.documents`); missing columns are
        skipped, not added.

    Returns
    -------
    DataFrame
        The same rows with the columns reordered: those of ``doc_id, source, title, date, outlet,
        outlet_origin, n_sentences, n_words, relations_stance, us_stance, primary_frame`` that
        ``docs`` has, then the ``frame_<name>`` shares (alphabetical), ``top_topic``, and every
        other column in its original order; the ``text`` column is dropped.
    """
    first = [c for c in DOCUMENT_CONTRACT + ANALYSIS_COLUMNS if c in docs.columns]
    frames = sorted(c for c in docs.columns if c.startswith("frame_"))
    rest = [c for c in docs.columns if c not in first and c not in frames and c != "text"]
    extra = ["top_topic"] if "top_topic" in docs.columns else []
    first = [c for c in first if c != "top_topic"]
    return docs[first + frames + extra + rest]


def write_figures(documents: pd.DataFrame, document_stance: pd.DataFrame, model: Any, out: str | Path) -> list[Path]:
    """Write the run's figures as PNG under ``out/figures``.

    Parameters
    ----------
    documents : DataFrame
        One row per document with the frame share columns.
    document_stance : DataFrame
        Document stance with intervals.
    model : TopicModelResult
        The topic model.
    out : str or Path
        The run's output folder.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(out) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    figures = {
        "relations_stance.png": lambda ax: stance_plots.plot_document_stance(document_stance, documents,
                                                                             dimension="relations", ax=ax),
        "us_stance.png": lambda ax: stance_plots.plot_document_stance(document_stance, documents,
                                                                      dimension="us", ax=ax),
        "topic_prevalence.png": lambda ax: topic_plots.plot_prevalence_heatmap(model.doc_topics, model.topics, ax=ax),
        "frames.png": lambda ax: frame_plots.plot_document_frames(documents, ax),
    }
    for name, draw in figures.items():
        fig, ax = plt.subplots(figsize=(9, max(3.0, 0.45 * len(documents) + 1.5)))
        draw(ax)
        fig.tight_layout()
        fig.savefig(folder / name, dpi=110)
        plt.close(fig)
        written.append(folder / name)
    return written
