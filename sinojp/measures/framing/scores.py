"""Frames of sentences and documents with their evidence."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from sinojp.measures.framing.codebook import list_frames, match_frames_batch
from sinojp.measures.framing.learned import (
    explain_sentences,
    fit_sentence_model,
    score_learned,
)
from sinojp.measures.framing.pooling import (
    Pooling,
    compute_contributions,
    load_pooling,
    pool_documents,
)
from sinojp.measures.framing.supervised import score_supervised, train_classifier

#: ``learned`` (the default), then the codebook lexicon and the earlier classifiers as baselines.
METHODS: tuple[str, ...] = ("learned", "lexicon", "supervised", "hybrid")


#: The multinomial logistic regression over n-grams, codebook weights and target cues, shipped as
#: ``resources/models/frame_sentence.json``: chosen by site-grouped CV on the train part of the
#: development corpus and evaluated once on its held-out test part (research/frames/REPORT.md;
#: ``sinojp.validate.frames.validate_frames_heldout`` recomputes the figures).
DEFAULT_METHOD = "learned"


#: Minimum frame share for a frame to enter a document's frame set, for the lexicon and classifier
#: methods (the learned method reads its own, 0.05, from ``resources/models/frame_pooling.json``).
DEFAULT_THRESHOLD = 0.15


#: Minimum lexicon score for a sentence to carry a frame (one full-weight hit).
MIN_SENTENCE_SCORE = 1.0


#: The lead (first sentences) of a document weighs more in its frame shares (lexicon and
#: classifier methods; the learned method's lead is in ``frame_pooling.json``).
LEAD_SENTENCES = 2


LEAD_WEIGHT = 2.0


# ---------------------------------------------------------------- sentence scoring
def _top_frame(scores: np.ndarray, min_score: float) -> list[str]:
    best = scores.argmax(axis=1)  # first maximum: ties go to the earlier codebook frame
    top = scores.max(axis=1)
    return [list_frames()[b] if t >= min_score and t > 0 else "none" for b, t in zip(best, top)]


def _lexicon_scores(sentences: pd.DataFrame, codebook: str | None,
                    min_score: float) -> pd.DataFrame:
    scores = np.zeros((len(sentences), len(list_frames())))
    evidence = []
    col = {f: i for i, f in enumerate(list_frames())}
    for row, hits in enumerate(match_frames_batch(sentences["text"].astype(str).tolist(), codebook)):
        for frame, term, weight in {(h["frame"], h["term"], h["weight"]) for h in hits}:
            scores[row, col[frame]] += weight  # a term counts once per sentence
        evidence.append("; ".join(f"{h['frame']}:{h['match']}" for h in hits))
    out = pd.DataFrame(np.round(scores, 3), columns=[f"score_{f}" for f in list_frames()])
    out.insert(0, "frame", _top_frame(scores, min_score))
    out["evidence"] = evidence
    return out


def score_sentences(sentences: pd.DataFrame, method: str = DEFAULT_METHOD, *,
                    codebook: str | None = None, training: pd.DataFrame | None = None,
                    model=None, min_score: float = MIN_SENTENCE_SCORE,
                    random_state: int = 0) -> pd.DataFrame:
    """Frame of every sentence.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text``.
    method : {"learned", "lexicon", "supervised", "hybrid"}
        ``"learned"`` (the default): the shipped multinomial logistic regression over word n-grams,
        codebook weights and target cues (:mod:`sinojp.measures.framing.learned`); ``"lexicon"``:
        codebook matching; ``"supervised"``: a classifier trained on the hand-coded seed sentences;
        ``"hybrid"``: that classifier trained on the seed sentences plus the codebook terms.
    codebook : str, optional
        Alternative codebook CSV (lexicon method; the learned model's features must match it).
    training : DataFrame, optional
        ``text, frame`` training table: for the classifier methods (default: the shipped
        annotations), or to fit a learned model instead of the shipped one.
    model : LinearModel or fitted Pipeline, optional
        A learned model (:func:`sinojp.measures.framing.learned.fit_sentence_model`) or a
        classifier from :func:`train_classifier`, reused instead of the shipped or trained one.
    min_score : float
        Lexicon score a frame needs for the sentence to carry it (else ``"none"``).
    random_state : int
        Seed for the classifier.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, frame`` (top frame, or ``"none"``), ``score_<frame>`` per codebook frame
        (lexicon weight, or class probability), ``evidence`` (lexicon: ``frame:matched words``
        joined by ``"; "``; classifiers: ``frame:term``; learned: ``ngrams: ... | codebook: ... |
        cues: ...``, what pushes the sentence towards its frame), ``method``; the learned method
        adds ``relevant`` (the sentence has a codebook hit or a target cue), which its document
        pooling uses.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    keys = sentences[["doc_id", "sent_id"]].reset_index(drop=True)
    if sentences.empty:
        cols = ["doc_id", "sent_id", "frame"] + [f"score_{f}" for f in list_frames()] + ["evidence", "method"]
        return pd.DataFrame(columns=cols + (["relevant"] if method == "learned" else []))
    if method == "learned":
        if model is None and training is not None:
            model = fit_sentence_model(training["text"].astype(str).tolist(), training["frame"].astype(str).tolist(),
                                       codebook=codebook, random_state=random_state)
        scored = score_learned(sentences.reset_index(drop=True), model, codebook)
    elif method == "lexicon":
        scored = _lexicon_scores(sentences.reset_index(drop=True), codebook, min_score)
    else:
        if model is None:
            model = train_classifier(training, random_state, with_codebook=method == "hybrid",
                                     codebook=codebook)
        scored = score_supervised(sentences.reset_index(drop=True), model)
    out = pd.concat([keys, scored], axis=1)
    out.insert(out.columns.get_loc("evidence") + 1, "method", method)
    return out


# ---------------------------------------------------------------- documents
def _is_learned(sentence_frames: pd.DataFrame) -> bool:
    """Whether sentence frames come from the learned method (their ``method`` column)."""
    if "method" not in sentence_frames or sentence_frames.empty:
        return False
    methods = set(sentence_frames["method"].astype(str))
    if len(methods) > 1 and "learned" in methods:
        raise ValueError("sentence frames mix the learned method with others; pool them separately")
    return methods == {"learned"}


def _learned_pooling(pooling: Pooling | None, threshold: float | None, basis: str | None,
                     lead_sentences: int | None, lead_weight: float | None) -> Pooling:
    """The shipped pooling (or ``pooling``) with any explicitly given setting in its place."""
    base = load_pooling() if pooling is None else pooling
    changes: dict = {}
    if threshold is not None:
        changes["threshold"] = float(threshold)
    if basis is not None:
        changes["power"] = float("inf") if basis == "top" else 1.0
    if lead_sentences is not None:
        changes["lead_sentences"] = int(lead_sentences)
    if lead_weight is not None:
        changes["lead_weight"] = float(lead_weight)
    return replace(base, **changes)


def _lexicon_units(sentence_frames: pd.DataFrame, basis: str, lead_sentences: int,
                   lead_weight: float) -> np.ndarray:
    """Lexicon and classifier pooling: each framed sentence's weighted unit (zeros for ``none``)."""
    score_cols = [f"score_{f}" for f in list_frames()]
    framed = (sentence_frames["frame"] != "none").to_numpy()
    if basis == "scores":
        s = sentence_frames[score_cols].to_numpy(dtype=float)
        tot = s.sum(axis=1, keepdims=True)
        units = np.divide(s, tot, out=np.zeros_like(s), where=tot > 0)
    else:
        units = np.array([[1.0 if f == fr else 0.0 for f in list_frames()] for fr in sentence_frames["frame"]]
                         ).reshape(-1, len(list_frames()))
    lead = np.where(sentence_frames["sent_id"].to_numpy(dtype=float) < lead_sentences, lead_weight, 1.0)
    return units * lead[:, None] * framed[:, None]


def score_documents(sentence_frames: pd.DataFrame, threshold: float | None = None,
                    basis: str | None = None, lead_sentences: int | None = None,
                    lead_weight: float | None = None, *, pooling: Pooling | None = None) -> pd.DataFrame:
    """Pool sentence frames into document frames.

    Sentence frames of the learned method (``method`` column ``"learned"``) are pooled by its
    rule (:func:`sinojp.measures.framing.pooling.pool_documents`) with the shipped settings of
    ``resources/models/frame_pooling.json``: one vote per sentence for its top frame, the first 2
    sentences *with frame content* weigh 5, a frame enters the set at share 0.05. Other methods'
    sentence frames are pooled as before (framed sentences only, scores split in proportion, the
    first two sentences weigh 2, threshold 0.15). An argument given explicitly replaces the
    corresponding setting for either rule.

    Parameters
    ----------
    sentence_frames : DataFrame
        Output of :func:`score_sentences`.
    threshold : float, optional
        Share a frame needs to enter the ``frames`` set (default: 0.05 for the learned method,
        :data:`DEFAULT_THRESHOLD` 0.15 otherwise, about one framed sentence in seven, chosen on
        the dev sample).
    basis : {"scores", "top"}, optional
        ``"scores"``: each sentence contributes one unit split across frames in proportion to its
        scores; ``"top"``: one unit to its top frame only (default: ``"top"`` for the learned
        method, ``"scores"`` otherwise).
    lead_sentences : int, optional
        Size of the lead (default 2 for both rules).
    lead_weight : float, optional
        Weight of a lead sentence (default: 5 for the learned method, :data:`LEAD_WEIGHT` 2 otherwise).
    pooling : Pooling, optional
        Settings of the learned rule used instead of the shipped ones.

    Returns
    -------
    DataFrame
        ``doc_id, primary_frame, frame_<name>`` (share of each codebook frame, summing to 1 for a
        document with framed sentences), ``frames`` (``|``-joined, largest share first),
        ``n_framed`` (sentences that count in the shares).
    """
    if basis is not None and basis not in ("scores", "top"):
        raise ValueError("basis must be 'scores' or 'top'")
    if _is_learned(sentence_frames):
        return pool_documents(sentence_frames, _learned_pooling(pooling, threshold, basis, lead_sentences,
                                                                lead_weight))
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    basis = "scores" if basis is None else basis
    lead_sentences = LEAD_SENTENCES if lead_sentences is None else lead_sentences
    lead_weight = LEAD_WEIGHT if lead_weight is None else lead_weight
    sf = sentence_frames[sentence_frames["frame"] != "none"]
    units = _lexicon_units(sf, basis, lead_sentences, lead_weight)
    per = pd.DataFrame(units, columns=list(list_frames()))
    per["doc_id"] = sf["doc_id"].to_numpy()
    all_docs = pd.Index(pd.unique(sentence_frames["doc_id"]), name="doc_id")
    sums = per.groupby("doc_id", sort=False)[list(list_frames())].sum().reindex(all_docs, fill_value=0.0)
    n = per.groupby("doc_id", sort=False).size().reindex(all_docs, fill_value=0)
    shares = sums.div(sums.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0).round(3)
    rows = []
    for doc_id, sh in shares.iterrows():
        vals = sh.to_numpy()
        if vals.sum() == 0:
            primary, frames = "none", ""
        else:
            order = sorted(range(len(list_frames())), key=lambda j: (-vals[j], j))
            primary = list_frames()[order[0]]
            frames = "|".join(list_frames()[j] for j in order if vals[j] >= threshold and vals[j] > 0)
        rows.append({"doc_id": doc_id, "primary_frame": primary,
                     **{f"frame_{f}": float(sh[f]) for f in list_frames()},
                     "frames": frames, "n_framed": int(n[doc_id])})
    cols = ["doc_id", "primary_frame"] + [f"frame_{f}" for f in list_frames()] + ["frames", "n_framed"]
    return pd.DataFrame(rows, columns=cols)


EXPLAIN_COLUMNS = ["doc_id", "sent_id", "frame", "score", "contribution", "evidence", "text"]


def explain_frames(sentence_frames: pd.DataFrame, sentences: pd.DataFrame, doc_id: str,
                   frame: str | None = None, top: int = 5, *, pooling: Pooling | None = None,
                   model=None) -> pd.DataFrame:
    """The sentences behind a document's frame share, with the words behind each.

    Parameters
    ----------
    sentence_frames : DataFrame
        Output of :func:`score_sentences`.
    sentences : DataFrame
        ``doc_id, sent_id, text``.
    doc_id : str
        The document.
    frame : str, optional
        The frame (default: the document's primary frame from :func:`score_documents`).
    top : int
        How many sentences: for the learned method the largest contributions to the frame's
        share first, otherwise the highest scores for the frame first.
    pooling : Pooling, optional
        Settings of the learned rule used instead of the shipped ones.
    model : LinearModel, optional
        The learned model that framed the sentences, if not the shipped one.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, frame, score`` (the sentence's score for the frame), ``contribution``
        (its part of the document's share of the frame), ``evidence`` (learned method: the
        n-grams, codebook terms and cues that push the sentence towards this frame; otherwise the
        sentence's evidence), ``text`` (the whole sentence).
    """
    sf = sentence_frames[sentence_frames["doc_id"] == doc_id].reset_index(drop=True)
    learned = _is_learned(sf)
    if frame is None:
        frame = score_documents(sf, pooling=pooling)["primary_frame"].iloc[0] if len(sf) else "none"
    if frame not in list_frames():
        return pd.DataFrame(columns=EXPLAIN_COLUMNS)
    j = list(list_frames()).index(frame)
    if learned:
        contrib = compute_contributions(sf, pooling)[:, j]
    else:
        units = _lexicon_units(sf, "scores", LEAD_SENTENCES, LEAD_WEIGHT)
        total = units.sum()
        contrib = units[:, j] / total if total > 0 else np.zeros(len(sf))
    out = sf.assign(contribution=np.round(contrib, 4), score=sf[f"score_{frame}"])
    out = out.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    if learned:
        out = out[out["contribution"] > 0].sort_values(["contribution", "score", "sent_id"],
                                                       ascending=[False, False, True], kind="mergesort").head(top)
        out = out.assign(evidence=explain_sentences(out["text"].tolist(), [frame] * len(out), model))
    else:
        out = out[out["score"] > 0].sort_values(["score", "sent_id"], ascending=[False, True],
                                                kind="mergesort").head(top)
    return out.assign(frame=frame)[EXPLAIN_COLUMNS].reset_index(drop=True)
