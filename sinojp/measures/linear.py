"""Linear sentence models shipped as plain JSON (the ``sinojp-linear-1`` layout), and their predictors.

A model is TF-IDF word n-grams plus named dense features (appended after the n-gram columns and
multiplied by ``extra_scale``) with a multinomial logistic regression. It is fitted with
scikit-learn (:func:`fit_linear`) and predicted from its JSON with numpy, scipy and a
``CountVectorizer`` with a fixed vocabulary; the prediction reproduces scikit-learn's to 1e-9
(a test checks it). No pickle is ever written or read. Stance and frame models share this class.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import scipy.sparse as sp

FORMAT = "sinojp-linear-1"
TOKEN_PATTERN = r"(?u)\b\w\w+\b"


# ----------------------------------------------------------------------------- n-gram transform

@lru_cache(maxsize=8)
def _token_regex(token_pattern: str) -> re.Pattern:
    # the default pattern finds the runs of two or more word characters, as "\w\w+" does faster
    return re.compile(r"\w\w+" if token_pattern == TOKEN_PATTERN else token_pattern)


def ngram_counts(texts: list[str], vocabulary: dict[str, int], ngram_range: tuple[int, int],
                 token_pattern: str = TOKEN_PATTERN) -> sp.csr_matrix:
    """Word n-gram counts of a fixed vocabulary, as scikit-learn's ``CountVectorizer.transform`` builds them.

    The texts are lower-cased and tokenised one by one, but the n-grams of all of them are looked
    up in one pass: the matrix (int64 counts, sorted int32 column indices) is the same to the byte.

    Parameters
    ----------
    texts : list of str
    vocabulary : dict of str to int
        N-gram -> column (the columns 0 .. len - 1, each used once).
    ngram_range, token_pattern : as ``CountVectorizer`` (``lowercase=True``, no stop words).

    Returns
    -------
    csr_matrix of shape (len(texts), len(vocabulary))
    """
    rx = _token_regex(token_pattern)
    docs = [rx.findall(t.lower()) for t in texts]
    lens = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    flat = list(chain.from_iterable(docs))
    row = np.repeat(np.arange(len(docs)), lens)
    left = np.repeat(lens, lens) - (np.arange(len(flat)) - np.repeat(np.cumsum(lens) - lens, lens))
    get = vocabulary.get
    rows, cols = [], []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        grams = flat if n == 1 else map(" ".join, zip(*(flat[k:] for k in range(n))))
        col = np.fromiter(map(get, grams, repeat(-1)), dtype=np.int64, count=max(len(flat) - n + 1, 0))
        keep = (col >= 0) & (left[:len(col)] >= n)
        rows.append(row[:len(col)][keep])
        cols.append(col[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    X = sp.csr_matrix((np.ones(len(r), dtype=np.int64), (r, c)), shape=(len(texts), len(vocabulary)))
    X.sum_duplicates()
    X.sort_indices()
    return X


def ngram_matrix(texts: list[str], vocabulary: list[str], idf: np.ndarray | None, ngram_range: tuple[int, int],
                 token_pattern: str = TOKEN_PATTERN, sublinear_tf: bool = True, norm: str | None = "l2"
                 ) -> sp.csr_matrix:
    """TF-IDF rows for a fixed vocabulary, as scikit-learn's ``TfidfVectorizer`` computes them.

    Parameters
    ----------
    texts : list of str
    vocabulary : list of str
        Column order.
    idf : array or None
        Inverse document frequencies (None: no idf weighting).
    ngram_range, token_pattern : as ``CountVectorizer``.
    sublinear_tf : bool
        Replace tf by 1 + log(tf).
    norm : {"l2", "l1", None}

    Returns
    -------
    csr_matrix of shape (len(texts), len(vocabulary))
    """
    if not len(vocabulary):
        return sp.csr_matrix((len(texts), 0))
    index = {t: i for i, t in enumerate(vocabulary)}
    if len(index) == len(vocabulary):
        X = ngram_counts(texts, index, tuple(ngram_range), token_pattern).astype(float).tocsr()
    else:  # a repeated term: let scikit-learn report it
        from sklearn.feature_extraction.text import CountVectorizer

        cv = CountVectorizer(vocabulary=index, ngram_range=tuple(ngram_range), token_pattern=token_pattern,
                             lowercase=True)
        X = cv.transform(texts).astype(float).tocsr()
    if sublinear_tf:
        X.data = np.log(X.data) + 1.0
    if idf is not None:
        X = X @ sp.diags(np.asarray(idf, dtype=float))
        X = sp.csr_matrix(X)
    if norm == "l2":
        nrm = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    elif norm == "l1":
        nrm = np.asarray(abs(X).sum(axis=1)).ravel()
    else:
        return X
    nrm[nrm == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / nrm) @ X)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- linear model

@dataclass
class LinearModel:
    """A fitted linear sentence model in the ``sinojp-linear-1`` layout.

    Attributes
    ----------
    target : str
        What the model predicts (``relations_stance``, ``us_stance``, ``frame``).
    classes : list of int or str
        Class order of ``coef`` rows (e.g. [-1, 0, 1], or frame names).
    ngram_range, token_pattern, sublinear_tf, norm, vocabulary, idf : the n-gram transform.
    extra_features : list of str
        Dense feature names (columns after the n-grams), see ``features.FEATURE_NAMES``.
    extra_scale : float
        Multiplier of the dense block (its weight relative to the n-grams under the L2 penalty).
    coef, intercept : logistic-regression parameters (one row per class, multinomial).
    training : dict
        Provenance: n, sources, command, cv figures, hyperparameters.
    hybrid : dict
        ``{"tau": float, "dead_zone": float}``: below ``tau`` top probability, fall back on the
        lexicon score (:func:`hybrid_proba`); empty when not a hybrid.
    """

    target: str
    classes: list
    vocabulary: list[str]
    idf: list[float] | None
    coef: list[list[float]]
    intercept: list[float]
    extra_features: list[str] = field(default_factory=list)
    extra_scale: float = 1.0
    ngram_range: tuple[int, int] = (1, 2)
    token_pattern: str = TOKEN_PATTERN
    sublinear_tf: bool = True
    norm: str | None = "l2"
    training: dict = field(default_factory=dict)
    hybrid: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ design and prediction
    def design(self, texts: list[str], extra: np.ndarray | None = None) -> sp.csr_matrix:
        """The model's feature matrix: n-gram TF-IDF, then ``extra_scale`` x dense features."""
        X = ngram_matrix(texts, self.vocabulary, None if self.idf is None else np.asarray(self.idf),
                         tuple(self.ngram_range), self.token_pattern, self.sublinear_tf, self.norm)
        if self.extra_features:
            if extra is None or extra.shape[1] != len(self.extra_features):
                raise ValueError(f"need {len(self.extra_features)} extra features")
            X = sp.hstack([X, sp.csr_matrix(np.asarray(extra, float) * self.extra_scale)], format="csr")
        return X

    def decision(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ np.asarray(self.coef).T) + np.asarray(self.intercept)

    def proba(self, X: sp.csr_matrix) -> np.ndarray:
        """Class probabilities of a design matrix (columns in :attr:`classes` order)."""
        z = self.decision(X)
        if z.shape[1] == 1:  # binary logistic regression: one row of coefficients
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        return _softmax(z)

    def predict_proba(self, texts: list[str], extra: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities (columns in :attr:`classes` order)."""
        return self.proba(self.design(texts, extra))

    def predict(self, texts: list[str], extra: np.ndarray | None = None) -> list:
        """The most probable class of each text."""
        proba = self.predict_proba(texts, extra)
        return [self.classes[i] for i in proba.argmax(axis=1)]

    def score(self, proba: np.ndarray) -> np.ndarray:
        """P(+1) - P(-1) per row (for models of the stance codes -1 / 0 / +1)."""
        c = list(self.classes)
        pos = proba[:, c.index(1)] if 1 in c else 0.0
        neg = proba[:, c.index(-1)] if -1 in c else 0.0
        return np.asarray(pos - neg, dtype=float)

    def push(self, texts: list[str], extra: np.ndarray | None = None, n: int = 4, n_features: int = 2) -> list[str]:
        """Per sentence, the n-grams (and dense features) pushing most towards +1 or -1.

        A column's push is its value times (coef of class +1 minus coef of class -1). Returns
        ``"words: w1 +0.31, w2 -0.12; features: [f] +0.40"`` per sentence.
        """
        return self.push_design(self.design(texts, extra), n, n_features)

    def push_design(self, X: sp.csr_matrix, n: int = 4, n_features: int = 2) -> list[str]:
        """:meth:`push` of a design matrix (from :meth:`design`)."""
        c = list(self.classes)
        if 1 not in c or -1 not in c:
            return [""] * X.shape[0]
        coef = np.asarray(self.coef)
        direction = coef[c.index(1)] - coef[c.index(-1)]
        X = X.tocsr()
        p = X.data * direction[X.indices]
        row = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        is_feature = X.indices >= len(self.vocabulary)
        # per row, words then features, each by decreasing |push| (ties in column order), |push| >= 0.01
        order = np.lexsort((np.arange(len(p)), -np.abs(p), is_feature, row))
        order = order[np.abs(p[order]) >= 0.01]
        group = row[order] * 2 + is_feature[order]
        start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        rank = np.arange(len(order)) - np.repeat(start, np.diff(np.r_[start, len(order)]))
        order = order[rank < np.where(is_feature[order], n_features, n)]
        names = list(self.vocabulary) + list(self.extra_features)
        parts: list[list[str]] = [[] for _ in range(X.shape[0])]
        last = (-1, False)
        rows, features = row[order].tolist(), is_feature[order].tolist()
        columns, pushes = X.indices[order].tolist(), p[order].tolist()
        for key_row, key_feature, column, push in zip(rows, features, columns, pushes):
            key = (key_row, key_feature)
            item = f"{names[column]} {push:+.2f}"
            if key != last:
                parts[key[0]].append(("features: " if key[1] else "words: ") + item)
                last = key
            else:
                parts[key[0]][-1] += ", " + item
        return ["; ".join(row_parts) for row_parts in parts]

    # ------------------------------------------------------------------ JSON
    def to_json(self) -> dict:
        """The ``sinojp-linear-1`` dictionary."""
        d = asdict(self)
        return {"format": FORMAT, "target": d["target"], "classes": d["classes"],
                "word_ngrams": {"ngram_range": list(d["ngram_range"]), "lowercase": True,
                                "token_pattern": d["token_pattern"], "sublinear_tf": d["sublinear_tf"],
                                "norm": d["norm"], "vocabulary": d["vocabulary"], "idf": d["idf"]},
                "extra_features": d["extra_features"], "extra_scale": d["extra_scale"],
                "coef": d["coef"], "intercept": d["intercept"], "hybrid": d["hybrid"], "training": d["training"]}

    @classmethod
    def from_json(cls, d: dict) -> LinearModel:
        if d.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model")
        w = d["word_ngrams"]
        return cls(target=d["target"], classes=list(d["classes"]), vocabulary=list(w["vocabulary"]), idf=w["idf"],
                   coef=d["coef"], intercept=d["intercept"], extra_features=list(d.get("extra_features", [])),
                   extra_scale=float(d.get("extra_scale", 1.0)), ngram_range=tuple(w["ngram_range"]),
                   token_pattern=w["token_pattern"], sublinear_tf=bool(w["sublinear_tf"]), norm=w["norm"],
                   training=d.get("training", {}), hybrid=d.get("hybrid", {}))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=1, allow_nan=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def fit_linear(texts: list[str], y: np.ndarray, extra: np.ndarray | None, *, target: str,
               extra_features: list[str] | None = None, C: float = 1.0, ngram_range: tuple[int, int] = (1, 2),
               min_df: int = 2, extra_scale: float = 1.0, class_weight: str | None = "balanced",
               sample_weight: np.ndarray | None = None, use_ngrams: bool = True, random_state: int = 0,
               return_sklearn: bool = False):
    """Fit TF-IDF n-grams (+ dense features) with a multinomial logistic regression.

    Parameters
    ----------
    texts, y : training sentences and their codes.
    extra : array (n, k) or None
        Dense features (``features.sentence_features``); None for n-grams only.
    use_ngrams : bool
        False fits the dense features alone (the vocabulary is then empty).

    Returns
    -------
    LinearModel (and the fitted sklearn vectorizer and classifier when ``return_sklearn``).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    y = np.asarray(y)
    if use_ngrams:
        vec = TfidfVectorizer(ngram_range=ngram_range, min_df=min_df, sublinear_tf=True, lowercase=True,
                              token_pattern=TOKEN_PATTERN, norm="l2")
        Xw = vec.fit_transform(texts)
        vocab = list(vec.get_feature_names_out())
        idf = vec.idf_.tolist()
    else:
        vec, Xw, vocab, idf = None, sp.csr_matrix((len(texts), 0)), [], None
    names = list(extra_features or [])
    X = Xw if extra is None or not names else sp.hstack([Xw, sp.csr_matrix(np.asarray(extra) * extra_scale)],
                                                        format="csr")
    clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=5000, random_state=random_state)
    with threadpool_limits(limits=1):
        clf.fit(X, y, sample_weight=sample_weight)
    classes = [c.item() if hasattr(c, "item") else c for c in clf.classes_]
    model = LinearModel(target=target, classes=classes, vocabulary=vocab, idf=idf,
                        coef=clf.coef_.tolist(), intercept=clf.intercept_.tolist(),
                        extra_features=names if extra is not None else [], extra_scale=float(extra_scale),
                        ngram_range=tuple(ngram_range), norm="l2",
                        training={"n": len(y), "C": C, "min_df": min_df, "class_weight": class_weight,
                                  "use_ngrams": use_ngrams})
    if return_sklearn:
        return model, vec, clf
    return model
