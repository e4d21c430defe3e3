"""Stance towards China–Japan relations and towards the US / Trump.

Three methods give a score in [-1, 1] per sentence for the two targets of the
codebook (``relations_stance``, ``us_stance``):

``lexicon`` (default, see :data:`DEFAULT_METHOD`)
    A transparent model: the weighted domain lexicon
    ``resources/stance_lexicon.csv`` (cooperation / conflict, improvement /
    deterioration, optimism / pessimism, US praise / criticism) with the rules
    of ``resources/stance_rules.yaml``: negation flips and dampens a term,
    hedges ("may", "could", "cautiously") weaken it, after "but"/"however"
    a clause weighs more (and the clause before less), a "despite"/"although"
    clause weighs less. A term's effects are multiplied; the sentence score is
    ``tanh(sum / 1.5)``.
``supervised``
    TF-IDF word and bigram features with a class-balanced logistic
    regression trained on the hand-coded sentences
    ``data/annotations/stance_sentences.csv``; score = P(+1) - P(-1).
``vader``
    VADER's compound score (baseline): NLTK's implementation with the
    ``vader_lexicon.txt`` shipped by the vaderSentiment package.

Every method applies the same target detection (``sinojp.actors``):
``us_stance`` is 0 outside sentences about the US; ``relations_stance`` is
scored everywhere and weighted by target relevance in the document score.

Document scores (:func:`score_documents`) are weighted means over the
sentences that carry stance, shrunk towards 0 by one pseudo-sentence of
neutral weight (so a single passing remark cannot make a document's score),
with weights = target relevance x attribution (reported claims 0.7, the
codebook's "reported statements count less") x position (the first three
sentences, the lead of a news story, 1.25). A seeded bootstrap over
sentences gives the confidence interval.
"""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp import metrics
from sinojp.actors import detect_targets, load_rules
from sinojp.textmatch import PatternSet, non_overlapping
from sinojp.voices import _paragraph_turns, is_attributed

DEFAULT_METHOD = "lexicon"
METHODS = ("lexicon", "supervised", "vader")
#: document score beyond which a document is coded +1 / -1 (chosen a priori, see label_scores)
THRESHOLD = 0.1
ANNOTATIONS = Path(__file__).resolve().parents[1] / "data" / "annotations" / "stance_sentences.csv"

SENTENCE_COLUMNS = ["doc_id", "sent_id", "relations_stance", "us_stance", "is_relations_target",
                    "relations_relevance", "is_us_target", "attributed", "evidence", "method"]
DOCUMENT_COLUMNS = ["doc_id", "relations_stance", "us_stance", "relations_ci_low", "relations_ci_high",
                    "us_ci_low", "us_ci_high", "n_relations_sentences", "n_us_sentences",
                    "relations_label", "us_label", "method"]

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


# ---------------------------------------------------------------- lexicon model

def load_lexicon(path: str | None = None) -> pd.DataFrame:
    """The stance lexicon: ``term, dimension, category, polarity, weight``.

    ``term`` may hold several words and a trailing ``*`` wildcard;
    ``dimension`` is ``relations`` or ``us``.
    """
    if path:
        lex = pd.read_csv(path)
    else:
        with resources.files("sinojp.resources").joinpath("stance_lexicon.csv").open(encoding="utf-8") as fh:
            lex = pd.read_csv(fh)
    lex["term"] = lex["term"].str.strip().str.lower()
    return lex


def _term_pattern(term: str) -> str:
    parts = []
    for word in term.split():
        star = word.endswith("*")
        body = re.escape(word.rstrip("*")).replace("'", "['’]")
        parts.append(body + (r"[\w-]*" if star else ""))
    return r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])"


@lru_cache(maxsize=4)
def _lexicon_patterns(path: str | None = None) -> dict[str, PatternSet]:
    lex = load_lexicon(path)
    out = {}
    for dim, sub in lex.groupby("dimension", sort=True):
        sub = sub.assign(_n=sub["term"].str.len()).sort_values(["_n", "term"], ascending=[False, True],
                                                                 kind="mergesort")
        out[dim] = PatternSet.build((r.term, re.compile(_term_pattern(r.term), re.IGNORECASE),
                                     (r.category, int(r.polarity) * float(r.weight)))
                                    for r in sub.itertuples(index=False))
    return out


def _match_terms(text: str, dimension: str, path: str | None = None) -> list[tuple]:
    """Non-overlapping lexicon hits (longest term first): (start, end, surface, category, value)."""
    patterns = _lexicon_patterns(path).get(dimension)
    if patterns is None:
        return []
    return [(s, e, surface, category, value) for s, e, surface, (category, value) in non_overlapping(text, patterns)]


def _phrase_index(phrases: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases as token tuples, grouped by their first token (so a lookup tries only those)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        tokens = tuple(phrase.lower().split())
        if tokens:
            index.setdefault(tokens[0], []).append(tokens)
    return {first: tuple(group) for first, group in index.items()}


@lru_cache(maxsize=1)
def _rule_sets() -> dict:
    r = load_rules()
    return {
        "neg": _phrase_index(r["negators"]),
        "hedge": _phrase_index(r["hedges"]),
        "after": {w.lower() for w in r["contrast_after"]},
        "concessive": _phrase_index(r["contrast_concessive"]),
        "window": int(r["negation_window"]), "neg_factor": float(r["negation_factor"]),
        "hedge_factor": float(r["hedge_factor"]), "main": float(r["contrast_main_factor"]),
        "minor": float(r["contrast_minor_factor"]), "attribution": float(r["attribution_weight"]),
    }


def _phrase_at(tokens: list[str], i: int, phrases: dict[str, tuple[tuple[str, ...], ...]]) -> int:
    """Length of the longest phrase (from :func:`_phrase_index`) starting at token i (0 when none)."""
    best = 0
    for ph in phrases.get(tokens[i], ()):
        if len(ph) > best and tuple(tokens[i:i + len(ph)]) == ph:
            best = len(ph)
    return best


def _is_contrast(tokens: list[str], i: int, markers: set[str]) -> bool:
    """A contrast marker, except "not only ... but also" and "not yet" / "as yet"."""
    t = tokens[i]
    if t not in markers:
        return False
    if t == "but" and tokens[i + 1:i + 2] == ["also"]:
        return False
    return not (t == "yet" and i > 0 and tokens[i - 1] in {"not", "as"})


def _modifiers(tokens: list[str]) -> tuple[list[float], list[str], list[int], list[str]]:
    """Per-token contrast factor and note, clause index and the hedge active in each token's clause."""
    rs = _rule_sets()
    n = len(tokens)
    factor, note = [1.0] * n, [""] * n
    clause, c = [0] * n, 0
    for i, t in enumerate(tokens):
        if t in {",", ";", ":", "—", "–"} or _is_contrast(tokens, i, rs["after"]):
            c += 1
        clause[i] = c
    # "but"/"however": what follows weighs more, what precedes (same sentence) less
    for i in [i for i in range(n) if _is_contrast(tokens, i, rs["after"])]:
        for j in range(i + 1, n):
            if _is_contrast(tokens, j, rs["after"]):
                break
            factor[j], note[j] = rs["main"], f"after '{tokens[i]}' ×{rs['main']}"
        for j in range(i - 1, -1, -1):
            if _is_contrast(tokens, j, rs["after"]):
                break
            factor[j], note[j] = rs["minor"], f"before '{tokens[i]}' ×{rs['minor']}"
    # "despite"/"although": the concessive clause weighs less
    for i in range(n):
        k = _phrase_at(tokens, i, rs["concessive"])
        if not k or (tokens[i] == "while" and i > 0 and tokens[i - 1] != ","):
            continue
        word = " ".join(tokens[i:i + k])
        for j in range(i + k, n):
            if tokens[j] in {",", ";", "—", "–"}:
                break
            factor[j], note[j] = rs["minor"], f"in '{word}' clause ×{rs['minor']}"
    hedge = [""] * n
    for i in range(n):
        k = _phrase_at(tokens, i, rs["hedge"])
        if k:
            for j in range(i, n):
                if clause[j] != clause[i]:
                    break
                hedge[j] = hedge[j] or " ".join(tokens[i:i + k])
    return factor, note, clause, hedge


def _lexicon_sentence(text: str, dimension: str, path: str | None = None) -> tuple[float, list[str]]:
    """Score one sentence on one dimension; return (score, evidence items)."""
    hits = _match_terms(text, dimension, path)
    if not hits:  # no lexicon term: nothing to modify
        return 0.0, []
    rs = _rule_sets()
    spans = [(m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(text)]
    tokens = ["not" if t.endswith(("n't", "n’t")) else t for _, _, t in spans]
    factor, note, clause, hedge = _modifiers(tokens)
    total, evidence = 0.0, []
    for s, e, surface, category, value in hits:
        idx = next((i for i, sp in enumerate(spans) if sp[1] > s), len(spans) - 1)
        effects, v = [], value
        negs = 0
        for j in range(max(0, idx - rs["window"]), idx):
            if clause[j] == clause[idx] and _phrase_at(tokens, j, rs["neg"]):
                negs += 1
                effects.append(f"negated by '{tokens[j]}' ×{rs['neg_factor']}")
        v *= rs["neg_factor"] ** negs
        if hedge[idx]:
            v *= rs["hedge_factor"]
            effects.append(f"hedge '{hedge[idx]}' ×{rs['hedge_factor']}")
        if factor[idx] != 1.0:
            v *= factor[idx]
            effects.append(note[idx])
        total += v
        evidence.append(f"{surface} [{category} {value:+.1f}"
                        + ("; " + "; ".join(effects) if effects else "") + f"] = {v:+.2f}")
    return round(math.tanh(total / 1.5), 3), evidence


# ---------------------------------------------------------------- VADER baseline

@lru_cache(maxsize=1)
def vader_analyzer():
    """NLTK's VADER with the lexicon shipped in the vaderSentiment package.

    NLTK 3.10 only loads resources found on ``nltk.data.path``; the
    vaderSentiment package folder is appended there once (the only global
    change made) and the lexicon is loaded by its file name.
    """
    import nltk
    import vaderSentiment
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    folder = os.path.dirname(vaderSentiment.__file__)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file="vader_lexicon.txt")


def _vader_score(text: str) -> float:
    return round(float(vader_analyzer().polarity_scores(text)["compound"]), 3)


def _vader_evidence(text: str, score: float) -> str:
    """The compound score and the words of the sentence that VADER's lexicon knows."""
    lexicon = vader_analyzer().lexicon
    words = [w for w in dict.fromkeys(m.group(0).lower() for m in _TOKEN.finditer(text)) if w in lexicon]
    hits = ", ".join(f"{w} {lexicon[w]:+.1f}" for w in words)
    return f"vader compound {score:+.3f}" + (f" [{hits}]" if hits else "")


# ---------------------------------------------------------------- supervised model

def load_annotations(path: str | Path | None = None) -> pd.DataFrame:
    """Hand-coded sentences: ``doc_id, text, relations, us, coder, note``."""
    ann = pd.read_csv(path or ANNOTATIONS, dtype={"doc_id": str}, keep_default_na=False)
    for col in ("relations", "us"):
        ann[col] = ann[col].astype(int)
    return ann


def make_classifier(random_state: int = 0):
    """The supervised pipeline: TF-IDF (1–2-grams, sublinear tf) + balanced logistic regression.

    English stop words are dropped and an n-gram must occur in two coded
    sentences: in grouped cross-validation on the seed sentences this beat
    keeping every n-gram on both targets (the dev sample played no part).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, stop_words="english", lowercase=True),
        LogisticRegression(C=2.0, class_weight="balanced", max_iter=2000, random_state=random_state))


def _proba_score(model, texts: list[str]) -> np.ndarray:
    proba = model.predict_proba(texts)
    classes = list(model.classes_)
    pos = proba[:, classes.index(1)] if 1 in classes else 0.0
    neg = proba[:, classes.index(-1)] if -1 in classes else 0.0
    return np.round(pos - neg, 3)


def _supervised_evidence(model, texts: list[str], n: int = 4) -> list[str]:
    """Per sentence, the n-grams pushing the prediction most towards +1 or -1.

    A term's push is its tf-idf value times (coefficient of class +1 minus
    coefficient of class -1) of the logistic regression.
    """
    vec, clf = model.steps[0][1], model.steps[-1][1]
    classes = list(clf.classes_)
    if 1 not in classes or -1 not in classes:
        return [""] * len(texts)
    direction = clf.coef_[classes.index(1)] - clf.coef_[classes.index(-1)]
    names = vec.get_feature_names_out()
    X = vec.transform(texts).tocsr()
    out = []
    for i in range(X.shape[0]):
        row = X.getrow(i)
        push = row.data * direction[row.indices]
        order = np.lexsort((names[row.indices], -np.abs(push)))[:n]
        out.append(", ".join(f"{names[row.indices[j]]} {push[j]:+.2f}" for j in order))
    return out


def _fit(texts: list[str], y: np.ndarray, random_state: int):
    """Fit the classifier with BLAS limited to one thread for the duration of the call.

    Multi-threaded BLAS on a small, busy machine made the solver hundreds of
    times slower; ``threadpool_limits`` is scoped, so no global state changes.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return make_classifier(random_state).fit(texts, y)


@lru_cache(maxsize=4)
def _trained(path: str, random_state: int) -> dict:
    ann = load_annotations(path)
    return {dim: _fit(ann["text"].tolist(), ann[dim].to_numpy(), random_state) for dim in ("relations", "us")}


def cross_validate_supervised(annotations: pd.DataFrame | None = None, n_splits: int = 5,
                              random_state: int = 0) -> pd.DataFrame:
    """Grouped cross-validation (folds by document) of the supervised model on the coded sentences.

    Returns
    -------
    DataFrame
        One row per target: ``target, n, accuracy, macro_f1, alpha_ordinal, majority_accuracy``,
        and for comparison the same scores of the lexicon model and VADER
        on the same sentences (``lexicon_macro_f1``, ``vader_macro_f1``).
    """
    from sklearn.model_selection import GroupKFold

    ann = load_annotations() if annotations is None else annotations
    groups = ann["doc_id"].str.split("#").str[0]
    k = min(n_splits, groups.nunique())
    texts = ann["text"].tolist()
    targets = pd.DataFrame([detect_targets(t) for t in texts])
    rows = []
    for dim in ("relations", "us"):
        y = ann[dim].to_numpy()
        pred = np.zeros(len(y), dtype=int)
        for train, test in GroupKFold(n_splits=k).split(texts, y, groups):
            model = _fit([texts[i] for i in train], y[train], random_state)
            scores = _proba_score(model, [texts[i] for i in test])
            pred[test] = label_scores(scores, threshold=0.0, dead_zone=0.2)
        lex = np.array([_lexicon_sentence(t, dim)[0] for t in texts])
        vad = np.array([_vader_score(t) for t in texts])
        if dim == "us":
            lex, vad = lex * targets["is_us_target"], vad * targets["is_us_target"]
            pred = pred * targets["is_us_target"].to_numpy()
        lex_lab, vad_lab = label_scores(lex, 0.2), label_scores(vad, 0.2)
        majority = pd.Series(y).mode().iloc[0]
        rows.append({"target": dim, "n": len(y),
                     "accuracy": round(metrics.accuracy(y, pred), 3),
                     "macro_f1": round(metrics.macro_f1(y, pred), 3),
                     "alpha_ordinal": round(metrics.krippendorff_alpha(y, pred, "ordinal"), 3),
                     "majority_accuracy": round(float(np.mean(y == majority)), 3),
                     "lexicon_macro_f1": round(metrics.macro_f1(y, lex_lab), 3),
                     "vader_macro_f1": round(metrics.macro_f1(y, vad_lab), 3)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- public scoring

def label_scores(scores, threshold: float = THRESHOLD, dead_zone: float | None = None) -> np.ndarray:
    """Map scores to -1/0/+1: beyond ``±threshold`` (or ``±dead_zone`` if given) is ±1.

    The document threshold 0.1 was fixed before looking at the sample: a
    document needs a net lean worth about a third of one clear stance
    sentence (one full-weight term scores tanh(1/1.5) = 0.58 and is shrunk
    by the neutral pseudo-sentence to 0.29).
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
        turns = _paragraph_turns([paras[i] for i in idx], [texts[i] for i in idx])
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
        models = _trained(str(annotations_path or ANNOTATIONS), random_state)
        rel = _proba_score(models["relations"], texts)
        us = _proba_score(models["us"], texts)
        ev_rel = _supervised_evidence(models["relations"], texts)
        ev_us = _supervised_evidence(models["us"], texts)
    in_turn = _interview_sentences(sents)
    rows = []
    for i, (doc_id, sent_id, text, t) in enumerate(zip(sents["doc_id"], sents["sent_id"], texts, targets)):
        is_us = t["is_us_target"]
        if method == "lexicon":
            r, r_ev = _lexicon_sentence(text, "relations", lexicon_path)
            u, u_ev = _lexicon_sentence(text, "us", lexicon_path) if is_us else (0.0, [])
            evidence = "; ".join([f"relations: {e}" for e in r_ev] + [f"us: {e}" for e in u_ev])
        elif method == "vader":
            r = _vader_score(text)
            u = r if is_us else 0.0
            evidence = _vader_evidence(text, r) if r else ""
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


def sentence_weights(sentence_scores: pd.DataFrame, dimension: str = "relations") -> pd.Series:
    """Aggregation weight of each sentence for one dimension (0 = not used).

    relations: max(target relevance, 0.2) — context sentences of an article
    on the relationship still speak of it; us: 1 for US-target sentences.
    Both times 0.7 for attributed sentences and 1.25 for the first three
    sentences (the lead). Sentences without any stance signal get 0.
    """
    rs = _rule_sets()
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
    weights = {d: sentence_weights(s, d).to_numpy(float) for d in ("relations", "us")}
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


def explain(sentence_scores: pd.DataFrame, doc_id: str, sentences: pd.DataFrame | None = None,
            dimension: str = "relations", n: int = 5) -> pd.DataFrame:
    """The sentences behind a document's score, largest weighted contribution first.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, contribution, <dimension>_stance, weight, evidence`` and
        ``text`` when ``sentences`` is given; at most ``n`` rows.
    """
    s = sentence_scores[sentence_scores["doc_id"] == doc_id].copy()
    s["weight"] = sentence_weights(s, dimension).round(3)
    s["contribution"] = (s["weight"] * s[f"{dimension}_stance"]).round(3)
    s = s[s["weight"] > 0]
    s = s.assign(_abs=s["contribution"].abs()).sort_values(["_abs", "sent_id"], ascending=[False, True],
                                                            kind="mergesort").head(n)
    cols = ["doc_id", "sent_id", "contribution", f"{dimension}_stance", "weight", "evidence"]
    out = s[cols]
    if sentences is not None:
        out = out.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"], how="left")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- validation

def compare_methods(sentences: pd.DataFrame, methods: tuple[str, ...] = METHODS,
                    random_state: int = 0) -> pd.DataFrame:
    """Document scores of several methods stacked (a ``method`` column tells them apart)."""
    return pd.concat([score_documents(score_sentences(sentences, m, random_state=random_state),
                                      random_state=random_state) for m in methods], ignore_index=True)


def validate_stance(doc_scores: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Agreement of document scores with gold codes, per method and target.

    Parameters
    ----------
    doc_scores : output of :func:`compare_methods` (or :func:`score_documents`).
    labels : gold table with ``doc_id, relations_tone, us_tone`` in {-1, 0, 1}.

    Returns
    -------
    DataFrame
        ``method, target, n, accuracy, macro_f1, spearman, alpha_interval,
        alpha_ordinal, alpha_nominal`` (rounded to 3 decimals).
    """
    rows = []
    for method, d in doc_scores.groupby("method", sort=False):
        m = d.merge(labels, on="doc_id", how="inner")
        for target, gold in (("relations", "relations_tone"), ("us", "us_tone")):
            y, pred, score = m[gold].astype(int), m[f"{target}_label"].astype(int), m[f"{target}_stance"]
            rows.append({"method": method, "target": target, "n": len(m),
                         "accuracy": metrics.accuracy(y, pred), "macro_f1": metrics.macro_f1(y, pred),
                         "spearman": metrics.spearman(y, score),
                         "alpha_interval": metrics.krippendorff_alpha(y, pred, "interval"),
                         "alpha_ordinal": metrics.krippendorff_alpha(y, pred, "ordinal"),
                         "alpha_nominal": metrics.krippendorff_alpha(y, pred, "nominal")})
    return pd.DataFrame(rows).round(3)


def known_groups(doc_scores: pd.DataFrame, documents: pd.DataFrame, low: str = "crisis",
                 high: str = "thaw", n_perm: int = 10000, random_state: int = 0) -> pd.DataFrame:
    """Known-groups check: ``high``-period documents should score above ``low``-period ones.

    Returns
    -------
    DataFrame
        Per method: ``method, n_high, n_low, mean_high, mean_low, difference,
        mann_whitney_u, mw_p, permutation_p`` (one-sided tests).
    """
    per = documents[["doc_id", "period"]]
    rows = []
    for method, d in doc_scores.groupby("method", sort=False):
        m = d.merge(per, on="doc_id")
        hi = m.loc[m["period"] == high, "relations_stance"].to_numpy(float)
        lo = m.loc[m["period"] == low, "relations_stance"].to_numpy(float)
        u, p = metrics.mann_whitney(hi, lo, "greater")
        rows.append({"method": method, "n_high": len(hi), "n_low": len(lo),
                     "mean_high": hi.mean() if len(hi) else np.nan,
                     "mean_low": lo.mean() if len(lo) else np.nan,
                     "difference": (hi.mean() - lo.mean()) if len(hi) and len(lo) else np.nan,
                     "mann_whitney_u": u, "mw_p": p,
                     "permutation_p": metrics.permutation_pvalue(hi, lo, n_perm, "greater", random_state)})
    return pd.DataFrame(rows).round(3)


def method_summary(validation: pd.DataFrame) -> pd.DataFrame:
    """Per method, the mean over both targets of macro-F1, ordinal alpha and Spearman.

    Both targets count: a method that reads relations well but invents a US
    stance where the coders saw none is not a good default.
    """
    cols = ["macro_f1", "alpha_ordinal", "spearman"]
    out = validation.groupby("method", sort=False)[cols].mean().round(3).reset_index()
    return out.rename(columns={c: f"mean_{c}" for c in cols})


def choose_method(validation: pd.DataFrame) -> str:
    """The method with the highest mean ordinal alpha over both targets (ties: mean macro-F1, METHODS order).

    Krippendorff's alpha is the codebook's agreement measure and the codes
    are ordinal; macro-F1 on eight documents turns on a single document.
    """
    v = method_summary(validation)
    v["_order"] = v["method"].map({m: i for i, m in enumerate(METHODS)})
    v = v.sort_values(["mean_alpha_ordinal", "mean_macro_f1", "_order"], ascending=[False, False, True],
                      kind="mergesort", na_position="last")
    return str(v["method"].iloc[0])


# ---------------------------------------------------------------- plots

def plot_document_stance(doc_scores: pd.DataFrame, documents: pd.DataFrame | None = None,
                         dimension: str = "relations", ax=None):
    """Dot-and-interval plot of document stance, coloured by outlet origin when known."""
    import matplotlib.pyplot as plt

    d = doc_scores.copy()
    if documents is not None and "outlet_origin" in documents:
        d = d.merge(documents[["doc_id", "outlet_origin"]], on="doc_id", how="left")
    else:
        d["outlet_origin"] = ""
    d["outlet_origin"] = d["outlet_origin"].fillna("").replace("", "unknown")
    d = d.sort_values([f"{dimension}_stance", "doc_id"], kind="mergesort").reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.35 * len(d) + 1.2))
    colours = {"china_state": "tab:red", "japan": "tab:blue", "us_europe": "tab:green",
               "other": "tab:grey", "unknown": "black"}
    for i, r in d.iterrows():
        c = colours.get(r["outlet_origin"], "black")
        ax.plot([r[f"{dimension}_ci_low"], r[f"{dimension}_ci_high"]], [i, i], color=c, lw=2, alpha=0.6)
        ax.plot(r[f"{dimension}_stance"], i, "o", color=c)
    ax.set_yticks(range(len(d)))
    ax.set_yticklabels([str(x)[:40] for x in d["doc_id"]], fontsize=7)
    ax.axvline(0, color="black", lw=0.5)
    for t in (-THRESHOLD, THRESHOLD):
        ax.axvline(t, color="grey", lw=0.5, ls=":")
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"{dimension}_stance (95% bootstrap interval)")
    handles = [plt.Line2D([], [], marker="o", ls="", color=colours[k], label=k)
               for k in colours if k in set(d["outlet_origin"])]
    ax.legend(handles=handles, fontsize=7, loc="lower right")
    return ax


# ---------------------------------------------------------------- the labelled sample

def load_sample(sample_path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Prepare a labelled sample folder (``raw/``, ``metadata.csv``, ``labels.csv``) for validation.

    Returns
    -------
    (sentences, documents, labels)
        ``documents`` carries the sample's metadata (``outlet_origin``,
        ``period``) where the prepared table lacks it.
    """
    from sinojp.pipeline import prepare  # local import: the pipeline calls this module

    root = Path(sample_path)
    labels = pd.read_csv(root / "labels.csv", dtype={"doc_id": str})
    meta = pd.read_csv(root / "metadata.csv", dtype=str, keep_default_na=False)
    prepared = prepare(root)
    if not set(labels["doc_id"]) & set(prepared.documents["doc_id"]):
        prepared = prepare(root / "raw")
    docs = prepared.documents.drop(columns=[c for c in ("outlet_origin", "period") if c in prepared.documents])
    docs = docs.merge(meta[["doc_id", "outlet_origin", "period"]], on="doc_id", how="left")
    return prepared.sentences, docs, labels
