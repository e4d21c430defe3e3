"""Validate stance against hand codes: agreement, known groups, the choice of method."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sinojp import stats
from sinojp.measures.actors import detect_targets
from sinojp.measures.stance.lexicon import score_lexicon_sentence
from sinojp.measures.stance.scores import METHODS, label_scores, score_documents, score_sentences
from sinojp.measures.stance.supervised import fit_models, load_stance_annotations, predict_scores
from sinojp.measures.stance.vader import score_vader


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
        The methods to run, in this order (default all of :data:`METHODS`: ``lexicon``,
        ``supervised``, ``vader``).
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
        alpha_ordinal, alpha_nominal`` (rounded to 3 decimals).
    """
    rows = []
    for method, d in doc_scores.groupby("method", sort=False):
        m = d.merge(labels, on="doc_id", how="inner")
        for target, gold in (("relations", "relations_tone"), ("us", "us_tone")):
            y, pred, score = m[gold].astype(int), m[f"{target}_label"].astype(int), m[f"{target}_stance"]
            rows.append({"method": method, "target": target, "n": len(m),
                         "accuracy": stats.accuracy(y, pred), "macro_f1": stats.macro_f1(y, pred),
                         "spearman": stats.spearman(y, score),
                         "alpha_interval": stats.krippendorff_alpha(y, pred, "interval"),
                         "alpha_ordinal": stats.krippendorff_alpha(y, pred, "ordinal"),
                         "alpha_nominal": stats.krippendorff_alpha(y, pred, "nominal")})
    return pd.DataFrame(rows).round(3)


def check_known_groups(doc_scores: pd.DataFrame, documents: pd.DataFrame, low: str = "crisis",
                 high: str = "thaw", n_perm: int = 10000, random_state: int = 0) -> pd.DataFrame:
    """Known-groups check: ``high``-period documents should score above ``low``-period ones.

    Compares the documents' ``relations_stance`` of the two periods with a one-sided
    Mann–Whitney U test and a one-sided permutation test of the difference in means.

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
        hi = m.loc[m["period"] == high, "relations_stance"].to_numpy(float)
        lo = m.loc[m["period"] == low, "relations_stance"].to_numpy(float)
        u, p = stats.mann_whitney(hi, lo, "greater")
        rows.append({"method": method, "n_high": len(hi), "n_low": len(lo),
                     "mean_high": hi.mean() if len(hi) else np.nan,
                     "mean_low": lo.mean() if len(lo) else np.nan,
                     "difference": (hi.mean() - lo.mean()) if len(hi) and len(lo) else np.nan,
                     "mann_whitney_u": u, "mw_p": p,
                     "permutation_p": stats.permutation_pvalue(hi, lo, n_perm, "greater", random_state)})
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


def cross_validate_stance(annotations: pd.DataFrame | None = None, n_splits: int = 5,
                              random_state: int = 0) -> pd.DataFrame:
    """Grouped cross-validation (folds by document) of the supervised model on the coded sentences.

    Pieces of one split file (``doc_id`` before ``#``) stay in one fold. Predicted scores are
    labelled with a dead zone of 0.2 and the lexicon and VADER scores with a threshold of 0.2
    (:func:`sinojp.measures.stance.label_scores`); on the ``us`` target every method's labels are
    0 for sentences that are not US targets.

    Parameters
    ----------
    annotations : DataFrame, optional
        Coded sentences ``doc_id, text, relations, us``; by default the shipped codes
        (:func:`sinojp.measures.stance.load_stance_annotations`).
    n_splits : int
        Number of folds (default 5; at most the number of distinct documents).
    random_state : int
        Seed of the classifier.

    Returns
    -------
    DataFrame
        One row per target: ``target, n, accuracy, macro_f1, alpha_ordinal, majority_accuracy``,
        and for comparison the macro-F1 of the lexicon model and of VADER on the same sentences
        (``lexicon_macro_f1``, ``vader_macro_f1``); rounded to 3 decimals.
    """
    from sklearn.model_selection import GroupKFold

    ann = load_stance_annotations() if annotations is None else annotations
    groups = ann["doc_id"].str.split("#").str[0]
    k = min(n_splits, groups.nunique())
    texts = ann["text"].tolist()
    targets = pd.DataFrame([detect_targets(t) for t in texts])
    rows = []
    for dim in ("relations", "us"):
        y = ann[dim].to_numpy()
        pred = np.zeros(len(y), dtype=int)
        for train, test in GroupKFold(n_splits=k).split(texts, y, groups):
            model = fit_models([texts[i] for i in train], y[train], random_state)
            scores = predict_scores(model, [texts[i] for i in test])
            pred[test] = label_scores(scores, threshold=0.0, dead_zone=0.2)
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
                     "vader_macro_f1": round(stats.macro_f1(y, vad_lab), 3)})
    return pd.DataFrame(rows)
