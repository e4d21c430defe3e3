"""Facts each article selects: dates, durations, money, percentages and counts.

:func:`extract_facts` finds the figures a sentence states with general patterns (no article
strings) and normalises them: dates to ISO (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a date
without a year takes the year of the nearest earlier explicit year in the same document, or of
the publication date, and says so), durations to a number and a time unit, money to a number of
currency units, percentages to a number, counts to a number and the noun they count.

Each fact keeps its context keywords (content words of its sentence and the one before). The
same fact is found across articles by :func:`align_facts`: facts of the same kind and unit whose
contexts are similar (IDF-weighted Jaccard overlap of keywords) are linked, and the linked
components are fact groups. :func:`compare_facts` then says per group whether the articles agree
(one value) or differ (several values), and :func:`fact_coverage` which articles leave a
shared fact out.
"""

from __future__ import annotations

import math
import re

import pandas as pd

FACT_COLUMNS = ["doc_id", "sent_id", "kind", "value", "unit", "qualifier", "text",
                "year_inferred", "keywords"]
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
_RX_DURATION = re.compile(
    rf"(?<![\w.])(?P<num>{_NUM}|a|an)[-\s](?P<unit>year|month|week|day|decade)s?(?P<tail>-long|-old)?\b",
    re.IGNORECASE)
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
    """Content words of a text: lower-cased, singularised, stop words and numbers removed.

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
    toks = re.findall(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]", text)
    out = []
    for t in toks:
        low = re.sub(r"['’]s$", "", t.lower())
        if low in _STOP or low in _MONTHS or low in _UNITS or low in _ORDINALS:
            continue
        if len(low) < 3 and not (len(low) == 2 and t[0].isupper() and t[1].islower()):
            continue
        out.append(_singular(low))
    return list(dict.fromkeys(out))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _sentence_facts(text: str) -> list[dict]:
    """Facts of one sentence (without year inference and keywords)."""
    found: list[dict] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, kind: str, value: str, unit: str, qualifier: str = "") -> None:
        taken.append(m.span())
        found.append({"start": m.start(), "kind": kind, "value": value, "unit": unit,
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
        if g["month"] or g["month2"]:
            month = _month(g["month"] or g["month2"])
            day = int(g["day"] or g["day2"])
            year = g["year"] or g["year2"]
            if not 1 <= day <= 31:
                continue
            add(m, "date", f"{year or 'XXXX'}-{month:02d}-{day:02d}", "day")
        elif g["month3"]:
            add(m, "date", f"{g['year3']}-{_month(g['month3']):02d}", "month")
        elif g["iso"]:
            add(m, "date", g["iso"], "day")
        else:
            add(m, "date", g["year4"], "year")
    for m in _RX_DURATION.finditer(text):
        if _overlaps(m.span(), taken) or m.group("tail") == "-old":
            continue
        num = _number(m.group("num"))
        if num is None:
            continue
        after = text[m.end():m.end() + 40].lower()
        before = text[max(0, m.start() - 60):m.start()].lower()
        if re.match(rf"\s*{_GAP_WORDS}", after) or re.search(r"\b(?:after|following|ending)\s+(?:a|an|the)?\s*$", before) \
                or re.search(r"\bfirst\b[^.;]*\b(?:in|for)\s+(?:more than\s+|over\s+|nearly\s+|almost\s+)?$", before):
            qualifier = "gap"
        elif re.match(r"\s*ago\b", after):
            qualifier = "ago"
        else:
            qualifier = "length"
        add(m, "duration", _fmt(num), m.group("unit").lower(), qualifier)
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
        found.append({"start": m.start(), "kind": "count", "value": _fmt(num), "unit": unit,
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
        ``length``, ``ago`` for durations and ``ordinal`` for ordinal counts; ``keywords`` are
        the context's content words, ``|``-joined.
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
                             "keywords": "|".join(k for k in kw if k not in f["text"].lower())})
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def _bucket(r: dict) -> tuple:
    """Facts can only be comparable within one bucket (kind and unit, or qualifier)."""
    if r["kind"] == "date":
        return ("date",)
    if r["kind"] == "duration":
        return ("duration", r["qualifier"])
    return (r["kind"], r["unit"])


def _comparable(a: dict, b: dict) -> bool:
    if a["kind"] != b["kind"]:
        return False
    if a["kind"] == "date":
        return True
    if a["kind"] == "duration":
        return a["qualifier"] == b["qualifier"] and a["qualifier"] in ("gap", "length")
    return a["unit"] == b["unit"]


def score_fact_similarity(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """IDF-weighted overlap coefficient of two keyword sets.

    The weight of the shared words over the weight of the smaller set: 0 when nothing is
    shared, 1 when one context's words all occur in the other. Normalising by the smaller set
    keeps a short sentence comparable with a long one.
    """
    if not a or not b:
        return 0.0
    small = min(sum(idf.get(w, 0.0) for w in a), sum(idf.get(w, 0.0) for w in b))
    return sum(idf.get(w, 0.0) for w in a & b) / small if small else 0.0


#: Context similarity two facts need to be linked, by kind. Durations are compared only with
#: durations of the same qualifier (a hiatus with a hiatus), which is already strong evidence,
#: so they need less; dates are many and need the most.
MIN_SIMILARITY = {"date": 0.3, "duration": 0.1, "money": 0.25, "percent": 0.25, "count": 0.25}
#: Dates with the same month and day (the year differs or was inferred) need only this much.
MIN_SIMILARITY_SAME_DAY = 0.1


def _threshold(a: dict, b: dict, min_similarity: dict[str, float]) -> float:
    if a["kind"] == "date" and a["unit"] == b["unit"] == "day" and a["value"][4:] == b["value"][4:]:
        return min(MIN_SIMILARITY_SAME_DAY, min_similarity["date"])
    return min_similarity[a["kind"]]


def align_facts(facts: pd.DataFrame, min_similarity: dict[str, float] | None = None) -> pd.DataFrame:
    """Group the same fact across articles.

    Two facts of different documents are linked when they are comparable (same kind; same
    counted noun or currency; for durations the same qualifier, so a hiatus is compared with a
    hiatus) and their context keywords overlap by at least ``min_similarity[kind]``
    (:func:`score_fact_similarity`, IDF over the facts' contexts, so words every article uses weigh
    little; defaults :data:`MIN_SIMILARITY`, and :data:`MIN_SIMILARITY_SAME_DAY` for two dates of
    the same month and day).
    Connected components of the links are fact groups.

    Parameters
    ----------
    facts : DataFrame
        Facts as from :func:`sinojp.measures.extract_facts` (at least ``doc_id, kind, value, unit,
        qualifier, keywords``, the keywords ``|``-joined).
    min_similarity : dict of str to float, optional
        Minimum context similarity per kind (``date``, ``duration``, ``money``, ``percent``,
        ``count``); the kinds given override :data:`MIN_SIMILARITY`, the others keep its values.

    Returns
    -------
    DataFrame
        ``facts`` plus ``fact_group`` (int, -1 for facts linked to nothing) and
        ``similarity`` (the best link of the fact, rounded to 3 decimals; 0 when unlinked), on a
        fresh 0..n-1 index. Groups are numbered from 0 in the order of their first fact.
    """
    min_similarity = {**MIN_SIMILARITY, **(min_similarity or {})}
    out = facts.reset_index(drop=True).copy()
    sets = [set(filter(None, str(k).split("|"))) for k in out["keywords"]]
    n = len(out)
    df_count: dict[str, int] = {}
    for s in sets:
        for w in s:
            df_count[w] = df_count.get(w, 0) + 1
    idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df_count.items()}
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best = [0.0] * n
    linked = [False] * n
    rows = list(out.to_dict("records"))
    buckets: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        buckets.setdefault(_bucket(r), []).append(i)
    pairs = ((i, j) for members in buckets.values() for k, i in enumerate(members) for j in members[k + 1:])
    for i, j in pairs:
        if rows[i]["doc_id"] == rows[j]["doc_id"] or not _comparable(rows[i], rows[j]):
            continue
        sim = score_fact_similarity(sets[i], sets[j], idf)
        if sim >= _threshold(rows[i], rows[j], min_similarity):
            linked[i] = linked[j] = True
            best[i], best[j] = max(best[i], sim), max(best[j], sim)
            parent[find(i)] = find(j)
    roots: dict[int, int] = {}
    groups = []
    for i in range(n):
        if not linked[i]:
            groups.append(-1)
            continue
        groups.append(roots.setdefault(find(i), len(roots)))
    out["fact_group"] = groups
    out["similarity"] = [round(b, 3) for b in best]
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
        joined by ``" || "``), ``keywords`` (shared by all members).
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
        kw_sets = [set(k.split("|")) for k in grp["keywords"]]
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
