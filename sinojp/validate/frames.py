"""Validate frames against hand codes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.framing.codebook import list_frames
from sinojp.measures.framing.learned import fit_sentence_model
from sinojp.measures.framing.pooling import load_pooling
from sinojp.measures.framing.scores import (
    DEFAULT_METHOD,
    DEFAULT_THRESHOLD,
    LEAD_WEIGHT,
    METHODS,
    score_documents,
    score_sentences,
)
from sinojp.measures.framing.supervised import load_frame_annotations, train_classifier
from sinojp.validate.labelled import load_labelled

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

    The learned, supervised and hybrid models are scored out of sample: folds hold whole
    documents out (``GroupKFold`` on ``doc_id``), and each fold's model is fitted on the other
    folds' sentences (the learned one with its shipped settings, ``"none"`` as one more class);
    the lexicon needs no training and is scored on every sentence.

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
        One row per method (``learned``, ``lexicon``, ``supervised``, ``hybrid``): ``method, n,
        accuracy, macro_f1, alpha`` (Krippendorff's alpha, nominal, method vs hand coding); rounded
        to 3 decimals.
    """
    from sklearn.model_selection import GroupKFold

    from sinojp import stats

    ann = (load_frame_annotations() if annotations is None else annotations).reset_index(drop=True)
    sents = ann.assign(sent_id=range(len(ann)))[["doc_id", "sent_id", "text"]]
    preds = {m: [""] * len(ann) for m in METHODS}
    preds["lexicon"] = score_sentences(sents, "lexicon")["frame"].tolist()
    folds = GroupKFold(n_splits=min(n_splits, ann["doc_id"].nunique()))
    for train, test in folds.split(ann, groups=ann["doc_id"]):
        fold = ann.iloc[train]
        models = {"learned": fit_sentence_model(fold["text"].astype(str).tolist(), fold["frame"].astype(str).tolist(),
                                                random_state=random_state),
                  "supervised": train_classifier(fold, random_state),
                  "hybrid": train_classifier(fold, random_state, with_codebook=True)}
        for method, model in models.items():
            pred = score_sentences(sents.iloc[test], method, model=model)["frame"].tolist()
            for i, p in zip(test, pred):
                preds[method][i] = p
    gold = ann["frame"].tolist()
    rows = []
    for method in METHODS:
        pred = preds[method]
        rows.append({"method": method, "n": len(gold),
                     "accuracy": round(stats.accuracy(gold, pred), 3),
                     "macro_f1": round(stats.macro_f1(gold, pred), 3),
                     "alpha": round(stats.krippendorff_alpha(gold, pred, level="nominal"), 3)})
    return pd.DataFrame(rows)


def compare_frame_methods(sentences: pd.DataFrame, labels: pd.DataFrame,
                          methods: tuple[str, ...] = METHODS, thresholds: tuple[float | None, ...] = (None,),
                          lead_weights: tuple[float | None, ...] = (None,), random_state: int = 0) -> pd.DataFrame:
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
        The methods to compare (default all of :data:`METHODS`: ``learned``, ``lexicon``,
        ``supervised``, ``hybrid``).
    thresholds : tuple of float or None
        Shares a frame needs to enter a document's frame set; ``None`` (the default) is each
        method's own (0.05 from ``frame_pooling.json`` for ``learned``, ``DEFAULT_THRESHOLD`` 0.15
        for the others).
    lead_weights : tuple of float or None
        Weights of a document's lead sentences in its frame shares; ``None`` (the default) is each
        method's own (5 for ``learned``, ``LEAD_WEIGHT`` 2 for the others).
    random_state : int
        Seed of the supervised classifiers.

    Returns
    -------
    DataFrame
        One row per setting: ``method, threshold, lead_weight`` (the values used) and the
        :func:`validate_frames` summary columns (``n_docs, primary_accuracy, primary_macro_f1,
        primary_baseline, set_micro_f1, set_macro_f1, set_baseline_micro_f1``).
    """
    rows = []
    for method in methods:
        sf = score_sentences(sentences, method, random_state=random_state)
        own = (load_pooling().threshold, load_pooling().lead_weight) if method == "learned" else \
            (DEFAULT_THRESHOLD, LEAD_WEIGHT)
        for th in thresholds:
            for lw in lead_weights:
                docs = score_documents(sf, threshold=th, lead_weight=lw)
                summ = validate_frames(docs, labels)["summary"].iloc[0].to_dict()
                summ["n_docs"] = int(summ["n_docs"])
                rows.append({"method": method, "threshold": own[0] if th is None else th,
                             "lead_weight": own[1] if lw is None else lw, **summ})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- held-out validation
def _normalise(text: str) -> str:
    """Lower-case words and numbers only (quotes, punctuation and spacing ignored)."""
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower().replace("’", "'")))


def align_codes(coded: pd.DataFrame, sentences: pd.DataFrame, min_overlap: float = 0.6) -> pd.DataFrame:
    """Attach coded sentence frames to another segmentation of the same documents, by normalised text.

    A sentence takes the code of the coded sentence it equals, contains or is contained in, after
    normalising case, quotes and punctuation; else of the coded sentence sharing the largest part
    of its words, if that is at least ``min_overlap`` of the shorter one. Sentences shorter than
    15 normalised characters are left out.

    Parameters
    ----------
    coded : DataFrame
        ``doc_id, text, frame``: the coded sentences.
    sentences : DataFrame
        ``doc_id, sent_id, text``: e.g. the pipeline's sentences of the same documents.
    min_overlap : float
        Least word overlap for a match that is not containment.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, gold_frame`` for the sentences that found a code.
    """
    by_doc: dict[str, list[tuple[str, set[str], str]]] = {}
    for d, t, f in coded[["doc_id", "text", "frame"]].itertuples(index=False):
        norm = _normalise(t)
        by_doc.setdefault(str(d), []).append((norm, set(norm.split()), str(f)))
    rows = []
    for d, sid, text in sentences[["doc_id", "sent_id", "text"]].itertuples(index=False):
        norm = _normalise(text)
        if len(norm) < 15:
            continue
        words = set(norm.split())
        best, score = None, 0.0
        for cnorm, cwords, frame in by_doc.get(str(d), []):
            if norm == cnorm or norm in cnorm or cnorm in norm:
                best, score = frame, 1.0
                break
            overlap = len(words & cwords) / max(1, min(len(words), len(cwords)))
            if overlap > score:
                best, score = frame, overlap
        if best is not None and score >= min_overlap:
            rows.append({"doc_id": d, "sent_id": sid, "gold_frame": best})
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "gold_frame"])


def _bootstrap(statistic, groups: np.ndarray, n_boot: int, random_state: int) -> tuple[float, float]:
    """95% percentile interval of ``statistic(rows)`` over resampled groups (documents)."""
    if not len(groups) or n_boot <= 0:
        return float("nan"), float("nan")
    codes = pd.factorize(pd.Series(groups))[0]
    members = [np.flatnonzero(codes == k) for k in range(codes.max() + 1)]
    rng = np.random.default_rng(random_state)
    reps = [statistic(np.concatenate([members[k] for k in rng.integers(0, len(members), len(members))]))
            for _ in range(n_boot)]
    low, high = np.percentile(reps, [2.5, 97.5])
    return float(low), float(high)


def _set_f1(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """Micro and macro F1 of frame sets given as indicator matrices (macro over frames in gold or prediction)."""
    tp = (gold & pred).sum(axis=0)
    fp = (~gold & pred).sum(axis=0)
    fn = (gold & ~pred).sum(axis=0)
    denom = 2 * tp + fp + fn
    micro = 2 * tp.sum() / denom.sum() if denom.sum() else 0.0
    present = denom > 0
    macro = float(np.mean(2 * tp[present] / denom[present])) if present.any() else 0.0
    return float(micro), macro


def _macro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    """Macro F1 over the codebook frames present in gold or prediction."""
    scores = []
    for f in list_frames():
        tp = np.sum((gold == f) & (pred == f))
        denom = 2 * tp + np.sum((gold != f) & (pred == f)) + np.sum((gold == f) & (pred != f))
        if denom:
            scores.append(2 * tp / denom)
    return float(np.mean(scores)) if scores else 0.0


def _confusion(gold: list[str], pred: list[str]) -> pd.DataFrame:
    """Counts, rows gold and columns predicted, over the codebook frames (``none`` added when predicted)."""
    labels = list(list_frames())
    cols = labels + (["none"] if any(p not in labels for p in pred) else [])
    table = pd.DataFrame(0, index=pd.Index(labels, name="gold"), columns=pd.Index(cols, name="pred"))
    for g, p in zip(gold, pred):
        if g in labels:
            table.loc[g, p if p in labels else "none"] += 1
    return table


def _indicators(sets: list[set[str]]) -> np.ndarray:
    return np.array([[f in s for f in list_frames()] for s in sets], dtype=bool).reshape(len(sets), -1)


def _measure(path: str, measure: str, method: str, value: float, n: int, n_docs: int,
             ci: tuple[float, float]) -> dict:
    return {"path": path, "measure": measure, "method": method, "value": round(value, 3), "n": n, "n_docs": n_docs,
            "ci_low": round(ci[0], 3), "ci_high": round(ci[1], 3)}


def _sentence_rows(path: str, method: str, gold: pd.DataFrame, pred: list[str], n_boot: int,
                   random_state: int) -> list[dict]:
    """Sentence-frame accuracy and macro-F1, intervals resampling documents."""
    g, p = gold["gold_frame"].to_numpy(dtype=object), np.asarray(pred, dtype=object)
    ok = (g == p).astype(float)
    groups = gold["doc_id"].to_numpy()
    n, n_docs = len(g), int(pd.Series(groups).nunique())
    return [
        _measure(path, "sentence_accuracy", method, float(ok.mean()) if n else float("nan"), n, n_docs,
                 _bootstrap(lambda i: ok[i].mean(), groups, n_boot, random_state)),
        _measure(path, "sentence_macro_f1", method, _macro_f1(g, p), n, n_docs,
                 _bootstrap(lambda i: _macro_f1(g[i], p[i]), groups, n_boot, random_state)),
    ]


def _document_rows(path: str, method: str, gold: pd.DataFrame, pred: pd.DataFrame, n_boot: int,
                   random_state: int) -> list[dict]:
    """Primary-frame accuracy and frame-set micro/macro F1, intervals resampling documents."""
    m = gold.merge(pred, on="doc_id", how="left").fillna({"primary_frame": "none", "frames": ""})
    ok = (m["gold_primary"] == m["primary_frame"]).to_numpy(dtype=float)
    gsets = _indicators([set(filter(None, str(v).split("|"))) for v in m["gold_frames"]])
    psets = _indicators([set(filter(None, str(v).split("|"))) for v in m["frames"]])
    docs = m["doc_id"].to_numpy()
    n = len(m)
    micro, macro = _set_f1(gsets, psets)
    return [
        _measure(path, "primary_accuracy", method, float(ok.mean()) if n else float("nan"), n, n,
                 _bootstrap(lambda i: ok[i].mean(), docs, n_boot, random_state)),
        _measure(path, "set_micro_f1", method, micro, n, n,
                 _bootstrap(lambda i: _set_f1(gsets[i], psets[i])[0], docs, n_boot, random_state)),
        _measure(path, "set_macro_f1", method, macro, n, n,
                 _bootstrap(lambda i: _set_f1(gsets[i], psets[i])[1], docs, n_boot, random_state)),
    ]


def _per_frame(path: str, method: str, gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    m = gold.merge(pred, on="doc_id", how="left").fillna({"frames": ""})
    g = _indicators([set(filter(None, str(v).split("|"))) for v in m["gold_frames"]])
    p = _indicators([set(filter(None, str(v).split("|"))) for v in m["frames"]])
    tp, fp, fn = (g & p).sum(axis=0), (~g & p).sum(axis=0), (g & ~p).sum(axis=0)
    precision = np.divide(tp, tp + fp, out=np.zeros(len(tp)), where=(tp + fp) > 0)
    recall = np.divide(tp, tp + fn, out=np.zeros(len(tp)), where=(tp + fn) > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(len(tp)), where=(precision + recall) > 0)
    return pd.DataFrame({"path": path, "method": method, "frame": list(list_frames()), "support": tp + fn,
                         "predicted": tp + fp, "precision": precision.round(3), "recall": recall.round(3),
                         "f1": f1.round(3)})


def load_heldout_gold(dev_root: str | Path, part: str = "test") -> dict[str, object]:
    """The gold codes of one part of the development corpus, and the train part's majority codes.

    Gold is coder A with the adjudicated code where A and B disagree (the ``_adj`` columns of
    :func:`sinojp.validate.load_labelled`); an adjudicated primary frame joins A's frame set.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus.
    part : {"test", "train"}
        The part to return.

    Returns
    -------
    dict
        ``"body"``: the part's gold body sentences ``doc_id, sent_id, text``; ``"sentences"``: its
        coded ones ``doc_id, sent_id, text, gold_frame``; ``"documents"``: ``doc_id, gold_primary,
        gold_frames``; ``"majority_sentence"``, ``"majority_primary"``: the train part's most
        frequent codes (ties: alphabetical).
    """
    labelled = load_labelled(dev_root)
    sents, docs = labelled.sentences, labelled.documents
    frames = set(list_frames())
    coded = sents[sents["frame_a"].notna() & sents["frame_adj"].isin(frames)]
    train_docs = docs[docs["part"] == "train"]
    ids = sorted(docs.loc[docs["part"] == part, "doc_id"])
    body = (sents[sents["doc_id"].isin(ids)].rename(columns={"sent_no": "sent_id"})
            .sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True))
    gold_sents = body[body["frame_a"].notna() & body["frame_adj"].isin(frames)]
    documents = docs[docs["doc_id"].isin(ids)].sort_values("doc_id", kind="mergesort")
    gold_frames = ["|".join(dict.fromkeys([p] + [f for f in str(fs).split("|") if f in frames]))
                   for p, fs in zip(documents["primary_frame_adj"], documents["frames_a"])]
    return {
        "body": body[["doc_id", "sent_id", "text"]],
        "sentences": gold_sents.assign(gold_frame=gold_sents["frame_adj"])[["doc_id", "sent_id", "text", "gold_frame"]]
        .reset_index(drop=True),
        "documents": pd.DataFrame({"doc_id": documents["doc_id"].to_numpy(),
                                   "gold_primary": documents["primary_frame_adj"].to_numpy(),
                                   "gold_frames": gold_frames}),
        "majority_sentence": str(coded.loc[coded["part"] == "train", "frame_adj"].value_counts().sort_index().idxmax()),
        "majority_primary": str(train_docs["primary_frame_adj"].value_counts().sort_index().idxmax()),
    }


def validate_frames_heldout(dev_root: str | Path, pipeline_sentences: pd.DataFrame | None = None, *,
                            part: str = "test", methods: tuple[str, ...] = (DEFAULT_METHOD, "lexicon"),
                            n_boot: int = 2000, random_state: int = 0) -> dict[str, pd.DataFrame]:
    """Frame agreement with the hand codes on the held-out (test) part of the development corpus.

    Two paths: the coders' gold body sentences (framing alone), and the realistic path, the
    sentences of the package's own cleaner and splitter. The realistic path needs the pipeline's
    sentences, which this stage cannot compute itself (the pipeline sits above it): pass
    ``sinojp.prepare(dev_root / "raw").sentences`` (``doc_id`` = file stem). Coded sentences are
    attached to pipeline sentences by normalised text (:func:`align_codes`). Each method frames
    every sentence of the part's documents and pools them with its own document rule
    (:func:`sinojp.measures.framing.score_documents`); ``majority`` predicts the train part's most
    frequent code for every unit. Intervals are 95% percentile bootstrap intervals over resampled
    documents (sentence figures resample whole documents).

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``../shared/corpora/dev``).
    pipeline_sentences : DataFrame, optional
        ``doc_id, sent_id, text`` of ``sinojp.prepare(dev_root / "raw")``; without it only the gold
        path is computed.
    part : {"test", "train"}
        The part to evaluate (``"test"``: the held-out figures; ``"train"`` is in-sample).
    methods : tuple of str
        Framing methods to evaluate (default: the default method and the lexicon baseline).
    n_boot : int
        Bootstrap resamples.
    random_state : int
        Seed of the bootstrap and of the classifier methods.

    Returns
    -------
    dict of DataFrame
        ``"summary"``: ``path`` (``gold`` / ``pipeline``), ``measure`` (``sentence_accuracy``,
        ``sentence_macro_f1``, ``primary_accuracy``, ``set_micro_f1``, ``set_macro_f1``),
        ``method`` (the methods and ``majority``), ``value, n`` (sentences or documents),
        ``n_docs, ci_low, ci_high``; ``"per_frame"``: frame-set ``support, predicted, precision,
        recall, f1`` per path, method and frame; ``"documents"`` and ``"sentences"``: every
        prediction next to its gold code (identifiers and codes only, no text); ``"about"``:
        ``key, value`` rows (part, gold, majority codes, bootstrap, sentences aligned);
        ``"confusion_sentence_<path>_<method>"`` and ``"confusion_primary_<path>_<method>"``:
        counts, rows gold and columns predicted over the codebook frames.
    """
    gold = load_heldout_gold(dev_root, part)
    ids = set(gold["documents"]["doc_id"])
    paths = {"gold": gold["body"]}
    if pipeline_sentences is not None:
        paths["pipeline"] = (pipeline_sentences[pipeline_sentences["doc_id"].isin(ids)][["doc_id", "sent_id", "text"]]
                             .reset_index(drop=True))
    summary, per_frame, doc_rows, sent_rows = [], [], [], []
    tables: dict[str, pd.DataFrame] = {}
    about = [("part", part), ("gold", "coder A, adjudicated where A and B disagreed"),
             ("documents", len(ids)), ("majority_sentence", gold["majority_sentence"]),
             ("majority_primary", gold["majority_primary"]), ("n_boot", n_boot), ("random_state", random_state),
             ("coded_sentences", len(gold["sentences"]))]
    for path, sents in paths.items():
        if path == "gold":
            coded = gold["sentences"][["doc_id", "sent_id", "gold_frame"]]
        else:
            coded = align_codes(gold["sentences"].rename(columns={"gold_frame": "frame"}), sents)
            about.append(("pipeline_sentences_with_a_code", len(coded)))
        coded = coded.sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)
        predictions: dict[str, tuple[list[str], pd.DataFrame]] = {}
        for method in methods:
            sf = score_sentences(sents, method, random_state=random_state)
            frame_of = dict(zip(zip(sf["doc_id"], sf["sent_id"]), sf["frame"]))
            predictions[method] = ([frame_of.get(k, "none") for k in zip(coded["doc_id"], coded["sent_id"])],
                                   score_documents(sf)[["doc_id", "primary_frame", "frames"]])
        majority_docs = gold["documents"][["doc_id"]].assign(primary_frame=gold["majority_primary"],
                                                             frames=gold["majority_primary"])
        predictions["majority"] = ([gold["majority_sentence"]] * len(coded), majority_docs)
        for method, (sentence_pred, doc_pred) in predictions.items():
            summary += _sentence_rows(path, method, coded, sentence_pred, n_boot, random_state)
            summary += _document_rows(path, method, gold["documents"], doc_pred, n_boot, random_state)
            per_frame.append(_per_frame(path, method, gold["documents"], doc_pred))
            merged = gold["documents"].merge(doc_pred, on="doc_id", how="left").fillna(
                {"primary_frame": "none", "frames": ""})
            doc_rows.append(merged.assign(path=path, method=method))
            sent_rows.append(coded.assign(path=path, method=method, frame=sentence_pred))
            if method != "majority":
                tables[f"confusion_sentence_{path}_{method}"] = _confusion(coded["gold_frame"].tolist(), sentence_pred)
                tables[f"confusion_primary_{path}_{method}"] = _confusion(merged["gold_primary"].tolist(),
                                                                          merged["primary_frame"].tolist())
    out = {
        "summary": pd.DataFrame(summary),
        "per_frame": pd.concat(per_frame, ignore_index=True),
        "documents": pd.concat(doc_rows, ignore_index=True)[["path", "method", "doc_id", "gold_primary", "gold_frames",
                                                             "primary_frame", "frames"]],
        "sentences": pd.concat(sent_rows, ignore_index=True)[["path", "method", "doc_id", "sent_id", "gold_frame",
                                                              "frame"]],
        "about": pd.DataFrame(about, columns=["key", "value"]).astype({"value": str}),
    }
    out.update(tables)
    return out
