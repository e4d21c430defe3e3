"""Comparisons across documents and groups: keyness, actor salience, similarity, generated findings.

Imports :mod:`sinojp.measures`, :mod:`sinojp.topics` and below.
"""

from sinojp.compare.effects import assign_clusters, estimate_all_effects, estimate_effects
from sinojp.compare.groups import tabulate_frames
from sinojp.compare.keyness import compute_keyness
from sinojp.compare.salience import (
    build_cooccurrence_matrix,
    compute_salience,
    count_actor_cooccurrence,
    find_actor_mentions,
    tabulate_salience,
)
from sinojp.compare.similarity import (
    compute_tfidf_similarity,
    count_shared_actors,
    find_shared_passages,
    shorten_labels,
)

__all__ = [
    "assign_clusters", "build_cooccurrence_matrix", "compute_keyness", "compute_salience",
    "compute_tfidf_similarity", "count_actor_cooccurrence", "count_shared_actors", "estimate_all_effects",
    "estimate_effects", "find_actor_mentions", "find_shared_passages", "shorten_labels", "tabulate_frames",
    "tabulate_salience"
]
