"""Clean one scraped page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sinojp.text.dates import find_dates
from sinojp.text.lines import (
    BLOCK_RULES,
    END_OF_PIECE_RULES,
    SCRAPER_DATE,
    TABLE_ROW,
    containment,
    is_date_only,
    is_headline,
    is_name_line,
    is_prose,
    line_key,
    line_similarity,
    match_rule,
)
from sinojp.text.normalise import normalise_unicode
from sinojp.text.outlets import find_text_outlet
from sinojp.text.tokens import find_words

#: labels of a line's decision
BODY, HEADING, TITLE, BOILERPLATE, BLANK = "body", "heading", "title", "boilerplate", "blank"

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
        m = SCRAPER_DATE.match(raw) if i <= 2 else None
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
    later_prose = {k: set(line_key(d.text).split()) for k, d in enumerate(undecided) if is_prose(d.text)}
    for k in prose_idx:
        if any(containment(later_prose[k], words_j) > 0.85 for j, words_j in later_prose.items() if j > k):
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
                if known_title and line_similarity(d.text, known_title) > 0.9:
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
            elif title and (d.text == title or line_similarity(d.text, title) > 0.95 and len(find_words(d.text)) >= 4):
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
            if d.label in (BODY, HEADING) and len(find_words(d.text)) <= 12:
                key = line_key(d.text)
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
        toks = find_words(d.text)
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
        if d.rule in HEADER_RULES or (title and line_similarity(d.text, title) > 0.95):
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


def estimate_wrap_width(lines: list[LineDecision]) -> int:
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
    width = estimate_wrap_width(lines)
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
    toks = find_words(text)
    if len(toks) < 6 or is_name_line(text):
        return False
    if re.search(r"[.!?\"']\s*$", text):
        return True
    return len(toks) >= 8 and sum(1 for t in toks if t[0].islower()) / len(toks) >= 0.4


def _pick_title(header: list[LineDecision], known_title: str) -> str:
    """Choose the title among the header lines (the metadata title wins when it is there)."""
    if known_title:
        for d in header:
            if line_key(d.text) == line_key(known_title) or (d.text and line_similarity(d.text, known_title) > 0.9
                                                      and abs(len(d.text) - len(known_title)) < 0.3 * len(known_title)):
                return d.text
    candidates = [d for d in header if not d.rule and is_headline(d.text) and len(find_words(d.text)) >= 4
                  and not is_name_line(d.text)]
    if not candidates:
        candidates = [d for d in header if not d.rule and len(find_words(d.text)) >= 4 and not is_name_line(d.text)]
    if not candidates:
        return ""
    # The headline the page repeats, else the first one of six words or more (section labels
    # such as "Weapons of Mass Destruction (WMD)" are shorter), else the longest.
    keys = [line_key(d.text) for d in candidates]
    for d, k in zip(candidates, keys):
        if keys.count(k) > 1:
            return d.text
    long_enough = [d for d in candidates if len(find_words(d.text)) >= 6]
    if long_enough:
        return long_enough[0].text
    return max(candidates, key=lambda d: len(find_words(d.text))).text


def _author_from(line: str) -> str:
    m = re.match(r"^(?:by|written by|author|reporter)\s*:?\s+(.+?)(?:\s+(?:published|updated|posted)\b.*)?$", line, re.I)
    if m:
        return m.group(1).strip(" |,")
    if is_name_line(line) and len(line.split()) >= 2 and not find_text_outlet(line)[0]:
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
        elif d.label in (HEADING, BODY) and pending_end and is_headline(d.text) and len(find_words(d.text)) >= 5 \
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


def join_piece_text(piece: Piece) -> str:
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
