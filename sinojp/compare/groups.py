"""Measures by group of documents."""

from __future__ import annotations

import pandas as pd

from sinojp.measures.framing.codebook import list_frames


def tabulate_frames(doc_frames: pd.DataFrame, documents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean frame shares per group of a metadata column (``outlet_origin``, ``period``...).

    Parameters
    ----------
    doc_frames : DataFrame
        Document frames with ``doc_id`` and one ``frame_<name>`` share column per frame of the
        codebook (:func:`sinojp.measures.framing.score_documents`).
    documents : DataFrame
        ``doc_id`` and the ``by`` column; documents in only one of the tables are left out.
    by : str
        The grouping column.

    Returns
    -------
    DataFrame
        Indexed by the group (empty values become ``"unknown"``), one ``frame_<name>`` column per
        frame and ``n_docs``; rounded to 3 decimals.
    """
    cols = [f"frame_{f}" for f in list_frames()]
    meta = documents[["doc_id", by]].copy()
    meta[by] = meta[by].fillna("").astype(str).replace("", "unknown")
    merged = doc_frames.merge(meta, on="doc_id", how="inner")
    out = merged.groupby(by, sort=True)[cols].mean().round(3)
    out["n_docs"] = merged.groupby(by, sort=True).size()
    return out
