"""Actor salience figures."""

from __future__ import annotations

import pandas as pd


def plot_salience(by_group: pd.DataFrame, by: str = "outlet_origin", top: int = 12, ax=None):
    """Heat map of mean salience, actors (most salient overall first) x groups; returns the Axes.

    Parameters
    ----------
    by_group : DataFrame
        Mean salience per group from :func:`sinojp.compare.tabulate_salience` (``actor``, the
        ``by`` column and ``mean_salience``).
    by : str
        The grouping column (default ``"outlet_origin"``); one heat-map column per group.
    top : int
        Actors shown (default 12): those with the highest salience averaged over the groups.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        Drawn by :func:`sinojp.plots.plot_matrix`; an actor absent from a group counts as 0.
    """
    from sinojp.plots.matrix import plot_matrix

    wide = by_group.pivot_table(index="actor", columns=by, values="mean_salience", fill_value=0.0)
    order = wide.mean(axis=1).sort_values(ascending=False, kind="mergesort")
    wide = wide.loc[order.index[:top]]
    wide.columns = [str(c) for c in wide.columns]
    ax = plot_matrix(wide, ax=ax, title=f"Mean actor salience\nby {by}", cmap="Blues", vmin=0.0)
    return ax
