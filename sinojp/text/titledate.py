"""Title and publication date of a page from the classifier's verdicts, the URL and the text.

Title: among the headline-like lines above the first body line, the one that best matches the
URL slug (then the one the model finds most headline-like, then the nearest to the body), with a
section or source prefix cut where a ``|`` separates it or non-Latin script marks it.

Date: the most plausible publication date among (1) a date written in the URL, (2) a dateline in
the page header (a date with a time, or with published/updated/posted, or a date line below the
headline; a bare date above the headline is a date widget showing the day the page was fetched),
(3) a date field the scraper wrote before the page text.
"""

from __future__ import annotations

import re
from datetime import date as _date
from urllib.parse import urlsplit

from sinojp.text.dates import find_dates, find_url_date
from sinojp.text.linefeatures import find_slug_words
from sinojp.text.linemodel import KEEP, LineVerdicts
from sinojp.text.lines import SCRAPER_DATE, line_key

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u3000-\u303f\uff00-\uffef]")
_SENTENCE_END = re.compile(r"[.!][\"')\]]*\s*$")


# ---------------------------------------------------------------------------------------------
# Title
# ---------------------------------------------------------------------------------------------

def strip_title_prefix(text: str, slug: set[str] | None = None) -> str:
    """Cut a section or source label off a headline.

    ``Section | Headline`` or ``Headline | Site``: the ``|``-separated part that best matches the
    URL slug, else the longest. ``Source:作者:Headline``: everything up to the last ``:`` whose
    part before it holds non-Latin script.

    Parameters
    ----------
    text : str
        A headline as on the page.
    slug : set of str, optional
        The URL slug's words (:func:`sinojp.text.linefeatures.find_slug_words`).

    Returns
    -------
    str
        The headline without the label (unchanged when none is found).
    """
    text = text.strip()
    if " | " in text:
        parts = [p.strip() for p in text.split(" | ") if p.strip()]
        if slug:
            best = max(parts, key=lambda p: (len(set(line_key(p).split()) & slug), len(p)))
        else:
            best = max(parts, key=len)
        text = best
    if _CJK.search(text):
        parts = re.split(r"\s*[:：]\s*", text)
        last_cjk = max((i for i, p in enumerate(parts) if _CJK.search(p)), default=-1)
        rest = ": ".join(parts[last_cjk + 1:]).strip()
        if len(rest.split()) >= 3:
            text = rest
    return text


def find_body_start(v: LineVerdicts) -> int:
    """Where the body of a page starts.

    Parameters
    ----------
    v : LineVerdicts
        The classifier's verdicts for the page.

    Returns
    -------
    int
        Index (among the non-blank lines) of the first kept line whose paragraph ends a sentence
        with a full stop or exclamation mark (a kept headline -- no final period, or a question --
        does not start the body), else of the first kept line, else the number of lines.
    """
    kept = [k for k, lab in enumerate(v.labels) if lab == KEEP]
    para = v.features.para
    for k in kept:
        last = k
        while last + 1 < len(para) and para[last + 1] == para[k]:
            last += 1  # the paragraph's last line carries its final punctuation
        if _SENTENCE_END.search(v.texts[last]):
            return k
    return kept[0] if kept else len(v.labels)


def find_title_candidates(v: LineVerdicts, url: str = "") -> list[tuple[int, str, float]]:
    """Headline-like lines above the first body line.

    A candidate is shaped like a headline (no final period or comma, or a question), has 4 to 30
    words (3 when it matches the URL slug), and is not page furniture, a caption or credit, nor a
    date or time stamp; a kept line is a candidate only up to 20 words.

    Parameters
    ----------
    v : LineVerdicts
        The classifier's verdicts for the page.
    url : str, optional
        The page URL.

    Returns
    -------
    list of (index, headline, slug cover)
        In page order: the line's index among the non-blank lines, the headline with its prefix
        cut (:func:`strip_title_prefix`) and the share of the URL slug's words it holds.
    """
    f = v.features
    col = {name: j for j, name in enumerate(f.names)}
    first_body = find_body_start(v)
    slug = find_slug_words(url)
    out = []
    for k in range(first_body):
        x = f.X[k]
        text = v.texts[k]
        if f.rules[k] or (x[col["is_headline"]] == 0 and not text.rstrip().endswith("?")):
            continue
        if max(x[col["caption_cue"]], x[col["photo_word"]], x[col["ends_paren"]], x[col["bracket_tag"]],
               x[col["has_date"]], x[col["has_time"]], x[col["bio_cue"]], x[col["editor_note"]]) > 0:
            continue
        cand = strip_title_prefix(text, slug)
        toks = set(line_key(cand).split())
        n_words = len(cand.split())
        cover = len(toks & slug) / len(slug) if slug else 0.0
        if n_words > 30 or (n_words < 4 and not (n_words == 3 and cover >= 0.5)):
            continue
        if v.labels[k] == KEEP and n_words > 20:
            continue  # a kept line this long is more likely body cut off than a headline
        out.append((k, cand, cover))
    return out


def extract_title(v: LineVerdicts, url: str = "") -> str:
    """The page's headline as written, or '' when the page shows none above the body.

    The first candidate (see :func:`find_title_candidates`) -- headlines come before standfirsts
    and sub-headlines -- unless a later one matches the URL slug clearly better (by 0.25 or more).

    Parameters
    ----------
    v : LineVerdicts
        The classifier's verdicts for the page.
    url : str, optional
        The page URL.

    Returns
    -------
    str
        The headline, or ``""``.
    """
    cands = find_title_candidates(v, url)
    if not cands:
        return ""
    first = cands[0]
    best = max(cands, key=lambda c: c[2])
    return best[1] if best[2] >= first[2] + 0.25 else first[1]


# ---------------------------------------------------------------------------------------------
# Date
# ---------------------------------------------------------------------------------------------

_URL_STAMP = re.compile(r"(?<!\d)(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])((?:[01]\d|2[0-3])[0-5]\d\d*)?(?!\d)")
_URL_MDY = re.compile(r"(?<![\d])(\d{1,2})-(\d{1,2})-(20\d\d)(?![\d])")
_PUBLISHED = re.compile(r"\b(published|posted|created|first published|issued)\b|发布|發布|发表|發表", re.IGNORECASE)
_UPDATED = re.compile(r"\b(updated|modified|last updated)\b", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(am|pm)\b", re.IGNORECASE)


def _valid(y: int, m: int, d: int) -> str:
    try:
        return _date(y, m, d).isoformat()
    except ValueError:
        return ""


def read_url_date(url: str) -> str:
    """The date written in a URL, in more shapes than :func:`sinojp.text.dates.find_url_date`.

    The path patterns of :func:`~sinojp.text.dates.find_url_date`, then an 8-digit (or date-time)
    stamp anywhere in path or query (``?key=202412261104``, ``t20250106_``), then ``m-d-yyyy`` in
    the path (``/9-4-2025-7/``, read month first unless that is no date).

    Parameters
    ----------
    url : str
        The page URL.

    Returns
    -------
    str
        An ISO date, or ``""``.
    """
    iso = find_url_date(url)
    if iso or not url:
        return iso
    parts = urlsplit(url if "//" in url else f"//{url}")
    for m in _URL_STAMP.finditer(parts.path + "?" + parts.query):
        iso = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            return iso
    for m in _URL_MDY.finditer(parts.path):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        iso = _valid(y, a, b) or _valid(y, b, a)
        if iso:
            return iso
    return ""


def find_line_dates(text: str) -> list[str]:
    """ISO dates in a line, also where a date touches a letter (``2025-07-23浏览``, ``2026Clash``).

    Parameters
    ----------
    text : str
        One normalised line.

    Returns
    -------
    list of str
        The ISO dates :func:`sinojp.text.dates.find_dates` reads after digits are spaced off
        adjacent non-ASCII characters and a year off a following letter, in order.
    """
    spaced = re.sub(r"(?<=\d)(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=\d)", " ", text)
    spaced = re.sub(r"(?<=\b(?:19|20)\d\d)(?=[A-Za-z])", " ", spaced)
    return [d.iso for d in find_dates(spaced)]


def extract_date(v: LineVerdicts, url: str = "", raw_first_lines: tuple[str, ...] = ()) -> tuple[str, str]:
    """Publication date and where it came from (``url``, ``dateline``, ``scraper_field``), or ('', '').

    Parameters
    ----------
    v : LineVerdicts
        The classifier's verdicts for the page.
    url : str, optional
        The page URL.
    raw_first_lines : tuple of str
        The first two raw lines (a ``date YYYY-MM-DD`` field of the scraper stands there).

    Returns
    -------
    (date, source)
        The ISO date and ``url``, ``dateline`` or ``scraper_field``; ``("", "")`` when none is found.
    """
    iso = read_url_date(url)
    if iso:
        return iso, "url"
    first_body = find_body_start(v)
    cands = find_title_candidates(v, url)
    title_k = cands[0][0] if cands else None
    last_body = max((k for k, lab in enumerate(v.labels) if lab == KEEP), default=-1)
    published, updated, plain, inner = "", "", "", ""
    for k, (text, lab) in enumerate(zip(v.texts, v.labels)):
        header = k < first_body
        if lab == KEEP and not header:
            continue  # dates inside the body are events, not publication
        found = find_line_dates(text)
        if not found:
            continue
        if _PUBLISHED.search(text):
            published = published or found[0]
        elif _UPDATED.search(text):
            updated = updated or found[0]
        elif header:
            # a short date line below the headline, or a date with a time: a dateline; a bare
            # date above the headline is a widget; a long line with a date is a caption
            n_words = len(text.split())
            below_title = title_k is not None and k > title_k
            if (below_title and n_words <= 12) or (_TIME.search(text) and n_words <= 20):
                plain = plain or found[0]
        elif first_body < k < last_body and len(text.split()) <= 8:
            inner = inner or found[0]  # a short removed date line between body paragraphs
    for iso, src in ((published, "dateline"), (plain, "dateline"), (updated, "dateline"), (inner, "dateline")):
        if iso:
            return iso, src
    for raw in raw_first_lines[:2]:
        m = SCRAPER_DATE.match(raw)
        if m:
            return m.group(1), "scraper_field"
    return "", ""
