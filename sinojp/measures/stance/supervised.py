"""The supervised stance classifier trained on hand-coded sentences."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

#: the shipped hand codes (``data/annotations/`` in a checkout, package data when installed)
ANNOTATIONS = Path(str(resources.files("sinojp.annotations").joinpath("stance_sentences.csv")))


def load_stance_annotations(path: str | Path | None = None) -> pd.DataFrame:
    """Hand-coded sentences: ``doc_id, text, relations, us, coder, note``.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with these columns; by default the shipped codes (:data:`ANNOTATIONS`,
        ``stance_sentences.csv``).

    Returns
    -------
    DataFrame
        One row per coded sentence: ``doc_id`` (str), ``text``, the codes ``relations`` and
        ``us`` (int, -1/0/+1), the ``coder`` and a ``note`` on the decision.
    """
    ann = pd.read_csv(path or ANNOTATIONS, dtype={"doc_id": str}, keep_default_na=False)
    for col in ("relations", "us"):
        ann[col] = ann[col].astype(int)
    return ann


def build_classifier(random_state: int = 0):
    """The supervised pipeline: TF-IDF (1–2-grams, sublinear tf) + balanced logistic regression.

    English stop words are dropped and an n-gram must occur in two coded
    sentences: in grouped cross-validation on the seed sentences this beat
    keeping every n-gram on both targets (the dev sample played no part).

    Parameters
    ----------
    random_state : int
        Seed of the logistic regression (default 0).

    Returns
    -------
    sklearn.pipeline.Pipeline
        An unfitted ``TfidfVectorizer`` + ``LogisticRegression`` (``C=2``, balanced class
        weights) pipeline; fit it on sentence texts and their -1/0/+1 codes.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, stop_words="english", lowercase=True),
        LogisticRegression(C=2.0, class_weight="balanced", max_iter=2000, random_state=random_state))


def predict_scores(model, texts: list[str]) -> np.ndarray:
    proba = model.predict_proba(texts)
    classes = list(model.classes_)
    pos = proba[:, classes.index(1)] if 1 in classes else 0.0
    neg = proba[:, classes.index(-1)] if -1 in classes else 0.0
    return np.round(pos - neg, 3)


def explain_supervised(model, texts: list[str], n: int = 4) -> list[str]:
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


def fit_models(texts: list[str], y: np.ndarray, random_state: int):
    """Fit the classifier with BLAS limited to one thread for the duration of the call.

    Multi-threaded BLAS on a small, busy machine made the solver hundreds of
    times slower; ``threadpool_limits`` is scoped, so no global state changes.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return build_classifier(random_state).fit(texts, y)


@lru_cache(maxsize=4)
def trained_models(path: str, random_state: int) -> dict:
    ann = load_stance_annotations(path)
    return {dim: fit_models(ann["text"].tolist(), ann[dim].to_numpy(), random_state) for dim in ("relations", "us")}
