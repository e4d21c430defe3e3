"""Document similarity: shared vocabulary, shared text and shared sources.

- :func:`compute_tfidf_similarity`: cosine similarity of TF-IDF vectors (a square matrix, diagonal 1).
- :func:`find_shared_passages`: long word n-gram shingles two articles share (copied or wire text).
- :func:`count_shared_actors`: the actors (and, when given, quoted voices) two articles both name.
"""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np
import pandas as pd


def compute_tfidf_similarity(documents: pd.DataFrame, min_df: int = 1,
                     stop_words: str | None = "english") -> pd.DataFrame:
    """Cosine similarity of the documents' TF-IDF vectors.

    Parameters
    ----------
    documents : DataFrame
        ``doc_id, text``.
    min_df : int
        Minimum number of documents a word needs.
    stop_words : "english" or None
        Stop words removed before weighting.

    Returns
    -------
    DataFrame
        Square, indexed and columned by ``doc_id`` (input order), symmetric, diagonal 1,
        rounded to 3 decimals.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    ids = documents["doc_id"].tolist()
    vec = TfidfVectorizer(lowercase=True, min_df=min_df, stop_words=stop_words, sublinear_tf=True,
                          token_pattern=r"(?u)\b[A-Za-z][A-Za-z-]+\b")
    X = vec.fit_transform(documents["text"].astype(str))
    sim = cosine_similarity(X)
    sim = (sim + sim.T) / 2
    empty = np.asarray(X.sum(axis=1)).ravel() == 0
    np.fill_diagonal(sim, 1.0)
    sim[empty, :] = np.where(np.eye(len(ids), dtype=bool)[empty, :], 1.0, 0.0)
    sim[:, empty] = sim[empty, :].T
    return pd.DataFrame(np.round(sim, 3), index=pd.Index(ids, name="doc_id"), columns=ids)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingle_positions(text: str, n: int = 8) -> dict[tuple[str, ...], int]:
    """Word n-gram shingles of a text with the word position where each first occurs."""
    w = _words(text)
    out: dict[tuple[str, ...], int] = {}
    for i in range(len(w) - n + 1):
        out.setdefault(tuple(w[i:i + n]), i)
    return out


def find_shared_passages(documents: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """Long n-gram shingles shared by each pair of documents.

    Eight-word sequences rarely recur by chance, so shared shingles show copied, syndicated or
    stitched text. Words are the lower-cased runs of letters and digits, so punctuation and case
    do not matter.

    Parameters
    ----------
    documents : DataFrame
        ``doc_id, text``; every pair of documents is compared (in input order, ``doc_a`` first).
    n : int
        Words per shingle (default 8).

    Returns
    -------
    DataFrame
        One row per pair with at least one shared shingle: ``doc_a, doc_b, shared``
        (shingle count), ``jaccard`` (shared over the union of the pair's shingles, rounded to 3
        decimals), ``example`` (the first shared passage, up to 25 words, in ``doc_a``'s order,
        as lower-cased words).
    """
    sh = {d: _shingle_positions(t, n) for d, t in documents[["doc_id", "text"]].itertuples(index=False)}
    words = {d: _words(t) for d, t in documents[["doc_id", "text"]].itertuples(index=False)}
    rows = []
    for a, b in combinations(documents["doc_id"].tolist(), 2):
        common = set(sh[a]) & set(sh[b])
        if not common:
            continue
        start = min(sh[a][s] for s in common)
        run = start
        while tuple(words[a][run + 1:run + 1 + n]) in common:
            run += 1
        example = " ".join(words[a][start:min(run + n, start + 25)])
        rows.append({"doc_a": a, "doc_b": b, "shared": len(common),
                     "jaccard": round(len(common) / len(set(sh[a]) | set(sh[b])), 3),
                     "example": example})
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "shared", "jaccard", "example"])


def count_shared_actors(mentions: pd.DataFrame, voices: pd.DataFrame | None = None,
                  doc_ids: list[str] | None = None) -> pd.DataFrame:
    """Actors (and quoted speakers) each pair of documents shares.

    Parameters
    ----------
    mentions : DataFrame
        ``doc_id, actor`` (from :func:`sinojp.measures.find_actors`).
    voices : DataFrame, optional
        ``doc_id, speaker`` (from :func:`sinojp.measures.extract_voices`).
    doc_ids : list of str, optional
        Documents to pair (default: all in ``mentions``).

    Returns
    -------
    DataFrame
        ``doc_a, doc_b, n_shared_actors, actor_jaccard, shared_actors, shared_voices``.
    """
    doc_ids = doc_ids if doc_ids is not None else sorted(set(mentions["doc_id"]))
    acts = {d: set(mentions.loc[mentions["doc_id"] == d, "actor"]) for d in doc_ids}
    spk = {d: set() for d in doc_ids}
    if voices is not None and len(voices):
        for d, s in voices[["doc_id", "speaker"]].itertuples(index=False):
            if d in spk and str(s).strip():
                spk[d].add(str(s).strip())
    rows = []
    for a, b in combinations(doc_ids, 2):
        both, union = acts[a] & acts[b], acts[a] | acts[b]
        rows.append({"doc_a": a, "doc_b": b, "n_shared_actors": len(both),
                     "actor_jaccard": round(len(both) / len(union), 3) if union else 0.0,
                     "shared_actors": "|".join(sorted(both)),
                     "shared_voices": "|".join(sorted(spk[a] & spk[b]))})
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "n_shared_actors", "actor_jaccard",
                                       "shared_actors", "shared_voices"])


def pivot_pairs(pairs: pd.DataFrame, value: str, doc_ids: list[str], diagonal: float = 1.0) -> pd.DataFrame:
    """Square symmetric matrix from a pair table (``doc_a, doc_b, value``); missing pairs are 0."""
    m = pd.DataFrame(0.0, index=pd.Index(doc_ids, name="doc_id"), columns=doc_ids)
    for a, b, v in pairs[["doc_a", "doc_b", value]].itertuples(index=False):
        if a in m.index and b in m.index:
            m.loc[a, b] = m.loc[b, a] = float(v)
    for d in doc_ids:
        m.loc[d, d] = diagonal
    return m


def shorten_labels(doc_ids: list[str], width: int = 28) -> dict[str, str]:
    """Short, unique display labels for document ids.

    A numbered file stem (``001_8aa4...#2``) becomes its number and piece (``001#2``); other ids
    are cut to ``width`` characters. Ids whose short forms would collide keep their full form.

    Parameters
    ----------
    doc_ids : list of str
        The document ids to label.
    width : int
        Maximum length of a label that is not a numbered file stem (default 28).

    Returns
    -------
    dict of str to str
        ``doc_id -> label``, for plot axes and table headers.
    """
    def cut(d: str) -> str:
        m = re.match(r"(\d+)_[0-9a-f]+(#\d+)?$", d)
        return m.group(1) + (m.group(2) or "") if m else d[:width]

    first = {d: cut(d) for d in doc_ids}
    counts = pd.Series(list(first.values())).value_counts()
    return {d: (s if counts[s] == 1 else d) for d, s in first.items()}
