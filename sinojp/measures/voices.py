"""Voices: quotations and attributed statements, and whose voices each outlet uses.

Cues (all in ``resources/stance_rules.yaml`` or below):

- interview turns: a paragraph opening with a label and a colon
  ("Dr. Akiko Tanaka: ..."), where the same label opens at least two turns in
  the document (one "Image Source: ..." line is not an interview);
- "according to X";
- "X said / noted / urged ..." (speaker before the verb, appositions such as
  "Stephen Nagy, a professor at ..., notes" resolved) and "..., said X";
- direct quotes in curly or straight double quotes.

Role and country come from the gazetteer (``sinojp.measures.actors``) when the
speaker is a known actor, else from role words ("spokesperson",
"professor", "analyst") and country words in the speaker phrase or its
apposition anywhere in the document.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from re import _constants as sre
from re import _parser as sre_parse

import numpy as np
import pandas as pd

from sinojp.measures.actors import (
    alias_pattern,
    load_gazetteer,
    load_rules,
    match_actors,
    match_actors_many,
)

VOICE_COLUMNS = ["doc_id", "sent_id", "speaker", "role", "country", "cue", "statement", "stance"]

_CURLY = re.compile(r"“([^”]+)”")
_STRAIGHT = re.compile('"')
_TITLES = {"minister", "president", "premier", "secretary", "dr", "dr.", "mr", "mr.", "ms", "ms.", "prof",
           "prof.", "chairman", "spokesperson", "ambassador"}
_TURN = re.compile(r"^\s*(?P<label>(?:(?:Dr|Prof|Mr|Ms|Mrs)\.\s*)?[A-Za-z][\w'’.-]*(?:\s+[A-Za-z][\w'’.-]*){0,3})\s*:\s+\S")
_ACCORDING = re.compile(r"\baccording to\s+(?P<speaker>[^,.;:“\"]+)", re.IGNORECASE)
_FILLERS = {"as", "where", "when", "while", "also", "once", "again", "further", "has", "have", "had", "was", "were", "is", "clearly",
            "repeatedly", "then", "later", "recently", "explicitly", "publicly", "has also", "who",
            "that", "and", "but", "however", "moreover", "in", "response"}
_PRONOUNS = {"he", "she", "they", "we", "i", "it"}
_PREPOSITIONS = r"(?:\s+(?:at|in|on|during|after|before|to|of|on|when|while)\b|[,.;:]|$)"


@lru_cache(maxsize=1)
def _verb_regex() -> re.Pattern:
    verbs = sorted(load_rules()["attribution_verbs"], key=lambda v: (-len(v), v))
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, verbs)) + r")(?![\w-])")


@lru_cache(maxsize=1)
def _phrase_regex() -> re.Pattern:
    phrases = sorted(load_rules()["attribution_phrases"], key=lambda v: (-len(v), v))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _role_regex() -> tuple[re.Pattern, dict]:
    roles = {k.lower(): v for k, v in load_rules()["voice_roles"].items()}
    keys = sorted(roles, key=lambda k: (-len(k), k))
    rx = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w-])", re.IGNORECASE)
    return rx, roles


def find_quotations(text: str, min_words: int = 1) -> list[str]:
    """Quoted spans of a sentence: curly pairs, and straight quotes paired in order of appearance."""
    spans = [m.group(1) for m in _CURLY.finditer(text)]
    straight = [m.start() for m in _STRAIGHT.finditer(text)] if '"' in text else []
    spans += [text[a + 1:b] for a, b in zip(straight[::2], straight[1::2])]
    return [q.strip() for q in spans if len(q.split()) >= min_words]


def _longest_quote(text: str, min_words: int = 6) -> str:
    qs = find_quotations(text, min_words)
    return max(qs, key=len) if qs else ""


def _verbs(text: str) -> list[re.Match]:
    """Attribution verbs of a sentence, without "added to" (= increased)."""
    return [m for m in _verb_regex().finditer(text)
            if not (m.group(0) == "added" and re.match(r"\s+to\b", text[m.end():]))]


def is_attributed(text: str) -> bool:
    """True when a sentence reports a claim from a source rather than the author's own."""
    return bool(_verbs(text) or _phrase_regex().search(text)
                or _longest_quote(text) or _TURN.match(text))


_TIME_TAIL = re.compile(r"(?i)\s+(?:this|last|next|on|earlier|later)\s+(?:week|month|year|monday|tuesday|wednesday|"
                        r"thursday|friday|saturday|sunday|day)\b.*$|\s+(?:on|earlier|later|today|yesterday)$")


def _clean_speaker(phrase: str) -> str:
    words = _TIME_TAIL.sub("", phrase.strip(" ,;:–—-")).split()
    while words and words[0].lower() in _FILLERS | {"although", "though", "because", "since", "if", "after", "before"}:
        words = words[1:]
    while words and (words[-1].lower() in _FILLERS or (words[-1].islower() and words[-1].endswith("ly"))):
        words = words[:-1]  # trailing auxiliaries and adverbs: "she simply", "Iwaya also"
    return " ".join(words[-14:])


def _plausible(speaker: str) -> bool:
    if not speaker or len(speaker.split()) > 14:
        return False
    if speaker.lower() in _PRONOUNS:
        return True
    # cheapest test first
    return (any(w[:1].isupper() for w in speaker.split()) or _role_regex()[0].search(speaker) is not None
            or bool(match_actors(speaker)))


def _name_like(name: str) -> bool:
    """A short phrase that is a known actor or a run of capitalised words."""
    words = name.split()
    return len(words) <= 4 and ((len(words) >= 2 and all(w[:1].isupper() for w in words))
                                or bool(match_actors(name)))


_ARTICLE = re.compile(r"(?i)^(?:an?|the)\s")
_INDEFINITE = re.compile(r"(?i)^an?\s")


def _speaker_before_verb(text: str, verb: re.Match) -> tuple[str, str]:
    """Speaker phrase before an attribution verb and its apposition (if any)."""
    before = text[: verb.start()]
    segments = [s.strip() for s in re.split(r"[,;:“”\"]", before)]
    while segments and not segments[-1]:
        segments.pop()
    if not segments:
        return "", ""
    last = _clean_speaker(segments[-1])
    if len(segments) >= 2 and _ARTICLE.match(last):
        name = _clean_speaker(segments[-2])
        if _INDEFINITE.match(last) or _name_like(name):
            return name, last
    return last, ""


@lru_cache(maxsize=1)
def _verb_words() -> tuple[str, ...]:
    """The attribution verbs, as plain strings."""
    return tuple(load_rules()["attribution_verbs"])


def _may_have_cue(text: str) -> bool:
    """False when a sentence certainly has no cue of :func:`_find_speaker`.

    Every cue needs a quotation mark, an attribution verb (the inverted "..., said X" too) or
    "according to"; the few characters that case-insensitive matching takes for "i" although
    ``str.lower`` does not (ı, İ) leave the question open.
    """
    return ('"' in text or "“" in text or any(map(text.__contains__, _verb_words()))
            or "according to" in text.lower() or "\u0130" in text or "\u0131" in text)


def _find_speaker(text: str) -> tuple[str, str, str]:
    """Return (speaker, apposition, cue) for one sentence, or empty strings."""
    if not _may_have_cue(text):
        return "", "", ""
    m = _ACCORDING.search(text)
    if m:
        after = text[m.end():]
        app = re.match(r"\s*,\s*(an?\s[^,.;]+)", after)
        return _clean_speaker(m.group("speaker")), app.group(1) if app else "", "according_to"
    inverted = re.search(r"[,”\"]\s*(?:said|says|noted|added)\s+(?P<speaker>.+?)" + _PREPOSITIONS, text)
    if inverted and _plausible(inverted.group("speaker")):
        return _clean_speaker(inverted.group("speaker")), "", "said"
    for verb in _verbs(text):
        speaker, app = _speaker_before_verb(text, verb)
        if len(speaker.split()) > 6:  # a whole clause: keep its first named actor
            actors = match_actors(speaker)
            persons = [a for a in actors if a["type"] == "person"] or actors
            speaker = persons[0]["surface"] if persons else ""
        if _plausible(speaker):
            return speaker, app, "said"
    if _longest_quote(text):
        return "", "", "quote"
    return "", "", ""


#: a speaking actor's gazetteer role -> the voice role
_ROLE_OF_ACTOR = {"leader": "leader", "minister": "minister", "official": "official", "ministry": "official",
                  "military": "official", "country": "official", "capital": "official", "party": "politician",
                  "legislature": "politician", "media": "media", "institution": "organisation"}
#: a country or capital speaking stands for its government
_GOVERNMENT = {"CN": "Chinese government", "JP": "Japanese government", "US": "US government",
               "KR": "South Korean government", "TW": "Taiwanese authorities"}
_HONORIFIC = re.compile(r"(?i)^(?:(?:the|mr\.?|ms\.?|mrs\.?|dr\.?|prof\.?)\s+)+")


_NAME_AT_END = re.compile(r"(?:^|\s)((?:[A-Z][a-z]+\s){1,2}[A-Z][a-z]+)$")


def _name_at_end(speaker: str) -> str:
    """A personal name closing a speaker phrase ("China's UN envoy Fu Cong" -> "Fu Cong"), if any."""
    m = _NAME_AT_END.search(speaker.strip())
    if not m:
        return ""
    words = m.group(1).split()
    while words and words[0].lower().rstrip(".") in _TITLES | {"ambassador", "envoy", "spokesperson", "spokeswoman",
                                                                  "spokesman", "secretary", "chief", "consul"}:
        words = words[1:]
    name = " ".join(words)
    return name if len(words) >= 2 and not match_actors(name) else ""


def _speaking_actor(speaker: str) -> dict | None:
    """The actor a speaker phrase names: a person first, else (when no unknown personal name closes
    the phrase) the head organisation or country."""
    actors = match_actors(speaker)
    persons = [a for a in actors if a["type"] == "person"]
    if persons:
        return persons[0]
    if _name_at_end(speaker) or _role_regex()[0].search(speaker):
        return None  # a named or titled person ("the US ambassador in Tokyo"), not the bodies it names
    return actors[-1] if actors else None


def _describe(speaker: str, apposition: str, doc_text: str) -> tuple[str, str]:
    """Role and country of a speaker: from the gazetteer, else role and nationality words of the
    speaker's own phrase and apposition; ``unknown`` otherwise (never guessed from the topic)."""
    actor = _speaking_actor(speaker)
    if actor is not None:
        return _ROLE_OF_ACTOR.get(actor["role"], "unknown"), actor["country"]
    context = f"{speaker} {apposition}"
    if not apposition and speaker:
        surname = speaker.split()[-1]
        app = re.search(rf"(?i)\b{re.escape(surname)}\s*,\s*((?:an?|the)\s[^.;]+?)(?:,|\.|;)", doc_text)
        if app:
            context += " " + app.group(1)
    rx, roles = _role_regex()
    hits = rx.findall(context)
    role = roles[hits[0].lower()] if hits else "unknown"
    # the first country, capital or body named in the speaker's own phrase or apposition
    countries = [a["country"] for a in match_actors(context) if a["type"] in ("country", "place", "organisation")]
    country = countries[0] if countries and (role != "unknown" or _name_at_end(speaker)) else "unknown"
    return role, country


def _plain_name(speaker: str) -> str:
    """A speaker phrase naming no actor as a name: its closing personal name, else without honorifics."""
    return _name_at_end(speaker) or _HONORIFIC.sub("", speaker).strip()


def resolve_speaker(speaker: str, doc_people: dict[str, str] | None = None) -> str:
    """One name per speaker: the gazetteer's name of a known actor, "<country> government" for a
    country or capital, else the fullest form of the name used in the document.

    Parameters
    ----------
    speaker : str
        The speaker phrase as found ("Prime Minister Ishiba", "Xi", "Beijing", "the ministry").
    doc_people : dict, optional
        Lower-case surname -> full name, for the people the document names in full.

    Returns
    -------
    str
        The canonical name; the phrase itself, without honorifics, when nothing better is known.
    """
    actor = _speaking_actor(speaker)
    if actor is not None:
        if actor["type"] in ("country",) or actor["role"] in ("country", "capital"):
            return _GOVERNMENT.get(actor["country"], f"{actor['actor']} government")
        return actor["actor"]
    name = _plain_name(speaker)
    words = name.split()
    if doc_people and words and words[-1][:1].isupper():
        full = doc_people.get(words[-1].lower())
        if full and len(full.split()) > len(words):
            return full
    return name or speaker


def _people(doc_text: str, mentions: list[dict]) -> dict[str, str]:
    """Surname -> full name of the people a document names with two or more capitalised words."""
    people: dict[str, str] = {}
    for m in mentions:
        if m["type"] == "person" and len(m["surface"].split()) > 1:
            people.setdefault(m["surface"].split()[-1].lower(), m["actor"])
    for full in re.finditer(r"\b([A-Z][a-z]+) ([A-Z][a-z]{2,})\b", doc_text):
        first, last = full.group(1), full.group(2)
        if first.lower() not in _TITLES and first.lower() not in _FILLERS:
            people.setdefault(last.lower(), f"{first} {last}")
    return people


def find_interview_turns(para_ids: list, texts: list) -> dict:
    """Interview turns of one document: para_id -> (label, offset of the turn's text, is_interviewer).

    ``para_ids`` and ``texts`` are the document's sentences' paragraph ids and texts, in order.
    A label counts as an interview turn when the same label (case-folded)
    opens at least two paragraphs. Paragraph text is rebuilt from its
    sentences so that a segmenter splitting "Dr." does not hide the label. The interviewer is the
    label whose turns are mostly questions (or "Q"): those turns are questions, not statements.
    """
    pieces: dict = {}
    for para, text in zip(para_ids, texts):
        pieces.setdefault(para, []).append(str(text))
    found = {p: m for p in sorted(pieces) if (m := _TURN.match(" ".join(pieces[p])))}
    counts = Counter(m.group("label").lower() for m in found.values())
    asks = Counter(m.group("label").lower() for p, m in found.items() if " ".join(pieces[p]).rstrip().endswith("?"))
    first_form: dict[str, str] = {}
    turns = {}
    for p, m in found.items():
        key = m.group("label").lower()
        if counts.get(key, 0) >= 2:
            label = first_form.setdefault(key, m.group("label"))
            # the interviewer: a label whose turns are mostly questions, or "Q"
            interviewer = key in ("q", "question", "interviewer") or asks[key] / counts[key] > 0.5
            turns[p] = (label, m.end() - 1, interviewer)
    return turns


def _resolve_surname(speaker: str, doc_text: str, doc_mentions: list[dict] | None = None) -> str:
    """A one-word speaker ("Wang") becomes the full name of a person named in the document.

    ``doc_mentions`` are ``match_actors(doc_text)`` when the caller has them already.
    """
    if " " in speaker or match_actors(speaker):
        return speaker
    for m in match_actors(doc_text) if doc_mentions is None else doc_mentions:
        words = [w.lower() for w in m["surface"].split()]
        if m["type"] == "person" and len(words) > 1 and speaker.lower() in words:
            return m["surface"]
    for full in re.finditer(rf"\b([A-Z][a-z]+)\s+{re.escape(speaker)}\b", doc_text):
        if full.group(1).lower() not in _TITLES:
            return f"{full.group(1)} {speaker}"
    return speaker


_NOT_AFTER_WORD, _NOT_BEFORE_WORD = r"(?<!\w)", r"(?!\w)"


def _reversed_body(pattern: str) -> str:
    """A gazetteer alias pattern read backwards, to match at the start of a reversed text.

    ``(?<!\\w)BODY(?!\\w)`` becomes ``YDOB(?!\\w)``: a match ending where the reversed text
    starts (the trailing look-ahead always holds there) and not preceded by a word character.
    Any other form, or a body of anything but literals and literal sets, becomes the empty
    pattern, which matches everywhere (the caller then falls back to matching the whole document).
    """
    if not (pattern.startswith(_NOT_AFTER_WORD) and pattern.endswith(_NOT_BEFORE_WORD)):
        return ""
    out = []
    for op, av in reversed(list(sre_parse.parse(pattern[len(_NOT_AFTER_WORD):-len(_NOT_BEFORE_WORD)]))):
        if op is sre.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is sre.IN and all(o is sre.LITERAL for o, _ in av):
            out.append("[" + "".join(re.escape(chr(v)) for _, v in av) + "]")
        else:
            return ""
    return "".join(out) + _NOT_BEFORE_WORD


@lru_cache(maxsize=1)
def _alias_halves() -> tuple[re.Pattern, re.Pattern, int]:
    """Patterns of what comes before and after a space in a multi-word gazetteer alias.

    ``(before, after, longest)``: ``before`` matches the start of a reversed text (``match``)
    when the text ends with the words of an alias before one of its spaces, ``after`` a text
    starting with the words after it; both carry the alias's case rule and word boundaries.
    ``longest`` is the length of the longest alias.
    """
    before, after = set(), set()
    gaz = load_gazetteer()
    for alias, case_sensitive in zip(gaz["alias"], gaz["case_sensitive"]):
        scope = "(?:{})" if case_sensitive else "(?i:{})"
        for i, char in enumerate(alias):
            if char == " ":
                before.add(scope.format(_reversed_body(alias_pattern(alias[:i]))))
                after.add(scope.format(alias_pattern(alias[i + 1:])))
    longest = max((len(a) for a in gaz["alias"]), default=0)
    if not before:
        return re.compile(r"(?!)"), re.compile(r"(?!)"), 0
    return re.compile("|".join(sorted(before))), re.compile("|".join(sorted(after))), longest


def _ends_with(before: re.Pattern, text: str, end: int, longest: int) -> bool:
    """Whether ``text[:end]`` ends with the words before a space of an alias (``before`` of
    :func:`_alias_halves`); the character before them is read too, for the word boundary."""
    return before.match(text[max(0, end - longest - 1):end][::-1]) is not None


def _document_mentions(texts: list[str], doc_text: str, sentence_mentions: list[list[dict]]) -> list[dict]:
    """``match_actors(doc_text)`` of ``doc_text = " ".join(texts)``, from the mentions of its sentences.

    Each alias pattern is bounded by non-word look-arounds, which see the joining space as they
    see a sentence's edges; so unless an alias with a space spans the join of two sentences, the
    document's mentions are its sentences' mentions, shifted. Where one might span a join (the
    words before and after that space end and start the two sentences), the document is matched
    whole.
    """
    before, after, longest = _alias_halves()
    offset, shifts = 0, []
    for k, text in enumerate(texts):
        shifts.append(offset)
        end = offset + len(text)  # the joining space, if a sentence follows
        if k + 1 < len(texts) and after.match(doc_text, end + 1) and _ends_with(before, doc_text, end, longest):
            return match_actors(doc_text)
        offset = end + 1
    return [dict(m, start=m["start"] + shift, end=m["end"] + shift)
            for shift, mentions in zip(shifts, sentence_mentions) for m in mentions]


def _sentence_cues(doc: list[tuple]) -> list[tuple | None]:
    """The cue of each sentence of one document (its sentences as ``(doc_id, sent_id, text, para_id)``).

    Returns
    -------
    list
        Per sentence, None for a fragment of an interview-turn label or an interviewer's
        question, else ``(speaker, apposition, cue, statement)``; ``statement`` is None where
        it is the longest quote or else the sentence itself.
    """
    texts = [r[2] for r in doc]
    # an interview turn opens with a label and a colon
    turns = find_interview_turns([r[3] for r in doc], texts) if any(":" in t for t in texts) else {}
    cues: list[tuple | None] = []
    offset, last_para = 0, None
    for _, _, text, para in doc:
        offset = 0 if para != last_para else offset
        last_para, start, offset = para, offset, offset + len(text) + 1
        if para not in turns:
            cues.append((*_find_speaker(text), None))
            continue
        label, turn_start, interviewer = turns[para]
        if start + len(text) <= turn_start or interviewer:
            cues.append(None)  # a fragment of the turn label ("Dr."), or the interviewer's question
        else:
            cues.append((label, "", "turn", text[max(0, turn_start - start):]))
    return cues


def _needs_mentions(cues: list[tuple | None]) -> bool:
    """Whether the actor mentions of a document's sentences can change its voices.

    They are read for a pronoun speaker (its antecedent), for a one-word speaker that is no
    known actor (:func:`_resolve_surname`) and for a speaker naming no actor whose name ends
    in a capitalised word (the document's people, :func:`resolve_speaker`).
    """
    return any(c is not None and c[2] and c[0] and _reads_mentions(c[0]) for c in cues)


def _reads_mentions(speaker: str) -> bool:
    """Whether resolving a speaker phrase found in a sentence reads the document's mentions."""
    if speaker.lower() in _PRONOUNS:
        return True
    if _speaking_actor(speaker) is not None:
        return False
    words = _plain_name(speaker).split()
    return " " not in speaker or bool(words and words[-1][:1].isupper())


def _document_voices(doc: list[tuple], cues: list[tuple | None], mentions: list[list[dict]] | None,
                     stance: dict) -> list[dict]:
    """The voices of one document: its sentences as ``(doc_id, sent_id, text, para_id)``, their
    :func:`_sentence_cues` and actor mentions (None when :func:`_needs_mentions` says no)."""
    texts = [r[2] for r in doc]
    doc_text = " ".join(texts)
    known = mentions is not None
    doc_mentions = None
    people: dict[str, str] = {}
    rows = []
    last_subject = ""
    for k, ((doc_id, sent_id, text, _), found) in enumerate(zip(doc, cues)):
        if found is None:
            continue
        speaker, app, cue, statement = found
        persons = [a for a in mentions[k] if a["type"] == "person"] if known else []
        if speaker.lower() in _PRONOUNS:
            here = [a["surface"] for a in persons if a["start"] < text.lower().find(speaker.lower() + " ")]
            speaker = (here[0] if here else last_subject) or speaker
        if not cue:
            last_subject = persons[0]["surface"] if persons else last_subject
            continue
        if statement is None:
            statement = _longest_quote(text) or text
        if speaker and doc_mentions is None and known:  # once per document, when needed
            doc_mentions = _document_mentions(texts, doc_text, mentions)
            people = _people(doc_text, doc_mentions)
        speaker = resolve_speaker(_resolve_surname(speaker, doc_text, doc_mentions), people) if speaker else ""
        # a named speaker is the likeliest antecedent of the next "he" / "she"
        named = speaker and speaker.lower() not in _PRONOUNS and any(w[:1].isupper() for w in speaker.split())
        last_subject = speaker if named else (persons[0]["surface"] if persons else last_subject)
        role, country = _describe(speaker, app, doc_text) if speaker else ("unknown", "unknown")
        rows.append({"doc_id": doc_id, "sent_id": sent_id, "speaker": speaker or "unnamed",
                     "role": role, "country": country, "cue": cue,
                     "statement": statement.strip(),
                     "stance": float(stance.get((doc_id, sent_id), np.nan))})
    return rows


def extract_voices(sentences: pd.DataFrame, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quotations and attributed statements as a sources table.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` and, when present, ``para_id`` (interview
        turns then carry over to the rest of the paragraph).
    scores : DataFrame, optional
        Output of :func:`sinojp.measures.stance.score_sentences`; its ``relations_stance``
        becomes the statement's ``stance`` (missing when not given).

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, speaker, role, country, cue, statement, stance``;
        cue in ``turn, according_to, said, quote``.
    """
    stance = ({} if scores is None else
              dict(zip(zip(scores["doc_id"], scores["sent_id"]), scores["relations_stance"])))
    sents = sentences.sort_values(["doc_id", "sent_id"], kind="mergesort")
    if "para_id" not in sents:
        sents = sents.assign(para_id=sents["sent_id"])
    records = zip(sents["doc_id"].tolist(), sents["sent_id"].tolist(), sents["text"].astype(str).tolist(),
                  sents["para_id"].tolist())
    docs = [list(doc) for _, doc in groupby(records, key=itemgetter(0))]
    cues = [_sentence_cues(doc) for doc in docs]
    needed = [_needs_mentions(c) for c in cues]
    # each sentence of the documents that need them once; a document's mentions come from them
    found = iter(match_actors_many([r[2] for doc, need in zip(docs, needed) if need for r in doc]))
    rows = []
    for doc, doc_cues, need in zip(docs, cues, needed):
        mentions = [next(found) for _ in doc] if need else None
        rows.extend(_document_voices(doc, doc_cues, mentions, stance))
    return pd.DataFrame(rows, columns=VOICE_COLUMNS)


def tabulate_voices(voices: pd.DataFrame, documents: pd.DataFrame, by: str = "outlet_origin",
                    column: str = "country") -> pd.DataFrame:
    """Count voices per group of documents and speaker attribute.

    Parameters
    ----------
    voices : DataFrame from :func:`extract_voices`.
    documents : DataFrame with ``doc_id`` and the ``by`` column.
    by : grouping column of ``documents`` (``outlet_origin``, ``doc_id``, ``period``...).
    column : speaker attribute to cross-tabulate (``country`` or ``role``).

    Returns
    -------
    DataFrame
        One row per group, one column per attribute value (counts of
        statements) and ``total``; groups without voices show zeros.
    """
    docs = documents[["doc_id"] + ([by] if by != "doc_id" else [])].copy()
    docs[by] = docs[by].fillna("").replace("", "unknown")
    merged = voices.merge(docs, on="doc_id", how="left")
    table = pd.crosstab(merged[by], merged[column])
    table = table.reindex(sorted(set(docs[by]) | set(table.index))).fillna(0).astype(int)
    table = table[sorted(table.columns)]
    table["total"] = table.sum(axis=1)
    table.index.name = by
    table.columns.name = None
    return table
