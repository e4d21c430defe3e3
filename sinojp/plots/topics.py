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


def plot_prevalence_heatmap(doc_topics: pd.DataFrame, topics: pd.DataFrame | None = None, ax=None, max_chars: int = 40):
    """Heat map of topic shares, documents (rows) by topics (columns).

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``TopicModelResult.doc_topics``.
    topics : pandas.DataFrame or None
        ``TopicModelResult.topics``; labels the columns when given.
    ax : matplotlib Axes or None
    max_chars : int
        Document ids longer than this are shortened.

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
    ids = [d if len(d) <= max_chars else d[: max_chars - 1] + "…" for d in doc_topics["doc_id"].astype(str)]
    ax.set_yticks(range(len(ids)), ids)
    fig.colorbar(image, ax=ax, label="topic share")
    return fig


def plot_group_prevalence(table: pd.DataFrame, by: str = "outlet_origin", ax=None):
    """Topic prevalence per group with bootstrap intervals (hollow markers: thin groups).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`prevalence_by_group`.
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
        fig, ax = plt.subplots(figsize=(1.3 * len(topics) + 4, 4), constrained_layout=True)
    else:
        fig = ax.figure
    width = 0.8 / max(len(groups), 1)
    for i, group in enumerate(groups):
        part = table[table[by] == group].sort_values("topic")
        x = part["topic"].to_numpy() - 0.4 + width * (i + 0.5)
        err = np.vstack([part["prevalence"] - part["ci_low"], part["ci_high"] - part["prevalence"]])
        thin = bool(part["thin"].iloc[0])
        n_docs = int(part["n_docs"].iloc[0])
        ax.errorbar(x, part["prevalence"], yerr=err, fmt="o", capsize=3, mfc="white" if thin else None,
                    label=f"{group} ({n_docs} doc{'s' if n_docs != 1 else ''}{', thin' if thin else ''})")
    labels = table.drop_duplicates("topic").sort_values("topic")
    ax.set_xticks(topics, [f"{t}: {lab}" for t, lab in zip(labels["topic"], labels["label"])], rotation=35, ha="right")
    ax.set_ylabel("mean document share")
    ax.legend(fontsize="small")
    return fig


def plot_search_k(selection: pd.DataFrame, axes=None):
    """Candidates of the topic model against k: held-out coherence, exclusivity and stability.

    The figure stm's ``searchK`` draws: one panel per measure, one line per algorithm, the chosen
    candidate circled, and NPMI with its standard error over topics.

    Parameters
    ----------
    selection : DataFrame
        ``TopicModelResult.selection``: ``algorithm, k, npmi, npmi_se, exclusivity, stability, chosen``.
    axes : sequence of three matplotlib Axes, optional
        Drawn on a new figure when not given.

    Returns
    -------
    sequence of matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    panels = [("npmi", "NPMI (held-out)"), ("exclusivity", "exclusivity"), ("stability", "stability over seeds")]
    for ax, (col, label) in zip(axes, panels):
        if col not in selection:
            ax.set_visible(False)
            continue
        for algorithm, group in selection.sort_values("k").groupby("algorithm", sort=True):
            err = group["npmi_se"] if col == "npmi" and "npmi_se" in group else None
            ax.errorbar(group["k"], group[col], yerr=err, marker="o", capsize=3, label=algorithm)
        chosen = selection[selection["chosen"]]
        ax.scatter(chosen["k"], chosen[col], s=160, facecolors="none", edgecolors="black", zorder=3, label="chosen")
        ax.set_xlabel("k (topics)")
        ax.set_title(label)
        ax.set_xticks(sorted(selection["k"].unique()))
    axes[0].legend(fontsize="small", loc="best")
    return axes
