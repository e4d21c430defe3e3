"""Document frames from sentence frames: the pooling of the learned method (``frame_pooling.json``).

Each sentence gives its frame probabilities, sharpened by ``power`` (``inf``: one vote for its top
frame), to its document. The lead, the first ``lead_sentences`` sentences *with frame content*
(a codebook hit or a target cue, so page furniture at the top does not take a lead place), weighs
``lead_weight``; other sentences with frame content weigh 1, sentences without it
``irrelevant_weight``. A frame's share is its weighted sum over the document's total, the primary
frame is the largest share (ties: the earlier codebook frame), and the frame set holds every frame
whose share reaches ``threshold`` (the primary frame always), largest first.

The shipped settings were chosen by site-grouped CV on the train part of the development corpus:
votes, the first 2 sentences with frame content weigh 5, threshold 0.05.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from sinojp.measures.framing.codebook import list_frames

POOLING_FORMAT = "sinojp-frame-pooling-1"

#: the shipped settings, inside the ``sinojp.resources`` package
POOLING_RESOURCE = "models/frame_pooling.json"

DOCUMENT_COLUMNS_TAIL = ["frames", "n_framed"]


@dataclass(frozen=True)
class Pooling:
    """Settings of the sentence-to-document pooling.

    Attributes
    ----------
    lead_sentences : int
        How many sentences with frame content form the lead.
    lead_weight : float
        Weight of a lead sentence.
    power : float
        Sharpening of each sentence's probabilities (1: as they are; ``inf``: a vote for the top frame).
    threshold : float
        Share a frame needs to enter the frame set.
    irrelevant_weight : float
        Weight of a sentence without frame content.
    """

    lead_sentences: int = 2
    lead_weight: float = 5.0
    power: float = math.inf
    threshold: float = 0.05
    irrelevant_weight: float = 1.0


def pooling_to_json(pooling: Pooling, training: dict | None = None) -> dict:
    """The settings as a ``sinojp-frame-pooling-1`` JSON object.

    Parameters
    ----------
    pooling : Pooling
        The settings.
    training : dict, optional
        Provenance (how the settings were chosen).

    Returns
    -------
    dict
        ``format``, the settings (an infinite ``power`` written as the string ``"inf"``), ``training``.
    """
    settings = asdict(pooling)
    settings["power"] = "inf" if math.isinf(settings["power"]) else float(settings["power"])
    settings["lead_weight"] = float(settings["lead_weight"])
    settings["threshold"] = float(settings["threshold"])
    settings["irrelevant_weight"] = float(settings["irrelevant_weight"])
    return {"format": POOLING_FORMAT, **settings, "training": dict(training or {})}


def pooling_from_json(obj: dict) -> Pooling:
    """Read :func:`pooling_to_json` output.

    Parameters
    ----------
    obj : dict
        A ``sinojp-frame-pooling-1`` object.

    Returns
    -------
    Pooling

    Raises
    ------
    ValueError
        When ``obj`` is not such an object.
    """
    if obj.get("format") != POOLING_FORMAT:
        raise ValueError(f"not a {POOLING_FORMAT} object")
    return Pooling(lead_sentences=int(obj["lead_sentences"]), lead_weight=float(obj["lead_weight"]),
                   power=float(obj["power"]), threshold=float(obj["threshold"]),
                   irrelevant_weight=float(obj.get("irrelevant_weight", 1.0)))


@lru_cache(maxsize=1)
def load_pooling() -> Pooling:
    """The shipped pooling settings (``sinojp/resources/models/frame_pooling.json``), cached.

    Returns
    -------
    Pooling
    """
    text = resources.files("sinojp.resources").joinpath(POOLING_RESOURCE).read_text(encoding="utf-8")
    return pooling_from_json(json.loads(text))


def rank_lead(doc_ids: np.ndarray, sent_ids: np.ndarray, relevant: np.ndarray | None = None) -> np.ndarray:
    """Position of each sentence among its document's sentences with frame content.

    Parameters
    ----------
    doc_ids, sent_ids : ndarray
        Document and sentence number of each row (rows in any order).
    relevant : ndarray of bool, optional
        Sentences with frame content (default: all).

    Returns
    -------
    ndarray of int
        0 for the first such sentence of its document, 1 for the next, ...; sentences without
        frame content get a rank no lead reaches.
    """
    doc_ids, sent_ids = np.asarray(doc_ids), np.asarray(sent_ids)
    rel = np.ones(len(doc_ids), dtype=bool) if relevant is None else np.asarray(relevant, dtype=bool)
    order = np.lexsort((sent_ids, pd.factorize(doc_ids)[0]))
    ranks = np.full(len(doc_ids), np.iinfo(np.int64).max, dtype=np.int64)
    previous, count = None, 0
    for i in order:
        if doc_ids[i] != previous:
            previous, count = doc_ids[i], 0
        if rel[i]:
            ranks[i] = count
            count += 1
    return ranks


def weigh_sentences(proba: np.ndarray, doc_ids: np.ndarray, sent_ids: np.ndarray, pooling: Pooling,
                    relevant: np.ndarray | None = None, top: np.ndarray | None = None) -> np.ndarray:
    """Each sentence's weighted contribution to its document's frames.

    Parameters
    ----------
    proba : ndarray of shape (n_sentences, n_frames)
        Frame probabilities (columns in :func:`list_frames` order).
    doc_ids, sent_ids : ndarray
        Document and sentence number of each row.
    pooling : Pooling
        The settings.
    relevant : ndarray of bool, optional
        Sentences with frame content (default: all).
    top : ndarray of int, optional
        Each sentence's top frame column for votes (default: the largest probability; pass the
        predicted frame so that rounded probabilities cannot change a vote; -1: no vote).

    Returns
    -------
    ndarray of shape (n_sentences, n_frames)
        Rows sum to the sentence's weight (0 for a sentence without a vote or probabilities).
    """
    p = np.asarray(proba, dtype=float).reshape(len(doc_ids), -1)
    if math.isinf(pooling.power):
        best = p.argmax(axis=1) if top is None else np.asarray(top, dtype=int)
        units = np.zeros_like(p)
        voted = best >= 0
        units[np.flatnonzero(voted), best[voted]] = 1.0
    else:
        q = p if pooling.power == 1 else p ** pooling.power
        total = q.sum(axis=1, keepdims=True)
        units = np.divide(q, total, out=np.zeros_like(q), where=total > 0)
    ranks = rank_lead(doc_ids, sent_ids, relevant)
    weight = np.where(ranks < pooling.lead_sentences, pooling.lead_weight, 1.0)
    if relevant is not None:
        weight = np.where(np.asarray(relevant, dtype=bool), weight, pooling.irrelevant_weight)
    return units * weight[:, None]


def _inputs(sentence_frames: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Probabilities, top-frame columns and frame-content flags of a sentence-frame table."""
    frames = list_frames()
    proba = sentence_frames[[f"score_{f}" for f in frames]].to_numpy(dtype=float)
    column = {f: j for j, f in enumerate(frames)}
    top = np.array([column.get(f, -1) for f in sentence_frames["frame"]], dtype=int)
    relevant = sentence_frames["relevant"].to_numpy(dtype=bool) if "relevant" in sentence_frames else None
    return proba, top, relevant


def compute_contributions(sentence_frames: pd.DataFrame, pooling: Pooling | None = None) -> np.ndarray:
    """Each sentence's part of its document's frame shares.

    Parameters
    ----------
    sentence_frames : DataFrame
        ``doc_id, sent_id, frame, score_<frame>`` (and ``relevant``), e.g. from
        ``score_sentences(..., method="learned")``.
    pooling : Pooling, optional
        The settings (default: :func:`load_pooling`).

    Returns
    -------
    ndarray of shape (n_sentences, n_frames)
        Summed over a document's rows, column ``j`` gives frame ``j``'s share.
    """
    pooling = load_pooling() if pooling is None else pooling
    proba, top, relevant = _inputs(sentence_frames)
    doc_ids = sentence_frames["doc_id"].to_numpy()
    units = weigh_sentences(proba, doc_ids, sentence_frames["sent_id"].to_numpy(), pooling, relevant, top)
    totals = pd.Series(units.sum(axis=1)).groupby(pd.factorize(doc_ids)[0]).transform("sum").to_numpy()
    return np.divide(units, totals[:, None], out=np.zeros_like(units), where=totals[:, None] > 0)


def pool_documents(sentence_frames: pd.DataFrame, pooling: Pooling | None = None) -> pd.DataFrame:
    """Pool sentence frames into document frames with the learned method's rule.

    Parameters
    ----------
    sentence_frames : DataFrame
        ``doc_id, sent_id, frame, score_<frame>`` (and ``relevant``), e.g. from
        ``score_sentences(..., method="learned")``.
    pooling : Pooling, optional
        The settings (default: the shipped ones, :func:`load_pooling`).

    Returns
    -------
    DataFrame
        ``doc_id, primary_frame, frame_<name>`` (shares, 3 decimals, summing to 1), ``frames``
        (``|``-joined, largest share first), ``n_framed`` (sentences that count in the shares);
        a document none of whose sentences counts has primary frame ``"none"`` and no frames.
    """
    pooling = load_pooling() if pooling is None else pooling
    frames = list_frames()
    share_cols = [f"frame_{f}" for f in frames]
    columns = ["doc_id", "primary_frame"] + share_cols + DOCUMENT_COLUMNS_TAIL
    if sentence_frames.empty:
        return pd.DataFrame(columns=columns)
    proba, top, relevant = _inputs(sentence_frames)
    doc_ids = sentence_frames["doc_id"].to_numpy()
    units = weigh_sentences(proba, doc_ids, sentence_frames["sent_id"].to_numpy(), pooling, relevant, top)
    per = pd.DataFrame(units, columns=list(frames))
    per["doc_id"] = doc_ids
    per["counts"] = units.sum(axis=1) > 0
    sums = per.groupby("doc_id", sort=False)[list(frames)].sum()
    counted = per.groupby("doc_id", sort=False)["counts"].sum()
    rows = []
    for doc_id, row in sums.iterrows():
        values = row.to_numpy()
        total = values.sum()
        if total <= 0:
            rows.append({"doc_id": doc_id, "primary_frame": "none", **dict.fromkeys(share_cols, 0.0),
                         "frames": "", "n_framed": 0})
            continue
        shares = values / total
        order = sorted(range(len(frames)), key=lambda j: (-shares[j], j))
        chosen = [frames[j] for j in order if shares[j] >= pooling.threshold]
        if frames[order[0]] not in chosen:
            chosen = [frames[order[0]]] + chosen
        rows.append({"doc_id": doc_id, "primary_frame": frames[order[0]],
                     **{c: round(float(s), 3) for c, s in zip(share_cols, shares)},
                     "frames": "|".join(chosen), "n_framed": int(counted[doc_id])})
    return pd.DataFrame(rows, columns=columns)
