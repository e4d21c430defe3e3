"""Coefficient plots of group estimates with their 95% intervals."""

from __future__ import annotations

import pandas as pd


def plot_effects(means: pd.DataFrame, ax=None, title: str = "", xlabel: str = "estimate (95% interval)"):
    """Adjusted means (or contrasts) per group as points with 95% interval bars, one row per level.

    Parameters
    ----------
    means : DataFrame
        :func:`sinojp.compare.estimate_effects` output: ``factor, level, estimate, ci_low, ci_high``
        (and ``n_docs``, shown in the labels).
    ax : matplotlib Axes, optional
        Drawn on a new figure when not given.
    title, xlabel : str
        Panel title and x-axis label.

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.45 * max(3, len(means)) + 1))
    rows = means.reset_index(drop=True)
    y = list(range(len(rows)))[::-1]
    labels = [f"{r.factor}: {r.level}" + (f"  (n={int(r.n_docs)})" if "n_docs" in rows else "")
              for r in rows.itertuples()]
    for yi, r in zip(y, rows.itertuples()):
        ax.plot([r.ci_low, r.ci_high], [yi, yi], color="#4c72b0", linewidth=2)
        ax.plot([r.estimate], [yi], "o", color="#1f3b73")
    if len(rows):
        ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, labels)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    return ax
