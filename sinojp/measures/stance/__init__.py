"""Stance towards China–Japan relations and towards the US / Trump, per sentence and document."""

from sinojp.measures.stance.lexicon import load_lexicon
from sinojp.measures.stance.scores import (
    DEFAULT_METHOD,
    DOCUMENT_COLUMNS,
    METHODS,
    SENTENCE_COLUMNS,
    THRESHOLD,
    explain_stance,
    label_scores,
    score_documents,
    score_sentences,
    weigh_sentences,
)
from sinojp.measures.stance.supervised import load_stance_annotations, build_classifier
from sinojp.measures.stance.vader import load_vader

__all__ = [
    "build_classifier", "DEFAULT_METHOD", "DOCUMENT_COLUMNS", "explain_stance", "label_scores", "load_lexicon",
    "load_stance_annotations", "load_vader", "METHODS", "score_documents", "score_sentences", "SENTENCE_COLUMNS",
    "THRESHOLD", "weigh_sentences"
]
