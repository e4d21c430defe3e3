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
    nouns = _proper_nouns()
    noun_re = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True)) + r")\b")
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        for m in re.finditer(r"\b[a-z]+\b", text):
            if m.group(0) in wrong:
                rows.append((doc_id, "misspelling", m.group(0), wrong[m.group(0)], _context(text, m)))
        for m in noun_re.finditer(text):
            rows.append((doc_id, "lowercase_proper_noun", m.group(0), m.group(0).title(), _context(text, m)))
        for m in re.finditer(r"\b[a-z]{3,}[.,](?=[A-Z][a-z])", text):
            rows.append((doc_id, "missing_space", m.group(0), m.group(0) + " ", _context(text, m)))
    return pd.DataFrame(rows, columns=["doc_id", "kind", "found", "suggestion", "context"])


def _context(text: str, m: re.Match[str], width: int = 30) -> str:
    return text[max(0, m.start() - width): m.end() + width].replace("\n", " ")
