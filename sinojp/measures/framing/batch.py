"""The sentences of a chunk, split and tokenised once for the frame features.

Matching a regular expression sentence by sentence costs a Python call each time, and a chunk's
sentences repeat most of their words. A :class:`TextBatch` splits all texts at white space in one
pass, keeps each distinct piece once, and tokenises only the distinct pieces (joined by
:data:`SEPARATOR`, in one regex pass); the tokens of every text are then gathered with numpy. The
tokens are exactly ``re.findall(pattern, text)`` (or of ``text.lower()``) for the patterns used
here, which match no white space and look no further than word boundaries: a white space is a
boundary as the ends of a piece are, and ``str.lower`` maps white space to itself and never needs
context beyond it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

#: Joins texts or pieces: not a word character, not white space, matched by none of the patterns.
SEPARATOR = "\x00"


@dataclass(frozen=True)
class Tokens:
    """The token occurrences of some texts, in text order.

    Attributes
    ----------
    types : list of str
        The distinct tokens, in order of first occurrence.
    codes : ndarray of int
        Per occurrence, its index in ``types``.
    rows : ndarray of int
        Per occurrence, the number of its text (non-decreasing).
    """

    types: list[str]
    codes: np.ndarray
    rows: np.ndarray

    @cached_property
    def _by_type(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The occurrences grouped by type: their order, and each type's count and first place."""
        counts = np.bincount(self.codes, minlength=len(self.types))
        return np.argsort(self.codes, kind="stable"), counts, np.cumsum(counts) - counts

    def rows_with(self, type_mask: np.ndarray) -> np.ndarray:
        """The texts (with repeats, unordered) of the occurrences of the types flagged in ``type_mask``."""
        order, counts, first = self._by_type
        flagged = np.flatnonzero(type_mask)
        n = counts[flagged]
        ends = np.cumsum(n)
        index = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(first[flagged] - ends + n, n)
        return self.rows[order[index]]

    @cached_property
    def lines(self) -> tuple[str, np.ndarray]:
        """The types joined by newlines, and where each starts (for :func:`flag_types`)."""
        return "\n".join(self.types), np.cumsum([0] + [len(t) + 1 for t in self.types[:-1]])


def _from_stream(found: list[str], n_texts: int) -> Tokens:
    """Tokens from one token stream in which :data:`SEPARATOR` tokens end the texts."""
    codes, types = pd.factorize(np.array(found, dtype=object))
    types = types.tolist()
    if n_texts < 2:
        return Tokens(types, codes, np.zeros(len(codes), dtype=np.int64))
    sep = types.index(SEPARATOR)
    is_break = codes == sep
    codes = codes[~is_break]
    del types[sep]
    return Tokens(types, codes - (codes > sep), np.cumsum(is_break)[~is_break])


def _from_lists(found: list[list[str]]) -> Tokens:
    """Tokens from each text's token list."""
    lengths = np.array([len(f) for f in found], dtype=np.int64)
    codes, types = pd.factorize(np.array([tok for f in found for tok in f], dtype=object))
    return Tokens(types.tolist(), codes, np.repeat(np.arange(len(found)), lengths))


def _has_no_separator(texts: list[str], joined: str) -> bool:
    return joined.count(SEPARATOR) == max(len(texts) - 1, 0)


@lru_cache(maxsize=16)
def _compiled(pattern: str, with_separator: bool) -> re.Pattern[str]:
    return re.compile(f"{pattern}|{SEPARATOR}" if with_separator else pattern)


def split_pieces(texts: list[str]) -> Tokens:
    """``text.split()`` of every text (its pieces between white space) as :class:`Tokens`."""
    joined = f" {SEPARATOR} ".join(texts)
    if _has_no_separator(texts, joined):
        return _from_stream(joined.split(), len(texts))
    return _from_lists([t.split() for t in texts])


def tokenize(texts: list[str], pattern: str) -> Tokens:
    """``re.findall(pattern, text)`` of every text as :class:`Tokens` (one regex pass).

    ``pattern`` must not match :data:`SEPARATOR` nor look past a non-word character next to a
    match (``\\w+`` and the n-gram token patterns qualify): one ``findall`` over the texts joined
    by the separator, with the separator as a token of its own, then finds every text's tokens.
    """
    joined = SEPARATOR.join(texts)
    if _has_no_separator(texts, joined):
        return _from_stream(_compiled(pattern, True).findall(joined), len(texts))
    regex = _compiled(pattern, False)
    return _from_lists([regex.findall(t) for t in texts])


def _expand(pieces: Tokens, inner: Tokens) -> Tokens:
    """The tokens of every text, from its pieces and the tokens of each distinct piece.

    ``inner.rows`` number the piece types (``pieces.types``).
    """
    per_type = np.bincount(inner.rows, minlength=len(pieces.types))
    first = np.concatenate([[0], np.cumsum(per_type)[:-1]]).astype(np.int64)
    counts = per_type[pieces.codes]
    ends = np.cumsum(counts)
    # position j of the text's tokens comes from token (j - start of its piece) of the piece type
    index = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(first[pieces.codes] - ends + counts, counts)
    return Tokens(inner.types, inner.codes[index], np.repeat(pieces.rows, counts))


class TextBatch:
    """Texts with their pieces, lower-cased pieces and tokens, each computed once.

    Parameters
    ----------
    texts : list of str
        The sentences (converted with ``str``).
    """

    def __init__(self, texts: list[str]) -> None:
        self.texts: list[str] = [str(t) for t in texts]
        self._tokens: dict[tuple[str, bool], Tokens] = {}

    def __len__(self) -> int:
        return len(self.texts)

    @cached_property
    def joined(self) -> str:
        """The texts joined by :data:`SEPARATOR`."""
        return SEPARATOR.join(self.texts)

    @cached_property
    def starts(self) -> list[int]:
        """Where each text starts in :attr:`joined`."""
        return np.concatenate([[0], np.cumsum([len(t) + 1 for t in self.texts])]).astype(np.int64).tolist()

    @cached_property
    def pieces(self) -> Tokens:
        """The pieces between white space of every text."""
        return split_pieces(self.texts)

    @cached_property
    def lower_pieces(self) -> list[str]:
        """Each distinct piece lower-cased (``text.lower().split()`` is these pieces)."""
        return [p.lower() for p in self.pieces.types]

    @cached_property
    def _lower_pieces_joined(self) -> tuple[str, list[int]]:
        text = SEPARATOR.join(self.lower_pieces)
        return text, np.concatenate([[0], np.cumsum([len(p) + 1 for p in self.lower_pieces])]).tolist()

    def row_at(self, position: int) -> int:
        """The text that a position of :attr:`joined` falls in."""
        return bisect_right(self.starts, position) - 1

    def tokens(self, pattern: str, lower: bool = False) -> Tokens:
        """``re.findall(pattern, text)`` (or of ``text.lower()``) of every text, computed once.

        ``pattern`` must match no white space nor :data:`SEPARATOR` and look no further than word
        boundaries (``\\w+`` and the n-gram token patterns qualify).
        """
        key = (pattern, lower)
        if key not in self._tokens:
            types = self.lower_pieces if lower else self.pieces.types
            self._tokens[key] = _expand(self.pieces, tokenize(types, pattern))
        return self._tokens[key]

    def rows_containing(self, literal: str) -> np.ndarray:
        """The texts whose lower-cased form contains ``literal``, in order."""
        if not literal or any(c.isspace() or c == SEPARATOR for c in literal):
            return np.array([i for i, t in enumerate(self.texts) if literal in t.lower()], dtype=np.int64)
        text, starts = self._lower_pieces_joined
        mask = np.zeros(len(self.lower_pieces), dtype=bool)
        pos = text.find(literal)
        while pos >= 0:
            piece = bisect_right(starts, pos) - 1
            mask[piece] = True
            pos = text.find(literal, starts[piece + 1])
        return np.unique(self.pieces.rows_with(mask))


def flag_types(regex: re.Pattern[str], tokens: Tokens) -> np.ndarray:
    """Which token types ``regex`` matches whole (``fullmatch``), as a boolean array.

    The types (runs of word characters, so no line break, nor may ``regex`` match one) are
    scanned in one pass, joined by newlines, with the pattern anchored at line starts and ends.
    """
    mask = np.zeros(len(tokens.types), dtype=bool)
    if not tokens.types:
        return mask
    text, starts = tokens.lines
    found = [m.start() for m in _line_regex(regex.pattern, regex.flags).finditer(text)]
    mask[np.searchsorted(starts, found)] = True
    return mask


@lru_cache(maxsize=128)
def _line_regex(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(f"^(?:{pattern})$", flags | re.MULTILINE)
