"""Validation of every measure against hand codes: cleaning, stance, frames.

Imports :mod:`sinojp.measures`, :mod:`sinojp.topics` and below.
"""

from sinojp.validate.agreement import tabulate_agreement
from sinojp.validate.cleaning import (
    train_line_model,
    validate_cleaning,
    validate_cleaning_heldout,
)
from sinojp.validate.coding import (
    CodingForm,
    compare_codes,
    draw_coding_sample,
    export_codes,
    read_coding_sheet,
    write_coding_sheet,
)
from sinojp.validate.frames import (
    compare_frame_methods,
    cross_validate_frames,
    validate_frames,
    validate_frames_heldout,
)
from sinojp.validate.labelled import LabelledCorpus, load_labelled, load_split
from sinojp.validate.stance import (
    check_known_groups,
    choose_method,
    compare_stance_methods,
    cross_validate_stance,
    summarise_methods,
    validate_stance,
    validate_stance_heldout,
)
from sinojp.validate.train_frames import train_frame_models
from sinojp.validate.train_stance import train_stance_models
from sinojp.validate.voices import load_coded_voices, match_voices, score_voices

__all__ = [
    "check_known_groups", "choose_method", "CodingForm", "compare_codes", "compare_frame_methods",
    "compare_stance_methods", "cross_validate_frames", "cross_validate_stance", "draw_coding_sample",
    "export_codes", "LabelledCorpus", "load_coded_voices", "load_labelled", "load_split", "match_voices",
    "read_coding_sheet", "score_voices", "summarise_methods", "tabulate_agreement", "train_frame_models",
    "train_line_model", "train_stance_models", "validate_cleaning", "validate_cleaning_heldout", "validate_frames",
    "validate_frames_heldout", "validate_stance", "validate_stance_heldout", "write_coding_sheet"
]
