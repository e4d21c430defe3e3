"""Matching lists of term patterns fast: literal pre-filters and longest-first, non-overlapping hits.

The gazetteer, the stance lexicon and the frame codebook each hold a few hundred terms, and a
sentence contains the words of only a handful of them. :class:`PatternSet` keeps, for every
term, the literal piece a text must contain for the term to match, indexed so that one pass over
a sentence's words finds the candidate terms; only their regexes are run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

_WORD = re.compile(r"\w+")
_PIECES = re.compile(r"(['’*\s])")


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
    parts = _PIECES.split(term.lower())
    pieces, delims = parts[0::2], parts[1::2]
    best = max(pieces, key=len)
    whole = bool(re.fullmatch(r"\w+", best)) and any(
        piece == best and (i == 0 or delims[i - 1] != "*") and (i >= len(delims) or delims[i] != "*")
        for i, piece in enumerate(pieces))
    return best, whole


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
    """

    patterns: tuple[tuple[re.Pattern[str], Any], ...]
    words: dict[str, tuple[int, ...]]
    substrings: tuple[tuple[int, str], ...]

    @classmethod
    def build(cls, entries: Iterable[tuple[str, re.Pattern[str], Any]]) -> "PatternSet":
        """Index ``(term, compiled pattern, payload)`` entries given in priority order."""
        patterns, words, substrings = [], {}, []
        for i, (term, pattern, payload) in enumerate(entries):
            patterns.append((pattern, payload))
            lit, whole = literal_of(term)
            if whole:
                words.setdefault(lit, []).append(i)
            else:
                substrings.append((i, lit))
        return cls(tuple(patterns), {w: tuple(ix) for w, ix in words.items()}, tuple(substrings))

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
    taken: list[tuple[int, int]] = []
    hits = []
    for i in patterns.candidates(text.lower()):
        pattern, payload = patterns.patterns[i]
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            hits.append((s, e, m.group(0), payload))
    return sorted(hits, key=lambda h: (h[0], h[1]))
