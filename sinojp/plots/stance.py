"""Stance figures."""

from __future__ import annotations

import pandas as pd

from sinojp.measures.stance.scores import THRESHOLD


def plot_document_stance(doc_scores: pd.DataFrame, documents: pd.DataFrame | None = None,
                         dimension: str = "relations", ax=None):
    """Dot-and-interval plot of document stance, coloured by outlet origin when known.

    One row per document, sorted by stance; dotted lines mark ``±THRESHOLD``, the cut-off of the
    document labels.

    Parameters
    ----------
    doc_scores : DataFrame
        Document stance from :func:`sinojp.measures.stance.score_documents` (``doc_id``,
        ``<dimension>_stance``, ``<dimension>_ci_low``, ``<dimension>_ci_high``).
    documents : DataFrame, optional
        ``doc_id, outlet_origin``; without it (or without that column) every document is drawn
        in black as ``unknown``.
    dimension : {"relations", "us"}
        Stance towards China–Japan relations (default) or towards the US / Trump.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the number of documents.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    d = doc_scores.copy()
    if documents is not None and "outlet_origin" in documents:
        d = d.merge(documents[["doc_id", "outlet_origin"]], on="doc_id", how="left")
    else:
        d["outlet_origin"] = ""
    d["outlet_origin"] = d["outlet_origin"].fillna("").replace("", "unknown")
    d = d.sort_values([f"{dimension}_stance", "doc_id"], kind="mergesort").reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.35 * len(d) + 1.2))
    colours = {"china_state": "tab:red", "japan": "tab:blue", "us_europe": "tab:green",
               "other": "tab:grey", "unknown": "black"}
    for i, r in d.iterrows():
        c = colours.get(r["outlet_origin"], "black")
        ax.plot([r[f"{dimension}_ci_low"], r[f"{dimension}_ci_high"]], [i, i], color=c, lw=2, alpha=0.6)
        ax.plot(r[f"{dimension}_stance"], i, "o", color=c)
    ax.set_yticks(range(len(d)))
    ax.set_yticklabels([str(x)[:40] for x in d["doc_id"]], fontsize=7)
    ax.axvline(0, color="black", lw=0.5)
    for t in (-THRESHOLD, THRESHOLD):
        ax.axvline(t, color="grey", lw=0.5, ls=":")
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"{dimension}_stance (95% bootstrap interval)")
    handles = [plt.Line2D([], [], marker="o", ls="", color=colours[k], label=k)
               for k in colours if k in set(d["outlet_origin"])]
    ax.legend(handles=handles, fontsize=7, loc="lower right")
    return ax
