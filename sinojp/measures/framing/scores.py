"""Frames of sentences and documents with their evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sinojp.measures.framing.codebook import list_frames, match_frames
from sinojp.measures.framing.supervised import score_supervised, train_classifier

METHODS: tuple[str, ...] = ("lexicon", "supervised", "hybrid")


#: Chosen on the labelled dev sample (see ``evaluate_frames`` and notebooks/04_framing.ipynb).
DEFAULT_METHOD = "lexicon"


#: Minimum frame share for a frame to enter a document's frame set.
DEFAULT_THRESHOLD = 0.15


#: Minimum lexicon score for a sentence to carry a frame (one full-weight hit).
MIN_SENTENCE_SCORE = 1.0


#: The lead (first sentences) of a document weighs more in its frame shares.
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
    for row, text in enumerate(sentences["text"].astype(str)):
        hits = match_frames(text, codebook)
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
    method : {"lexicon", "supervised", "hybrid"}
        Codebook matching, the classifier trained on hand-coded sentences, or that classifier
        trained on the hand-coded sentences plus the codebook terms.
    codebook : str, optional
        Alternative codebook CSV (lexicon method).
    training : DataFrame, optional
        ``text, frame`` training table (supervised method; default: the shipped annotations).
    model : fitted Pipeline, optional
        A classifier from :func:`train_classifier`, reused instead of training.
    min_score : float
        Lexicon score a frame needs for the sentence to carry it (else ``"none"``).
    random_state : int
        Seed for the classifier.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, frame`` (top frame or ``"none"``), ``score_<frame>`` for the seven
        frames, ``evidence`` (``frame:matched words`` joined by ``"; "``).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    keys = sentences[["doc_id", "sent_id"]].reset_index(drop=True)
    if sentences.empty:
        cols = ["doc_id", "sent_id", "frame"] + [f"score_{f}" for f in list_frames()] + ["evidence"]
        return pd.DataFrame(columns=cols)
    if method == "lexicon":
        scored = _lexicon_scores(sentences.reset_index(drop=True), codebook, min_score)
    else:
        if model is None:
            model = train_classifier(training, random_state, with_codebook=method == "hybrid",
                                     codebook=codebook)
        scored = score_supervised(sentences.reset_index(drop=True), model)
    return pd.concat([keys, scored], axis=1)


# ---------------------------------------------------------------- documents
def score_documents(sentence_frames: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD,
                    basis: str = "scores", lead_sentences: int = LEAD_SENTENCES,
                    lead_weight: float = LEAD_WEIGHT) -> pd.DataFrame:
    """Pool sentence frames into document frames.

    Parameters
    ----------
    sentence_frames : DataFrame
        Output of :func:`score_sentences`.
    threshold : float
        Share a frame needs to enter the ``frames`` set. 0.15 (about one framed sentence in
        seven) keeps frames that recur in a document while a single passing sentence in a long
        article does not count; chosen on the dev sample (notebooks/04_framing.ipynb tabulates
        the thresholds).
    basis : {"scores", "top"}
        ``"scores"``: each framed sentence contributes one unit split across frames in proportion
        to its scores; ``"top"``: one unit to its top frame only.

    Returns
    -------
    DataFrame
        ``doc_id, primary_frame, frame_<name>`` (share of the seven frames, summing to 1 for a
        document with framed sentences), ``frames`` (``|``-joined, largest share first),
        ``n_framed`` (sentences with a frame).
    """
    if basis not in ("scores", "top"):
        raise ValueError("basis must be 'scores' or 'top'")
    score_cols = [f"score_{f}" for f in list_frames()]
    sf = sentence_frames[sentence_frames["frame"] != "none"]
    if basis == "scores":
        s = sf[score_cols].to_numpy(dtype=float)
        tot = s.sum(axis=1, keepdims=True)
        units = np.divide(s, tot, out=np.zeros_like(s), where=tot > 0)
    else:
        units = np.array([[1.0 if f == fr else 0.0 for f in list_frames()] for fr in sf["frame"]]).reshape(-1, len(list_frames()))
    lead = np.where(sf["sent_id"].to_numpy(dtype=float) < lead_sentences, lead_weight, 1.0)
    per = pd.DataFrame(units * lead[:, None], columns=list(list_frames()))
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


def explain_frames(sentence_frames: pd.DataFrame, sentences: pd.DataFrame, doc_id: str,
                   frame: str | None = None, top: int = 5) -> pd.DataFrame:
    """The sentences behind a document's frame share.

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
        How many sentences, highest score for the frame first.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, frame, score, evidence, text``.
    """
    sf = sentence_frames[sentence_frames["doc_id"] == doc_id]
    if frame is None:
        frame = score_documents(sf)["primary_frame"].iloc[0] if len(sf) else "none"
    if frame not in list_frames():
        return pd.DataFrame(columns=["doc_id", "sent_id", "frame", "score", "evidence", "text"])
    out = sf[sf[f"score_{frame}"] > 0].merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    out = out.assign(score=out[f"score_{frame}"]).sort_values(
        ["score", "sent_id"], ascending=[False, True], kind="mergesort").head(top)
    return out.assign(frame=frame)[["doc_id", "sent_id", "frame", "score", "evidence", "text"]].reset_index(drop=True)
