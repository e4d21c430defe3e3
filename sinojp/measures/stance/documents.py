"""Document stance from sentence predictions: weighted mean, seeded bootstrap intervals, 3-class codes.

A sentence is *stance-bearing* for a target when its predicted class is not 0 (and, for
``us_stance``, when it names the US / Trump). The document score is

    sum_i w_i s_i / (sum_i w_i + prior)

over the sentences of ``mode``: ``"evidence"`` sums over the stance-bearing sentences only, ``"all"``
over every counted sentence (every sentence for relations, every US-target sentence for us), so that
neutral sentences pull towards 0. ``s_i`` is the sentence score P(+1) - P(-1); the weight ``w_i`` is
``attribution`` for a reported or quoted claim (1 for the author's own voice) times ``lead`` for the
first three sentences. A document without a stance-bearing sentence has no score (NaN, with NaN
interval bounds and ``n_evidence = 0``), never 0. The 3-class code uses two thresholds ``lo`` and
``hi`` (chosen by cross-validation in the research, shipped in ``models/stance_documents.json``); a
missing score is coded 0, the codebook's "neutral or absent".

The interval is a percentile bootstrap over the document's sentences. Each document draws from its
own generator, seeded by ``random_state`` and its ``doc_id``, so an interval does not depend on which
other documents are scored with it (a chunked run gives the same intervals as an in-memory one); the
statistic is computed for blocks of documents at once with numpy.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

#: bootstrap cells (documents x replicates x longest document) computed at once: bounds the memory
BLOCK_CELLS = 4_000_000


@dataclass
class Aggregation:
    """How sentence scores become a document score (one per target, shipped as JSON).

    Attributes
    ----------
    attribution : float
        Weight of a reported or quoted claim (the author's own claims weigh 1).
    lead : float
        Weight of the first three sentences.
    prior : float
        Weight of a neutral pseudo-sentence that shrinks sparse documents towards 0.
    mode : {"all", "evidence"}
        Sum over every counted sentence, or over the stance-bearing ones only.
    lo, hi : float
        A score below ``lo`` is coded -1, above ``hi`` +1, else 0.
    """

    attribution: float = 0.7
    lead: float = 1.5
    prior: float = 0.0
    mode: str = "evidence"
    lo: float = -0.1
    hi: float = 0.1

    def to_dict(self) -> dict:
        """The parameters as a plain dictionary (the JSON layout)."""
        return asdict(self)


def weigh_by_position(attributed: np.ndarray, sent_id: np.ndarray, agg: Aggregation) -> np.ndarray:
    """Weight of each sentence: ``agg.attribution`` if attributed, times ``agg.lead`` in the lead.

    Parameters
    ----------
    attributed : array of bool
        The sentence reports someone else's claim.
    sent_id : array of int
        Position of the sentence in its document (the first three are the lead).
    agg : Aggregation
        The weights.

    Returns
    -------
    ndarray of float
    """
    return (np.where(np.asarray(attributed, bool), agg.attribution, 1.0)
            * np.where(np.asarray(sent_id) < 3, agg.lead, 1.0))


def label_codes(scores: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """3-class codes: above ``hi`` +1, below ``lo`` -1, else (and for a missing score) 0.

    Parameters
    ----------
    scores : array of float
        Document scores (NaN where a document has no evidence).
    lo, hi : float
        The thresholds.

    Returns
    -------
    ndarray of int
    """
    s = np.asarray(scores, float)
    return np.where(s > hi, 1, np.where(s < lo, -1, 0)).astype(int)


def _doc_seed(random_state: int, doc_id: str) -> np.random.Generator:
    return np.random.default_rng([int(random_state) & 0xFFFFFFFF, zlib.crc32(str(doc_id).encode("utf-8"))])


@dataclass(frozen=True)
class _Target:
    """One target's sentence arrays, as the bootstrap uses them."""

    score: np.ndarray
    bearing: np.ndarray
    w_eff: np.ndarray
    agg: Aggregation

    @classmethod
    def of(cls, score: np.ndarray, bearing: np.ndarray, weight: np.ndarray, agg: Aggregation,
           counted: np.ndarray | None = None) -> "_Target":
        score = np.asarray(score, float)
        bearing = np.asarray(bearing, bool)
        counted = np.ones(len(score), bool) if counted is None else np.asarray(counted, bool)
        included = bearing if agg.mode == "evidence" else (counted | bearing)
        return cls(score, bearing, np.where(included, np.asarray(weight, float), 0.0), agg)


def _ratio(S: np.ndarray, W: np.ndarray, B: np.ndarray, prior: float) -> np.ndarray:
    num = (S * W).sum(axis=-1)
    den = W.sum(axis=-1) + prior
    ok = B.any(axis=-1) & (den > 0)
    return np.where(ok, num / np.where(den > 0, den, 1.0), np.nan)


class _Scratch:
    """Work arrays of one block, reused from document to document (fresh large arrays cost page faults).

    A document's replicates are rows of the block's ``width``: the drawn sentences, then padding
    cells (index ``n``, the first sentence masked as the block-wide computation had it). numpy's
    pairwise summation depends on the row length, so rows of the block's width keep the figures
    identical to the last bit.
    """

    def __init__(self, n_boot: int, width: int):
        self.draws = np.empty(n_boot * width)
        self.picks = np.empty(n_boot * width, dtype=np.intp)
        self.gathered = np.empty(n_boot * width)
        self.num = np.empty((n_boot, width))
        self.den = np.empty((n_boot, width))
        self.hit = np.empty(n_boot * width, dtype=bool)

    def pick(self, rng: np.random.Generator, n_boot: int, n: int) -> np.ndarray:
        """``floor(rng.random((n_boot, n)) * n)``: the drawn sentences of each replicate."""
        draws = self.draws[:n_boot * n].reshape(n_boot, n)
        rng.random(out=draws)
        np.multiply(draws, n, out=draws)
        picks = self.picks[:n_boot * n].reshape(n_boot, n)
        picks[...] = draws  # truncation = floor: the draws are not negative
        return picks

    def _row_sums(self, out: np.ndarray, values: np.ndarray, pick: np.ndarray, pad: float) -> np.ndarray:
        """Per replicate, the sum of the drawn ``values`` over a row of the block's width, padded with ``pad``
        (also the value of a draw of index ``n``, as ``floor(draw * n)`` can round up to ``n``)."""
        n = pick.shape[1]
        out[:, :n] = np.take(np.append(values, pad), pick, out=self.gathered[:pick.size].reshape(pick.shape),
                             mode="clip")
        out[:, n:] = pad
        return out.sum(axis=1)

    def statistic(self, pick: np.ndarray, s: np.ndarray, w: np.ndarray, b: np.ndarray, prior: float) -> np.ndarray:
        """The document score of each replicate (NaN without a stance-bearing draw)."""
        total = self._row_sums(self.den, w, pick, w[0] * 0.0) + prior
        num = self._row_sums(self.num, s * w, pick, (s[0] * 0.0) * (w[0] * 0.0))
        if b.all():
            hit = np.ones(len(pick), dtype=bool)
        else:  # a stance-bearing sentence drawn
            hit = np.take(b, pick, out=self.hit[:pick.size].reshape(pick.shape), mode="clip").any(axis=1)
        return np.where(hit & (total > 0), num / np.where(total > 0, total, 1.0), np.nan)


def _replicates(doc_ids: list, rows: list[np.ndarray], width: int, targets: list[_Target], active: np.ndarray,
                n_boot: int, random_state: int) -> list[np.ndarray]:
    """Bootstrap statistics ``(documents, n_boot)`` of each target (NaN rows where not ``active``).

    A document's draws depend only on the seed, its ``doc_id`` and its length: one set of draws
    serves every target.
    """
    reps = [np.full((len(rows), n_boot), np.nan) for _ in targets]
    scratch = _Scratch(n_boot, width)
    for k in np.flatnonzero(active.any(axis=0)):
        r = rows[k]
        pick = scratch.pick(_doc_seed(random_state, doc_ids[k]), n_boot, len(r))
        for t, target in enumerate(targets):
            if active[t, k]:
                reps[t][k] = scratch.statistic(pick, target.score[r], target.w_eff[r], target.bearing[r],
                                               target.agg.prior)
    return reps


def _percentiles(reps: np.ndarray, q: list[float]) -> np.ndarray:
    """``np.nanquantile(reps, q, axis=1)``, computed for all rows with as many valid replicates at once."""
    valid = (~np.isnan(reps)).sum(axis=1)
    ordered = np.sort(reps, axis=1)  # NaN last
    out = np.full((len(q), len(reps)), np.nan)
    for m in np.unique(valid[valid > 0]):
        sel = valid == m
        out[:, sel] = np.quantile(ordered[sel, :m], q, axis=1)
    return out


def _block(doc_ids: list, rows: list[np.ndarray], targets: list[_Target], n_boot: int, random_state: int,
           level: float) -> list[tuple[np.ndarray, ...]]:
    """``(score, ci_low, ci_high, n_sentences, n_evidence)`` of each target for a block of documents."""
    sizes = np.array([len(r) for r in rows], dtype=int)
    width = int(sizes.max()) if len(sizes) else 0
    mat = np.full((len(rows), width), -1, dtype=int)
    for k, r in enumerate(rows):
        mat[k, :len(r)] = r
    valid = mat >= 0
    safe = np.where(valid, mat, 0)
    points, n_evs = [], []
    for t in targets:
        S, W, B = t.score[safe] * valid, t.w_eff[safe] * valid, t.bearing[safe] & valid
        points.append(_ratio(S, W, B, t.agg.prior))
        n_evs.append(B.sum(axis=1))
    bounds = [(np.full(len(rows), np.nan), np.full(len(rows), np.nan)) for _ in targets]
    if n_boot > 0 and width:
        active = np.array(n_evs) > 0
        a = (1 - level) / 2
        for (lo, hi), reps, act in zip(bounds, _replicates(doc_ids, rows, width, targets, active, n_boot,
                                                           random_state), active):
            lo[act], hi[act] = _percentiles(reps[act], [a, 1 - a])
    return [(p, lo, hi, sizes, n) for p, (lo, hi), n in zip(points, bounds, n_evs)]


def _blocks(sizes: list[int], n_boot: int) -> list[tuple[int, int]]:
    """Consecutive ranges of documents whose bootstrap array stays within :data:`BLOCK_CELLS`."""
    out, start, width = [], 0, 0
    for k, n in enumerate(sizes):
        wider = max(width, n)
        if k > start and (k - start + 1) * n_boot * wider > BLOCK_CELLS:
            out.append((start, k))
            start, wider = k, n
        width = wider
    if sizes:
        out.append((start, len(sizes)))
    return out


def aggregate_sentences(doc_ids: np.ndarray, score: np.ndarray, bearing: np.ndarray, weight: np.ndarray,
                        agg: Aggregation, counted: np.ndarray | None = None, n_boot: int = 1000,
                        random_state: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Document scores, bootstrap intervals and 3-class codes from sentence scores.

    Parameters
    ----------
    doc_ids : array (n,)
        The document of each sentence.
    score : array of float (n,)
        Sentence score P(+1) - P(-1).
    bearing : array of bool (n,)
        The sentence is stance-bearing.
    weight : array of float (n,)
        :func:`weigh_by_position`.
    agg : Aggregation
        Mode, prior and thresholds.
    counted : array of bool (n,), optional
        Sentences that enter ``mode="all"`` (the US-target sentences for us_stance); all by default.
    n_boot : int
        Bootstrap replicates (0: no intervals).
    random_state : int
        Seed; each document's generator is seeded by it and by the ``doc_id``.
    level : float
        Interval level (default 0.95).

    Returns
    -------
    DataFrame
        ``doc_id, score, ci_low, ci_high, n_sentences, n_evidence, label``, one row per document in
        order of first appearance. ``score`` and the bounds are NaN where ``n_evidence`` is 0.
    """
    return aggregate_targets(doc_ids, [(score, bearing, weight, agg, counted)], n_boot, random_state, level)[0]


def aggregate_targets(doc_ids: np.ndarray, targets: list[tuple], n_boot: int = 1000, random_state: int = 0,
                      level: float = 0.95) -> list[pd.DataFrame]:
    """:func:`aggregate_sentences` for several targets of the same sentences, drawing the bootstrap once.

    Parameters
    ----------
    doc_ids : array (n,)
        The document of each sentence.
    targets : list of tuple
        ``(score, bearing, weight, agg, counted)`` of each target, as the arguments of
        :func:`aggregate_sentences` (``counted`` may be None).
    n_boot, random_state, level
        As for :func:`aggregate_sentences`.

    Returns
    -------
    list of DataFrame
        :func:`aggregate_sentences` of each target, in order.
    """
    prepared = [_Target.of(*t) for t in targets]
    codes, docs = pd.factorize(pd.Series(np.asarray(doc_ids), dtype=object), sort=False)
    order = np.argsort(codes, kind="mergesort")
    bounds = np.searchsorted(codes[order], np.arange(len(docs) + 1))
    rows = [order[bounds[k]:bounds[k + 1]] for k in range(len(docs))]
    parts = [_block(list(docs[a:b]), rows[a:b], prepared, n_boot, random_state, level)
             for a, b in _blocks([len(r) for r in rows], max(n_boot, 1))]
    out = []
    for t, target in enumerate(prepared):
        cols = [np.concatenate([p[t][j] for p in parts]) if parts else np.array([]) for j in range(5)]
        frame = pd.DataFrame({"doc_id": np.asarray(docs, dtype=object), "score": cols[0], "ci_low": cols[1],
                              "ci_high": cols[2], "n_sentences": cols[3].astype(int),
                              "n_evidence": cols[4].astype(int)})
        frame["label"] = label_codes(frame["score"].to_numpy(), target.agg.lo, target.agg.hi)
        out.append(frame)
    return out


def choose_thresholds(scores: np.ndarray, codes: np.ndarray, grid: np.ndarray | None = None) -> tuple[float, float]:
    """Thresholds ``(lo, hi)`` that maximise the macro-F1 of :func:`label_codes` against hand codes.

    Ties go to the pair closest to symmetric around 0, then to the widest neutral band. Missing
    scores count as 0.

    Parameters
    ----------
    scores : array of float
        Document scores.
    codes : array of int
        Hand codes -1 / 0 / +1.
    grid : array of float, optional
        Candidate thresholds (default -0.6 to 0.6 in steps of 0.025; ``lo`` <= 0 <= ``hi``).

    Returns
    -------
    (float, float)
    """
    grid = np.round(np.arange(-0.6, 0.61, 0.025), 3) if grid is None else np.asarray(grid)
    s = np.nan_to_num(np.asarray(scores, float), nan=0.0)
    y = np.asarray(codes, int)
    los, his = grid[grid <= 0], grid[grid >= 0]
    shape = (len(los), len(his), len(s))
    pred = {-1: np.broadcast_to((s[None, :] < los[:, None])[:, None, :], shape),
            1: np.broadcast_to((s[None, :] > his[:, None])[None, :, :], shape)}
    pred[0] = ~(pred[-1] | pred[1])
    f = np.zeros((len(los), len(his)))
    for c in (-1, 0, 1):
        yc = y == c
        tp = (pred[c] & yc).sum(axis=-1)
        denom = yc.sum() + pred[c].sum(axis=-1)
        f += np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0)
    f = np.round(f / 3, 6)
    L, H = np.meshgrid(los, his, indexing="ij")
    best = np.lexsort(((H - L).ravel(), -np.abs(L + H).ravel(), f.ravel()))[-1]
    return float(L.ravel()[best]), float(H.ravel()[best])
