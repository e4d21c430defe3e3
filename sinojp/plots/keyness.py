"""Keyness figures."""

from __future__ import annotations

import numpy as np
import pandas as pd


def plot_keyness(table: pd.DataFrame, n: int = 12, measure: str = "g2", ax=None,
                 target_label: str = "target", reference_label: str = "reference"):
    """Bar plot of the ``n`` strongest key terms of each side (signed ``measure``).

    The target's key terms (positive values) are drawn to the right in red, the reference's
    (negative values) to the left in blue; terms whose Benjamini-Hochberg ``q_value`` is 0.05 or
    more are drawn pale. The title names both groups with their number of documents (from the
    table's ``attrs``) and says when the table carries a small-group warning.

    Parameters
    ----------
    table : DataFrame
        Key terms from :func:`sinojp.compare.compute_keyness` (``term`` and the ``measure`` column).
    n : int
        Terms shown per side (default 12).
    measure : {"g2", "chi2", "log_ratio"}
        The signed keyness column to plot (default ``"g2"``).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the number of terms.
    target_label, reference_label : str
        Names of the two groups in the axis label and title (e.g. ``"china_state"`` and
        ``"japan, other"``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    top = table[table[measure] > 0].nlargest(n, measure, keep="first")
    bottom = table[table[measure] < 0].nsmallest(n, measure, keep="first")
    show = pd.concat([top, bottom.iloc[::-1]]).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.3 * max(len(show), 4) + 1))
    colors = ["#b2182b" if v > 0 else "#2166ac" for v in show[measure]]
    faint = (show["q_value"] >= 0.05).to_numpy() if "q_value" in show else np.zeros(len(show), bool)
    bars = ax.barh(range(len(show)), show[measure], color=colors)
    for bar, pale in zip(bars, faint):
        bar.set_alpha(0.35 if pale else 1.0)
    ax.set_yticks(range(len(show)))
    ax.set_yticklabels(show["term"])
    ax.axvline(0, color="black", linewidth=0.8)
    note = "; pale: q >= 0.05" if "q_value" in show else ""
    ax.set_xlabel(f"signed {measure} (right: {target_label}; left: {reference_label}{note})")

    def named(label: str, key: str) -> str:
        n = table.attrs.get(key)
        return f"{label} ({n} doc{'s' if n != 1 else ''})" if n is not None else label

    title = f"Key terms: {named(target_label, 'n_target_docs')} vs {named(reference_label, 'n_reference_docs')}"
    if table.attrs.get("warning"):
        title += "\n(a group has too few documents: these are single articles, not groups)"
    ax.set_title(title, fontsize=10)
    return ax
