"""LDA and NMF behind one interface; top terms and FREX."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import rankdata
from sklearn.decomposition import NMF, MiniBatchNMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from sinojp.topics.lda import BlockLDA
from sinojp.topics.settings import ALGORITHMS, TopicSettings
from sinojp.topics.vocabulary import (
    Vocabulary,
)


@dataclass(frozen=True)
class FittedModel:
    """One fitted topic model.

    Attributes
    ----------
    algorithm : str
        ``"lda"`` or ``"nmf"``.
    k : int
        Number of topics.
    topic_term : numpy.ndarray, shape (k, n_terms)
        Topic-term weights normalised to sum to 1 per topic (probabilities for LDA, normalised
        factor loadings for NMF).
    unit_topic : numpy.ndarray, shape (n_units, k)
        Topic shares of the fitted units, rows summing to 1.
    online : bool
        Whether the online / mini-batch variant was used.
    """

    algorithm: str
    k: int
    topic_term: np.ndarray
    unit_topic: np.ndarray
    online: bool


@dataclass(frozen=True)
class TopicModelResult:
    """The chosen topic model and the tables to read it.

    Attributes
    ----------
    algorithm, k : str, int
        The chosen model.
    topics : pandas.DataFrame
        ``topic, label, top_terms, frex_terms, npmi, prevalence, stability, n_paragraphs``
        (topics numbered by prevalence, largest first; terms space-joined, phrases with ``_``;
        ``n_paragraphs`` counts paragraphs whose largest share is the topic).
    doc_topics : pandas.DataFrame
        ``doc_id, n_paragraphs, n_terms, topic_0 … topic_{k-1}, top_topic``: term-weighted topic
        shares per document (``top_topic`` is <NA> for a document without a modelled paragraph).
    paragraph_topics : pandas.DataFrame
        ``doc_id, para_id, n_terms, topic_0 …, top_topic, top_share, evidence`` for modelled
        paragraphs; ``evidence`` lists the paragraph's words among its top topic's top terms.
    selection : pandas.DataFrame
        ``algorithm, k, npmi, npmi_se, diversity, stability, eligible, rank_sum, chosen``
        (``rank_sum`` is empty for candidates outside the pool).
    passages : pandas.DataFrame
        ``topic, rank, doc_id, para_id, share, text``: the most representative paragraphs.
    terms : pandas.DataFrame
        ``topic, rank, by_probability, probability, by_frex, frex``: top terms both ways.
    vocabulary : Vocabulary
        The vocabulary (sparse counts of all paragraphs, phrases, cut-offs).
    topic_term : numpy.ndarray
        Topic-term weights (rows in the order of ``topics``).
    settings : TopicSettings
        The settings used.
    note : str
        Empty, or why no model could be fitted (then ``k`` is 0, the topic tables are empty and
        every ``top_topic`` is <NA>).
    paragraph_topics_file : str
        Empty, or the Parquet file ``paragraph_topics`` was written to by :func:`detach_paragraphs`
        (then the ``paragraph_topics`` attribute holds no rows).
    """

    algorithm: str
    k: int
    topics: pd.DataFrame
    doc_topics: pd.DataFrame
    paragraph_topics: pd.DataFrame
    selection: pd.DataFrame
    passages: pd.DataFrame
    terms: pd.DataFrame
    vocabulary: Vocabulary
    topic_term: np.ndarray
    settings: TopicSettings = field(default_factory=TopicSettings)
    note: str = ""
    paragraph_topics_file: str = ""

    @property
    def topic_columns(self) -> list[str]:
        """Names of the topic-share columns."""
        return list_topic_columns(self.k)


def list_topic_columns(k: int) -> list[str]:
    """``["topic_0", …, "topic_{k-1}"]``."""
    return [f"topic_{t}" for t in range(k)]


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    sums = matrix.sum(axis=1, keepdims=True)
    k = matrix.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sums > 0, matrix / np.where(sums > 0, sums, 1.0), 1.0 / k)
    return out


def row_blocks(n: int, size: int) -> list[slice]:
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _fit_lda(counts: sparse.csr_matrix, k: int, random_state: int, settings: TopicSettings, online: bool,
             shares: bool = True) -> tuple[np.ndarray, np.ndarray | None, Callable[[sparse.csr_matrix], np.ndarray]]:
    n = counts.shape[0]
    common = dict(n_components=k, topic_word_prior=settings.lda_topic_word_prior, random_state=random_state)
    if not online:
        model = BlockLDA(learning_method="batch", max_iter=settings.lda_max_iter, block_size=settings.block_size, **common)
        theta = model.fit_transform(counts)
        return model.components_, theta, model.transform
    model = BlockLDA(learning_method="online", batch_size=settings.batch_size, total_samples=n, learning_offset=10.0,
                     block_size=settings.block_size, **common)
    rng = np.random.default_rng(random_state)
    blocks = row_blocks(n, settings.block_size)
    for _ in range(settings.online_passes):
        for b in rng.permutation(len(blocks)):
            model.partial_fit(counts[blocks[b]])
    theta = np.vstack([model.transform(counts[block]) for block in blocks]) if shares else None
    return model.components_, theta, model.transform


def _fit_nmf(counts: sparse.csr_matrix, k: int, random_state: int, settings: TopicSettings, online: bool,
             shares: bool = True) -> tuple[np.ndarray, np.ndarray | None, Callable[[sparse.csr_matrix], np.ndarray]]:
    weighting = TfidfTransformer(sublinear_tf=True).fit(counts)
    weighted = sparse.csr_matrix(weighting.transform(counts))
    if online:
        model = MiniBatchNMF(
            n_components=k, init="nndsvdar", batch_size=settings.batch_size, max_iter=settings.nmf_max_iter,
            random_state=random_state,
        )
    else:
        model = NMF(n_components=k, init="nndsvdar", max_iter=settings.nmf_max_iter, random_state=random_state)
    w = model.fit_transform(weighted)
    return model.components_, w, lambda block: model.transform(sparse.csr_matrix(weighting.transform(block)))


def fit_model(
    counts: sparse.csr_matrix, algorithm: str, k: int, random_state: int = 0, settings: TopicSettings = TopicSettings()
) -> FittedModel:
    """Fit one topic model to unit-by-term counts.

    Parameters
    ----------
    counts : scipy.sparse.csr_matrix
        Units x terms counts (LDA uses them directly; NMF their sublinear TF-IDF, l2-normalised).
    algorithm : {"lda", "nmf"}
        The model family.
    k : int
        Number of topics.
    random_state : int
        Seed of the initialisation (and of the block order of online LDA).
    settings : TopicSettings
        Iterations, priors and the size threshold of the online variants.

    Returns
    -------
    FittedModel
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}, not {algorithm!r}")
    counts = sparse.csr_matrix(counts)
    online = counts.shape[0] > settings.online_threshold
    fit = _fit_lda if algorithm == "lda" else _fit_nmf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        components, unit_topic, _ = fit(counts, k, random_state, settings, online)
    return FittedModel(algorithm, k, _normalise_rows(components), _normalise_rows(unit_topic), online)


def fit_model_bounded(
    counts: sparse.csr_matrix, algorithm: str, k: int, random_state: int = 0, settings: TopicSettings = TopicSettings()
) -> FittedModel:
    """:func:`fit_model`, fitted on a seeded sample past ``settings.fit_max_units`` units.

    Up to ``fit_max_units`` units this is :func:`fit_model`. Beyond, the model is fitted on
    ``fit_max_units`` units drawn without replacement (seed ``[random_state, 0, 1]``) and the
    topic shares of all units, sampled or not, come from transforming their counts in blocks of
    ``settings.block_size`` rows, so memory grows with the sample and the blocks, not the corpus.

    Returns
    -------
    FittedModel
        ``unit_topic`` has a row per row of ``counts``.
    """
    n = counts.shape[0]
    if n <= settings.fit_max_units:
        return fit_model(counts, algorithm, k, random_state, settings)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}, not {algorithm!r}")
    counts = sparse.csr_matrix(counts)
    rng = np.random.default_rng([random_state, 0, 1])
    sample = counts[np.sort(rng.choice(n, settings.fit_max_units, replace=False))]
    online = sample.shape[0] > settings.online_threshold
    fit = _fit_lda if algorithm == "lda" else _fit_nmf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        components, _, transform = fit(sample, k, random_state, settings, online, shares=False)
        del sample
        unit_topic = np.empty((n, k))
        for block in row_blocks(n, settings.block_size):
            unit_topic[block] = _normalise_rows(transform(counts[block]))
    return FittedModel(algorithm, k, _normalise_rows(components), unit_topic, online)


def rank_terms(topic_term: np.ndarray, n: int) -> list[np.ndarray]:
    """Column indices of each topic's ``n`` largest weights (ties: lower index first)."""
    order = np.argsort(-topic_term, axis=1, kind="stable")
    return [row[:n] for row in order]


def compute_frex(topic_term: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX score of every term in every topic (Bischof & Airoldi 2012; Roberts et al., stm).

    The weighted harmonic mean of a term's within-topic rank (as an empirical CDF in (0, 1]) by
    frequency, ``phi[t, w]``, and by exclusivity, ``phi[t, w] / sum_t phi[t, w]``. High FREX
    terms are both common in the topic and rare elsewhere.

    Parameters
    ----------
    topic_term : numpy.ndarray, shape (k, n_terms)
        Topic-term weights, rows summing to 1.
    weight : float
        Weight of exclusivity (1 - weight goes to frequency).

    Returns
    -------
    numpy.ndarray, shape (k, n_terms)
    """
    totals = topic_term.sum(axis=0, keepdims=True)
    exclusivity = topic_term / np.where(totals > 0, totals, 1.0)
    n_terms = topic_term.shape[1]
    ex_cdf = rankdata(exclusivity, method="max", axis=1) / n_terms
    fr_cdf = rankdata(topic_term, method="max", axis=1) / n_terms
    return 1.0 / (weight / ex_cdf + (1.0 - weight) / fr_cdf)
