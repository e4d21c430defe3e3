"""Keyness figures."""

from __future__ import annotations

import pandas as pd


def plot_keyness(table: pd.DataFrame, n: int = 12, measure: str = "g2", ax=None,
                 target_label: str = "target", reference_label: str = "reference"):
    """Bar plot of the ``n`` strongest key terms of each side (signed ``measure``).

    The target's key terms (positive values) are drawn to the right in red, the reference's
    (negative values) to the left in blue.

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
        Names of the two groups in the axis label and title.

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
    ax.barh(range(len(show)), show[measure], color=colors)
    ax.set_yticks(range(len(show)))
    ax.set_yticklabels(show["term"])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"signed {measure} (right: {target_label}; left: {reference_label})")
    ax.set_title(f"Key terms: {target_label} vs {reference_label}")
    return ax
