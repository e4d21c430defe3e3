"""Matching lists of term patterns fast: literal pre-filters and longest-first, non-overlapping hits.

The gazetteer, the stance lexicon and the frame codebook each hold a few hundred terms, and a
sentence contains the words of only a handful of them. :class:`PatternSet` keeps, for every
term, the literal piece a text must contain for the term to match, indexed so that one pass over
a sentence's words finds the candidate terms; only their regexes are run.

For a chunk of sentences, :class:`TextIndex` indexes the lower-cased words of all of them at
once: a literal is looked up among the chunk's distinct words, and a term or a regular
expression is run only on the sentences that hold its literal (:meth:`PatternSet.candidates_in`,
:func:`non_overlapping_many`, :meth:`TextIndex.search`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

import numpy as np

_WORD = re.compile(r"\w+")
_PIECES = re.compile(r"(['’*\s])")


def _pieces(term: str) -> list[tuple[str, bool]]:
    """The lower-case pieces of a term between apostrophes, wildcards and spaces, each with
    whether it stands beside a wildcard (``*``)."""
    parts = _PIECES.split(term.lower())
    pieces, delims = parts[0::2], parts[1::2]
    return [(piece, (i > 0 and delims[i - 1] == "*") or (i < len(delims) and delims[i] == "*"))
            for i, piece in enumerate(pieces)]


def literal_of(term: str) -> tuple[str, bool]:
    """The longest lower-case piece of a term and whether it always matches as a whole word.

    Pieces are what lies between apostrophes, wildcards (``*``) and spaces, which the term
    patterns match loosely. A piece of word characters only, with no wildcard beside it, can
    only match as a whole word of the text (the patterns put word boundaries at the term's
    ends, and spaces and apostrophes are not word characters).

    Parameters
    ----------
    term : str
        A gazetteer alias, lexicon or codebook term.

    Returns
    -------
    (str, bool)
        The literal and whether it is a whole word.
    """
    pieces = _pieces(term)
    best = max((piece for piece, _ in pieces), key=len)
    whole = bool(re.fullmatch(r"\w+", best)) and any(piece == best and not wild for piece, wild in pieces)
    return best, whole


def other_words_of(term: str) -> tuple[str, ...]:
    """The term's other pieces (besides :func:`literal_of`'s) that always match as whole ASCII words.

    In a text without the characters that case-insensitive matching equates with ASCII letters
    although ``str.lower`` does not (İ, ı, ſ), a match of the term lower-cases each such piece to a
    word of the lower-cased text. Returns them in order, without repeats.
    """
    best = literal_of(term)[0]
    found = [piece for piece, wild in _pieces(term)
             if piece != best and not wild and piece.isascii() and re.fullmatch(r"\w+", piece)]
    return tuple(dict.fromkeys(found))


def left_bounded(literal: str, before: str = r"\w") -> str:
    """``literal`` with "no ``before`` character in front of it" tested after it.

    Behind the end of a match the literal itself stands, so the lookbehind gives the same matches
    as ``(?<!before)literal``; a regex that starts with its literal is searched much faster.
    ``literal`` must match a fixed width (a lookbehind's limit).
    """
    return f"{literal}(?<!{before}{literal})"


def word_set(lower: str) -> frozenset[str]:
    """The words (runs of word characters) of a lower-cased text, for :meth:`PatternSet.candidates`."""
    return frozenset(_WORD.findall(lower))


@dataclass(frozen=True)
class PatternSet:
    """Compiled term patterns in priority order, with their literals indexed.

    Attributes
    ----------
    patterns : tuple of (compiled pattern, payload)
        In priority order (longest terms first).
    words : dict
        Whole-word literal -> indices of the patterns needing it.
    substrings : tuple of (index, literal)
        The other patterns' literals, tested as substrings.
    other_words : dict
        Pattern index -> the other whole words it needs (:func:`other_words_of`), where it has any.
    """

    patterns: tuple[tuple[re.Pattern[str], Any], ...]
    words: dict[str, tuple[int, ...]]
    substrings: tuple[tuple[int, str], ...]
    other_words: dict[int, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[tuple[str, re.Pattern[str], Any]]) -> PatternSet:
        """Index ``(term, compiled pattern, payload)`` entries given in priority order."""
        patterns, words, substrings, other_words = [], {}, [], {}
        for i, (term, pattern, payload) in enumerate(entries):
            patterns.append((pattern, payload))
            lit, whole = literal_of(term)
            if whole:
                words.setdefault(lit, []).append(i)
            else:
                substrings.append((i, lit))
            others = other_words_of(term)
            if others:
                other_words[i] = others
        return cls(tuple(patterns), {w: tuple(ix) for w, ix in words.items()}, tuple(substrings), other_words)

    def __len__(self) -> int:
        return len(self.patterns)

    def candidates(self, lower: str, words: frozenset[str] | None = None) -> list[int]:
        """Indices (in priority order) of the patterns whose literal occurs in ``lower``.

        A pattern not listed cannot match the text, so running only these gives the same hits.
        ``words`` are :func:`text_words` of ``lower`` when the caller has them already.
        """
        found: set[int] = set()
        if self.words:
            for word in words if words is not None else word_set(lower):
                hit = self.words.get(word)
                if hit:
                    found.update(hit)
        found.update(i for i, lit in self.substrings if lit in lower)
        return sorted(found)

    def candidates_in(self, index: TextIndex) -> list[list[int]]:
        """:meth:`candidates` of every text of a chunk, from its word index.

        Parameters
        ----------
        index : TextIndex
            The chunk.

        Returns
        -------
        list of list of int
            Per text, the indices (in priority order) of the patterns whose literal occurs in it.
        """
        texts_of: dict[int, np.ndarray] = {}
        for word, ixs in self.words.items():
            found = index.with_word(word)
            texts_of.update((i, found) for i in ixs)
        for i, lit in self.substrings:
            texts_of[i] = index.containing(lit)
        for i, others in self.other_words.items():
            if i in texts_of and len(texts_of[i]):
                texts_of[i] = index.with_words(texts_of[i], others)
        out: list[list[int]] = [[] for _ in range(len(index))]
        for i in sorted(texts_of):
            for t in texts_of[i].tolist():
                out[t].append(i)
        return out


def _take(text: str, patterns: PatternSet, candidates: list[int]) -> list[tuple[int, int, str, Any]]:
    """Matches of the candidate patterns in priority order, skipping any that overlaps an earlier one."""
    # the taken spans, disjoint and in order, so both their starts and their ends are sorted: the
    # only one that can overlap a new match is the first that ends after the match starts
    starts: list[int] = []
    ends: list[int] = []
    hits = []
    for i in candidates:
        pattern, payload = patterns.patterns[i]
        for m in pattern.finditer(text):
            s, e = m.span()
            k = bisect_right(ends, s)
            if k < len(starts) and starts[k] < e:
                continue
            starts.insert(k, s)
            ends.insert(k, e)
            hits.append((s, e, m.group(0), payload))
    return sorted(hits, key=lambda h: (h[0], h[1]))


def non_overlapping(text: str, patterns: PatternSet) -> list[tuple[int, int, str, Any]]:
    """Match patterns in priority order, skipping any match that overlaps an earlier one.

    Parameters
    ----------
    text : str
        The text to search.
    patterns : PatternSet
        Term patterns, longest terms first.

    Returns
    -------
    list of (start, end, surface, payload)
        Sorted by position.
    """
    return _take(text, patterns, patterns.candidates(text.lower()))


def non_overlapping_many(index: TextIndex, patterns: PatternSet) -> list[list[tuple[int, int, str, Any]]]:
    """:func:`non_overlapping` of every text of a chunk.

    Parameters
    ----------
    index : TextIndex
        The chunk.
    patterns : PatternSet
        Term patterns, longest terms first.

    Returns
    -------
    list of list of (start, end, surface, payload)
        Per text, sorted by position.
    """
    return [_take(text, patterns, cands) if cands else []
            for text, cands in zip(index.texts, patterns.candidates_in(index))]


# ----------------------------------------------------------------------------- chunk index

#: characters that re's IGNORECASE matches with "i" or "s" although ``str.lower`` maps them elsewhere
#: (İ also lower-cases to two characters); a text holding one is always a candidate
_UNCASEABLE = re.compile("[\u0130\u0131\u017f]")
_WORD_ONLY = re.compile(r"\w+")


class TextIndex:
    """The lower-cased words of a chunk of texts, to find the texts that may hold a literal.

    Built once per chunk; a lookup goes through the chunk's distinct words, not its texts.

    Parameters
    ----------
    texts : list of str
        The chunk.

    Attributes
    ----------
    texts : list of str
        The texts as given.
    lowers : list of str
        The texts lower-cased.
    words : list of list of str
        The words (runs of word characters) of each lower-cased text, in order.
    """

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.lowers = [t.lower() for t in self.texts]
        self.words = [_WORD.findall(lower) for lower in self.lowers]
        ids: dict[str, int] = {}
        word_ids = np.array([ids.setdefault(w, len(ids)) for ws in self.words for w in ws], dtype=np.int64)
        text_ids = np.repeat(np.arange(len(self.texts)), [len(ws) for ws in self.words])
        n = max(len(self.texts), 1)
        pairs = np.sort(word_ids * n + text_ids)  # (word, text), once each, by word then text
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
        self._ids = ids
        self._vocabulary = "\0" + "\0".join(ids) + "\0"
        self._starts = (np.cumsum([0] + [len(w) + 1 for w in ids])[:-1] + 1).tolist()
        self._ptr = np.searchsorted(pairs // n, np.arange(len(ids) + 1))
        self._texts_of_words = pairs % n
        joined = "\0".join(self.texts)
        self._uncaseable = np.array([i for i, t in enumerate(self.texts) if _UNCASEABLE.search(t)], dtype=np.int64) \
            if _UNCASEABLE.search(joined) else np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.texts)

    def _texts_of(self, word_ids: list[int]) -> np.ndarray:
        if not word_ids:
            return np.zeros(0, dtype=np.int64)
        if len(word_ids) == 1:
            w = word_ids[0]
            return self._texts_of_words[self._ptr[w]:self._ptr[w + 1]]
        return np.unique(np.concatenate([self._texts_of_words[self._ptr[w]:self._ptr[w + 1]] for w in word_ids]))

    def _words_with(self, literal: str, prefix: bool) -> list[int]:
        """Ids of the distinct words that start with (or else contain) a literal of word characters."""
        found, vocabulary, starts = [], self._vocabulary, self._starts
        needle = "\0" + literal if prefix else literal
        pos = vocabulary.find(needle)
        while pos >= 0:
            w = bisect_right(starts, pos + prefix) - 1
            found.append(w)
            pos = vocabulary.find(needle, starts[w + 1] - prefix if w + 1 < len(starts) else len(vocabulary))
        return found

    def with_word(self, word: str) -> np.ndarray:
        """Sorted ids of the texts that have ``word`` (lower-case) among their words."""
        w = self._ids.get(word)
        return self._texts_of([] if w is None else [w])

    def with_words(self, among: np.ndarray, words: tuple[str, ...]) -> np.ndarray:
        """The texts of ``among`` (sorted ids) that have all ``words`` (lower-case ASCII) among their words.

        Texts holding İ, ı or ſ are kept whatever their words (see :func:`other_words_of`).
        """
        keep = among
        for word in words:
            keep = np.intersect1d(keep, self.with_word(word), assume_unique=True)
        return np.union1d(keep, np.intersect1d(among, self._uncaseable, assume_unique=True))

    def with_prefix(self, prefix: str) -> np.ndarray:
        """Sorted ids of the texts with a word that starts with ``prefix`` (lower-case word characters)."""
        return self._texts_of(self._words_with(prefix, True))

    def containing(self, literal: str) -> np.ndarray:
        """Sorted ids of the texts whose lower-cased form contains ``literal``."""
        if _WORD_ONLY.fullmatch(literal):  # inside one word of the text
            return self._texts_of(self._words_with(literal, False))
        pieces = _WORD.findall(literal)
        piece = max(pieces, key=len) if pieces else ""
        among = self._texts_of(self._words_with(piece, False)).tolist() if len(piece) > 2 else range(len(self))
        lowers = self.lowers
        return np.array([i for i in among if literal in lowers[i]], dtype=np.int64)

    def may_match(self, pattern: re.Pattern) -> np.ndarray:
        """Sorted ids of the texts in which ``pattern`` may match (a superset of those where it does).

        The literals every match must contain are read from the pattern (:func:`regex_triggers`);
        a pattern without such literals may match anywhere.
        """
        triggers = regex_triggers(pattern)
        if triggers is None:
            return np.arange(len(self))
        find = {"word": self.with_word, "prefix": self.with_prefix, "infix": self.containing,
                "text": self.containing}
        return np.unique(np.concatenate([find[kind](lit) for kind, lit in triggers] + [self._uncaseable]))

    def search(self, pattern: re.Pattern) -> np.ndarray:
        """``bool(pattern.search(text))`` of every text, searching only where it may match.

        Returns
        -------
        ndarray of bool
        """
        out = np.zeros(len(self), dtype=bool)
        texts = self.texts
        for i in self.may_match(pattern).tolist():
            out[i] = pattern.search(texts[i]) is not None
        return out


# ----------------------------------------------------------------------------- literals of a regex

_MAX_ALTERNATIVES = 512
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_WORD_CHAR = re.compile(r"\w")
_KIND_BONUS = {"word": 3, "prefix": 1, "infix": 0, "text": 2}


def _expand(items: Iterable) -> list[list] | None:
    """A parsed pattern as plain sequences: branches, optional items and small literal sets spelled out."""
    out: list[list] = [[]]
    for op, av in items:
        if op is sre.BRANCH:
            subs = [_expand(alt) for alt in av[1]]
            subs = None if any(s is None for s in subs) else [seq for s in subs for seq in s]
        elif op is sre.SUBPATTERN:
            subs = None if av[1] or av[2] else _expand(av[3])  # inline flags: no expansion
        elif op is sre.IN and len(av) <= 4 and all(o is sre.LITERAL for o, _ in av):
            subs = [[(sre.LITERAL, v)] for _, v in av]
        elif op in _REPEATS and av[:2] == (0, 1):
            inner = _expand(av[2])
            subs = None if inner is None else [[]] + inner
        else:
            subs = [[(op, av)]]
        if subs is None:
            return None
        out = [a + b for a in out for b in subs]
        if len(out) > _MAX_ALTERNATIVES:
            return None
    return out


def _non_word_class(op: int, av: Any) -> bool:
    """An item that matches one character and never a word character (``\\s``, ``\\W``, ``[,;]``)."""
    if op is sre.LITERAL:
        return not _WORD_CHAR.match(chr(av))
    if op is not sre.IN:
        return False
    return all((o is sre.CATEGORY and a in (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD))
               or (o is sre.LITERAL and not _WORD_CHAR.match(chr(a))) for o, a in av)


def _excludes_word(sub: Any) -> bool:
    """A look-around body that matches every word character (so its negation rules them out)."""
    items = list(sub)
    return len(items) == 1 and items[0][0] is sre.IN and (sre.CATEGORY, sre.CATEGORY_WORD) in items[0][1]


def _after_non_word(op: int, av: Any, before: bool) -> bool:
    """Whether the character before the next item is certainly not a word character (or the text starts)."""
    if op is sre.AT:
        return av in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING) or before
    if op is sre.ASSERT_NOT and av[0] == -1:
        return _excludes_word(av[1]) or before
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return before
    if op in _REPEATS:
        body = list(av[2])
        if len(body) == 1 and _non_word_class(*body[0]):
            return before if av[0] == 0 else True
        return False
    return _non_word_class(op, av)


def _before_non_word(op: int, av: Any) -> bool:
    """Whether the character after a run of word characters followed by this item is certainly not one."""
    if op is sre.AT:
        return av in (sre.AT_BOUNDARY, sre.AT_END, sre.AT_END_STRING)
    if op is sre.ASSERT_NOT and av[0] == 1:
        return _excludes_word(av[1])
    if op in _REPEATS:
        body = list(av[2])
        return av[0] >= 1 and len(body) == 1 and _non_word_class(*body[0])
    return _non_word_class(op, av)


def _sequence_triggers(items: list) -> list[tuple[str, str]]:
    """The literal runs of one plain sequence, each as (kind, lower-case literal).

    ``word``: a whole word of the text; ``prefix``: the start of a word; ``infix``: inside a word;
    ``text``: a substring of ASCII characters (word or not).
    """
    found: list[tuple[str, str]] = []
    run, text, left, before = "", "", False, False
    for k, (op, av) in enumerate(items + [(None, None)]):
        c = chr(av) if op is sre.LITERAL else ""
        if c and c.isascii() and _WORD_CHAR.match(c):
            if not run:
                left = before
            run, text, before = run + c.lower(), text + c.lower(), False
            continue
        if run:
            right = op is not None and _before_non_word(op, av)
            found.append(("word" if left and right else "prefix" if left else "infix", run))
            run = ""
        if c and c.isascii():
            text += c.lower()
        else:
            if len(text) > 1 and not _WORD_ONLY.fullmatch(text):
                found.append(("text", text))
            text = ""
        before = op is not None and _after_non_word(op, av, before)
    return found


@lru_cache(maxsize=256)
def regex_triggers(pattern: re.Pattern) -> tuple[tuple[str, str], ...] | None:
    """Literals of which every match of a pattern holds one, as (kind, lower-case literal).

    The pattern is parsed and spelled out into plain sequences (branches, optional items, small
    literal sets); each sequence contributes its most selective literal run: a whole word (a run
    of word characters with certain non-word characters or edges around it), the start of a
    word, a piece inside a word, or a substring. Case: the literals are lower-cased and looked up
    in lower-cased text; texts with the few characters that ``IGNORECASE`` matches differently
    (İ, ı, ſ) are left to the pattern itself.

    Parameters
    ----------
    pattern : Pattern
        A compiled pattern (``str``, not ``ASCII``).

    Returns
    -------
    tuple of (kind, literal), or None
        None when some sequence has no literal run (the pattern may match anywhere).
    """
    if pattern.flags & re.ASCII or not isinstance(pattern.pattern, str):
        return None
    try:
        sequences = _expand(sre_parse.parse(pattern.pattern, pattern.flags))
    except (re.error, TypeError, ValueError):
        return None
    if sequences is None:
        return None
    triggers = set()
    for seq in sequences:
        found = _sequence_triggers(seq)
        if not found:
            return None
        triggers.add(max(found, key=lambda t: (len(t[1]) + _KIND_BONUS[t[0]], t[0] == "word")))
    return tuple(sorted(triggers))
