"""The codebook of frames as weighted terms, matched in sentences with keyword-in-context evidence."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.framing.batch import TextBatch
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


def _by_position(hits: list[dict], codebook: str | None) -> list[dict]:
    """Hits sorted by start, then frame order."""
    if len(hits) < 2:
        return hits
    order = {f: i for i, f in enumerate(list_frames(codebook))}
    return sorted(hits, key=lambda h: (h["start"], order[h["frame"]]))


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


def _candidates(batch: TextBatch, codebook: str | None) -> dict[tuple[int, int], set[int]]:
    """Per ``(text number, frame number)``, the terms whose literal the lower-cased text contains."""
    words, substrings = _literal_index(codebook)
    found: dict[tuple[int, int], set[int]] = {}
    tokens = batch.tokens(r"\w+", lower=True)
    pairs = [words.get(t) for t in tokens.types]
    has = np.array([p is not None for p in pairs], dtype=bool)
    occurs = has[tokens.codes]
    n_types = max(len(pairs), 1)
    for key in np.unique(tokens.rows[occurs] * n_types + tokens.codes[occurs]).tolist():
        row, code = divmod(key, n_types)
        for k, i in pairs[code]:
            found.setdefault((row, k), set()).add(i)
    for literal, literal_pairs in substrings:
        for row in batch.rows_containing(literal).tolist():
            for k, i in literal_pairs:
                found.setdefault((row, k), set()).add(i)
    return found


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
    for (row, k), indices in _candidates(batch, codebook).items():
        frame, terms, alternatives, _literals = compiled[k]
        hits[row].extend(_frame_hits(batch.texts[row], frame, terms, alternatives, sorted(indices)))
    return [_by_position(h, codebook) for h in hits]


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
