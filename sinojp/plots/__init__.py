"""Figures of the measures (matplotlib); each function draws on an Axes it is given or creates.

Imports :mod:`sinojp.measures`, :mod:`sinojp.topics` and below.
"""

from sinojp.plots.frames import plot_document_frames, plot_frame_heatmap
from sinojp.plots.keyness import plot_keyness
from sinojp.plots.matrix import plot_matrix
from sinojp.plots.salience import plot_salience
from sinojp.plots.effects import plot_effects
from sinojp.plots.stance import plot_document_stance
from sinojp.plots.topics import plot_group_prevalence, plot_prevalence_heatmap, plot_search_k, plot_selection

__all__ = [
    "plot_document_frames", "plot_document_stance", "plot_effects", "plot_frame_heatmap", "plot_group_prevalence",
    "plot_keyness", "plot_matrix", "plot_prevalence_heatmap", "plot_salience", "plot_search_k", "plot_selection"
]
