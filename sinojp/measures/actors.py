"""Actor gazetteer and stance-target detection.

The gazetteer (``resources/gazetteer.csv``) lists actors with their aliases,
country (CN/JP/US/TW/KR/other), role and type. Matching is word-boundary
aware, longest match first, and case-insensitive unless the alias row says
``case_sensitive=1`` (short acronyms such as "US" or "Xi" that collide with
ordinary words when lower-cased).

Target detection (which sentences speak of China–Japan relations, which of
the United States / Trump) combines actor mentions with the bilateral and
relation words of ``resources/stance_rules.yaml``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd
import yaml

from sinojp.text.textmatch import (
    PatternSet,
    TextIndex,
    left_bounded,
    non_overlapping,
    non_overlapping_many,
)

GAZETTEER_COLUMNS = ["actor", "alias", "country", "role", "type", "case_sensitive"]


@lru_cache(maxsize=1)
def _read_gazetteer() -> pd.DataFrame:
    with resources.files("sinojp.resources").joinpath("gazetteer.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def load_gazetteer(path: str | None = None) -> pd.DataFrame:
    """Return the actor gazetteer.

    Parameters
    ----------
    path : str, optional
        A CSV with the same columns to use instead of the packaged file.

    Returns
    -------
    DataFrame
        ``actor, alias, country, role, type, case_sensitive`` (bool).
    """
    gaz = pd.read_csv(path, dtype=str, keep_default_na=False) if path else _read_gazetteer().copy()
    missing = set(GAZETTEER_COLUMNS) - set(gaz.columns)
    if missing:
        raise ValueError(f"gazetteer lacks columns {sorted(missing)}")
    gaz = gaz[GAZETTEER_COLUMNS].copy()
    gaz["case_sensitive"] = gaz["case_sensitive"].astype(str).str.strip().isin(["1", "true", "True"])
    return gaz.reset_index(drop=True)


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """Return the stance rules (targets, hedges, negators, attribution cues, roles)."""
    with resources.files("sinojp.resources").joinpath("stance_rules.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def alias_pattern(alias: str) -> str:
    """Regular expression for one gazetteer alias as a whole word.

    Apostrophes vary in scraped text (' and ’), so either matches; a possessive may follow.
    """
    body = re.escape(alias).replace("'", "['’]").replace("’", "['’]")
    return rf"(?<!\w){body}(?!\w)"


_BEFORE, _AFTER = r"(?<!\w)", r"(?!\w)"


def _literal_first(pattern: str) -> str:
    """An :func:`alias_pattern` with its left boundary tested after the alias (the same matches)."""
    return left_bounded(pattern[len(_BEFORE):-len(_AFTER)]) + _AFTER


@lru_cache(maxsize=8)
def _compiled(path: str | None = None) -> PatternSet:
    gaz = load_gazetteer(path)
    order = gaz.assign(_len=gaz["alias"].str.len()).sort_values(
        ["_len", "alias"], ascending=[False, True], kind="mergesort")
    return PatternSet.build(
        (row.alias, re.compile(_literal_first(alias_pattern(row.alias)), 0 if row.case_sensitive else re.IGNORECASE),
         (row.actor, row.alias, row.country, row.role, row.type))
        for row in order.itertuples(index=False))


def match_actors(text: str, path: str | None = None) -> list[dict]:
    """Find actor mentions in one text, longest alias first, without overlaps.

    Aliases match on word boundaries, case-insensitively unless the gazetteer row is
    ``case_sensitive``; straight and curly apostrophes match each other.

    Parameters
    ----------
    text : str
        A sentence or any other text.
    path : str, optional
        A gazetteer CSV to use instead of the packaged one (see :func:`load_gazetteer`).

    Returns
    -------
    list of dict
        ``start, end, surface, actor, alias, country, role, type`` sorted by start: the character
        span and text of each mention, the canonical actor and the alias that matched, and the
        actor's gazetteer fields.
    """
    return _mentions(non_overlapping(text, _compiled(path)))


def _mentions(hits: list[tuple]) -> list[dict]:
    return [{"start": s, "end": e, "surface": surface, "actor": actor, "alias": alias, "country": country,
             "role": role, "type": typ}
            for s, e, surface, (actor, alias, country, role, typ) in hits]


def match_actors_many(texts: list[str] | TextIndex, path: str | None = None) -> list[list[dict]]:
    """:func:`match_actors` of every text of a chunk, with one literal pre-filter for all of them.

    Parameters
    ----------
    texts : list of str or TextIndex
        The texts, or their :class:`~sinojp.text.textmatch.TextIndex`.
    path : str, optional
        Alternative gazetteer CSV.

    Returns
    -------
    list of list of dict
        Per text, its mentions as :func:`match_actors` returns them.
    """
    index = texts if isinstance(texts, TextIndex) else TextIndex(texts)
    return [_mentions(hits) if hits else [] for hits in non_overlapping_many(index, _compiled(path))]


def find_actors(sentences: pd.DataFrame, path: str | None = None) -> pd.DataFrame:
    """All actor mentions in a sentence table.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text``.
    path : str, optional
        Alternative gazetteer CSV.

    Returns
    -------
    DataFrame
        One row per mention: ``doc_id, sent_id, start, end, surface, actor, country, role, type``.
    """
    rows = []
    for doc_id, sent_id, text in sentences[["doc_id", "sent_id", "text"]].itertuples(index=False):
        for m in match_actors(str(text), path):
            rows.append({"doc_id": doc_id, "sent_id": sent_id, **m})
    cols = ["doc_id", "sent_id", "start", "end", "surface", "actor", "country", "role", "type"]
    return pd.DataFrame(rows, columns=cols + ["alias"])[cols]


def _term_regex(terms: list[str]) -> re.Pattern:
    alts = sorted({t.lower() for t in terms}, key=lambda t: (-len(t), t))
    body = "|".join(re.escape(t).replace(r"\ ", r"\s+").replace("'", "['’]") for t in alts)
    return re.compile(rf"(?<![\w-])(?:{body})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _target_regexes() -> dict[str, re.Pattern]:
    rules = load_rules()["targets"]
    return {key: _term_regex(rules[key]) for key in ("bilateral", "relation_nouns", "us_terms")}


def detect_targets(text: str, path: str | None = None) -> dict:
    """Decide whether a sentence speaks of China–Japan relations and/or the US.

    A sentence is a relations target when it names a bilateral construction
    ("Sino-Japanese", "both countries", "the two sides"), or a Chinese and a
    Japanese actor together, or one of them with a relation noun ("ties",
    "relations"). Relevance is 1.0 for the first two, 0.6 for the third,
    0.3 for a single side without relation noun and 0 otherwise. A sentence is a US target when it names a
    US actor or a US-specific term ("Trump administration", "America First").

    Parameters
    ----------
    text : str
        One sentence.
    path : str, optional
        A gazetteer CSV to use instead of the packaged one (see :func:`load_gazetteer`).

    Returns
    -------
    dict
        ``is_relations_target`` (bool, relevance at least 0.6), ``relations_relevance`` (float),
        ``is_us_target`` (bool), ``actors`` (the actors mentioned, ``|``-joined in order of first
        mention) and ``countries`` (their countries, sorted and ``|``-joined).
    """
    rx = _target_regexes()
    return _targets(match_actors(text, path), bool(rx["bilateral"].search(text)),
                    bool(rx["relation_nouns"].search(text)), bool(rx["us_terms"].search(text)))


def _targets(mentions: list[dict], bilateral: bool, relation_noun: bool, us_term: bool) -> dict:
    """:func:`detect_targets` from a sentence's mentions and whether it holds each kind of target term."""
    countries = {m["country"] for m in mentions}
    both = {"CN", "JP"} <= countries
    one = bool({"CN", "JP"} & countries)
    if bilateral or both:
        relevance = 1.0
    elif one and relation_noun:
        relevance = 0.6
    elif one:
        relevance = 0.3
    else:
        relevance = 0.0
    is_us = "US" in countries or us_term
    return {
        "is_relations_target": relevance >= 0.6,
        "relations_relevance": relevance,
        "is_us_target": is_us,
        "actors": "|".join(dict.fromkeys(m["actor"] for m in mentions)),
        "countries": "|".join(sorted(countries)),
    }


def detect_targets_many(texts: list[str] | TextIndex, path: str | None = None) -> list[dict]:
    """:func:`detect_targets` of every text of a chunk, each pattern run only where its literals occur.

    Parameters
    ----------
    texts : list of str or TextIndex
        The sentences, or their :class:`~sinojp.text.textmatch.TextIndex`.
    path : str, optional
        Alternative gazetteer CSV.

    Returns
    -------
    list of dict
        Per sentence, the dictionary of :func:`detect_targets`.
    """
    index = texts if isinstance(texts, TextIndex) else TextIndex(texts)
    flags = {key: index.search(rx) for key, rx in _target_regexes().items()}
    return [_targets(m, b, r, u) for m, b, r, u in zip(match_actors_many(index, path), flags["bilateral"].tolist(),
                                                        flags["relation_nouns"].tolist(), flags["us_terms"].tolist())]


def detect_sentence_targets(sentences: pd.DataFrame, path: str | None = None) -> pd.DataFrame:
    """Target flags for every sentence of a table.

    Applies :func:`detect_targets` to each sentence.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text``.
    path : str, optional
        A gazetteer CSV to use instead of the packaged one (see :func:`load_gazetteer`).

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, is_relations_target, relations_relevance, is_us_target, actors, countries``.
    """
    targets = detect_targets_many(sentences["text"].astype(str).tolist(), path)
    rows = [{"doc_id": d, "sent_id": s, **t} for d, s, t in zip(sentences["doc_id"], sentences["sent_id"], targets)]
    cols = ["doc_id", "sent_id", "is_relations_target", "relations_relevance",
            "is_us_target", "actors", "countries"]
    return pd.DataFrame(rows, columns=cols)
