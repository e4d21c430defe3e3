"""The codebook of frames as weighted terms, matched in sentences with keyword-in-context evidence."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from sinojp.text.textmatch import PatternSet, word_set

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
        # a term whose literal is absent can never win a position, so the alternation over the
        # remaining terms finds exactly the matches of the full one, with far fewer branches
        present = tuple(alternatives[i] for i in literals.candidates(lower, words))
        if not present:
            continue
        for m in _alternation(present).finditer(text):
            term, weight = terms[int(m.lastgroup[1:])]
            hits.append({"frame": frame, "term": term, "weight": weight,
                         "start": m.start(), "end": m.end(), "match": m.group(0)})
    order = {f: i for i, f in enumerate(list_frames(codebook))}
    return sorted(hits, key=lambda h: (h["start"], order[h["frame"]]))


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
