"""The learned sentence frame model: a multinomial logistic regression over word n-grams, codebook
weights and target cues, shipped as JSON (``resources/models/frame_sentence.json``).

The model is a :class:`sinojp.measures.linear.LinearModel` (``sinojp-linear-1``) whose dense
columns are :func:`sinojp.measures.framing.features.compute_dense_features`. It was chosen by
site-grouped cross-validation on the train part of the development corpus and evaluated once on
its held-out test part (``sinojp.validate.frames.validate_frames_heldout``); it is retrained by
``sinojp.validate.train_frames.train_frame_models``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sinojp.measures.framing.batch import TextBatch
from sinojp.measures.framing.codebook import list_frames, match_frames_batch
from sinojp.measures.framing.features import (
    compute_dense_features,
    dense_features,
    find_relevant,
    list_feature_names,
    score_lexicon,
)
from sinojp.measures.linear import TOKEN_PATTERN as LINEAR_TOKEN_PATTERN
from sinojp.measures.linear import LinearModel

#: the shipped model, inside the ``sinojp.resources`` package
MODEL_RESOURCE = "models/frame_sentence.json"

#: words: a letter, then letters, digits, apostrophes or hyphens ("Japan's", "rare-earth")
TOKEN_PATTERN = r"(?u)\b[A-Za-z][A-Za-z0-9'-]*\b"

#: the fitting settings chosen by site-grouped CV (research/frames/REPORT.md)
SENTENCE_SETTINGS: dict = {"C": 4.0, "extra_scale": 0.5, "ngram_range": (1, 2), "min_df": 1,
                           "class_weight": "balanced"}

#: a class the model may have besides the frames (sentences without a frame, in the seed codes)
NO_FRAME = "none"


@lru_cache(maxsize=1)
def load_sentence_model() -> LinearModel:
    """The shipped learned sentence model (read once, then cached; do not modify it).

    Returns
    -------
    LinearModel
        Read with :mod:`importlib.resources` from ``sinojp/resources/models/frame_sentence.json``.

    Raises
    ------
    ValueError
        When its dense features or classes do not fit the codebook (:func:`check_sentence_model`).
    """
    text = resources.files("sinojp.resources").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    model = LinearModel.from_json(json.loads(text))
    check_sentence_model(model)
    return model


def check_sentence_model(model: LinearModel, codebook: str | None = None) -> None:
    """Check that a model fits the codebook: its dense columns and its classes.

    Parameters
    ----------
    model : LinearModel
        A frame model.
    codebook : str, optional
        The codebook CSV its features are computed with.

    Raises
    ------
    ValueError
        When the model's ``extra_features`` differ from :func:`list_feature_names` or it has a
        class that is neither a frame nor ``"none"``, or a hybrid fallback (not supported here).
    """
    names = list_feature_names(codebook)
    if list(model.extra_features) != names:
        raise ValueError("the frame model's dense features differ from features.list_feature_names(); "
                         "retrain it (sinojp.validate.train_frames.train_frame_models)")
    unknown = set(model.classes) - set(list_frames(codebook)) - {NO_FRAME}
    if unknown:
        raise ValueError(f"the frame model has classes outside the codebook: {sorted(unknown)}")
    if float(model.hybrid.get("tau", 0.0) or 0.0) > 0:
        raise ValueError("hybrid frame models (a lexicon fallback) are not supported by the learned method")


def fit_sentence_model(texts: list[str], frames: list[str], *, C: float = SENTENCE_SETTINGS["C"],
                       extra_scale: float = SENTENCE_SETTINGS["extra_scale"],
                       ngram_range: tuple[int, int] = SENTENCE_SETTINGS["ngram_range"],
                       min_df: int = SENTENCE_SETTINGS["min_df"],
                       class_weight: str | None = SENTENCE_SETTINGS["class_weight"], codebook: str | None = None,
                       training: dict | None = None, random_state: int = 0, return_sklearn: bool = False):
    """Fit the learned sentence model with scikit-learn and return it as a :class:`LinearModel`.

    TF-IDF word n-grams (sublinear tf, smoothed idf, l2 norm, :data:`TOKEN_PATTERN`) and the dense
    features (:func:`compute_dense_features`, multiplied by ``extra_scale`` while fitting) feed a
    multinomial logistic regression (newton-cg, tol 1e-6). The scale is folded back into the
    stored coefficients, so the JSON has ``extra_scale`` 1 and needs no scaler.

    Parameters
    ----------
    texts : list of str
        Training sentences.
    frames : list of str
        Their frames (codebook frames; ``"none"`` allowed as one more class).
    C : float
        Inverse L2 penalty.
    extra_scale : float
        Weight of the dense block against the n-grams during fitting.
    ngram_range : tuple of int
        Word n-gram lengths.
    min_df : int
        Minimum document frequency of an n-gram.
    class_weight : {"balanced", None}
        Class weighting of the logistic regression.
    codebook : str, optional
        Alternative codebook CSV for the dense features.
    training : dict, optional
        Provenance stored in the model's ``training`` field (``n``, ``C``, ... are added).
    random_state : int
        Passed to the logistic regression (newton-cg itself is deterministic).
    return_sklearn : bool
        Also return the design matrix and the fitted ``LogisticRegression`` (for checks).

    Returns
    -------
    LinearModel, or (LinearModel, csr_matrix, LogisticRegression) when ``return_sklearn``
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    texts = [str(t) for t in texts]
    vec = TfidfVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=tuple(ngram_range),
                          min_df=min_df, use_idf=True, smooth_idf=True, sublinear_tf=True, norm="l2")
    words = vec.fit_transform(texts)
    dense = compute_dense_features(texts, codebook=codebook)
    X = sp.hstack([words, sp.csr_matrix(dense * extra_scale)], format="csr")
    clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=5000, tol=1e-6, solver="newton-cg",
                             random_state=random_state)
    with threadpool_limits(limits=1):
        clf.fit(X, [str(f) for f in frames])
    coef = clf.coef_.copy()
    coef[:, words.shape[1]:] *= extra_scale
    vocabulary = [""] * words.shape[1]
    for term, j in vec.vocabulary_.items():
        vocabulary[j] = term
    provenance = dict(training or {})
    provenance.update(n=len(texts), C=C, min_df=min_df, fit_extra_scale=extra_scale, class_weight=class_weight)
    model = LinearModel(target="frame", classes=[str(c) for c in clf.classes_], vocabulary=vocabulary,
                        idf=vec.idf_.tolist(), coef=coef.tolist(), intercept=clf.intercept_.tolist(),
                        extra_features=list_feature_names(codebook), extra_scale=1.0,
                        ngram_range=tuple(ngram_range), token_pattern=TOKEN_PATTERN, sublinear_tf=True,
                        norm="l2", training=provenance)
    return (model, X, clf) if return_sklearn else model


# ---------------------------------------------------------------- the design matrix of a batch
#: token patterns that :meth:`TextBatch.tokens` finds exactly (no white space, word boundaries only)
_BATCH_TOKEN_PATTERNS = (TOKEN_PATTERN, LINEAR_TOKEN_PATTERN)


@dataclass(frozen=True)
class _NgramIndex:
    """A vocabulary of unigrams and bigrams by word numbers.

    Attributes
    ----------
    words : dict
        Every word of the vocabulary's n-grams -> its number.
    unigram : ndarray of int
        Per word number, the column of the word as a unigram (-1: none).
    pair_keys, pair_columns : ndarray of int
        ``first * len(words) + second`` of every bigram, sorted, and its column.
    """

    words: dict[str, int]
    unigram: np.ndarray
    pair_keys: np.ndarray
    pair_columns: np.ndarray


@lru_cache(maxsize=4)
def _ngram_index(vocabulary: tuple[str, ...]) -> _NgramIndex:
    """The :class:`_NgramIndex` of a vocabulary (the last column of a repeated term counts, as in
    :func:`sinojp.measures.linear.ngram_matrix`)."""
    words: dict[str, int] = {}
    unigrams: dict[int, int] = {}
    pairs: dict[int, int] = {}
    grams = [(term.split(" "), column) for term, column in {t: i for i, t in enumerate(vocabulary)}.items()]
    for parts, _column in grams:
        for part in parts:
            words.setdefault(part, len(words))
    for parts, column in grams:
        ids = [words[p] for p in parts]
        if len(ids) == 1:
            unigrams[ids[0]] = column
        elif len(ids) == 2:
            pairs[ids[0] * len(words) + ids[1]] = column
    unigram = np.full(len(words), -1, dtype=np.int64)
    unigram[list(unigrams)] = list(unigrams.values())
    keys = np.array(sorted(pairs), dtype=np.int64)
    return _NgramIndex(words, unigram, keys, np.array([pairs[k] for k in keys.tolist()], dtype=np.int64))


def _ngram_counts(model: LinearModel, batch: TextBatch) -> sp.csr_matrix | None:
    """The n-gram counts that ``CountVectorizer(vocabulary=model.vocabulary, ...)`` gives the texts
    (int64 counts, sorted int32 indices), or None when the model's n-grams are not unigrams and
    bigrams of a token pattern a batch can find."""
    low, high = model.ngram_range
    if model.token_pattern not in _BATCH_TOKEN_PATTERNS or not 1 <= low <= high <= 2 or not model.vocabulary:
        return None
    index = _ngram_index(tuple(model.vocabulary))
    tokens = batch.tokens(model.token_pattern, lower=True)
    word = np.array([index.words.get(t, -1) for t in tokens.types], dtype=np.int64)[tokens.codes]
    rows, cols = [], []
    if low == 1:
        col = np.where(word >= 0, index.unigram[np.maximum(word, 0)], -1)
        rows.append(tokens.rows[col >= 0])
        cols.append(col[col >= 0])
    if high == 2:
        pair = (tokens.rows[:-1] == tokens.rows[1:]) & (word[:-1] >= 0) & (word[1:] >= 0)
        key = word[:-1][pair] * len(index.words) + word[1:][pair]
        at = np.minimum(np.searchsorted(index.pair_keys, key), max(len(index.pair_keys) - 1, 0))
        known = index.pair_keys[at] == key if len(index.pair_keys) else np.zeros(len(key), dtype=bool)
        rows.append(tokens.rows[:-1][pair][known])
        cols.append(index.pair_columns[at][known] if len(index.pair_keys) else np.zeros(0, dtype=np.int64))
    n_cols = len(model.vocabulary)
    cells, counts = np.unique(np.concatenate(rows) * n_cols + np.concatenate(cols), return_counts=True)
    indptr = np.searchsorted(cells // n_cols, np.arange(len(batch) + 1))
    return sp.csr_matrix((counts.astype(np.int64), (cells % n_cols).astype(np.int32), indptr.astype(np.int32)),
                         shape=(len(batch), n_cols))


def _tfidf(counts: sp.csr_matrix, model: LinearModel) -> sp.csr_matrix:
    """:func:`sinojp.measures.linear.ngram_matrix` from its n-gram counts on: the same operations."""
    X = counts.astype(float).tocsr()
    if model.sublinear_tf:
        X.data = np.log(X.data) + 1.0
    if model.idf is not None:
        X = X @ sp.diags(np.asarray(np.asarray(model.idf), dtype=float))
        X = sp.csr_matrix(X)
    if model.norm == "l2":
        nrm = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    elif model.norm == "l1":
        nrm = np.asarray(abs(X).sum(axis=1)).ravel()
    else:
        return X
    nrm[nrm == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / nrm) @ X)


def _design(model: LinearModel, batch: TextBatch, dense: np.ndarray) -> sp.csr_matrix:
    """``model.design(batch.texts, dense)``, with the n-grams counted batch-wise when possible."""
    counts = _ngram_counts(model, batch)
    if counts is None:
        return model.design(batch.texts, dense)
    X = _tfidf(counts, model)
    if model.extra_features:
        if dense is None or dense.shape[1] != len(model.extra_features):
            raise ValueError(f"need {len(model.extra_features)} extra features")
        X = sp.hstack([X, sp.csr_matrix(np.asarray(dense, float) * model.extra_scale)], format="csr")
    return X


def _softmax(z: np.ndarray) -> np.ndarray:
    if z.shape[1] == 1:  # a binary model stores one row of coefficients
        p = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return np.column_stack([1 - p, p])
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _frame_columns(model: LinearModel, codebook: str | None) -> np.ndarray:
    """Per codebook frame, its column in the model's class order (-1: the model lacks it)."""
    classes = list(model.classes)
    return np.array([classes.index(f) if f in classes else -1 for f in list_frames(codebook)])


def _explain(model: LinearModel, X: sp.csr_matrix, hits: list[list[dict]], frames: list[str], top: int) -> list[str]:
    """Per row, the n-grams, codebook terms and cues that push it towards ``frames[row]``.

    A column's push is its value times the frame's coefficient minus the mean coefficient over
    the classes (what raises the frame against the others); only positive pushes count, largest
    first (ties in column order). ``hits`` are the codebook matches of each row
    (:func:`match_frames`).
    """
    coef = np.asarray(model.coef, dtype=float)
    relative = coef - coef.mean(axis=0, keepdims=True)
    names = list(model.vocabulary) + list(model.extra_features)
    classes = list(model.classes)
    row_class = np.array([classes.index(f) if f in classes and f != NO_FRAME else -1 for f in frames],
                         dtype=np.int64).reshape(-1)
    X = sp.csr_matrix(X)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    cols = X.indices
    push = X.data * relative[np.maximum(row_class, 0)[rows], cols]
    keep = (row_class[rows] >= 0) & (push > 0)
    rows, cols, push = rows[keep], cols[keep], push[keep]
    order = np.lexsort((-push, rows))  # stable: by row, then largest push, then column order
    rows, cols = rows[order], cols[order]
    distinct, at = np.unique(cols, return_inverse=True)
    is_cue = np.array([str(names[j]).startswith("tgt_") for j in distinct.tolist()], dtype=bool)
    grams = _first_per_row(rows, cols, cols < len(model.vocabulary), top, len(frames))
    cues = _first_per_row(rows, cols, is_cue[at.reshape(-1)], top, len(frames))
    out = []
    for i, (frame, known) in enumerate(zip(frames, (row_class >= 0).tolist())):
        if not known:
            out.append("")
            continue
        parts = []
        if grams[i]:
            parts.append("ngrams: " + ", ".join([str(names[j]) for j in grams[i]]))
        terms = list(dict.fromkeys([h["match"] for h in hits[i] if h["frame"] == frame]))[:top] if hits[i] else []
        if terms:
            parts.append("codebook: " + ", ".join(terms))
        if cues[i]:
            parts.append("cues: " + ", ".join([str(names[j])[4:] for j in cues[i]]))
        out.append(" | ".join(parts))
    return out


def _first_per_row(rows: np.ndarray, cols: np.ndarray, selected: np.ndarray, top: int, n_rows: int
                   ) -> list[list[int]]:
    """Per row, the first ``top`` of its selected columns (``rows`` sorted)."""
    rows, cols = rows[selected], cols[selected]
    start = np.searchsorted(rows, np.arange(n_rows + 1))
    rank = np.arange(len(rows)) - start[rows]
    rows, cols = rows[rank < top], cols[rank < top]
    bounds = np.searchsorted(rows, np.arange(n_rows + 1)).tolist()
    cols = cols.tolist()
    return [cols[bounds[i]:bounds[i + 1]] for i in range(n_rows)]


def explain_sentences(texts: list[str], frames: list[str], model: LinearModel | None = None, top: int = 4,
                      codebook: str | None = None) -> list[str]:
    """Why each sentence leans towards a frame: its words, codebook terms and cues.

    Parameters
    ----------
    texts : list of str
        Sentences.
    frames : list of str
        One frame per sentence (any frame, not only the predicted one).
    model : LinearModel, optional
        The sentence model (default: :func:`load_sentence_model`).
    top : int
        Items kept of each kind.
    codebook : str, optional
        Alternative codebook CSV.

    Returns
    -------
    list of str
        e.g. ``"ngrams: talks, foreign minister | codebook: talks | cues: meeting"`` (kinds without
        content left out; empty when nothing pushes towards the frame).
    """
    model = load_sentence_model() if model is None else model
    batch = TextBatch(texts)
    hits = match_frames_batch(batch, codebook)
    X = _design(model, batch, dense_features(batch, score_lexicon(batch.texts, codebook, hits), codebook))
    return _explain(model, X, hits, list(frames), top)


def predict_frame_proba(texts: list[str], model: LinearModel | None = None, codebook: str | None = None
                        ) -> np.ndarray:
    """Frame probabilities of some sentences.

    Parameters
    ----------
    texts : list of str
        Sentences.
    model : LinearModel, optional
        The sentence model (default: :func:`load_sentence_model`).
    codebook : str, optional
        Alternative codebook CSV.

    Returns
    -------
    ndarray of shape (len(texts), number of frames)
        Columns in :func:`list_frames` order (0 for a frame the model lacks; a ``"none"`` class's
        probability is left out, so rows then sum to less than 1).
    """
    model = load_sentence_model() if model is None else model
    texts = [str(t) for t in texts]
    proba = model.predict_proba(texts, compute_dense_features(texts, codebook=codebook))
    cols = _frame_columns(model, codebook)
    return np.where(cols >= 0, proba[:, np.maximum(cols, 0)], 0.0)


def score_learned(sentences: pd.DataFrame, model: LinearModel | None = None, codebook: str | None = None,
                  n_evidence: int = 4) -> pd.DataFrame:
    """Frame, probabilities, evidence and frame content of every sentence (the ``"learned"`` method).

    Parameters
    ----------
    sentences : DataFrame
        With a ``text`` column.
    model : LinearModel, optional
        The sentence model (default: the shipped one, :func:`load_sentence_model`).
    codebook : str, optional
        Alternative codebook CSV (the model's features must match it).
    n_evidence : int
        N-grams, codebook terms and cues kept in ``evidence``.

    Returns
    -------
    DataFrame
        One row per sentence, in order: ``frame`` (most probable class), ``score_<frame>`` (its
        probability, 4 decimals) per codebook frame, ``evidence`` (what pushes the sentence towards
        its frame, :func:`explain_sentences`), ``relevant`` (codebook hit or target cue,
        :func:`~sinojp.measures.framing.features.find_relevant`).
    """
    model = load_sentence_model() if model is None else model
    check_sentence_model(model, codebook)
    batch = TextBatch(sentences["text"].astype(str).tolist())
    hits = match_frames_batch(batch, codebook)
    dense = dense_features(batch, score_lexicon(batch.texts, codebook, hits), codebook)
    X = _design(model, batch, dense)
    proba = _softmax(model.decision(X))
    labels = [model.classes[i] for i in proba.argmax(axis=1)]
    cols = _frame_columns(model, codebook)
    full = np.where(cols >= 0, proba[:, np.maximum(cols, 0)], 0.0)
    out = pd.DataFrame(np.round(full, 4), columns=[f"score_{f}" for f in list_frames(codebook)])
    out.insert(0, "frame", labels)
    out["evidence"] = _explain(model, X, hits, labels, n_evidence)
    out["relevant"] = find_relevant(dense, codebook)
    return out
