"""Flag spelling slips, lower-cased proper nouns and missing spaces (never corrected)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd


@lru_cache(maxsize=1)
def _misspellings() -> dict[str, str]:
    with resources.files("sinojp.resources").joinpath("misspellings.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return dict(zip(table["wrong"], table["right"]))


@lru_cache(maxsize=1)
def _proper_nouns() -> tuple[str, ...]:
    text = resources.files("sinojp.resources").joinpath("proper_nouns.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


#: A lower-case word ending in ``.`` or ``,`` directly followed by a capitalised word.
_MISSING_SPACE = re.compile(r"\b[a-z]{3,}[.,](?=[A-Z][a-z])")

#: Where a missing space can end: the ``.`` or ``,`` before a capitalised word.
_MISSING_SPACE_END = re.compile(r"[.,](?=[A-Z][a-z])")


#: A whole word of lower-case ASCII letters.
_LOWER_WORD = re.compile(r"\b[a-z]+\b")


@lru_cache(maxsize=1)
def _noun_regex() -> re.Pattern[str]:
    """The proper nouns (longest first), not after a word character or a dot, ending a word."""
    nouns = sorted(_proper_nouns(), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in nouns) + r")\b")


@lru_cache(maxsize=1)
def _noun_leads() -> frozenset[str] | None:
    """The first words of the proper nouns, or ``None`` if a noun does not start with a run of
    lower-case letters ending the noun or followed by a non-word character.

    A noun then matches only where its first word is a whole :data:`_LOWER_WORD` word.
    """
    leads = [re.match(r"([a-z]+)(?!\w)", n) for n in _proper_nouns()]
    return None if not all(leads) else frozenset(m.group(1) for m in leads)


def _missing_spaces(text: str) -> list[re.Match[str]]:
    """``_MISSING_SPACE.finditer(text)``, looked for only before the ``.`` and ``,`` that can end one.

    A match ends at such a mark and starts where the run of lower-case letters before it starts
    (the matches cannot overlap).
    """
    found = []
    for end in _MISSING_SPACE_END.finditer(text):
        start = end.start()
        while start > 0 and "a" <= text[start - 1] <= "z":
            start -= 1
        m = _MISSING_SPACE.match(text, start)
        if m is not None:
            found.append(m)
    return found


def flag_slips(documents: pd.DataFrame) -> pd.DataFrame:
    """Flag spelling slips, lower-cased proper nouns and missing spaces; never correct them.

    Misspellings come from the package's ``misspellings.csv``, proper nouns from
    ``proper_nouns.txt``; a missing space is a lower-case word ending in ``.`` or ``,`` directly
    followed by a capitalised word (``talks.The``).

    Parameters
    ----------
    documents : DataFrame
        Cleaned documents with ``doc_id`` and ``text``.

    Returns
    -------
    DataFrame
        ``doc_id, kind, found, suggestion, context`` with kind in ``misspelling``,
        ``lowercase_proper_noun``, ``missing_space``: one row per finding, ``found`` the text as
        written, ``suggestion`` the proposed form and ``context`` up to 30 characters either side.
    """
    rows = []
    wrong = _misspellings()
    noun_re, leads = _noun_regex(), _noun_leads()
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        words = _LOWER_WORD.findall(text)
        if not wrong.keys().isdisjoint(words):
            for m in _LOWER_WORD.finditer(text):
                if m.group(0) in wrong:
                    rows.append((doc_id, "misspelling", m.group(0), wrong[m.group(0)], _context(text, m)))
        if leads is None or not leads.isdisjoint(words):
            for m in noun_re.finditer(text):
                rows.append((doc_id, "lowercase_proper_noun", m.group(0), m.group(0).title(), _context(text, m)))
        for m in _missing_spaces(text):
            rows.append((doc_id, "missing_space", m.group(0), m.group(0) + " ", _context(text, m)))
    return pd.DataFrame(rows, columns=["doc_id", "kind", "found", "suggestion", "context"])


def _context(text: str, m: re.Match[str], width: int = 30) -> str:
    return text[max(0, m.start() - width): m.end() + width].replace("\n", " ")
