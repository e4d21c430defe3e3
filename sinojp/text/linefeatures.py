"""Per-line features of a scraped page for a learned keep/remove classifier.

Every non-blank raw line (as ``str.splitlines()`` numbers them) gets one row of named dense
features: today's furniture rules as indicators (not verdicts), the shape of the line and of the
paragraph it belongs to (hard-wrapped prose is joined first, so its short lines do not look like
furniture), its position relative to the prose of the page, its neighbours, repetition within
the page and repetition across other pages of the same site in the corpus being cleaned.

* :func:`build_line_features` builds the table of one page (:class:`PageFeatures`);
* :func:`count_site_lines` counts, per site (domain), how many pages contain each line, over the
  corpus being cleaned (:class:`SiteCounts`); the pipeline counts once over the whole corpus, so
  a page's features do not depend on how the corpus is cut into chunks.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from urllib.parse import urlsplit

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from sinojp.text.dates import find_dates
from sinojp.text.lines import (
    LINE_RULES,
    SCRAPER_DATE,
    TABLE_ROW,
    is_date_only,
    is_name_line,
    line_key,
    match_rule_lines,
    match_rule_words,
)
from sinojp.text.normalise import normalise_unicode
from sinojp.text.tokens import find_words

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

#: the furniture rules of :func:`sinojp.text.lines.match_rule`, one indicator feature each
RULES: list[str] = list(dict.fromkeys([r for r, _, _ in LINE_RULES] + ["date_widget", "table_separator",
                                                                         "non_english_line"]))

_SHAPE = ["n_words_log", "n_chars_log", "le3_words", "le8_words", "stop_share", "end_sentence",
          "end_colon", "end_open", "end_comma", "titlecase_share", "allcaps", "digit_share", "cjk_share",
          "starts_lower", "starts_quote", "starts_bullet", "has_link", "has_markdown", "has_pipe",
          "bracket_tag", "ends_paren", "label_colon", "editor_note", "bio_cue", "caption_cue", "photo_word",
          "web_words", "dateline_start", "verb_cue", "has_date",
          "ends_with_date", "has_time", "is_prose", "is_prose5", "is_headline", "is_date_only",
          "is_name_line", "table_row"]
_PARA: list[str] = []
_POS = ["rel_pos", "before_first_prose", "after_last_prose", "dist_prose_log", "is_first", "is_last",
        "last_fragment", "in_block", "no_prose_page"]
_NEIGH_BASE = ["is_prose", "n_words_log", "rule_any", "end_sentence", "is_headline", "dup_in_page"]
_NEIGH = [f"{side}_{n}" for side in ("prev", "next") for n in _NEIGH_BASE] + ["prev_missing", "next_missing"]
_REP = ["dup_in_page", "dup_earlier", "teaser_of_later", "repeat_of_earlier_prose", "overlap_other", "slug_cover",
        "slug_precision", "site_share", "site_any"]
_RULE = ["rule_any"] + [f"rule_{r}" for r in RULES]
_INTER = ["header_x_headline", "header_x_prose", "footer_x_short", "dup_x_prose", "site_x_short",
          "header_x_credit_shape"]

#: the feature names, in column order
FEATURES: list[str] = _SHAPE + _PARA + _POS + _NEIGH + _REP + _RULE + _INTER
_COL = {name: j for j, name in enumerate(FEATURES)}

# ---------------------------------------------------------------------------------------------
# Line shape
# ---------------------------------------------------------------------------------------------

_STOP = frozenset(ENGLISH_STOP_WORDS)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(com|org|net|cn|jp|co)\b|@\w", re.IGNORECASE)
_MARKDOWN = re.compile(r"^#{1,6}\s|\]\(|\*\*|^\s*[*+]\s|!\[")
_BULLET = re.compile(r"^[•·▪◦●\-–—*+]\s*")
_BRACKET = re.compile(r"\[[^\]]{1,40}\]")
_LABEL = re.compile(r"^[A-Z][\w'’ .&-]{0,28}:\s")
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,|\s*\(|\s*[-–—]{1,2}|:)")
_VERBS = frozenset(["is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would", "can", "could", "should", "may", "might", "must", "shall", "did", "does", "do", "said", "says", "say", "told", "added", "called", "urged", "expressed", "noted", "stressed", "announced", "agreed", "warned", "met", "held", "made", "took", "gave", "sent", "became", "remains", "remain", "seems", "appears"])
_ED = re.compile(r"\b[a-z]{3,}ed\b")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_PROSE_ENDS = tuple(".!?:;\"')]")
_QUOTES2, _CLOSERS, _STOPS = ('"', "\u201d"), "\"')]", (".", "!", "?")
_HEADLINE_START = re.compile(r"^[\W\d]*[A-Z0-9]")
_STARTS_LOWER = re.compile(r"^[\"'(]?[a-z]")
# generic furniture cues (English page grammar, no site names)
_NOTE = re.compile(r"^\(?\s*(editor'?s'? note|note to readers|disclaimer|correction|clarification|update)\s*:", re.IGNORECASE)
_CAPTION_WORDS = frozenset(["speaks", "attends", "poses", "walks", "waves", "arrives", "listens", "gestures", "delivers", "sits", "stands", "reviews", "salutes", "smiles", "pictured", "attend", "pose", "wave", "gesture", "shown"])
_BIO = re.compile(r"\b(this (article|story|report) (was|is|has been) (written|translated|produced|originally|generated|edited)|"
                  r"(the )?(author|writer)s? (is|are) (an?|the)\b|views? (expressed|are (his|her|their) own)|"
                  r"(author|writer)'?s'? (own )?(views|opinions)|(special )?commentator (for|on)|columnist (for|at)|"
                  r"translated by|with the help of (generative )?ai|ai[- ](generated|assisted|powered)|"
                  r"(do|does) not (necessarily )?reflect)", re.IGNORECASE)
_BIO_CUES = frozenset(["article", "story", "report", "author", "authors", "writer", "writers", "views", "view", "commentator", "columnist", "translated", "ai", "ai-generated", "ai-assisted", "ai-powered", "reflect", "reflects", "opinions"])
# words of web-page furniture in any site's template (navigation, accounts, consent, sharing)
_WEB_WORDS = frozenset(["cookie", "cookies", "privacy", "terms", "subscribe", "subscribed", "subscription", "newsletter", "login", "log", "logged", "sign", "signup", "register", "registration", "account", "password", "email", "e-mail", "browse", "browser", "javascript", "app", "download", "share", "shares", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "telegram", "instagram", "youtube", "follow", "comment", "comments", "reply", "advertisement", "advertise", "sponsored", "promoted", "click", "tap", "menu", "search", "home", "trending", "popular", "recommended", "related", "read", "watch", "listen", "podcast", "video", "gallery", "copyright", "rights", "reserved", "hashtags", "tags", "topics", "notifications", "settings", "policy", "consent", "premium", "unlock", "ad", "ads"])
_CAPTION_PHRASES = ("(left)", "(right)", "(center)", "(centre)", ", left,", ", right,", "shakes hands", "looks on",
                    " is seen", " are seen", "are displayed", "is displayed", "photo /", "photo/", "photo credit",
                    "image credit", "photo courtesy", "image courtesy")
_PHOTO_WORDS = frozenset(["photo", "photos", "image", "picture", "pictured", "illustration", "file", "caption", "credit", "video", "map"])
_LINK_CUES = ("http", "www.", "@", ".com", ".org", ".net", ".cn", ".jp", ".co")
_LOG9, _LOG21 = math.log1p(8), math.log1p(20)
_SLUG_STOP = frozenset(["www", "com", "html", "htm", "php", "shtml", "aspx", "asp", "article", "articles", "news", "story", "amp", "index", "page", "p", "id"])


#: each word token (:func:`sinojp.text.tokens.find_words`) as its initial letter, ``""`` for a number
_INITIALS = re.compile(r"([A-Za-z])[A-Za-z'’.-]*|\d[\d,.%]*")
#: the letter tokens of a lower-cased text, with the ``.'-`` that end them (what ``rstrip`` removes)
_LOWER_WORDS = re.compile(r"[a-z][a-z'’.-]*")
#: the characters other than ASCII letters whose lower case holds an ASCII letter (İ, the Kelvin
#: sign) or that a case-insensitive ASCII letter matches (ı, ſ): in a text without them, lower-casing
#: keeps the word tokens in place, and an ASCII word matches case-insensitively where it stands in
#: the lower-cased text
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")
#: literals one of which every match of ``_BIO`` holds (lower case)
_BIO_LITERALS = ("this article", "this story", "this report", "author", "writer", "view", "commentator", "columnist",
                 "translated by", "with the help of", "generated", "assisted", "powered", "reflect")
_COLON_DIGITS = re.compile(r":\d\d")  # what every match of ``_TIME`` holds
_LOWER_BYTES = bytes(range(ord("a"), ord("z") + 1))
_DIGITS = "0123456789"


def _plain_case(text: str) -> bool:
    """True when ``text`` holds none of the ``_ODD_CASE`` characters."""
    return text.isascii() or _ODD_CASE.search(text) is None


def _holds_any(text: str, low: str, literals: tuple[str, ...]) -> bool:
    """False only when no case-insensitive match of one of the ASCII ``literals`` is in ``text``."""
    return any(map(low.__contains__, literals)) or not _plain_case(text)


def _letter_words(text: str, low: str) -> list[str]:
    """The tokens of ``text`` that start with a letter, lower-cased, without a final ``.'-``."""
    if _plain_case(text):
        return [t.rstrip(".'-") for t in _LOWER_WORDS.findall(low)]
    return [t.lower().strip(".'-") for t in find_words(text) if t[0].isalpha()]


def _shape(text: str, initials: list[str] | None = None) -> list[float]:
    """Shape features of one text (a line or a joined paragraph), in ``_SHAPE`` order.

    ``initials`` is ``_INITIALS.findall(text)`` when the caller has it.
    """
    if initials is None:
        initials = _INITIALS.findall(text)
    n = len(initials)
    letters = "".join(initials).encode("ascii")  # the ASCII initials of the words
    n_upper = len(letters.translate(None, _LOWER_BYTES))
    n_lower = len(letters) - n_upper  # lower-case ASCII initials, as is_prose counts
    low = text.lower()
    lower_alpha = _letter_words(text, low)
    n_alpha = len(lower_alpha)
    nonspace = max(1, len(text) - text.count(" "))
    n_digits = sum(map(text.count, _DIGITS))
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    stripped = text.rstrip()
    prose_end = stripped.endswith(_PROSE_ENDS)
    prose_shape = n_lower >= 0.25 * n and (prose_end or n >= 20)
    prose5 = n >= 5 and prose_shape
    dates = find_dates(text)
    wordset = set(lower_alpha)
    n_stop = sum(map(_STOP.__contains__, lower_alpha))
    first = text[:1]
    return [
        math.log1p(n),                                                        # n_words_log
        math.log1p(len(text)),                                                # n_chars_log
        n <= 3,                                                               # le3_words
        n <= 8,                                                               # le8_words
        n_stop / n_alpha if n_alpha else 0.0,                                 # stop_share
        stripped.endswith(_QUOTES2) or stripped.rstrip(_CLOSERS).endswith(_STOPS),  # end_sentence
        stripped.endswith(":"),                                               # end_colon
        bool(stripped) and stripped[-1].isalnum(),                            # end_open
        stripped.endswith((",", ";", "-", "–", "—")),                         # end_comma
        n_upper / n_alpha if n_alpha else 0.0,                                # titlecase_share
        n_alpha >= 1 and len(text) >= 3 and text.isupper(),                   # allcaps
        n_digits / nonspace,                                                  # digit_share
        cjk / nonspace,                                                       # cjk_share
        _STARTS_LOWER.match(text) is not None,                                # starts_lower
        first in "\"'“‘" and first != "",                                      # starts_quote
        _BULLET.match(text) is not None and not text.startswith("--"),        # starts_bullet
        any(map(low.__contains__, _LINK_CUES)) and _LINK.search(text) is not None,  # has_link
        any(map(text.__contains__, "#]*!")) and _MARKDOWN.search(text) is not None,  # has_markdown
        "|" in text,                                                          # has_pipe
        "[" in text and _BRACKET.search(text) is not None,                    # bracket_tag
        stripped.endswith((")", "]")),                                        # ends_paren
        ":" in text and _LABEL.match(text) is not None,                       # label_colon
        ":" in text and _NOTE.match(text) is not None,                        # editor_note
        bool(wordset & _BIO_CUES) and _holds_any(text, low, _BIO_LITERALS)
        and _BIO.search(text) is not None,                                    # bio_cue
        bool(wordset & _CAPTION_WORDS) or any(map(low.__contains__, _CAPTION_PHRASES)),  # caption_cue
        bool(wordset & _PHOTO_WORDS),                                         # photo_word
        len(wordset & _WEB_WORDS) / max(1.0, math.sqrt(n_alpha)),             # web_words
        n >= 6 and _DATELINE.match(text) is not None,                         # dateline_start
        bool(wordset & _VERBS) or "ed" in low and _ED.search(low) is not None,  # verb_cue
        bool(dates),                                                          # has_date
        any(len(stripped.rstrip(".,;)] ")) - d.end <= 2 for d in dates),      # ends_with_date
        _COLON_DIGITS.search(text) is not None and _TIME.search(text) is not None,  # has_time
        prose5 and n >= 12,                                                   # is_prose
        prose5,                                                               # is_prose5
        2 <= n <= 30 and not stripped.endswith((".", ",", ";"))
        and _HEADLINE_START.match(text) is not None,                          # is_headline
        len(dates) == 1 and bool(is_date_only(text)),                         # is_date_only
        len(text.split(None, 4)) <= 4 and is_name_line(text),                 # is_name_line
        first == "|" and TABLE_ROW.match(text) is not None,                   # table_row
    ]


def describe_shape(text: str) -> dict[str, float]:
    """The shape features of a text by name (for reading; the table computes them in one pass).

    Parameters
    ----------
    text : str
        A normalised line or joined paragraph.

    Returns
    -------
    dict
        Feature name (the shape part of :data:`FEATURES`, e.g. ``n_words_log``, ``verb_cue``) ->
        value (0/1 for indicators).
    """
    return dict(zip(_SHAPE, map(float, _shape(text))))


# ---------------------------------------------------------------------------------------------
# Paragraphs: hard-wrapped lines joined
# ---------------------------------------------------------------------------------------------

_TERMINAL = re.compile(r"[.!?:;\"')\]]\s*$")


def estimate_wrap_width(texts: Sequence[str], rules: Sequence[str]) -> int:
    """Column width of a hard-wrapped page, or 0 when it is not hard-wrapped.

    At least six text lines (no furniture rule, no table rows), none over 120 characters, and at
    least half of them within 15 characters (or 25 %) of the longest.

    Parameters
    ----------
    texts : sequence of str
        The page's non-blank normalised lines.
    rules : sequence of str
        The furniture rule of each line (``""`` for none).

    Returns
    -------
    int
        The width in characters (the longest text line), or 0.
    """
    lengths = [len(t) for t, r in zip(texts, rules) if not r and not TABLE_ROW.match(t)]
    if len(lengths) < 6 or max(lengths) > 120:
        return 0
    width = max(lengths)
    near = sum(1 for n in lengths if n >= max(width - 15, 0.75 * width))
    return width if near >= 0.5 * len(lengths) else 0


def find_paragraphs(line_nos: Sequence[int], texts: Sequence[str], rules: Sequence[str]) -> list[int]:
    """Paragraph id of each non-blank line: hard-wrapped lines share their first line's id.

    A line continues the one above when they are adjacent (no blank line between), neither it nor
    the paragraph so far is a table row, and either the upper line does not end a sentence and
    the lower starts in lower case (neither matching a furniture rule), or the page is wrapped at
    a fixed width (:func:`estimate_wrap_width`) and the upper line reaches it (the lower is not a
    bullet, not a copy of the upper line, and does not start with a capital just after a
    sentence end).

    Parameters
    ----------
    line_nos : sequence of int
        1-based raw line numbers of the non-blank lines (consecutive numbers are adjacent lines).
    texts : sequence of str
        Their normalised texts.
    rules : sequence of str
        Their furniture rules (``""`` for none).

    Returns
    -------
    list of int
        For each line, the index (into ``texts``) of the first line of its paragraph.
    """
    width = estimate_wrap_width(texts, rules)
    para: list[int] = []
    current = ""  # the paragraph joined so far: a wrapped table row ends once it closes with "|"
    for k, (no, text, rule) in enumerate(zip(line_nos, texts, rules)):
        if k and no == line_nos[k - 1] + 1 and not TABLE_ROW.match(current) and not TABLE_ROW.match(text):
            prev = texts[k - 1]
            soft = (not rules[k - 1] and not rule and not _TERMINAL.search(prev)
                    and re.match(r"^[\"'(]?[a-z]", text))
            # at the wrap width the line continues unless a sentence ended there and a capital,
            # a quote or a bullet starts the next line (separate one-line paragraphs are common)
            hard = (width and len(prev) >= max(width - 15, 0.75 * width) and not _BULLET.match(text)
                    and not (_TERMINAL.search(prev) and re.match(r"^[\"'(\[]?[A-Z0-9]", text))
                    and text != prev)
            if soft or hard:
                para.append(para[-1])
                current = join_wrapped((current, text))
                continue
        para.append(k)
        current = text
    return para


def join_wrapped(texts: Iterable[str]) -> str:
    """Join the lines of a hard-wrapped paragraph: one space between, none after a word broken by a hyphen.

    Parameters
    ----------
    texts : iterable of str
        The paragraph's lines in order.

    Returns
    -------
    str
        The paragraph as one line.
    """
    out = ""
    for t in texts:
        if not out:
            out = t
        elif re.search(r"[A-Za-z]-$", out) and t[:1].isalpha():
            out += t
        else:
            out += " " + t
    return out


# ---------------------------------------------------------------------------------------------
# Site repetition
# ---------------------------------------------------------------------------------------------

def hash_line_key(key: str) -> int:
    """A stable 64-bit hash of a normalised line (the same in every process and run).

    Parameters
    ----------
    key : str
        A line key (:func:`sinojp.text.lines.line_key`).

    Returns
    -------
    int
        The first 8 bytes of its BLAKE2b digest as an unsigned integer.
    """
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass
class SiteCounts:
    """How many pages of one site (domain) in the corpus contain each normalised line.

    ``pages`` is the number of pages of the site counted; ``lines`` maps the 64-bit hash of a line
    key (:func:`hash_line_key`) to the number of pages holding it. The counts are taken over the
    corpus being cleaned, so they include the page being classified: a line on one page only is
    on no other page, and is not kept (:func:`merge_site_lines`).
    """

    pages: int = 0
    lines: Counter = field(default_factory=Counter)

    def count(self, key: str) -> int:
        """Pages of the site that contain the line with key ``key`` (0 for a line of one page)."""
        return self.lines.get(hash_line_key(key), 0)

    def others(self, key: str) -> tuple[int, int]:
        """(other pages containing ``key``, other pages of the site): the page's own is not counted."""
        return max(0, self.count(key) - 1), max(0, self.pages - 1)

    def fingerprint(self) -> str:
        """A SHA-256 of the counts (what a cache key needs to know about them)."""
        digest = hashlib.sha256(str(self.pages).encode())
        for key, n in sorted(self.lines.items()):
            digest.update(f";{key}:{n}".encode())
        return digest.hexdigest()


def find_domain(url: str) -> str:
    """Host of a URL without ``www.``, lower case ('' when there is none).

    Parameters
    ----------
    url : str
        A URL, with or without scheme.

    Returns
    -------
    str
        E.g. ``"japantimes.co.jp"``.
    """
    host = urlsplit(url if "//" in (url or "") else f"//{url or ''}").hostname or ""
    return host.removeprefix("www.")


def find_page_site(record: Mapping) -> str:
    """The site whose pages a page's repetition is counted with: its ``domain`` field, else its URL's host.

    Parameters
    ----------
    record : mapping
        A raw document row (``domain`` and ``url`` are read when present).

    Returns
    -------
    str
        The lower-case domain, or ``""`` when neither is known.
    """
    return str(record.get("domain", "") or find_domain(str(record.get("url", "") or ""))).lower()


def hash_page_lines(raw_text: str) -> np.ndarray:
    """The distinct normalised non-blank lines of a page, as sorted 64-bit hashes.

    A scraper's ``date YYYY-MM-DD`` field in the first two lines is cut first, as
    :func:`prepare_lines` does.

    Parameters
    ----------
    raw_text : str
        The page text as read.

    Returns
    -------
    ndarray of uint64
        :func:`hash_line_key` of every distinct non-empty line key of the page.
    """
    keys = {line_key(normalise_unicode(SCRAPER_DATE.sub("", t) if i < 2 else t))
            for i, t in enumerate(raw_text.splitlines()) if t.strip()}
    return np.array(sorted(hash_line_key(k) for k in keys if k), dtype=np.uint64)


def merge_site_lines(pages: Iterable[tuple[str, np.ndarray]]) -> dict[str, SiteCounts]:
    """Site counts from the line hashes of every page (:func:`hash_page_lines`).

    Parameters
    ----------
    pages : iterable of (domain, hashes)
        Every page of the corpus being cleaned; pages without a domain (``""``) are skipped.

    Returns
    -------
    dict
        ``domain -> SiteCounts`` for the domains with at least two pages, each holding only the
        lines found on two pages or more: what the features need (a site of one page, or a line
        of one page, repeats nothing).
    """
    by_site: dict[str, list[np.ndarray]] = {}
    for domain, hashes in pages:
        if domain:
            by_site.setdefault(domain, []).append(np.asarray(hashes, dtype=np.uint64))
    out: dict[str, SiteCounts] = {}
    for domain, arrays in by_site.items():
        if len(arrays) < 2:
            continue
        values, counts = np.unique(np.concatenate(arrays), return_counts=True)
        repeated = counts >= 2
        out[domain] = SiteCounts(len(arrays), Counter(dict(zip(values[repeated].tolist(), counts[repeated].tolist()))))
    return out


def count_site_lines(pages: Iterable[tuple[str, str]]) -> dict[str, SiteCounts]:
    """Count, per domain, the pages that contain each normalised non-blank line.

    Parameters
    ----------
    pages : iterable of (domain, raw_text)
        The corpus being cleaned (consumed once; pages without a domain are skipped).

    Returns
    -------
    dict
        ``domain -> SiteCounts``, for the domains with at least two pages (see
        :func:`merge_site_lines`).
    """
    return merge_site_lines((domain, hash_page_lines(text)) for domain, text in pages if domain)


# ---------------------------------------------------------------------------------------------
# The feature table
# ---------------------------------------------------------------------------------------------

def find_slug_words(url: str) -> set[str]:
    """Words of the URL path segment that reads most like a slug (most hyphen/underscore words).

    Parameters
    ----------
    url : str
        The page URL ('' when unknown).

    Returns
    -------
    set of str
        The lower-case words of the segment with the most words (digits and words such as
        ``html``, ``news``, ``article`` left out), or an empty set when it has fewer than three.
    """
    if not url:
        return set()
    path = urlsplit(url if "//" in url else f"//{url}").path
    best: list[str] = []
    for seg in path.split("/"):
        toks = [t for t in re.split(r"[^a-z0-9]+", seg.lower()) if t and not t.isdigit() and t not in _SLUG_STOP]
        if len(toks) > len(best):
            best = toks
    return set(best) if len(best) >= 3 else set()


@dataclass
class PageFeatures:
    """Feature rows of one page: line numbers (1-based), texts, rules, paragraph ids and the matrix."""

    line_nos: list[int]
    texts: list[str]
    rules: list[str]
    para: list[int]
    X: np.ndarray
    names: list[str] = field(default_factory=lambda: list(FEATURES))

    def row(self, k: int) -> dict[str, float]:
        """The features of the ``k``-th non-blank line by name."""
        return dict(zip(self.names, self.X[k]))


def prepare_lines(lines: Sequence[str]) -> tuple[list[int], list[str]]:
    """Non-blank lines as (1-based numbers, normalised texts); a leading scraper date field is cut.

    Parameters
    ----------
    lines : sequence of str
        The raw lines of a page (``text.splitlines()``).

    Returns
    -------
    (line_nos, texts)
        The numbers and normalised texts of the lines that are not blank after normalisation.
    """
    nos, texts = [], []
    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        body = SCRAPER_DATE.sub("", raw) if i <= 2 else raw
        text = normalise_unicode(body)
        if not text:
            continue
        nos.append(i)
        texts.append(text)
    return nos, texts


@dataclass
class _Words:
    """The words of a page's paragraphs (their line keys' words) and what every pair shares.

    ``n_words`` and ``n_content`` count each paragraph's distinct words and content words (not
    stop words); ``shared`` and ``shared_content`` hold, for every pair of paragraphs, how many of
    them both have; ``slug`` counts each paragraph's content words that are in the URL slug.
    """

    n_words: np.ndarray
    n_content: np.ndarray
    shared: np.ndarray
    shared_content: np.ndarray
    slug: np.ndarray


#: a page with more paragraph-word pairs than this counts shared words with sparse matrices
_DENSE_CELLS = 2_000_000


def _paragraph_words(keys: Sequence[str], slug: set[str]) -> _Words:
    """Count the words of each paragraph and those every pair shares, with one matrix product.

    Parameters
    ----------
    keys : sequence of str
        The line key (:func:`sinojp.text.lines.line_key`) of each paragraph.
    slug : set of str
        The URL slug's words (:func:`find_slug_words`).

    Returns
    -------
    _Words
        Counts as floats (exact integers).
    """
    m = len(keys)
    sets = [set(k.split()) for k in keys]
    flat = list(chain.from_iterable(sets))
    codes, vocab = _factorize(flat)
    rows = np.repeat(np.arange(m), [len(s) for s in sets])
    stop = np.fromiter(map(_STOP.__contains__, vocab), dtype=bool, count=len(vocab))
    in_slug = np.fromiter(map(slug.__contains__, vocab), dtype=bool, count=len(vocab)) & ~stop
    content = ~stop[codes]
    if m * len(vocab) <= _DENSE_CELLS:
        words = np.zeros((m, len(vocab)))
        words[rows, codes] = 1.0
        content_words = words * ~stop
    else:
        words = sparse.csr_matrix((np.ones(len(codes)), (rows, codes)), shape=(m, len(vocab)))
        content_words = sparse.csr_matrix((np.ones(int(content.sum())), (rows[content], codes[content])),
                                          shape=(m, len(vocab)))
    return _Words(
        n_words=np.bincount(rows, minlength=m).astype(float),
        n_content=np.bincount(rows[content], minlength=m).astype(float),
        shared=_dense(words @ words.T),
        shared_content=_dense(content_words @ content_words.T),
        slug=np.asarray(content_words @ in_slug.astype(float)).ravel(),
    )


def _factorize(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Codes of the values (by first appearance) and the distinct values, as ``pandas.factorize``."""
    index = {v: i for i, v in enumerate(dict.fromkeys(values))}
    return np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=len(values)), list(index)


def _dense(matrix: np.ndarray | sparse.spmatrix) -> np.ndarray:
    return matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` where ``den`` is not 0, else 0."""
    return np.divide(num, den, out=np.zeros(np.broadcast_shapes(num.shape, den.shape)), where=den > 0)


def _restatements(words: _Words, prose: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prose paragraphs whose words another prose paragraph contains (over 85 % of the smaller set).

    Returns
    -------
    (teaser_of_later, repeat_of_earlier_prose)
        1.0 where a later (an earlier) prose paragraph is such a restatement, else 0.0.
    """
    smaller = np.minimum(words.n_words[:, None], words.n_words[None, :])
    contained = (_ratio(words.shared, smaller) > 0.85) & prose[:, None] & prose[None, :]
    np.fill_diagonal(contained, False)
    return np.triu(contained, 1).any(axis=1).astype(float), np.tril(contained, -1).any(axis=1).astype(float)


def _content_overlap(words: _Words, keys: Sequence[str], long: np.ndarray, dup: np.ndarray) -> np.ndarray:
    """How much of a paragraph's content words another paragraph of 8+ words repeats.

    Only for paragraphs of three content words or more; a paragraph repeated on the page is not
    compared with its own copies.
    """
    key_ids = _factorize(keys)[0]
    same = key_ids[:, None] == key_ids[None, :]
    allowed = long[None, :] & (words.n_content > 0)[None, :] & ~(dup[:, None] & same)
    np.fill_diagonal(allowed, False)
    share = np.where(allowed, _ratio(words.shared_content, words.n_content[:, None]), 0.0)
    return np.where(words.n_content >= 3, share.max(axis=1), 0.0)


def _in_block(prules: Sequence[str], long_prose: Sequence[bool]) -> np.ndarray:
    """1.0 for the paragraphs after a related-links or comment block, until prose of 20+ words ends it."""
    out, block = [], False
    for rule, ends in zip(prules, long_prose):
        if rule in ("related_block", "comment_form"):
            block = True
        elif ends:
            block = False
        else:
            out.append(float(block))
            continue
        out.append(0.0)
    return np.array(out, dtype=float)


def build_line_features(lines: Sequence[str], url: str = "", site: SiteCounts | None = None) -> PageFeatures:
    """Build the feature table of one page.

    Hard-wrapped lines are first joined into paragraphs (see :func:`find_paragraphs`); every feature is
    computed on the paragraph, so each line of a wrapped paragraph gets its paragraph's row and a
    page of prose broken into short lines looks like the same page unbroken.

    Parameters
    ----------
    lines : sequence of str
        The raw lines of the page (``text.splitlines()``).
    url : str, optional
        The page URL (for slug overlap); '' when unknown.
    site : SiteCounts, optional
        Line counts of the page's site in the corpus being cleaned.

    Returns
    -------
    PageFeatures
        One row per non-blank line, columns ``FEATURES``; ``rules`` holds the furniture rule of
        each line's paragraph.
    """
    nos, texts = prepare_lines(lines)
    n = len(texts)
    initials = [_INITIALS.findall(t) for t in texts]  # the words of each line, counted once
    line_rules = match_rule_lines(texts, [len(w) for w in initials])
    para = find_paragraphs(nos, texts, line_rules)
    if n == 0:
        return PageFeatures(nos, texts, line_rules, para, np.zeros((0, len(FEATURES))))
    # --- paragraphs (hard-wrapped lines joined) -------------------------------------------------
    order = list(dict.fromkeys(para))
    pos_of = {p: i for i, p in enumerate(order)}
    pidx = [pos_of[p] for p in para]                       # each line's paragraph
    members: list[list[int]] = [[] for _ in order]
    for k, i in enumerate(pidx):
        members[i].append(k)
    m = len(order)
    ptexts = [texts[ks[0]] if len(ks) == 1 else join_wrapped(texts[k] for k in ks) for ks in members]
    pinitials = [initials[ks[0]] if len(ks) == 1 else _INITIALS.findall(ptexts[i]) for i, ks in enumerate(members)]
    prules = [line_rules[ks[0]] if len(ks) == 1 else match_rule_words(ptexts[i], len(pinitials[i]))
              for i, ks in enumerate(members)]
    S = np.array([_shape(t, w) for t, w in zip(ptexts, pinitials)], dtype=float)
    F: dict[str, np.ndarray] = {name: S[:, j] for j, name in enumerate(_SHAPE)}
    p_words, p_prose, p_end = F["n_words_log"], F["is_prose"], F["end_sentence"]
    has_rule = np.array([bool(r) for r in prules])
    keys = [line_key(t) for t in ptexts]
    key_count = Counter(keys)
    dup = np.array([key_count[kk] > 1 and bool(kk) for kk in keys], dtype=float)
    # --- position relative to the prose ---------------------------------------------------------
    prose = (p_prose > 0) & ~has_rule
    idx = np.arange(m)
    prose_idx = idx[prose]
    if len(prose_idx):
        first_prose, last_prose = prose_idx[0], prose_idx[-1]
        dist = np.abs(idx[:, None] - prose_idx[None, :]).min(axis=1)
    else:
        first_prose, last_prose = m, -1
        dist = np.full(m, m)
    any_prose = bool(len(prose_idx))
    F["rel_pos"] = idx / (m - 1) if m > 1 else np.zeros(m)
    F["before_first_prose"] = (idx < first_prose) & any_prose
    F["after_last_prose"] = (idx > last_prose) & any_prose
    F["dist_prose_log"] = np.log1p(dist)
    F["is_first"] = idx == 0
    F["is_last"] = idx == m - 1
    F["no_prose_page"] = np.full(m, float(not any_prose))
    # a truncated last paragraph: no final punctuation, prose within the two paragraphs above
    last_frag = np.zeros(m)
    if not p_end[m - 1] and not prules[m - 1] and any(p_prose[q] > 0 for q in range(max(0, m - 3), m - 1)):
        last_frag[m - 1] = 1.0
    F["last_fragment"] = last_frag
    F["in_block"] = _in_block(prules, (prose & (p_words >= _LOG21)).tolist())
    # --- neighbours: the previous and next paragraph (columns in _NEIGH_BASE order) -------------
    neigh = np.column_stack([p_prose, p_words, has_rule, p_end, F["is_headline"], dup])
    prev, after = np.zeros_like(neigh), np.zeros_like(neigh)
    prev[1:], after[:-1] = neigh[:-1], neigh[1:]
    for j, name in enumerate(_NEIGH_BASE):
        F[f"prev_{name}"], F[f"next_{name}"] = prev[:, j], after[:, j]
    F["prev_missing"], F["next_missing"] = idx == 0, idx == m - 1
    # --- repetition -----------------------------------------------------------------------------
    seen: set[str] = set()
    earlier = []
    for kk in keys:
        earlier.append(kk in seen and bool(kk))
        seen.add(kk)
    F["dup_in_page"], F["dup_earlier"] = dup, np.array(earlier, dtype=float)
    slug = find_slug_words(url)
    words = _paragraph_words(keys, slug)
    teaser, repeat = _restatements(words, p_prose > 0)
    F["teaser_of_later"], F["repeat_of_earlier_prose"] = teaser, repeat
    F["overlap_other"] = _content_overlap(words, keys, p_words >= _LOG9, dup > 0)
    cover, prec = np.zeros(m), np.zeros(m)
    if slug:
        cover = words.slug / len(slug)
        prec = _ratio(words.slug, words.n_content)
    F["slug_cover"], F["slug_precision"] = cover, prec
    share, anyk = np.zeros(m), np.zeros(m)
    if site is not None:
        for i, ks in enumerate(members):
            cands = [keys[i]] + ([line_key(texts[k]) for k in ks] if len(ks) > 1 else [])
            other, other_pages = max(site.others(c) for c in cands)
            share[i] = other / other_pages if other_pages else 0.0
            anyk[i] = float(other > 0)
    F["site_share"], F["site_any"] = share, anyk
    F["rule_any"] = has_rule
    # --- a few interactions ---------------------------------------------------------------------
    short = p_words <= _LOG9
    F["header_x_headline"] = F["before_first_prose"] * F["is_headline"]
    F["header_x_prose"] = F["before_first_prose"] * p_prose
    F["footer_x_short"] = F["after_last_prose"] * short
    F["dup_x_prose"] = dup * p_prose
    F["site_x_short"] = anyk * short
    F["header_x_credit_shape"] = F["before_first_prose"] * np.maximum.reduce(
        [F["ends_paren"], F["bracket_tag"], F["ends_with_date"], F["caption_cue"]])
    XP = np.zeros((m, len(FEATURES)))
    XP[:, :len(_SHAPE)] = S
    for name, values in F.items():
        j = _COL[name]
        if j >= len(_SHAPE):
            XP[:, j] = values
    for i, r in enumerate(prules):
        if r:
            XP[i, _COL.get(f"rule_{r}", _COL["rule_any"])] = 1.0
    return PageFeatures(nos, texts, [prules[i] for i in pidx], para, XP[pidx])

