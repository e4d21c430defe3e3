"""Topic prevalence by group, with bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sinojp.topics.model import TopicModelResult


def _group_labels(doc_ids: pd.Series, documents: pd.DataFrame | None, by: str) -> pd.Series:
    if documents is None or by not in documents.columns:
        return pd.Series("unknown", index=doc_ids.index)
    mapping = documents.drop_duplicates("doc_id").set_index("doc_id")[by]
    labels = doc_ids.map(mapping).astype(object)
    return labels.where(labels.notna() & (labels.astype(str).str.strip() != ""), "unknown").astype(str)


def _bootstrap_group(shares: np.ndarray, weights: np.ndarray, sizes: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Two-stage bootstrap of the mean document share: documents, then paragraphs within them."""
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    n_docs = len(sizes)
    out = np.empty((n_boot, shares.shape[1]))
    for b in range(n_boot):
        docs = rng.integers(0, n_docs, n_docs)
        per = sizes[docs]
        offsets = np.repeat(starts[docs], per)
        picks = offsets + np.floor(rng.random(per.sum()) * np.repeat(per, per)).astype(int)
        seg = np.concatenate([[0], np.cumsum(per)[:-1]])
        w = weights[picks]
        num = np.add.reduceat(shares[picks] * w[:, None], seg, axis=0)
        den = np.add.reduceat(w, seg)
        out[b] = (num / den[:, None]).mean(axis=0)
    return out


def estimate_prevalence(
    result: TopicModelResult,
    documents: pd.DataFrame | None,
    by: str = "outlet_origin",
    n_boot: int = 500,
    level: float = 0.9,
    min_docs: int = 5,
    random_state: int = 0,
) -> pd.DataFrame:
    """Topic prevalence per group of documents (outlet origin, period, …) with bootstrap intervals.

    Prevalence is the mean document share of a topic over the group's documents. The interval is
    a percentile interval of a two-stage bootstrap that resamples documents, then paragraphs within
    each drawn document, so it reflects both few documents and few paragraphs. A group of one
    document still gets an interval (from its paragraphs alone), but any group with fewer than
    ``min_docs`` documents is flagged ``thin``: its interval says nothing about other articles.

    Parameters
    ----------
    result : TopicModelResult
        A fitted model.
    documents : pandas.DataFrame or None
        ``doc_id`` and the ``by`` column; missing or empty values form the group "unknown".
    by : str
        The grouping column.
    n_boot, level : int, float
        Bootstrap replicates and interval coverage.
    min_docs : int
        Groups with fewer modelled documents are flagged ``thin``.
    random_state : int
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        ``<by>, topic, label, prevalence, ci_low, ci_high, n_docs, n_paragraphs, thin`` (rounded to
        3 decimals), groups in sorted order.
    """
    cols = result.topic_columns
    para = result.paragraph_topics.sort_values(["doc_id", "para_id"], kind="mergesort").reset_index(drop=True)
    para["group"] = _group_labels(para["doc_id"], documents, by)
    rng = np.random.default_rng(random_state)
    alpha = (1.0 - level) / 2.0
    rows = []
    for group, part in para.groupby("group", sort=True):
        sizes = part.groupby("doc_id", sort=True).size().to_numpy()
        shares = part[cols].to_numpy(dtype=float)
        weights = part["n_terms"].to_numpy(dtype=float)
        point = _bootstrap_point(shares, weights, sizes)
        boot = _bootstrap_group(shares, weights, sizes, n_boot, rng)
        low, high = np.quantile(boot, [alpha, 1.0 - alpha], axis=0)
        for t in range(result.k):
            rows.append((group, t, result.topics["label"].iloc[t], point[t], low[t], high[t], len(sizes), len(part), len(sizes) < min_docs))
    table = pd.DataFrame(rows, columns=[by, "topic", "label", "prevalence", "ci_low", "ci_high", "n_docs", "n_paragraphs", "thin"])
    return table.round({"prevalence": 3, "ci_low": 3, "ci_high": 3})


def _bootstrap_point(shares: np.ndarray, weights: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    seg = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    num = np.add.reduceat(shares * weights[:, None], seg, axis=0)
    den = np.add.reduceat(weights, seg)
    return (num / den[:, None]).mean(axis=0)
