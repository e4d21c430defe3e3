"""Validate stance against hand codes: agreement, known groups, held-out figures, the choice of method.

Documents without a stance-bearing sentence have no score (NaN); every figure here counts them as 0
(the codebook's "neutral or absent") and reports how many there were (``n_missing``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sinojp import stats
from sinojp.measures.actors import detect_targets
from sinojp.measures.stance.features import build_feature_table, is_us_sentence
from sinojp.measures.stance.learned import load_stance_models
from sinojp.measures.stance.lexicon import score_lexicon_sentence
from sinojp.measures.stance.scores import METHODS, label_scores, score_documents, score_sentences
from sinojp.measures.stance.supervised import fit_models, load_stance_annotations, predict_scores
from sinojp.measures.stance.vader import score_vader
from sinojp.text.normalise import normalise_unicode
from sinojp.validate.labelled import load_labelled
from sinojp.validate.train_stance import fit_relations_model


def compare_stance_methods(sentences: pd.DataFrame, methods: tuple[str, ...] = METHODS,
                    random_state: int = 0) -> pd.DataFrame:
    """Document scores of several methods stacked (a ``method`` column tells them apart).

    Each method scores the sentences (:func:`sinojp.measures.stance.score_sentences`) and the
    sentence scores are aggregated per document (:func:`sinojp.measures.stance.score_documents`).

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` (as ``prepare().sentences``).
    methods : tuple of str
        The methods to run, in this order (default all of :data:`METHODS`: ``learned``,
        ``lexicon``, ``supervised``, ``vader``).
    random_state : int
        Seed of the supervised classifier and of the bootstrap intervals.

    Returns
    -------
    DataFrame
        The document stance table (:data:`sinojp.measures.stance.DOCUMENT_COLUMNS`) of every
        method, one after the other: one row per document and method.
    """
    return pd.concat([score_documents(score_sentences(sentences, m, random_state=random_state),
                                      random_state=random_state) for m in methods], ignore_index=True)


def validate_stance(doc_scores: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Agreement of document scores with gold codes, per method and target.

    Parameters
    ----------
    doc_scores : output of :func:`compare_stance_methods` (or :func:`score_documents`).
    labels : gold table with ``doc_id, relations_tone, us_tone`` in {-1, 0, 1}.

    Returns
    -------
    DataFrame
        ``method, target, n, accuracy, macro_f1, spearman, alpha_interval,
        alpha_ordinal, alpha_nominal, n_missing`` (rounded to 3 decimals). A document without
        a score counts as 0; ``n_missing`` says how many there were.
    """
    rows = []
    for method, d in doc_scores.groupby("method", sort=False):
        m = d.merge(labels, on="doc_id", how="inner")
        for target, gold in (("relations", "relations_tone"), ("us", "us_tone")):
            y, pred = m[gold].astype(int), m[f"{target}_label"].astype(int)
            score = m[f"{target}_stance"].astype(float).fillna(0.0)
            rows.append({"method": method, "target": target, "n": len(m),
                         "accuracy": stats.accuracy(y, pred), "macro_f1": stats.macro_f1(y, pred),
                         "spearman": stats.spearman(y, score),
                         "alpha_interval": stats.krippendorff_alpha(y, pred, "interval"),
                         "alpha_ordinal": stats.krippendorff_alpha(y, pred, "ordinal"),
                         "alpha_nominal": stats.krippendorff_alpha(y, pred, "nominal"),
                         "n_missing": int(m[f"{target}_stance"].isna().sum())})
    return pd.DataFrame(rows).round(3)


def check_known_groups(doc_scores: pd.DataFrame, documents: pd.DataFrame, low: str = "crisis",
                 high: str = "thaw", n_perm: int = 10000, random_state: int = 0) -> pd.DataFrame:
    """Known-groups check: ``high``-period documents should score above ``low``-period ones.

    Compares the documents' ``relations_stance`` of the two periods with a one-sided
    Mann–Whitney U test and a one-sided permutation test of the difference in means. A document
    without a score counts as 0 (``n_missing`` of them).

    Parameters
    ----------
    doc_scores : DataFrame
        ``doc_id, relations_stance, method``, e.g. from :func:`compare_stance_methods`.
    documents : DataFrame
        ``doc_id, period`` (as coded in the corpus metadata).
    low, high : str
        The periods expected to score lower (default ``"crisis"``) and higher (``"thaw"``).
    n_perm : int
        Permutations of the permutation test (default 10,000).
    random_state : int
        Seed of the permutation test.

    Returns
    -------
    DataFrame
        Per method: ``method, n_high, n_low, mean_high, mean_low, difference,
        mann_whitney_u, mw_p, permutation_p`` (one-sided tests; rounded to 3 decimals; NaN where
        a period has no documents).
    """
    per = documents[["doc_id", "period"]]
    rows = []
    for method, d in doc_scores.groupby("method", sort=False):
        m = d.merge(per, on="doc_id")
        m = m[m["period"].isin([high, low])]
        score = m["relations_stance"].astype(float).fillna(0.0)
        hi = score[m["period"] == high].to_numpy(float)
        lo = score[m["period"] == low].to_numpy(float)
        u, p = stats.mann_whitney(hi, lo, "greater")
        rows.append({"method": method, "n_high": len(hi), "n_low": len(lo),
                     "mean_high": hi.mean() if len(hi) else np.nan,
                     "mean_low": lo.mean() if len(lo) else np.nan,
                     "difference": (hi.mean() - lo.mean()) if len(hi) and len(lo) else np.nan,
                     "mann_whitney_u": u, "mw_p": p,
                     "permutation_p": stats.permutation_pvalue(hi, lo, n_perm, "greater", random_state),
                     "n_missing": int(m["relations_stance"].isna().sum())})
    return pd.DataFrame(rows).round(3)


def summarise_methods(validation: pd.DataFrame) -> pd.DataFrame:
    """Per method, the mean over both targets of macro-F1, ordinal alpha and Spearman.

    Both targets count: a method that reads relations well but invents a US
    stance where the coders saw none is not a good default.

    Parameters
    ----------
    validation : DataFrame
        Agreement per method and target, from :func:`sinojp.validate.validate_stance`.

    Returns
    -------
    DataFrame
        One row per method, in the order of ``validation``: ``method, mean_macro_f1,
        mean_alpha_ordinal, mean_spearman`` (rounded to 3 decimals).
    """
    cols = ["macro_f1", "alpha_ordinal", "spearman"]
    out = validation.groupby("method", sort=False)[cols].mean().round(3).reset_index()
    return out.rename(columns={c: f"mean_{c}" for c in cols})


def choose_method(validation: pd.DataFrame) -> str:
    """The method with the highest mean ordinal alpha over both targets (ties: mean macro-F1, METHODS order).

    Krippendorff's alpha is the codebook's agreement measure and the codes
    are ordinal; macro-F1 on eight documents turns on a single document.

    Parameters
    ----------
    validation : DataFrame
        Agreement per method and target, from :func:`sinojp.validate.validate_stance`.

    Returns
    -------
    str
        The chosen method's name (one of :data:`METHODS`); methods whose alpha is NaN come last.
    """
    v = summarise_methods(validation)
    v["_order"] = v["method"].map({m: i for i, m in enumerate(METHODS)})
    v = v.sort_values(["mean_alpha_ordinal", "mean_macro_f1", "_order"], ascending=[False, False, True],
                      kind="mergesort", na_position="last")
    return str(v["method"].iloc[0])


def _learned_fold_codes(ann: pd.DataFrame, dim: str, train: np.ndarray, test: np.ndarray,
                        table: pd.DataFrame, random_state: int) -> np.ndarray:
    """Codes of the learned method for the ``test`` rows, its relations model fitted on ``train``."""
    from sinojp.measures.stance.features import FEATURE_NAMES

    if dim == "us":
        rule = load_stance_models().us_rule
        target = table[rule["target_mask"]].to_numpy()[test] > 0
        return label_scores(table["lex_us_score"].to_numpy()[test] * target, dead_zone=rule["dead_zone"])
    fit = table.iloc[train].assign(relations=ann["relations"].to_numpy()[train], source="annotations")
    model = fit_relations_model(fit, random_state)
    rows = table.iloc[test]
    proba = model.predict_proba(rows["text"].astype(str).tolist(), rows[FEATURE_NAMES].to_numpy(float))
    return np.asarray(model.classes)[proba.argmax(axis=1)]


def cross_validate_stance(annotations: pd.DataFrame | None = None, n_splits: int = 5,
                          random_state: int = 0) -> pd.DataFrame:
    """Grouped cross-validation (folds by document) of the trained methods on coded sentences.

    Pieces of one split file (``doc_id`` before ``#``) stay in one fold. The supervised model's
    scores are labelled with a dead zone of 0.2 and the lexicon and VADER scores with a threshold
    of 0.2 (:func:`sinojp.measures.stance.label_scores`); on the ``us`` target every method's
    labels are 0 for sentences that are not US targets. The learned method's relations model is
    refitted in every fold with its shipped configuration (features computed over the coded
    sentences of each document, in file order); its US codes are the US lexicon's on the extended
    targets (nothing is fitted).

    Parameters
    ----------
    annotations : DataFrame, optional
        Coded sentences ``doc_id, text, relations, us``; by default the shipped codes
        (:func:`sinojp.measures.stance.load_stance_annotations`).
    n_splits : int
        Number of folds (default 5; at most the number of distinct documents).
    random_state : int
        Seed of the classifiers.

    Returns
    -------
    DataFrame
        One row per target: ``target, n, accuracy, macro_f1, alpha_ordinal, majority_accuracy``
        (the supervised model), for comparison the macro-F1 of the lexicon model and of VADER on
        the same sentences (``lexicon_macro_f1``, ``vader_macro_f1``), and the learned method's
        ``learned_accuracy``, ``learned_macro_f1``; rounded to 3 decimals.
    """
    from sklearn.model_selection import GroupKFold

    ann = (load_stance_annotations() if annotations is None else annotations).reset_index(drop=True)
    groups = ann["doc_id"].astype(str).str.split("#").str[0]
    k = min(n_splits, groups.nunique())
    texts = ann["text"].tolist()
    targets = pd.DataFrame([detect_targets(t) for t in texts])
    table = build_feature_table(pd.DataFrame({"doc_id": ann["doc_id"].astype(str),
                                              "sent_id": ann.groupby("doc_id").cumcount(), "text": texts}))
    rows = []
    for dim in ("relations", "us"):
        y = ann[dim].to_numpy()
        pred = np.zeros(len(y), dtype=int)
        learned = np.zeros(len(y), dtype=int)
        for train, test in GroupKFold(n_splits=k).split(texts, y, groups):
            model = fit_models([texts[i] for i in train], y[train], random_state)
            scores = predict_scores(model, [texts[i] for i in test])
            pred[test] = label_scores(scores, threshold=0.0, dead_zone=0.2)
            learned[test] = _learned_fold_codes(ann, dim, train, test, table, random_state)
        lex = np.array([score_lexicon_sentence(t, dim)[0] for t in texts])
        vad = np.array([score_vader(t) for t in texts])
        if dim == "us":
            lex, vad = lex * targets["is_us_target"], vad * targets["is_us_target"]
            pred = pred * targets["is_us_target"].to_numpy()
        lex_lab, vad_lab = label_scores(lex, 0.2), label_scores(vad, 0.2)
        majority = pd.Series(y).mode().iloc[0]
        rows.append({"target": dim, "n": len(y),
                     "accuracy": round(stats.accuracy(y, pred), 3),
                     "macro_f1": round(stats.macro_f1(y, pred), 3),
                     "alpha_ordinal": round(stats.krippendorff_alpha(y, pred, "ordinal"), 3),
                     "majority_accuracy": round(float(np.mean(y == majority)), 3),
                     "lexicon_macro_f1": round(stats.macro_f1(y, lex_lab), 3),
                     "vader_macro_f1": round(stats.macro_f1(y, vad_lab), 3),
                     "learned_accuracy": round(stats.accuracy(y, learned), 3),
                     "learned_macro_f1": round(stats.macro_f1(y, learned), 3)})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- held-out validation

#: methods of the held-out validation: the default, the baselines, and the majority code
HELDOUT_METHODS = ("learned", "lexicon", "vader", "supervised", "majority")
_CLASSES = (-1, 0, 1)


def _macro_f1_counts(y: np.ndarray, p: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Macro-F1 over -1/0/+1 per row of weights ``w`` (a class absent from gold and prediction scores 0)."""
    f = np.zeros(w.shape[0])
    for c in _CLASSES:
        tp = w @ ((y == c) & (p == c)).astype(float)
        denom = w @ (y == c).astype(float) + w @ (p == c).astype(float)
        f += np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1.0), 0.0)
    return f / len(_CLASSES)


def _spearman_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row pair (average ranks; NaN where a row is constant)."""
    from scipy.stats import rankdata

    ra, rb = rankdata(a, axis=-1), rankdata(b, axis=-1)
    ra = ra - ra.mean(axis=-1, keepdims=True)
    rb = rb - rb.mean(axis=-1, keepdims=True)
    den = np.sqrt((ra ** 2).sum(axis=-1) * (rb ** 2).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (ra * rb).sum(axis=-1) / np.where(den > 0, den, 1.0), np.nan)


def _auc_rows(score: np.ndarray, period: np.ndarray, w: np.ndarray) -> np.ndarray:
    """P(a thaw document scores above a crisis document), ties 1/2, per row of document weights."""
    thaw, crisis = (period == "thaw").astype(float), (period == "crisis").astype(float)
    K = (score[:, None] > score[None, :]) + 0.5 * (score[:, None] == score[None, :])
    wt, wc = w * thaw, w * crisis
    den = wt.sum(axis=1) * wc.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, np.einsum("bi,ij,bj->b", wt, K, wc) / np.where(den > 0, den, 1.0), np.nan)


def _interval(reps: np.ndarray) -> tuple[float, float]:
    reps = reps[np.isfinite(reps)]
    if not len(reps):
        return np.nan, np.nan
    lo, hi = np.percentile(reps, [2.5, 97.5])
    return round(float(lo), 3), round(float(hi), 3)


def _with_ci(row: dict, name: str, point: float, reps: np.ndarray) -> None:
    row[name] = round(float(point), 3) if np.isfinite(point) else np.nan
    row[f"{name}_ci_low"], row[f"{name}_ci_high"] = _interval(reps)


def _confusion(y: np.ndarray, p: np.ndarray, **keys) -> list[dict]:
    return [dict(keys, gold=g, predicted=q, count=int(np.sum((y == g) & (p == q)))) for g in _CLASSES for q in _CLASSES]


def _document_figures(y: np.ndarray, score: np.ndarray, label: np.ndarray, period: np.ndarray | None,
                      n_boot: int, random_state: int) -> dict:
    """Spearman, macro-F1, accuracy (and AUC crisis < thaw) with document-bootstrap intervals."""
    n = len(y)
    s = np.nan_to_num(score, nan=0.0)
    row: dict = {"n": n, "n_missing": int(np.isnan(score).sum())}
    if not n:
        return row
    rng = np.random.default_rng(random_state)
    pick = rng.integers(0, n, size=(n_boot, n))
    w = np.stack([np.bincount(r, minlength=n) for r in pick]).astype(float) if n_boot else np.zeros((0, n))
    one = np.ones((1, n))
    _with_ci(row, "spearman", _spearman_rows(y[None, :].astype(float), s[None, :])[0],
             _spearman_rows(y[pick].astype(float), s[pick]) if n_boot else np.array([]))
    _with_ci(row, "macro_f1", _macro_f1_counts(y, label, one)[0], _macro_f1_counts(y, label, w))
    correct = (y == label).astype(float)
    _with_ci(row, "accuracy", correct.mean(), (w @ correct) / n if n_boot else np.array([]))
    if period is not None:
        _with_ci(row, "auc_crisis_below_thaw", _auc_rows(s, period, one)[0], _auc_rows(s, period, w))
        row["n_crisis"], row["n_thaw"] = int(np.sum(period == "crisis")), int(np.sum(period == "thaw"))
    return row


def _sentence_figures(y: np.ndarray, pred: np.ndarray, docs: np.ndarray, n_boot: int, random_state: int) -> dict:
    """Accuracy and macro-F1 with intervals from resampling documents (their sentences come along)."""
    row: dict = {"n": len(y), "n_docs": len(np.unique(docs))}
    if not len(y):
        return row
    codes, uniq = pd.factorize(pd.Series(docs))
    rng = np.random.default_rng(random_state)
    pick = rng.integers(0, len(uniq), size=(n_boot, len(uniq)))
    counts = np.stack([np.bincount(r, minlength=len(uniq)) for r in pick]).astype(float) if n_boot else \
        np.zeros((0, len(uniq)))
    w = counts[:, codes]
    correct = (y == pred).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = (w @ correct) / w.sum(axis=1)
    _with_ci(row, "accuracy", correct.mean(), reps)
    _with_ci(row, "macro_f1", _macro_f1_counts(y, pred, np.ones((1, len(y))))[0], _macro_f1_counts(y, pred, w))
    return row


def _match_key(text: str) -> str:
    """Sentence text for matching a pipeline sentence to a coded one: normalised, lower case, words only."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in normalise_unicode(str(text)).lower()).split())


def _gold_codes(gold: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The coded gold sentences' codes on the sentences of ``sentences`` whose text matches one."""
    key = gold.assign(_key=gold["text"].map(_match_key)).drop_duplicates(["doc_id", "_key"], keep=False)
    s = sentences.assign(_key=sentences["text"].map(_match_key))
    return s.merge(key[["doc_id", "_key", "relations_code", "us_code"]], on=["doc_id", "_key"], how="inner")


def _method_scores(method: str, sents: pd.DataFrame, majority: dict, random_state: int) -> tuple:
    """Sentence and document stance of one method (``majority``: the train part's most common codes)."""
    if method == "majority":
        ss = sents[["doc_id", "sent_id"]].assign(relations_label=majority["relations_sentence"],
                                                 us_label=majority["us_sentence"])
        ids = pd.unique(sents["doc_id"])
        dd = pd.DataFrame({"doc_id": ids, "relations_stance": 0.0, "relations_label": majority["relations_document"],
                           "us_stance": 0.0, "us_label": majority["us_document"], "relations_n_evidence": 0,
                           "us_n_evidence": 0})
        return ss, dd
    ss = score_sentences(sents, method, random_state=random_state)
    return ss, score_documents(ss, n_boot=0, random_state=random_state)


def validate_stance_heldout(dev_root: str | Path, sentences: pd.DataFrame | None = None, random_state: int = 0,
                            methods: tuple[str, ...] = HELDOUT_METHODS, part: str = "test",
                            n_boot: int = 1000) -> dict[str, pd.DataFrame]:
    """Held-out figures of every stance method on the test sites of the development corpus.

    The learned method never saw these sites (:func:`sinojp.validate.train_stance_models` trains on
    the train part only). Two paths: ``real`` scores the pipeline's own sentences of the raw files
    (cleaner + segmenter, as a user's corpus would be), ``gold`` the coders' body sentences.
    Sentence codes (coder A, adjudicated) are carried to the pipeline's sentences whose normalised
    text matches a coded sentence of the same document. Documents are coded with the
    adjudicated ``relations_tone`` / ``us_tone``; US-salient documents are those with a US code
    other than 0 or ``us_factor`` among their frames. A document without a score counts as 0.
    Intervals: 95% percentile bootstrap over documents (for sentence figures, the sentences of the
    resampled documents); every method sees the same resamples.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``load_labelled``).
    sentences : DataFrame, optional
        The realistic path: ``sinojp.prepare(dev_root / "raw").sentences`` (``doc_id`` is the file
        stem; pieces of a split page, ``stem#2``, are left out). Without it only the ``gold`` path
        is computed (the validation stage cannot run the pipeline itself).
    random_state : int
        Seed of the bootstrap and of the supervised baseline.
    methods : tuple of str
        Methods to evaluate (default :data:`HELDOUT_METHODS`; ``majority`` codes every document and
        sentence with the train part's most common code).
    part : {"test", "train"}
        Which part of the frozen split to evaluate (``train`` is in-sample for the learned method).
    n_boot : int
        Bootstrap resamples (default 1000).

    Returns
    -------
    dict of str to DataFrame
        ``relations_documents`` (per method and path: ``n, n_missing``, ``spearman``, ``macro_f1``,
        ``accuracy``, ``auc_crisis_below_thaw`` each with ``_ci_low`` / ``_ci_high``, ``n_crisis``,
        ``n_thaw``); ``relations_sentences`` (``n, n_docs, n_coded``, ``accuracy``, ``macro_f1`` with
        intervals); ``us_documents`` (as relations without AUC, per ``subset``: ``us_salient`` and
        ``all``); ``us_sentences`` (per ``subset``: ``all`` and ``us_target``, the sentences naming
        the US); ``confusion`` (``table, method, path, subset, gold, predicted, count``); and
        ``documents`` (every document's codes, scores and labels per method and path).
    """
    lab = load_labelled(dev_root)
    docs = lab.documents
    frames = docs["frames_adj"].fillna("") if "frames_adj" in docs else pd.Series("", index=docs.index)
    meta = pd.DataFrame({"doc_id": docs["doc_id"], "period": docs["period"], "part": docs["part"],
                         "relations_tone": docs["relations_tone_adj"], "us_tone": docs["us_tone_adj"],
                         "us_salient": (docs["us_tone_adj"].fillna(0) != 0) | frames.str.contains("us_factor")})
    ids = set(meta.loc[meta["part"] == part, "doc_id"])
    gold = lab.sentences.rename(columns={"sent_no": "sent_id", "relations_stance_adj": "relations_code",
                                         "us_stance_adj": "us_code"})
    train_codes = gold[(gold["part"] == "train") & gold["relations_code"].notna()]
    train_docs = meta[meta["part"] == "train"]
    majority = {"relations_sentence": int(train_codes["relations_code"].astype(int).mode().iloc[0]),
                "us_sentence": int(train_codes["us_code"].astype(int).mode().iloc[0]),
                "relations_document": int(train_docs["relations_tone"].astype(int).mode().iloc[0]),
                "us_document": int(train_docs["us_tone"].astype(int).mode().iloc[0])}
    gold = gold[gold["doc_id"].isin(ids)]
    coded = gold[gold["relations_code"].notna()]
    paths = {"gold": (gold[["doc_id", "sent_id", "text"]].reset_index(drop=True),
                      coded[["doc_id", "sent_id", "relations_code", "us_code"]])}
    if sentences is not None:
        real = sentences[sentences["doc_id"].isin(ids)].reset_index(drop=True)
        cols = [c for c in ("doc_id", "para_id", "sent_id", "text") if c in real]
        paths["real"] = (real[cols], _gold_codes(coded, real)[["doc_id", "sent_id", "relations_code", "us_code"]])
    tables: dict[str, list] = {k: [] for k in ("relations_documents", "relations_sentences", "us_documents",
                                               "us_sentences", "confusion", "documents")}
    for path, (sents, codes) in paths.items():
        us_text = sents.set_index(["doc_id", "sent_id"])["text"].map(is_us_sentence)
        for method in methods:
            ss, dd = _method_scores(method, sents, majority, random_state)
            m = meta[meta["doc_id"].isin(ids)].merge(dd, on="doc_id", how="left").sort_values("doc_id")
            m = m.reset_index(drop=True)
            keys = {"method": method, "path": path}
            tables["documents"].append(m.assign(**keys))
            y, lab_ = m["relations_tone"].astype(int).to_numpy(), m["relations_label"].fillna(0).astype(int).to_numpy()
            row = _document_figures(y, m["relations_stance"].to_numpy(float), lab_, m["period"].to_numpy(), n_boot,
                                    random_state)
            tables["relations_documents"].append(dict(keys, **row))
            tables["confusion"] += _confusion(y, lab_, table="relations_documents", subset="all", **keys)
            for subset, sel in (("us_salient", m["us_salient"].to_numpy(bool)), ("all", np.ones(len(m), bool))):
                yu = m.loc[sel, "us_tone"].astype(int).to_numpy()
                lu = m.loc[sel, "us_label"].fillna(0).astype(int).to_numpy()
                row = _document_figures(yu, m.loc[sel, "us_stance"].to_numpy(float), lu, None, n_boot, random_state)
                tables["us_documents"].append(dict(keys, subset=subset, **row))
                tables["confusion"] += _confusion(yu, lu, table="us_documents", subset=subset, **keys)
            sm = codes.merge(ss[["doc_id", "sent_id", "relations_label", "us_label"]], on=["doc_id", "sent_id"])
            yr, pr = sm["relations_code"].astype(int).to_numpy(), sm["relations_label"].astype(int).to_numpy()
            row = _sentence_figures(yr, pr, sm["doc_id"].to_numpy(), n_boot, random_state)
            tables["relations_sentences"].append(dict(keys, n_coded=len(coded), **row))
            tables["confusion"] += _confusion(yr, pr, table="relations_sentences", subset="all", **keys)
            target = us_text.reindex(list(zip(sm["doc_id"], sm["sent_id"]))).to_numpy(bool)
            for subset, sel in (("all", np.ones(len(sm), bool)), ("us_target", target)):
                yu = sm.loc[sel, "us_code"].astype(int).to_numpy()
                pu = sm.loc[sel, "us_label"].astype(int).to_numpy()
                row = _sentence_figures(yu, pu, sm.loc[sel, "doc_id"].to_numpy(), n_boot, random_state)
                tables["us_sentences"].append(dict(keys, subset=subset, **row))
                tables["confusion"] += _confusion(yu, pu, table="us_sentences", subset=subset, **keys)
    out = {k: pd.DataFrame(v) for k, v in tables.items() if k != "documents"}
    keep = ["method", "path", "doc_id", "period", "relations_tone", "relations_stance", "relations_label",
            "relations_n_evidence", "us_salient", "us_tone", "us_stance", "us_label", "us_n_evidence"]
    out["documents"] = pd.concat(tables["documents"], ignore_index=True)[keep]
    return out
