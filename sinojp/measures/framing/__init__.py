"""The frames of the codebook, per sentence and document, with keyword-in-context evidence."""

from sinojp.measures.framing.codebook import extract_kwic, list_frames, load_codebook, match_frames
from sinojp.measures.framing.scores import (
    DEFAULT_METHOD,
    DEFAULT_THRESHOLD,
    METHODS,
    explain_frames,
    score_documents,
    score_sentences,
)
from sinojp.measures.framing.supervised import load_frame_annotations, train_classifier

__all__ = [
    "DEFAULT_METHOD", "DEFAULT_THRESHOLD", "explain_frames", "extract_kwic", "list_frames", "load_codebook",
    "load_frame_annotations", "match_frames", "METHODS", "score_documents", "score_sentences", "train_classifier"
]
