"""VADER's compound score, the lexicon-free baseline."""

from __future__ import annotations

import os
from functools import lru_cache

from sinojp.measures.stance.lexicon import TOKEN


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


def score_vader(text: str) -> float:
    return round(float(load_vader().polarity_scores(text)["compound"]), 3)


def explain_vader(text: str, score: float) -> str:
    """The compound score and the words of the sentence that VADER's lexicon knows."""
    lexicon = load_vader().lexicon
    words = [w for w in dict.fromkeys(m.group(0).lower() for m in TOKEN.finditer(text)) if w in lexicon]
    hits = ", ".join(f"{w} {lexicon[w]:+.1f}" for w in words)
    return f"vader compound {score:+.3f}" + (f" [{hits}]" if hits else "")
