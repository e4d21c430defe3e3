"""Choose the algorithm and number of topics from coherence, diversity and stability."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from sinojp.topics.coherence import compute_diversity, compute_stability, compute_topic_npmi
from sinojp.topics.model import FittedModel, fit_model, rank_terms
from sinojp.topics.settings import TopicSettings


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
    ref_idx = rank_terms(reference.topic_term, settings.n_top)
    ref_terms = [list(terms[i]) for i in ref_idx]
    others = []
    for s in range(1, settings.n_seeds):
        rng = np.random.default_rng([random_state, s])
        rows = _subsample(counts.shape[0], settings.stability_subsample, rng, minimum=k + 1)
        run = fit_model(counts[rows], algorithm, k, random_state + s, settings)
        others.append([list(terms[i]) for i in rank_terms(run.topic_term, settings.n_top)])
    overall, per_topic = compute_stability(ref_terms, others)
    per_topic_npmi = compute_topic_npmi(counts, ref_idx)
    row = {
        "algorithm": algorithm,
        "k": k,
        "npmi": float(np.nanmean(per_topic_npmi)),
        "npmi_se": float(np.nanstd(per_topic_npmi, ddof=1) / np.sqrt(k)),
        "diversity": compute_diversity(ref_terms),
        "stability": overall,
    }
    return row, reference, per_topic


def choose_model(selection: pd.DataFrame, settings: TopicSettings = TopicSettings()) -> pd.DataFrame:
    """Apply the selection rule to candidate models; adds ``eligible``, ``rank_sum`` and ``chosen``.

    A candidate is eligible when its stability (a missing value counts as 1) reaches
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
