"""Frames of the codebook, per sentence and per document.

Two methods share one output format:

- ``"lexicon"``: the editable codebook ``resources/frames.csv`` (terms and multi-word
  expressions per frame, with weights; ``*`` is a word-suffix wildcard) is matched per
  sentence; a frame's score is the summed weight of its hits; every hit is kept as
  keyword-in-context evidence (:func:`kwic`).
- ``"supervised"``: TF-IDF word n-grams and a class-balanced logistic regression trained on
  the hand-coded sentences of ``data/annotations/frame_sentences.csv`` (or any table with
  ``text, frame`` columns); scores are class probabilities; the evidence is the n-grams of the
  sentence that push most towards the predicted frame.
- ``"hybrid"``: the same classifier, its training sentences joined by every codebook term as a
  one-phrase example of its frame, so frames with few hand-coded sentences are still learnt.

Document frames are the sentence frames pooled (:func:`score_documents`): each framed sentence
contributes one unit split across its frames in proportion to its scores, a frame's share is its
part of the document's units, the primary frame is the largest share, and the frame set holds the
frames whose share reaches ``threshold``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.textmatch import PatternSet, text_words

FRAMES: tuple[str, ...] = (
    "diplomacy", "economy", "security", "us_factor",
    "history_identity", "human_safety", "domestic_politics",
)
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
KWIC_COLUMNS = ["doc_id", "sent_id", "frame", "term", "left", "match", "right"]
ANNOTATIONS = Path(__file__).resolve().parents[1] / "data" / "annotations" / "frame_sentences.csv"


# ---------------------------------------------------------------- codebook
def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Return the frame codebook.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns ``frame, term, weight`` (``case_sensitive`` optional) used instead
        of the packaged ``resources/frames.csv``.

    Returns
    -------
    DataFrame
        ``frame, term, weight, case_sensitive`` (bool), frames in codebook order.
    """
    if path is None:
        with resources.files("sinojp.resources").joinpath("frames.csv").open(encoding="utf-8") as fh:
            book = pd.read_csv(fh, dtype=str, keep_default_na=False)
    else:
        book = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"frame", "term", "weight"} - set(book.columns)
    if missing:
        raise ValueError(f"codebook lacks columns {sorted(missing)}")
    unknown = set(book["frame"]) - set(FRAMES)
    if unknown:
        raise ValueError(f"codebook names unknown frames {sorted(unknown)}")
    if "case_sensitive" not in book:
        book["case_sensitive"] = "0"
    book = book[["frame", "term", "weight", "case_sensitive"]].copy()
    book["term"] = book["term"].str.strip()
    book["weight"] = book["weight"].astype(float)
    book["case_sensitive"] = book["case_sensitive"].astype(str).str.strip().isin(["1", "true", "True"])
    return book[book["term"] != ""].drop_duplicates(["frame", "term"]).reset_index(drop=True)


def _term_regex(term: str, case_sensitive: bool) -> str:
    body = re.escape(term).replace(r"\*", r"[\w-]*").replace(r"\ ", r"\s+")
    body = body.replace("'", "['’]").replace("’", "['’]")
    return f"(?-i:{body})" if case_sensitive else body


@lru_cache(maxsize=8)
def _compiled(path: str | None = None) -> tuple[tuple[str, tuple[tuple[str, float], ...], tuple[str, ...], PatternSet], ...]:
    """Per frame: its terms longest first, each term's regex alternative, and the terms' literals.

    Alternative ``i`` is the named group ``t<i>`` (term ``i``); the literals (the terms' longest
    lower-case pieces, which a text must contain for the term to match) sit in a
    :class:`~sinojp.textmatch.PatternSet`.
    """
    book = load_codebook(path)
    out = []
    for frame in FRAMES:
        rows = book[book["frame"] == frame]
        rows = rows.assign(_len=rows["term"].str.len()).sort_values(
            ["_len", "term"], ascending=[False, True], kind="mergesort")
        terms = tuple((r.term, float(r.weight)) for r in rows.itertuples(index=False))
        if not terms:
            continue
        alternatives = tuple(f"(?P<t{i}>{_term_regex(r.term, r.case_sensitive)})"
                             for i, r in enumerate(rows.itertuples(index=False)))
        # the index only serves its literal pre-filter: the frame's regex is the alternation
        literals = PatternSet.build((t, None, None) for t, _ in terms)
        out.append((frame, terms, alternatives, literals))
    return tuple(out)


@lru_cache(maxsize=4096)
def _alternation(alternatives: tuple[str, ...]) -> re.Pattern:
    """The frame regex over some of its terms (in codebook priority order)."""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def match_frames(text: str, codebook: str | None = None) -> list[dict]:
    """All codebook hits in one text.

    Within a frame, matches do not overlap (longest term wins); the same words may count for
    two frames ("US-Japan alliance" is both ``us_factor`` and ``security``).

    Returns
    -------
    list of dict
        ``frame, term, weight, start, end, match`` sorted by start then frame order.
    """
    hits = []
    lower = text.lower()
    words = text_words(lower)
    for frame, terms, alternatives, literals in _compiled(codebook):
        # a term whose literal is absent can never win a position, so the alternation over the
        # remaining terms finds exactly the matches of the full one, with far fewer branches
        present = tuple(alternatives[i] for i in literals.candidates(lower, words))
        if not present:
            continue
        for m in _alternation(present).finditer(text):
            term, weight = terms[int(m.lastgroup[1:])]
            hits.append({"frame": frame, "term": term, "weight": weight,
                         "start": m.start(), "end": m.end(), "match": m.group(0)})
    order = {f: i for i, f in enumerate(FRAMES)}
    return sorted(hits, key=lambda h: (h["start"], order[h["frame"]]))


def kwic(sentences: pd.DataFrame, window: int = 6, codebook: str | None = None) -> pd.DataFrame:
    """Keyword-in-context table of every codebook hit.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text``.
    window : int
        Words of context kept on each side.
    codebook : str, optional
        Alternative codebook CSV.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, frame, term, left, match, right``.
    """
    rows = []
    for doc_id, sent_id, text in sentences[["doc_id", "sent_id", "text"]].itertuples(index=False):
        text = str(text)
        for h in match_frames(text, codebook):
            left = " ".join(text[: h["start"]].split()[-window:])
            right = " ".join(text[h["end"]:].split()[:window])
            rows.append({"doc_id": doc_id, "sent_id": sent_id, "frame": h["frame"],
                         "term": h["term"], "left": left, "match": h["match"], "right": right})
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


# ---------------------------------------------------------------- sentence scoring
def _top_frame(scores: np.ndarray, min_score: float) -> list[str]:
    best = scores.argmax(axis=1)  # first maximum: ties go to the earlier codebook frame
    top = scores.max(axis=1)
    return [FRAMES[b] if t >= min_score and t > 0 else "none" for b, t in zip(best, top)]


def _lexicon_scores(sentences: pd.DataFrame, codebook: str | None,
                    min_score: float) -> pd.DataFrame:
    scores = np.zeros((len(sentences), len(FRAMES)))
    evidence = []
    col = {f: i for i, f in enumerate(FRAMES)}
    for row, text in enumerate(sentences["text"].astype(str)):
        hits = match_frames(text, codebook)
        for frame, term, weight in {(h["frame"], h["term"], h["weight"]) for h in hits}:
            scores[row, col[frame]] += weight  # a term counts once per sentence
        evidence.append("; ".join(f"{h['frame']}:{h['match']}" for h in hits))
    out = pd.DataFrame(np.round(scores, 3), columns=[f"score_{f}" for f in FRAMES])
    out.insert(0, "frame", _top_frame(scores, min_score))
    out["evidence"] = evidence
    return out


def load_annotations(path: str | Path | None = None) -> pd.DataFrame:
    """Hand-coded frame sentences (``doc_id, text, frame, coder, note``)."""
    path = Path(path) if path is not None else ANNOTATIONS
    if not path.exists():
        raise FileNotFoundError(
            f"no frame annotations at {path}; pass `training=` a table with text and frame columns")
    ann = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = set(ann["frame"]) - set(FRAMES) - {"none"}
    if bad:
        raise ValueError(f"annotations use unknown frames {sorted(bad)}")
    return ann


def codebook_examples(codebook: str | None = None) -> pd.DataFrame:
    """Codebook terms as one-phrase training examples (``text, frame``), wildcards removed."""
    book = load_codebook(codebook)
    return pd.DataFrame({"text": book["term"].str.replace("*", "", regex=False), "frame": book["frame"]})


def train_classifier(training: pd.DataFrame | None = None, random_state: int = 0,
                     with_codebook: bool = False, codebook: str | None = None):
    """Fit the supervised frame classifier.

    Parameters
    ----------
    training : DataFrame, optional
        ``text, frame`` (frame in the seven frames or ``"none"``); defaults to
        :func:`load_annotations`.
    random_state : int
        Seed of the logistic regression solver.
    with_codebook : bool
        Add the codebook terms as examples (the ``"hybrid"`` method).
    codebook : str, optional
        Alternative codebook CSV for ``with_codebook``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        TF-IDF (unigrams and bigrams, sublinear tf) then class-balanced logistic regression.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    training = load_annotations() if training is None else training
    training = training[["text", "frame"]]
    if with_codebook:
        training = pd.concat([training, codebook_examples(codebook)], ignore_index=True)
    model = make_pipeline(
        TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                        token_pattern=r"(?u)\b[A-Za-z][A-Za-z-]+\b", stop_words="english"),
        LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000,
                           random_state=random_state),
    )
    model.fit(training["text"].astype(str), training["frame"].astype(str))
    return model


def _supervised_scores(sentences: pd.DataFrame, model, n_evidence: int = 4) -> pd.DataFrame:
    texts = sentences["text"].astype(str)
    classes = list(model.classes_)
    proba = model.predict_proba(texts)
    full = np.zeros((len(sentences), len(FRAMES)))
    for j, f in enumerate(FRAMES):
        if f in classes:
            full[:, j] = proba[:, classes.index(f)]
    pred = [classes[i] for i in proba.argmax(axis=1)]
    vec, clf = model.steps[0][1], model.steps[-1][1]
    X = vec.transform(texts)
    vocab = np.array(vec.get_feature_names_out())
    evidence = []
    for i, label in enumerate(pred):
        if label == "none" or len(classes) < 3:
            evidence.append("")
            continue
        row = X.getrow(i)
        contrib = row.data * clf.coef_[classes.index(label)][row.indices]
        order = np.lexsort((vocab[row.indices], -contrib))
        terms = [vocab[row.indices[k]] for k in order if contrib[k] > 0][:n_evidence]
        evidence.append("; ".join(f"{label}:{t}" for t in terms))
    out = pd.DataFrame(np.round(full, 3), columns=[f"score_{f}" for f in FRAMES])
    out.insert(0, "frame", pred)
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
        cols = ["doc_id", "sent_id", "frame"] + [f"score_{f}" for f in FRAMES] + ["evidence"]
        return pd.DataFrame(columns=cols)
    if method == "lexicon":
        scored = _lexicon_scores(sentences.reset_index(drop=True), codebook, min_score)
    else:
        if model is None:
            model = train_classifier(training, random_state, with_codebook=method == "hybrid",
                                     codebook=codebook)
        scored = _supervised_scores(sentences.reset_index(drop=True), model)
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
    score_cols = [f"score_{f}" for f in FRAMES]
    sf = sentence_frames[sentence_frames["frame"] != "none"]
    if basis == "scores":
        s = sf[score_cols].to_numpy(dtype=float)
        tot = s.sum(axis=1, keepdims=True)
        units = np.divide(s, tot, out=np.zeros_like(s), where=tot > 0)
    else:
        units = np.array([[1.0 if f == fr else 0.0 for f in FRAMES] for fr in sf["frame"]]).reshape(-1, len(FRAMES))
    lead = np.where(sf["sent_id"].to_numpy(dtype=float) < lead_sentences, lead_weight, 1.0)
    per = pd.DataFrame(units * lead[:, None], columns=list(FRAMES))
    per["doc_id"] = sf["doc_id"].to_numpy()
    all_docs = pd.Index(pd.unique(sentence_frames["doc_id"]), name="doc_id")
    sums = per.groupby("doc_id", sort=False)[list(FRAMES)].sum().reindex(all_docs, fill_value=0.0)
    n = per.groupby("doc_id", sort=False).size().reindex(all_docs, fill_value=0)
    shares = sums.div(sums.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0).round(3)
    rows = []
    for doc_id, sh in shares.iterrows():
        vals = sh.to_numpy()
        if vals.sum() == 0:
            primary, frames = "none", ""
        else:
            order = sorted(range(len(FRAMES)), key=lambda j: (-vals[j], j))
            primary = FRAMES[order[0]]
            frames = "|".join(FRAMES[j] for j in order if vals[j] >= threshold and vals[j] > 0)
        rows.append({"doc_id": doc_id, "primary_frame": primary,
                     **{f"frame_{f}": float(sh[f]) for f in FRAMES},
                     "frames": frames, "n_framed": int(n[doc_id])})
    cols = ["doc_id", "primary_frame"] + [f"frame_{f}" for f in FRAMES] + ["frames", "n_framed"]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- validation
_SENT_SPLIT = re.compile(
    r"(?<![A-Z]\.[A-Z]\.)(?<!\b(?:No|Dr|Mr|Ms|St)\.)(?<!\bMrs\.)(?<!\bProf\.)"
    r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))(?:\s+(?=[\"“‘']?[A-Z0-9])|(?<=[a-z][.!?])(?=[A-Z][a-z]))")


def gold_sentences(sample_dir: str | Path) -> pd.DataFrame:
    """Sentences of a labelled sample with its hand-marked boilerplate and headings removed.

    Used to validate framing independently of cleaning: lines listed in ``labels.csv`` as
    ``boilerplate_lines`` or ``neutral_lines`` are dropped, bullets stripped, and the rest split
    at sentence-final punctuation followed by a capital or digit.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, text``.
    """
    sample_dir = Path(sample_dir)
    labels = pd.read_csv(sample_dir / "labels.csv", dtype=str, keep_default_na=False)
    rows = []
    for lab in labels.itertuples(index=False):
        drop = {int(x) for x in f"{lab.boilerplate_lines}|{lab.neutral_lines}".split("|") if x.strip()}
        lines = (sample_dir / "raw" / f"{lab.doc_id}.txt").read_text(encoding="utf-8").splitlines()
        sent_id = 0
        for no, line in enumerate(lines, start=1):
            line = re.sub(r"^\s*[-•*]\s+", "", line).strip()
            if no in drop or not line:
                continue
            for sent in _SENT_SPLIT.split(line):
                if sent.strip():
                    rows.append({"doc_id": lab.doc_id, "sent_id": sent_id, "text": sent.strip()})
                    sent_id += 1
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "text"])


def evaluate_frames(doc_frames: pd.DataFrame, labels: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Compare document frames with hand coding.

    Parameters
    ----------
    doc_frames : DataFrame
        Output of :func:`score_documents` (``doc_id, primary_frame, frames``).
    labels : DataFrame
        ``doc_id, primary_frame, frames`` (``|``-separated) from hand coding.

    Returns
    -------
    dict
        ``"summary"``: one row with ``n_docs, primary_accuracy, primary_baseline`` (the most
        frequent gold primary frame predicted for every document), ``set_micro_f1,
        set_macro_f1, set_baseline_micro_f1`` (that majority frame as the whole set), and
        ``"per_frame"``: ``frame, support, precision, recall, f1`` of the frame sets.
    """
    from sinojp import metrics

    gold = labels[["doc_id", "primary_frame", "frames"]].rename(
        columns={"primary_frame": "gold_primary", "frames": "gold_frames"})
    merged = gold.merge(doc_frames[["doc_id", "primary_frame", "frames"]], on="doc_id", how="left")
    merged = merged.fillna({"primary_frame": "none", "frames": ""})
    majority = gold["gold_primary"].value_counts().sort_index().idxmax()

    def sets(col: pd.Series) -> list[set[str]]:
        return [set(filter(None, str(v).split("|"))) for v in col]

    gsets, psets = sets(merged["gold_frames"]), sets(merged["frames"])
    bsets = [{majority}] * len(gsets)

    def prf(pred: list[set[str]]) -> tuple[pd.DataFrame, float]:
        rows, tp_all, fp_all, fn_all = [], 0, 0, 0
        for f in FRAMES:
            tp = sum(f in g and f in p for g, p in zip(gsets, pred))
            fp = sum(f not in g and f in p for g, p in zip(gsets, pred))
            fn = sum(f in g and f not in p for g, p in zip(gsets, pred))
            tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            rows.append({"frame": f, "support": tp + fn, "precision": round(p, 3),
                         "recall": round(r, 3), "f1": round(f1, 3)})
        micro = 2 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all else 0.0
        return pd.DataFrame(rows), micro

    per_frame, micro = prf(psets)
    _, base_micro = prf(bsets)
    supported = per_frame[per_frame["support"] > 0]
    summary = pd.DataFrame([{
        "n_docs": len(merged),
        "primary_accuracy": round(metrics.accuracy(merged["gold_primary"], merged["primary_frame"]), 3),
        "primary_macro_f1": round(metrics.macro_f1(merged["gold_primary"], merged["primary_frame"]), 3),
        "primary_baseline": round(metrics.accuracy(merged["gold_primary"], [majority] * len(merged)), 3),
        "set_micro_f1": round(micro, 3),
        "set_macro_f1": round(float(supported["f1"].mean()) if len(supported) else 0.0, 3),
        "set_baseline_micro_f1": round(base_micro, 3),
    }])
    return {"summary": summary, "per_frame": per_frame}


def align_annotations(annotations: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Attach hand-coded frames to the sentences of a segmentation.

    Annotation texts are spans of the cleaned documents, so they survive re-segmentation: a
    sentence takes the frame of the annotation with the same text, else of an annotation that
    contains it or that it contains (the first such annotation in file order).

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, text, gold_frame`` for the sentences that found an annotation.
    """
    by_doc: dict[str, list[tuple[str, str]]] = {}
    for d, t, f in annotations[["doc_id", "text", "frame"]].itertuples(index=False):
        by_doc.setdefault(str(d), []).append((str(t).strip(), str(f)))
    rows = []
    for d, sid, text in sentences[["doc_id", "sent_id", "text"]].itertuples(index=False):
        text = str(text).strip()
        cands = by_doc.get(str(d), [])
        frame = next((f for t, f in cands if t == text), None)
        if frame is None and len(text) >= 20:
            frame = next((f for t, f in cands if text in t or t in text), None)
        if frame is not None:
            rows.append({"doc_id": d, "sent_id": sid, "text": text, "gold_frame": frame})
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "text", "gold_frame"])


def cross_validate(annotations: pd.DataFrame | None = None, n_splits: int = 5,
                   random_state: int = 0) -> pd.DataFrame:
    """Sentence-level agreement of both methods with hand coding, side by side.

    The supervised and hybrid models are scored out of sample: folds hold whole documents out
    (``GroupKFold`` on ``doc_id``); the lexicon needs no training and is scored on every
    sentence.

    Returns
    -------
    DataFrame
        One row per method: ``method, n, accuracy, macro_f1, alpha`` (Krippendorff's alpha,
        nominal, method vs hand coding).
    """
    from sklearn.model_selection import GroupKFold

    from sinojp import metrics

    ann = (load_annotations() if annotations is None else annotations).reset_index(drop=True)
    sents = ann.assign(sent_id=range(len(ann)))[["doc_id", "sent_id", "text"]]
    lex = score_sentences(sents, "lexicon")["frame"].tolist()
    preds = {"lexicon": lex, "supervised": [""] * len(ann), "hybrid": [""] * len(ann)}
    folds = GroupKFold(n_splits=min(n_splits, ann["doc_id"].nunique()))
    for train, test in folds.split(ann, groups=ann["doc_id"]):
        for method in ("supervised", "hybrid"):
            model = train_classifier(ann.iloc[train], random_state, with_codebook=method == "hybrid")
            pred = score_sentences(sents.iloc[test], method, model=model)["frame"].tolist()
            for i, p in zip(test, pred):
                preds[method][i] = p
    gold = ann["frame"].tolist()
    rows = []
    for method, pred in preds.items():
        rows.append({"method": method, "n": len(gold),
                     "accuracy": round(metrics.accuracy(gold, pred), 3),
                     "macro_f1": round(metrics.macro_f1(gold, pred), 3),
                     "alpha": round(metrics.krippendorff_alpha(gold, pred, level="nominal"), 3)})
    return pd.DataFrame(rows)


def validate_methods(sentences: pd.DataFrame, labels: pd.DataFrame,
                     methods: tuple[str, ...] = METHODS, thresholds: tuple[float, ...] = (DEFAULT_THRESHOLD,),
                     lead_weights: tuple[float, ...] = (LEAD_WEIGHT,), random_state: int = 0) -> pd.DataFrame:
    """Document-level validation of every method (and threshold / lead weight) side by side.

    Returns
    -------
    DataFrame
        One row per setting: ``method, threshold, lead_weight`` and the
        :func:`evaluate_frames` summary columns.
    """
    rows = []
    for method in methods:
        sf = score_sentences(sentences, method, random_state=random_state)
        for th in thresholds:
            for lw in lead_weights:
                docs = score_documents(sf, threshold=th, lead_weight=lw)
                summ = evaluate_frames(docs, labels)["summary"].iloc[0].to_dict()
                summ["n_docs"] = int(summ["n_docs"])
                rows.append({"method": method, "threshold": th, "lead_weight": lw, **summ})
    return pd.DataFrame(rows)


def frames_by(doc_frames: pd.DataFrame, documents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean frame shares per group of a metadata column (``outlet_origin``, ``period``...).

    Returns
    -------
    DataFrame
        Indexed by the group (empty values become ``"unknown"``), one ``frame_<name>`` column per
        frame and ``n_docs``; rounded to 3 decimals.
    """
    cols = [f"frame_{f}" for f in FRAMES]
    meta = documents[["doc_id", by]].copy()
    meta[by] = meta[by].fillna("").astype(str).replace("", "unknown")
    merged = doc_frames.merge(meta, on="doc_id", how="inner")
    out = merged.groupby(by, sort=True)[cols].mean().round(3)
    out["n_docs"] = merged.groupby(by, sort=True).size()
    return out


def plot_frame_heatmap(shares: pd.DataFrame, ax=None, title: str = "Frame shares"):
    """Heat map of frame shares: rows are documents (or groups), columns the seven frames.

    Parameters
    ----------
    shares : DataFrame
        :func:`score_documents` output (indexed by ``doc_id`` or with a ``doc_id`` column) or
        :func:`frames_by` output.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from sinojp.similarity import plot_matrix

    cols = [f"frame_{f}" for f in FRAMES]
    table = shares.set_index("doc_id") if "doc_id" in shares.columns else shares
    table = table[cols].rename(columns=lambda c: c[len("frame_"):])
    return plot_matrix(table, ax=ax, title=title, cmap="Oranges", vmin=0.0, vmax=1.0)


def frame_evidence(sentence_frames: pd.DataFrame, sentences: pd.DataFrame, doc_id: str,
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
    if frame not in FRAMES:
        return pd.DataFrame(columns=["doc_id", "sent_id", "frame", "score", "evidence", "text"])
    out = sf[sf[f"score_{frame}"] > 0].merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    out = out.assign(score=out[f"score_{frame}"]).sort_values(
        ["score", "sent_id"], ascending=[False, True], kind="mergesort").head(top)
    return out.assign(frame=frame)[["doc_id", "sent_id", "frame", "score", "evidence", "text"]].reset_index(drop=True)
