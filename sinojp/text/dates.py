"""Find and normalise dates in article text, datelines and URLs.

Dates come in many shapes in scraped news: ``Tuesday, October 21, 2025``, ``13:16 JST, May 30,
2025``, ``Published: Nov 18, 2025 11:45 PM``, ``Updated: 17-07-2025 08:14 IST``, ``2024-12-25``
and URL paths such as ``/2025-11-16/`` or ``/202412/25/``. Every function returns ISO
``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import chain

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"

PATTERNS = [
    # 2025-05-30 or 2025/05/30
    re.compile(r"\b(?P<year>20\d\d|19\d\d)[-/.](?P<mnum>\d{1,2})[-/.](?P<day>\d{1,2})\b"),
    # 17-07-2025 (day first, as in most non-US datelines)
    re.compile(r"\b(?P<day>\d{1,2})[-/.](?P<mnum>\d{1,2})[-/.](?P<year>20\d\d|19\d\d)\b"),
    # Tuesday, October 21, 2025 / Nov 18, 2025
    re.compile(_WEEKDAY + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>20\d\d|19\d\d)\b", re.I),
    # 21 October 2025
    re.compile(_WEEKDAY + r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>20\d\d|19\d\d)\b", re.I),
]

_YEAR = re.compile(r"(?:19|20)\d\d")

# Every pattern is costly to search for over a long line, and most years in a text are not part
# of a date. Each match holds a *core*, which these patterns find fast (they start with a digit):
# the numeric patterns (``PATTERNS[0]``, ``PATTERNS[1]``) hold three digit groups joined by two
# separators, from the last digit of the first group, which is at most three characters after
# the start of the match; the month-name patterns (``PATTERNS[2]``, ``PATTERNS[3]``) hold the last
# digit of the day and what follows it, at most ``lead`` characters after the start of the match
# when every run of white space in the text is one character (the names are at most nine
# letters). So a match can only start within ``lead`` characters before a core, and the pattern
# is tried only at those positions (with the non-overlapping scan of ``finditer``).
_NUMERIC_CORE = re.compile(r"\d[-/.]\d{1,2}[-/.]\d")
#: pattern index -> (core, lead, whether the lead needs single white space)
_CORES: dict[int, tuple[re.Pattern[str], int, bool]] = {
    0: (_NUMERIC_CORE, 3, False),
    1: (_NUMERIC_CORE, 3, False),
    2: (re.compile(r"\d(?:st|nd|rd|th)?,?\s+(?:20\d\d|19\d\d)\b", re.IGNORECASE), 23, True),
    3: (re.compile(r"\d(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?:20\d\d|19\d\d)\b", re.IGNORECASE), 12, True),
}
_SPACE_RUN = re.compile(r"\s\s")

URL_PATTERNS = [
    re.compile(r"/(?P<year>20\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)(?:/|$|[^\d])"),
    re.compile(r"/(?P<year>20\d\d)/(?P<mnum>\d\d)/(?P<day>\d\d)(?:/|$)"),
    re.compile(r"/(?P<year>20\d\d)(?P<mnum>\d\d)/(?P<day>\d\d)(?:/|$)"),
    re.compile(r"[/-](?P<year>20\d\d)(?P<mnum>\d\d)(?P<day>\d\d)(?:[-/_.]|$)"),
]


@dataclass(frozen=True)
class DateMatch:
    """A date found in text: ISO value and its character span."""

    iso: str
    start: int
    end: int
    text: str


def _to_iso(groups: dict[str, str | None]) -> str | None:
    try:
        year = int(groups["year"])
        month = int(groups["mnum"]) if groups.get("mnum") else MONTHS[groups["month"].lower().rstrip(".")]
        day = int(groups["day"])
        return date(year, month, day).isoformat()
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Return the full dates (day, month and year) in a text, in order of position.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of DateMatch
        Non-overlapping matches with ISO values; impossible dates are skipped.
    """
    if not _YEAR.search(text):  # every pattern needs a four-digit year: most lines have none
        return []
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    single_spaces = _SPACE_RUN.search(text) is None
    for index in range(len(PATTERNS)):
        for m in _matches(index, text, single_spaces):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            iso = _to_iso(m.groupdict())
            if iso:
                found.append(DateMatch(iso, m.start(), m.end(), m.group(0)))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _matches(index: int, text: str, single_spaces: bool) -> Iterator[re.Match[str]]:
    """The matches of ``PATTERNS[index]`` that ``finditer`` finds, tried only near cores (see ``_CORES``)."""
    core, lead, spaced = _CORES[index]
    cores = _core_starts(core, text)
    if not cores:
        return
    pattern = PATTERNS[index]
    if spaced and not single_spaces:
        yield from pattern.finditer(text)
        return
    end = 0  # the scan goes on where the previous match ended
    for start in sorted(set(chain.from_iterable(range(max(0, c - lead), c + 1) for c in cores))):
        if start >= end:
            m = pattern.match(text, start)
            if m is not None:
                yield m
                end = m.end()


def _core_starts(core: re.Pattern[str], text: str) -> list[int]:
    """Every position where a match of ``core`` starts (overlapping ones included)."""
    starts = []
    m = core.search(text)
    while m is not None:
        starts.append(m.start())
        m = core.search(text, m.start() + 1)
    return starts


def find_url_date(url: str) -> str:
    """Return the ISO date written in a URL path, or an empty string."""
    for pattern in URL_PATTERNS:
        m = pattern.search(url or "")
        if m:
            iso = _to_iso(m.groupdict())
            if iso and "2000-01-01" <= iso <= "2099-12-31":
                return iso
    return ""


def normalise_date(value: str) -> str:
    """Normalise a metadata date value (ISO, US or written form) to ``YYYY-MM-DD`` or ``''``."""
    value = (value or "").strip()
    if not value:
        return ""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        return _to_iso({"year": m.group(1), "mnum": m.group(2), "day": m.group(3)}) or ""
    m = re.match(r"^(\d{4})(\d{2})(\d{2})(\d{6})?$", value)  # GDELT 20251118 / 20251118123000
    if m:
        return _to_iso({"year": m.group(1), "mnum": m.group(2), "day": m.group(3)}) or ""
    matches = find_dates(value)
    return matches[0].iso if matches else ""


PERIODS = (("thaw", "2024-09-01", "2025-06-30"), ("middle", "2025-07-01", "2025-10-31"),
           ("crisis", "2025-11-01", "9999-12-31"))


def assign_period(iso: str) -> str:
    """Map an ISO date to the research design's period: thaw, middle, crisis, before or ``''``.

    The periods are :data:`PERIODS`: ``thaw`` from 2024-09-01 to 2025-06-30, ``middle`` from
    2025-07-01 to 2025-10-31 and ``crisis`` from 2025-11-01 on. Dates before September 2024 fall
    outside the design's periods and map to ``'before'``.

    Parameters
    ----------
    iso : str
        A date as ``YYYY-MM-DD`` (compared as a string), or ``""`` when a document has no date.

    Returns
    -------
    str
        ``"thaw"``, ``"middle"``, ``"crisis"`` or ``"before"``; ``""`` for an empty date.
    """
    if not iso:
        return ""
    for name, start, end in PERIODS:
        if start <= iso <= end:
            return name
    return "before" if iso < PERIODS[0][1] else ""
