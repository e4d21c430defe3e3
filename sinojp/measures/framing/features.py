"""Dense sentence features of the learned frame model: codebook weights and target cues.

The learned model (:mod:`sinojp.measures.framing.learned`) reads word n-grams and these named dense
columns (the ``extra_features`` of its JSON). Every column is a fixed function of the sentence
text, so a stored model needs no scaler:

- ``lex_<frame>``: ``log1p`` of the frame's summed codebook weight in the sentence
  (:func:`~sinojp.measures.framing.codebook.match_frames`; a term counts once per sentence);
- ``lexshare_<frame>``: that frame's part of the sentence's codebook weight (0 when none);
- ``lex_none``: 1 when the sentence has no codebook hit;
- ``tgt_<cue>``: 1 when the sentence names a general target (:data:`TARGETS`: the United States /
  Trump, great-power words, Taiwan, the disputed islands, the military, money or percentages,
  tourism and travel, trade goods, war memory, party politics and elections, harm to citizens,
  meetings and talks) or reports speech;
- ``len_log``: ``log1p`` of the number of words / 10.

The frames, and so the ``lex_*`` columns, come from the codebook file (:func:`list_frames`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sinojp.measures.framing.batch import TextBatch, flag_types
from sinojp.measures.framing.codebook import list_frames, match_frames_batch

#: General target cues (no site- or page-specific names), each a regular expression.
TARGETS: dict[str, str] = {
    "us": r"\b(?:U\.\s?S\.|US|USA|U\.S\.A\.|United States|America|American|Americans|Washington|"
          r"Trump|Biden|White House|Pentagon|Rubio|Hegseth|Blinken|Washington's|America's)\b",
    "great_power": r"\b(?:great[- ]power|superpower|hegemon\w*|balanc\w+|hedg\w+|bloc|"
                   r"Indo-Pacific|Quad|AUKUS|G7|multipolar\w*)\b",
    "taiwan": r"\b(?:Taiwan\w*|Taipei|Lai Ching-te|one-China|One China|reunification)\b",
    "islands": r"\b(?:Senkaku\w*|Diaoyu\w*|East China Sea|South China Sea|islands?|islets?|"
               r"territorial)\b",
    "military": r"\b(?:military|militar\w+|PLA|armed|army|navy|naval|warships?|missiles?|troops|"
                r"defen[cs]e|drills?|exercises|coast guard|aircraft|carriers?|fighter jets?|"
                r"radar|deterren\w+|nuclear|weapons?|survival-threatening|contingenc\w+)\b",
    "money": r"(?:[$¥€£]|\b(?:US\$|USD|yen|yuan|RMB|dollars?|billion|million|trillion|percent|"
             r"per cent|GDP|revenue|profits?|prices?|market|stocks?|shares)\b|\d\s?%)",
    "tourism": r"\b(?:touris\w*|visitors?|travel\w*|flights?|airlines?|trips?|hotels?|"
               r"bookings?|cruise\w*|visa\w*|arrivals)\b",
    "trade": r"\b(?:trade|trading|exports?|imports?|exported|imported|tariffs?|seafood|beef|"
             r"fisheries|supply chains?|rare earths?|investment\w*|investors?|companies|firms?|"
             r"business\w*|econom\w+|industr\w+|manufactur\w+|semiconductors?|chips?)\b",
    "history": r"\b(?:wars?|wartime|militaris\w+|Yasukuni|histor\w+|WWII|World War|Nanjing|"
               r"Nanking|aggression|invasion|colonial\w*|atrocit\w+|surrender|1937|1945|"
               r"apolog\w+|remorse|victims?|nationalis\w+|public opinion|sentiment)\b",
    "party_politics": r"\b(?:elections?|elected|electoral|vote[sd]?|voters?|polls?|LDP|"
                      r"Liberal Democratic|Komeito|Constitutional Democratic|coalition|Diet|"
                      r"parliament\w*|lawmakers?|cabinet|approval rating|opposition|"
                      r"party leader\w*|presidential race|leadership race|resign\w*|campaign\w*)\b",
    "harm": r"\b(?:arrest\w*|detain\w*|detention|detainees?|stabb\w+|attack\w*|killed|"
            r"murder\w*|injur\w+|safety|security of|citizens|nationals|residents|"
            r"travel advisory|advisory|warned? (?:its )?citizens|espionage|spying|sentenced|"
            r"school|child|boy)\b",
    "meeting": r"\b(?:met|meet|meets|meeting|talks|visit\w*|summit\w*|counterparts?|"
               r"foreign ministers?|delegation\w*|dialogue|agreed|agreement|consensus|"
               r"exchange\w*|envoy|ambassador\w*|phone call|bilateral)\b",
    "reported": r"\b(?:said|says|told|according to|stated|added|noted|reported)\b",
}

#: Cues that do not count as frame content (:func:`find_relevant`).
NON_CONTENT_CUES: tuple[str, ...] = ("reported",)

# "US" is matched case-sensitively (not the pronoun "us"); its spelled-out names in any case
_TARGET_RE = {k: re.compile(v, 0 if k == "us" else re.IGNORECASE) for k, v in TARGETS.items()}
_US_ANY_CASE = re.compile(r"\b(?:united states|america|american|americans|washington|trump|biden|"
                          r"white house|pentagon)\b", re.IGNORECASE)
_WORDS = re.compile(r"\w+")


def list_feature_names(codebook: str | None = None) -> list[str]:
    """Names of the dense columns, in column order.

    Parameters
    ----------
    codebook : str, optional
        A codebook CSV to use instead of the packaged one (its frames name the ``lex_*`` columns).

    Returns
    -------
    list of str
        ``lex_<frame>`` and ``lexshare_<frame>`` per codebook frame, ``lex_none``, ``tgt_<cue>``
        per :data:`TARGETS` key, ``len_log``.
    """
    frames = list_frames(codebook)
    return ([f"lex_{f}" for f in frames] + [f"lexshare_{f}" for f in frames] + ["lex_none"]
            + [f"tgt_{k}" for k in TARGETS] + ["len_log"])


def score_lexicon(texts: list[str], codebook: str | None = None, hits: list[list[dict]] | None = None) -> np.ndarray:
    """Codebook weight of every frame per text (a term counts once per text).

    Parameters
    ----------
    texts : list of str
        Sentences.
    codebook : str, optional
        Alternative codebook CSV.
    hits : list of list of dict, optional
        :func:`match_frames` of each text, when already computed.

    Returns
    -------
    ndarray of shape (len(texts), number of frames)
        Columns in :func:`list_frames` order.
    """
    frames = list_frames(codebook)
    col = {f: i for i, f in enumerate(frames)}
    out = np.zeros((len(texts), len(frames)))
    hits = match_frames_batch(texts, codebook) if hits is None else hits
    for row, found in enumerate(hits):
        for frame, _term, weight in {(h["frame"], h["term"], h["weight"]) for h in found}:
            out[row, col[frame]] += weight
    return out


# ---------------------------------------------------------------- target cues over a batch
def _scan(body: str, i: int = 0):
    """Yield ``(index, char, depth)`` of each character of ``body`` from ``i`` that is neither escaped
    nor in a character class; ``depth`` counts the groups open after the character."""
    depth = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(body, i) + 1
            continue
        depth += (c == "(") - (c == ")")
        yield i, c, depth
        i += 1


def _split_alternatives(body: str) -> list[str]:
    """The top-level ``|`` alternatives of a regular expression (groups and classes kept whole)."""
    parts, start = [], 0
    for i, c, depth in _scan(body):
        if c == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    return parts + [body[start:]]


def _class_end(body: str, i: int) -> int:
    """Index of the ``]`` closing the character class opened at ``body[i]``."""
    i += 2 if body[i + 1:i + 2] == "^" else 1
    i += 1 if body[i:i + 1] == "]" else 0
    while body[i] != "]":
        i += 2 if body[i] == "\\" else 1
    return i


def _group_end(body: str, i: int) -> int:
    """Index of the ``)`` closing the group opened at ``body[i]``."""
    for j, c, depth in _scan(body, i):
        if c == ")" and depth == 0:
            return j
    raise ValueError(f"unbalanced group at {i} in {body!r}")


def _atoms(pattern: str) -> list[tuple[str, bool]]:
    """Alternatives whose matches together are the pattern's: ``(alternative, bounded)``.

    ``\\b(?:A|B)\\b`` gives ``(A, True)`` and ``(B, True)`` (each matches between word
    boundaries), ``(?:A|B)`` the atoms of ``A`` and ``B``; anything else is one unbounded atom.
    """
    if pattern.startswith("\\b(?:") and pattern.endswith(")\\b") and _group_end(pattern, 2) == len(pattern) - 3:
        return [(alt, True) for alt in _split_alternatives(pattern[5:-3])]
    if pattern.startswith("(?:") and _group_end(pattern, 0) == len(pattern) - 1:
        return [atom for alt in _split_alternatives(pattern[3:-1]) for atom in _atoms(alt)]
    return [(pattern, False)]


#: an alternative that can only match word characters: letters, digits, ``\\w``, classes of them
_WORD_ONLY = re.compile(r"(?:[A-Za-z0-9_]|\\w|\[[A-Za-z0-9_]+\]|[?*+])+")
#: letters and digits matched literally at the start of an alternative
_LEAD = re.compile(r"[A-Za-z0-9_]+")
#: what can follow them that is surely no word character: an escaped or plain punctuation
#: mark or space, white space, or a class of such marks
_NON_WORD_NEXT = re.compile(r"\\[^A-Za-z0-9_]|\\s|[ '’,;:/&-]|\[(?:-?[ '’.,;:/&]+-?)\]")


def _lead(alternative: str) -> str:
    """A regex for the token (run of word characters) that every match of a bounded alternative
    starts with: its leading letters, followed by more word characters unless a non-word
    character surely follows them (empty when the alternative does not start with letters)."""
    found = _LEAD.match(alternative)
    if not found:
        return ""
    lead, rest = found.group(0), alternative[found.end():]
    if rest[:1] in ("?", "*", "+", "{"):  # the last letter is optional or repeated
        lead = lead[:-1]
        return lead + r"\w*" if lead else ""
    return lead if _NON_WORD_NEXT.match(rest) else lead + r"\w*"


@dataclass(frozen=True)
class _CueMatcher:
    """One cue pattern split by how its alternatives are found in a batch of texts.

    Attributes
    ----------
    words : re.Pattern or None
        Alternatives of word characters only: they match whole tokens (runs of word characters).
    leads : re.Pattern or None
        The token that a match of one of the other bounded alternatives starts with.
    rest : re.Pattern or None
        Those alternatives, searched in the texts with a token that ``leads`` matches.
    free : tuple of re.Pattern
        Alternatives without word boundaries, each searched in the joined texts.
    """

    words: re.Pattern[str] | None
    leads: re.Pattern[str] | None
    rest: re.Pattern[str] | None
    free: tuple[re.Pattern[str], ...]

    @classmethod
    def build(cls, pattern: str, flags: int) -> "_CueMatcher":
        """Split ``pattern`` (compiled with ``flags``) into its kinds of alternatives."""
        words, leads, rest, free = [], [], [], []
        for alt, bounded in _atoms(pattern):
            if bounded and _WORD_ONLY.fullmatch(alt) and not re.fullmatch(alt, "", flags):
                words.append(alt)
            elif bounded and _lead(alt):
                leads.append(_lead(alt))
                rest.append(alt)
            else:
                free.append(re.compile(rf"\b(?:{alt})\b" if bounded else alt, flags))

        def join(parts: list[str], before: str = "(?:", after: str = ")") -> re.Pattern[str] | None:
            return re.compile(before + "|".join(parts) + after, flags) if parts else None

        return cls(join(words), join(leads), join(rest, r"\b(?:", r")\b"), tuple(free))

    def flag_rows(self, batch: TextBatch, hit: np.ndarray) -> None:
        """Set ``hit`` for the texts of ``batch`` where the pattern matches."""
        words = batch.tokens(_WORDS.pattern)
        if self.words is not None:
            hit[words.rows_with(flag_types(self.words, words))] = True
        for free in self.free:
            for m in free.finditer(batch.joined):
                hit[batch.row_at(m.start())] = True
        if self.leads is not None:
            for row in np.unique(words.rows_with(flag_types(self.leads, words))).tolist():
                if not hit[row] and self.rest.search(batch.texts[row]) is not None:
                    hit[row] = True


@lru_cache(maxsize=1)
def _cue_matchers() -> tuple[tuple[_CueMatcher, ...], ...]:
    """Per :data:`TARGETS` key, the matchers whose union is the cue (``us``: either spelling)."""
    out = []
    for key, regex in _TARGET_RE.items():
        regexes = [regex, _US_ANY_CASE] if key == "us" else [regex]
        out.append(tuple(_CueMatcher.build(r.pattern, r.flags) for r in regexes))
    return tuple(out)


def _target_cues(batch: TextBatch) -> np.ndarray:
    """:func:`find_target_cues` of a batch."""
    out = np.zeros((len(batch), len(TARGETS)))
    for j, matchers in enumerate(_cue_matchers()):
        hit = np.zeros(len(batch), dtype=bool)
        for matcher in matchers:
            matcher.flag_rows(batch, hit)
        out[:, j] = hit
    return out


def find_target_cues(texts: list[str]) -> np.ndarray:
    """Binary target cues per text.

    Parameters
    ----------
    texts : list of str
        Sentences.

    Returns
    -------
    ndarray of shape (len(texts), len(TARGETS))
        1.0 where the text names the target, columns in :data:`TARGETS` order.
    """
    return _target_cues(TextBatch(texts))


def _word_counts(batch: TextBatch) -> np.ndarray:
    """``log1p`` of each text's number of words / 10, as a column."""
    counts = np.bincount(batch.tokens(_WORDS.pattern).rows, minlength=len(batch))
    # np.log1p of each count as a Python number, as the per-sentence code computed it
    logs = {int(c): np.log1p(int(c) / 10.0) for c in np.unique(counts)}
    return np.array([logs[c] for c in counts.tolist()], dtype=float).reshape(-1, 1)


def dense_features(batch: TextBatch, lexicon: np.ndarray | None = None, codebook: str | None = None) -> np.ndarray:
    """:func:`compute_dense_features` of a :class:`~sinojp.measures.framing.batch.TextBatch`."""
    lex = (score_lexicon(batch.texts, codebook, match_frames_batch(batch, codebook)) if lexicon is None
           else np.asarray(lexicon, dtype=float))
    total = lex.sum(axis=1, keepdims=True)
    share = np.divide(lex, total, out=np.zeros_like(lex), where=total > 0)
    none = (total[:, 0] == 0).astype(float)[:, None] if len(batch) else np.zeros((0, 1))
    return np.hstack([np.log1p(lex), share, none, _target_cues(batch), _word_counts(batch)])


def compute_dense_features(texts: list[str], lexicon: np.ndarray | None = None,
                           codebook: str | None = None) -> np.ndarray:
    """All dense columns of :func:`list_feature_names` for some texts.

    Parameters
    ----------
    texts : list of str
        Sentences.
    lexicon : ndarray, optional
        Precomputed :func:`score_lexicon` of the same texts.
    codebook : str, optional
        Alternative codebook CSV.

    Returns
    -------
    ndarray of shape (len(texts), len(list_feature_names()))
    """
    return dense_features(TextBatch(texts), lexicon, codebook)


def find_relevant(dense: np.ndarray, codebook: str | None = None) -> np.ndarray:
    """Sentences with frame content: a codebook hit or a target cue (reported speech aside).

    Page furniture, datelines and cookie notices have neither, so they do not take the lead
    places of a document (:mod:`sinojp.measures.framing.pooling`).

    Parameters
    ----------
    dense : ndarray
        :func:`compute_dense_features` rows.
    codebook : str, optional
        The codebook the rows were computed with.

    Returns
    -------
    ndarray of bool, one per row
    """
    names = list_feature_names(codebook)
    dense = np.asarray(dense, dtype=float).reshape(-1, len(names))
    cues = [names.index(f"tgt_{k}") for k in TARGETS if k not in NON_CONTENT_CUES]
    return (dense[:, names.index("lex_none")] == 0) | (dense[:, cues].sum(axis=1) > 0)
