"""Sentence and document stance scores with their evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.actors import detect_targets
from sinojp.measures.stance.lexicon import load_rule_sets, score_lexicon_sentence
from sinojp.measures.stance.supervised import ANNOTATIONS, explain_supervised, predict_scores, trained_models
from sinojp.measures.stance.vader import explain_vader, score_vader
from sinojp.measures.voices import find_interview_turns, is_attributed

DEFAULT_METHOD = "lexicon"


METHODS = ("lexicon", "supervised", "vader")


#: document score beyond which a document is coded +1 / -1 (chosen a priori, see label_scores)
THRESHOLD = 0.1


SENTENCE_COLUMNS = ["doc_id", "sent_id", "relations_stance", "us_stance", "is_relations_target",
                    "relations_relevance", "is_us_target", "attributed", "evidence", "method"]


DOCUMENT_COLUMNS = ["doc_id", "relations_stance", "us_stance", "relations_ci_low", "relations_ci_high",
                    "us_ci_low", "us_ci_high", "n_relations_sentences", "n_us_sentences",
                    "relations_label", "us_label", "method"]


def label_scores(scores, threshold: float = THRESHOLD, dead_zone: float | None = None) -> np.ndarray:
    """Map scores to -1/0/+1: beyond ``±threshold`` (or ``±dead_zone`` if given) is ±1.

    The document threshold 0.1 was fixed before looking at the sample: a
    document needs a net lean worth about a third of one clear stance
    sentence (one full-weight term scores tanh(1/1.5) = 0.58 and is shrunk
    by the neutral pseudo-sentence to 0.29).

    Parameters
    ----------
    scores : array-like of float
        Stance scores, e.g. a ``relations_stance`` column.
    threshold : float
        Cut-off (default :data:`THRESHOLD`, 0.1); a score equal to it maps to 0.
    dead_zone : float, optional
        A cut-off to use instead of ``threshold`` (e.g. for sentence scores).

    Returns
    -------
    ndarray of int
        -1, 0 or +1 for each score, in the same shape.
    """
    cut = threshold if dead_zone is None else dead_zone
    s = np.asarray(scores, dtype=float)
    return np.where(s > cut, 1, np.where(s < -cut, -1, 0)).astype(int)


def _interview_sentences(sents: pd.DataFrame) -> np.ndarray:
    """True for sentences inside interview turns (they report the interviewee's claims)."""
    if "para_id" not in sents:
        return np.zeros(len(sents), dtype=bool)
    flags = np.zeros(len(sents), dtype=bool)
    paras, texts = sents["para_id"].tolist(), sents["text"].tolist()
    for idx in sents.groupby("doc_id", sort=False).indices.values():
        turns = find_interview_turns([paras[i] for i in idx], [texts[i] for i in idx])
        if turns:
            flags[idx] = [paras[i] in turns for i in idx]
    return flags


def score_sentences(sentences: pd.DataFrame, method: str = DEFAULT_METHOD, *,
                    lexicon_path: str | None = None, annotations_path: str | Path | None = None,
                    random_state: int = 0) -> pd.DataFrame:
    """Sentence-level stance.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` (as ``prepare().sentences``).
    method : {"lexicon", "supervised", "vader"}
    lexicon_path : str, optional
        Alternative lexicon CSV for the lexicon method.
    annotations_path : path, optional
        Coded sentences to train the supervised method on.
    random_state : int
        Seed of the supervised classifier.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, relations_stance, us_stance, is_relations_target,
        relations_relevance, is_us_target, attributed, evidence, method``, in
        the order of ``doc_id, sent_id``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    sents = sentences.sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)
    texts = sents["text"].astype(str).tolist()
    targets = [detect_targets(t) for t in texts]
    if method == "supervised":
        models = trained_models(str(annotations_path or ANNOTATIONS), random_state)
        rel = predict_scores(models["relations"], texts)
        us = predict_scores(models["us"], texts)
        ev_rel = explain_supervised(models["relations"], texts)
        ev_us = explain_supervised(models["us"], texts)
    in_turn = _interview_sentences(sents)
    rows = []
    for i, (doc_id, sent_id, text, t) in enumerate(zip(sents["doc_id"], sents["sent_id"], texts, targets)):
        is_us = t["is_us_target"]
        if method == "lexicon":
            r, r_ev = score_lexicon_sentence(text, "relations", lexicon_path)
            u, u_ev = score_lexicon_sentence(text, "us", lexicon_path) if is_us else (0.0, [])
            evidence = "; ".join([f"relations: {e}" for e in r_ev] + [f"us: {e}" for e in u_ev])
        elif method == "vader":
            r = score_vader(text)
            u = r if is_us else 0.0
            evidence = explain_vader(text, r) if r else ""
        else:
            r, u = float(rel[i]), float(us[i]) if is_us else 0.0
            evidence = f"relations P(+1)-P(-1) {r:+.3f} [{ev_rel[i]}]" + (
                f"; us P(+1)-P(-1) {u:+.3f} [{ev_us[i]}]" if is_us else "")
        attributed = is_attributed(text) or bool(in_turn[i])
        tags = [f"targets: {t['actors'] or '-'}"] + (["attributed"] if attributed else [])
        rows.append({"doc_id": doc_id, "sent_id": sent_id,
                     "relations_stance": float(r), "us_stance": float(u),
                     "is_relations_target": bool(t["is_relations_target"]),
                     "relations_relevance": float(t["relations_relevance"]),
                     "is_us_target": bool(is_us), "attributed": attributed,
                     "evidence": (evidence + " | " if evidence else "") + "; ".join(tags),
                     "method": method})
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def weigh_sentences(sentence_scores: pd.DataFrame, dimension: str = "relations") -> pd.Series:
    """Aggregation weight of each sentence for one dimension (0 = not used).

    relations: max(target relevance, 0.2) — context sentences of an article
    on the relationship still speak of it; us: 1 for US-target sentences.
    Both times 0.7 for attributed sentences and 1.25 for the first three
    sentences (the lead). Sentences without any stance signal get 0.

    Parameters
    ----------
    sentence_scores : DataFrame
        Sentence stance from :func:`sinojp.measures.stance.score_sentences` (``sent_id``,
        ``<dimension>_stance``, ``relations_relevance``, ``is_us_target``, ``attributed``).
    dimension : {"relations", "us"}
        Stance towards China–Japan relations (default) or towards the US / Trump.

    Returns
    -------
    Series
        ``weight``, aligned with ``sentence_scores``; 0 where the sentence's absolute stance is
        below 0.05.
    """
    rs = load_rule_sets()
    s = sentence_scores
    col = f"{dimension}_stance"
    if dimension == "relations":
        base = s["relations_relevance"].clip(lower=0.2)
    else:
        base = s["is_us_target"].astype(float)
    w = base * np.where(s["attributed"], rs["attribution"], 1.0) * np.where(s["sent_id"] < 3, 1.25, 1.0)
    return (w * (s[col].abs() >= 0.05)).rename("weight")


def _aggregate(values: np.ndarray, weights: np.ndarray, prior: float) -> float:
    return float((values * weights).sum() / (weights.sum() + prior))


def score_documents(sentence_scores: pd.DataFrame, *, n_boot: int = 1000, prior: float = 1.0,
                    threshold: float = THRESHOLD, random_state: int = 0) -> pd.DataFrame:
    """Document stance from sentence scores, with seeded bootstrap intervals.

    Parameters
    ----------
    sentence_scores : DataFrame from :func:`score_sentences`.
    n_boot : bootstrap replicates (sentences resampled within the document).
    prior : weight of the neutral pseudo-sentence that shrinks sparse documents to 0.
    threshold : score beyond which ``*_label`` is ±1.
    random_state : seed of the bootstrap.

    Returns
    -------
    DataFrame
        ``doc_id, relations_stance, us_stance, relations_ci_low, relations_ci_high,
        us_ci_low, us_ci_high, n_relations_sentences, n_us_sentences,
        relations_label, us_label, method`` (one row per document, sorted by doc_id).
    """
    rng = np.random.default_rng(random_state)
    s = sentence_scores.sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)
    values = {d: s[f"{d}_stance"].to_numpy(float) for d in ("relations", "us")}
    weights = {d: weigh_sentences(s, d).to_numpy(float) for d in ("relations", "us")}
    rows = []
    for doc_id, idx in sorted(s.groupby("doc_id", sort=True).indices.items()):
        row = {"doc_id": doc_id}
        for dim in ("relations", "us"):
            v, w = values[dim][idx], weights[dim][idx]
            point = _aggregate(v, w, prior)
            if w.sum() > 0:
                b = rng.integers(0, len(v), size=(n_boot, len(v)))
                reps = (v[b] * w[b]).sum(axis=1) / (w[b].sum(axis=1) + prior)
                lo, hi = np.percentile(reps, [2.5, 97.5])
            else:
                lo = hi = 0.0
            row.update({f"{dim}_stance": round(point, 3), f"{dim}_ci_low": round(float(lo), 3),
                        f"{dim}_ci_high": round(float(hi), 3), f"n_{dim}_sentences": int((w > 0).sum())})
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=DOCUMENT_COLUMNS)
    out["relations_label"] = label_scores(out["relations_stance"], threshold)
    out["us_label"] = label_scores(out["us_stance"], threshold)
    out["method"] = s["method"].iloc[0] if "method" in s else ""
    return out[DOCUMENT_COLUMNS].reset_index(drop=True)


def explain_stance(sentence_scores: pd.DataFrame, doc_id: str, sentences: pd.DataFrame | None = None,
            dimension: str = "relations", n: int = 5) -> pd.DataFrame:
    """The sentences behind a document's score, largest weighted contribution first.

    A sentence's contribution is its aggregation weight (:func:`weigh_sentences`) times its
    stance; sentences of weight 0 are left out, ties are broken by ``sent_id``.

    Parameters
    ----------
    sentence_scores : DataFrame
        Sentence stance from :func:`sinojp.measures.stance.score_sentences`.
    doc_id : str
        The document to explain.
    sentences : DataFrame, optional
        ``doc_id, sent_id, text``; when given, each sentence's text is added.
    dimension : {"relations", "us"}
        Stance towards China–Japan relations (default) or towards the US / Trump.
    n : int
        Maximum number of sentences (default 5).

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, contribution, <dimension>_stance, weight, evidence`` and
        ``text`` when ``sentences`` is given; at most ``n`` rows, by decreasing absolute
        contribution. ``weight`` and ``contribution`` are rounded to 3 decimals.
    """
    s = sentence_scores[sentence_scores["doc_id"] == doc_id].copy()
    s["weight"] = weigh_sentences(s, dimension).round(3)
    s["contribution"] = (s["weight"] * s[f"{dimension}_stance"]).round(3)
    s = s[s["weight"] > 0]
    s = s.assign(_abs=s["contribution"].abs()).sort_values(["_abs", "sent_id"], ascending=[False, True],
                                                            kind="mergesort").head(n)
    cols = ["doc_id", "sent_id", "contribution", f"{dimension}_stance", "weight", "evidence"]
    out = s[cols]
    if sentences is not None:
        out = out.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"], how="left")
    return out.reset_index(drop=True)
