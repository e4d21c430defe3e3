"""Keyness: the words and phrases that distinguish one group of articles from another.

For every term, the 2x2 table (term vs all other terms, target vs reference) gives
log-likelihood G2 (Dunning 1993; Rayson and Garside 2000), Pearson chi-squared (as quanteda's
``textstat_keyness``), its p-value, and the log ratio effect size (Hardie 2014: log2 of the ratio
of relative frequencies; 0.5 added to a zero count). G2 and chi-squared are signed: positive when
the term is over-represented in the target group, negative when in the reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEYNESS_COLUMNS = ["term", "target_count", "reference_count", "target_per_10k",
                   "reference_per_10k", "g2", "chi2", "p_value", "q_value", "log_ratio", "key_for"]


def g2(a: np.ndarray | float, b: np.ndarray | float, c: float, d: float) -> np.ndarray:
    """Unsigned log-likelihood G2 of counts ``a`` (target) and ``b`` (reference) in corpora of
    ``c`` and ``d`` tokens."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2.0 * (t1 + t2)


def chi2(a: np.ndarray | float, b: np.ndarray | float, c: float, d: float) -> np.ndarray:
    """Unsigned Pearson chi-squared of the 2x2 table ``[[a, b], [c - a, d - b]]``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = c + d
    num = n * (a * (d - b) - b * (c - a)) ** 2
    den = (a + b) * (n - a - b) * c * d
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, 0.0)


def log_ratio(a: np.ndarray | float, b: np.ndarray | float, c: float, d: float) -> np.ndarray:
    """Binary log of the ratio of relative frequencies (zero counts count 0.5)."""
    a = np.where(np.asarray(a, dtype=float) == 0, 0.5, a)
    b = np.where(np.asarray(b, dtype=float) == 0, 0.5, b)
    return np.log2((a / c) / (b / d))


def count_terms(texts: pd.Series, ngram_range: tuple[int, int] = (1, 2),
                stop_words: str | list[str] | None = "english") -> pd.DataFrame:
    """Document-term counts (rows follow ``texts``), lower-cased word n-grams."""
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(lowercase=True, ngram_range=ngram_range, stop_words=stop_words,
                          token_pattern=r"(?u)\b[A-Za-z][A-Za-z'’-]*[A-Za-z]\b")
    X = vec.fit_transform(texts.astype(str))
    return pd.DataFrame.sparse.from_spmatrix(X, columns=vec.get_feature_names_out())


def compute_keyness(texts: pd.DataFrame, groups: pd.DataFrame, by: str, target: str,
            reference: str | list[str] | None = None, ngram_range: tuple[int, int] = (1, 2),
            min_count: int = 3, stop_words: str | list[str] | None = "english",
            sort_by: str = "g2", min_docs: int = 3) -> pd.DataFrame:
    """Key terms of a target group against a reference group.

    Parameters
    ----------
    texts : DataFrame
        ``doc_id, text`` (documents, paragraphs or sentences).
    groups : DataFrame
        ``doc_id`` and the metadata column ``by`` (e.g. ``outlet_origin``, ``period``).
    by : str
        The grouping column.
    target : str
        The value of ``by`` that forms the target group.
    reference : str or list of str, optional
        Value(s) forming the reference; default every other document with a value.
    ngram_range : tuple of int
        Word n-gram lengths (stop words are removed before n-grams are formed).
    min_count : int
        Minimum count over both groups for a term to be tested.
    stop_words : "english", list or None
        Stop words (scikit-learn's English list by default).
    sort_by : {"g2", "chi2", "log_ratio"}
        Ordering (descending signed value: target's key terms first, reference's last).
    min_docs : int
        Fewest documents a group should have: below it the comparison says more about single
        articles than about a group, so a warning is issued and ``attrs["warning"]`` is set.

    Returns
    -------
    DataFrame
        ``term, target_count, reference_count, target_per_10k, reference_per_10k, g2, chi2,
        p_value, q_value, log_ratio, key_for``: ``p_value`` from the signed log-likelihood (G2) test,
        ``q_value`` its Benjamini-Hochberg adjustment over every term tested (report terms with
        ``q_value < 0.05``), ``key_for`` ``"target"``, ``"reference"`` or ``"neither"`` (equal rates).
        ``attrs`` holds ``n_target_docs``, ``n_reference_docs`` and any ``warning``.
    """
    import warnings

    from scipy.stats import chi2 as chi2_dist

    meta = groups[["doc_id", by]].drop_duplicates("doc_id")
    data = texts[["doc_id", "text"]].merge(meta, on="doc_id", how="inner")
    data = data[data[by].notna() & (data[by].astype(str) != "")]
    is_target = data[by].astype(str) == str(target)
    if reference is None:
        is_ref = ~is_target
    else:
        refs = [reference] if isinstance(reference, str) else list(reference)
        is_ref = data[by].astype(str).isin([str(r) for r in refs])
    data, is_target, is_ref = data[is_target | is_ref], is_target[is_target | is_ref], is_ref[is_target | is_ref]
    if not is_target.any() or not is_ref.any():
        raise ValueError(f"both groups need texts: target {target!r}, reference {reference!r} in {by!r}")
    counts = count_terms(data["text"], ngram_range, stop_words)
    a = np.asarray(counts[is_target.to_numpy()].sum(axis=0), dtype=float).ravel()
    b = np.asarray(counts[is_ref.to_numpy()].sum(axis=0), dtype=float).ravel()
    c, d = a.sum(), b.sum()
    keep = (a + b) >= min_count
    terms = np.asarray(counts.columns)[keep]
    a, b = a[keep], b[keep]
    sign = np.sign(a / c - b / d)
    g = g2(a, b, c, d)
    x2 = chi2(a, b, c, d)
    out = pd.DataFrame({
        "term": terms, "target_count": a.astype(int), "reference_count": b.astype(int),
        "target_per_10k": np.round(a / c * 1e4, 3), "reference_per_10k": np.round(b / d * 1e4, 3),
        "g2": np.round(sign * g, 3), "chi2": np.round(sign * x2, 3),
        "p_value": np.round(chi2_dist.sf(g, df=1), 4),
        "q_value": np.round(benjamini_hochberg(chi2_dist.sf(g, df=1)), 4),
        "log_ratio": np.round(log_ratio(a, b, c, d), 3),
    })
    out["key_for"] = np.where(out["g2"] > 0, "target", np.where(out["g2"] < 0, "reference", "neither"))
    out = out.sort_values([sort_by, "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    n_target, n_ref = data.loc[is_target, "doc_id"].nunique(), data.loc[is_ref, "doc_id"].nunique()
    out.attrs.update(n_target_docs=int(n_target), n_reference_docs=int(n_ref))
    if min(n_target, n_ref) < min_docs:
        message = (f"keyness of {target!r} in {by!r}: {n_target} target and {n_ref} reference documents; with fewer "
                   f"than {min_docs} in a group the key terms describe single articles, not a group")
        out.attrs["warning"] = message
        warnings.warn(message, stacklevel=2)
    return out


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate) of a set of tests.

    Parameters
    ----------
    p_values : array of float
        One p-value per test.

    Returns
    -------
    ndarray
        The adjusted values (q-values), in the input order, each at most 1.
    """
    p = np.asarray(p_values, dtype=float)
    if not len(p):
        return p
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out
