"""The literal cues that spare body lines the slow furniture searches change no rule verdict."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DEV, SAMPLE, SEEDS
from sinojp.text.dates import find_dates
from sinojp.text.lines import (
    _CJK,
    _DATE_ONLY_EXTRA,
    LINE_RULES,
    SEPARATOR_ROW,
    is_date_only,
    match_rule,
)
from sinojp.text.normalise import normalise_unicode
from sinojp.text.tokens import find_words


def _date_only_reference(line: str) -> str:
    """``is_date_only`` without its word pre-check (the definition the cue must not change)."""
    found = find_dates(line)
    if len(found) != 1:
        return ""
    rest = line[: found[0].start] + line[found[0].end:]
    return found[0].iso if not _DATE_ONLY_EXTRA.sub("", rest) else ""


def _match_rule_reference(line: str) -> str:
    """``match_rule`` without its literal cues: every pattern searched."""
    n = len(find_words(line))
    for rule, pattern, max_words in LINE_RULES:
        if max_words is not None and n > max_words:
            continue
        if pattern.search(line):
            return rule
    if _date_only_reference(line):
        return "date_widget"
    if SEPARATOR_ROW.match(line):
        return "table_separator"
    cjk = len(_CJK.findall(line))
    if cjk and cjk >= sum(len(w) for w in find_words(line)):
        return "non_english_line"
    return ""


def _real_lines() -> list[str]:
    """Every non-blank line of the seeds, and of the sample and the development corpus when they are beside."""
    lines = []
    for folder in (SEEDS, DEV / "raw", SAMPLE / "raw"):
        if folder.is_dir():
            for path in sorted(folder.glob("*.txt")):
                lines += [normalise_unicode(t) for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    return lines


def test_cues_change_no_verdict_on_real_lines():
    lines = _real_lines()
    assert lines
    for line in lines:
        assert match_rule(line) == _match_rule_reference(line), line
        assert is_date_only(line) == _date_only_reference(line), line


_PIECES = st.sampled_from([
    "Tuesday, October 21, 2025", "13:16 JST, May 30, 2025", "Sepember 3, 2025", "2025-07-21", "Oct. 29, 2025, 2:22 AM",
    "Leave a Reply", "Subscribe to our newsletter", "- Advertisement -", "Ads by", "Photo: Kyodo", "[Photo/VCG]",
    "<div class='x'>", "{a: 1}", "function", "\u00a9 2025", "All Rights Reserved", "3 min read", "Sign in",
    "Updated: 2025-01-02", "Posted on", "AI-generated", "Getty Images", "\u8bb8\u53ef\u8bc1", "SUBSCRIBE", "Donate",
    "Share", "By John Smith", "the", "Japan", "said", ".", ",", " ", "|", ":", "T", "st", "am", "\u017fubscribe",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=8))
def test_cues_change_no_verdict_on_generated_lines(parts):
    line = normalise_unicode(" ".join(parts))
    assert match_rule(line) == _match_rule_reference(line)
    assert is_date_only(line) == _date_only_reference(line)


@pytest.mark.parametrize("line", ["\u017fubscribe to our newsletter"])
def test_cues_fold_case_like_the_patterns(line):
    assert match_rule(line) == _match_rule_reference(line)
