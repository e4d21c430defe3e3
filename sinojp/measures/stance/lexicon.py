"""The lexicon-and-rules stance model."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources

import pandas as pd

from sinojp.measures.actors import load_rules
from sinojp.text.textmatch import PatternSet, non_overlapping

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
    parts = []
    for word in term.split():
        star = word.endswith("*")
        body = re.escape(word.rstrip("*")).replace("'", "['’]")
        parts.append(body + (r"[\w-]*" if star else ""))
    return r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])"


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


def _modifiers(tokens: list[str]) -> tuple[list[float], list[str], list[int], list[str]]:
    """Per-token contrast factor and note, clause index and the hedge active in each token's clause."""
    rs = load_rule_sets()
    n = len(tokens)
    factor, note = [1.0] * n, [""] * n
    clause, c = [0] * n, 0
    for i, t in enumerate(tokens):
        if t in {",", ";", ":", "—", "–"} or _is_contrast(tokens, i, rs["after"]):
            c += 1
        clause[i] = c
    # "but"/"however": what follows weighs more, what precedes (same sentence) less
    for i in [i for i in range(n) if _is_contrast(tokens, i, rs["after"])]:
        for j in range(i + 1, n):
            if _is_contrast(tokens, j, rs["after"]):
                break
            factor[j], note[j] = rs["main"], f"after '{tokens[i]}' ×{rs['main']}"
        for j in range(i - 1, -1, -1):
            if _is_contrast(tokens, j, rs["after"]):
                break
            factor[j], note[j] = rs["minor"], f"before '{tokens[i]}' ×{rs['minor']}"
    # "despite"/"although": the concessive clause weighs less
    for i in range(n):
        k = _phrase_at(tokens, i, rs["concessive"])
        if not k or (tokens[i] == "while" and i > 0 and tokens[i - 1] != ","):
            continue
        word = " ".join(tokens[i:i + k])
        for j in range(i + k, n):
            if tokens[j] in {",", ";", "—", "–"}:
                break
            factor[j], note[j] = rs["minor"], f"in '{word}' clause ×{rs['minor']}"
    hedge = [""] * n
    for i in range(n):
        k = _phrase_at(tokens, i, rs["hedge"])
        if k:
            for j in range(i, n):
                if clause[j] != clause[i]:
                    break
                hedge[j] = hedge[j] or " ".join(tokens[i:i + k])
    return factor, note, clause, hedge


def score_lexicon_sentence(text: str, dimension: str, path: str | None = None) -> tuple[float, list[str]]:
    """Score one sentence on one dimension; return (score, evidence items)."""
    hits = _match_terms(text, dimension, path)
    if not hits:  # no lexicon term: nothing to modify
        return 0.0, []
    rs = load_rule_sets()
    spans = [(m.start(), m.end(), m.group(0).lower()) for m in TOKEN.finditer(text)]
    tokens = ["not" if t.endswith(("n't", "n’t")) else t for _, _, t in spans]
    factor, note, clause, hedge = _modifiers(tokens)
    total, evidence = 0.0, []
    for s, e, surface, category, value in hits:
        idx = next((i for i, sp in enumerate(spans) if sp[1] > s), len(spans) - 1)
        effects, v = [], value
        negs = 0
        for j in range(max(0, idx - rs["window"]), idx):
            if clause[j] == clause[idx] and _phrase_at(tokens, j, rs["neg"]):
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
        evidence.append(f"{surface} [{category} {value:+.1f}"
                        + ("; " + "; ".join(effects) if effects else "") + f"] = {v:+.2f}")
    return round(math.tanh(total / 1.5), 3), evidence
