"""Sentence and document stance scores with their evidence, for every stance method."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.actors import detect_targets_many
from sinojp.measures.stance.documents import Aggregation, aggregate_targets, weigh_by_position
from sinojp.measures.stance.features import find_interview_sentences
from sinojp.measures.stance.learned import load_stance_models, predict_learned
from sinojp.measures.stance.lexicon import load_rule_sets, score_lexicon_many
from sinojp.measures.stance.supervised import ANNOTATIONS, explain_supervised, predict_scores, trained_models
from sinojp.measures.stance.vader import explain_vader, score_vader
from sinojp.measures.voices import is_attributed
from sinojp.text.textmatch import TextIndex

#: the learned model (validated on held-out sites of the development corpus; see docs and REPORT)
DEFAULT_METHOD = "learned"


#: ``learned`` (the default), and the baselines: the lexicon-and-rules model, the seed-trained
#: supervised classifier and VADER
METHODS = ("learned", "lexicon", "supervised", "vader")


#: document score beyond which a baseline method's document is coded +1 / -1 (see label_scores);
#: the learned method's thresholds are in ``models/stance_documents.json``
THRESHOLD = 0.1


#: sentence score beyond which a baseline method's sentence is coded +1 / -1
SENTENCE_DEAD_ZONE = 0.2


SENTENCE_COLUMNS = ["doc_id", "sent_id", "relations_stance", "us_stance", "is_relations_target",
                    "relations_relevance", "is_us_target", "attributed", "evidence", "method",
                    "relations_label", "us_label", "relations_p_neg", "relations_p_neu", "relations_p_pos"]


DOCUMENT_COLUMNS = ["doc_id", "relations_stance", "us_stance", "relations_ci_low", "relations_ci_high",
                    "us_ci_low", "us_ci_high", "n_relations_sentences", "n_us_sentences",
                    "relations_label", "us_label", "method", "relations_n_evidence", "us_n_evidence",
                    "us_n_target", "relations_evidence", "us_evidence"]


def label_scores(scores, threshold: float = THRESHOLD, dead_zone: float | None = None) -> np.ndarray:
    """Map scores to -1/0/+1: beyond ``±threshold`` (or ``±dead_zone`` if given) is ±1.

    The baselines' document threshold 0.1 was fixed before looking at the sample: a
    document needs a net lean worth about a third of one clear stance
    sentence (one full-weight term scores tanh(1/1.5) = 0.58 and is shrunk
    by the neutral pseudo-sentence to 0.29). A missing score maps to 0.

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


def _learned_rows(sents: pd.DataFrame, index: TextIndex, targets: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    p = predict_learned(sents, index=index, targets=targets)
    evidence = []
    for stance, label, push, lexicon, us_evidence in zip(
            p["relations_stance"].tolist(), p["relations_label"].tolist(), p["relations_push"].tolist(),
            p["relations_lexicon"].tolist(), p["us_evidence"].tolist()):
        rel = (f"relations: P(+1)-P(-1) {stance:+.3f}, class {int(label):+d}"
               f" [{push}" + (f"; lexicon: {lexicon}" if lexicon else "") + "]")
        evidence.append(rel + ("; " + us_evidence if us_evidence else ""))
    return p, evidence


def _baseline_rows(method: str, texts: list[str], index: TextIndex, is_us: np.ndarray, lexicon_path: str | None,
                   annotations_path: str | Path | None, random_state: int) -> tuple[list, list, list[str]]:
    """Relations and us scores and the evidence of each sentence under a baseline method."""
    if method == "lexicon":
        us_rows = np.flatnonzero(is_us).tolist()
        rel = score_lexicon_many(index, "relations", lexicon_path)
        us = score_lexicon_many(index, "us", lexicon_path, among=us_rows)
        evidence = ["; ".join([f"relations: {e}" for e in r_ev] + [f"us: {e}" for e in u_ev])
                    for (_, r_ev), (_, u_ev) in zip(rel, us)]
        return [r for r, _ in rel], [u if flag else 0.0 for (u, _), flag in zip(us, is_us.tolist())], evidence
    if method == "vader":
        r = [score_vader(text) for text in texts]
        evidence = [explain_vader(text, score) if score else "" for text, score in zip(texts, r)]
        return r, [score if flag else 0.0 for score, flag in zip(r, is_us.tolist())], evidence
    models = trained_models(str(annotations_path or ANNOTATIONS), random_state)
    rel = predict_scores(models["relations"], texts)
    us = predict_scores(models["us"], texts)
    ev_rel = explain_supervised(models["relations"], texts)
    ev_us = explain_supervised(models["us"], texts)
    r = [float(x) for x in rel]
    u = [float(x) if flag else 0.0 for x, flag in zip(us, is_us.tolist())]
    evidence = [f"relations P(+1)-P(-1) {ri:+.3f} [{er}]" + (f"; us P(+1)-P(-1) {ui:+.3f} [{eu}]" if flag else "")
                for ri, ui, er, eu, flag in zip(r, u, ev_rel, ev_us, is_us.tolist())]
    return r, u, evidence


def score_sentences(sentences: pd.DataFrame, method: str = DEFAULT_METHOD, *,
                    lexicon_path: str | None = None, annotations_path: str | Path | None = None,
                    random_state: int = 0) -> pd.DataFrame:
    """Sentence-level stance.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` (as ``prepare().sentences``; with ``para_id`` interview turns count
        as reported speech). Pass whole documents: the learned method reads each sentence's
        neighbours.
    method : {"learned", "lexicon", "supervised", "vader"}
        ``learned`` (default): the shipped relations model and the US lexicon on extended US targets
        (:mod:`sinojp.measures.stance.learned`); the others are baselines.
    lexicon_path : str, optional
        Alternative lexicon CSV for the lexicon method.
    annotations_path : path, optional
        Coded sentences to train the supervised method on.
    random_state : int
        Seed of the supervised classifier.

    Returns
    -------
    DataFrame
        :data:`SENTENCE_COLUMNS`, in the order of ``doc_id, sent_id``: the scores in [-1, 1]
        (learned: P(+1) - P(-1) for relations; the US lexicon score on US targets), the sentence
        codes ``relations_label`` / ``us_label`` (learned: the most probable class; baselines: beyond
        ±:data:`SENTENCE_DEAD_ZONE`), the learned model's class probabilities (NaN for the
        baselines), the targets, ``attributed`` and ``evidence``: the words, lexicon terms and
        features that pushed the score, then ``|`` and the sentence's actors.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    sents = sentences.sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)
    texts = sents["text"].astype(str).tolist()
    index = TextIndex(texts)
    targets = detect_targets_many(index)
    nan = np.full(len(sents), np.nan)
    probs = {"relations_p_neg": nan, "relations_p_neu": nan, "relations_p_pos": nan}
    if method == "learned":
        learned, evidence = _learned_rows(sents, index, targets)
        probs = {k: learned[k].to_numpy(float) for k in probs}
        r, u = learned["relations_stance"].tolist(), learned["us_stance"].tolist()
        is_us = learned["us_target"].to_numpy(bool)
        attributed = learned["attributed"].to_numpy(bool)
    else:
        is_us = np.array([t["is_us_target"] for t in targets], dtype=bool).reshape(len(texts))
        r, u, evidence = _baseline_rows(method, texts, index, is_us, lexicon_path, annotations_path, random_state)
        attributed = np.array([is_attributed(t) for t in texts], dtype=bool).reshape(len(texts)) | \
            find_interview_sentences(sents)
    evidence = [(ev + " | " if ev else "") + f"targets: {t['actors'] or '-'}" + ("; attributed" if a else "")
                for ev, t, a in zip(evidence, targets, attributed.tolist())]
    out = pd.DataFrame({"doc_id": sents["doc_id"].tolist(), "sent_id": sents["sent_id"].tolist(),
                        "relations_stance": [float(x) for x in r], "us_stance": [float(x) for x in u],
                        "is_relations_target": [bool(t["is_relations_target"]) for t in targets],
                        "relations_relevance": [float(t["relations_relevance"]) for t in targets],
                        "is_us_target": is_us.tolist(), "attributed": attributed.tolist(),
                        "evidence": evidence, "method": [method] * len(sents)}, columns=SENTENCE_COLUMNS[:10])
    if method == "learned":
        out["relations_label"] = learned["relations_label"].to_numpy(int)
        out["us_label"] = learned["us_label"].to_numpy(int)
    else:
        out["relations_label"] = label_scores(out["relations_stance"], dead_zone=SENTENCE_DEAD_ZONE)
        out["us_label"] = label_scores(out["us_stance"], dead_zone=SENTENCE_DEAD_ZONE) * out["is_us_target"]
    for k, v in probs.items():
        out[k] = v
    return out[SENTENCE_COLUMNS]


def _learned(sentence_scores: pd.DataFrame) -> bool:
    return "method" in sentence_scores and len(sentence_scores) > 0 and \
        bool((sentence_scores["method"] == "learned").all())


def _bearing(s: pd.DataFrame, dimension: str) -> np.ndarray:
    """Stance-bearing sentences of the learned method: coded ±1 (and, for us, a US target)."""
    bearing = s[f"{dimension}_label"].to_numpy() != 0
    return bearing & s["is_us_target"].to_numpy(bool) if dimension == "us" else bearing


def weigh_sentences(sentence_scores: pd.DataFrame, dimension: str = "relations") -> pd.Series:
    """Aggregation weight of each sentence for one dimension (0 = not used).

    The learned method (:data:`DEFAULT_METHOD`): the shipped aggregation
    (``models/stance_documents.json``): ``attribution`` for a reported or quoted claim times
    ``lead`` for the first three sentences, for the sentences that enter the document score (mode
    ``all``: every sentence for relations, every US-target or stance-bearing sentence for us).
    Baselines: relations max(target relevance, 0.2) — context sentences of an article on the
    relationship still speak of it; us: 1 for US-target sentences; both times 0.7 for attributed
    sentences and 1.25 for the first three sentences (the lead); sentences without any stance
    signal (absolute score below 0.05) get 0.

    Parameters
    ----------
    sentence_scores : DataFrame
        Sentence stance of one method from :func:`sinojp.measures.stance.score_sentences`
        (``sent_id``, ``<dimension>_stance``, ``<dimension>_label``, ``relations_relevance``,
        ``is_us_target``, ``attributed``, ``method``).
    dimension : {"relations", "us"}
        Stance towards China–Japan relations (default) or towards the US / Trump.

    Returns
    -------
    Series
        ``weight``, aligned with ``sentence_scores``.
    """
    s = sentence_scores
    if _learned(s):
        agg = load_stance_models().aggregation[dimension]
        bearing = _bearing(s, dimension)
        counted = s["is_us_target"].to_numpy(bool) if dimension == "us" else np.ones(len(s), bool)
        included = bearing if agg.mode == "evidence" else (counted | bearing)
        w = weigh_by_position(s["attributed"].to_numpy(bool), s["sent_id"].to_numpy(), agg) * included
        return pd.Series(w, index=s.index, name="weight")
    rs = load_rule_sets()
    col = f"{dimension}_stance"
    if dimension == "relations":
        base = s["relations_relevance"].clip(lower=0.2)
    else:
        base = s["is_us_target"].astype(float)
    w = base * np.where(s["attributed"], rs["attribution"], 1.0) * np.where(s["sent_id"] < 3, 1.25, 1.0)
    return (w * (s[col].abs() >= 0.05)).rename("weight")


def _evidence_heads(s: pd.DataFrame) -> np.ndarray:
    """Each sentence's evidence before its ``" | "`` (the words and features, without the targets)."""
    return s["evidence"].astype(str).str.split(" | ", n=1, regex=False).str[0].to_numpy()


def _evidence_text(doc_rows: dict, sent_id: list[int], heads: np.ndarray, contrib: np.ndarray,
                   bearing: np.ndarray, n: int = 3) -> dict:
    """doc_id -> "sent_id:contribution [evidence]" of the largest contributions, ``" | "``-joined.

    ``doc_rows`` maps each doc_id to its rows (``groupby(...).indices``); ``contrib`` is the stance
    times the shown weight of each row.
    """
    out = {}
    for doc_id, idx in doc_rows.items():
        idx = idx[bearing[idx]]
        if len(idx):
            top = idx[np.argsort(-np.abs(contrib[idx]), kind="mergesort")[:n]].tolist()
            out[doc_id] = " | ".join(f"{sent_id[i]}:{contrib[i]:+.2f} [{heads[i]}]" for i in top)
    return out


def _targets(s: pd.DataFrame, prior: float, threshold: float) -> dict[str, tuple]:
    """dimension -> ``(score, bearing, weight, agg, counted)``, the arguments of ``aggregate_sentences``."""
    learned = _learned(s)
    targets = {}
    for dim in ("relations", "us"):
        if learned:
            agg = load_stance_models().aggregation[dim]
            bearing = _bearing(s, dim)
            weight = weigh_by_position(s["attributed"].to_numpy(bool), s["sent_id"].to_numpy(), agg)
            counted = s["is_us_target"].to_numpy(bool) if dim == "us" else None
        else:
            agg = Aggregation(attribution=1.0, lead=1.0, prior=prior, mode="evidence", lo=-threshold, hi=threshold)
            weight = weigh_sentences(s, dim).to_numpy(float)
            bearing, counted = weight > 0, None
        targets[dim] = (s[f"{dim}_stance"].to_numpy(float), bearing, weight, agg, counted)
    return targets


def _score_one_method(s: pd.DataFrame, n_boot: int, prior: float, threshold: float, random_state: int) -> pd.DataFrame:
    targets = _targets(s, prior, threshold)
    scored = aggregate_targets(s["doc_id"].to_numpy(), list(targets.values()), n_boot=n_boot,
                               random_state=random_state)
    doc_rows = s.groupby("doc_id", sort=False).indices
    sent_id = [int(i) for i in s["sent_id"].to_numpy()]
    heads = _evidence_heads(s)
    doc = None
    for (dim, (score, bearing, *_)), d in zip(targets.items(), scored):
        shown = weigh_sentences(s, dim).to_numpy(float)
        d = pd.DataFrame({"doc_id": d["doc_id"], f"{dim}_stance": d["score"].round(4),
                          f"{dim}_ci_low": d["ci_low"].round(4), f"{dim}_ci_high": d["ci_high"].round(4),
                          f"n_{dim}_sentences": d["n_evidence"], f"{dim}_label": d["label"],
                          f"{dim}_n_evidence": d["n_evidence"]})
        evidence = _evidence_text(doc_rows, sent_id, heads, score * shown, bearing)
        d[f"{dim}_evidence"] = d["doc_id"].map(evidence).fillna("").astype(str)
        doc = d if doc is None else doc.merge(d, on="doc_id", how="outer")
    doc["us_n_target"] = doc["doc_id"].map(s.groupby("doc_id", sort=False)["is_us_target"].sum()).astype(int)
    doc["method"] = s["method"].iloc[0] if "method" in s else ""
    return doc


def score_documents(sentence_scores: pd.DataFrame, *, n_boot: int = 1000, prior: float = 1.0,
                    threshold: float = THRESHOLD, random_state: int = 0) -> pd.DataFrame:
    """Document stance from sentence scores, with seeded bootstrap intervals and evidence.

    The learned method uses the shipped aggregation of ``models/stance_documents.json``: weighted
    mean of the sentence scores (reported claims weigh 0.5, the lead 2), mode ``all`` (neutral
    sentences pull towards 0), a neutral pseudo-sentence for relations, and its own 3-class
    thresholds; ``prior`` and ``threshold`` are for the baselines only. A document with no
    stance-bearing sentence has no score: NaN stance and interval bounds, ``n_*_sentences`` and
    ``*_n_evidence`` 0, label 0 ("neutral or absent").

    Parameters
    ----------
    sentence_scores : DataFrame
        From :func:`score_sentences` (one or several methods; each is aggregated on its own).
    n_boot : int
        Bootstrap replicates (sentences resampled within the document; 0: no intervals).
    prior : float
        Baselines: weight of the neutral pseudo-sentence that shrinks sparse documents to 0.
    threshold : float
        Baselines: score beyond which ``*_label`` is ±1.
    random_state : int
        Seed of the bootstrap (each document's draws depend only on it and the ``doc_id``).

    Returns
    -------
    DataFrame
        :data:`DOCUMENT_COLUMNS`, one row per document and method, sorted by method (in the input's
        order) and doc_id. ``n_relations_sentences`` / ``n_us_sentences`` equal
        ``relations_n_evidence`` / ``us_n_evidence``: the stance-bearing sentences;
        ``us_n_target`` counts US-target sentences; ``*_evidence`` lists the largest contributions
        as ``sent_id:contribution [words]``. Scores and bounds are rounded to 4 decimals.
    """
    if sentence_scores.empty:
        return pd.DataFrame(columns=DOCUMENT_COLUMNS)
    s = sentence_scores if "method" in sentence_scores else sentence_scores.assign(method="")
    parts = []
    for method in pd.unique(s["method"]):
        one = s[s["method"] == method].sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)
        parts.append(_score_one_method(one, n_boot, prior, threshold, random_state))
    return pd.concat(parts, ignore_index=True)[DOCUMENT_COLUMNS]


def explain_stance(sentence_scores: pd.DataFrame, doc_id: str, sentences: pd.DataFrame | None = None,
                   dimension: str = "relations", n: int = 5) -> pd.DataFrame:
    """The sentences behind a document's score, largest weighted contribution first.

    A sentence's contribution is its aggregation weight (:func:`weigh_sentences`) times its
    stance. Only stance-bearing sentences are listed (learned method: coded ±1; baselines: weight
    above 0); ties are broken by ``sent_id``. A document without evidence gives an empty table.

    Parameters
    ----------
    sentence_scores : DataFrame
        Sentence stance of one method from :func:`sinojp.measures.stance.score_sentences`.
    doc_id : str
        The document to explain.
    sentences : DataFrame, optional
        ``doc_id, sent_id, text``; when given, each sentence's whole text is added.
    dimension : {"relations", "us"}
        Stance towards China–Japan relations (default) or towards the US / Trump.
    n : int
        Maximum number of sentences (default 5).

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, contribution, <dimension>_stance, weight, evidence`` and ``text`` when
        ``sentences`` is given; at most ``n`` rows, by decreasing absolute contribution.
        ``weight`` and ``contribution`` are rounded to 3 decimals.
    """
    s = sentence_scores[sentence_scores["doc_id"] == doc_id].copy()
    s["weight"] = weigh_sentences(s, dimension).round(3)
    s["contribution"] = (s["weight"] * s[f"{dimension}_stance"]).round(3)
    keep = _bearing(s, dimension) if _learned(s) else (s["weight"] > 0).to_numpy()
    s = s[keep & (s["weight"] > 0).to_numpy()]
    s = s.assign(_abs=s["contribution"].abs()).sort_values(["_abs", "sent_id"], ascending=[False, True],
                                                            kind="mergesort").head(n)
    cols = ["doc_id", "sent_id", "contribution", f"{dimension}_stance", "weight", "evidence"]
    out = s[cols]
    if sentences is not None:
        out = out.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"], how="left")
    return out.reset_index(drop=True)
