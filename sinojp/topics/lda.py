"""Variational LDA with the document updates of a whole block done at once.

scikit-learn's :class:`~sklearn.decomposition.LatentDirichletAllocation` updates each document's
topic distribution in a Python loop over documents (its E-step); on the paragraphs of a news
corpus that loop is nearly all of the topic model's cost. :class:`BlockLDA` runs the same
algorithm (Hoffman, Blei and Bach's variational Bayes, batch and online, with scikit-learn's
initialisation, random draws, digamma approximation and per-document stopping rule) but updates
every unconverged document of a block together with sparse matrix products. Its fits agree with
scikit-learn's to floating-point rounding (summation order), which
``tests/test_topics.py`` checks.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

#: Euler's constant, as scikit-learn's digamma uses it
EULER = 0.577215664901532860606512090082402431


def digamma(x: np.ndarray) -> np.ndarray:
    """The fast digamma approximation of scikit-learn's LDA (Bernardo's AS 103), elementwise.

    Parameters
    ----------
    x : ndarray
        Positive values.

    Returns
    -------
    ndarray
    """
    x = np.array(x, dtype=np.float64)
    tiny = x <= 1e-6
    out = np.zeros_like(x)
    step = np.where(tiny, 6.0, x)
    for _ in range(6):  # psi(x) = psi(x + 1) - 1/x until x >= 6 (at most 6 steps for x > 1e-6)
        low = step < 6
        if not low.any():
            break
        out -= np.where(low, 1.0 / step, 0.0)
        step += low
    r = 1.0 / step
    out += np.log(step) - 0.5 * r
    r = r * r
    out -= r * ((1.0 / 12.0) - r * ((1.0 / 120.0) - r * (1.0 / 252.0)))
    if tiny.any():
        out[tiny] = -EULER - 1.0 / x[tiny]
    return out


def _row_sums(a: np.ndarray) -> np.ndarray:
    """Row sums added left to right (the order of scikit-learn's compiled loops)."""
    total = np.zeros(a.shape[0])
    for j in range(a.shape[1]):
        total += a[:, j]
    return total


def dirichlet_expectation(alpha: np.ndarray) -> np.ndarray:
    """``E[log theta]`` for ``theta ~ Dirichlet(alpha)``, row by row."""
    return digamma(alpha) - digamma(_row_sums(alpha))[:, None]


def e_step(counts: sparse.csr_matrix, exp_topic_word: np.ndarray, doc_topic_prior: float, max_iter: int,
           tol: float, init: np.ndarray, sufficient: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Update the topic distributions of all documents of a block together.

    Each document iterates until the mean absolute change of its topic weights falls below
    ``tol`` (or ``max_iter``), then stays fixed, as in scikit-learn's loop over documents.

    Parameters
    ----------
    counts : csr_matrix
        Documents x terms counts.
    exp_topic_word : ndarray of shape (k, n_terms)
        ``exp(E[log beta])``.
    doc_topic_prior : float
    max_iter : int
    tol : float
    init : ndarray of shape (n_docs, k)
        Initial topic weights (random when training, ones when transforming).
    sufficient : bool
        Also return the sufficient statistics for the M-step.

    Returns
    -------
    (gamma, statistics)
        Unnormalised document-topic weights and, when asked for, the statistics (k x terms,
        still to be multiplied by ``exp_topic_word``).
    """
    n_docs, k = counts.shape[0], exp_topic_word.shape[0]
    gamma = np.array(init, dtype=np.float64)
    exp_doc = np.exp(dirichlet_expectation(gamma))
    eps = np.finfo(np.float64).eps
    topic_word_t = np.ascontiguousarray(exp_topic_word.T)
    lengths = np.diff(counts.indptr)
    active = np.flatnonzero(lengths)  # documents without terms keep their initial weights
    rows = np.repeat(np.arange(len(active)), lengths[active])
    data, word = counts.data, topic_word_t[counts.indices]
    for _ in range(max_iter):
        if not len(active):
            break
        theta = exp_doc[active]
        scaled = (data / (np.einsum("nk,nk->n", theta[rows], word) + eps))[:, None] * word
        starts = np.concatenate(([0], np.cumsum(lengths[active])[:-1]))
        new = theta * np.add.reduceat(scaled, starts, axis=0) + doc_topic_prior
        exp_new = np.exp(digamma(new) - digamma(new.sum(axis=1))[:, None])
        change = np.abs(gamma[active] - new).sum(axis=1) / k
        gamma[active], exp_doc[active] = new, exp_new
        keep = change >= tol
        if not keep.all():
            on = keep[rows]
            data, word, active = data[on], word[on], active[keep]
            rows = np.repeat(np.arange(len(active)), lengths[active])
    if not sufficient:
        return gamma, None
    rows = np.repeat(np.arange(n_docs), lengths)
    norm = _row_sums(exp_doc[rows] * topic_word_t[counts.indices]) + eps
    weighted = sparse.csr_matrix((counts.data / norm, counts.indices, counts.indptr), shape=counts.shape)
    stats = np.asarray((weighted.T @ exp_doc).T)
    return gamma, stats


class BlockLDA:
    """Latent Dirichlet allocation fitted by variational Bayes, documents updated block-wise.

    The parameters and attributes mean what they mean in scikit-learn's
    ``LatentDirichletAllocation`` (``components_``, ``transform``, ``partial_fit``).

    Parameters
    ----------
    n_components : int
    topic_word_prior : float
    doc_topic_prior : float, optional
        Default ``1 / n_components``.
    learning_method : {"batch", "online"}
    max_iter : int
        Passes of :meth:`fit`.
    batch_size : int
        Documents per online update.
    learning_offset, learning_decay : float
        Step sizes of online updates: ``(learning_offset + t) ** -learning_decay``.
    total_samples : int
        Corpus size assumed by :meth:`partial_fit`.
    mean_change_tol : float
        Per-document stopping tolerance of the E-step.
    max_doc_update_iter : int
    block_size : int
        Documents per E-step block (bounds memory: the block's non-zeros times ``n_components``).
    random_state : int
    """

    def __init__(self, n_components: int = 10, *, topic_word_prior: float | None = None,
                 doc_topic_prior: float | None = None, learning_method: str = "batch", max_iter: int = 10,
                 batch_size: int = 128, learning_offset: float = 10.0, learning_decay: float = 0.7,
                 total_samples: int = 1_000_000, mean_change_tol: float = 1e-3, max_doc_update_iter: int = 100,
                 block_size: int = 4096, random_state: int | None = None) -> None:
        self.n_components = n_components
        self.topic_word_prior = topic_word_prior
        self.doc_topic_prior = doc_topic_prior
        self.learning_method = learning_method
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_offset = learning_offset
        self.learning_decay = learning_decay
        self.total_samples = total_samples
        self.mean_change_tol = mean_change_tol
        self.max_doc_update_iter = max_doc_update_iter
        self.block_size = block_size
        self.random_state = random_state

    def _init(self, n_terms: int) -> None:
        self.random_state_ = np.random.RandomState(self.random_state)
        self.n_batch_iter_ = 1
        k = self.n_components
        self.doc_topic_prior_ = 1.0 / k if self.doc_topic_prior is None else self.doc_topic_prior
        self.topic_word_prior_ = 1.0 / k if self.topic_word_prior is None else self.topic_word_prior
        self.components_ = self.random_state_.gamma(100.0, 0.01, (k, n_terms))
        self.exp_dirichlet_component_ = np.exp(dirichlet_expectation(self.components_))

    def _e_step(self, counts: sparse.csr_matrix, train: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """E-step over ``counts`` in blocks of ``block_size`` documents; statistics when training."""
        shape = (counts.shape[0], self.n_components)
        # one draw of initial weights for the whole batch, as scikit-learn makes it
        init = self.random_state_.gamma(100.0, 0.01, shape) if train else np.ones(shape)
        gammas, total = [], None
        for start in range(0, counts.shape[0], self.block_size):
            stop = min(start + self.block_size, counts.shape[0])
            gamma, stats = e_step(counts[start:stop], self.exp_dirichlet_component_, self.doc_topic_prior_,
                                  self.max_doc_update_iter, self.mean_change_tol, init[start:stop], train)
            gammas.append(gamma)
            if train:
                total = stats if total is None else total + stats
        gamma = np.vstack(gammas) if gammas else np.empty(shape)
        return gamma, (total * self.exp_dirichlet_component_ if train else None)

    def _em_step(self, counts: sparse.csr_matrix, total_samples: int, batch: bool) -> None:
        _, stats = self._e_step(counts, train=True)
        if batch:
            self.components_ = self.topic_word_prior_ + stats
        else:
            weight = np.power(self.learning_offset + self.n_batch_iter_, -self.learning_decay)
            ratio = float(total_samples) / counts.shape[0]
            self.components_ *= 1 - weight
            self.components_ += weight * (self.topic_word_prior_ + ratio * stats)
        self.exp_dirichlet_component_ = np.exp(dirichlet_expectation(self.components_))
        self.n_batch_iter_ += 1

    def fit(self, counts: sparse.spmatrix) -> "BlockLDA":
        """Fit to documents x terms counts (``max_iter`` passes)."""
        counts = sparse.csr_matrix(counts, dtype=np.float64)
        self._init(counts.shape[1])
        n = counts.shape[0]
        for _ in range(self.max_iter):
            if self.learning_method == "online":
                for start in range(0, n, self.batch_size):
                    self._em_step(counts[start:start + self.batch_size], n, batch=False)
            else:
                self._em_step(counts, n, batch=True)
        return self

    def partial_fit(self, counts: sparse.spmatrix) -> "BlockLDA":
        """One online update per ``batch_size`` documents of ``counts``."""
        counts = sparse.csr_matrix(counts, dtype=np.float64)
        if not hasattr(self, "components_"):
            self._init(counts.shape[1])
        for start in range(0, counts.shape[0], self.batch_size):
            self._em_step(counts[start:start + self.batch_size], self.total_samples, batch=False)
        return self

    def transform(self, counts: sparse.spmatrix) -> np.ndarray:
        """Normalised document-topic distributions of documents x terms counts."""
        counts = sparse.csr_matrix(counts, dtype=np.float64)
        gamma, _ = self._e_step(counts, train=False)
        return gamma / gamma.sum(axis=1)[:, np.newaxis]

    def fit_transform(self, counts: sparse.spmatrix) -> np.ndarray:
        """:meth:`fit`, then :meth:`transform` of the same counts."""
        return self.fit(counts).transform(counts)
