"""VADER's compound score, the lexicon-free baseline.

NLTK's ``SentimentIntensityAnalyzer.polarity_scores`` tokenises each text by building, for every
word, a dictionary of the word with each punctuation mark before and after it; that costs more
than the scoring. :func:`score_vader` tokenises the same way by stripping a leading or trailing
run of punctuation instead, skips the scoring of texts without a single lexicon word (their
compound is 0) and runs NLTK's own scoring code (``sentiment_valence``, ``_but_check``,
``score_valence``) on the rest, so the scores are NLTK's to the last bit.
"""

from __future__ import annotations

import os
import string
from functools import lru_cache
from types import SimpleNamespace

from sinojp.measures.stance.lexicon import TOKEN

_PUNCTUATION = frozenset(string.punctuation)


@lru_cache(maxsize=1)
def load_vader():
    """NLTK's VADER with the lexicon shipped in the vaderSentiment package.

    NLTK 3.10 only loads resources found on ``nltk.data.path``; the
    vaderSentiment package folder is appended there once (the only global
    change made) and the lexicon is loaded by its file name.
    """
    import nltk
    import vaderSentiment
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    folder = os.path.dirname(vaderSentiment.__file__)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file="vader_lexicon.txt")


@lru_cache(maxsize=1)
def _punctuation_marks() -> frozenset[str]:
    """NLTK's ``PUNC_LIST``: the marks a token may carry before or after its word."""
    return frozenset(load_vader().constants.PUNC_LIST)


def vader_tokens(text: str) -> list[str]:
    """NLTK's ``SentiText(text).words_and_emoticons``, computed without its punctuation dictionary.

    A token longer than one character loses a leading (or else trailing) run of punctuation when
    that run is one of NLTK's punctuation marks and the rest is a word of the text with its
    punctuation removed. Such words hold no punctuation, so the run must be the whole of it; and
    a rest of two or more characters without punctuation is such a word, that of the token itself.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
    """
    tokens = [t for t in text.split() if len(t) > 1]
    marks = _punctuation_marks()
    for i, token in enumerate(tokens):
        head, tail = token[0] in _PUNCTUATION, token[-1] in _PUNCTUATION
        if not (head or tail):
            continue
        core = token.lstrip(string.punctuation) if head else token.rstrip(string.punctuation)
        mark = token[:len(token) - len(core)] if head else token[len(core):]
        if mark in marks and len(core) > 1 and _PUNCTUATION.isdisjoint(core):
            tokens[i] = core
    return tokens


def _compound(text: str) -> float:
    """NLTK's ``polarity_scores(text)["compound"]``."""
    vader = load_vader()
    tokens = vader_tokens(text)
    lower = list(map(str.lower, tokens))
    lexicon = vader.lexicon
    scored = [k for k, w in enumerate(lower) if w in lexicon]
    if not scored:  # every sentiment is 0, and so is the compound
        return 0.0
    n = len(tokens)
    allcaps = sum(map(str.isupper, tokens))
    senti = SimpleNamespace(words_and_emoticons=tokens, is_cap_diff=0 < n - allcaps < n)
    boosters = vader.constants.BOOSTER_DICT
    special = _modifier_words()
    sentiments: list[float] = [0] * n
    for k in scored:
        i = tokens.index(tokens[k])  # NLTK reads the context of the word's first occurrence
        if (i < n - 1 and lower[k] == "kind" and tokens[i + 1].lower() == "of") or lower[k] in boosters:
            continue
        if _plain_context(tokens, i, special):
            sentiments[k] = _plain_valence(vader, tokens[k], lower[k], senti.is_cap_diff)
        else:
            sentiments[k] = vader.sentiment_valence(0, senti, tokens[k], i, [])[0]
    return _compound_of(vader, _but_check(lower, sentiments), text)


def _but_check(lower: list[str], sentiments: list[float]) -> list[float]:
    """NLTK's ``_but_check`` given the lower-cased tokens: halve before the first "but", ×1.5 after it."""
    if "but" not in lower:
        return sentiments
    bi = lower.index("but")
    return [s * 0.5 for s in sentiments[:bi]] + [sentiments[bi]] + [s * 1.5 for s in sentiments[bi + 1:]]


@lru_cache(maxsize=1)
def _modifier_words() -> frozenset[str]:
    """Lower-case words that can change a neighbour's valence in NLTK's ``sentiment_valence``.

    Boosters and dampeners, negations, "never" / "so" / "this" / "least", the last words of the
    special-case idioms and the first words of the multi-word boosters ("kind of").
    """
    constants = load_vader().constants
    words = {w.lower() for w in constants.BOOSTER_DICT} | {w.lower() for w in constants.NEGATE}
    words |= {"never", "so", "this", "least"}
    words |= {k.split()[-1].lower() for k in constants.SPECIAL_CASE_IDIOMS}
    words |= {k.split()[0].lower() for k in constants.BOOSTER_DICT if " " in k}
    return frozenset(words)


def _plain_context(tokens: list[str], i: int, special: frozenset[str]) -> bool:
    """No token from three before to two after ``i`` is a modifier word or holds "n't".

    Then ``sentiment_valence`` adds only zero scalars, finds no negation, idiom or "least", and
    returns the word's own valence (adjusted for ALL CAPS).
    """
    for token in tokens[max(0, i - 3):i + 3]:
        low = token.lower()
        if low in special or "n't" in low:
            return False
    return True


def _plain_valence(vader, token: str, low: str, is_cap_diff: bool) -> float:
    """``sentiment_valence`` of a lexicon word in a :func:`_plain_context`."""
    valence = vader.lexicon[low]
    if token.isupper() and is_cap_diff:
        if valence > 0:
            valence += vader.constants.C_INCR
        else:
            valence -= vader.constants.C_INCR
    return valence


def _compound_of(vader, sentiments: list[float], text: str) -> float:
    """``score_valence(sentiments, text)["compound"]`` without the positive / negative shares."""
    sum_s = float(sum(sentiments))
    amplifier = vader._punctuation_emphasis(sum_s, text)
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    return round(vader.constants.normalize(sum_s), 4)


def score_vader(text: str) -> float:
    """VADER's compound score of a text, rounded to 3 decimals (as NLTK's ``polarity_scores``)."""
    return round(float(_compound(text)), 3)


def explain_vader(text: str, score: float) -> str:
    """The compound score and the words of the sentence that VADER's lexicon knows."""
    lexicon = load_vader().lexicon
    words = [w for w in dict.fromkeys(m.group(0).lower() for m in TOKEN.finditer(text)) if w in lexicon]
    hits = ", ".join(f"{w} {lexicon[w]:+.1f}" for w in words)
    return f"vader compound {score:+.3f}" + (f" [{hits}]" if hits else "")
