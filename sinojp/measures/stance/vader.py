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

_DROP_PUNCTUATION = str.maketrans("", "", string.punctuation)


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
    punctuation removed (such words hold no punctuation, so the run must be the whole of it).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
    """
    tokens = [t for t in text.split() if len(t) > 1]
    words = None
    marks = _punctuation_marks()
    for i, token in enumerate(tokens):
        head, tail = token[0] in string.punctuation, token[-1] in string.punctuation
        if not (head or tail):
            continue
        if words is None:
            words = {w for w in text.translate(_DROP_PUNCTUATION).split() if len(w) > 1}
        core = token.lstrip(string.punctuation) if head else token.rstrip(string.punctuation)
        mark = token[:len(token) - len(core)] if head else token[len(core):]
        if mark in marks and core in words:
            tokens[i] = core
    return tokens


def _compound(text: str) -> float:
    """NLTK's ``polarity_scores(text)["compound"]``."""
    vader = load_vader()
    tokens = vader_tokens(text)
    lower = [t.lower() for t in tokens]
    lexicon = vader.lexicon
    scored = [k for k, w in enumerate(lower) if w in lexicon]
    if not scored:  # every sentiment is 0, and so is the compound
        return 0.0
    n = len(tokens)
    first: dict[str, int] = {}
    for k, token in enumerate(tokens):
        first.setdefault(token, k)
    allcaps = sum(t.isupper() for t in tokens)
    senti = SimpleNamespace(words_and_emoticons=tokens, is_cap_diff=0 < n - allcaps < n)
    boosters = vader.constants.BOOSTER_DICT
    sentiments: list[float] = [0] * n
    for k in scored:
        i = first[tokens[k]]
        if (i < n - 1 and lower[k] == "kind" and tokens[i + 1].lower() == "of") or lower[k] in boosters:
            continue
        sentiments[k] = vader.sentiment_valence(0, senti, tokens[k], i, [])[0]
    return vader.score_valence(vader._but_check(tokens, sentiments), text)["compound"]


def score_vader(text: str) -> float:
    """VADER's compound score of a text, rounded to 3 decimals (as NLTK's ``polarity_scores``)."""
    return round(float(_compound(text)), 3)


def explain_vader(text: str, score: float) -> str:
    """The compound score and the words of the sentence that VADER's lexicon knows."""
    lexicon = load_vader().lexicon
    words = [w for w in dict.fromkeys(m.group(0).lower() for m in TOKEN.finditer(text)) if w in lexicon]
    hits = ", ".join(f"{w} {lexicon[w]:+.1f}" for w in words)
    return f"vader compound {score:+.3f}" + (f" [{hits}]" if hits else "")
