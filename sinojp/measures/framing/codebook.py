"""The codebook of frames as weighted terms, matched in sentences with keyword-in-context evidence."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.framing.batch import TextBatch
from sinojp.text.textmatch import PatternSet, left_bounded, word_set

KWIC_COLUMNS = ["doc_id", "sent_id", "frame", "term", "left", "match", "right"]


# ---------------------------------------------------------------- codebook
def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Return the frame codebook.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns ``frame, term, weight`` (``case_sensitive`` optional) used instead
        of the packaged ``resources/frames.csv``.

    Returns
    -------
    DataFrame
        ``frame, term, weight, case_sensitive`` (bool), frames in codebook order.
    """
    if path is None:
        with resources.files("sinojp.resources").joinpath("frames.csv").open(encoding="utf-8") as fh:
            book = pd.read_csv(fh, dtype=str, keep_default_na=False)
    else:
        book = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"frame", "term", "weight"} - set(book.columns)
    if missing:
        raise ValueError(f"codebook lacks columns {sorted(missing)}")
    if "case_sensitive" not in book:
        book["case_sensitive"] = "0"
    book = book[["frame", "term", "weight", "case_sensitive"]].copy()
    book["term"] = book["term"].str.strip()
    book["weight"] = book["weight"].astype(float)
    book["case_sensitive"] = book["case_sensitive"].astype(str).str.strip().isin(["1", "true", "True"])
    return book[book["term"] != ""].drop_duplicates(["frame", "term"]).reset_index(drop=True)


@lru_cache(maxsize=8)
def list_frames(path: str | None = None) -> tuple[str, ...]:
    """The codebook's frames, in the order its file first lists them (``resources/frames.csv``).

    Parameters
    ----------
    path : str, optional
        Another codebook file (see :func:`load_codebook`).
    """
    return tuple(dict.fromkeys(load_codebook(path)["frame"]))


def _term_regex(term: str, case_sensitive: bool) -> str:
    body = re.escape(term).replace(r"\*", r"[\w-]*").replace(r"\ ", r"\s+")
    body = body.replace("'", "['’]").replace("’", "['’]")
    return f"(?-i:{body})" if case_sensitive else body


@lru_cache(maxsize=8)
def _compiled(path: str | None = None) -> tuple[tuple[str, tuple[tuple[str, float], ...], tuple[str, ...], PatternSet], ...]:
    """Per frame: its terms longest first, each term's regex alternative, and the terms' literals.

    Alternative ``i`` is the named group ``t<i>`` (term ``i``); the literals (the terms' longest
    lower-case pieces, which a text must contain for the term to match) sit in a
    :class:`~sinojp.text.PatternSet`.
    """
    book = load_codebook(path)
    out = []
    for frame in list_frames(path):
        rows = book[book["frame"] == frame]
        rows = rows.assign(_len=rows["term"].str.len()).sort_values(
            ["_len", "term"], ascending=[False, True], kind="mergesort")
        terms = tuple((r.term, float(r.weight)) for r in rows.itertuples(index=False))
        if not terms:
            continue
        alternatives = tuple(f"(?P<t{i}>{_term_regex(r.term, r.case_sensitive)})"
                             for i, r in enumerate(rows.itertuples(index=False)))
        # the index only serves its literal pre-filter: the frame's regex is the alternation
        literals = PatternSet.build((t, None, None) for t, _ in terms)
        out.append((frame, terms, alternatives, literals))
    return tuple(out)


@lru_cache(maxsize=4096)
def _alternation(alternatives: tuple[str, ...]) -> re.Pattern:
    """The frame regex over some of its terms (in codebook priority order)."""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def _frame_hits(text: str, frame: str, terms: tuple[tuple[str, float], ...], alternatives: tuple[str, ...],
                indices: list[int]) -> list[dict]:
    """The hits of one frame in a text, given the (sorted) indices of its terms that can match.

    A term whose literal is absent can never win a position, so the alternation over the
    remaining terms finds exactly the matches of the full one, with far fewer branches.
    """
    hits = []
    for m in _alternation(tuple(alternatives[i] for i in indices)).finditer(text):
        term, weight = terms[int(m.lastgroup[1:])]
        hits.append({"frame": frame, "term": term, "weight": weight,
                     "start": m.start(), "end": m.end(), "match": m.group(0)})
    return hits


#: A term the lower-case path handles: ASCII, starting with a letter or digit.
_PLAIN_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9 *'.\-]*")

#: Non-ASCII characters (a text whose non-ASCII characters have no case lower-cases letter for letter).
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _lower_regex(term: str, case_sensitive: bool) -> str | None:
    """A term's regex for lower-cased text, or ``None`` (case-sensitive or not a plain term).

    The left boundary check follows the term's leading run of letters and digits (a lookbehind
    over the run and the character before it), so that the run is a literal prefix that the
    regex engine searches for quickly.
    """
    if case_sensitive or not _PLAIN_TERM.fullmatch(term):
        return None
    lower = term.lower()
    lead = re.match(r"[a-z0-9]+", lower).group(0)
    return left_bounded(lead, r"[\w-]") + _term_regex(lower[len(lead):], False)


@lru_cache(maxsize=8)
def _lower_alternatives(path: str | None = None) -> tuple[tuple[str | None, ...], ...]:
    """Per frame of :func:`_compiled`, each term's :func:`_lower_regex` (same order)."""
    book = load_codebook(path)
    sensitive = dict(zip(zip(book["frame"], book["term"]), book["case_sensitive"]))
    return tuple(tuple(_lower_regex(t, bool(sensitive[(frame, t)])) for t, _ in terms)
                 for frame, terms, _alternatives, _literals in _compiled(path))


@lru_cache(maxsize=8192)
def _lower_alternation(codebook: str | None, frame: int, indices: tuple[int, ...]) -> re.Pattern | None:
    """The regex of a frame (number in :func:`_compiled`) over some of its terms, for lower-cased
    text, or ``None`` if one of them is not plain (:func:`_lower_regex`).

    Each alternative ends with an empty group, so that a match's ``lastindex`` tells which term won.
    """
    alternatives = _lower_alternatives(codebook)[frame]
    if any(alternatives[i] is None for i in indices):
        return None
    return re.compile(rf"(?:{'|'.join(f'{alternatives[i]}()' for i in indices)})(?!\w)")


def _lower_hits(text: str, lower: str, frame: str, terms: tuple[tuple[str, float], ...], regex: re.Pattern,
                indices: tuple[int, ...]) -> list[dict]:
    """:func:`_frame_hits` from the lower-cased text, with the frame's :func:`_lower_alternation`.

    Valid when the text lower-cases letter for letter (:func:`_letterwise_rows`) and the terms
    are plain: a case-insensitive match of an ASCII term is then a match of the lower-cased term
    in the lower-cased text at the same place.
    """
    hits = []
    for m in regex.finditer(lower):
        start, end = m.span()
        term, weight = terms[indices[m.lastindex - 1]]
        hits.append({"frame": frame, "term": term, "weight": weight,
                     "start": start, "end": end, "match": text[start:end]})
    return hits


def _letterwise_rows(batch: TextBatch) -> np.ndarray:
    """Which texts have no non-ASCII character with a case (their ``lower()`` maps letter for letter)."""
    joined = batch.joined
    safe = np.ones(len(batch), dtype=bool)
    if joined.isascii():
        return safe
    cased = [c for c in set(_NON_ASCII.findall(joined)) if c.lower() != c or c.upper() != c]
    if cased:
        regex = re.compile("|".join(map(re.escape, cased)))
        safe[[i for i, t in enumerate(batch.texts) if regex.search(t)]] = False
    return safe


def _by_position(hits: list[dict], codebook: str | None, order: dict[str, int] | None = None) -> list[dict]:
    """Hits sorted by start, then frame order (``order``: frame -> its number, if at hand)."""
    if len(hits) < 2:
        return hits
    if order is None:
        order = _frame_order(codebook)
    return sorted(hits, key=lambda h: (h["start"], order[h["frame"]]))


@lru_cache(maxsize=8)
def _frame_order(codebook: str | None) -> dict[str, int]:
    """Frame -> its number in :func:`list_frames`."""
    return {f: i for i, f in enumerate(list_frames(codebook))}


def match_frames(text: str, codebook: str | None = None) -> list[dict]:
    """All codebook hits in one text.

    Within a frame, matches do not overlap (longest term wins); the same words may count for
    two frames ("US-Japan alliance" is both ``us_factor`` and ``security``). Terms match on word
    boundaries and case-insensitively unless marked ``case_sensitive``; a ``*`` in a term matches
    the rest of a word.

    Parameters
    ----------
    text : str
        A sentence or any other text.
    codebook : str, optional
        A codebook CSV to use instead of the packaged one (see :func:`load_codebook`).

    Returns
    -------
    list of dict
        ``frame, term, weight, start, end, match`` sorted by start then frame order: the frame,
        the codebook term that matched and its weight, the character span and the matched text.
    """
    hits = []
    lower = text.lower()
    words = word_set(lower)
    for frame, terms, alternatives, literals in _compiled(codebook):
        present = literals.candidates(lower, words)
        if present:
            hits.extend(_frame_hits(text, frame, terms, alternatives, present))
    return _by_position(hits, codebook)


@lru_cache(maxsize=8)
def _literal_index(path: str | None = None) -> tuple[dict[str, tuple[tuple[int, int], ...]],
                                                     tuple[tuple[str, tuple[tuple[int, int], ...]], ...]]:
    """The terms' literals over all frames: whole-word literal -> ``(frame number, term number)``
    pairs (numbers into :func:`_compiled`), and the substring literals with theirs."""
    words: dict[str, list[tuple[int, int]]] = {}
    substrings: dict[str, list[tuple[int, int]]] = {}
    for k, (_frame, _terms, _alternatives, literals) in enumerate(_compiled(path)):
        for word, indices in literals.words.items():
            words.setdefault(word, []).extend((k, i) for i in indices)
        for i, literal in literals.substrings:
            substrings.setdefault(literal, []).append((k, i))
    return ({w: tuple(p) for w, p in words.items()},
            tuple((lit, tuple(p)) for lit, p in substrings.items()))


@lru_cache(maxsize=8)
def _word_pairs(path: str | None = None) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_literal_index`'s whole-word literals as arrays: word -> number, and per number the
    first of its ``(frame number, term number)`` pairs in the flat pair arrays ``k`` and ``i``
    (one more entry at the end)."""
    words, _substrings = _literal_index(path)
    first = np.cumsum([0] + [len(p) for p in words.values()])
    pairs = [pair for p in words.values() for pair in p]
    k = np.array([pair[0] for pair in pairs], dtype=np.int64)
    i = np.array([pair[1] for pair in pairs], dtype=np.int64)
    return {w: n for n, w in enumerate(words)}, first, k, i


def _expand_pairs(rows: np.ndarray, first: np.ndarray, count: np.ndarray, k: np.ndarray, i: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, frame number, term number)`` for every row and each of its ``count`` pairs from ``first``."""
    ends = np.cumsum(count)
    index = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(first - ends + count, count)
    return np.repeat(rows, count), k[index], i[index]


def _candidates(batch: TextBatch, codebook: str | None) -> list[tuple[int, int, tuple[int, ...]]]:
    """``(text number, frame number, terms)`` for every text and frame with a term whose literal the
    lower-cased text contains: those terms, sorted."""
    number, first, pair_k, pair_i = _word_pairs(codebook)
    _words, substrings = _literal_index(codebook)
    tokens = batch.tokens(r"\w+", lower=True)
    word_of = np.array([number.get(t, -1) for t in tokens.types], dtype=np.int64)
    n_types = max(len(word_of), 1)
    occurs = word_of[tokens.codes] >= 0
    keys = np.unique(tokens.rows[occurs] * n_types + tokens.codes[occurs])
    words = word_of[keys % n_types]
    parts = [_expand_pairs(keys // n_types, first[words], first[words + 1] - first[words], pair_k, pair_i)]
    for literal, literal_pairs in substrings:
        rows = batch.rows_containing(literal)
        k = np.array([pair[0] for pair in literal_pairs], dtype=np.int64)
        i = np.array([pair[1] for pair in literal_pairs], dtype=np.int64)
        parts.append((np.repeat(rows, len(k)), np.tile(k, len(rows)), np.tile(i, len(rows))))
    rows, k, i = (np.concatenate(column) for column in zip(*parts))
    n_frames, n_terms = max(len(_compiled(codebook)), 1), int(i.max()) + 1 if len(i) else 1
    triples = np.unique((rows * n_frames + k) * n_terms + i)
    groups = triples // n_terms
    starts = np.flatnonzero(np.concatenate([[True], groups[1:] != groups[:-1]])) if len(groups) else groups
    bounds = np.append(starts, len(groups)).tolist()
    terms = (triples % n_terms).tolist()
    firsts = groups[starts]
    return list(zip((firsts // n_frames).tolist(), (firsts % n_frames).tolist(),
                    [tuple(terms[a:b]) for a, b in pairwise(bounds)]))


def match_frames_batch(texts: list[str] | TextBatch, codebook: str | None = None) -> list[list[dict]]:
    """:func:`match_frames` of many texts (the same hits, found chunk-wise).

    The literals of the codebook terms are looked up once for all texts (words in their
    tokens, other literals in the joined lower-cased texts); each frame's regex then runs only
    on the texts with a candidate term.

    Parameters
    ----------
    texts : list of str or TextBatch
        Sentences.
    codebook : str, optional
        A codebook CSV to use instead of the packaged one.

    Returns
    -------
    list of list of dict
        ``match_frames(text, codebook)`` of each text.
    """
    batch = texts if isinstance(texts, TextBatch) else TextBatch(texts)
    compiled = _compiled(codebook)
    hits: list[list[dict]] = [[] for _ in range(len(batch))]
    letterwise = _letterwise_rows(batch)
    lowered: dict[int, str] = {}
    for row, k, indices in _candidates(batch, codebook):
        frame, terms, alternatives, _literals = compiled[k]
        text = batch.texts[row]
        regex = _lower_alternation(codebook, k, indices) if letterwise[row] else None
        if regex is None:
            hits[row].extend(_frame_hits(text, frame, terms, alternatives, list(indices)))
            continue
        lower = lowered.get(row)
        if lower is None:
            lower = lowered[row] = text.lower()
        hits[row].extend(_lower_hits(text, lower, frame, terms, regex, indices))
    order = _frame_order(codebook)
    return [_by_position(h, codebook, order) for h in hits]


def extract_kwic(sentences: pd.DataFrame, window: int = 6, codebook: str | None = None) -> pd.DataFrame:
    """Keyword-in-context table of every codebook hit.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text``.
    window : int
        Words of context kept on each side.
    codebook : str, optional
        Alternative codebook CSV.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, frame, term, left, match, right``.
    """
    rows = []
    for doc_id, sent_id, text in sentences[["doc_id", "sent_id", "text"]].itertuples(index=False):
        text = str(text)
        for h in match_frames(text, codebook):
            left = " ".join(text[: h["start"]].split()[-window:])
            right = " ".join(text[h["end"]:].split()[:window])
            rows.append({"doc_id": doc_id, "sent_id": sent_id, "frame": h["frame"],
                         "term": h["term"], "left": left, "match": h["match"], "right": right})
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def list_codebook_examples(codebook: str | None = None) -> pd.DataFrame:
    """Codebook terms as one-phrase training examples (``text, frame``), wildcards removed."""
    book = load_codebook(codebook)
    return pd.DataFrame({"text": book["term"].str.replace("*", "", regex=False), "frame": book["frame"]})
