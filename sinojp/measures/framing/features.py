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

import numpy as np

from sinojp.measures.framing.codebook import list_frames, match_frames

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
    for row, text in enumerate(texts):
        found = match_frames(str(text), codebook) if hits is None else hits[row]
        for frame, _term, weight in {(h["frame"], h["term"], h["weight"]) for h in found}:
            out[row, col[frame]] += weight
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
    out = np.zeros((len(texts), len(TARGETS)))
    for row, text in enumerate(texts):
        text = str(text)
        for j, (key, pattern) in enumerate(_TARGET_RE.items()):
            hit = pattern.search(text) is not None
            if key == "us" and not hit:
                hit = _US_ANY_CASE.search(text) is not None
            out[row, j] = float(hit)
    return out


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
    texts = [str(t) for t in texts]
    lex = score_lexicon(texts, codebook) if lexicon is None else np.asarray(lexicon, dtype=float)
    total = lex.sum(axis=1, keepdims=True)
    share = np.divide(lex, total, out=np.zeros_like(lex), where=total > 0)
    none = (total[:, 0] == 0).astype(float)[:, None] if len(texts) else np.zeros((0, 1))
    n_words = np.array([[np.log1p(len(_WORDS.findall(t)) / 10.0)] for t in texts]).reshape(-1, 1)
    return np.hstack([np.log1p(lex), share, none, find_target_cues(texts), n_words])


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
