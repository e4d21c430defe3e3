"""Document-by-document matrices as heatmaps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sinojp.text import shorten

#: longest row or column label drawn in full; longer labels end in an ellipsis
MAX_LABEL = 40


def _text_colour(rgba) -> str:
    """Black or white, whichever contrasts with a background colour (relative luminance).

    Parameters
    ----------
    rgba : tuple of float
        The background colour (red, green, blue[, alpha]) in [0, 1].

    Returns
    -------
    str
        ``"black"`` on light backgrounds, ``"white"`` on dark ones.
    """
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(float(c)) for c in rgba[:3])
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 else "white"


def plot_matrix(matrix: pd.DataFrame, ax=None, title: str = "", cmap: str = "viridis",
                fmt: str = "{:.2f}", vmin: float | None = 0.0, vmax: float | None = None,
                max_label: int = MAX_LABEL):
    """Annotated heat map of a square (or any) matrix; returns the Axes.

    Every cell is labelled with its value, in black on light cells and white on dark ones (empty
    for a missing value); labels longer than ``max_label`` characters end in an ellipsis, and a
    colour bar is added. Without ``ax`` the figure is sized to the matrix and its labels.

    Parameters
    ----------
    matrix : DataFrame
        Numeric values; the index labels the rows, the columns the columns (e.g. from
        :func:`sinojp.compare.compute_tfidf_similarity` or
        :func:`sinojp.compare.build_cooccurrence_matrix`).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the matrix and its labels.
    title : str
        Axes title (none when empty).
    cmap : str
        Matplotlib colour map (default ``"viridis"``).
    fmt : str
        Format of the cell labels (default ``"{:.2f}"``).
    vmin, vmax : float or None
        Limits of the colour scale (default 0 and the largest value).
    max_label : int
        Longest label drawn in full (default :data:`MAX_LABEL`, 40 characters).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    rows = [shorten(str(i), max_label) for i in matrix.index]
    cols = [shorten(str(c), max_label) for c in matrix.columns]
    created = ax is None
    if created:
        row_chars = max((len(r) for r in rows), default=4)
        col_chars = max((len(c) for c in cols), default=4)
        width = max(4.5, 1.9 + 0.065 * row_chars + 0.75 * matrix.shape[1])
        height = max(2.5, 1.0 + 0.055 * col_chars + 0.45 * matrix.shape[0] + (0.3 if title else 0.0))
        _, ax = plt.subplots(figsize=(round(width, 1), round(height, 1)))
    vals = matrix.to_numpy(dtype=float)
    im = ax.imshow(vals, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_xticklabels(cols, rotation=45 if matrix.shape[1] > 1 else 0, ha="right" if matrix.shape[1] > 1 else "center",
                       fontsize=8)
    ax.set_yticks(range(matrix.shape[0]))
    ax.set_yticklabels(rows, fontsize=8)
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if np.isnan(vals[i, j]):
                continue
            ax.text(j, i, fmt.format(vals[i, j]), ha="center", va="center", fontsize=7,
                    color=_text_colour(im.cmap(im.norm(vals[i, j]))))
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    if title:
        ax.set_title(title)
    if created:
        ax.figure.tight_layout()
    return ax
