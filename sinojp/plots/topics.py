"""Topic figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sinojp.topics.settings import TopicSettings


def plot_selection(selection: pd.DataFrame, settings: TopicSettings | None = None, axes=None):
    """NPMI, diversity and stability against k, one line per algorithm; the chosen model starred.

    Parameters
    ----------
    selection : pandas.DataFrame
        ``TopicModelResult.selection``.
    settings : TopicSettings or None
        If given, the diversity and stability thresholds of the rule are drawn as dashed lines.
    axes : sequence of three matplotlib Axes or None
        Where to draw; a new 1 x 3 figure if None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), constrained_layout=True)
    else:
        fig = axes[0].figure
    thresholds = {"diversity": settings.min_diversity, "stability": settings.min_stability} if settings else {}
    for ax, measure in zip(axes, ["npmi", "diversity", "stability"]):
        for algorithm, part in selection.groupby("algorithm", sort=True):
            ax.plot(part["k"], part[measure], marker="o", label=algorithm)
        chosen = selection[selection["chosen"]]
        ax.plot(chosen["k"], chosen[measure], marker="*", markersize=16, color="black", linestyle="none", label="chosen")
        if measure in thresholds:
            ax.axhline(thresholds[measure], color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("number of topics k")
        ax.set_title(measure)
    axes[0].legend()
    return fig


def plot_prevalence_heatmap(doc_topics: pd.DataFrame, topics: pd.DataFrame | None = None, ax=None, max_chars: int = 40,
                            documents: pd.DataFrame | None = None):
    """Heat map of topic shares, documents (rows) by topics (columns).

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``TopicModelResult.doc_topics``.
    topics : pandas.DataFrame or None
        ``TopicModelResult.topics``; labels the columns when given.
    ax : matplotlib Axes or None
    max_chars : int
        Row labels longer than this are shortened.
    documents : pandas.DataFrame or None
        ``doc_id, outlet, date``: when given, each row is labelled by its outlet (without a
        parenthesised note) and date, plus ``#n`` for the n-th piece of a split page, instead of
        its id (labels made unique by falling back to the id).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    values = doc_topics[cols].to_numpy(dtype=float)
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.2 * len(cols) + 4, 0.35 * len(doc_topics) + 1.5), constrained_layout=True)
    else:
        fig = ax.figure
    if not cols:
        ax.text(0.5, 0.5, "no topic model: too few paragraphs", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0, vmax=1)
    names = [f"{t}: {lab}" for t, lab in zip(topics["topic"], topics["label"])] if topics is not None else cols
    ax.set_xticks(range(len(cols)), names, rotation=35, ha="right")
    ids = doc_topics["doc_id"].astype(str).tolist()
    names = _label_documents(ids, documents) if documents is not None else dict(zip(ids, ids))
    shown = [names[d] if len(names[d]) <= max_chars else names[d][: max_chars - 1] + "…" for d in ids]
    ax.set_yticks(range(len(shown)), shown)
    ax.set_title("Topic shares of each document")
    fig.colorbar(image, ax=ax, label="topic share")
    return fig


def _label_documents(doc_ids: list[str], documents: pd.DataFrame) -> dict[str, str]:
    """Display labels ``outlet date`` (``#n`` for a piece of a split page) for document ids.

    Parameters
    ----------
    doc_ids : list of str
        The documents to label.
    documents : pandas.DataFrame
        ``doc_id`` and, when known, ``outlet`` and ``date``.

    Returns
    -------
    dict of str to str
        ``doc_id -> label``. The outlet loses a parenthesised note ("CGTN (opinion)" -> "CGTN");
        a document without outlet or date keeps its id; labels that would collide keep the id.
    """
    meta = documents.drop_duplicates("doc_id").set_index("doc_id")
    labels = {}
    for d in doc_ids:
        outlet = str(meta["outlet"].get(d, "") if "outlet" in meta else "").split(" (")[0].strip()
        date = str(meta["date"].get(d, "") if "date" in meta else "").strip()
        outlet, date = ("" if v.lower() in ("nan", "none", "<na>") else v for v in (outlet, date))
        piece = "#" + d.rsplit("#", 1)[1] if "#" in d else ""
        labels[d] = " ".join(v for v in (outlet, date) if v) + piece if outlet or date else d
    counts = pd.Series(list(labels.values())).value_counts()
    return {d: (lab if counts[lab] == 1 else d) for d, lab in labels.items()}


def plot_group_prevalence(table: pd.DataFrame, by: str = "outlet_origin", ax=None):
    """Topic prevalence per group with bootstrap intervals (hollow markers: thin groups).

    Prevalence is a topic's mean share of a document over the group's documents. A group of one
    document gets a marker but no interval (its bootstrap can only resample that article's
    paragraphs); the legend, outside the plot on the right, gives each group's number of documents
    and paragraphs.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`sinojp.topics.estimate_prevalence`.
    by : str
        The grouping column of ``table``.
    ax : matplotlib Axes or None

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    groups = sorted(table[by].unique())
    topics = sorted(table["topic"].unique())
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.1 * len(topics) + 6.5, 4.2), constrained_layout=True)
    else:
        fig = ax.figure
    width = 0.8 / max(len(groups), 1)
    for i, group in enumerate(groups):
        part = table[table[by] == group].sort_values("topic")
        x = part["topic"].to_numpy() - 0.4 + width * (i + 0.5)
        thin = bool(part["thin"].iloc[0])
        n_docs = int(part["n_docs"].iloc[0])
        n_paras = int(part["n_paragraphs"].iloc[0])
        one = n_docs == 1
        err = None if one else np.vstack([part["prevalence"] - part["ci_low"], part["ci_high"] - part["prevalence"]])
        note = ", no interval" if one else ", thin" if thin else ""
        ax.errorbar(x, part["prevalence"], yerr=err, fmt="D" if one else "o", capsize=3,
                    mfc="white" if thin else None,
                    label=f"{group}: n = {n_docs} doc{'s' if n_docs != 1 else ''}, {n_paras} para.{note}")
    labels = table.drop_duplicates("topic").sort_values("topic")
    ax.set_xticks(topics, [f"{t}: {lab}" for t, lab in zip(labels["topic"], labels["label"])], rotation=35, ha="right")
    ax.set_ylabel("prevalence (mean share of a document)")
    ax.set_title(f"Topic prevalence by {by.replace('_', ' ')} (bars: bootstrap interval)")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
              title=by.replace("_", " "), title_fontsize="small")
    return fig


def plot_search_k(selection: pd.DataFrame, axes=None, settings: TopicSettings | None = None):
    """Candidates of the topic model against k: coherence (NPMI), exclusivity, diversity and stability.

    The figure stm's ``searchK`` draws: one panel per measure, one line per algorithm, the chosen
    candidate circled, and NPMI with its standard error over topics. Candidates the rule left out
    (stability or diversity below its threshold) have hollow markers; the NPMI panel says whether
    NPMI was measured on held-out or on the fitted paragraphs (the table's ``npmi_on``), and a
    dotted line marks where the range of k was widened because the choice sat at its top.

    Parameters
    ----------
    selection : DataFrame
        ``TopicModelResult.selection``: ``algorithm, k, npmi, npmi_se, exclusivity, diversity,
        stability, chosen`` (and, when present, ``eligible``, ``npmi_on``, ``widened``).
    axes : sequence of four matplotlib Axes, optional
        Drawn on a new figure when not given.
    settings : TopicSettings, optional
        When given, the rule's diversity and stability thresholds are drawn as dashed lines.

    Returns
    -------
    sequence of matplotlib Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(14, 3.4), constrained_layout=True)
    on = set(selection["npmi_on"]) if "npmi_on" in selection else set()
    npmi_title = ("NPMI on held-out paragraphs" if on == {"held-out"} else
                  "NPMI on the fitted paragraphs" if on == {"fitted"} else "NPMI")
    panels = [("npmi", npmi_title + " (± s.e.)"), ("exclusivity", "exclusivity"),
              ("diversity", "diversity"), ("stability", "stability over seeds")]
    thresholds = {"diversity": settings.min_diversity, "stability": settings.min_stability} if settings else {}
    eligible = selection["eligible"].astype(bool) if "eligible" in selection else pd.Series(True, selection.index)
    widened = selection["widened"].astype(bool) if "widened" in selection else pd.Series(False, selection.index)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (col, label) in zip(axes, panels):
        if col not in selection:
            ax.set_visible(False)
            continue
        for i, (algorithm, group) in enumerate(selection.sort_values("k").groupby("algorithm", sort=True)):
            colour = colours[i % len(colours)]
            err = group["npmi_se"] if col == "npmi" and "npmi_se" in group else None
            ax.errorbar(group["k"], group[col], yerr=err, color=colour, capsize=3, label=algorithm)
            ok = eligible.loc[group.index]
            ax.plot(group["k"][ok], group[col][ok], "o", color=colour)
            ax.plot(group["k"][~ok], group[col][~ok], "o", color=colour, mfc="white")
        chosen = selection[selection["chosen"]]
        ax.scatter(chosen["k"], chosen[col], s=180, facecolors="none", edgecolors="black", linewidths=1.5, zorder=3)
        if col in thresholds:
            ax.axhline(thresholds[col], color="grey", linestyle="--", linewidth=1)
        if widened.any():
            ax.axvline(selection.loc[~widened, "k"].max() + 0.5, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("k (topics)")
        ax.set_title(label, fontsize="medium")
        ax.set_xticks(sorted(selection["k"].unique()))
    handles, _ = axes[0].get_legend_handles_labels()
    handles += [Line2D([], [], marker="o", color="black", mfc="white", linestyle="none", label="not eligible"),
                Line2D([], [], marker="o", markersize=12, color="black", mfc="none", linestyle="none", label="chosen")]
    if thresholds:
        handles.append(Line2D([], [], color="grey", linestyle="--", label="threshold of the rule"))
    if widened.any():
        handles.append(Line2D([], [], color="grey", linestyle=":", label="range widened beyond"))
    axes[-1].legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return axes
