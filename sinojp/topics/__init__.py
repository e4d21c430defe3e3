"""Topic models of paragraphs: vocabulary, LDA / NMF, selection by coherence and stability, prevalence.

Imports :mod:`sinojp.text` and below.
"""

from sinojp.topics.coherence import compute_diversity, compute_stability, compute_topic_npmi, list_npmi_pairs
from sinojp.topics.fit import (
    assign_top_topic,
    detach_paragraphs,
    find_passages,
    fit_topics,
    fit_topics_blocks,
    fit_topics_parquet,
    tabulate_topics,
)
from sinojp.topics.model import FittedModel, TopicModelResult, compute_frex, fit_model
from sinojp.topics.prevalence import estimate_prevalence
from sinojp.topics.select import choose_model, select_model
from sinojp.topics.settings import TopicSettings
from sinojp.topics.vocabulary import Vocabulary, VocabularySettings, build_vocabulary

__all__ = [
    "assign_top_topic", "build_vocabulary", "choose_model", "compute_diversity", "compute_frex",
    "compute_stability", "compute_topic_npmi", "detach_paragraphs", "estimate_prevalence", "find_passages",
    "fit_model", "fit_topics", "fit_topics_blocks", "fit_topics_parquet", "FittedModel", "list_npmi_pairs",
    "select_model", "tabulate_topics", "TopicModelResult", "TopicSettings", "Vocabulary", "VocabularySettings"
]
