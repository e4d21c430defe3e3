"""Choose the algorithm and number of topics from coherence, diversity and stability."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from sinojp.topics.coherence import compute_diversity, compute_stability, compute_topic_npmi
from sinojp.topics.model import FittedModel, fit_model, rank_terms
from sinojp.topics.settings import TopicSettings


def _subsample(n: int, share: float, rng: np.random.Generator, minimum: int = 2) -> np.ndarray:
    size = max(minimum, int(round(share * n)))
    return np.sort(rng.choice(n, size=min(size, n), replace=False))


def split_heldout(n_units: int, share: float, random_state: int = 0, minimum: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Seeded split of the units into those models are fitted on and those coherence is measured on.

    Parameters
    ----------
    n_units : int
        Paragraphs in the selection.
    share : float
        Share held out for NPMI.
    random_state : int
        Seed of the split.
    minimum : int
        Fewest held-out paragraphs worth measuring on; with fewer, nothing is held out and NPMI is
        measured on the fitted paragraphs (the selection table says so in ``npmi_on``).

    Returns
    -------
    (fit_rows, heldout_rows) : ndarray, ndarray
        Sorted row indices; ``heldout_rows`` is empty when nothing is held out.
    """
    held = int(round(share * n_units))
    if held < minimum or n_units - held < minimum:
        return np.arange(n_units), np.empty(0, dtype=int)
    order = np.random.default_rng([random_state, 99]).permutation(n_units)
    return np.sort(order[held:]), np.sort(order[:held])


def compute_exclusivity(topic_term: np.ndarray, top: np.ndarray) -> float:
    """Mean exclusivity of the topics' top terms: a term's weight in its topic over its weight in all.

    Parameters
    ----------
    topic_term : ndarray, shape (k, n_terms)
        Topic-term weights, rows summing to 1.
    top : ndarray, shape (k, n_top)
        Indices of each topic's top terms.

    Returns
    -------
    float
        1 when every top term belongs to one topic only; 1/k when spread evenly.
    """
    share = topic_term / np.maximum(topic_term.sum(axis=0, keepdims=True), 1e-12)
    return float(np.mean([share[t, top[t]].mean() for t in range(len(top))]))


def evaluate_candidate(
    counts: sparse.csr_matrix, terms: np.ndarray, algorithm: str, k: int, random_state: int = 0,
    settings: TopicSettings = TopicSettings(), stability: bool = True,
) -> tuple[dict, FittedModel, np.ndarray, list]:
    """Fit one candidate ``n_seeds`` times and measure held-out NPMI, exclusivity, diversity and stability.

    The models are fitted on the paragraphs :func:`split_heldout` keeps; NPMI is measured on the
    held-out ones, so that a candidate cannot score by describing its own training text.

    Parameters
    ----------
    counts : sparse matrix
        Paragraph-by-term counts of the selection.
    terms : ndarray
        The vocabulary.
    algorithm : {"lda", "nmf"}
    k : int
        Number of topics.
    random_state : int
        Seed of the reference run (further runs use ``random_state + s`` on seeded subsamples).
    settings : TopicSettings
    stability : bool
        False: fit the reference run only (``stability`` NaN, no further runs); see
        :func:`measure_stability`.

    Returns
    -------
    (row, reference_model, per_topic_stability, other_runs)
        ``row`` holds ``algorithm, k, npmi, npmi_se, exclusivity, diversity, stability, npmi_on``
        (``npmi_se``: standard error of the mean NPMI over topics; ``npmi_on``: ``held-out`` or
        ``fitted`` paragraphs); the reference model is the run with seed ``random_state``;
        ``other_runs`` the top terms of the further runs (to measure any refit's stability).
    """
    fit_rows, held = split_heldout(counts.shape[0], settings.heldout_share, random_state)
    fit_counts = counts[fit_rows] if len(held) else counts
    reference = fit_model(fit_counts, algorithm, k, random_state, settings)
    ref_idx = rank_terms(reference.topic_term, settings.n_top)
    ref_terms = [list(terms[i]) for i in ref_idx]
    per_topic_npmi = compute_topic_npmi(counts[held] if len(held) else counts, ref_idx)
    row = {
        "algorithm": algorithm,
        "k": k,
        "npmi": float(np.nanmean(per_topic_npmi)),
        "npmi_se": float(np.nanstd(per_topic_npmi, ddof=1) / np.sqrt(k)),
        "exclusivity": compute_exclusivity(reference.topic_term, ref_idx),
        "diversity": compute_diversity(ref_terms),
        "stability": np.nan,
        "npmi_on": "held-out" if len(held) else "fitted",
    }
    if not stability:
        return row, reference, np.full(k, np.nan), []
    row["stability"], per_topic, others = measure_stability(counts, terms, reference, random_state, settings)
    return row, reference, per_topic, others


def measure_stability(counts: sparse.csr_matrix, terms: np.ndarray, reference: FittedModel, random_state: int = 0,
                      settings: TopicSettings = TopicSettings()) -> tuple[float, np.ndarray, list]:
    """Stability of a candidate's reference run against ``n_seeds - 1`` runs on seeded subsamples.

    Parameters
    ----------
    counts : sparse matrix
        Paragraph-by-term counts of the selection (the held-out paragraphs are left out again).
    terms : ndarray
    reference : FittedModel
        The candidate's reference run (:func:`evaluate_candidate`).
    random_state : int
    settings : TopicSettings

    Returns
    -------
    (stability, per_topic_stability, other_runs)
    """
    fit_rows, held = split_heldout(counts.shape[0], settings.heldout_share, random_state)
    fit_counts = counts[fit_rows] if len(held) else counts
    ref_terms = [list(terms[i]) for i in rank_terms(reference.topic_term, settings.n_top)]
    others = []
    for s in range(1, settings.n_seeds):
        rng = np.random.default_rng([random_state, s])
        rows = _subsample(fit_counts.shape[0], settings.stability_subsample, rng, minimum=reference.k + 1)
        run = fit_model(fit_counts[rows], reference.algorithm, reference.k, random_state + s, settings)
        others.append([list(terms[i]) for i in rank_terms(run.topic_term, settings.n_top)])
    overall, per_topic = compute_stability(ref_terms, others)
    return overall, per_topic, others


def find_contenders(selection: pd.DataFrame, settings: TopicSettings = TopicSettings(), z: float = 2.0) -> pd.Series:
    """Candidates not clearly worse than the best: the ones whose stability is worth measuring.

    A candidate is clearly worse when its held-out NPMI lies more than ``z`` standard errors of the
    difference below the best candidate's, or when its diversity misses ``settings.min_diversity``
    while another's reaches it (it could not be chosen whatever its stability).

    Parameters
    ----------
    selection : DataFrame
        ``npmi, npmi_se, diversity`` per candidate (reference runs of :func:`evaluate_candidate`).
    settings : TopicSettings
    z : float

    Returns
    -------
    Series of bool
        On the index of ``selection``.
    """
    diverse = selection["diversity"] >= settings.min_diversity
    pool = selection[diverse] if diverse.any() else selection
    best = pool["npmi"].idxmax()
    se = np.sqrt(selection["npmi_se"].fillna(0.0) ** 2 + (selection.at[best, "npmi_se"] or 0.0) ** 2)
    close = selection["npmi"] >= selection.at[best, "npmi"] - z * se
    return close & (diverse if diverse.any() else True)


def choose_model(selection: pd.DataFrame, settings: TopicSettings = TopicSettings()) -> pd.DataFrame:
    """Apply the selection rule to candidate models; adds ``eligible``, ``rank_sum`` and ``chosen``.

    A candidate marked ``pruned`` (:func:`select_model`) is never eligible nor chosen. Another is
    eligible when its stability (a missing value counts as 1) reaches
    ``settings.min_stability`` and its diversity ``settings.min_diversity``. Within the eligible
    candidates (all of them when none is eligible) the ranks of NPMI and of stability, both
    largest first, are summed; the smallest rank sum wins, ties going to the higher NPMI, then the
    smaller ``k``, then the algorithm's name.

    Parameters
    ----------
    selection : DataFrame
        One row per candidate: ``algorithm, k, npmi, diversity, stability`` (as evaluated by
        :func:`sinojp.topics.select_model`).
    settings : TopicSettings
        Its ``min_stability`` (default 0.5) and ``min_diversity`` (0.7) are the eligibility
        thresholds.

    Returns
    -------
    DataFrame
        A copy of ``selection`` plus ``eligible`` (bool), ``rank_sum`` (float, NaN for candidates
        outside the pool) and ``chosen`` (True for exactly one row).

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
    live = ~table["pruned"].astype(bool) if "pruned" in table else pd.Series(True, index=table.index)
    table["eligible"] = (stab >= settings.min_stability) & (table["diversity"] >= settings.min_diversity) & live
    pool = table[table["eligible"]] if table["eligible"].any() else table[live]
    ranks = pool["npmi"].rank(ascending=False) + pool["stability"].fillna(1.0).rank(ascending=False)
    table["rank_sum"] = ranks
    ordered = table.loc[pool.index].assign(neg_npmi=-pool["npmi"])
    winner = ordered.sort_values(["rank_sum", "neg_npmi", "k", "algorithm"], kind="mergesort").index[0]
    table["chosen"] = table.index == winner
    return table


def _limited(limits: dict[str, int] | None, func: Callable, *args: object) -> object:
    """``func(*args)`` under the caller's BLAS / OpenMP thread limits (for worker processes)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limits):
        return func(*args)


def _map(func: Callable, calls: list[tuple], n_jobs: int) -> list:
    """``[func(*args) for args in calls]``, in joblib worker processes when ``n_jobs`` > 1."""
    if n_jobs == 1 or len(calls) < 2:
        return [func(*args) for args in calls]
    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_info

    limits = {info["user_api"]: info["num_threads"] for info in threadpool_info()}
    return Parallel(n_jobs=n_jobs)(delayed(_limited)(limits, func, *args) for args in calls)


def select_model(
    counts: sparse.csr_matrix, terms: np.ndarray, algorithms: Sequence[str] | None = None,
    k_values: Sequence[int] | None = None, random_state: int = 0, settings: TopicSettings = TopicSettings(),
    n_jobs: int = 1, prune: bool = False,
) -> tuple[pd.DataFrame, dict[tuple[str, int], tuple[FittedModel, np.ndarray, list]]]:
    """Evaluate all candidates and choose one; widen the range of k when the choice sits at its top.

    Parameters
    ----------
    counts : sparse matrix
        Paragraph-by-term counts.
    terms : ndarray
        The vocabulary.
    algorithms : sequence of str, optional
        Default ``settings.algorithms``.
    k_values : sequence of int, optional
        Default ``settings.k_range``; given explicitly, the range is never widened.
    random_state : int
    settings : TopicSettings
    n_jobs : int
        Candidates evaluated at once, in joblib worker processes (1: one after the other, here).
        Every fit has its own seed and runs under this process's thread limits, so the result
        does not depend on ``n_jobs``.
    prune : bool
        Fit every candidate once first and measure stability (``n_seeds - 1`` further fits) only
        for those :func:`find_contenders` keeps; the others are marked ``pruned`` and cannot be
        chosen. The pipeline prunes when the selection runs on a sample of a larger corpus.

    Returns
    -------
    (selection, fitted)
        The selection table (rounded to 3 decimals, with ``eligible``, ``chosen``, ``widened``:
        True for candidates added because the choice was at the top of the range, and, when
        pruning, ``pruned``)
        and, keyed by (algorithm, k), each candidate's reference model, per-topic stability and
        further runs.
    """
    algorithms = tuple(algorithms or settings.algorithms)
    n_units = counts.shape[0]

    def usable(ks: Sequence[int]) -> list[int]:
        return [k for k in ks if 2 <= k < n_units and k <= counts.shape[1]]

    ks = usable(k_values or settings.k_range)
    if not ks:
        raise ValueError(f"No usable number of topics for {n_units} paragraphs and {counts.shape[1]} terms.")
    rows: dict[tuple[str, int], dict] = {}
    fitted: dict = {}
    widened: set[int] = set()
    while True:
        candidates = [(a, k) for a in algorithms for k in ks if (a, k) not in fitted]
        calls = [(counts, terms, a, k, random_state, settings, not prune) for a, k in candidates]
        for candidate, (row, model, per_topic, others) in zip(candidates, _map(evaluate_candidate, calls, n_jobs)):
            rows[candidate] = {**row, "widened": candidate[1] in widened, **({"pruned": False} if prune else {})}
            fitted[candidate] = (model, per_topic, others)
        if prune:
            _measure_contenders(rows, fitted, counts, terms, random_state, settings, n_jobs)
        table = choose_model(pd.DataFrame(list(rows.values())).round(
            {"npmi": 3, "npmi_se": 3, "exclusivity": 3, "diversity": 3, "stability": 3}), settings)
        k_chosen = int(table.loc[table["chosen"], "k"].iloc[0])
        top = max(ks)
        more = usable(range(top + 1, min(top + 3, settings.k_max) + 1)) if k_values is None else []
        if k_chosen < top or not more:
            return table, fitted
        widened.update(more)
        ks = ks + more


def _measure_contenders(rows: dict, fitted: dict, counts: sparse.csr_matrix, terms: np.ndarray, random_state: int,
                        settings: TopicSettings, n_jobs: int) -> None:
    """Measure the stability of every contender not yet measured; mark the others pruned (in place)."""
    keys = list(rows)
    contenders = find_contenders(pd.DataFrame([rows[c] for c in keys]), settings).to_numpy()
    todo = [c for c, keep in zip(keys, contenders) if keep and np.isnan(rows[c]["stability"])]
    calls = [(counts, terms, fitted[c][0], random_state, settings) for c in todo]
    for c, (overall, per_topic, others) in zip(todo, _map(measure_stability, calls, n_jobs)):
        rows[c]["stability"] = overall
        fitted[c] = (fitted[c][0], per_topic, others)
    for c, keep in zip(keys, contenders):
        rows[c]["pruned"] = bool(np.isnan(rows[c]["stability"]) and not keep)
