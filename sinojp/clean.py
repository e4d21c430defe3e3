"""Clean scraped article pages: keep the body, record every removal with the rule that made it.

The cleaner reads each page line by line (as ``str.splitlines()`` numbers them) and decides for
every line whether it is article body, a heading, the title, or boilerplate. It works from
general signals, not from strings of particular sites:

* **patterns** that mark page furniture anywhere (breadcrumbs, date and weather widgets, share and
  comment prompts, ads, image credits, copyright and promotion lines, HTML fragments);
* **zones**: everything above the first prose paragraph is page header (title, section labels,
  bylines, captions), everything after the last one is footer; a "related / trending / most
  popular" header starts a block of link lines that runs until prose resumes;
* **repetition**: a line that repeats the title or another line is a repeat, and a teaser that
  repeats a later paragraph is dropped in favour of the paragraph.

The body's words are never rewritten: Unicode is normalised (quotes, dashes, spaces), mojibake
markdown tables become clean rows, and spelling slips are flagged in a separate table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd

from sinojp.dates import date_from_url, find_dates, normalise_date, period_of

BODY, HEADING, TITLE, BOILERPLATE, BLANK = "body", "heading", "title", "boilerplate", "blank"

DOCUMENT_COLUMNS = [
    "doc_id", "source", "title", "author", "date", "date_source", "page_date", "dateline",
    "outlet", "outlet_origin", "period", "url", "text",
]
REMOVAL_COLUMNS = ["doc_id", "source", "line_no", "text", "rule"]
LINE_COLUMNS = ["doc_id", "source", "line_no", "label", "rule", "text"]

# ---------------------------------------------------------------------------------------------
# Unicode normalisation
# ---------------------------------------------------------------------------------------------

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "\u2013", "\u2015": "\u2014", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2008": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
})


def normalise_unicode(text: str) -> str:
    """Normalise quotes, dashes and spaces and repair mojibake, without changing any word.

    Curly quotes become straight quotes, odd hyphens become ``-``, the many Unicode spaces become
    one plain space, zero-width characters go, and UTF-8 read as cp1252 (``â€™``) is repaired with
    ftfy's conservative encoding fix.
    """
    if any(marker in text for marker in ("\u00e2\u20ac", "\u00c3", "\u00c2")):
        try:
            import ftfy

            text = ftfy.fix_encoding(text)
        except ImportError:  # pragma: no cover - ftfy is a dependency
            pass
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# ---------------------------------------------------------------------------------------------
# Line patterns: page furniture wherever it stands
# ---------------------------------------------------------------------------------------------

_DASHES = "-\u2013\u2014\u2012\u2015\u2500\u2501_=~"
SEPARATOR_ROW = re.compile(r"^\|?[\s:|" + _DASHES + r"]*[" + _DASHES + r"]{3,}[\s:|" + _DASHES + r"]*\|?$")
TABLE_ROW = re.compile(r"^\|.*\|\s*$")

_SHORT = 8  # a "short" line has at most this many words

LINE_RULES: list[tuple[str, re.Pattern[str], int | None]] = [
    # (rule, pattern, max words for the rule to apply or None)
    ("scraper_field", re.compile(r"^(left menu|right menu|main menu|menu|search|skip to (main )?content|toggle navigation|"
                                 r"choose your language|select language|global edition.*|close|back to top|top|sections?)$", re.I), 6),
    ("breadcrumb", re.compile(r"^(home|startseite|accueil)\s*[»>/|›:\-]", re.I), 30),
    ("breadcrumb", re.compile(r"^Home(?=[A-Z])"), 30),
    ("breadcrumb", re.compile(r"^you are here\b", re.I), 30),
    ("breadcrumb", re.compile(r"^[\w .&'-]{1,30}(\s*[»›>/|]\s*[\w .&'-]{1,40}){2,}$"), 30),
    ("weather_widget", re.compile(r"^-?\d{1,2}([.,]\d)?\s*°?\s*[CF]$"), 3),
    ("comment_form", re.compile(r"(leave a (reply|comment)|please enter your (comment|name|email)|post a comment|"
                                r"comments? (are )?closed|add (a|your) comment|akismet|log ?in to (comment|reply)|"
                                r"your email address will not be published|required fields are marked|"
                                r"save my name, email|notify me of|^comments?(\s*\(\d+\))?$|^\d+\s+comments?$)", re.I), 40),
    ("share_prompt", re.compile(r"^(share|share this( article| story)?|share on \w+|tweet|email|print|facebook|twitter|x|"
                                r"whatsapp|linkedin|wechat|weibo|telegram|reddit|copy link|follow us.*|subscribe.*|"
                                r"sign up.*|newsletter.*|share\s*[-–—:]\s*\w+)$", re.I), 8),
    ("share_prompt", re.compile(r"(subscribe to (our|the) newsletter|sign up for (our|the) newsletter|"
                                r"download (our|the) app|follow (us|\w+) on (twitter|facebook|x|instagram|telegram))", re.I), 40),
    ("advertisement", re.compile(r"(^-?\s*advertisement\s*-?|^sponsored( content)?$|spot_img|^ads? by\b|"
                                 r"make a charitable donation|^donate\b|^paid (post|content)\b)", re.I), 20),
    ("related_block", re.compile(r"^(related( articles| stories| news| posts| content| coverage)?|more (from|on|stories|news)\b.*|"
                                 r"most (popular|read|viewed|shared)|latest( articles| news| stories| posts)?|"
                                 r"trending( now| stories)?|recommended( for you| stories)?|you (may|might) (also )?like|"
                                 r"read (more|also|next)|top (stories|news)|special reports?|editor'?s picks?|"
                                 r"popular (posts|stories)|further reading|see also|what to read next|"
                                 r"opinion\s*/\s*blog\s*/\s*interview|in (other|case you missed).*)\s*:?$", re.I), 8),
    ("image_credit", re.compile(r"(^(image|photo|picture|video|graphic|illustration)\s*(source|credit|courtesy|by)?\s*:|"
                                r"^\(?(file )?photo\b|ai-generated|does not depict any real|for illustrative purposes|"
                                r"\bposes? for a photo\b|\[(photo|image|file photo)\s*/|^\[?(photo|image)/|photo taken on\b|\((photo|image)\s*:|\bphoto:\s|"
                                r"\bgetty images\b|\bshutterstock\b)", re.I), 45),
    ("html_fragment", re.compile(r"(^[\w-]*[\"']\s*/?>$|^<[^>]+>$|</?(div|span|script|style|iframe|img|a|p)\b[^>]*>|"
                                 r"^\{[^}]*\}$|^[\w-]+\s*\{.*\}$|^(function|var|window\.|document\.)\b)", re.I), 60),
    ("copyright_promo", re.compile(r"(all rights reserved|unauthori[sz]ed reproduction|^copyright\b|©|\(c\) \d{4}|"
                                   r"\bstay tuned\b|^for more (insights|in-depth|information|news|analysis|details|stories)\b|"
                                   r"click here|read the full (story|article)|this article (was|is) (originally )?"
                                   r"(published|based on|first appeared)|^source:\s|republished (with|by)|"
                                   r"hotline\s*:|\blicen[cs]e\b.*\d{5,}|许可证|report hotline)", re.I), 60),
    ("copyright_promo", re.compile(r"(auto-generated from a syndicated feed|has not been edited by \w+ staff|"
                                   r"^disclaimer\s*:|^enditem$|mailing list|our standards:|trust principles|"
                                   r"^get the latest\b|^listen to (this|the) (article|story)|^\d+\s*min(ute)?s? read$|"
                                   r"^scroll (down )?to continue|^(already a subscriber|sign in|log in|register)\b.{0,40}$)", re.I), 40),
    ("credit", re.compile(r"^\(?\s*((additional )?reporting|writing|editing|compiled|translated) by\b", re.I), 40),
    ("author_bio", re.compile(r"^\(?\s*(the )?(author|writer|columnist)s?\b.{0,300}\b(views|opinions) (are|expressed|do not)", re.I), 80),
    ("author_bio", re.compile(r"^\(?\s*(the )?(author|writer) is an?\b", re.I), 80),
    ("byline", re.compile(r"^(By|BY|Written [Bb]y|WRITTEN BY|Author|AUTHOR|Reporter|REPORTER|Editor|EDITOR|Edited [Bb]y)"
                          r"\s*:?\s+[A-Z][\w.'-]+"), 25),
    ("dateline", re.compile(r"\b(updated|published|posted|created|last updated|modified|first published)\s*(:|on\b)", re.I), 30),
    ("dateline", re.compile(r"^\d{1,2}:\d{2}\s*(am|pm)?\s*(jst|gmt|utc|bst|cst|est|edt|ist|cet|hkt|sgt)?\s*,?\s+"
                            r"[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}$", re.I), 10),
    ("tag_list", re.compile(r"^[•·▪◦●\-–*]\s*[\w .'-]{1,30}:?$"), 4),
    ("tag_list", re.compile(r"^(tags?|topics?|keywords?|categories|category|country|region|section)\s*:", re.I), 12),
    ("list_number", re.compile(r"^\d{1,3}[.)]?$"), 1),
]

END_OF_PIECE_RULES = {"copyright_promo", "image_credit", "author_bio", "byline", "comment_form", "share_prompt", "credit"}
BLOCK_RULES = {"related_block", "comment_form"}

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*|\d[\d,.%]*")
_LOWER_INITIAL = re.compile(r"(?:^| )[a-z]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_DATE_ONLY_EXTRA = re.compile(r"[\s,|:.\-–—]|\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(am|pm|jst|gmt|utc|ist|bst|cst|est|edt|cet|hkt|sgt|bjt)\b|\d{1,2}:\d{2}(:\d{2})?", re.I)
_SCRAPER_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")


def words(line: str) -> list[str]:
    """Word-like tokens of a line (letters or numbers)."""
    return _WORD.findall(line)


def is_prose(line: str, min_words: int = 12) -> bool:
    """A line that reads like running text: long enough, sentence punctuation, lower-case words."""
    toks = words(line)
    if len(toks) < min_words:
        return False
    # tokens hold no spaces, so each lower-case initial follows the start or a space of the join
    lowers = len(_LOWER_INITIAL.findall(" ".join(toks)))
    if lowers / len(toks) < 0.25:
        return False
    return bool(re.search(r"[.!?:;\"')\]]\s*$", line)) or len(toks) >= 20


def is_headline(line: str) -> bool:
    """A line shaped like a headline or sub-heading: 2-30 words, no final period or comma.

    Sentence-case headlines ("China and Japan row deepens with fresh ban") are as common as
    title-case ones, so capitalisation is not required.
    """
    toks = words(line)
    return 2 <= len(toks) <= 30 and not re.search(r"[.,;]\s*$", line) and bool(re.match(r"^[\W\d]*[A-Z0-9]", line))


def is_date_only(line: str) -> str:
    """If a line holds nothing but a date (and times, weekdays, zones), return its ISO date."""
    found = find_dates(line)
    if len(found) != 1:
        return ""
    rest = line[: found[0].start] + line[found[0].end:]
    return found[0].iso if not _DATE_ONLY_EXTRA.sub("", rest) else ""


def is_name_line(line: str) -> bool:
    """A short line that is only a personal or site name (``Tom Fowdy``, ``Ngamegbulam C. S``)."""
    toks = line.split()
    if not 1 <= len(toks) <= 4 or re.search(r"[.!?:;]\s*$", line.rstrip(". ")) :
        return False
    return all(re.match(r"^[A-Z][\w'’-]*\.?$|^[A-Z]\.?$", t) for t in toks)


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(line: str) -> str:
    return _NON_ALNUM.sub(" ", line.lower()).strip()


def _similar(a: str, b: str) -> float:
    """Token-set containment of the shorter line in the longer (0..1)."""
    return _containment(set(_key(a).split()), set(_key(b).split()))


def _containment(ta: set[str], tb: set[str]) -> float:
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def match_rule(line: str) -> str:
    """The first page-furniture rule that a (normalised) line matches, or ``''``."""
    n = len(words(line))
    for rule, pattern, max_words in LINE_RULES:
        if max_words is not None and n > max_words:
            continue
        if pattern.search(line):
            return rule
    if is_date_only(line):
        return "date_widget"
    if SEPARATOR_ROW.match(line):
        return "table_separator"
    cjk = len(_CJK.findall(line))
    if cjk and cjk >= sum(len(w) for w in words(line)):
        return "non_english_line"
    return ""


# ---------------------------------------------------------------------------------------------
# Per-document cleaning
# ---------------------------------------------------------------------------------------------

@dataclass
class LineDecision:
    """What the cleaner decided for one raw line."""

    line_no: int
    raw: str
    text: str
    label: str
    rule: str = ""
    continues: "LineDecision | None" = None  # set on the later lines of a hard-wrapped paragraph


@dataclass
class Piece:
    """One article of a page (pages that stitch several pieces give several)."""

    lines: list[LineDecision]
    title: str = ""


@dataclass
class PageResult:
    """Cleaning result of one page."""

    decisions: list[LineDecision]
    pieces: list[Piece]
    title: str = ""
    author: str = ""
    page_date: str = ""
    dateline: str = ""
    tables: list[list[list[str]]] = field(default_factory=list)
    scraper_date: str = ""


def _table_cells(line: str) -> list[str]:
    return [normalise_unicode(c) for c in line.strip().strip("|").split("|")]


def _table_row_text(header: list[str], cells: list[str]) -> str:
    """Render a table row as a readable line: ``Participants: Hiroshi Moriyama, ...``."""
    cells = [c for c in cells if c]
    if not cells:
        return ""
    if len(cells) == 2:
        return f"{cells[0]}: {cells[1]}"
    if header and len(header) == len(cells):
        return "; ".join(f"{h}: {c}" for h, c in zip(header, cells) if h)
    return "; ".join(cells)


def clean_page(raw_text: str, known_title: str = "") -> PageResult:
    """Classify every line of one page and split stitched pieces.

    Parameters
    ----------
    raw_text : str
        The page text as read.
    known_title : str, optional
        A title from metadata; lines repeating it are treated as the title.

    Returns
    -------
    PageResult
        Line decisions (one per raw line), the article pieces, and the extracted title,
        author, page date and dateline.
    """
    raw_lines = raw_text.splitlines()
    decisions: list[LineDecision] = []
    page_date = scraper_date = ""
    for i, raw in enumerate(raw_lines, start=1):
        m = _SCRAPER_DATE.match(raw) if i <= 2 else None
        if m:
            page_date = scraper_date = m.group(1)
            raw_body = raw[m.end():]
        else:
            raw_body = raw
        text = normalise_unicode(raw_body)
        label = BLANK if not text else ""
        decisions.append(LineDecision(i, raw, text, label, match_rule(text) if text else ""))

    content = _join_wrapped([d for d in decisions if d.label != BLANK])
    # Tables: separator rows go, content rows become readable lines.
    tables: list[list[list[str]]] = []
    idx = 0
    while idx < len(content):
        if TABLE_ROW.match(content[idx].text) or (content[idx].rule == "table_separator" and content[idx].text.startswith("|")):
            block = []
            while idx < len(content) and (TABLE_ROW.match(content[idx].text) or content[idx].rule == "table_separator"):
                block.append(content[idx])
                idx += 1
            rows = [b for b in block if b.rule != "table_separator"]
            header = _table_cells(rows[0].text) if rows else []
            tables.append([_table_cells(r.text) for r in rows])
            for b in block:
                if b.rule == "table_separator":
                    b.label = BOILERPLATE
                elif b is rows[0] and len(rows) > 1:
                    b.label, b.rule = BOILERPLATE, "table_header"
                else:
                    b.label, b.rule, b.text = BODY, "table_row", _table_row_text(header, _table_cells(b.text))
            continue
        idx += 1

    undecided = [d for d in content if not d.label]
    # Prose lines that are repeated later (teasers / standfirsts) do not open the body.
    prose_idx = [k for k, d in enumerate(undecided) if not d.rule and is_prose(d.text)]
    body_start = None
    later_prose = {k: set(_key(d.text).split()) for k, d in enumerate(undecided) if is_prose(d.text)}
    for k in prose_idx:
        if any(_containment(later_prose[k], words_j) > 0.85 for j, words_j in later_prose.items() if j > k):
            undecided[k].label, undecided[k].rule = BOILERPLATE, "repeated_teaser"
            continue
        body_start = k
        break
    last_prose = max((k for k in prose_idx if not undecided[k].label), default=None)

    title, author, dateline = "", "", ""
    if body_start is not None:
        body_start = _extend_back(undecided, body_start)
        body_start = _skip_standfirst(undecided, body_start, known_title)
    if body_start is None:
        # No prose at all: keep what is not page furniture so nothing is lost from short items.
        for d in undecided:
            d.label = BOILERPLATE if d.rule else BODY
    else:
        header = undecided[:body_start]
        title = _pick_title(header, known_title)
        for d in header:
            if d.label:
                continue
            if title and d.text == title and not d.rule:
                d.label, d.rule = TITLE, "title"
                continue
            if not d.rule:
                if known_title and _similar(d.text, known_title) > 0.9:
                    d.rule = "repeated_title"
                elif is_name_line(d.text):
                    d.rule = "byline"
                else:
                    d.rule = "header"
            d.label = BOILERPLATE
        in_block = False
        for k, d in enumerate(undecided[body_start:], start=body_start):
            if d.label:
                continue
            if d.rule in BLOCK_RULES:
                in_block = True
                d.label = BOILERPLATE
                continue
            if in_block and not (is_prose(d.text, 20) and not d.rule):
                d.label, d.rule = BOILERPLATE, d.rule or "related_block"
                continue
            in_block = False
            if d.rule:
                d.label = BOILERPLATE
            elif title and (d.text == title or _similar(d.text, title) > 0.95 and len(words(d.text)) >= 4):
                d.label, d.rule = BOILERPLATE, "repeated_title"
            elif last_prose is not None and k > last_prose and not _keeps_in_footer(d.text):
                d.label, d.rule = BOILERPLATE, "byline" if is_name_line(d.text) else "footer"
            elif is_prose(d.text, 5) or re.search(r"[.!?\"')]\s*$", d.text) or d.text.endswith(" "):
                d.label = BODY
            elif is_name_line(d.text) and _next_is_blankish(undecided, k):
                d.label, d.rule = BOILERPLATE, "byline"
            elif is_headline(d.text):
                d.label = HEADING
            else:
                d.label = BODY
        # Repeated short lines (bylines printed twice, a heading duplicated by the layout).
        seen: dict[str, int] = {}
        for d in content:
            if d.label in (BODY, HEADING) and len(words(d.text)) <= 12:
                key = _key(d.text)
                if key in seen:
                    d.label, d.rule = BOILERPLATE, "repeated_line"
                seen.setdefault(key, d.line_no)
    for d in decisions:
        if d.continues is not None:
            d.label, d.rule = d.continues.label, d.continues.rule
    removed = [d for d in decisions if d.label == BOILERPLATE and d.continues is None]
    for d in sorted(removed, key=lambda d: (not d.text.lower().startswith(("by ", "written by")), d.line_no)):
        if d.rule == "byline" and not author:
            author = _author_from(d.text)
    for d in removed:
        if d.rule in ("dateline", "byline") and not dateline and find_dates(d.text):
            dateline = d.text
        if d.rule == "date_widget" and not page_date:
            page_date = is_date_only(d.text)
    pieces = _split_pieces(decisions, title)
    return PageResult(decisions, pieces, title=title, author=author, page_date=page_date,
                      dateline=dateline, tables=tables, scraper_date=scraper_date)


def _extend_back(lines: list[LineDecision], start: int) -> int:
    """Let the body begin earlier with short full sentences just above the first long paragraph.

    An article may open with a one-line sentence ("China and Japan are currently undertaking a
    reproachment in relations.") too short to count as prose on its own.
    """
    while start > 0:
        d = lines[start - 1]
        toks = words(d.text)
        if d.label or d.rule or len(toks) < 6 or is_name_line(d.text) or not re.search(r"[.!?\"']\s*$", d.text):
            break
        if sum(1 for t in toks if t[0].islower()) / len(toks) < 0.4:
            break
        start -= 1
    return start


HEADER_RULES = {"dateline", "byline", "date_widget", "image_credit", "tag_list"}


def _skip_standfirst(lines: list[LineDecision], start: int, known_title: str, window: int = 8) -> int:
    """Move the body start past a standfirst: prose that a byline, dateline or caption follows.

    Many pages print title, summary (standfirst), then byline / dateline / picture credit, then the
    article. When such header lines come within ``window`` lines after the first prose line, the
    body begins after the last of them.
    """
    title = _pick_title(lines[:start], known_title)
    last_header = None
    for k in range(start + 1, min(len(lines), start + 1 + window)):
        d = lines[k]
        if d.rule in HEADER_RULES or (title and _similar(d.text, title) > 0.95):
            last_header = k
    if last_header is None:
        return start
    following = [k for k in range(last_header + 1, len(lines)) if not lines[k].rule and is_prose(lines[k].text)]
    if not following:
        return start
    for k in range(start, last_header + 1):
        if not lines[k].label and not lines[k].rule and is_prose(lines[k].text):
            lines[k].rule = "standfirst"
    return following[0]


_TERMINAL = re.compile(r"[.!?:;\"')\]]\s*$")


def wrap_width(lines: list[LineDecision]) -> int:
    """The column width of a hard-wrapped page, or 0 when the page is not hard-wrapped.

    A page counts as hard-wrapped when at least six text lines exist, none is longer than 120
    characters, and most of them end within 25 characters of the longest.
    """
    lengths = [len(d.text) for d in lines if not d.rule and not TABLE_ROW.match(d.text)]
    if len(lengths) < 6 or max(lengths) > 120:
        return 0
    width = max(lengths)
    near = sum(1 for n in lengths if n >= max(width - 15, 0.75 * width))
    return width if near >= 0.5 * len(lengths) else 0


def _join_wrapped(lines: list[LineDecision]) -> list[LineDecision]:
    """Join hard-wrapped lines into one logical line (the first line carries the joined text).

    A line continues the one above when both are adjacent (no blank line between), neither is page
    furniture, and either the upper line does not end a sentence while the lower one starts in
    lower case, or the page is wrapped at a fixed width and the upper line reaches that width.
    The later lines point to their first line through ``continues`` and take its decision.
    """
    width = wrap_width(lines)
    heads: list[LineDecision] = []
    last_len = 0
    for d in lines:
        prev = heads[-1] if heads else None
        if (prev is not None and d.line_no == _last_line(prev) + 1
                and not TABLE_ROW.match(prev.text) and not TABLE_ROW.match(d.text)
                and ((not prev.rule and not d.rule and not _TERMINAL.search(prev.text)
                      and re.match(r"^[\"'(]?[a-z]", d.text))
                     or (width and last_len >= max(width - 15, 0.75 * width)
                         and not re.match(r"^[-•·*–]\s", d.text)))):
            glue = "" if re.search(r"[A-Za-z]-$", prev.text) and d.text[:1].isalpha() else " "
            prev.text = f"{prev.text}{glue}{d.text}"
            prev.rule = match_rule(prev.text)
            d.continues = prev
            prev.wrapped_to = d.line_no  # type: ignore[attr-defined]
            last_len = len(d.text)
            continue
        heads.append(d)
        last_len = len(d.text)
    return heads


def _last_line(d: LineDecision) -> int:
    return getattr(d, "wrapped_to", d.line_no)


def _next_is_blankish(lines: list[LineDecision], k: int) -> bool:
    return k + 1 >= len(lines) or lines[k + 1].rule != ""


def _keeps_in_footer(text: str) -> bool:
    """A footer line that is still article text: a sentence of some length, or a paragraph the
    scraper cut off mid-word (many lower-case words, no final punctuation)."""
    toks = words(text)
    if len(toks) < 6 or is_name_line(text):
        return False
    if re.search(r"[.!?\"']\s*$", text):
        return True
    return len(toks) >= 8 and sum(1 for t in toks if t[0].islower()) / len(toks) >= 0.4


def _pick_title(header: list[LineDecision], known_title: str) -> str:
    """Choose the title among the header lines (the metadata title wins when it is there)."""
    if known_title:
        for d in header:
            if _key(d.text) == _key(known_title) or (d.text and _similar(d.text, known_title) > 0.9
                                                      and abs(len(d.text) - len(known_title)) < 0.3 * len(known_title)):
                return d.text
    candidates = [d for d in header if not d.rule and is_headline(d.text) and len(words(d.text)) >= 4
                  and not is_name_line(d.text)]
    if not candidates:
        candidates = [d for d in header if not d.rule and len(words(d.text)) >= 4 and not is_name_line(d.text)]
    if not candidates:
        return ""
    # The headline the page repeats, else the first one of six words or more (section labels
    # such as "Weapons of Mass Destruction (WMD)" are shorter), else the longest.
    keys = [_key(d.text) for d in candidates]
    for d, k in zip(candidates, keys):
        if keys.count(k) > 1:
            return d.text
    long_enough = [d for d in candidates if len(words(d.text)) >= 6]
    if long_enough:
        return long_enough[0].text
    return max(candidates, key=lambda d: len(words(d.text))).text


def _author_from(line: str) -> str:
    m = re.match(r"^(?:by|written by|author|reporter)\s*:?\s+(.+?)(?:\s+(?:published|updated|posted)\b.*)?$", line, re.I)
    if m:
        return m.group(1).strip(" |,")
    if is_name_line(line) and len(line.split()) >= 2 and not outlet_from_text(line)[0]:
        return line.strip()
    return ""


def _split_pieces(decisions: list[LineDecision], title: str) -> list[Piece]:
    """Split a page where a new headline follows an end-of-article signal (sign-off, credit, copyright).

    A stitched page ends one piece with a sign-off ("stay tuned", "all rights reserved", an image
    credit) and starts the next with a headline followed by prose. Sub-headings inside one article
    are not preceded by such signals, so they do not split.
    """
    pieces: list[Piece] = [Piece([], title)]
    pending_end = False
    kept_so_far = 0
    for idx, d in enumerate(decisions):
        if d.label == BLANK or d.continues is not None:
            pieces[-1].lines.append(d)
            continue
        if d.label == BOILERPLATE and d.rule in END_OF_PIECE_RULES and kept_so_far >= 3:
            pending_end = True
        elif d.label in (HEADING, BODY) and pending_end and is_headline(d.text) and len(words(d.text)) >= 5 \
                and _prose_follows(decisions, idx):
            d.label, d.rule = TITLE, "piece_title"
            pieces.append(Piece([], d.text))
            kept_so_far = 0
            pending_end = False
        elif d.label in (BODY, HEADING):
            kept_so_far += 1
            pending_end = False
        pieces[-1].lines.append(d)
    return [p for p in pieces if any(d.label == BODY for d in p.lines)] or pieces[:1]


def _prose_follows(decisions: list[LineDecision], idx: int) -> bool:
    for d in decisions[idx + 1: idx + 6]:
        if d.label == BLANK:
            continue
        if d.label == BODY and is_prose(d.text):
            return True
    return False


def piece_text(piece: Piece) -> str:
    """The cleaned body of a piece: kept lines, hard-wrapped lines joined, paragraphs by blank lines."""
    paras: list[str] = []
    prev_joinable = False
    for d in piece.lines:
        if d.continues is not None:
            continue
        if d.label not in (BODY, HEADING) or not d.text:
            prev_joinable = False if d.label != BLANK else prev_joinable and False
            continue
        if prev_joinable and paras and d.text[:1].islower():
            paras[-1] = paras[-1] + " " + d.text
        else:
            paras.append(d.text)
        prev_joinable = d.label == BODY and not re.search(r"[.!?:;\"')\]]\s*$", d.text)
    return "\n\n".join(paras)


# ---------------------------------------------------------------------------------------------
# Corpus level
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def load_outlets() -> pd.DataFrame:
    """The outlet table shipped with the package: domain, outlet name and origin."""
    with resources.files("sinojp.resources").joinpath("outlets.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def outlet_from_url(url: str) -> tuple[str, str]:
    """Outlet name and origin for a URL's domain from the shipped outlet table, else ``('', '')``."""
    m = re.match(r"^(?:https?://)?([^/:?#]+)", (url or "").strip())
    if not m:
        return "", ""
    host = m.group(1).lower()
    for dom, outlet, origin, _, _ in _outlet_patterns():
        if host == dom or host.endswith("." + dom):
            return outlet, origin
    return "", ""


def outlet_from_text(text: str) -> tuple[str, str]:
    """Outlet and origin named in page furniture (``chinadaily.com.cn | Updated``, ``Global Times``).

    Pass only the lines the cleaner removed (header, byline, footer): outlet names inside the
    article body are usually sources or subjects, not the publisher. Domains match in any case,
    names only as written.
    """
    lower = text.lower()
    for domain, outlet, origin, domain_re, name_re in _outlet_patterns():
        # substring tests first: the regexes only add the word boundaries
        if (domain in lower and domain_re.search(text)) or (
                name_re is not None and outlet in text and name_re.search(text)):
            return outlet, origin
    return "", ""


@lru_cache(maxsize=1)
def _outlet_patterns() -> tuple[tuple[str, str, str, re.Pattern[str], re.Pattern[str] | None], ...]:
    """The outlet table as (lower-case domain, outlet, origin, domain regex, name regex) tuples, compiled once."""
    return tuple(
        (row["domain"].lower(), row["outlet"], row["origin"],
         re.compile(r"(?<![\w.])" + re.escape(row["domain"]) + r"(?![\w])", re.I),
         re.compile(r"(?<![\w])" + re.escape(row["outlet"]) + r"(?![\w])") if len(row["outlet"]) >= 6 else None)
        for row in load_outlets().to_dict("records"))


@dataclass
class Cleaned:
    """Result of cleaning a corpus: documents, removals, all line decisions, tables, manifest rows."""

    documents: pd.DataFrame
    removals: pd.DataFrame
    lines: pd.DataFrame
    tables: pd.DataFrame
    manifest: pd.DataFrame


def clean_corpus(raw_docs: pd.DataFrame, manifest: pd.DataFrame | None = None,
                 near_duplicate_threshold: float = 0.8, progress: bool = False) -> Cleaned:
    """Clean every raw document, split stitched pages and mark near-duplicates.

    Parameters
    ----------
    raw_docs : DataFrame
        From :func:`sinojp.corpus.read_corpus` (doc_id, source, raw_text and metadata columns).
    manifest : DataFrame, optional
        The reading manifest; rows are updated for split and duplicate documents.
    near_duplicate_threshold : float
        Jaccard similarity of word 5-gram shingles above which a later document is marked a
        duplicate (syndicated copy) of an earlier one.
    progress : bool
        Show a progress bar (tqdm) while cleaning.

    Returns
    -------
    Cleaned
        ``documents`` (DOCUMENT_COLUMNS plus any extra metadata columns), ``removals`` (every
        removed line with its rule), ``lines`` (every line's decision), ``tables`` and the
        updated ``manifest``.
    """
    docs, removals, lines, tables = [], [], [], []
    manifest = manifest.copy() if manifest is not None else pd.DataFrame(columns=["source", "doc_id", "status", "reason"])
    extra_cols = [c for c in raw_docs.columns if c not in ("raw_text", "format", "encoding")]
    new_manifest: list[dict] = []
    records = raw_docs.to_dict("records")
    if progress:
        from tqdm.auto import tqdm

        records = tqdm(records, desc="cleaning", unit="doc")
    for rec in records:
        page = clean_page(rec["raw_text"], known_title=rec.get("title", ""))
        n = len(page.pieces)
        for d in page.decisions:
            lines.append({"doc_id": rec["doc_id"], "source": rec["source"], "line_no": d.line_no,
                          "label": d.label, "rule": d.rule, "text": d.raw})
            if d.label in (BOILERPLATE, TITLE):
                removals.append({"doc_id": rec["doc_id"], "source": rec["source"], "line_no": d.line_no,
                                 "text": d.raw.strip(), "rule": d.rule})
        for t_idx, table in enumerate(page.tables):
            for r_idx, row in enumerate(table):
                for c_idx, value in enumerate(row):
                    tables.append({"doc_id": rec["doc_id"], "table": t_idx, "row": r_idx, "col": c_idx, "value": value})
        for p_idx, piece in enumerate(page.pieces, start=1):
            doc_id = rec["doc_id"] if p_idx == 1 else f"{rec['doc_id']}#{p_idx}"
            doc = _document_row(rec, page, piece, doc_id, first=p_idx == 1)
            docs.append(doc)
            if n > 1:
                first_line = next((d.line_no for d in piece.lines if d.label in (BODY, HEADING, TITLE)), 0)
                new_manifest.append({"source": rec["source"], "doc_id": doc_id, "status": "split",
                                     "reason": f"piece {p_idx} of {n} stitched into one page, from line {first_line}: "
                                               f"{piece.title[:60]}"})
    documents = pd.DataFrame(docs)
    for col in DOCUMENT_COLUMNS:
        if col not in documents.columns:
            documents[col] = pd.Series(dtype=str)
    extra = [c for c in extra_cols if c not in DOCUMENT_COLUMNS and c in documents.columns]
    documents = documents[DOCUMENT_COLUMNS + extra].fillna("").reset_index(drop=True)
    if new_manifest:
        split_sources = {m["source"] for m in new_manifest}
        manifest = pd.concat([manifest[~manifest["source"].isin(split_sources)], pd.DataFrame(new_manifest)],
                             ignore_index=True)
    documents, manifest = mark_duplicates(documents, manifest, near_duplicate_threshold)
    empty = documents["text"].str.strip() == ""
    if empty.any():
        for doc_id in documents.loc[empty, "doc_id"]:
            manifest.loc[manifest["doc_id"] == doc_id, ["status", "reason"]] = ["rejected", "no article text left after cleaning"]
        documents = documents[~empty].reset_index(drop=True)
    order = {s: i for i, s in enumerate(raw_docs["source"])}
    manifest = manifest.assign(_o=manifest["source"].map(order).fillna(len(order))).sort_values(
        ["_o", "doc_id"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return Cleaned(documents, pd.DataFrame(removals, columns=REMOVAL_COLUMNS),
                   pd.DataFrame(lines, columns=LINE_COLUMNS),
                   pd.DataFrame(tables, columns=["doc_id", "table", "row", "col", "value"]), manifest)


def _document_row(rec: dict, page: PageResult, piece: Piece, doc_id: str, first: bool) -> dict:
    row = {k: v for k, v in rec.items() if k not in ("raw_text", "format", "encoding")}
    row["doc_id"] = doc_id
    row["text"] = piece_text(piece)
    meta_title = rec.get("title", "")
    row["title"] = (meta_title if first and meta_title else piece.title if not first else (piece.title or page.title))
    row["author"] = rec.get("author", "") or (page.author if first else "")
    row["page_date"] = page.page_date
    row["dateline"] = page.dateline if first else ""
    date, source = normalise_date(rec.get("pub_date", "")), "metadata"
    if not date and page.dateline:
        found = find_dates(page.dateline)
        date, source = (found[0].iso, "dateline") if found else ("", "")
    if not date:
        date, source = date_from_url(rec.get("url", "")), "url"
    if not date and page.scraper_date:
        # A "date YYYY-MM-DD" field the scraper wrote before the page text: its own reading of the
        # publication date, unlike a date widget, which shows the day the page was fetched.
        date, source = page.scraper_date, "scraper_field"
    row["date"], row["date_source"] = date, source if date else ""
    row["period"] = rec.get("period", "") or period_of(date)
    outlet, origin = rec.get("outlet", ""), rec.get("outlet_origin", "")
    if not outlet or not origin:
        u_outlet, u_origin = outlet_from_url(rec.get("url", ""))
        header = "\n".join(d.text for d in page.decisions if d.label in (BOILERPLATE, TITLE))
        t_outlet, t_origin = outlet_from_text(header)
        outlet = outlet or u_outlet or t_outlet
        origin = origin or u_origin or t_origin
    row["outlet"], row["outlet_origin"] = outlet, origin
    return row


def shingles(text: str, n: int = 5) -> set[int]:
    """Hashed word n-gram shingles of a text (lower-cased words)."""
    toks = re.findall(r"[a-z0-9]+", text.lower())
    return {hash(" ".join(toks[i:i + n])) for i in range(max(0, len(toks) - n + 1))}


def mark_duplicates(documents: pd.DataFrame, manifest: pd.DataFrame,
                    threshold: float = 0.8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark near-duplicate documents (syndicated copies) and keep only the first of each group.

    Two documents are near-duplicates when the Jaccard similarity of their word 5-gram shingle
    sets is at least ``threshold``; the later one (in corpus order) is listed in the manifest
    as ``duplicate`` with the document it copies and the similarity, and left out of the analysis.
    Candidate pairs come from an inverted index over shingles, so the cost grows with the number
    of shared shingles rather than with all pairs of documents.
    """
    if threshold > 1:  # no two documents can be more similar than identical: marking is off
        return documents, manifest
    sh = [shingles(t) for t in documents["text"]]
    index: dict[int, list[int]] = {}
    dup_of: dict[int, tuple[int, float]] = {}
    for i, s in enumerate(sh):
        counts: dict[int, int] = {}
        for h in s:
            for j in index.get(h, ()):
                counts[j] = counts.get(j, 0) + 1
        best = None
        for j, inter in counts.items():
            if j in dup_of:
                continue
            jac = inter / len(s | sh[j]) if s else 0.0
            if jac >= threshold and (best is None or jac > best[1]):
                best = (j, jac)
        if best:
            dup_of[i] = best
            continue
        for h in s:
            index.setdefault(h, []).append(i)
    if not dup_of:
        return documents, manifest
    manifest = manifest.copy()
    for i, (j, jac) in dup_of.items():
        doc_id, orig = documents.at[i, "doc_id"], documents.at[j, "doc_id"]
        mask = manifest["doc_id"] == doc_id
        manifest.loc[mask, "status"] = "duplicate"
        manifest.loc[mask, "reason"] = f"near-duplicate of {orig} (Jaccard {jac:.2f} on word 5-grams)"
    keep = [i for i in range(len(documents)) if i not in dup_of]
    return documents.iloc[keep].reset_index(drop=True), manifest


@lru_cache(maxsize=1)
def _misspellings() -> dict[str, str]:
    with resources.files("sinojp.resources").joinpath("misspellings.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return dict(zip(table["wrong"], table["right"]))


@lru_cache(maxsize=1)
def _proper_nouns() -> tuple[str, ...]:
    text = resources.files("sinojp.resources").joinpath("proper_nouns.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def flag_slips(documents: pd.DataFrame) -> pd.DataFrame:
    """Flag spelling slips, lower-cased proper nouns and missing spaces; never correct them.

    Returns
    -------
    DataFrame
        ``doc_id, kind, found, suggestion, context`` with kind in ``misspelling``,
        ``lowercase_proper_noun``, ``missing_space``.
    """
    rows = []
    wrong = _misspellings()
    nouns = _proper_nouns()
    noun_re = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True)) + r")\b")
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        for m in re.finditer(r"\b[a-z]+\b", text):
            if m.group(0) in wrong:
                rows.append((doc_id, "misspelling", m.group(0), wrong[m.group(0)], _context(text, m)))
        for m in noun_re.finditer(text):
            rows.append((doc_id, "lowercase_proper_noun", m.group(0), m.group(0).title(), _context(text, m)))
        for m in re.finditer(r"\b[a-z]{3,}[.,](?=[A-Z][a-z])", text):
            rows.append((doc_id, "missing_space", m.group(0), m.group(0) + " ", _context(text, m)))
    return pd.DataFrame(rows, columns=["doc_id", "kind", "found", "suggestion", "context"])


def _context(text: str, m: re.Match[str], width: int = 30) -> str:
    return text[max(0, m.start() - width): m.end() + width].replace("\n", " ")


# ---------------------------------------------------------------------------------------------
# Views for reading what cleaning did
# ---------------------------------------------------------------------------------------------

def removal_counts(removals: pd.DataFrame) -> pd.DataFrame:
    """Lines removed per document (rows) and rule (columns), with totals."""
    table = pd.crosstab(removals["doc_id"], removals["rule"], margins=True, margins_name="total")
    return table


def before_after(lines: pd.DataFrame, doc_id: str, width: int = 80) -> pd.DataFrame:
    """Every non-blank raw line of one page with what the cleaner did to it and why.

    Returns
    -------
    DataFrame
        ``line_no, kept (yes/no), label, rule, text`` with the text shortened to ``width`` characters.
    """
    rows = lines[(lines["doc_id"] == doc_id) & (lines["label"] != BLANK)]
    return pd.DataFrame({
        "line_no": rows["line_no"].to_numpy(),
        "kept": ["yes" if lab in (BODY, HEADING) else "no" for lab in rows["label"]],
        "label": rows["label"].to_numpy(),
        "rule": rows["rule"].to_numpy(),
        "text": [shorten(t, width) for t in rows["text"]],
    })


def shorten(text: str, width: int = 80) -> str:
    """Collapse white space and cut a text to ``width`` characters with an ellipsis."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
