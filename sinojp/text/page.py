"""Clean one scraped page: a learned classifier decides every line, and every removal says why.

The cleaner reads each page line by line (as ``str.splitlines()`` numbers them) and decides for
every line whether it is article body, a heading, the title, or boilerplate. A learned line
classifier (:mod:`sinojp.text.linemodel`, a logistic regression shipped as JSON) makes the
decision from general signals, not from strings of particular sites:

* **patterns** that mark page furniture anywhere (breadcrumbs, date and weather widgets, share and
  comment prompts, ads, image credits, copyright and promotion lines, HTML fragments;
  :mod:`sinojp.text.lines`) -- as features, not verdicts;
* **shape** of the line and of the paragraph it belongs to (hard-wrapped prose is joined first);
* **position** relative to the prose of the page (header, body, footer, link and comment blocks)
  and the neighbouring paragraphs;
* **repetition** of a line on the page, of the URL slug, and on other pages of the same site
  (:mod:`sinojp.text.linefeatures`).

When in doubt it keeps: lines of one hard-wrapped paragraph share one decision, a lead sentence
above the body and a truncated last paragraph are body, and a page of prose is never emptied.
A removed line records the furniture pattern that fired, or the model's main reasons. The body's
words are never rewritten: Unicode is normalised and markdown tables become readable rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sinojp.text.dates import find_dates
from sinojp.text.linefeatures import SiteCounts, join_wrapped
from sinojp.text.linemodel import HEADING as M_HEADING
from sinojp.text.linemodel import KEEP, LineModel, classify_lines, explain_removal
from sinojp.text.linemodel import TITLE as M_TITLE
from sinojp.text.lines import (
    END_OF_PIECE_RULES,
    SCRAPER_DATE,
    TABLE_ROW,
    containment,
    is_date_only,
    is_headline,
    is_name_line,
    is_prose,
    line_key,
)
from sinojp.text.normalise import normalise_unicode
from sinojp.text.outlets import find_text_outlet
from sinojp.text.titledate import extract_date, extract_title
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
    pub_date: str = ""
    pub_date_source: str = ""


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


def clean_page(raw_text: str, known_title: str = "", url: str = "", site_counts: SiteCounts | None = None,
               model: LineModel | None = None) -> PageResult:
    """Classify every line of one page and split stitched pieces.

    A learned line classifier (:func:`sinojp.text.linemodel.classify_lines`, coefficients in
    ``resources/models/line_model.json``) decides which lines are body, heading, headline or
    boilerplate, from features that include the furniture patterns (:func:`match_rule`), the
    shape of the line and of its hard-wrapped paragraph, its position, its neighbours and its
    repetition on the page and on the site. The rule recorded for a removed line is the furniture
    pattern that fired, ``title`` / ``headline``, or the model's main reasons
    (``model: short, no verb, repeated on site``). Title and publication date come from the
    verdicts, the URL and the header datelines (:mod:`sinojp.text.titledate`).

    Parameters
    ----------
    raw_text : str
        The page text as read.
    known_title : str, optional
        A title from metadata; lines repeating it are treated as the title.
    url : str, optional
        The page URL (its slug helps to find the headline; a date in it is the publication date).
    site_counts : SiteCounts, optional
        How many pages of the same site in the corpus contain each line
        (:func:`sinojp.text.linefeatures.count_site_lines`); ``None`` when the page's site has no
        other page.
    model : LineModel, optional
        Defaults to the shipped model.

    Returns
    -------
    PageResult
        Line decisions (one per raw line), the article pieces, and the extracted title,
        author, page date, dateline and publication date (``pub_date``, ``pub_date_source``).
    """
    raw_lines = raw_text.splitlines()
    decisions = [LineDecision(i, raw, "", BLANK) for i, raw in enumerate(raw_lines, start=1)]
    scraper_date = ""
    for raw in raw_lines[:2]:
        m = SCRAPER_DATE.match(raw)
        if m:
            scraper_date = m.group(1)
            break
    v = classify_lines(raw_lines, site_counts=site_counts, model=model, url=url)
    title = extract_title(v, url)
    # each line key is computed once (a line's key is asked for up to four times)
    title_key = line_key(title) if title else ""
    known_key = line_key(known_title) if known_title else ""
    known_words = set(known_key.split())
    for k, (no, text, lab) in enumerate(zip(v.line_nos, v.texts, v.labels)):
        d = decisions[no - 1]
        d.text, d.rule = text, v.features.rules[k]
        key = line_key(text) if known_title or lab == M_TITLE else ""
        if known_title and (key == known_key or abs(len(text) - len(known_title)) < 0.3 * len(known_title)
                            and containment(set(key.split()), known_words) > 0.9):
            d.label, d.rule = TITLE, "title"
        elif lab == KEEP:
            d.label = BODY
        elif lab == M_HEADING:
            d.label = HEADING
        elif lab == M_TITLE:
            is_title = title and (key == title_key or title_key in key)
            d.label, d.rule = (TITLE, "title") if is_title and not d.rule else (BOILERPLATE, d.rule or "headline")
        else:
            d.label, d.rule = BOILERPLATE, d.rule or explain_removal(v, k, model)
    if known_title:
        title = known_title
    # Hard-wrapped paragraphs: the first line carries the joined text, the others point to it.
    by_para: dict[int, list[LineDecision]] = {}
    for k, no in enumerate(v.line_nos):
        by_para.setdefault(v.features.para[k], []).append(decisions[no - 1])
    for group in by_para.values():
        if len(group) > 1:
            head = group[0]
            head.text = join_wrapped(d.text for d in group)
            head.wrapped_to = group[-1].line_no  # type: ignore[attr-defined]
            for d in group[1:]:
                d.continues = head
                d.label, d.rule = head.label, head.rule
    # Tables: separator rows go, content rows become readable lines.
    content = [d for d in decisions if d.label != BLANK and d.continues is None]
    tables: list[list[list[str]]] = []
    idx = 0
    while idx < len(content):
        if TABLE_ROW.match(content[idx].text) or (content[idx].rule == "table_separator"
                                                   and content[idx].text.startswith("|")):
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
    # Author, dateline and page date from the removed lines.
    kept_idx = [k for k, d in enumerate(content) if d.label == BODY]
    first_body, last_body = (kept_idx[0], kept_idx[-1]) if kept_idx else (len(content), -1)
    removed = [(k, d) for k, d in enumerate(content) if d.label in (BOILERPLATE, TITLE)]
    author = dateline = page_date = ""
    for k, d in sorted(removed, key=lambda kd: (not kd[1].text.lower().startswith(("by ", "written by")), kd[0])):
        if d.rule == "byline" or (is_name_line(d.text) and (k < first_body or k > last_body)):
            author = _author_from(d.text)
            if author:
                break
    for _, d in removed:
        if d.rule in ("dateline", "byline") and not dateline and find_dates(d.text):
            dateline = d.text
        if d.rule == "date_widget" and not page_date:
            page_date = is_date_only(d.text)
    page_date = scraper_date or page_date
    pub_date, pub_source = extract_date(v, url, tuple(raw_lines[:2]))
    pieces = _split_pieces(decisions, title)
    return PageResult(decisions, pieces, title=title, author=author, page_date=page_date, dateline=dateline,
                      tables=tables, scraper_date=scraper_date, pub_date=pub_date, pub_date_source=pub_source)


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
        if d.rule in END_OF_PIECE_RULES and kept_so_far >= 3:
            # a sign-off pattern ends a piece whether or not the classifier removed the line
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
