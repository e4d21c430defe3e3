"""Validation of every measure against hand codes: cleaning, stance, frames.

Imports :mod:`sinojp.measures`, :mod:`sinojp.topics` and below.
"""

from sinojp.validate.agreement import tabulate_agreement
from sinojp.validate.cleaning import validate_cleaning
from sinojp.validate.labelled import LabelledCorpus, load_labelled, load_split
from sinojp.validate.frames import compare_frame_methods, cross_validate_frames, validate_frames
from sinojp.validate.stance import (
    check_known_groups,
    choose_method,
    compare_stance_methods,
    cross_validate_stance,
    summarise_methods,
    validate_stance,
)

__all__ = [
    "check_known_groups", "choose_method", "compare_frame_methods", "compare_stance_methods",
    "cross_validate_frames", "cross_validate_stance", "LabelledCorpus", "load_labelled", "load_split",
    "summarise_methods", "tabulate_agreement", "validate_cleaning", "validate_frames", "validate_stance"
]
