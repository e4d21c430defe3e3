"""Agreement between coders, and between coders and a method: Krippendorff's alpha with intervals."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from sinojp import stats

#: the metric of each coded variable
LEVELS = {"relations_stance": "ordinal", "us_stance": "ordinal", "frame": "nominal",
          "relations_tone": "ordinal", "us_tone": "ordinal", "primary_frame": "nominal"}


def _value(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or v == "":
        return None
    return int(v) if isinstance(v, (int, np.integer)) else v


def tabulate_agreement(table: pd.DataFrame, variables: list[str], coders: list[str], n_boot: int = 1000,
                       random_state: int = 0) -> pd.DataFrame:
    """Krippendorff's alpha between every pair of coders and among all of them, per variable.

    Parameters
    ----------
    table : DataFrame
        One row per coded unit (sentence or document), with a column ``<variable>_<coder>`` for
        every variable and coder (missing where a coder did not code the unit).
    variables : list of str
        Variables to compare (their metric comes from :data:`LEVELS`, nominal otherwise).
    coders : list of str
        Coder suffixes, e.g. ``["a", "b", "c"]`` (a method's predictions can be a "coder" too).
    n_boot : int
        Bootstrap resamples of the units for the 95% interval.
    random_state : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        ``variable, level, coders, n_units, alpha, ci_low, ci_high, agreement`` (the share of units
        on which all the coders agree), one row per coder pair and one for all coders together.
    """
    rows = []
    groups = [list(p) for p in combinations(coders, 2)] + ([coders] if len(coders) > 2 else [])
    for variable in variables:
        level = LEVELS.get(variable, "nominal")
        for group in groups:
            cols = [f"{variable}_{c}" for c in group]
            if not all(c in table for c in cols):
                continue
            units = [[_value(v) for v in row] for row in table[cols].itertuples(index=False, name=None)]
            units = [u for u in units if sum(v is not None for v in u) == len(group)]
            if not units:
                continue
            alpha, low, high = stats.alpha_interval(units, level, n_boot=n_boot, random_state=random_state)
            agree = float(np.mean([len(set(u)) == 1 for u in units]))
            rows.append({"variable": variable, "level": level, "coders": "-".join(c.upper() for c in group),
                         "n_units": len(units), "alpha": round(alpha, 3), "ci_low": round(low, 3),
                         "ci_high": round(high, 3), "agreement": round(agree, 3)})
    return pd.DataFrame(rows, columns=["variable", "level", "coders", "n_units", "alpha", "ci_low", "ci_high",
                                       "agreement"])
