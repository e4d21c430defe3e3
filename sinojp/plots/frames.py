"""Frame figures."""

from __future__ import annotations

import pandas as pd

from sinojp.measures.framing.codebook import list_frames


def plot_frame_heatmap(shares: pd.DataFrame, ax=None, title: str = "Frame shares"):
    """Heat map of frame shares: rows are documents (or groups), columns the seven frames.

    Parameters
    ----------
    shares : DataFrame
        :func:`score_documents` output (indexed by ``doc_id`` or with a ``doc_id`` column) or
        :func:`frames_by` output.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from sinojp.plots.matrix import plot_matrix

    cols = [f"frame_{f}" for f in list_frames()]
    table = shares.set_index("doc_id") if "doc_id" in shares.columns else shares
    table = table[cols].rename(columns=lambda c: c[len("frame_"):])
    return plot_matrix(table, ax=ax, title=title, cmap="Oranges", vmin=0.0, vmax=1.0)


def plot_document_frames(documents: pd.DataFrame, ax) -> None:
    """Frame shares of each document as a heatmap (one row per document).

    Parameters
    ----------
    documents : DataFrame
        ``doc_id`` and the ``frame_<name>`` share columns.
    ax : matplotlib Axes
    """
    cols = [c for c in documents.columns if c.startswith("frame_")]
    data = documents.set_index("doc_id")[cols].astype(float)
    ax.imshow(data.to_numpy(), aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(cols)), [c[len("frame_"):] for c in cols], rotation=45, ha="right")
    ax.set_yticks(range(len(data)), [d[:28] for d in data.index])
    ax.set_title("Frame shares per document")
