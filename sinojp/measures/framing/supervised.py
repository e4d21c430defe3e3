"""The supervised frame classifier trained on hand-coded sentences."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.framing.codebook import list_codebook_examples, list_frames

#: the shipped hand codes (``data/annotations/`` in a checkout, package data when installed)
ANNOTATIONS = Path(str(resources.files("sinojp.annotations").joinpath("frame_sentences.csv")))


def load_frame_annotations(path: str | Path | None = None) -> pd.DataFrame:
    """Hand-coded frame sentences (``doc_id, text, frame, coder, note``).

    Parameters
    ----------
    path : str or Path, optional
        A CSV with these columns; by default the shipped codes (:data:`ANNOTATIONS`,
        ``frame_sentences.csv``).

    Returns
    -------
    DataFrame
        One row per coded sentence, every column as a string: ``frame`` is a codebook frame
        (:func:`sinojp.measures.framing.list_frames`) or ``"none"``.

    Raises
    ------
    FileNotFoundError
        When there is no file at ``path``.
    ValueError
        When the file codes a frame the codebook does not have.
    """
    path = Path(path) if path is not None else ANNOTATIONS
    if not path.exists():
        raise FileNotFoundError(
            f"no frame annotations at {path}; pass `training=` a table with text and frame columns")
    ann = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = set(ann["frame"]) - set(list_frames()) - {"none"}
    if bad:
        raise ValueError(f"annotations use unknown frames {sorted(bad)}")
    return ann


def train_classifier(training: pd.DataFrame | None = None, random_state: int = 0,
                     with_codebook: bool = False, codebook: str | None = None):
    """Fit the supervised frame classifier.

    Parameters
    ----------
    training : DataFrame, optional
        ``text, frame`` (frame in the seven frames or ``"none"``); defaults to
        :func:`load_frame_annotations`.
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

    training = load_frame_annotations() if training is None else training
    training = training[["text", "frame"]]
    if with_codebook:
        training = pd.concat([training, list_codebook_examples(codebook)], ignore_index=True)
    model = make_pipeline(
        TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                        token_pattern=r"(?u)\b[A-Za-z][A-Za-z-]+\b", stop_words="english"),
        LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000,
                           random_state=random_state),
    )
    model.fit(training["text"].astype(str), training["frame"].astype(str))
    return model


def score_supervised(sentences: pd.DataFrame, model, n_evidence: int = 4) -> pd.DataFrame:
    texts = sentences["text"].astype(str)
    classes = list(model.classes_)
    proba = model.predict_proba(texts)
    full = np.zeros((len(sentences), len(list_frames())))
    for j, f in enumerate(list_frames()):
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
    out = pd.DataFrame(np.round(full, 3), columns=[f"score_{f}" for f in list_frames()])
    out.insert(0, "frame", pred)
    out["evidence"] = evidence
    return out
