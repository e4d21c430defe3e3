"""Linear sentence models shipped as plain JSON (the ``sinojp-linear-1`` layout), and their predictors.

A model is TF-IDF word n-grams plus named dense features (appended after the n-gram columns and
multiplied by ``extra_scale``) with a multinomial logistic regression. It is fitted with
scikit-learn (:func:`fit_linear`) and predicted from its JSON with numpy, scipy and a
``CountVectorizer`` with a fixed vocabulary; the prediction reproduces scikit-learn's to 1e-9
(a test checks it). No pickle is ever written or read. Stance and frame models share this class.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

FORMAT = "sinojp-linear-1"
TOKEN_PATTERN = r"(?u)\b\w\w+\b"


# ----------------------------------------------------------------------------- n-gram transform

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
    from sklearn.feature_extraction.text import CountVectorizer

    if not len(vocabulary):
        return sp.csr_matrix((len(texts), 0))
    cv = CountVectorizer(vocabulary={t: i for i, t in enumerate(vocabulary)}, ngram_range=tuple(ngram_range),
                         token_pattern=token_pattern, lowercase=True)
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

    def predict_proba(self, texts: list[str], extra: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities (columns in :attr:`classes` order)."""
        z = self.decision(self.design(texts, extra))
        if z.shape[1] == 1:  # binary logistic regression: one row of coefficients
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        return _softmax(z)

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
        c = list(self.classes)
        if 1 not in c or -1 not in c:
            return [""] * len(texts)
        coef = np.asarray(self.coef)
        direction = coef[c.index(1)] - coef[c.index(-1)]
        names = np.array(list(self.vocabulary) + list(self.extra_features), dtype=object)
        n_words = len(self.vocabulary)
        X = self.design(texts, extra).tocsr()
        out = []
        for i in range(X.shape[0]):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            idx, val = X.indices[lo:hi], X.data[lo:hi]
            p = val * direction[idx]
            parts = []
            for label, sel, k in (("words", idx < n_words, n), ("features", idx >= n_words, n_features)):
                j = np.flatnonzero(sel & (np.abs(p) >= 0.01))
                j = j[np.argsort(-np.abs(p[j]), kind="mergesort")][:k]
                if len(j):
                    parts.append(f"{label}: " + ", ".join(f"{names[idx[q]]} {p[q]:+.2f}" for q in j))
            out.append("; ".join(parts))
        return out

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
