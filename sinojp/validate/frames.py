"""Validate frames against hand codes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sinojp.measures.framing.codebook import list_frames
from sinojp.measures.framing.scores import DEFAULT_THRESHOLD, LEAD_WEIGHT, METHODS, score_documents, score_sentences
from sinojp.measures.framing.supervised import load_frame_annotations, train_classifier

# ---------------------------------------------------------------- validation
_SENT_SPLIT = re.compile(
    r"(?<![A-Z]\.[A-Z]\.)(?<!\b(?:No|Dr|Mr|Ms|St)\.)(?<!\bMrs\.)(?<!\bProf\.)"
    r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))(?:\s+(?=[\"“‘']?[A-Z0-9])|(?<=[a-z][.!?])(?=[A-Z][a-z]))")


def load_gold_sentences(sample_dir: str | Path) -> pd.DataFrame:
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


def validate_frames(doc_frames: pd.DataFrame, labels: pd.DataFrame) -> dict[str, pd.DataFrame]:
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
    from sinojp import stats

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
        for f in list_frames():
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
        "primary_accuracy": round(stats.accuracy(merged["gold_primary"], merged["primary_frame"]), 3),
        "primary_macro_f1": round(stats.macro_f1(merged["gold_primary"], merged["primary_frame"]), 3),
        "primary_baseline": round(stats.accuracy(merged["gold_primary"], [majority] * len(merged)), 3),
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


def cross_validate_frames(annotations: pd.DataFrame | None = None, n_splits: int = 5,
                   random_state: int = 0) -> pd.DataFrame:
    """Sentence-level agreement of each method with hand coding, side by side.

    The supervised and hybrid models are scored out of sample: folds hold whole documents out
    (``GroupKFold`` on ``doc_id``); the lexicon needs no training and is scored on every
    sentence.

    Parameters
    ----------
    annotations : DataFrame, optional
        Hand-coded sentences ``doc_id, text, frame`` (``frame`` a codebook frame or ``"none"``);
        by default the shipped codes (:func:`sinojp.measures.framing.load_frame_annotations`).
    n_splits : int
        Number of folds (default 5; at most the number of distinct documents).
    random_state : int
        Seed of the classifiers.

    Returns
    -------
    DataFrame
        One row per method (``lexicon``, ``supervised``, ``hybrid``): ``method, n, accuracy,
        macro_f1, alpha`` (Krippendorff's alpha, nominal, method vs hand coding); rounded to 3
        decimals.
    """
    from sklearn.model_selection import GroupKFold

    from sinojp import stats

    ann = (load_frame_annotations() if annotations is None else annotations).reset_index(drop=True)
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
                     "accuracy": round(stats.accuracy(gold, pred), 3),
                     "macro_f1": round(stats.macro_f1(gold, pred), 3),
                     "alpha": round(stats.krippendorff_alpha(gold, pred, level="nominal"), 3)})
    return pd.DataFrame(rows)


def compare_frame_methods(sentences: pd.DataFrame, labels: pd.DataFrame,
                     methods: tuple[str, ...] = METHODS, thresholds: tuple[float, ...] = (DEFAULT_THRESHOLD,),
                     lead_weights: tuple[float, ...] = (LEAD_WEIGHT,), random_state: int = 0) -> pd.DataFrame:
    """Document-level validation of every method (and threshold / lead weight) side by side.

    Each method frames the sentences once (:func:`sinojp.measures.framing.score_sentences`);
    every combination of threshold and lead weight then pools them into document frames
    (:func:`sinojp.measures.framing.score_documents`), which :func:`validate_frames` compares
    with the hand codes.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` of the labelled documents.
    labels : DataFrame
        Hand-coded ``doc_id, primary_frame, frames`` (``|``-separated).
    methods : tuple of str
        The methods to compare (default all of :data:`METHODS`: ``lexicon``, ``supervised``,
        ``hybrid``).
    thresholds : tuple of float
        Shares a frame needs to enter a document's frame set (default ``DEFAULT_THRESHOLD``, 0.15).
    lead_weights : tuple of float
        Weights of a document's lead sentences in its frame shares (default ``LEAD_WEIGHT``, 2.0).
    random_state : int
        Seed of the supervised classifiers.

    Returns
    -------
    DataFrame
        One row per setting: ``method, threshold, lead_weight`` and the
        :func:`validate_frames` summary columns (``n_docs, primary_accuracy, primary_macro_f1,
        primary_baseline, set_micro_f1, set_macro_f1, set_baseline_micro_f1``).
    """
    rows = []
    for method in methods:
        sf = score_sentences(sentences, method, random_state=random_state)
        for th in thresholds:
            for lw in lead_weights:
                docs = score_documents(sf, threshold=th, lead_weight=lw)
                summ = validate_frames(docs, labels)["summary"].iloc[0].to_dict()
                summ["n_docs"] = int(summ["n_docs"])
                rows.append({"method": method, "threshold": th, "lead_weight": lw, **summ})
    return pd.DataFrame(rows)
