"""The measures of the codebook: actors, stance, frames, voices and facts, per sentence and document.

Imports :mod:`sinojp.text` and below; stance and framing are sub-packages (``sinojp.measures.stance``,
``sinojp.measures.framing``).
"""

from sinojp.measures.actors import detect_sentence_targets, detect_targets, find_actors, load_gazetteer, match_actors
from sinojp.measures.facts import (
    align_facts,
    compare_facts,
    extract_facts,
    extract_keywords,
    flag_facts,
    tabulate_fact_coverage,
)
from sinojp.measures.voices import VOICE_COLUMNS, resolve_speaker, extract_voices, tabulate_voices

__all__ = [
    "align_facts", "compare_facts", "detect_sentence_targets", "detect_targets", "extract_facts",
    "extract_keywords", "extract_voices", "find_actors", "flag_facts", "load_gazetteer", "match_actors",
    "resolve_speaker", "tabulate_fact_coverage", "tabulate_voices", "VOICE_COLUMNS"
]
