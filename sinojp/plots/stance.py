"""Stance figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sinojp.measures.stance import THRESHOLD, load_stance_models
from sinojp.text import shorten

#: panel titles of the two stance targets
TITLES = {"relations": "China–Japan relations (relations_stance)",
          "us": "Role of the US / Trump (us_stance)"}

#: colour of each outlet origin
COLOURS = {"china_state": "tab:red", "japan": "tab:blue", "us_europe": "tab:green", "other": "tab:grey",
           "unknown": "black"}


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def _document_labels(doc_ids: list[str], documents: pd.DataFrame | None, width: int) -> dict[str, str]:
    """``doc_id -> label``: short title, else outlet, with the date; the piece of a split page kept."""
    meta = {}
    if documents is not None and "doc_id" in documents:
        meta = documents.drop_duplicates("doc_id").set_index("doc_id").to_dict("index")
    labels = {}
    for d in doc_ids:
        m = meta.get(d, {})
        name = _text(m.get("title")) or _text(m.get("outlet"))
        if name.lower().startswith("unknown"):
            name = ""
        piece = "#" + d.rsplit("#", 1)[1] if "#" in d else ""
        if name:
            date = _text(m.get("date"))
            label = shorten(name, width) + (f" ({date})" if date else "") + (f" {piece}" if piece else "")
        else:
            label = shorten(d, width)
        labels[d] = label
    counts = pd.Series(list(labels.values())).value_counts()
    return {d: (lab if counts[lab] == 1 else f"{lab} [{shorten(d, 16)}]") for d, lab in labels.items()}


def _thresholds(doc_scores: pd.DataFrame, dimension: str) -> tuple[float, float]:
    """The cut-offs of the document labels: the learned method's shipped ones, else ±THRESHOLD."""
    if "method" in doc_scores and len(doc_scores) and (doc_scores["method"] == "learned").all():
        agg = load_stance_models().aggregation[dimension]
        return float(agg.lo), float(agg.hi)
    return -THRESHOLD, THRESHOLD


def plot_document_stance(doc_scores: pd.DataFrame, documents: pd.DataFrame | None = None,
                         dimension: str = "relations", ax=None, order: list[str] | None = None,
                         label_width: int = 45, legend: bool = True):
    """Dot-and-interval plot of document stance, coloured by outlet origin when known.

    One row per document, labelled by its short title (else its outlet) and date, and the piece
    (``#2``) of a split page; a document without a title or outlet keeps its id. By default the rows
    are ordered by ``relations_stance`` for *both* targets (documents without relations evidence
    last, then by ``doc_id``), so that a relations panel and a US panel drawn side by side have
    their rows aligned. A document without stance evidence on the target (a missing score) is
    marked "no evidence" on its row instead of a dot. Dotted lines mark the cut-offs of the
    document labels (the learned method's shipped thresholds, else ±:data:`THRESHOLD`).

    Parameters
    ----------
    doc_scores : DataFrame
        Document stance from :func:`sinojp.measures.stance.score_documents` (``doc_id``,
        ``<dimension>_stance``, ``<dimension>_ci_low``, ``<dimension>_ci_high``; ``method``).
    documents : DataFrame, optional
        ``doc_id`` with ``outlet_origin``, ``title``, ``outlet``, ``date``, when known; without it
        every document is drawn in black as ``unknown`` and labelled by its id.
    dimension : {"relations", "us"}
        Stance towards China–Japan relations (default) or towards the US / Trump.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the number of documents.
    order : list of str, optional
        ``doc_id`` s from top to bottom (documents missing from it follow, in the default order).
    label_width : int
        Longest title or outlet in a label (default 45 characters; longer ones end in an ellipsis).
    legend : bool
        Draw the legend of outlet origins below the axes (default True).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    d = doc_scores.copy()
    if documents is not None and "outlet_origin" in documents:
        d = d.merge(documents[["doc_id", "outlet_origin"]].drop_duplicates("doc_id"), on="doc_id", how="left")
    else:
        d["outlet_origin"] = ""
    d["outlet_origin"] = d["outlet_origin"].fillna("").replace("", "unknown")
    key = "relations_stance" if "relations_stance" in d else f"{dimension}_stance"
    d = d.assign(_missing=d[key].isna()).sort_values(["_missing", key, "doc_id"], ascending=[True, False, True],
                                                      kind="mergesort")
    if order is not None:
        rank = {doc: i for i, doc in enumerate(order)}
        d = d.assign(_rank=d["doc_id"].map(rank).fillna(len(rank))).sort_values("_rank", kind="mergesort")
    d = d.reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(d) + 1.8))
    labels = _document_labels(d["doc_id"].tolist(), documents, label_width)
    y = np.arange(len(d))[::-1]  # the first document at the top
    score, lo_col, hi_col = f"{dimension}_stance", f"{dimension}_ci_low", f"{dimension}_ci_high"
    for yi, (_, r) in zip(y, d.iterrows()):
        c = COLOURS.get(r["outlet_origin"], "black")
        if pd.isna(r[score]):
            ax.text(0, yi, "no evidence", ha="center", va="center", fontsize=7, style="italic", color="dimgrey",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "lightgrey"})
            continue
        if pd.notna(r.get(lo_col)) and pd.notna(r.get(hi_col)):
            ax.plot([r[lo_col], r[hi_col]], [yi, yi], color=c, lw=2, alpha=0.6)
        ax.plot(r[score], yi, "o", color=c)
    ax.set_yticks(y)
    ax.set_yticklabels([labels[doc] for doc in d["doc_id"]], fontsize=7)
    ax.set_ylim(-0.7, len(d) - 0.3)
    ax.axvline(0, color="black", lw=0.5)
    lo, hi = _thresholds(doc_scores, dimension)
    for t in sorted({lo, hi}):
        if t != 0:
            ax.axvline(t, color="grey", lw=0.6, ls=":")
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"{dimension}_stance (dot) and 95% bootstrap interval; dotted: label cut-offs", fontsize=8)
    ax.set_title(TITLES.get(dimension, dimension), fontsize=10)
    if legend:
        handles = [plt.Line2D([], [], marker="o", ls="", color=COLOURS[k], label=k)
                   for k in COLOURS if k in set(d["outlet_origin"])]
        ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=len(handles),
                  frameon=False, title="outlet origin", title_fontsize=7)
    return ax
