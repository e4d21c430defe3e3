"""Group differences as estimates with uncertainty (in the spirit of stm's ``estimateEffect``).

A measure of each document (stance score, a frame share, a topic's prevalence) is regressed on the
documents' outlet origin and period together: ordinary least squares for scores, a fractional
logit (binomial GLM with a logit link) for shares in [0, 1]. Standard errors are clustered by
outlet, so that several articles of one outlet, and the pieces of one stitched page, do not count as
independent evidence. With too few clusters for a clustered variance (fewer than the model has
coefficients, or fewer than 3) the errors fall back to heteroskedasticity-robust ones, and the
table says so.

Two tables come out: the *contrasts* (each level against the reference level, the coefficients)
and the *adjusted means* (the measure each level would have with the other factor as observed),
both with 95% intervals.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

EFFECT_COLUMNS = ["outcome", "factor", "level", "reference", "estimate", "se", "ci_low", "ci_high", "p_value",
                  "n_docs", "n_clusters", "se_type"]
MEAN_COLUMNS = ["outcome", "factor", "level", "estimate", "se", "ci_low", "ci_high", "n_docs", "n_clusters", "se_type"]


def assign_clusters(documents: pd.DataFrame) -> pd.Series:
    """The cluster of each document: its outlet, else the page (``source``) it came from.

    Parameters
    ----------
    documents : DataFrame
        ``doc_id`` and, when known, ``outlet`` and ``source``.

    Returns
    -------
    Series
        One label per document; the pieces of a stitched page share their page's label.
    """
    page = documents["source"] if "source" in documents else documents["doc_id"].astype(str).str.split("#").str[0]
    outlet = (documents["outlet"].fillna("").astype(str) if "outlet" in documents
              else pd.Series("", index=documents.index))
    return outlet.where(outlet.str.strip() != "", "page:" + page.astype(str))


def _design(frame: pd.DataFrame, factors: list[str], references: dict[str, str]) -> tuple[pd.DataFrame, list]:
    cols = {"const": np.ones(len(frame))}
    terms = []
    for f in factors:
        for level in sorted(frame[f].unique()):
            if level == references[f]:
                continue
            cols[f"{f}={level}"] = (frame[f] == level).astype(float).to_numpy()
            terms.append((f, level))
    return pd.DataFrame(cols, index=frame.index), terms


def estimate_effects(documents: pd.DataFrame, outcome: str, factors: tuple[str, ...] = ("outlet_origin", "period"),
                     share: bool | None = None, references: dict[str, str] | None = None,
                     min_docs: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regress one document measure on the grouping factors, with standard errors clustered by outlet.

    Parameters
    ----------
    documents : DataFrame
        One row per document: the ``outcome`` column, the ``factors`` columns and ``outlet`` /
        ``source`` for the clusters. Documents with a missing outcome (no stance evidence) or an
        empty factor value are left out and counted.
    outcome : str
        The measure, e.g. ``relations_stance``, ``frame_security`` or a topic share.
    factors : tuple of str
        Grouping columns; a factor with a single level in the data is dropped.
    share : bool, optional
        True for a share in [0, 1] (fractional logit); by default, when every value lies in [0, 1]
        and the name is not a stance.
    references : dict, optional
        Factor -> reference level (default: the most frequent level, ties by name).
    min_docs : int
        Levels with fewer documents are left out.

    Returns
    -------
    (contrasts, means) : DataFrame, DataFrame
        :data:`EFFECT_COLUMNS` (level minus reference, on the outcome's scale for OLS and in
        log-odds for shares) and :data:`MEAN_COLUMNS` (adjusted means on the outcome's scale).
        Both are empty when fewer than two levels remain or the model cannot be fitted.
    """
    import statsmodels.api as sm

    frame = documents.copy()
    frame[outcome] = pd.to_numeric(frame[outcome], errors="coerce")
    frame = frame[frame[outcome].notna()]
    active = []
    for f in factors:
        if f not in frame:
            continue
        frame[f] = frame[f].fillna("").astype(str)
        frame = frame[frame[f].str.strip() != ""]
        counts = frame[f].value_counts()
        frame = frame[frame[f].isin(counts[counts >= min_docs].index)]
    for f in factors:
        if f in frame and frame[f].nunique() >= 2:
            active.append(f)
    empty = (pd.DataFrame(columns=EFFECT_COLUMNS), pd.DataFrame(columns=MEAN_COLUMNS))
    if not active or len(frame) < 3:
        return empty
    if share is None:
        share = bool(frame[outcome].between(0, 1).all()) and "stance" not in outcome
    refs = dict(references or {})
    for f in active:
        if refs.get(f) not in set(frame[f]):
            counts = frame[f].value_counts()
            refs[f] = sorted(counts[counts == counts.max()].index)[0]
    X, terms = _design(frame, active, refs)
    y = frame[outcome].to_numpy(dtype=float)
    groups = pd.factorize(assign_clusters(frame))[0]
    n_clusters = int(groups.max() + 1)
    use_cluster = n_clusters >= max(3, X.shape[1] + 1)
    se_type = "clustered by outlet" if use_cluster else "robust (HC1; too few outlets to cluster)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if share:
            model = sm.GLM(y, X, family=sm.families.Binomial())
        else:
            model = sm.OLS(y, X)
        try:
            fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}) if use_cluster else model.fit(
                cov_type="HC1")
        except (ValueError, np.linalg.LinAlgError):
            return empty
    params, cov, pvalues = np.asarray(fit.params), np.asarray(fit.cov_params()), np.asarray(fit.pvalues)
    z = 1.959963984540054
    rows = []
    for j, (f, level) in enumerate(terms, start=1):
        se = float(np.sqrt(cov[j, j]))
        rows.append({"outcome": outcome, "factor": f, "level": level, "reference": refs[f], "estimate": params[j],
                     "se": se, "ci_low": params[j] - z * se, "ci_high": params[j] + z * se,
                     "p_value": float(pvalues[j]), "n_docs": len(frame), "n_clusters": n_clusters,
                     "se_type": se_type})
    means = []
    names = list(X.columns)
    for f in active:
        for level in sorted(frame[f].unique()):
            Xl = X.copy()
            for col in names:
                if col.startswith(f"{f}="):
                    Xl[col] = 1.0 if col == f"{f}={level}" else 0.0
            A = Xl.to_numpy()
            eta = A @ params
            if share:
                p = 1 / (1 + np.exp(-eta))
                est = float(p.mean())
                grad = ((p * (1 - p))[:, None] * A).mean(axis=0)
            else:
                est = float(eta.mean())
                grad = A.mean(axis=0)
            se = float(np.sqrt(grad @ cov @ grad))
            means.append({"outcome": outcome, "factor": f, "level": level, "estimate": est, "se": se,
                          "ci_low": est - z * se, "ci_high": est + z * se, "n_docs": int((frame[f] == level).sum()),
                          "n_clusters": int(len(set(groups[(frame[f] == level).to_numpy()]))), "se_type": se_type})
    contrasts = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    adjusted = pd.DataFrame(means, columns=MEAN_COLUMNS)
    for table in (contrasts, adjusted):
        for col in ("estimate", "se", "ci_low", "ci_high"):
            table[col] = table[col].astype(float).round(4)
    return contrasts, adjusted


def estimate_all_effects(documents: pd.DataFrame, outcomes: list[str],
                         factors: tuple[str, ...] = ("outlet_origin", "period")) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`estimate_effects` for several outcomes, stacked.

    Parameters
    ----------
    documents : DataFrame
        One row per document with every outcome column.
    outcomes : list of str
        The measures to model.
    factors : tuple of str
        Grouping columns.

    Returns
    -------
    (contrasts, means) : DataFrame, DataFrame
    """
    pairs = [estimate_effects(documents, o, factors) for o in outcomes if o in documents]
    contrasts = [c for c, _ in pairs if len(c)]
    means = [m for _, m in pairs if len(m)]
    return (pd.concat(contrasts, ignore_index=True) if contrasts else pd.DataFrame(columns=EFFECT_COLUMNS),
            pd.concat(means, ignore_index=True) if means else pd.DataFrame(columns=MEAN_COLUMNS))
