"""Stance towards China–Japan relations and towards the US / Trump, per sentence and document."""

from sinojp.measures.stance.documents import Aggregation, choose_thresholds
from sinojp.measures.stance.features import FEATURE_NAMES, build_feature_table
from sinojp.measures.stance.learned import StanceModels, load_stance_models, predict_learned
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
    "Aggregation", "build_classifier", "build_feature_table", "choose_thresholds", "DEFAULT_METHOD",
    "DOCUMENT_COLUMNS", "explain_stance", "FEATURE_NAMES", "label_scores", "load_lexicon",
    "load_stance_annotations", "load_stance_models", "load_vader", "METHODS", "predict_learned", "score_documents",
    "score_sentences", "SENTENCE_COLUMNS", "StanceModels", "THRESHOLD", "weigh_sentences"
]
