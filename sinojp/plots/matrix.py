"""Document-by-document matrices as heatmaps."""

from __future__ import annotations

import numpy as np
import pandas as pd


def plot_matrix(matrix: pd.DataFrame, ax=None, title: str = "", cmap: str = "viridis",
                fmt: str = "{:.2f}", vmin: float | None = 0.0, vmax: float | None = None):
    """Annotated heat map of a square (or any) matrix; returns the Axes.

    Every cell is labelled with its value; row and column labels are cut to 22 characters, and a
    colour bar is added.

    Parameters
    ----------
    matrix : DataFrame
        Numeric values; the index labels the rows, the columns the columns (e.g. from
        :func:`sinojp.compare.compute_tfidf_similarity` or
        :func:`sinojp.compare.build_cooccurrence_matrix`).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the matrix.
    title : str
        Axes title (none when empty).
    cmap : str
        Matplotlib colour map (default ``"viridis"``).
    fmt : str
        Format of the cell labels (default ``"{:.2f}"``).
    vmin, vmax : float or None
        Limits of the colour scale (default 0 and the largest value).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(1 + 0.7 * matrix.shape[1], 1 + 0.55 * matrix.shape[0]))
    vals = matrix.to_numpy(dtype=float)
    im = ax.imshow(vals, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_xticklabels([str(c)[:22] for c in matrix.columns], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]))
    ax.set_yticklabels([str(i)[:22] for i in matrix.index], fontsize=8)
    hi = np.nanmax(vals) if vals.size else 1.0
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            ax.text(j, i, fmt.format(vals[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if vals[i, j] < 0.6 * hi else "black")
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    if title:
        ax.set_title(title)
    return ax
