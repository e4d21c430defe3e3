"""Non-overlapping matching of a list of patterns, longest first, shared by the gazetteer and lexicons."""

from __future__ import annotations

import re
from typing import Any, Iterable


def non_overlapping(text: str, patterns: Iterable[tuple[re.Pattern[str], str, Any]]) -> list[tuple[int, int, str, Any]]:
    """Match patterns in order, skipping any match that overlaps an earlier one.

    Parameters
    ----------
    text : str
        The text to search.
    patterns : iterable of (compiled pattern, literal, payload)
        In priority order (longest terms first). ``literal`` is a lower-case string that must occur
        in the lower-cased text for the pattern to be tried (a cheap pre-filter).

    Returns
    -------
    list of (start, end, surface, payload)
        Sorted by position.
    """
    lower = text.lower()
    candidates = [p for p in patterns if p[1] in lower]  # one C-level scan per literal, kept in order
    taken: list[tuple[int, int]] = []
    hits = []
    for pattern, _, payload in candidates:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            hits.append((s, e, m.group(0), payload))
    return sorted(hits, key=lambda h: (h[0], h[1]))
