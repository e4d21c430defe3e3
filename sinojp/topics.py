"""Topic models of paragraphs: LDA and NMF behind one interface, model selection, reading aids.

The modelling unit is the paragraph (a handful of articles is too few documents for a topic
model); document, outlet-origin and period figures are aggregated from paragraphs.

Model selection fits every algorithm and number of topics ``k`` of :class:`TopicSettings` and
records three figures per candidate (see :mod:`sinojp.coherence`):

- ``npmi``: mean NPMI coherence of the topics' top terms over the same paragraphs;
- ``diversity``: share of distinct words among all top terms;
- ``stability``: mean Jaccard agreement of top terms between the reference run (seed
  ``random_state``, all paragraphs) and runs with other seeds on seeded subsamples of paragraphs,
  topics matched one-to-one by the Hungarian algorithm (Greene, O'Callaghan & Cunningham 2014).

Selection rule (:func:`choose_model`): a candidate is *eligible* when its stability is at least
``min_stability`` and its diversity at least ``min_diversity`` (all candidates are, if none
passes). Eligible candidates are ranked by NPMI and, separately, by stability (rank 1 best,
ties averaged); the smallest sum of the two ranks wins, ties going to the higher NPMI, then the
smaller ``k``, then the algorithm name. Coherence and reproducibility thus count equally, and
neither a coherent but seed-dependent solution (NPMI drifts upwards with ``k`` on small corpora,
where extra topics gather around single paragraphs whose words trivially co-occur) nor a stable
but incoherent one wins.

Large corpora (more than ``online_threshold`` paragraphs) use online variational LDA fed with
``partial_fit`` on streamed row blocks, and MiniBatchNMF; selection then runs on a seeded subsample
of ``selection_max_units`` paragraphs and the chosen model is refitted on all of them, or, past
``fit_max_units`` paragraphs, on a seeded sample of that many, every paragraph's shares then coming
from transforming its counts in blocks (:func:`fit_model_bounded`). Matrices stay sparse throughout;
only the paragraph-by-topic shares are dense. :func:`fit_topics_parquet` fits
paragraphs stored on disk, reading their texts in blocks and holding only the sparse counts, with
the result of :func:`fit_topics`; ``n_jobs`` evaluates selection candidates in parallel processes,
again with the same result.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import rankdata
from sklearn.decomposition import NMF, LatentDirichletAllocation, MiniBatchNMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from sinojp.coherence import diversity, stability, topic_npmi
from sinojp.vocabulary import (
    PHRASE_JOINER,
    EmptyVocabularyError,
    Vocabulary,
    VocabularySettings,
    build_vocabulary_blocks,
)

ALGORITHMS: tuple[str, ...] = ("lda", "nmf")


@dataclass(frozen=True)
class TopicSettings:
    """Settings of topic fitting and model selection.

    Attributes
    ----------
    algorithms, k_range : tuple
        Candidates of the selection (``k`` values not below the number of paragraphs).
    n_seeds : int
        Runs per candidate for stability (the reference run plus ``n_seeds - 1`` others).
    stability_subsample : float
        Share of paragraphs each non-reference run sees (1.0: seed variation only).
    n_top : int
        Top terms per topic for NPMI, diversity, stability and ``top_terms``.
    min_unit_terms : int
        Paragraphs with fewer vocabulary terms are left out of the model (headings, captions).
    min_stability, min_diversity : float
        Eligibility thresholds of the selection rule (module docstring).
    lda_max_iter, nmf_max_iter : int
        Iterations of batch LDA / NMF.
    lda_topic_word_prior : float
        Dirichlet prior on topic-word distributions (small: sparser, more distinct topics).
    online_threshold : int
        Above this many paragraphs, online LDA and MiniBatchNMF are used.
    block_size, batch_size, online_passes : int
        Rows per streamed block (of online LDA and of texts read from disk), rows per mini-batch,
        passes over the data of online LDA.
    selection_max_units : int
        Model selection on large corpora runs on a seeded subsample of this many paragraphs.
    n_passages : int
        Representative paragraphs kept per topic.
    frex_weight : float
        Weight of exclusivity in FREX (0.5: equal weight with frequency).
    fit_max_units : int
        Above this many modelled paragraphs, the chosen model is fitted on a seeded sample of this
        many paragraphs and every paragraph's topic shares are computed by transforming its counts
        in blocks of ``block_size`` rows, so memory stays bounded (no corpus-wide TF-IDF or NNDSVD
        matrix); at or below it the model is fitted on all paragraphs. 200,000 paragraphs (about
        20,000 articles) is far more than a model of at most ``max(k_range)`` topics over at most
        ``VocabularySettings.max_features`` terms needs, and keeps the fit's own memory to the order
        of 100 MB.
    """

    algorithms: tuple[str, ...] = ALGORITHMS
    k_range: tuple[int, ...] = (2, 3, 4, 5, 6, 7, 8)
    n_seeds: int = 3
    stability_subsample: float = 0.8
    n_top: int = 10
    min_unit_terms: int = 5
    min_stability: float = 0.5
    min_diversity: float = 0.7
    lda_max_iter: int = 20
    nmf_max_iter: int = 400
    lda_topic_word_prior: float = 0.1
    online_threshold: int = 5000
    block_size: int = 4096
    batch_size: int = 512
    online_passes: int = 3
    selection_max_units: int = 1500
    n_passages: int = 3
    frex_weight: float = 0.5
    fit_max_units: int = 200_000

    def as_frame(self) -> pd.DataFrame:
        """The settings as a two-column table (setting, value) for display."""
        return pd.DataFrame([(k, repr(v)) for k, v in self.__dict__.items()], columns=["setting", "value"])


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
        return topic_columns(self.k)


def topic_columns(k: int) -> list[str]:
    """``["topic_0", …, "topic_{k-1}"]``."""
    return [f"topic_{t}" for t in range(k)]


# --------------------------------------------------------------------------- fitting


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    sums = matrix.sum(axis=1, keepdims=True)
    k = matrix.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sums > 0, matrix / np.where(sums > 0, sums, 1.0), 1.0 / k)
    return out


def _blocks(n: int, size: int) -> list[slice]:
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _fit_lda(counts: sparse.csr_matrix, k: int, random_state: int, settings: TopicSettings, online: bool,
             shares: bool = True) -> tuple[np.ndarray, np.ndarray | None, Callable[[sparse.csr_matrix], np.ndarray]]:
    n = counts.shape[0]
    common = dict(n_components=k, topic_word_prior=settings.lda_topic_word_prior, random_state=random_state)
    if not online:
        model = LatentDirichletAllocation(learning_method="batch", max_iter=settings.lda_max_iter, **common)
        theta = model.fit_transform(counts)
        return model.components_, theta, model.transform
    model = LatentDirichletAllocation(
        learning_method="online", batch_size=settings.batch_size, total_samples=n, learning_offset=10.0, **common
    )
    rng = np.random.default_rng(random_state)
    blocks = _blocks(n, settings.block_size)
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
        for block in _blocks(n, settings.block_size):
            unit_topic[block] = _normalise_rows(transform(counts[block]))
    return FittedModel(algorithm, k, _normalise_rows(components), unit_topic, online)


def top_indices(topic_term: np.ndarray, n: int) -> list[np.ndarray]:
    """Column indices of each topic's ``n`` largest weights (ties: lower index first)."""
    order = np.argsort(-topic_term, axis=1, kind="stable")
    return [row[:n] for row in order]


def frex(topic_term: np.ndarray, weight: float = 0.5) -> np.ndarray:
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


# --------------------------------------------------------------------------- selection


def _subsample(n: int, share: float, rng: np.random.Generator, minimum: int = 2) -> np.ndarray:
    size = max(minimum, int(round(share * n)))
    return np.sort(rng.choice(n, size=min(size, n), replace=False))


def evaluate_candidate(
    counts: sparse.csr_matrix, terms: np.ndarray, algorithm: str, k: int, random_state: int = 0,
    settings: TopicSettings = TopicSettings(),
) -> tuple[dict, FittedModel, np.ndarray]:
    """Fit one candidate ``n_seeds`` times and measure NPMI, diversity and stability.

    Returns
    -------
    (row, reference_model, per_topic_stability)
        ``row`` holds ``algorithm, k, npmi, npmi_se, diversity, stability`` (``npmi_se``: standard
        error of the mean NPMI over topics); the reference model is the run on all units with seed
        ``random_state``.
    """
    reference = fit_model(counts, algorithm, k, random_state, settings)
    ref_idx = top_indices(reference.topic_term, settings.n_top)
    ref_terms = [list(terms[i]) for i in ref_idx]
    others = []
    for s in range(1, settings.n_seeds):
        rng = np.random.default_rng([random_state, s])
        rows = _subsample(counts.shape[0], settings.stability_subsample, rng, minimum=k + 1)
        run = fit_model(counts[rows], algorithm, k, random_state + s, settings)
        others.append([list(terms[i]) for i in top_indices(run.topic_term, settings.n_top)])
    overall, per_topic = stability(ref_terms, others)
    per_topic_npmi = topic_npmi(counts, ref_idx)
    row = {
        "algorithm": algorithm,
        "k": k,
        "npmi": float(np.nanmean(per_topic_npmi)),
        "npmi_se": float(np.nanstd(per_topic_npmi, ddof=1) / np.sqrt(k)),
        "diversity": diversity(ref_terms),
        "stability": overall,
    }
    return row, reference, per_topic


def choose_model(selection: pd.DataFrame, settings: TopicSettings = TopicSettings()) -> pd.DataFrame:
    """Apply the selection rule (module docstring); adds ``eligible``, ``rank_sum`` and ``chosen``.

    Examples
    --------
    >>> table = pd.DataFrame({"algorithm": ["lda", "lda", "lda", "nmf"], "k": [2, 3, 4, 2],
    ...     "npmi": [0.10, 0.2, 0.25, 0.3], "npmi_se": [0.02, 0.02, 0.06, 0.01],
    ...     "diversity": [0.9, 0.9, 0.9, 0.9], "stability": [0.8, 0.9, 0.9, 0.2]})
    >>> choose_model(table).query("chosen")[["algorithm", "k"]].values.tolist()
    [['lda', 4]]
    """
    table = selection.copy()
    stab = table["stability"].fillna(1.0)
    table["eligible"] = (stab >= settings.min_stability) & (table["diversity"] >= settings.min_diversity)
    pool = table[table["eligible"]] if table["eligible"].any() else table
    ranks = pool["npmi"].rank(ascending=False) + pool["stability"].fillna(1.0).rank(ascending=False)
    table["rank_sum"] = ranks
    ordered = table.loc[pool.index].assign(neg_npmi=-pool["npmi"])
    winner = ordered.sort_values(["rank_sum", "neg_npmi", "k", "algorithm"], kind="mergesort").index[0]
    table["chosen"] = table.index == winner
    return table


def _evaluate_limited(limits: dict[str, int] | None, counts: sparse.csr_matrix, terms: np.ndarray, algorithm: str,
                      k: int, random_state: int, settings: TopicSettings) -> tuple[dict, FittedModel, np.ndarray]:
    """:func:`evaluate_candidate` under the caller's BLAS / OpenMP thread limits (for worker processes)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limits):
        return evaluate_candidate(counts, terms, algorithm, k, random_state, settings)


def select_model(
    counts: sparse.csr_matrix, terms: np.ndarray, algorithms: Sequence[str] | None = None,
    k_values: Sequence[int] | None = None, random_state: int = 0, settings: TopicSettings = TopicSettings(),
    n_jobs: int = 1,
) -> tuple[pd.DataFrame, dict[tuple[str, int], tuple[FittedModel, np.ndarray]]]:
    """Evaluate all candidates and choose one.

    Parameters
    ----------
    n_jobs : int
        Candidates evaluated at once, in joblib worker processes (1: one after the other, here).
        Every fit has its own seed and runs under this process's thread limits, so the result
        does not depend on ``n_jobs``.

    Returns
    -------
    (selection, fitted)
        The selection table (rounded to 3 decimals, with ``eligible`` and ``chosen``) and the
        reference model and per-topic stability of every candidate, keyed by (algorithm, k).
    """
    algorithms = tuple(algorithms or settings.algorithms)
    n_units = counts.shape[0]
    ks = [k for k in (k_values or settings.k_range) if 2 <= k < n_units and k <= counts.shape[1]]
    if not ks:
        raise ValueError(f"No usable number of topics for {n_units} paragraphs and {counts.shape[1]} terms.")
    candidates = [(algorithm, k) for algorithm in algorithms for k in ks]
    if n_jobs == 1:
        evaluated = [evaluate_candidate(counts, terms, a, k, random_state, settings) for a, k in candidates]
    else:
        from joblib import Parallel, delayed
        from threadpoolctl import threadpool_info

        limits = {info["user_api"]: info["num_threads"] for info in threadpool_info()}
        evaluated = Parallel(n_jobs=n_jobs)(
            delayed(_evaluate_limited)(limits, counts, terms, a, k, random_state, settings) for a, k in candidates
        )
    rows = [row for row, _, _ in evaluated]
    fitted = {candidate: (model, per_topic) for candidate, (_, model, per_topic) in zip(candidates, evaluated)}
    table = pd.DataFrame(rows).round({"npmi": 3, "npmi_se": 3, "diversity": 3, "stability": 3})
    return choose_model(table, settings), fitted


# --------------------------------------------------------------------------- reading the topics


def _label(terms: Sequence[str], n: int = 3) -> str:
    return " / ".join(t.replace(PHRASE_JOINER, " ") for t in terms[:n])


def _paragraph_frame(paragraphs: pd.DataFrame) -> pd.DataFrame:
    missing = {"doc_id", "text"} - set(paragraphs.columns)
    if missing:
        raise ValueError(f"paragraphs needs columns doc_id and text; missing {sorted(missing)}")
    paras = paragraphs.reset_index(drop=True).copy()
    if "para_id" not in paras.columns:
        paras["para_id"] = paras.groupby("doc_id", sort=False).cumcount()
    paras["text"] = paras["text"].fillna("").astype(str)
    return paras


def _document_shares(ids: pd.Series, shares: np.ndarray, weights: np.ndarray, order: Sequence[str]) -> pd.DataFrame:
    k = shares.shape[1]
    cols = topic_columns(k)
    weighted = pd.DataFrame(shares * weights[:, None], columns=cols)
    weighted["doc_id"] = ids.to_numpy()
    weighted["n_terms"] = weights
    weighted["n_paragraphs"] = 1
    sums = weighted.groupby("doc_id", sort=False).sum()
    sums[cols] = sums[cols].div(sums["n_terms"].where(sums["n_terms"] > 0), axis=0)
    out = sums.reindex(pd.Index(order, name="doc_id")).reset_index()
    out["n_paragraphs"] = out["n_paragraphs"].fillna(0).astype(int)
    out["n_terms"] = out["n_terms"].fillna(0).astype(int)
    out["top_topic"] = _top_topics(out[cols])
    return out[["doc_id", "n_paragraphs", "n_terms", *cols, "top_topic"]]


def _top_topics(shares: pd.DataFrame) -> pd.array:
    """Column position of each row's largest share (first on ties); <NA> for rows with a missing share."""
    top = shares.to_numpy().argmax(axis=1)
    out = pd.array(np.where(shares.notna().all(axis=1), top, -1), dtype="Int64")
    out[out == -1] = pd.NA
    return out


def _passage_picks(paragraph_topics: pd.DataFrame, n: int, one_per_document: bool = True) -> list[tuple[int, int, int]]:
    """``(topic, rank, position)`` of each topic's ``n`` most representative rows of ``paragraph_topics``.

    Rows are ranked by the topic's share, largest first, ties by ``doc_id`` then ``para_id``;
    with ``one_per_document`` a document's best row comes before any second row of a document.
    """
    cols = [c for c in paragraph_topics.columns if c.startswith("topic_")]
    codes, _ = pd.factorize(paragraph_topics["doc_id"], sort=True)
    para = paragraph_topics["para_id"].to_numpy()
    picks = []
    for t, col in enumerate(cols):
        order = np.lexsort((para, codes, -paragraph_topics[col].to_numpy(dtype=float)))
        if one_per_document:
            first = np.sort(np.unique(codes[order], return_index=True)[1])
            if len(first) < n:
                first = np.concatenate([first, np.setdiff1d(np.arange(len(order)), first, assume_unique=True)])
            order = order[first[:n]]
        picks.extend((t, rank, int(position)) for rank, position in enumerate(order[:n]))
    return picks


def _passages_table(paragraph_topics: pd.DataFrame, picks: list[tuple[int, int, int]], texts: Sequence[str]) -> pd.DataFrame:
    rows = []
    for (t, rank, position), text in zip(picks, texts):
        row = paragraph_topics.iloc[position]
        rows.append((t, rank, row["doc_id"], row["para_id"], round(float(row[f"topic_{t}"]), 3), text))
    return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "para_id", "share", "text"])


def representative_passages(paragraph_topics: pd.DataFrame, paragraphs: pd.DataFrame, n: int = 3, one_per_document: bool = True) -> pd.DataFrame:
    """The paragraphs that express each topic most purely.

    Parameters
    ----------
    paragraph_topics : pandas.DataFrame
        ``TopicModelResult.paragraph_topics``.
    paragraphs : pandas.DataFrame
        ``doc_id, para_id, text``.
    n : int
        Passages per topic.
    one_per_document : bool
        Take at most one paragraph per document while other documents remain.

    Returns
    -------
    pandas.DataFrame
        ``topic, rank, doc_id, para_id, share, text``.
    """
    paragraph_topics = paragraph_topics.reset_index(drop=True)
    picks = _passage_picks(paragraph_topics, n, one_per_document)
    text = _paragraph_frame(paragraphs)[["doc_id", "para_id", "text"]]
    keys = paragraph_topics.iloc[[position for _, _, position in picks]][["doc_id", "para_id"]]
    texts = keys.merge(text, on=["doc_id", "para_id"], how="left")["text"]
    return _passages_table(paragraph_topics, picks, texts)


def _terms_table(topic_term: np.ndarray, terms: np.ndarray, n: int, weight: float) -> pd.DataFrame:
    fx = frex(topic_term, weight)
    rows = []
    for t in range(topic_term.shape[0]):
        by_prob = np.argsort(-topic_term[t], kind="stable")[:n]
        by_frex = np.argsort(-fx[t], kind="stable")[:n]
        for rank, (p, f) in enumerate(zip(by_prob, by_frex)):
            rows.append((t, rank, terms[p], round(float(topic_term[t, p]), 4), terms[f], round(float(fx[t, f]), 3)))
    return pd.DataFrame(rows, columns=["topic", "rank", "by_probability", "probability", "by_frex", "frex"])


def fit_topics(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    k: int | None = None,
    algorithm: str | None = None,
    settings: VocabularySettings = VocabularySettings(),
    topic_settings: TopicSettings = TopicSettings(),
    random_state: int = 0,
    n_jobs: int = 1,
) -> TopicModelResult:
    """Fit, select and describe a topic model of the paragraphs of a corpus.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        ``doc_id, para_id, text`` (``para_id`` optional), one row per paragraph.
    documents : pandas.DataFrame or None
        ``doc_id`` (and metadata); gives the document order of ``doc_topics`` and keeps documents
        without a modelled paragraph (their ``top_topic`` is <NA>).
    k, algorithm : int or None, str or None
        Fix the number of topics / the algorithm; None selects them by the rule of
        :func:`choose_model` over ``topic_settings.k_range`` / ``topic_settings.algorithms``.
    settings : VocabularySettings
        Vocabulary choices.
    topic_settings : TopicSettings
        Fitting and selection choices.
    random_state : int
        Seed of every random step.
    n_jobs : int
        Selection candidates fitted at once (see :func:`select_model`; the result is the same).

    Returns
    -------
    TopicModelResult
        When the corpus is too small for any model (fewer than three paragraphs with
        ``min_unit_terms`` vocabulary terms, or no term passing the cut-offs), a result with
        ``k == 0``, empty topic tables, <NA> top topics and the reason in ``note``.
    """
    paras = _paragraph_frame(paragraphs)
    texts = paras["text"].tolist()
    return fit_topics_blocks(paras[["doc_id", "para_id"]], lambda: (texts,), lambda rows: [texts[i] for i in rows],
                             documents, k, algorithm, settings, topic_settings, random_state, n_jobs)


def fit_topics_parquet(
    path: str | Path,
    documents: pd.DataFrame | None = None,
    k: int | None = None,
    algorithm: str | None = None,
    settings: VocabularySettings = VocabularySettings(),
    topic_settings: TopicSettings = TopicSettings(),
    random_state: int = 0,
    n_jobs: int = 1,
    keep_counts: bool = True,
) -> TopicModelResult:
    """:func:`fit_topics` of paragraphs stored in Parquet, without loading their texts.

    The texts are read in blocks of ``topic_settings.block_size`` rows (twice: phrase sample, then
    counts); only the sparse counts, ``doc_id`` and ``para_id`` stay in memory, and the texts of
    the representative passages are read back at the end. The result equals that of
    :func:`fit_topics` on the table the file holds.

    Parameters
    ----------
    path : str or Path
        Parquet file with columns ``doc_id, text`` and optionally ``para_id``.
    documents, k, algorithm, settings, topic_settings, random_state, n_jobs
        As for :func:`fit_topics`.
    keep_counts : bool
        As for :func:`fit_topics_blocks`.

    Returns
    -------
    TopicModelResult
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    with pq.ParquetFile(path) as handle:
        names = set(handle.schema_arrow.names)
        sizes = np.array([handle.metadata.row_group(i).num_rows for i in range(handle.num_row_groups)], dtype=np.int64)
    keys = _paragraph_keys(pd.read_parquet(path, columns=[c for c in ("doc_id", "para_id") if c in names]))

    def read_texts() -> Iterator[list[str]]:
        with pq.ParquetFile(path) as handle:
            for batch in handle.iter_batches(batch_size=topic_settings.block_size, columns=["text"]):
                yield _as_texts(batch.column(0).to_pylist())
        handle = batch = None
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed pages otherwise

    def texts_at(rows: np.ndarray) -> list[str]:
        starts = np.concatenate([[0], np.cumsum(sizes)])
        groups = np.searchsorted(starts, rows, side="right") - 1
        found: dict[int, str] = {}
        with pq.ParquetFile(path) as handle:
            for group in np.unique(groups):
                column = handle.read_row_group(int(group), columns=["text"]).column(0)
                for row in rows[groups == group]:
                    found[int(row)] = _as_texts([column[int(row - starts[group])].as_py()])[0]
        return [found[int(row)] for row in rows]

    return fit_topics_blocks(keys, read_texts, texts_at, documents, k, algorithm, settings, topic_settings,
                             random_state, n_jobs, keep_counts)


def _as_texts(values: Sequence[object]) -> list[str]:
    """Missing texts as empty strings, anything else as ``str`` (as :func:`_paragraph_frame`)."""
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]


def _paragraph_keys(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """``doc_id, para_id`` of the paragraphs (``para_id`` counted within documents when missing)."""
    if "doc_id" not in paragraphs.columns:
        raise ValueError("paragraphs needs columns doc_id and text; missing ['doc_id']")
    keys = paragraphs.reset_index(drop=True)
    if "para_id" not in keys.columns:
        keys = keys.assign(para_id=keys.groupby("doc_id", sort=False).cumcount())
    return keys[["doc_id", "para_id"]]


def _evidence(counts: sparse.csr_matrix, top_topic: np.ndarray, top_idx: Sequence[np.ndarray], terms: np.ndarray,
              block: int = 65536) -> list[str]:
    """Each unit's terms among its top topic's top terms, alphabetical and space-joined."""
    in_top = np.zeros((len(top_idx), counts.shape[1]), dtype=bool)
    for t, idx in enumerate(top_idx):
        in_top[t, idx] = True
    out: list[str] = []
    for start in range(0, counts.shape[0], block):
        part = counts[start: start + block]
        rows = np.repeat(np.arange(part.shape[0]), np.diff(part.indptr))
        keep = in_top[top_topic[start + rows], part.indices]
        rows, cols = rows[keep], part.indices[keep]
        order = np.lexsort((cols, rows))  # terms are alphabetical, so column order is word order
        words = terms[cols[order]]
        bounds = np.searchsorted(rows[order], np.arange(part.shape[0] + 1))
        out.extend(" ".join(words[a:b]) for a, b in zip(bounds[:-1], bounds[1:]))
    return out


def _row_sums(matrix: sparse.csr_matrix, block: int = 65536) -> np.ndarray:
    """Row sums (int64 for integer counts) in blocks of rows: no upcast copy of the whole matrix."""
    if matrix.shape[0] == 0:
        return np.asarray(matrix.sum(axis=1)).ravel()
    return np.concatenate([np.asarray(matrix[part].sum(axis=1)).ravel() for part in _blocks(matrix.shape[0], block)])


def _keep_rows(matrix: sparse.csr_matrix, rows: np.ndarray, block: int = 65536) -> sparse.csr_matrix:
    """``matrix[rows]`` for increasing ``rows``, built in ``matrix``'s own arrays (``matrix`` is consumed).

    Rows only move towards the front, block by block, so no second copy of the entries exists;
    the arrays keep their length (the entries of dropped rows are left unused at the end).
    """
    lengths = np.diff(matrix.indptr)[rows]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(matrix.indptr.dtype)
    data, indices = matrix.data, matrix.indices
    for start in range(0, len(rows), block):
        stop = min(start + block, len(rows))
        first, last = int(indptr[start]), int(indptr[stop])
        shift = matrix.indptr[rows[start:stop]].astype(np.int64) - indptr[start:stop]
        source = np.repeat(shift, lengths[start:stop]) + np.arange(first, last)
        data[first:last], indices[first:last] = data[source], indices[source]
    nnz = int(indptr[-1])
    return sparse.csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(len(rows), matrix.shape[1]), copy=False)


def _merge_rows(counts: sparse.csr_matrix, used: np.ndarray, spare: sparse.csr_matrix, unused: np.ndarray,
                dtypes: tuple[np.dtype, np.dtype, np.dtype], block: int = 65536) -> sparse.csr_matrix:
    """One CSR matrix of the rows ``counts`` (at positions ``used``) and ``spare`` (at ``unused``).

    Entries keep their order within rows; ``dtypes`` are those of data, indices and indptr.
    """
    lengths = np.zeros(len(used) + len(unused), dtype=np.int64)
    lengths[used], lengths[unused] = np.diff(counts.indptr), np.diff(spare.indptr)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(dtypes[2])
    data = np.empty(int(indptr[-1]), dtype=dtypes[0])
    indices = np.empty(int(indptr[-1]), dtype=dtypes[1])
    for source, rows in ((counts, used), (spare, unused)):
        for start in range(0, len(rows), block):
            stop = min(start + block, len(rows))
            first, last = source.indptr[start], source.indptr[stop]
            shift = indptr[rows[start:stop]].astype(np.int64) - source.indptr[start:stop]
            dest = np.repeat(shift, np.diff(source.indptr[start: stop + 1])) + np.arange(first, last)
            data[dest], indices[dest] = source.data[first:last], source.indices[first:last]
    return sparse.csr_matrix((data, indices, indptr), shape=(len(lengths), counts.shape[1]))


def fit_topics_blocks(
    keys: pd.DataFrame,
    read_texts: Callable[[], Iterable[Sequence[str]]],
    texts_at: Callable[[np.ndarray], Sequence[str]],
    documents: pd.DataFrame | None = None,
    k: int | None = None,
    algorithm: str | None = None,
    settings: VocabularySettings = VocabularySettings(),
    topic_settings: TopicSettings = TopicSettings(),
    random_state: int = 0,
    n_jobs: int = 1,
    keep_counts: bool = True,
) -> TopicModelResult:
    """:func:`fit_topics` of paragraphs whose texts are read in blocks (the shared implementation).

    Parameters
    ----------
    keys : pandas.DataFrame
        ``doc_id, para_id`` of every paragraph, in the order the texts are read.
    read_texts : callable
        Returns a fresh iterable of blocks of texts (lists of str, in the order of ``keys``) at
        each call; called twice.
    texts_at : callable
        Texts of the paragraphs at some row positions of ``keys`` (for representative passages).
    documents, k, algorithm, settings, topic_settings, random_state, n_jobs
        As for :func:`fit_topics`.
    keep_counts : bool
        False: past ``topic_settings.fit_max_units`` modelled paragraphs the returned
        ``vocabulary.counts`` is None (the matrix is not reassembled, which saves a copy of it).

    Returns
    -------
    TopicModelResult
    """
    keys = keys.reset_index(drop=True)
    doc_order = list(documents["doc_id"]) if documents is not None else list(dict.fromkeys(keys["doc_id"]))
    try:
        vocab = build_vocabulary_blocks(read_texts, len(keys), settings)
    except EmptyVocabularyError as err:
        return _empty_result(doc_order, len(keys), settings, topic_settings, str(err))
    n_terms = _row_sums(vocab.counts)
    used = np.flatnonzero(n_terms >= topic_settings.min_unit_terms)
    if len(used) < 3 or vocab.counts.shape[1] < 2:
        reason = (f"Only {len(used)} paragraphs have {topic_settings.min_unit_terms}+ vocabulary terms "
                  f"({vocab.counts.shape[1]} terms); too few for a topic model.")
        return _empty_result(doc_order, len(keys), settings, topic_settings, reason, vocab)
    # While fitting, hold the modelled rows and the few others apart, not the whole matrix as well
    # (all rows modelled: share the matrix; nothing below writes to it).
    full = vocab.counts
    dtypes = (full.data.dtype, full.indices.dtype, full.indptr.dtype)
    unused = np.setdiff1d(np.arange(full.shape[0]), used, assume_unique=True)
    vocab = replace(vocab, counts=None)
    spare = full[unused] if len(unused) else None
    counts = _keep_rows(full, used) if len(unused) else full  # in place: full is consumed
    del full
    terms = vocab.terms

    sel_counts = counts
    if counts.shape[0] > topic_settings.selection_max_units:
        rng = np.random.default_rng([random_state, 0])
        sel_counts = counts[np.sort(rng.choice(counts.shape[0], topic_settings.selection_max_units, replace=False))]
    selection, fitted = select_model(
        sel_counts, terms, [algorithm] if algorithm else None, [k] if k else None, random_state, topic_settings, n_jobs
    )
    chosen = selection[selection["chosen"]].iloc[0]
    algo, k_chosen = str(chosen["algorithm"]), int(chosen["k"])
    model, per_topic_stability = fitted[(algo, k_chosen)]
    del fitted
    if sel_counts is not counts:
        model = fit_model_bounded(counts, algo, k_chosen, random_state, topic_settings)
    del sel_counts

    # order topics by prevalence (mean document share), largest first
    weights = n_terms[used].astype(float)
    ids = keys["doc_id"].iloc[used].reset_index(drop=True)
    raw_docs = _document_shares(ids, model.unit_topic, weights, doc_order)
    del ids
    cols = topic_columns(k_chosen)
    raw_prev = raw_docs[cols].mean(axis=0).to_numpy()
    order = np.argsort(-np.round(raw_prev, 12), kind="stable")
    topic_term = model.topic_term[order]
    unit_topic = model.unit_topic  # reordered in place, in blocks (no second full-size copy)
    for block in _blocks(len(unit_topic), 65536):
        unit_topic[block] = unit_topic[block][:, order]
    per_topic_stability = per_topic_stability[order]
    del model
    # a document's shares are sums over columns, one column at a time: permuting them is exact
    doc_topics = raw_docs.assign(**dict(zip(cols, raw_docs[cols].to_numpy()[:, order].T)))
    doc_topics["top_topic"] = _top_topics(doc_topics[cols])
    del raw_docs
    prevalence = doc_topics[cols].mean(axis=0).to_numpy()

    top_idx = top_indices(topic_term, topic_settings.n_top)
    top_terms = [list(terms[i]) for i in top_idx]
    fx = frex(topic_term, topic_settings.frex_weight)
    frex_terms = [list(terms[np.argsort(-fx[t], kind="stable")[: topic_settings.n_top]]) for t in range(k_chosen)]
    top_topic = unit_topic.argmax(axis=1)
    topics = pd.DataFrame({
        "topic": np.arange(k_chosen),
        "label": [_label(f) for f in frex_terms],
        "top_terms": [" ".join(t) for t in top_terms],
        "frex_terms": [" ".join(t) for t in frex_terms],
        "npmi": np.round(topic_npmi(counts, top_idx), 3),
        "prevalence": np.round(prevalence, 3),
        "stability": np.round(per_topic_stability, 3),
        "n_paragraphs": np.bincount(top_topic, minlength=k_chosen),
    })

    # the evidence first, so the counts can go before the per-paragraph table is built
    evidence = _evidence(counts, top_topic, top_idx, terms)
    if keep_counts or len(used) <= topic_settings.fit_max_units:
        vocab = replace(vocab, counts=counts if spare is None else _merge_rows(counts, used, spare, unused, dtypes))
    del spare
    del counts
    para_topics = keys.iloc[used].reset_index(drop=True)
    para_topics["n_terms"] = weights.astype(int)
    para_topics[cols] = np.round(unit_topic, 4)
    para_topics["top_topic"] = top_topic
    para_topics["top_share"] = np.round(unit_topic.max(axis=1), 4)
    del unit_topic
    para_topics["evidence"] = evidence
    del evidence

    picks = _passage_picks(para_topics, topic_settings.n_passages)
    passages = _passages_table(para_topics, picks, texts_at(used[[position for _, _, position in picks]]))
    doc_topics[cols] = doc_topics[cols].round(4)
    return TopicModelResult(
        algorithm=algo,
        k=k_chosen,
        topics=topics,
        doc_topics=doc_topics,
        paragraph_topics=para_topics,
        selection=selection,
        passages=passages,
        terms=_terms_table(topic_term, terms, topic_settings.n_top, topic_settings.frex_weight),
        vocabulary=vocab,
        topic_term=topic_term,
        settings=topic_settings,
    )


def _empty_result(doc_order: list, n_units: int, settings: VocabularySettings, topic_settings: TopicSettings,
                  note: str, vocab: Vocabulary | None = None) -> TopicModelResult:
    """A result without topics, for corpora too small to model (``note`` says why)."""
    if vocab is None:
        vocab = Vocabulary(sparse.csr_matrix((n_units, 0), dtype=np.int32), np.array([], dtype=object),
                           pd.DataFrame(columns=["phrase", "first", "second", "count", "llr", "pmi"]), 0, 0, 0, settings)
    docs = pd.DataFrame({"doc_id": doc_order, "n_paragraphs": 0, "n_terms": 0})
    docs["top_topic"] = pd.array([pd.NA] * len(docs), dtype="Int64")
    return TopicModelResult(
        algorithm="",
        k=0,
        topics=pd.DataFrame(columns=["topic", "label", "top_terms", "frex_terms", "npmi", "prevalence", "stability", "n_paragraphs"]),
        doc_topics=docs,
        paragraph_topics=pd.DataFrame(columns=["doc_id", "para_id", "n_terms", "top_topic", "top_share", "evidence"]),
        selection=pd.DataFrame(columns=["algorithm", "k", "npmi", "npmi_se", "diversity", "stability", "eligible", "rank_sum", "chosen"]),
        passages=pd.DataFrame(columns=["topic", "rank", "doc_id", "para_id", "share", "text"]),
        terms=pd.DataFrame(columns=["topic", "rank", "by_probability", "probability", "by_frex", "frex"]),
        vocabulary=vocab,
        topic_term=np.zeros((0, vocab.counts.shape[1])),
        settings=topic_settings,
        note=note,
    )


def detach_paragraphs(result: TopicModelResult, path: str | Path) -> TopicModelResult:
    """The result with ``paragraph_topics`` written to a Parquet file and dropped from memory.

    For large corpora, whose per-paragraph table is too large to keep or send between processes;
    ``pandas.read_parquet(result.paragraph_topics_file)`` reads it back (for
    :func:`prevalence_by_group`, for instance).

    Returns
    -------
    TopicModelResult
        With ``paragraph_topics`` emptied (same columns) and ``paragraph_topics_file`` set.
    """
    path = Path(path)
    result.paragraph_topics.to_parquet(path, index=False)
    return replace(result, paragraph_topics=result.paragraph_topics.iloc[:0].copy(), paragraph_topics_file=str(path))


def document_top_topic(result: TopicModelResult) -> pd.DataFrame:
    """``doc_id, top_topic`` for documents.csv (<NA> where no paragraph was modelled)."""
    return result.doc_topics[["doc_id", "top_topic"]].copy()


def topics_table(result: TopicModelResult) -> pd.DataFrame:
    """The columns of topics.csv: ``topic, label, top_terms, npmi, prevalence``."""
    return result.topics[["topic", "label", "top_terms", "npmi", "prevalence"]].copy()


# --------------------------------------------------------------------------- groups and uncertainty


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


def prevalence_by_group(
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


# --------------------------------------------------------------------------- plots


def plot_selection(selection: pd.DataFrame, settings: TopicSettings | None = None, axes=None):
    """NPMI, diversity and stability against k, one line per algorithm; the chosen model starred.

    Parameters
    ----------
    selection : pandas.DataFrame
        ``TopicModelResult.selection``.
    settings : TopicSettings or None
        If given, the diversity and stability thresholds of the rule are drawn as dashed lines.
    axes : sequence of three matplotlib Axes or None
        Where to draw; a new 1 x 3 figure if None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), constrained_layout=True)
    else:
        fig = axes[0].figure
    thresholds = {"diversity": settings.min_diversity, "stability": settings.min_stability} if settings else {}
    for ax, measure in zip(axes, ["npmi", "diversity", "stability"]):
        for algorithm, part in selection.groupby("algorithm", sort=True):
            ax.plot(part["k"], part[measure], marker="o", label=algorithm)
        chosen = selection[selection["chosen"]]
        ax.plot(chosen["k"], chosen[measure], marker="*", markersize=16, color="black", linestyle="none", label="chosen")
        if measure in thresholds:
            ax.axhline(thresholds[measure], color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("number of topics k")
        ax.set_title(measure)
    axes[0].legend()
    return fig


def plot_prevalence_heatmap(doc_topics: pd.DataFrame, topics: pd.DataFrame | None = None, ax=None, max_chars: int = 40):
    """Heat map of topic shares, documents (rows) by topics (columns).

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``TopicModelResult.doc_topics``.
    topics : pandas.DataFrame or None
        ``TopicModelResult.topics``; labels the columns when given.
    ax : matplotlib Axes or None
    max_chars : int
        Document ids longer than this are shortened.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    values = doc_topics[cols].to_numpy(dtype=float)
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.2 * len(cols) + 4, 0.35 * len(doc_topics) + 1.5), constrained_layout=True)
    else:
        fig = ax.figure
    if not cols:
        ax.text(0.5, 0.5, "no topic model: too few paragraphs", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0, vmax=1)
    names = [f"{t}: {lab}" for t, lab in zip(topics["topic"], topics["label"])] if topics is not None else cols
    ax.set_xticks(range(len(cols)), names, rotation=35, ha="right")
    ids = [d if len(d) <= max_chars else d[: max_chars - 1] + "…" for d in doc_topics["doc_id"].astype(str)]
    ax.set_yticks(range(len(ids)), ids)
    fig.colorbar(image, ax=ax, label="topic share")
    return fig


def plot_group_prevalence(table: pd.DataFrame, by: str = "outlet_origin", ax=None):
    """Topic prevalence per group with bootstrap intervals (hollow markers: thin groups).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`prevalence_by_group`.
    by : str
        The grouping column of ``table``.
    ax : matplotlib Axes or None

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    groups = sorted(table[by].unique())
    topics = sorted(table["topic"].unique())
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.3 * len(topics) + 4, 4), constrained_layout=True)
    else:
        fig = ax.figure
    width = 0.8 / max(len(groups), 1)
    for i, group in enumerate(groups):
        part = table[table[by] == group].sort_values("topic")
        x = part["topic"].to_numpy() - 0.4 + width * (i + 0.5)
        err = np.vstack([part["prevalence"] - part["ci_low"], part["ci_high"] - part["prevalence"]])
        thin = bool(part["thin"].iloc[0])
        n_docs = int(part["n_docs"].iloc[0])
        ax.errorbar(x, part["prevalence"], yerr=err, fmt="o", capsize=3, mfc="white" if thin else None,
                    label=f"{group} ({n_docs} doc{'s' if n_docs != 1 else ''}{', thin' if thin else ''})")
    labels = table.drop_duplicates("topic").sort_values("topic")
    ax.set_xticks(topics, [f"{t}: {lab}" for t, lab in zip(labels["topic"], labels["label"])], rotation=35, ha="right")
    ax.set_ylabel("mean document share")
    ax.legend(fontsize="small")
    return fig
