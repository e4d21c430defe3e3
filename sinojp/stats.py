"""Agreement and test statistics shared by every validation in sinojp.

All functions take plain sequences and return floats (``nan`` where the
statistic is undefined, e.g. Spearman's rho of a constant series).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance
from scipy import stats


def accuracy(y_true: Sequence, y_pred: Sequence) -> float:
    """Share of items where prediction equals gold."""
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if len(t) != len(p):
        raise ValueError("y_true and y_pred differ in length")
    return float(np.mean(t == p)) if len(t) else float("nan")


def macro_f1(y_true: Sequence, y_pred: Sequence, labels: Sequence | None = None) -> float:
    """Unweighted mean of per-class F1 over ``labels`` (default: classes seen in either series).

    A class with no gold and no predicted items is left out; a class with
    gold items but no correct prediction scores 0.
    """
    t, p = list(y_true), list(y_pred)
    classes = sorted(set(t) | set(p)) if labels is None else list(labels)
    scores = []
    for c in classes:
        tp = sum(1 for a, b in zip(t, p) if a == c and b == c)
        fp = sum(1 for a, b in zip(t, p) if a != c and b == c)
        fn = sum(1 for a, b in zip(t, p) if a == c and b != c)
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (nan when either series is constant)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def _ordinal_distance_factory(values: Sequence) -> Callable[[object, object], float]:
    """Krippendorff's ordinal metric: squared count of values between two ranks."""
    counts = Counter(values)
    ranks = sorted(counts)

    def distance(a, b) -> float:
        lo, hi = sorted((ranks.index(a), ranks.index(b)))
        between = sum(counts[ranks[g]] for g in range(lo, hi + 1))
        return float((between - (counts[ranks[lo]] + counts[ranks[hi]]) / 2) ** 2)

    return distance


def krippendorff_alpha(coder_a: Sequence, coder_b: Sequence, level: str = "interval") -> float:
    """Krippendorff's alpha for two coders over the same items.

    Parameters
    ----------
    coder_a, coder_b : sequences of labels (numbers for interval / ordinal).
    level : {"interval", "ordinal", "nominal"}
        The distance: squared difference, Krippendorff's rank-based ordinal
        metric, or 0/1 disagreement.

    Notes
    -----
    Computed with ``nltk.metrics.agreement.AnnotationTask``; returns nan
    when all values are identical (expected disagreement is zero).
    """
    a, b = list(coder_a), list(coder_b)
    if len(a) != len(b):
        raise ValueError("coders differ in length")
    values = a + b
    if len(set(values)) < 2:
        return float("nan")
    if level == "interval":
        dist = interval_distance
        a, b = [float(v) for v in a], [float(v) for v in b]
    elif level == "ordinal":
        dist = _ordinal_distance_factory(values)
    elif level == "nominal":
        dist = binary_distance
    else:
        raise ValueError(f"unknown level {level!r}")
    data = [("a", str(i), v) for i, v in enumerate(a)] + [("b", str(i), v) for i, v in enumerate(b)]
    return float(AnnotationTask(data=data, distance=dist).alpha())


def bootstrap_ci(values: Sequence[float], statistic: Callable[[np.ndarray], float] = np.mean,
                 n_boot: int = 1000, level: float = 0.95, random_state: int = 0) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of ``statistic`` over ``values``."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, len(v), size=(n_boot, len(v)))
    reps = np.array([statistic(v[i]) for i in idx])
    tail = (1 - level) / 2 * 100
    return float(np.percentile(reps, tail)), float(np.percentile(reps, 100 - tail))


def permutation_pvalue(x: Sequence[float], y: Sequence[float], n_perm: int = 10000,
                       alternative: str = "greater", random_state: int = 0) -> float:
    """Permutation p-value for the difference in means ``mean(x) - mean(y)``.

    ``alternative="greater"`` tests whether x is larger than y; the count
    includes the observed arrangement, so p is never 0.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) == 0 or len(y) == 0:
        return float("nan")
    pooled = np.concatenate([x, y])
    observed = x.mean() - y.mean()
    rng = np.random.default_rng(random_state)
    hits = 0
    for _ in range(n_perm):
        perm = rng.permutation(pooled)
        diff = perm[: len(x)].mean() - perm[len(x):].mean()
        if alternative == "greater":
            hits += diff >= observed - 1e-12
        elif alternative == "less":
            hits += diff <= observed + 1e-12
        else:
            hits += abs(diff) >= abs(observed) - 1e-12
    return float((hits + 1) / (n_perm + 1))


def mann_whitney(x: Sequence[float], y: Sequence[float], alternative: str = "greater") -> tuple[float, float]:
    """Mann–Whitney U of x against y and its p-value (exact where scipy can)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) == 0 or len(y) == 0:
        return float("nan"), float("nan")
    res = stats.mannwhitneyu(x, y, alternative=alternative)
    return float(res.statistic), float(res.pvalue)


def _delta(values: np.ndarray, counts: np.ndarray, level: str) -> np.ndarray:
    """Squared distance between every pair of the sorted distinct ``values``."""
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        v = values.astype(float)
        return (v[:, None] - v[None, :]) ** 2
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(counts)])
        lo = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
        hi = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
        between = cum[hi + 1] - cum[lo]
        return (between - (counts[lo] + counts[hi]) / 2) ** 2
    raise ValueError(f"unknown level {level!r}")


def _coincidences(units: Sequence[Sequence]) -> tuple[list, np.ndarray]:
    """Distinct values and each pairable unit's coincidence matrix (n_units, k, k)."""
    kept = [[v for v in u if v is not None and not (isinstance(v, float) and np.isnan(v))] for u in units]
    kept = [u for u in kept if len(u) >= 2]
    values = sorted({v for u in kept for v in u})
    index = {v: i for i, v in enumerate(values)}
    per_unit = np.zeros((len(kept), len(values), len(values)))
    for n, u in enumerate(kept):
        tally = np.bincount([index[v] for v in u], minlength=len(values)).astype(float)
        per_unit[n] = (np.outer(tally, tally) - np.diag(tally)) / (len(u) - 1)  # ordered pairs of coders
    return values, per_unit


def _alpha(coincidence: np.ndarray, values: list, level: str) -> float:
    counts = coincidence.sum(axis=1)
    n = counts.sum()
    if n <= 1:
        return float("nan")
    delta = _delta(np.array(values, dtype=object if level == "nominal" else float), counts, level)
    observed = (coincidence * delta).sum() / n
    expected = (np.outer(counts, counts) * delta).sum() / (n * (n - 1))
    return float(1 - observed / expected) if expected > 0 else float("nan")


def alpha_from_units(units: Sequence[Sequence], level: str = "nominal") -> float:
    """Krippendorff's alpha for any number of coders, with missing codes.

    Parameters
    ----------
    units : sequence of sequences
        One entry per coded unit: the codes it received (``None`` / NaN for a coder who did not
        code it). Units with fewer than two codes are not pairable and are left out.
    level : {"nominal", "ordinal", "interval"}
        The metric of the codes.

    Returns
    -------
    float
        Alpha (1 perfect agreement, 0 chance); NaN when there is no variation to agree on.
    """
    values, per_unit = _coincidences(units)
    if len(values) < 2 or not len(per_unit):
        return float("nan")
    return _alpha(per_unit.sum(axis=0), values, level)


def alpha_interval(units: Sequence[Sequence], level: str = "nominal", n_boot: int = 1000,
                   random_state: int = 0) -> tuple[float, float, float]:
    """Krippendorff's alpha with a 95% bootstrap interval over units.

    Parameters
    ----------
    units : sequence of sequences
        As for :func:`alpha_from_units`.
    level : {"nominal", "ordinal", "interval"}
    n_boot : int
        Bootstrap resamples of the units.
    random_state : int
        Seed of the resampling.

    Returns
    -------
    (alpha, low, high)
    """
    values, per_unit = _coincidences(units)
    if len(values) < 2 or not len(per_unit):
        return float("nan"), float("nan"), float("nan")
    point = _alpha(per_unit.sum(axis=0), values, level)
    rng = np.random.default_rng(random_state)
    n = len(per_unit)
    weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_boot)]).astype(float)
    resampled = (weights @ per_unit.reshape(n, -1)).reshape(n_boot, len(values), len(values))
    reps = np.array([_alpha(c, values, level) for c in resampled])
    reps = reps[~np.isnan(reps)]
    if not len(reps):
        return point, float("nan"), float("nan")
    return point, float(np.percentile(reps, 2.5)), float(np.percentile(reps, 97.5))


def bootstrap_ci_grouped(values: Sequence[float], groups: Sequence, statistic: Callable[[np.ndarray], float] = np.mean,
                         n_boot: int = 1000, level: float = 0.95, random_state: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` resampling whole groups (e.g. documents).

    Parameters
    ----------
    values : sequence of float
        One value per unit (e.g. 1/0 per sentence for right/wrong).
    groups : sequence
        The group of each unit; groups are drawn with replacement, with all their units.
    statistic : callable
        Applied to the values of a resample (default: the mean).
    n_boot : int
        Resamples.
    level : float
        Coverage of the interval.
    random_state : int
        Seed.

    Returns
    -------
    (low, high)
    """
    v = np.asarray(values, dtype=float)
    g = pd.factorize(pd.Series(list(groups)))[0]
    if len(v) == 0:
        return float("nan"), float("nan")
    members = [np.flatnonzero(g == k) for k in range(g.max() + 1)]
    rng = np.random.default_rng(random_state)
    reps = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(members), len(members))
        idx = np.concatenate([members[k] for k in pick])
        reps.append(statistic(v[idx]))
    tail = (1 - level) / 2 * 100
    return float(np.nanpercentile(reps, tail)), float(np.nanpercentile(reps, 100 - tail))
