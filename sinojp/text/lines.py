"""What a single line of a scraped page looks like: furniture patterns and prose tests."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from operator import methodcaller

from sinojp.text.dates import find_dates
from sinojp.text.tokens import find_words

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


_LOWER_INITIAL = re.compile(r"(?:^| )[a-z]")


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


_DATE_ONLY_EXTRA = re.compile(r"[\s,|:.\-–—]|\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(am|pm|jst|gmt|utc|ist|bst|cst|est|edt|cet|hkt|sgt|bjt)\b|\d{1,2}:\d{2}(:\d{2})?", re.I)


SCRAPER_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")


def is_prose(line: str, min_words: int = 12) -> bool:
    """A line that reads like running text: long enough, sentence punctuation, lower-case words."""
    toks = find_words(line)
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
    toks = find_words(line)
    return 2 <= len(toks) <= 30 and not re.search(r"[.,;]\s*$", line) and bool(re.match(r"^[\W\d]*[A-Z0-9]", line))


#: every word that can stand in a date-only line (month and weekday names, am/pm, time zones,
#: ordinal suffixes); a line with any other word is not date-only
_DATE_ONLY_WORDS = frozenset([
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
    "aug", "august", "sep", "sept", "september", "sepember", "oct", "october", "nov", "november", "dec",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "am", "pm",
    "jst", "gmt", "utc", "ist", "bst", "cst", "est", "edt", "cet", "hkt", "sgt", "bjt", "st", "nd", "rd", "th",
])


_LETTERS = re.compile(r"[^\W\d_]+")


def is_date_only(line: str) -> str:
    """If a line holds nothing but a date (and times, weekdays, zones), return its ISO date.

    Parameters
    ----------
    line : str
        One normalised line.

    Returns
    -------
    str
        The ISO date (``YYYY-MM-DD``) when the line holds exactly one date and nothing but
        separators, weekdays, times and time zones beside it; else ``""``.
    """
    # any other word cannot be part of a date or of what may stand beside it: no date-only line
    # (a cheap test that spares most lines the date search; it changes no verdict)
    for word in _LETTERS.finditer(line):  # lazily: the first word of most lines settles it
        if word.group().casefold() not in _DATE_ONLY_WORDS:
            return ""
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


#: bytes.translate table: ASCII letters and digits kept, every other byte a space
_KEY_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256))


def line_key(line: str) -> str:
    """The runs of ``[a-z0-9]`` of the lower-cased line, joined by single spaces.

    Every character that is not an ASCII letter or digit separates words; as bytes (a non-ASCII
    character becomes ``?``, then a space) this is one ``translate`` and a split.
    """
    spaced = line.lower().encode("ascii", "replace").translate(_KEY_BYTES)
    return b" ".join(spaced.split()).decode("ascii")


def line_similarity(a: str, b: str) -> float:
    """Token-set containment of the shorter line in the longer (0..1)."""
    return containment(set(line_key(a).split()), set(line_key(b).split()))


def containment(ta: set[str], tb: set[str]) -> float:
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


# Necessary conditions of the costliest patterns (by index in LINE_RULES): a pattern can match only
# when one of its literal cues occurs in the case-folded line. They change no result
# (tests/test_clean_cues.py checks this on real lines and generated ones); they spare most body
# lines the slow searches.
_CUES: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # index: (substrings, prefixes) of the case-folded line
    4: (("»", "›", ">", "/", "|"), ()),
    6: (("comment", "reply", "please enter your", "akismet", "your email address", "required fields",
         "save my name", "notify me of"), ()),
    8: (("newsletter", "download", "follow"), ()),
    9: (("advertisement", "sponsored", "spot_img", "charitable donation", "donate", "paid"), ("ad",)),
    11: (("image", "photo", "picture", "video", "graphic", "illustrat", "ai-generated", "does not depict",
          "getty", "shutterstock"), ()),
    12: ((">", "{"), ("function", "var", "window.", "document.")),
    13: (("all rights reserved", "unauthori", "copyright", "\u00a9", "(c) ", "stay tuned", "for more", "click here",
          "read the full", "this article", "source:", "republished", "hotline", "licen", "\u8bb8\u53ef\u8bc1"), ()),
    14: (("auto-generated", "has not been edited", "disclaimer", "enditem", "mailing list", "our standards",
          "trust principles", "get the latest", "listen to", "read", "scroll", "already a subscriber", "sign in",
          "log in", "register"), ()),
    15: ((" by",), ()),
    19: (("updated", "published", "posted", "created", "modified"), ()),
}


#: more words than any rule of :data:`LINE_RULES` allows
_MAX_RULE_WORDS = max(w for _, _, w in LINE_RULES if w is not None)


@cache
def _rules_for(n_words: int, absent: frozenset[int] = frozenset()
               ) -> tuple[tuple[str, re.Pattern[str], tuple[str, ...] | None, tuple[str, ...]], ...]:
    """The rules that apply to a line of ``n_words`` words, in order, as (rule, pattern, cues, prefix cues).

    ``cues`` is None for a pattern without literal cues (always searched). The patterns whose
    index is in ``absent`` (none of their cues is on the page) are left out.
    """
    out = []
    for index, (rule, pattern, max_words) in enumerate(LINE_RULES):
        if (max_words is None or n_words <= max_words) and index not in absent:
            subs, prefixes = _CUES.get(index, (None, ()))
            out.append((rule, pattern, subs, prefixes))
    return tuple(out)


def match_rule(line: str) -> str:
    """The first page-furniture rule that a (normalised) line matches, or ``''``.

    The patterns of :data:`LINE_RULES` are tried in order (each only on lines of at most its
    number of words), then a line holding only a date (``date_widget``), a markdown table
    separator (``table_separator``) and a line with at least as many CJK characters as word
    characters (``non_english_line``).

    Parameters
    ----------
    line : str
        One line of a page, already normalised (:func:`sinojp.text.normalise_unicode`).

    Returns
    -------
    str
        The rule's name (e.g. ``"breadcrumb"``, ``"date_widget"``), or ``""`` when no rule matches.
    """
    return match_rule_words(line, len(find_words(line)))


def match_rule_words(line: str, n_words: int) -> str:
    """:func:`match_rule` of a line whose number of words (:func:`sinojp.text.tokens.find_words`) is known.

    Parameters
    ----------
    line : str
        One normalised line.
    n_words : int
        ``len(find_words(line))``.

    Returns
    -------
    str
        As :func:`match_rule`.
    """
    return _match_rule(line, n_words, frozenset())


def match_rule_lines(lines: Sequence[str], n_words: Sequence[int]) -> list[str]:
    """:func:`match_rule_words` of every line of a page.

    The literal cues of the patterns are first looked for in the whole page: a pattern none of
    whose cues is on the page is tried on none of its lines (the verdicts are the same).

    Parameters
    ----------
    lines : sequence of str
        The normalised lines of a page.
    n_words : sequence of int
        ``len(find_words(line))`` of each line.

    Returns
    -------
    list of str
        The rule of each line (:func:`match_rule`), ``""`` for none.
    """
    page = "\n".join(lines).casefold()  # case folding maps each character alone: as line by line
    folded = page.split("\n")
    absent = frozenset(index for index, (subs, prefixes) in _CUES.items()
                       if not (any(map(page.__contains__, subs))
                               or prefixes and any(map(methodcaller("startswith", prefixes), folded))))
    return [_match_rule(line, n, absent) for line, n in zip(lines, n_words)]


def _match_rule(line: str, n_words: int, absent: frozenset[int]) -> str:
    """:func:`match_rule_words`, leaving out the patterns of ``absent`` (their cues are not on the page)."""
    folded = line.casefold()
    for rule, pattern, subs, prefixes in _rules_for(min(n_words, _MAX_RULE_WORDS + 1), absent):
        if subs is not None and not (folded.startswith(prefixes) or any(map(folded.__contains__, subs))):
            continue  # none of the pattern's literal cues: it cannot match
        if pattern.search(line):
            return rule
    if is_date_only(line):
        return "date_widget"
    if SEPARATOR_ROW.match(line):
        return "table_separator"
    if line.isascii():  # no CJK character
        return ""
    cjk = len(_CJK.findall(line))
    if cjk and cjk >= sum(len(w) for w in find_words(line)):
        return "non_english_line"
    return ""
