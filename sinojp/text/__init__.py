"""Text stages: normalise, clean scraped pages, find near-duplicates, split paragraphs and sentences.

Imports only :mod:`sinojp.corpus` and :mod:`sinojp.resources` of the package.
"""

from sinojp.text.clean import (
    DOCUMENT_COLUMNS,
    LINE_COLUMNS,
    REMOVAL_COLUMNS,
    TABLE_COLUMNS,
    Cleaned,
    clean_corpus,
    count_removals,
    shorten,
    show_before_after,
)
from sinojp.text.dates import assign_period, find_dates
from sinojp.text.linefeatures import count_site_lines
from sinojp.text.linemodel import classify_lines, load_line_model
from sinojp.text.lines import match_rule
from sinojp.text.neardup import find_near_duplicates, mark_near_duplicates
from sinojp.text.normalise import normalise_unicode
from sinojp.text.page import PageResult, clean_page
from sinojp.text.segment import (
    PUNKT_TRAINING_CHARS,
    count_words,
    split_paragraphs,
    split_sentences,
    tokenize_sentences,
    train_punkt,
)
from sinojp.text.slips import flag_slips
from sinojp.text.textmatch import PatternSet
from sinojp.text.tokens import find_words

__all__ = [
    "assign_period", "classify_lines", "clean_corpus", "clean_page", "Cleaned", "count_removals",
    "count_site_lines", "count_words", "DOCUMENT_COLUMNS", "find_dates", "find_near_duplicates", "find_words",
    "flag_slips", "LINE_COLUMNS", "load_line_model", "mark_near_duplicates", "match_rule", "normalise_unicode",
    "PageResult", "PatternSet", "PUNKT_TRAINING_CHARS", "REMOVAL_COLUMNS", "shorten", "show_before_after",
    "split_paragraphs", "split_sentences", "TABLE_COLUMNS", "tokenize_sentences", "train_punkt"
]
