"""Facts each article selects: dates, durations, money, percentages and counts.

:func:`extract_facts` finds the figures a sentence states with general patterns (no article
strings) and normalises them: dates to ISO (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a date
without a year takes the year of the nearest earlier explicit year in the same document, or of
the publication date, and says so), durations to a number and a time unit, money to a number of
currency units, percentages to a number, counts to a number and the noun they count.

Each fact keeps its context keywords (content words of its sentence and the one before) and its
subject (the words next to the figure in its clause, :func:`extract_subject`). The same fact is
found across articles by :func:`align_facts`: two facts are linked only when they are
comparable (same kind; a date with a date of the same precision; amounts of the same order;
see :func:`align_facts`), share a subject word that not most articles use
(:func:`shared_subject`) and have similar contexts (:func:`score_fact_similarity`); a fact
without a subject is never linked. :func:`compare_facts` then says per group whether the
articles agree (one value) or differ (several values), :func:`tabulate_fact_coverage` which
articles leave a shared fact out, and :func:`check_alignment` how precise the grouping is on
hand-checked pairs (``data/annotations/fact_pairs.csv``).
"""

from __future__ import annotations

import math
import re
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.stats import bootstrap_ci, bootstrap_ci_grouped

FACT_COLUMNS = ["doc_id", "sent_id", "kind", "value", "unit", "qualifier", "text",
                "year_inferred", "keywords", "subject", "pub_date"]
KINDS = ("date", "duration", "money", "percent", "count")

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
               "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH_RX = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
             r"|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
          "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12}
_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
             "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "twentieth": 20}
_WORDNUM = r"(?:" + "|".join(sorted((w for w in _UNITS if w != "one"), key=len, reverse=True)) + r")"
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_WORDNUM}(?:-{_WORDNUM})?)"
_MULT = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9,
         "mn": 1e6, "m": 1e6, "k": 1e3}
_CURRENCY = {"us$": "USD", "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
             "¥": "JPY", "yen": "JPY", "yuan": "CNY", "rmb": "CNY", "€": "EUR", "euro": "EUR",
             "euros": "EUR", "£": "GBP", "hk$": "HKD"}
_TIME_UNITS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25,
               "decade": 10.0}
_GAP_WORDS = r"(?:hiatus|break|pause|gap|absence|suspension|interruption|lull|freeze)"
_STOP = frozenset("""a an the and or but of in on at to for from by with as is are was were be been
being has have had do does did this that these those it its their there they them he she his her
we our you your i not no nor so than then too very can could will would shall should may might
must also into over under after before since during about between through while which who whom
whose what when where why how all any both each few more most other some such only own same just
said says say mr ms dr per amid among against up down out off again further once here new first
last year years month months day days week weeks time times one two three four five six seven
eight nine ten monday tuesday wednesday thursday friday saturday sunday""".split())

#: Hedges and approximations: how exactly a figure is given, not what it is about.
_HEDGES = frozenset({"nearly", "almost", "approximately", "around", "roughly", "about", "least", "less",
                     "fewer", "more", "than", "over", "under", "just", "barely", "only", "some", "estimated",
                     "reportedly", "initially", "originally"})

_SKIP_ADJ = frozenset({"other", "more", "new", "additional", "further", "separate", "different"})

_RX_MONEY = re.compile(
    rf"(?P<cur>US\$|HK\$|\$|€|£|¥|USD\s?|RMB\s?)\s?(?P<num>{_NUM})(?:\s?(?P<mult>trillion|billion|million|thousand|bn|mn|m|k)\b)?"
    rf"|(?<![\w.])(?P<num2>{_NUM})\s?(?P<mult2>trillion|billion|million|thousand)?\s(?P<cur2>dollars|yen|yuan|euros)\b",
    re.IGNORECASE)
_RX_PERCENT = re.compile(rf"(?<![\w.])(?P<num>{_NUM})\s?(?:%|percent\b|per\s+cent\b)", re.IGNORECASE)
_RX_DATE = re.compile(
    rf"(?P<month>{_MONTH_RX})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d{{2}})\b)?"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_RX})(?:,?\s+(?P<year2>(?:19|20)\d{{2}}))?\b"
    rf"|(?P<month3>{_MONTH_RX})\s+(?P<year3>(?:19|20)\d{{2}})\b"
    r"|(?P<iso>(?:19|20)\d{2}-[01]\d-[0-3]\d)"
    r"|(?<![\w$.-])(?P<year4>(?:19|20)\d{2})(?![\w%-])")
#: A dateline: a place (capitalised words, commas allowed) opening the sentence, the date, then an
#: agency in brackets or a dash ("TOKYO, Feb. 5 (Agency) --", "Seoul, 3 March -").
_RX_DATELINE_HEAD = re.compile(r"\s*(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},\s*){1,3}")
_RX_DATELINE_TAIL = re.compile(r",?\s*(?:\(|--|[–—]|-\s)")
_RX_DURATION = re.compile(
    rf"(?<![\w.])(?P<num>{_NUM}|a|an)[-\s](?P<unit>year|month|week|day|decade)s?(?P<tail>-long|-old)?\b",
    re.IGNORECASE)
_RX_DURATION_COMPOUND = re.compile(
    rf"(?<![\w.])(?P<years>{_NUM}|a|an)\s+years?\s+and\s+(?P<months>{_NUM}|a|an|one)\s+months?\b", re.IGNORECASE)
_RX_COUNT = re.compile(
    rf"(?<![\w.$-])(?P<num>{_NUM}|(?:{'|'.join(_ORDINALS)})|\d+(?:st|nd|rd|th))(?=(?P<sep>-|\s+)(?P<rest>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){{0,3}}))",
    re.IGNORECASE)


def _number(s: str) -> float | None:
    s = s.lower().replace(",", "")
    if s in ("a", "an"):
        return 1.0
    if s in _ORDINALS:
        return float(_ORDINALS[s])
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", s)
    if m:
        return float(m.group(1))
    try:
        return float(s)
    except ValueError:
        pass
    total = 0.0
    for part in s.split("-"):
        if part not in _UNITS:
            return None
        total += _UNITS[part]
    return total


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}" if abs(x) < 1e4 else f"{x:.6g}"


def _month(s: str) -> int:
    s = s.lower().rstrip(".")
    return _MONTHS.get(s) or _MONTH_ABBR[s]


def _singular(w: str) -> str:
    w = w.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def extract_keywords(text: str) -> list[str]:
    """Content words of a text: lower-cased, singularised, stop words, hedges ("nearly",
    "approximately") and numbers removed.

    Capitalised two-letter words are kept (names such as "Li" or "Xi"); other words of fewer than
    three letters, month names, units and ordinal words are dropped, as is a possessive ``'s``.

    Parameters
    ----------
    text : str
        A sentence or passage.

    Returns
    -------
    list of str
        The distinct keywords in order of first appearance.
    """
    return list(dict.fromkeys(k for t in _RX_WORD.findall(text) if (k := _keyword(t))))


#: Content words on each side of a fact that make up its subject (see :func:`extract_subject`).
SUBJECT_WINDOW = 5
#: Punctuation that closes a clause: a fact's subject does not reach across it.
_RX_CLAUSE_BREAK = re.compile(r"[;:()\[\]\"“”]|\s[-–—]{1,2}\s|[–—]|--")
_RX_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
_RX_DIGITS = re.compile(r"\d[\d,.]*")
#: A name: two or more capitalised words, "of", "for", "on", "and" ("the") allowed between them.
_RX_NAME = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|for|on|and)\s+(?:the\s+)?)?[A-Z][\w'’-]*)+")


def _keyword(token: str) -> str | None:
    """The keyword form of one token (as :func:`extract_keywords`), or None for a function word."""
    low = re.sub(r"['’]s$", "", token.lower())
    if low in _STOP or low in _HEDGES or low in _MONTHS or low in _UNITS or low in _ORDINALS:
        return None
    if len(low) < 3 and not (len(low) == 2 and token[0].isupper() and token[1].islower()):
        return None
    return _singular(low)


def _stem(word: str) -> str:
    """A crude stem for matching subjects: "marking", "marked" and "mark" meet; "agreed" and "agree"."""
    for suffix, keep in (("ing", 4), ("ed", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def extract_subject(text: str, start: int, end: int, others: list[tuple[int, int]] = (),
                    window: int = SUBJECT_WINDOW, context: str = "") -> list[str]:
    """What a figure in a sentence is about: the content words next to it.

    The subject of the figure at ``text[start:end]`` is the nearest ``window`` keywords on each
    side of it (as :func:`extract_keywords` forms them) within its clause: the words stop at
    clause punctuation (``; : ( ) [ ] "``, a dash), at the sentence's ends, at the ``others``
    (:func:`extract_facts` passes the figures of the same kind) and at any other number, so in
    "a 60% tariff on cars and a 10 to 20% tariff on steel" the first figure is about cars and the
    second about steel. A lower-case noun of the subject that refers back to a name of the
    ``context`` ("the mechanism" after "the Joint Exchange Mechanism") brings in the name's
    words.

    Parameters
    ----------
    text : str
        The sentence.
    start, end : int
        Character offsets of the figure in ``text``.
    others : list of (int, int)
        Character spans of the other figures of the sentence.
    window : int
        Keywords taken on each side.
    context : str
        The text before the sentence (and the sentence itself) in which names are looked up.

    Returns
    -------
    list of str
        The distinct keywords, nearest first (left side, then right side, then the words of the
        names referred to); empty when the figure stands alone in its clause.
    """
    breaks = [(m.start(), m.end()) for m in _RX_CLAUSE_BREAK.finditer(text)] + list(others) + [
        m.span() for m in _RX_DIGITS.finditer(text) if not start <= m.start() < end]
    left_stop = max([e for s, e in breaks if e <= start] + [0])
    right_stop = min([s for s, e in breaks if s >= end] + [len(text)])
    left = [(t, k) for t in reversed(_RX_WORD.findall(text[left_stop:start])) if (k := _keyword(t))][:window]
    right = [(t, k) for t in _RX_WORD.findall(text[end:right_stop]) if (k := _keyword(t))][:window]
    words = [k for _, k in left + right]
    nouns = {k for t, k in left + right if t.islower()}
    for name in _RX_NAME.findall(context or text):
        name_words = extract_keywords(name)
        if nouns & set(name_words):
            words += name_words
    return list(dict.fromkeys(words))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _sentence_facts(text: str) -> list[dict]:
    """Facts of one sentence (without year inference and keywords)."""
    found: list[dict] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, kind: str, value: str, unit: str, qualifier: str = "") -> None:
        taken.append(m.span())
        found.append({"start": m.start(), "end": m.end(), "kind": kind, "value": value, "unit": unit,
                      "qualifier": qualifier, "text": m.group(0).strip()})

    for m in _RX_MONEY.finditer(text):
        num = _number(m.group("num") or m.group("num2"))
        if num is None:
            continue
        mult = (m.group("mult") or m.group("mult2") or "").lower()
        cur = _CURRENCY.get((m.group("cur") or m.group("cur2")).strip().lower(), "USD")
        add(m, "money", _fmt(num * _MULT.get(mult, 1.0)), cur)
    for m in _RX_PERCENT.finditer(text):
        if not _overlaps(m.span(), taken) and (num := _number(m.group("num"))) is not None:
            add(m, "percent", _fmt(num), "%")
    for m in _RX_DATE.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        g = m.groupdict()
        if _RX_DATELINE_HEAD.fullmatch(text[:m.start()]) and _RX_DATELINE_TAIL.match(text, m.end()):
            qualifier = "dateline"  # "TOKYO, Feb. 5 (Agency) --": when the report was filed
        else:
            qualifier = ""
        if g["month"] or g["month2"]:
            month = _month(g["month"] or g["month2"])
            day = int(g["day"] or g["day2"])
            year = g["year"] or g["year2"]
            if not 1 <= day <= 31:
                continue
            add(m, "date", f"{year or 'XXXX'}-{month:02d}-{day:02d}", "day", qualifier)
        elif g["month3"]:
            add(m, "date", f"{g['year3']}-{_month(g['month3']):02d}", "month", qualifier)
        elif g["iso"]:
            add(m, "date", g["iso"], "day", qualifier)
        else:
            add(m, "date", g["year4"], "year", qualifier)
    def qualify(m: re.Match) -> str:
        after = text[m.end():m.end() + 40].lower()
        before = text[max(0, m.start() - 60):m.start()].lower()
        if re.match(rf"\s*{_GAP_WORDS}", after) or re.search(r"\b(?:after|following|ending)\s+(?:a|an|the)?\s*$", before) \
                or re.search(r"\bfirst\b[^.;]*\b(?:in|for)\s+(?:more than\s+|over\s+|nearly\s+|almost\s+)?$", before):
            return "gap"
        if re.match(r"\s*ago\b", after):
            return "ago"
        return "length"

    for m in _RX_DURATION_COMPOUND.finditer(text):  # "a year and eight months": 20 months
        years, months = _number(m.group("years")), _number(m.group("months"))
        if _overlaps(m.span(), taken) or years is None or months is None:
            continue
        add(m, "duration", _fmt(12 * years + months), "month", qualify(m))
    for m in _RX_DURATION.finditer(text):
        if _overlaps(m.span(), taken) or m.group("tail") == "-old":
            continue
        num = _number(m.group("num"))
        if num is None:
            continue
        add(m, "duration", _fmt(num), m.group("unit").lower(), qualify(m))
    for m in _RX_COUNT.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        words = m.group("rest").split()
        num = _number(m.group("num"))
        ordinal = not re.fullmatch(_NUM, m.group("num"), re.IGNORECASE)
        hyphen = m.group("sep") == "-"
        if num is None or (not ordinal and not float(num).is_integer()):
            continue
        head, used = [], 0
        for k, w in enumerate(words):
            wl = w.lower().strip("-")
            if wl in _SKIP_ADJ and not ordinal:
                continue  # "8 other prefectures" counts prefectures
            if wl in _STOP and wl not in ("time", "times"):
                break
            head.append(wl)
            used = k + 1
            if not ordinal and not hyphen and _plural(wl):
                break
        if not head or head[0] in _MONTHS or head[0] in ("percent", "per", "cent"):
            continue
        if not ordinal and not hyphen and not _plural(head[-1]):
            continue  # "two historically embittered ...": no counted noun
        if num == 2 and not ordinal and re.search(r"\b(?:the|both|these|those|their|our)\s+$",
                                                  text[max(0, m.start() - 8):m.start()], re.IGNORECASE):
            continue  # "the two countries" refers back; it states no figure
        # "10-point consensus": the compound counts points of the consensus; keep the phrase.
        unit = " ".join(head[:-1] + [_singular(head[-1])])
        end = m.start("rest") + [w.end() for w in re.finditer(r"\S+", m.group("rest"))][used - 1]
        taken.append((m.start(), end))
        found.append({"start": m.start(), "end": end, "kind": "count", "value": _fmt(num), "unit": unit,
                      "qualifier": "ordinal" if ordinal else "", "text": text[m.start():end]})
    return sorted(found, key=lambda f: f["start"])


def _plural(w: str) -> bool:
    return w in ("people", "children", "men", "women", "personnel", "police") or (
        w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3)


def _year_from(value: str) -> str | None:
    m = re.match(r"((?:19|20)\d{2})", value)
    return m.group(1) if m else None


def _infer_year(value: str, last_year: str | None, pub_date: str) -> str:
    """Fill the year of ``XXXX-MM-DD``: the nearest earlier explicit year in the text, else the
    publication year, moved back one year when that would put the date more than two months
    after publication (news reports past events; "December 25" in a January article)."""
    if last_year:
        return last_year + value[4:]
    m = re.fullmatch(r"((?:19|20)\d{2})-(\d{2})-(\d{2})", pub_date)
    if not m:
        return value
    year, pub_month = int(m.group(1)), int(m.group(2))
    month = int(value[5:7])
    if month - pub_month > 2:
        year -= 1
    return f"{year}{value[4:]}"


def extract_facts(sentences: pd.DataFrame, documents: pd.DataFrame | None = None,
                  context: int = 1) -> pd.DataFrame:
    """Dates, durations, money, percentages and counts stated in each sentence.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` in reading order.
    documents : DataFrame, optional
        ``doc_id, date`` (ISO); the publication year is the fallback for dates without a year.
    context : int
        Preceding sentences whose keywords join the fact's context.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, kind, value, unit, qualifier, text, year_inferred, keywords``.
        ``value`` is normalised (ISO date; number); ``unit`` is ``day/month/year`` for dates,
        the time unit for durations, the currency for money, ``%`` for percentages and the
        counted noun for counts; ``qualifier`` is ``gap`` (hiatus, "first in N years"),
        ``length``, ``ago`` for durations, ``ordinal`` for ordinal counts and ``dateline`` for
        the date of a dateline ("TOKYO, Feb. 5 (Agency) --", when the report was filed);
        ``keywords`` are the context's content words, ``|``-joined; ``subject`` the words next to
        the figure in its clause (:func:`extract_subject`), ``|``-joined; ``pub_date`` the
        document's publication date (ISO, or empty).
    """
    pub_date: dict[str, str] = {}
    if documents is not None and "date" in documents:
        pub_date = {d: str(v) for d, v in documents[["doc_id", "date"]].fillna("").itertuples(index=False)}
    rows = []
    for doc_id, grp in sentences.sort_values(["doc_id", "sent_id"], kind="mergesort").groupby("doc_id", sort=False):
        last_year = None
        texts = grp["text"].astype(str).tolist()
        for i, (sent_id, text) in enumerate(zip(grp["sent_id"], texts)):
            facts = _sentence_facts(text)
            if not facts:
                continue
            kw = extract_keywords(" ".join(texts[max(0, i - context):i + 1]))
            for f in facts:
                # the subject stops at another figure of the same kind ("a 60% tariff on cars and a
                # 10% tariff on steel"); a figure of another kind is part of the wording
                spans = [(g["start"], g["end"]) for g in facts if g["kind"] == f["kind"] and g is not f]
                value, inferred = f["value"], False
                if f["kind"] == "date":
                    if value.startswith("XXXX"):
                        value, inferred = _infer_year(value, last_year, pub_date.get(doc_id, "")), True
                        inferred = not value.startswith("XXXX")
                    elif f["unit"] in ("day", "month"):
                        last_year = _year_from(value)
                rows.append({"doc_id": doc_id, "sent_id": int(sent_id), "kind": f["kind"],
                             "value": value, "unit": f["unit"], "qualifier": f["qualifier"],
                             "text": f["text"], "year_inferred": inferred,
                             "keywords": "|".join(k for k in kw if k not in f["text"].lower()),
                             "subject": "|".join(extract_subject(
                                 text, f["start"], f["end"], spans,
                                 context=" ".join(texts[max(0, i - context):i + 1]))),
                             "pub_date": pub_date.get(doc_id, "")})
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def _precision(r: dict) -> str:
    """How precisely a date is stated: ``day`` (year, month and day; the year may have been
    inferred), ``month_day`` (no year, none inferred), ``month`` (year and month) or ``year``."""
    if r["unit"] == "day":
        return "month_day" if str(r["value"]).startswith("XXXX") else "day"
    return r["unit"]


def _bucket(r: dict) -> tuple:
    """Facts can only be comparable within one bucket: the kind, and the date's precision, the
    duration's qualifier, or the currency, percent sign or counted noun."""
    if r["kind"] == "date":
        return ("date", _precision(r))
    if r["kind"] == "duration":
        return ("duration", r["qualifier"])
    return (r["kind"], r["unit"])


def _comparable(a: dict, b: dict) -> bool:
    """Whether two facts could state the same thing at all, whatever their subjects.

    Same kind and bucket (:func:`_bucket`); no dateline date (when a report was filed is no fact
    of the story) and no "ago" duration (its length depends on when the article was written).
    Two dates may differ in at most one part (year, month or day): dates that differ in more are
    different events, not one event given two dates. Two amounts (durations on a common scale,
    money, percentages, counts and ordinals) may differ by at most a factor of :data:`MAX_RATIO`:
    a slip, rounding or an outdated figure keeps the order of magnitude, and "a day after" and
    "two years ahead" measure different things. Money, percentages and counts change over time (a
    tariff rate, a trade total, a number of visitors), so they are compared only between articles
    published at most :data:`MAX_DAYS_APART` days apart (or when a publication date is unknown)."""
    if _bucket(a) != _bucket(b):
        return False
    if a["kind"] == "date":
        if "dateline" in (a["qualifier"], b["qualifier"]):
            return False
        pa, pb = str(a["value"]).split("-"), str(b["value"]).split("-")
        return sum(x != y for x, y in zip(pa, pb)) <= 1
    if a["kind"] == "duration" and a["qualifier"] not in ("gap", "length"):
        return False
    if a["kind"] == "count" and (a["qualifier"] == "ordinal") != (b["qualifier"] == "ordinal"):
        return False  # "the ninth meeting" states a position, "nine meetings" an amount
    if a["kind"] in ("money", "percent") or (a["kind"] == "count" and a["qualifier"] != "ordinal"):
        days = _days_apart(a.get("pub_date", ""), b.get("pub_date", ""))
        if days is not None and days > MAX_DAYS_APART:
            return False  # a rate, sum or number of a later time is a new figure, not a disagreement
    ma, mb = _magnitude(a), _magnitude(b)
    if ma is None or mb is None or ma <= 0 or mb <= 0:
        return ma == mb
    return max(ma, mb) / min(ma, mb) <= MAX_RATIO


def score_fact_similarity(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """IDF-weighted overlap coefficient of two keyword sets.

    The weight of the shared words over the weight of the smaller set: 0 when nothing is
    shared, 1 when one context's words all occur in the other. Normalising by the smaller set
    keeps a short sentence comparable with a long one.

    Parameters
    ----------
    a, b : set of str
        Keywords of two contexts.
    idf : dict of str to float
        Weight of each keyword (words missing from it weigh 0).

    Returns
    -------
    float
        In [0, 1].
    """
    if not a or not b:
        return 0.0
    small = min(sum(idf.get(w, 0.0) for w in a), sum(idf.get(w, 0.0) for w in b))
    return sum(idf.get(w, 0.0) for w in a & b) / small if small else 0.0


def shared_subject(subject_a: set[str], subject_b: set[str], common: frozenset[str] = frozenset()) -> set[str]:
    """The words two facts share about what they state.

    A fact's subject is the words next to its figure (:func:`extract_subject`); two facts share
    the words both subjects hold, compared by a crude stem ("marking" meets "mark"), leaving out
    the ``common`` words (those most articles of the corpus use, such as the two countries'
    names in coverage of their relations). Sharing words that are far from both figures is not
    enough: in "Abe met Hu in 2006 and signed a pact; Xi met Abe in 2019" every date of the
    passage has the names in its context, but only a figure's own neighbours say what it is about.

    Parameters
    ----------
    subject_a, subject_b : set of str
        Keywords of the two facts' subjects.
    common : frozenset of str
        Stems that do not count.

    Returns
    -------
    set of str
        The shared stems.
    """
    return ({_stem(w) for w in subject_a} & {_stem(w) for w in subject_b}) - common


def _days_apart(a: str, b: str) -> int | None:
    """Days between two ISO dates, or None when either is missing or not a full date."""
    try:
        return abs((date.fromisoformat(str(a)) - date.fromisoformat(str(b))).days)
    except ValueError:
        return None


def _magnitude(r: dict) -> float | None:
    """A fact's size on a common scale (durations in years), or None for dates."""
    if r["kind"] == "date":
        return None
    try:
        value = float(r["value"])
    except (TypeError, ValueError):
        return None
    return value * _TIME_UNITS.get(r["unit"], 1.0) if r["kind"] == "duration" else value


#: Context similarity two facts need to be linked, by kind. Durations are compared only with
#: durations of the same qualifier (a hiatus with a hiatus), which is already strong evidence,
#: so they need less; dates are many and need the most.
MIN_SIMILARITY = {"date": 0.3, "duration": 0.1, "money": 0.25, "percent": 0.25, "count": 0.25}
#: Dates with the same month and day (the year differs or was inferred) need only this much.
MIN_SIMILARITY_SAME_DAY = 0.1
#: Two amounts further apart than this factor are different quantities (see :func:`_comparable`).
MAX_RATIO = 3.0
#: Money, percentages and counts of articles published further apart than this are not compared.
MAX_DAYS_APART = 31
#: Subject words (:func:`shared_subject`) two facts must share to be linked.
MIN_SHARED_SUBJECT = 1
#: A word in the fact contexts of more than this share of the documents is a word of the whole
#: corpus ("Japan", "minister" in coverage of China–Japan relations) and says nothing about which
#: fact a figure states; with fewer than :data:`MIN_DOCS_COMMON` documents no word is set aside.
COMMON_SHARE = 1 / 3
MIN_DOCS_COMMON = 10


def _threshold(a: dict, b: dict, min_similarity: dict[str, float]) -> float:
    if a["kind"] == "date" and _precision(a) == "day" and a["value"][4:] == b["value"][4:]:
        return min(MIN_SIMILARITY_SAME_DAY, min_similarity["date"])
    return min_similarity[a["kind"]]


def _common_words(docs: list, contexts: list[set[str]]) -> frozenset[str]:
    by_doc: dict = {}
    for d, c in zip(docs, contexts):
        by_doc.setdefault(d, set()).update(_stem(w) for w in c)
    if len(by_doc) < MIN_DOCS_COMMON:
        return frozenset()
    count: dict[str, int] = {}
    for words in by_doc.values():
        for w in words:
            count[w] = count.get(w, 0) + 1
    return frozenset(w for w, c in count.items() if c > COMMON_SHARE * len(by_doc))


def align_facts(facts: pd.DataFrame, min_similarity: dict[str, float] | None = None,
                min_shared: int | None = None) -> pd.DataFrame:
    """Group the same fact across articles.

    Two facts of different sentences are *compatible* (they could state the same fact) when

    - they are comparable: the same kind, and
      - dates: the same precision (a full date -- its year stated or inferred from the text --
        only with a full date, a day and month without a year only with another such, a month
        with a month, a year with a year), values that differ in at most one part (a slip, not
        two events), and neither is the date of a dateline ("TOKYO, Feb. 5 (Agency) --");
      - durations: the same qualifier (a hiatus with a hiatus, a length with a length; "ago"
        durations never), lengths within a factor of :data:`MAX_RATIO`;
      - money (same currency), percentages and counts (same counted noun; ordinals with
        ordinals): values within a factor of :data:`MAX_RATIO`, and, as rates, sums and numbers
        change over time, articles published at most :data:`MAX_DAYS_APART` days apart (when
        both dates are known);
    - both have a subject (the words next to the figure in its clause, :func:`extract_subject`)
      and the two subjects share at least ``min_shared`` words (:func:`shared_subject`), not
      counting the corpus's common words: stems found in the fact contexts of more than
      :data:`COMMON_SHARE` of the documents (only when there are at least
      :data:`MIN_DOCS_COMMON` documents). A fact with an empty subject is never aligned.

    Two compatible facts are *linked* when their contexts are also similar: the IDF-weighted
    overlap of their keywords (:func:`score_fact_similarity`) reaches ``min_similarity[kind]``
    (defaults :data:`MIN_SIMILARITY`; :data:`MIN_SIMILARITY_SAME_DAY` for two full dates of the
    same month and day).

    Fact groups grow along the links, strongest first, but two groups merge only when every pair
    of their facts is compatible, so a chain of links (A like B, B like C) never joins facts that
    cannot be one (A and C), and every pair of facts in a group shares a subject word. A group
    spans at least two documents.

    Parameters
    ----------
    facts : DataFrame
        Facts as from :func:`sinojp.measures.extract_facts` (at least ``doc_id, sent_id, kind,
        value, unit, qualifier, keywords, subject``, the words ``|``-joined; ``pub_date``
        optional; a table without ``subject`` has no subjects, so nothing is linked).
    min_similarity : dict of str to float, optional
        Minimum context similarity per kind (``date``, ``duration``, ``money``, ``percent``,
        ``count``); the kinds given override :data:`MIN_SIMILARITY`, the others keep its values.
    min_shared : int, optional
        Subject words two facts must share; default :data:`MIN_SHARED_SUBJECT`.

    Returns
    -------
    DataFrame
        ``facts`` plus ``fact_group`` (int, -1 for facts linked to nothing), ``similarity`` (the
        best link of the fact, rounded to 3 decimals; 0 when unlinked) and ``group_subject`` (the
        subject words the group's members share, those shared by most pairs first, ``|``-joined;
        empty when unlinked), on a fresh 0..n-1 index. Groups are numbered from 0 in the order of
        their first fact.
    """
    min_similarity = {**MIN_SIMILARITY, **(min_similarity or {})}
    min_shared = MIN_SHARED_SUBJECT if min_shared is None else min_shared
    out = facts.reset_index(drop=True).copy()
    if "subject" not in out:
        out["subject"] = ""
    sets = [set(filter(None, str(k).split("|"))) for k in out["keywords"].fillna("")]
    subjects = [set(filter(None, str(k).split("|"))) for k in out["subject"].fillna("")]
    n = len(out)
    df_count: dict[str, int] = {}
    for s in sets:
        for w in s:
            df_count[w] = df_count.get(w, 0) + 1
    idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df_count.items()}
    common = _common_words(out["doc_id"].tolist(), sets)
    rows = list(out.to_dict("records"))
    buckets: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        if subjects[i]:  # a fact without a subject is never aligned
            buckets.setdefault(_bucket(r), []).append(i)
    compatible: dict[tuple[int, int], tuple[float, set[str]]] = {}  # could be one fact
    links: dict[tuple[int, int], tuple[float, set[str]]] = {}  # and their contexts agree
    for members in buckets.values():
        for k, i in enumerate(members):
            for j in members[k + 1:]:
                if not _comparable(rows[i], rows[j]) or (
                        rows[i]["doc_id"] == rows[j]["doc_id"] and rows[i].get("sent_id") == rows[j].get("sent_id")):
                    continue  # two figures of one sentence are two facts ("from 15 to 30 days")
                shared = shared_subject(subjects[i], subjects[j], common)
                if len(shared) < max(min_shared, 1):
                    continue
                sim = score_fact_similarity(sets[i], sets[j], idf)
                compatible[(i, j)] = (sim, shared)
                if sim >= _threshold(rows[i], rows[j], min_similarity):
                    links[(i, j)] = (sim, shared)
    # complete linkage, strongest links first (ties in reading order)
    group_of = list(range(n))
    members_of: dict[int, list[int]] = {i: [i] for i in range(n)}
    best = [0.0] * n
    for (i, j), (sim, _) in sorted(links.items(), key=lambda kv: (-kv[1][0], kv[0])):
        gi, gj = group_of[i], group_of[j]
        if gi != gj:
            union = members_of[gi] + members_of[gj]
            if any((min(a, b), max(a, b)) not in compatible for a in members_of[gi] for b in members_of[gj]):
                continue
            if len({rows[a]["doc_id"] for a in union}) < 2:
                continue  # a group states one fact in several articles
            for a in members_of[gj]:
                group_of[a] = gi
            members_of[gi] = sorted(union)
            del members_of[gj]
        best[i], best[j] = max(best[i], sim), max(best[j], sim)
    roots: dict[int, int] = {}
    groups, group_subject = [], []
    for i in range(n):
        members = members_of[group_of[i]]
        if len(members) < 2:
            groups.append(-1)
            group_subject.append("")
            best[i] = 0.0
            continue
        groups.append(roots.setdefault(group_of[i], len(roots)))
        # the words the members' subjects share, most widely shared first: every pair of members
        # shares at least one, so a group always has a subject
        held: dict[str, int] = {}
        for a, b in ((a, b) for k, a in enumerate(members) for b in members[k + 1:]):
            for w in compatible[(a, b)][1]:
                held[w] = held.get(w, 0) + 1
        surface = {_stem(w): w for a in reversed(members) for w in sorted(subjects[a])}
        group_subject.append("|".join(surface.get(w, w) for w in sorted(held, key=lambda w: (-held[w], w))))
    out["fact_group"] = groups
    out["similarity"] = [round(b, 3) for b in best]
    out["group_subject"] = group_subject
    return out


def compare_facts(aligned: pd.DataFrame) -> pd.DataFrame:
    """Where articles agree or differ on a shared fact.

    Durations stated in different units count as agreeing when they are the same length.

    Parameters
    ----------
    aligned : DataFrame
        Facts grouped by :func:`align_facts` (``fact_group``, ``kind``, ``value``, ``unit``,
        ``doc_id``, ``text``, ``keywords``, ``year_inferred``); facts of group -1 are ignored.

    Returns
    -------
    DataFrame
        One row per fact group: ``fact_group, kind, unit, n_docs, docs, values`` (distinct
        values, ``|``-joined), ``status`` (``agree`` or ``differ``), ``note`` (for dates: which
        parts differ, and whether a year was inferred), ``texts`` (``doc_id: matched text``
        joined by ``" || "``), ``keywords`` (the subject every member shares, from
        ``group_subject``; never empty for groups built by :func:`align_facts`).
    """
    rows = []
    for g, grp in aligned[aligned["fact_group"] >= 0].groupby("fact_group", sort=True):
        values = sorted(set(grp["value"]))
        note = ""
        if grp["kind"].iloc[0] == "date" and len(values) > 1:
            parts = [v.split("-") for v in values]
            if all(len(p) == 3 for p in parts) and len({p[1] + p[2] for p in parts}) == 1:
                note = "same month and day, different year"
            elif len({p[0] for p in parts}) == 1:
                note = "same year, different month or day"
            if grp["year_inferred"].any():
                note += " (a year was inferred from context)" if note else "a year was inferred from context"
        if grp["kind"].iloc[0] == "duration":
            units = sorted(set(grp["unit"]))
            values = sorted({f"{v} {u}" for v, u in zip(grp["value"], grp["unit"])})
            if len(units) > 1:
                years = {round(float(v) * _TIME_UNITS[u], 2) for v, u in zip(grp["value"], grp["unit"])}
                note = "same length in different units" if len(years) == 1 else ""
        if "group_subject" in grp:
            shared = sorted(set(filter(None, str(grp["group_subject"].iloc[0]).split("|"))))
        else:  # a table aligned before subjects existed: the context words all members share
            kw_sets = [set(str(k).split("|")) for k in grp["keywords"]]
            shared = sorted(set.intersection(*kw_sets)) if kw_sets else []
        rows.append({
            "fact_group": int(g), "kind": grp["kind"].iloc[0],
            "unit": "|".join(sorted(set(grp["unit"]))),
            "n_docs": grp["doc_id"].nunique(), "docs": "|".join(sorted(set(grp["doc_id"]))),
            "values": "|".join(values),
            "status": "agree" if len(values) == 1 or note == "same length in different units" else "differ",
            "note": note,
            "texts": " || ".join(f"{d}: {t}" for d, t in zip(grp["doc_id"], grp["text"])),
            "keywords": "|".join(shared),
        })
    cols = ["fact_group", "kind", "unit", "n_docs", "docs", "values", "status", "note", "texts", "keywords"]
    return pd.DataFrame(rows, columns=cols)


def tabulate_fact_coverage(aligned: pd.DataFrame, doc_ids: list[str] | None = None) -> pd.DataFrame:
    """Which articles state each shared fact and which leave it out.

    Parameters
    ----------
    aligned : DataFrame
        Facts grouped by :func:`align_facts` (``fact_group``, ``doc_id``, ``value``); facts of
        group -1 are left out.
    doc_ids : list of str, optional
        The documents to show, in this order; by default every document of ``aligned``, sorted.

    Returns
    -------
    DataFrame
        Fact groups (rows, indexed by ``fact_group``) x documents (columns): the value a document
        states (several distinct values ``|``-joined), or ``""`` where it leaves the fact out.
    """
    doc_ids = doc_ids if doc_ids is not None else sorted(set(aligned["doc_id"]))
    grouped = aligned[aligned["fact_group"] >= 0]
    table = grouped.groupby(["fact_group", "doc_id"])["value"].agg(lambda v: "|".join(sorted(set(v))))
    cov = table.unstack("doc_id").reindex(columns=doc_ids).fillna("")
    cov.columns.name = None
    return cov


def flag_facts(aligned: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """The facts table with each fact's group status.

    Parameters
    ----------
    aligned : DataFrame
        Facts grouped by :func:`align_facts`.
    comparison : DataFrame
        The fact groups' ``fact_group`` and ``status``, from :func:`compare_facts`.

    Returns
    -------
    DataFrame
        ``aligned`` plus ``status``: ``differ`` (another article states a different value for
        the same fact), ``agree``, or ``only here`` (no other article states it).
    """
    status = dict(zip(comparison["fact_group"], comparison["status"]))
    out = aligned.copy()
    out["status"] = [status.get(g, "only here") if g >= 0 else "only here" for g in out["fact_group"]]
    return out


#: The shipped hand check of aligned fact pairs (``data/annotations/fact_pairs.csv``).
FACT_PAIRS = Path(str(resources.files("sinojp.annotations").joinpath("fact_pairs.csv")))


def check_alignment(pairs: pd.DataFrame | None = None, by: str | list[str] | None = "version",
                    cluster: str | None = "fact_group", n_boot: int = 2000, level: float = 0.95,
                    random_state: int = 0) -> pd.DataFrame:
    """Precision of fact alignment on hand-checked pairs, with a bootstrap interval.

    Each row of ``pairs`` is two facts that :func:`align_facts` put in one group and a reader's
    judgement (``same_fact``: 1 when both sentences state the same fact -- same kind, same
    subject, same event or quantity --, 0 otherwise). Precision is the share of 1s. Pairs of one
    fact group are not independent (a group of four facts gives six pairs), so the interval
    resamples whole groups when ``cluster`` names a column of ``pairs``
    (:func:`sinojp.stats.bootstrap_ci_grouped`), else single pairs
    (:func:`sinojp.stats.bootstrap_ci`).

    Parameters
    ----------
    pairs : DataFrame, optional
        Hand-checked pairs with ``same_fact`` (1/0) and the columns named by ``by`` and
        ``cluster``; by default the shipped file :data:`FACT_PAIRS` (columns ``doc_a, sent_a,
        doc_b, sent_b, kind, value_a, value_b, same_fact, reason, version, corpus, fact_group,
        dev_run``; see ``data/annotations/README.md``).
    by : str or list of str, optional
        Columns whose values each get a row (default ``version``: the judgements before and
        after a change of the aligner); columns missing from ``pairs`` are ignored; ``None`` for
        a single row.
    cluster : str, optional
        Column of the unit resampled by the bootstrap (default ``fact_group``); ``None`` or a
        missing column resamples pairs.
    n_boot : int
        Bootstrap resamples.
    level : float
        Coverage of the interval.
    random_state : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row per value of ``by``: those columns, ``n`` (pairs judged), ``same`` (pairs stating
        the same fact), ``precision`` (``same / n``), ``ci_low``, ``ci_high`` and ``n_clusters``
        (groups resampled; ``n`` when pairs are resampled).
    """
    if pairs is None:
        pairs = pd.read_csv(FACT_PAIRS)
    keys = [by] if isinstance(by, str) else list(by or [])
    keys = [k for k in keys if k in pairs.columns]
    use_cluster = cluster is not None and cluster in pairs.columns
    rows = []
    for key, grp in (pairs.groupby(keys, sort=True, dropna=False) if keys else [((), pairs)]):
        values = pd.to_numeric(grp["same_fact"], errors="coerce").dropna()
        grp = grp.loc[values.index]
        if use_cluster:
            units = grp[cluster].astype(str)
            low, high = bootstrap_ci_grouped(values.to_numpy(), units.tolist(), n_boot=n_boot, level=level,
                                             random_state=random_state)
            n_units = int(units.nunique())
        else:
            low, high = bootstrap_ci(values.to_numpy(), n_boot=n_boot, level=level, random_state=random_state)
            n_units = len(values)
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key)), "n": len(values), "same": int(values.sum()),
                     "precision": float(values.mean()) if len(values) else np.nan,
                     "ci_low": low, "ci_high": high, "n_clusters": n_units})
    return pd.DataFrame(rows, columns=[*keys, "n", "same", "precision", "ci_low", "ci_high", "n_clusters"])

