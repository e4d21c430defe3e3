"""Vocabulary for topic models: tokens, stop words, collocation phrases, document-frequency cut-offs.

Every choice is a field of :class:`VocabularySettings`, so a notebook can show and vary it.
The steps, in order:

1. :func:`tokenize` lower-cases a text and splits it into word tokens (``U.S.`` becomes
   ``united_states``; hyphenated compounds and possessives are split).
2. :func:`find_phrases` scores adjacent word pairs with NLTK's ``BigramCollocationFinder``
   (frequency filter, then log-likelihood ratio and PMI) and keeps strongly associated pairs such
   as ``ruling party`` or ``wang yi``; :func:`join_phrases` rewrites them as ``ruling_party``.
3. English and domain stop words are removed (phrases are kept unless both halves are domain stop
   words), then :func:`build_vocabulary` counts terms per unit in a sparse matrix with
   document-frequency cut-offs that grow with the number of units (:func:`df_cutoffs`).
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

PHRASE_JOINER = "_"

_US = re.compile(r"\bU\.\s?S\.(?:\s?A\.)?|\bUS\b|\bUSA\b")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`´]")
_POSSESSIVE = re.compile(r"'s\b")
_TOKEN = re.compile(r"[a-z][a-z0-9]*")
# a whole white-space separated piece that is "united_states" with leading / trailing punctuation
_US_PIECE = re.compile(r"(?<!\S)[.,;:!?()\[\]\"']*united_states[.,;:!?()\[\]\"']*(?!\S)")


class EmptyVocabularyError(ValueError):
    """No term survives the cut-offs: the corpus is too small or the settings too strict."""


@dataclass(frozen=True)
class VocabularySettings:
    """Settings of the topic-model vocabulary (all of them shown in the notebook).

    Attributes
    ----------
    english_stopwords, domain_stopwords : bool
        Remove the English list (scikit-learn's base plus ``stopwords_en.txt``) and the domain list
        (``stopwords_domain.txt``).
    extra_stopwords : tuple of str
        Further words to remove, e.g. a user's corpus-specific list.
    min_token_length : int
        Shorter tokens are dropped (phrases are never dropped for length).
    phrases : bool
        Detect and join collocations.
    phrase_min_count, phrase_per_million : int, float
        A pair must occur at least ``max(phrase_min_count, phrase_per_million * n_tokens / 1e6)``
        times, so the frequency filter grows with the corpus.
    phrase_min_llr : float
        Minimum log-likelihood ratio (Dunning's G2; 10.83 is p < 0.001 at one degree of freedom).
    phrase_min_pmi : float
        Minimum pointwise mutual information (log2); > 0 keeps only positively associated pairs.
    max_phrases : int
        At most this many phrases, the highest G2 first.
    phrase_sample_units : int
        Phrases are found in every m-th unit when there are more units than this (speed).
    min_df_floor, min_df_share : int, float
        A term must occur in at least ``max(min_df_floor, ceil(min_df_share * n_units))`` units.
    max_df : float
        A term in more than this share of units is dropped (too common to separate topics).
    max_features : int or None
        Keep only the most frequent terms after the cut-offs (None: no limit).
    """

    english_stopwords: bool = True
    domain_stopwords: bool = True
    extra_stopwords: tuple[str, ...] = ()
    min_token_length: int = 2
    phrases: bool = True
    phrase_min_count: int = 3
    phrase_per_million: float = 10.0
    phrase_min_llr: float = 10.83
    phrase_min_pmi: float = 0.0
    max_phrases: int = 500
    phrase_sample_units: int = 20000
    min_df_floor: int = 2
    min_df_share: float = 0.0005
    max_df: float = 0.5
    max_features: int | None = 20000

    def as_frame(self) -> pd.DataFrame:
        """The settings as a two-column table (setting, value) for display."""
        rows = [(name, repr(value)) for name, value in self.__dict__.items()]
        return pd.DataFrame(rows, columns=["setting", "value"])


@dataclass(frozen=True)
class Vocabulary:
    """A fitted vocabulary: the unit-by-term count matrix and how it was made.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix or None
        Units x terms counts (int32), rows in the order of the input texts. None in a topic
        model fitted with ``keep_counts=False`` past ``TopicSettings.fit_max_units`` paragraphs
        (:func:`sinojp.topics.fit_topics_blocks`), which does not keep the corpus-wide matrix.
    terms : numpy.ndarray
        Term strings, column order of ``counts`` (alphabetical).
    phrases : pandas.DataFrame
        Joined collocations: ``phrase, first, second, count, llr, pmi``.
    min_df, max_df : int
        The absolute document-frequency cut-offs applied.
    n_tokens : int
        Word tokens in the input before stop-word removal.
    settings : VocabularySettings
        The settings used.
    """

    counts: sparse.csr_matrix | None
    terms: np.ndarray
    phrases: pd.DataFrame
    min_df: int
    max_df: int
    n_tokens: int
    settings: VocabularySettings = field(default_factory=VocabularySettings)

    def summary(self) -> pd.DataFrame:
        """Size figures of the vocabulary as a (measure, value) table (units <NA> without counts)."""
        rows = [
            ("units", pd.NA if self.counts is None else self.counts.shape[0]),
            ("tokens before stop words", self.n_tokens),
            ("terms kept", len(self.terms)),
            ("phrases joined", len(self.phrases)),
            ("phrases in vocabulary", int(np.char.count(self.terms.astype(str), PHRASE_JOINER).astype(bool).sum())),
            ("min_df (units)", self.min_df),
            ("max_df (units)", self.max_df),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"])


def _read_word_list(name: str) -> frozenset[str]:
    text = resources.files("sinojp").joinpath("resources", name).read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w)


@lru_cache(maxsize=1)
def load_english_stopwords() -> frozenset[str]:
    """English stop words: scikit-learn's ``ENGLISH_STOP_WORDS`` plus ``resources/stopwords_en.txt``."""
    return frozenset(ENGLISH_STOP_WORDS) | _read_word_list("stopwords_en.txt")


@lru_cache(maxsize=1)
def load_domain_stopwords() -> frozenset[str]:
    """Domain stop words of China-Japan coverage from ``resources/stopwords_domain.txt``."""
    return _read_word_list("stopwords_domain.txt")


def load_stopwords(settings: VocabularySettings) -> frozenset[str]:
    """All single words the settings remove."""
    words: set[str] = set(w.lower() for w in settings.extra_stopwords)
    if settings.english_stopwords:
        words |= load_english_stopwords()
    if settings.domain_stopwords:
        words |= load_domain_stopwords()
    return frozenset(words)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of a text.

    ``U.S.``/``US``/``USA`` become ``united_states`` (before lower-casing, so the pronoun "us"
    is untouched); possessive ``'s`` is dropped; hyphens, digits-only tokens and punctuation split
    or vanish.

    Examples
    --------
    >>> tokenize("The U.S. and Japan's Sino-Japanese ties in 2025")
    ['the', 'united_states', 'and', 'japan', 'sino', 'japanese', 'ties', 'in']
    """
    text = _US.sub(" united_states ", text)
    text = _APOSTROPHES.sub("'", text).lower()
    text = _POSSESSIVE.sub("", text)
    # a token never spans white space, so the tokens of the text are those of its white-space
    # separated pieces; a piece that is "united_states" within punctuation stays one token
    parts = _US_PIECE.split(text) if "united_states" in text else [text]
    tokens = _TOKEN.findall(parts[0])
    for part in parts[1:]:
        tokens.append("united_states")
        tokens.extend(_TOKEN.findall(part))
    return tokens


def compute_phrase_min_count(n_tokens: int, settings: VocabularySettings) -> int:
    """Frequency a word pair needs to become a phrase, growing with corpus size."""
    return max(settings.phrase_min_count, math.ceil(settings.phrase_per_million * n_tokens / 1e6))


def find_phrases(token_lists: Sequence[Sequence[str]], settings: VocabularySettings = VocabularySettings()) -> pd.DataFrame:
    """Collocations (adjacent word pairs) worth joining into one term.

    Pairs never span two units. A pair qualifies when neither word is an English stop word or
    shorter than ``min_token_length``, not both are domain stop words, it occurs at least
    :func:`phrase_min_count` times, and both its log-likelihood ratio and PMI reach the settings'
    minimums.

    Returns
    -------
    pandas.DataFrame
        ``phrase, first, second, count, llr, pmi``, strongest (G2) first, at most ``max_phrases``.
    """
    columns = ["phrase", "first", "second", "count", "llr", "pmi"]
    if not settings.phrases:
        return pd.DataFrame(columns=columns)
    n_tokens = sum(len(t) for t in token_lists)
    english = load_english_stopwords() if settings.english_stopwords else frozenset()
    english = english | frozenset(w.lower() for w in settings.extra_stopwords)
    domain = load_domain_stopwords() if settings.domain_stopwords else frozenset()
    finder = BigramCollocationFinder.from_documents(token_lists)
    finder.apply_freq_filter(compute_phrase_min_count(n_tokens, settings))
    finder.apply_word_filter(lambda w: w in english or len(w) < settings.min_token_length or w.isdigit())
    finder.apply_ngram_filter(lambda a, b: a in domain)
    measures = BigramAssocMeasures()
    llr = dict(finder.score_ngrams(measures.likelihood_ratio))
    pmi = dict(finder.score_ngrams(measures.pmi))
    rows = [
        (PHRASE_JOINER.join(pair), pair[0], pair[1], int(finder.ngram_fd[pair]), round(score, 3), round(pmi[pair], 3))
        for pair, score in llr.items()
        if score >= settings.phrase_min_llr and pmi[pair] > settings.phrase_min_pmi
    ]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values(["llr", "phrase"], ascending=[False, True], kind="mergesort")
    return table.head(settings.max_phrases).reset_index(drop=True)


def join_phrases(tokens: Sequence[str], ranks: dict[tuple[str, str], int]) -> list[str]:
    """Rewrite listed adjacent pairs as one ``first_second`` token.

    Scanning left to right, a pair is joined unless the overlapping pair that starts on its second
    word ranks higher (smaller rank), so "prime minister shigeru ishiba" gives ``prime_minister``
    and ``shigeru_ishiba`` rather than ``minister_shigeru``.

    Examples
    --------
    >>> join_phrases(["the", "ruling", "party", "met"], {("ruling", "party"): 0})
    ['the', 'ruling_party', 'met']
    >>> join_phrases(["prime", "minister", "shigeru"], {("prime", "minister"): 1, ("minister", "shigeru"): 0})
    ['prime', 'minister_shigeru']
    """
    pair_ranks = list(map(ranks.get, zip(tokens, tokens[1:])))  # rank of the pair starting at i, or None
    if pair_ranks.count(None) == len(pair_ranks):
        return list(tokens)
    pair_ranks.append(None)
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        rank = pair_ranks[i] if i + 1 < n else None
        nxt = pair_ranks[i + 1] if i + 2 < n else None
        if rank is not None and (nxt is None or rank < nxt):
            out.append(tokens[i] + PHRASE_JOINER + tokens[i + 1])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def filter_tokens(tokens: Iterable[str], stopwords: frozenset[str], min_length: int) -> list[str]:
    """Drop stop words, digit-led and too-short tokens (joined phrases are kept)."""
    return [
        t for t in tokens
        if t not in stopwords and (PHRASE_JOINER in t or (len(t) >= min_length and not t[0].isdigit()))
    ]


def compute_df_cutoffs(n_units: int, settings: VocabularySettings = VocabularySettings()) -> tuple[int, int]:
    """Absolute (min_df, max_df) document-frequency cut-offs for a corpus of ``n_units`` units.

    ``min_df`` grows with the corpus (``max(min_df_floor, ceil(min_df_share * n))``); ``max_df`` is
    the ``max_df`` share of units, but never below ``min_df`` so tiny corpora keep a vocabulary.

    Examples
    --------
    >>> df_cutoffs(100)
    (2, 50)
    >>> df_cutoffs(100_000)
    (50, 50000)
    """
    min_df = max(settings.min_df_floor, math.ceil(settings.min_df_share * n_units))
    max_df = max(min_df, int(math.floor(settings.max_df * n_units)))
    return min_df, max_df


class _Analyzer:
    """Text -> filtered terms (tokenize, join phrases, drop stop words); counts raw tokens seen."""

    def __init__(self, ranks: dict[tuple[str, str], int], stopwords: frozenset[str], min_length: int) -> None:
        self.ranks = ranks
        self.stopwords = stopwords
        self.min_length = min_length
        self.n_tokens = 0

    def __call__(self, text: str) -> list[str]:
        tokens = tokenize(text)
        self.n_tokens += len(tokens)
        joined = join_phrases(tokens, self.ranks) if self.ranks else tokens
        return filter_tokens(joined, self.stopwords, self.min_length)


def sample_phrases(texts: Sequence[str], settings: VocabularySettings = VocabularySettings()) -> list[str]:
    """The texts phrases are found in: all of them, or every m-th when there are more than
    ``phrase_sample_units`` (frequent collocations show in any large even sample)."""
    step = max(1, math.ceil(len(texts) / settings.phrase_sample_units))
    return list(texts[::step])


def _phrase_sample_blocks(blocks: Iterable[Sequence[str]], n_units: int, settings: VocabularySettings) -> list[str]:
    """:func:`phrase_sample` of the concatenated ``blocks`` (``n_units`` texts in all)."""
    step = max(1, math.ceil(n_units / settings.phrase_sample_units))
    sample: list[str] = []
    offset = 0
    for block in blocks:
        first = (-offset) % step  # position in this block of the next multiple of step
        sample.extend(block[first::step])
        offset += len(block)
    return sample


def _analyzer(sample: Sequence[str], settings: VocabularySettings) -> tuple[_Analyzer, pd.DataFrame]:
    """The analyzer with the phrases found in ``sample`` (the output of :func:`phrase_sample`)."""
    phrases = find_phrases([tokenize(t) for t in sample], settings)
    ranks = {pair: rank for rank, pair in enumerate(zip(phrases["first"], phrases["second"]))}
    return _Analyzer(ranks, load_stopwords(settings), settings.min_token_length), phrases


def prepare_tokens(texts: Sequence[str], settings: VocabularySettings = VocabularySettings()) -> tuple[list[list[str]], pd.DataFrame, int]:
    """Tokenize, join phrases and remove stop words, keeping every unit's terms in memory.

    Returns
    -------
    (token_lists, phrases, n_tokens)
        Filtered tokens per text, the phrase table of :func:`find_phrases`, and the number of raw
        tokens.
    """
    texts = list(texts)
    analyzer, phrases = _analyzer(sample_phrases(texts, settings), settings)
    tokens = [analyzer(t) for t in texts]
    return tokens, phrases, analyzer.n_tokens


def _count_block(texts: Iterable[str], analyzer: _Analyzer, vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Counts of one block of texts; new terms are appended to ``vocabulary`` (first-seen order).

    Rows hold their term columns in ascending order, as scikit-learn's ``CountVectorizer`` builds
    them; the matrix is as wide as the vocabulary after this block.
    """
    indices, values, indptr = array("i"), array("i"), array("q", [0])
    for text in texts:
        counter: dict[int, int] = {}
        for term in analyzer(text):
            column = vocabulary.setdefault(term, len(vocabulary))
            counter[column] = counter.get(column, 0) + 1
        indices.extend(counter.keys())
        values.extend(counter.values())
        indptr.append(len(indices))
    block = sparse.csr_matrix(
        (np.frombuffer(values, dtype=np.intc), np.frombuffer(indices, dtype=np.intc), np.frombuffer(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, len(vocabulary)), dtype=np.int32,
    )
    block.sort_indices()
    return block


def _widen(block: sparse.csr_matrix, n_terms: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((block.data, block.indices, block.indptr), shape=(block.shape[0], n_terms))


def _keep_terms(blocks: list[sparse.csr_matrix], vocabulary: dict[str, int], min_df: int, max_df: int,
                max_features: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which terms survive the cut-offs, as ``CountVectorizer`` decides it.

    Returns
    -------
    (alphabetical, kept, terms)
        ``alphabetical[c]``: alphabetical position of first-seen column ``c``; ``kept``: the kept
        alphabetical positions (ascending); ``terms``: the kept terms.
    """
    n_terms = len(vocabulary)
    ordered = sorted(vocabulary.items())
    alphabetical = np.empty(n_terms, dtype=np.intc)
    alphabetical[[column for _, column in ordered]] = np.arange(n_terms, dtype=np.intc)
    df = np.zeros(n_terms, dtype=np.int64)
    tf = np.zeros(n_terms, dtype=np.int64)
    for block in blocks:
        df[: block.shape[1]] += np.bincount(block.indices, minlength=block.shape[1])
        tf[: block.shape[1]] += np.asarray(block.sum(axis=0)).ravel()
    df_alpha, tf_alpha = np.empty_like(df), np.empty_like(tf)
    df_alpha[alphabetical], tf_alpha[alphabetical] = df, tf
    mask = (df_alpha <= max_df) & (df_alpha >= min_df)
    if max_features is not None and mask.sum() > max_features:
        # the same (unstable) argsort over the same int64 array as CountVectorizer, so ties break alike
        top = (-tf_alpha[mask]).argsort()[:max_features]
        limited = np.zeros(n_terms, dtype=bool)
        limited[np.where(mask)[0][top]] = True
        mask = limited
    kept = np.flatnonzero(mask)
    terms = np.array([term for term, _ in ordered], dtype=object)[kept]
    return alphabetical, kept, terms


def _prune_block(block: sparse.csr_matrix, alphabetical: np.ndarray, kept: np.ndarray) -> sparse.csr_matrix:
    """A block's columns renumbered alphabetically, restricted to the kept terms (entry order kept)."""
    block = _widen(block, len(alphabetical))
    block.indices = alphabetical.take(block.indices, mode="clip")
    return block[:, kept]


def _stack_rows(blocks: list[sparse.csr_matrix], n_columns: int) -> sparse.csr_matrix:
    """Stack CSR blocks vertically, emptying ``blocks`` as they are copied (one copy at a time)."""
    nnz = sum(b.nnz for b in blocks)
    n_rows = sum(b.shape[0] for b in blocks)
    index_dtype = np.intc if nnz <= np.iinfo(np.intc).max else np.int64
    data = np.empty(nnz, dtype=np.int32)
    indices = np.empty(nnz, dtype=index_dtype)
    indptr = np.zeros(n_rows + 1, dtype=index_dtype)
    row = pos = 0
    while blocks:
        block = blocks.pop(0)
        data[pos: pos + block.nnz] = block.data
        indices[pos: pos + block.nnz] = block.indices
        indptr[row + 1: row + 1 + block.shape[0]] = block.indptr[1:] + pos
        row += block.shape[0]
        pos += block.nnz
    return sparse.csr_matrix((data, indices, indptr), shape=(n_rows, n_columns))


def build_vocabulary_blocks(read_blocks: Callable[[], Iterable[Sequence[str]]], n_units: int,
                            settings: VocabularySettings = VocabularySettings()) -> Vocabulary:
    """Sparse unit-by-term counts of texts read block by block (for corpora larger than memory).

    The texts are read twice: once for the phrase sample (every m-th text, as
    :func:`phrase_sample`), once to count terms. Only the sparse counts are kept, so memory grows
    with the number of distinct terms per unit, never with the texts. The result is identical to
    :func:`build_vocabulary` of the concatenated blocks, however they are cut.

    Parameters
    ----------
    read_blocks : callable
        Returns a fresh iterable of blocks (sequences of texts, in corpus order) at each call.
    n_units : int
        The number of texts over all blocks.
    settings : VocabularySettings
        Vocabulary choices.

    Returns
    -------
    Vocabulary

    Raises
    ------
    EmptyVocabularyError
        If no term survives the cut-offs.
    ValueError
        If the blocks do not hold ``n_units`` texts.
    """
    analyzer, phrases = _analyzer(_phrase_sample_blocks(read_blocks(), n_units, settings), settings)
    min_df, max_df = compute_df_cutoffs(n_units, settings)
    vocabulary: dict[str, int] = {}
    blocks = [_count_block(block, analyzer, vocabulary) for block in read_blocks()]
    n_read = sum(b.shape[0] for b in blocks)
    if n_read != n_units:
        raise ValueError(f"The blocks hold {n_read} texts, not n_units = {n_units}.")
    alphabetical, kept, terms = _keep_terms(blocks, vocabulary, min_df, max_df, settings.max_features)
    if not len(kept):
        raise EmptyVocabularyError(
            f"No term occurs in at least {min_df} of {n_units} units after stop-word removal; "
            "the corpus is too small for a topic model or the vocabulary settings are too strict."
        )
    pruned = []
    while blocks:
        pruned.append(_prune_block(blocks.pop(0), alphabetical, kept))
    counts = _stack_rows(pruned, len(kept))
    return Vocabulary(counts, terms, phrases, min_df, max_df, analyzer.n_tokens, settings)


def build_vocabulary(texts: Sequence[str], settings: VocabularySettings = VocabularySettings()) -> Vocabulary:
    """Sparse unit-by-term counts of ``texts`` under ``settings``.

    Texts are tokenised as they are counted, so only the sparse matrix is held, never every
    unit's token list. The counts are those of scikit-learn's ``CountVectorizer`` with this
    module's analyzer and the cut-offs of :func:`df_cutoffs`.

    Parameters
    ----------
    texts : sequence of str
        One text per modelling unit (paragraphs).
    settings : VocabularySettings
        Vocabulary choices.

    Returns
    -------
    Vocabulary
        Counts (CSR, never densified), terms, phrases and the cut-offs used.

    Raises
    ------
    EmptyVocabularyError
        If no term survives the cut-offs (corpus too small or settings too strict).
    """
    texts = list(texts)
    return build_vocabulary_blocks(lambda: (texts,), len(texts), settings)
