"""Read a whole corpus into memory: a tidy table of raw documents and a manifest row for every item.

Nothing read is dropped silently: what cannot be used is listed in the manifest with the reason.
The pipeline reads the same items in chunks (:func:`sinojp.corpus.iter_items`) with the same
functions, so both give the same ids, metadata and manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sinojp.corpus.items import MANIFEST_COLUMNS, RAW_COLUMNS, DocIds, iter_items, read_item


@dataclass
class RawCorpus:
    """Raw documents and the manifest of every input item."""

    documents: pd.DataFrame
    manifest: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def build_raw_frame(rows: list[dict]) -> pd.DataFrame:
    """Raw document rows as a DataFrame: :data:`RAW_COLUMNS` first, extra metadata after, all strings."""
    frame = pd.DataFrame(rows)
    for col in RAW_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    extra = [c for c in frame.columns if c not in RAW_COLUMNS]
    return frame[RAW_COLUMNS + extra].fillna("").astype(str).reset_index(drop=True)


def read_corpus(path: str | Path, **columns: str | None) -> RawCorpus:
    """Read a corpus folder or export file into raw documents and a manifest.

    Parameters
    ----------
    path : str or Path
        A folder of article files (with optional ``metadata.csv``), one article file, or a
        ``.csv`` / ``.jsonl`` export with one article per row.
    **columns : str or None
        For exports: explicit column names (``text=``, ``title=``, ``url=``, ``pub_date=``,
        ``outlet=``, ``doc_id=``) overriding detection.

    Returns
    -------
    RawCorpus
        ``documents`` (one row per readable article: doc_id, source, format, encoding, raw_text and
        metadata columns) and ``manifest`` (source, doc_id, status, reason) for every input item.
    """
    stream = iter_items(path, **columns)
    ids = DocIds(stream)
    rows, manifest = [], []
    for item in stream.items:
        row, note = read_item(item)
        if row is None:
            manifest.append({"source": item.source, "doc_id": item.stem, "status": "rejected", "reason": note})
            continue
        row["doc_id"], reason = ids.assign(item, note)
        rows.append(row)
        manifest.append({"source": item.source, "doc_id": row["doc_id"], "status": "ok", "reason": reason})
    manifest_frame = pd.DataFrame(manifest, columns=MANIFEST_COLUMNS)
    return RawCorpus(build_raw_frame(rows), manifest_frame, ids.notes(manifest_frame["doc_id"]))
