"""The lexicon-and-rules stance model."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources

import pandas as pd

from sinojp.measures.actors import load_rules
from sinojp.text.textmatch import (
    PatternSet,
    TextIndex,
    left_bounded,
    non_overlapping,
    non_overlapping_many,
)

TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


def load_lexicon(path: str | None = None) -> pd.DataFrame:
    """The stance lexicon: ``term, dimension, category, polarity, weight``.

    ``term`` may hold several words and a trailing ``*`` wildcard;
    ``dimension`` is ``relations`` or ``us``.

    Parameters
    ----------
    path : str, optional
        A CSV with the same columns to use instead of the packaged ``stance_lexicon.csv``.

    Returns
    -------
    DataFrame
        One row per term: ``term`` (stripped and lower-cased), ``dimension``, ``category``,
        ``polarity`` (+1 or -1) and ``weight``.
    """
    if path:
        lex = pd.read_csv(path)
    else:
        with resources.files("sinojp.resources").joinpath("stance_lexicon.csv").open(encoding="utf-8") as fh:
            lex = pd.read_csv(fh)
    lex["term"] = lex["term"].str.strip().str.lower()
    return lex


def _term_pattern(term: str) -> str:
    """The regex of a lexicon term, with its left boundary tested after the first word's literal part.

    Behind that point stands the literal itself, so "no word character or hyphen before the term"
    is tested there: the same matches as with the boundary in front, and a pattern that starts
    with its literal is searched faster.
    """
    parts = []
    for k, word in enumerate(term.split()):
        star = word.endswith("*")
        body = re.escape(word.rstrip("*")).replace("'", "['’]")
        parts.append((left_bounded(body, r"[\w-]") if k == 0 else body) + (r"[\w-]*" if star else ""))
    return r"\s+".join(parts) + r"(?![\w-])"


@lru_cache(maxsize=4)
def _lexicon_patterns(path: str | None = None) -> dict[str, PatternSet]:
    lex = load_lexicon(path)
    out = {}
    for dim, sub in lex.groupby("dimension", sort=True):
        sub = sub.assign(_n=sub["term"].str.len()).sort_values(["_n", "term"], ascending=[False, True],
                                                                 kind="mergesort")
        out[dim] = PatternSet.build((r.term, re.compile(_term_pattern(r.term), re.IGNORECASE),
                                     (r.category, int(r.polarity) * float(r.weight)))
                                    for r in sub.itertuples(index=False))
    return out


def _match_terms(text: str, dimension: str, path: str | None = None) -> list[tuple]:
    """Non-overlapping lexicon hits (longest term first): (start, end, surface, category, value)."""
    patterns = _lexicon_patterns(path).get(dimension)
    if patterns is None:
        return []
    return [(s, e, surface, category, value) for s, e, surface, (category, value) in non_overlapping(text, patterns)]


def _phrase_index(phrases: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases as token tuples, grouped by their first token (so a lookup tries only those)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        tokens = tuple(phrase.lower().split())
        if tokens:
            index.setdefault(tokens[0], []).append(tokens)
    return {first: tuple(group) for first, group in index.items()}


@lru_cache(maxsize=1)
def load_rule_sets() -> dict:
    r = load_rules()
    return {
        "neg": _phrase_index(r["negators"]),
        "hedge": _phrase_index(r["hedges"]),
        "after": {w.lower() for w in r["contrast_after"]},
        "concessive": _phrase_index(r["contrast_concessive"]),
        "window": int(r["negation_window"]), "neg_factor": float(r["negation_factor"]),
        "hedge_factor": float(r["hedge_factor"]), "main": float(r["contrast_main_factor"]),
        "minor": float(r["contrast_minor_factor"]), "attribution": float(r["attribution_weight"]),
    }


def _phrase_at(tokens: list[str], i: int, phrases: dict[str, tuple[tuple[str, ...], ...]]) -> int:
    """Length of the longest phrase (from :func:`_phrase_index`) starting at token i (0 when none)."""
    best = 0
    for ph in phrases.get(tokens[i], ()):
        if len(ph) > best and tuple(tokens[i:i + len(ph)]) == ph:
            best = len(ph)
    return best


def _is_contrast(tokens: list[str], i: int, markers: set[str]) -> bool:
    """A contrast marker, except "not only ... but also" and "not yet" / "as yet"."""
    t = tokens[i]
    if t not in markers:
        return False
    if t == "but" and tokens[i + 1:i + 2] == ["also"]:
        return False
    return not (t == "yet" and i > 0 and tokens[i - 1] in {"not", "as"})


_CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–"})
_CONCESSIVE_ENDS = frozenset({",", ";", "—", "–"})


def _modifiers(tokens: list[str]) -> tuple[list[float], list[str], list[int], list[str]]:
    """Per-token contrast factor and note, clause index and the hedge active in each token's clause."""
    rs = load_rule_sets()
    n = len(tokens)
    after = rs["after"]
    contrast = [i for i, t in enumerate(tokens) if t in after and _is_contrast(tokens, i, after)]
    is_contrast = set(contrast)
    factor, note = [1.0] * n, [""] * n
    clause, c = [0] * n, 0
    for i, t in enumerate(tokens):
        if t in _CLAUSE_BREAKS or i in is_contrast:
            c += 1
        clause[i] = c
    # "but"/"however": what follows weighs more, what precedes (same sentence) less
    for i in contrast:
        main, minor = f"after '{tokens[i]}' ×{rs['main']}", f"before '{tokens[i]}' ×{rs['minor']}"
        for j in range(i + 1, n):
            if j in is_contrast:
                break
            factor[j], note[j] = rs["main"], main
        for j in range(i - 1, -1, -1):
            if j in is_contrast:
                break
            factor[j], note[j] = rs["minor"], minor
    # "despite"/"although": the concessive clause weighs less
    concessive = rs["concessive"]
    for i in [i for i, t in enumerate(tokens) if t in concessive]:
        k = _phrase_at(tokens, i, concessive)
        if not k or (tokens[i] == "while" and i > 0 and tokens[i - 1] != ","):
            continue
        clause_note = f"in '{' '.join(tokens[i:i + k])}' clause ×{rs['minor']}"
        for j in range(i + k, n):
            if tokens[j] in _CONCESSIVE_ENDS:
                break
            factor[j], note[j] = rs["minor"], clause_note
    hedge = [""] * n
    hedges = rs["hedge"]
    for i in [i for i, t in enumerate(tokens) if t in hedges]:
        k = _phrase_at(tokens, i, hedges)
        if k:
            for j in range(i, n):
                if clause[j] != clause[i]:
                    break
                hedge[j] = hedge[j] or " ".join(tokens[i:i + k])
    return factor, note, clause, hedge


def _cue_word(phrase: tuple[str, ...]) -> str:
    """A word that every occurrence of a phrase holds (its first, or its longest if that is short)."""
    return phrase[0] if len(phrase[0]) > 2 else max(phrase, key=len)


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _modifier_cues() -> tuple[frozenset[str], tuple[str, ...]]:
    """Words and pieces one of which every sentence holds in which a modifier phrase may be a token.

    The phrases are the negators, hedges, contrast and concessive markers. A phrase counts only
    when all its tokens are there, so one word of it suffices; a token ending in "n't" reads as
    "not". Returns the cue words made of word characters (each such token is a whole word of the
    text) and the other cues, to be found in the lower-cased text.
    """
    rs = load_rule_sets()
    cues = set(rs["after"]) | {_cue_word(ph) for key in ("neg", "hedge", "concessive")
                               for group in rs[key].values() for ph in group}
    words = frozenset(w for w in cues if _WORD.fullmatch(w))
    return words, tuple(sorted(cues - words | {"n't", "n’t"}))


def _may_modify(text: str) -> bool:
    """Whether a sentence may hold a negator, hedge, contrast or concessive phrase (see :func:`_modifier_cues`)."""
    words, pieces = _modifier_cues()
    lower = text.lower()
    return any(p in lower for p in pieces) or not words.isdisjoint(map(str.lower, _WORD.findall(text)))


def _evidence_item(surface: str, category: str, value: float, effects: list[str], v: float) -> str:
    return f"{surface} [{category} {value:+.1f}" + ("; " + "; ".join(effects) if effects else "") + f"] = {v:+.2f}"


def _score_hits(text: str, hits: list[tuple]) -> tuple[float, list[str]]:
    """Score one sentence from its lexicon hits (:func:`_match_terms`); return (score, evidence items)."""
    if not hits:  # no lexicon term: nothing to modify
        return 0.0, []
    if not _may_modify(text):  # no rule applies: every hit counts as it is
        total = 0.0
        for _, _, _, _, value in hits:
            total += value
        return round(math.tanh(total / 1.5), 3), [_evidence_item(surface, category, value, [], value)
                                                  for _, _, surface, category, value in hits]
    rs = load_rule_sets()
    found = list(TOKEN.finditer(text))
    tokens = ["not" if t.endswith(("n't", "n’t")) else t for t in (m.group(0).lower() for m in found)]
    ends = [m.end() for m in found]
    factor, note, clause, hedge = _modifiers(tokens)
    negators = rs["neg"]
    total, evidence = 0.0, []
    for s, e, surface, category, value in hits:
        idx = min(bisect_right(ends, s), len(ends) - 1)  # the first token ending after the hit starts
        effects, v = [], value
        negs = 0
        for j in range(max(0, idx - rs["window"]), idx):
            if clause[j] == clause[idx] and tokens[j] in negators and _phrase_at(tokens, j, negators):
                negs += 1
                effects.append(f"negated by '{tokens[j]}' ×{rs['neg_factor']}")
        v *= rs["neg_factor"] ** negs
        if hedge[idx]:
            v *= rs["hedge_factor"]
            effects.append(f"hedge '{hedge[idx]}' ×{rs['hedge_factor']}")
        if factor[idx] != 1.0:
            v *= factor[idx]
            effects.append(note[idx])
        total += v
        evidence.append(_evidence_item(surface, category, value, effects, v))
    return round(math.tanh(total / 1.5), 3), evidence


def score_lexicon_sentence(text: str, dimension: str, path: str | None = None) -> tuple[float, list[str]]:
    """Score one sentence on one dimension; return (score, evidence items)."""
    return _score_hits(text, _match_terms(text, dimension, path))


def score_lexicon_many(index: TextIndex, dimension: str, path: str | None = None,
                       among: list[int] | None = None) -> list[tuple[float, list[str]]]:
    """:func:`score_lexicon_sentence` of every text of a chunk (or of the texts ``among``).

    Parameters
    ----------
    index : TextIndex
        The chunk's texts.
    dimension : {"relations", "us"}
    path : str, optional
        Alternative lexicon CSV.
    among : list of int, optional
        Positions of the texts to score; the others get ``(0.0, [])``.

    Returns
    -------
    list of (float, list of str)
        Per text, the score and evidence items.
    """
    patterns = _lexicon_patterns(path).get(dimension)
    out: list[tuple[float, list[str]]] = [(0.0, []) for _ in range(len(index))]
    if patterns is None:
        return out
    hits = non_overlapping_many(index, patterns)
    for i in range(len(index)) if among is None else among:
        if hits[i]:
            out[i] = _score_hits(index.texts[i],
                                 [(s, e, surface, category, value) for s, e, surface, (category, value) in hits[i]])
    return out
