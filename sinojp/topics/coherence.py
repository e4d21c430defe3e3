"""Topic quality measures: NPMI coherence, diversity (exclusivity of top terms), stability across runs.

NPMI (Bouma 2009; Aletras & Stevenson 2013; Röder et al. 2015) of a word pair over a reference
corpus of N units, with P(w) the share of units containing w and P(a, b) the share containing both:

    NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / -log P(a, b)

It runs from -1 (never together) through 0 (independent) to +1 (always together). A topic's
coherence is the mean NPMI over all pairs of its top terms. Co-occurrence here is boolean per unit
(paragraph): a pair counts once per paragraph that holds both words, wherever they stand. Counts
come from the sparse unit-by-term matrix restricted to the topics' top terms, so the cost grows
with the number of top terms, never with the full vocabulary squared.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment


def _as_bool_csc(counts: sparse.spmatrix | np.ndarray, columns: np.ndarray) -> sparse.csc_matrix:
    # select the columns first: converting all of a large CSR matrix to CSC would copy it whole
    matrix = counts if sparse.issparse(counts) else sparse.csr_matrix(counts)
    sub = sparse.csc_matrix(matrix[:, columns])
    sub.data = np.ones_like(sub.data, dtype=np.float64)
    sub.eliminate_zeros()
    return sub


def count_term_cooccurrence(counts: sparse.spmatrix | np.ndarray, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Unit frequencies and pairwise co-unit frequencies of some terms.

    Parameters
    ----------
    counts : sparse matrix or array, shape (n_units, n_terms)
        Term counts per unit (any value > 0 counts as present).
    columns : sequence of int
        The term columns to count.

    Returns
    -------
    (df, co)
        ``df[i]`` units containing term ``columns[i]``; ``co[i, j]`` units containing both.
    """
    cols = np.asarray(columns, dtype=int)
    sub = _as_bool_csc(counts, cols)
    co = (sub.T @ sub).toarray()
    return np.diag(co).copy(), co


def compute_npmi_matrix(df: np.ndarray, co: np.ndarray, n_units: int, eps: float | None = None) -> np.ndarray:
    """Pairwise NPMI from unit frequencies.

    Parameters
    ----------
    df, co : numpy.ndarray
        Output of :func:`count_term_cooccurrence`.
    n_units : int
        Size of the reference corpus (units, including empty ones).
    eps : float or None
        None: exact definition, -1 for pairs that never co-occur and +1 for pairs present in every
        unit. A float: gensim's smoothing, ``log((P(a,b)+eps)/(P(a)P(b))) / -log(P(a,b)+eps)``.

    Returns
    -------
    numpy.ndarray
        Symmetric matrix of NPMI values (diagonal meaningless).
    """
    p = df.astype(float) / n_units
    pab = co.astype(float) / n_units
    expected = np.outer(p, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        if eps is not None:
            return np.log((pab + eps) / expected) / -np.log(pab + eps)
        out = np.log(pab / expected) / -np.log(pab)
    out[co == 0] = -1.0
    out[co == n_units] = 1.0
    return out


def compute_topic_npmi(
    counts: sparse.spmatrix | np.ndarray, topics: Sequence[Sequence[int]], eps: float | None = None
) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top terms over the reference ``counts``.

    Parameters
    ----------
    counts : sparse matrix, shape (n_units, n_terms)
        The reference corpus (here: the paragraphs the model was fitted on).
    topics : sequence of sequences of int
        Top-term column indices per topic.
    eps : float or None
        See :func:`compute_npmi_matrix`.

    Returns
    -------
    numpy.ndarray
        One coherence value per topic (nan for a topic with fewer than two terms).
    """
    vocab = np.unique(np.concatenate([np.asarray(t, dtype=int) for t in topics])) if len(topics) else np.array([], int)
    df, co = count_term_cooccurrence(counts, vocab)
    pair = compute_npmi_matrix(df, co, counts.shape[0], eps)
    position = {term: i for i, term in enumerate(vocab)}
    values = []
    for topic in topics:
        idx = np.array([position[t] for t in topic], dtype=int)
        upper = np.triu_indices(len(idx), k=1)
        block = pair[np.ix_(idx, idx)][upper]
        values.append(float(block.mean()) if block.size else float("nan"))
    return np.array(values)


def list_npmi_pairs(
    counts: sparse.spmatrix | np.ndarray, terms: Sequence[str], topics: Sequence[Sequence[int]], eps: float | None = None
) -> pd.DataFrame:
    """The evidence behind :func:`compute_topic_npmi`: one row per pair of top terms.

    Parameters
    ----------
    counts : sparse matrix or array, shape (n_units, n_terms)
        The reference corpus (term counts per paragraph; any value > 0 counts as present).
    terms : sequence of str
        The term of each column of ``counts``.
    topics : sequence of sequences of int
        Top-term column indices per topic.
    eps : float or None
        None (default) for the exact NPMI, else gensim's smoothing (see
        :func:`compute_npmi_matrix`).

    Returns
    -------
    pandas.DataFrame
        ``topic, term_a, term_b, df_a, df_b, df_ab, npmi`` (npmi rounded to 3 decimals): the topic's
        position in ``topics``, the two terms in top-term order, the units containing each and both,
        and the pair's NPMI.
    """
    rows = []
    n_units = counts.shape[0]
    for t, topic in enumerate(topics):
        cols = np.asarray(topic, dtype=int)
        df, co = count_term_cooccurrence(counts, cols)
        pair = compute_npmi_matrix(df, co, n_units, eps)
        for i in range(len(cols)):
            for j in range(i + 1, len(cols)):
                rows.append((t, terms[cols[i]], terms[cols[j]], int(df[i]), int(df[j]), int(co[i, j]), round(float(pair[i, j]), 3)))
    return pd.DataFrame(rows, columns=["topic", "term_a", "term_b", "df_a", "df_b", "df_ab", "npmi"])


def compute_diversity(top_terms: Sequence[Sequence[str]]) -> float:
    """Share of distinct words among all topics' top terms (1.0: no topic repeats another's words).

    Parameters
    ----------
    top_terms : sequence of sequences of str
        The top terms of each topic (usually ``n_top`` each).

    Returns
    -------
    float
        Distinct words over all words listed, in (0, 1]; nan when no terms are given.

    Examples
    --------
    >>> compute_diversity([["a", "b"], ["b", "c"]])
    0.75
    """
    words = [w for topic in top_terms for w in topic]
    return len(set(words)) / len(words) if words else float("nan")


def compute_jaccard_matrix(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> np.ndarray:
    """Jaccard similarity of every topic's top-term set in ``a`` with every one in ``b``."""
    sets_a = [set(t) for t in a]
    sets_b = [set(t) for t in b]
    out = np.zeros((len(sets_a), len(sets_b)))
    for i, x in enumerate(sets_a):
        for j, y in enumerate(sets_b):
            union = len(x | y)
            out[i, j] = len(x & y) / union if union else 0.0
    return out


def match_topics(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Best one-to-one matching of topics of run ``a`` to run ``b`` (Hungarian, on top-term Jaccard).

    Returns
    -------
    (match, similarity)
        ``match[i]`` the topic of ``b`` matched to topic ``i`` of ``a`` (-1 if ``b`` has fewer
        topics) and ``similarity[i]`` its Jaccard similarity (0 if unmatched).
    """
    sim = compute_jaccard_matrix(a, b)
    rows, cols = linear_sum_assignment(sim, maximize=True)
    match = np.full(len(a), -1)
    similarity = np.zeros(len(a))
    match[rows] = cols
    similarity[rows] = sim[rows, cols]
    return match, similarity


def compute_stability(reference: Sequence[Sequence[str]], others: Sequence[Sequence[Sequence[str]]]) -> tuple[float, np.ndarray]:
    """Agreement of a reference run's topics with further runs (other seeds / subsamples).

    Each other run is matched to the reference with :func:`match_topics`; a topic's stability is
    its matched Jaccard averaged over runs, and the model's stability the mean over topics.

    Parameters
    ----------
    reference : sequence of sequences of str
        The top terms of each topic of the reference run.
    others : sequence of runs
        The top terms of each topic of every further run, in the same form as ``reference``.

    Returns
    -------
    (overall, per_topic)
        ``overall`` (float) the mean stability over topics and ``per_topic`` (ndarray, one value
        per reference topic, 0 to 1; 0 where a run has no topic to match); nan and an all-nan
        array when there are no other runs.
    """
    if not others:
        return float("nan"), np.full(len(reference), np.nan)
    per_topic = np.mean([match_topics(reference, run)[1] for run in others], axis=0)
    return float(per_topic.mean()), per_topic
