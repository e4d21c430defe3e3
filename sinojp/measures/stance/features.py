"""Sentence features of the learned stance model: lexicon, rules, targets, attribution, time cues, context.

Every feature is a number in [-1, 1] (flags 0/1, clipped counts divided by their cap, tanh-squashed
sums), so the dense block can be appended to TF-IDF n-grams without a fitted scaler and a JSON model
needs only the feature names (:data:`FEATURE_NAMES`) to rebuild it.

Blocks
------
lexicon      the lexicon model's sentence scores (relations, us), its positive / negative contributions
             and hit counts, VADER's compound.
rules        negation, hedge, contrast ("but" / "however") and concessive ("despite" / "although") flags,
             from ``resources/stance_rules.yaml``.
attribution  reported claim (:func:`sinojp.measures.voices.is_attributed`), share of the sentence inside
             quotation marks, a sentence that opens or closes a quotation, interview turn.
target       China–Japan relevance (:func:`sinojp.measures.actors.detect_targets`), bilateral
             construction, China / Japan / Taiwan / US / Trump mentions (:func:`is_us_sentence`).
time         cues that tell the current trajectory from background ("resumed", "for the first time
             since", "years ago", past perfect, "amid", ...) and their interactions with the lexicon.
position     the lead (first three sentences) and the first sentence.
context      the document around the sentence (:func:`compute_context_features`).

Ported from the stance research (``research/stance/features.py``); the values are the same.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from sinojp.measures.actors import detect_targets, load_rules
from sinojp.measures.stance.lexicon import score_lexicon_sentence
from sinojp.measures.stance.vader import score_vader
from sinojp.measures.voices import find_interview_turns, find_quotations, is_attributed

# ----------------------------------------------------------------------------- targets

#: US references the gazetteer misses (it has the country, capital, institutions and a few people)
US_EXTRA = re.compile(
    r"(?<![\w-])(?:americans?|u\.?s\.?-led|us-led|ambassador\s+glass|glass\s+(?:said|told|pledged|added|stressed)"
    r"|bessent|lutnick|greer|vance|colby|landau|uncle\s+sam|oval\s+office|mar-a-lago|maga"
    r"|washington['’]s|the\s+americans|trump['’]s|biden['’]s)(?![\w-])", re.IGNORECASE)
#: the codebook's US roles beyond the lexicon: favourable (reliable ally, stabilising) ...
US_ROLE_POS = re.compile(
    r"(?<![\w-])(?:allian\w*|ally|allies|allied|stand(?:s|ing)? (?:by|with)|stood by|support\w*|commit\w*"
    r"|golden age|welcom\w*|prais\w*|deter\w*|security treaty|article (?:5|v)|defend\w*|partnership|reassur\w*"
    r"|ironclad|unwavering|reliab\w*|stabili[sz]\w*|strengthen\w*|deepen\w*|cooperat\w*|friend\w*|backing)(?![\w-])",
    re.IGNORECASE)
#: ... and critical (destabilising, coercive, unreliable); counted in US-target sentences only
US_ROLE_NEG = re.compile(
    r"(?<![\w-])(?:silen\w*|abandon\w*|tariff\w*|pressur\w*|demand\w*|coerc\w*|uncertain\w*|unpredictab\w*"
    r"|burden\w*|hegemon\w*|provo\w*|interfer\w*|instigat\w*|manipulat\w*|cold war|containment|contain"
    r"|frustrat\w*|bully\w*|protectionis\w*|unilateral\w*|disrupt\w*|turbulen\w*|destabili[sz]\w*"
    r"|unreliab\w*|transactional|erratic|chaos|chaotic|pawn|proxy|cannon fodder|meddl\w*|double standard\w*)(?![\w-])",
    re.IGNORECASE)
TRUMP = re.compile(r"(?<![\w-])trump", re.IGNORECASE)
BILATERAL = re.compile(
    r"(?<![\w-])(?:sino-japanese|sino-japan|china-japan|japan-china|chinese-japanese|japanese-chinese"
    r"|bilateral|both (?:countries|nations|sides)|the two (?:countries|nations|sides|neighbou?rs)"
    r"|tokyo and beijing|beijing and tokyo)(?![\w-])", re.IGNORECASE)
#: a sentence that carries on from a US-target sentence (a pronoun or a quotation opening it) ...
US_CARRY = re.compile(r"^\W*(?:he|his|him|she|her|they|their|the (?:administration|president|us leader"
                      r"|u\.s\. leader|two (?:sides|leaders|allies)|alliance|deal|agreement|pact|envoy|ambassador"
                      r"|secretary))\b|^\W*[“\"]", re.IGNORECASE)
#: ... or names the US trade weapons this coverage attributes to Washington
US_TRADE = re.compile(r"(?<![\w-])(?:tariffs?|protectionis\w*|reciprocal tariffs?|trade deal)(?![\w-])", re.IGNORECASE)


def is_us_sentence(text: str) -> bool:
    """True when a sentence names the United States / Trump (gazetteer, rule terms, :data:`US_EXTRA`).

    Parameters
    ----------
    text : str
        One sentence.

    Returns
    -------
    bool
    """
    return bool(detect_targets(text)["is_us_target"] or US_EXTRA.search(text))


# ----------------------------------------------------------------------------- cues

CUES: dict[str, str] = {
    # trajectory now: things that (re)start, for the first time in a while
    "t_resume": r"resum\w*|restor\w*|reinstat\w*|reopen\w*|restart\w*|reviv\w*|rebuil\w*|return(?:ed|s)? to"
                r"|back on track|lift(?:ed|s|ing)? (?:the|its|a) \w*\s*ban|get (?:back|relations back)",
    "t_first_since": r"for the first time (?:in|since)|first \w+ (?:in|since) \d+|(?:the )?first (?:\w+ ){0,4}"
                     r"(?:in|since) (?:\w+ ){0,2}(?:years?|months?|decades?)|in (?:\d+|two|three|four|five|six|"
                     r"seven|eight|nine|ten|several|many) (?:years|months)|after (?:a |an )?(?:\w+ )?"
                     r"(?:hiatus|pause|gap|suspension|break|freeze)",
    "t_again": r"again|once more|anew|re-\w+",
    "t_recent": r"in recent (?:years|months|weeks|days)|recently|lately|of late|in recent",
    "t_past_perfect": r"had (?:been|\w+ed|\w+en|become|grown|fallen|sunk|hit|risen|seen|taken|brought|made|led)",
    "t_since_year": r"since (?:19|20)\d\d|since (?:the )?(?:\w+ )?(?:years?|pandemic|covid|incident|row|dispute)",
    "t_year": r"(?:19|20)\d\d",
    "t_ago": r"years? ago|decades? ago|months ago|in the past|previously|once again|long-(?:stalled|strained|frosty)"
             r"|historically|for years|for decades|over the years|then-\w+|former",
    "t_now": r"now|today|this (?:week|month|year)|currently|at present|on (?:monday|tuesday|wednesday|thursday|friday"
             r"|saturday|sunday)|latest|ongoing",
    "t_future": r"will|plans? to|aims? to|is to|are to|set to|expected to|intends? to|next (?:year|month|week)"
                r"|upcoming",
    "t_background": r"amid|despite|in spite of|although|though|following|after years of|against (?:a|the) backdrop"
                    r"|in the wake of|since then",
}
CUE_REGEXES = {k: re.compile(rf"(?<![\w-])(?:{v})(?![\w-])", re.IGNORECASE) for k, v in CUES.items()}


@lru_cache(maxsize=1)
def rule_regexes() -> dict[str, re.Pattern]:
    """Negation, hedge, contrast and concessive markers of ``stance_rules.yaml`` as regular expressions.

    Returns
    -------
    dict of str to Pattern
        ``negation``, ``hedge``, ``contrast``, ``concessive``.
    """
    r = load_rules()

    def rx(words: list[str]) -> re.Pattern:
        alts = sorted({w.lower() for w in words}, key=lambda w: (-len(w), w))
        body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alts)
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])|n['’]t\b", re.IGNORECASE)

    return {"negation": rx([w for w in r["negators"] if w != "n't"]), "hedge": rx(r["hedges"]),
            "contrast": rx(r["contrast_after"]), "concessive": rx(r["contrast_concessive"])}


# ----------------------------------------------------------------------------- sentence features

SENTENCE_FEATURE_NAMES: list[str] = [
    # lexicon
    "lex_rel_score", "lex_rel_pos", "lex_rel_neg", "lex_rel_npos", "lex_rel_nneg",
    "lex_us_score", "lex_us_pos", "lex_us_neg", "us_role_pos", "us_role_neg", "vader",
    # rules
    "negation", "hedge", "contrast", "concessive",
    # attribution
    "attributed", "quote_share", "quote_open_close", "interview_turn", "author_voice",
    # targets
    "rel_relevance", "bilateral", "mentions_cn", "mentions_jp", "mentions_tw", "us_target", "trump",
    # time cues
    *list(CUES), "neg_x_background", "pos_x_resume", "neg_x_past_perfect",
    # position
    "lead", "first",
]
#: document-context features (over each document's sentences in sent_id order)
CONTEXT_NAMES: list[str] = ["ctx_doc_lex_mean", "ctx_doc_neg_share", "ctx_doc_pos_share", "ctx_prev_lex",
                            "ctx_next_lex", "ctx_doc_vader_mean", "ctx_doc_us_share", "us_target_ext",
                            "ctx_prev_us"]
#: every feature a model may use: the sentence features, then the context features
FEATURE_NAMES: list[str] = SENTENCE_FEATURE_NAMES + CONTEXT_NAMES

_VALUE = re.compile(r"= ([+-]\d+\.\d+)$")


def _lexicon_parts(text: str, dimension: str) -> tuple[float, float, float, int, int, list[str]]:
    """Lexicon score, tanh of positive / negative contributions, hit counts, evidence items."""
    score, evidence = score_lexicon_sentence(text, dimension)
    vals = [float(m.group(1)) for e in evidence if (m := _VALUE.search(e))]
    pos = sum(v for v in vals if v > 0)
    neg = -sum(v for v in vals if v < 0)
    return (float(score), math.tanh(pos / 1.5), math.tanh(neg / 1.5), sum(v > 0 for v in vals),
            sum(v < 0 for v in vals), evidence)


def _quote_share(text: str) -> tuple[float, float]:
    """Share of characters inside quotation marks; 1 when the sentence opens or closes a quote alone."""
    qs = find_quotations(text)
    share = min(1.0, sum(len(q) for q in qs) / max(len(text), 1))
    t = text.strip()
    opens = t[:1] in {'"', "“"} and not qs
    closes = t[-1:] in {'"', "”"} and not qs
    odd = (t.count('"') % 2 == 1) or (t.count("“") != t.count("”"))
    return share, float(opens or closes or odd)


def compute_sentence_features(texts: list[str], sent_ids: np.ndarray | list[int] | None = None,
                              in_turn: np.ndarray | list[bool] | None = None) -> tuple[np.ndarray, list[list[str]]]:
    """Dense features of sentences, in the order of :data:`SENTENCE_FEATURE_NAMES`.

    Parameters
    ----------
    texts : list of str
        Sentence texts.
    sent_ids : array of int, optional
        Position of each sentence in its document (0 = first); without it no sentence is in the lead.
    in_turn : array of bool, optional
        The sentence lies inside an interview turn (:func:`find_interview_sentences`).

    Returns
    -------
    features : ndarray of shape (n, len(SENTENCE_FEATURE_NAMES))
    evidence : list of list of str
        Per sentence, the lexicon evidence items (``relations: ...`` then ``us: ...``).
    """
    n = len(texts)
    sid = np.asarray(sent_ids if sent_ids is not None else np.full(n, 99), dtype=int)
    turn = np.asarray(in_turn if in_turn is not None else np.zeros(n, bool), dtype=bool)
    rules = rule_regexes()
    rows, evid = [], []
    for i, text in enumerate(texts):
        text = str(text)
        tg = detect_targets(text)
        countries = set(tg["countries"].split("|")) if tg["countries"] else set()
        is_us = bool(tg["is_us_target"] or US_EXTRA.search(text))
        r_score, r_pos, r_neg, r_npos, r_nneg, r_ev = _lexicon_parts(text, "relations")
        if is_us:
            u_score, u_pos, u_neg, _, _, u_ev = _lexicon_parts(text, "us")
        else:
            u_score = u_pos = u_neg = 0.0
            u_ev = []
        share, open_close = _quote_share(text)
        attributed = bool(is_attributed(text)) or bool(turn[i])
        cue = {k: float(bool(rx.search(text))) for k, rx in CUE_REGEXES.items()}
        background = max(cue["t_past_perfect"], cue["t_ago"], cue["t_since_year"], cue["t_background"])
        f = {
            "lex_rel_score": r_score, "lex_rel_pos": r_pos, "lex_rel_neg": r_neg,
            "lex_rel_npos": min(r_npos, 3) / 3, "lex_rel_nneg": min(r_nneg, 3) / 3,
            "lex_us_score": u_score, "lex_us_pos": u_pos, "lex_us_neg": u_neg,
            "us_role_pos": min(len(US_ROLE_POS.findall(text)), 3) / 3 if is_us else 0.0,
            "us_role_neg": min(len(US_ROLE_NEG.findall(text)), 3) / 3 if is_us else 0.0,
            "vader": score_vader(text),
            "negation": float(bool(rules["negation"].search(text))), "hedge": float(bool(rules["hedge"].search(text))),
            "contrast": float(bool(rules["contrast"].search(text))),
            "concessive": float(bool(rules["concessive"].search(text))),
            "attributed": float(attributed), "quote_share": share, "quote_open_close": open_close,
            "interview_turn": float(turn[i]), "author_voice": float(not attributed and share == 0 and not open_close),
            "rel_relevance": float(tg["relations_relevance"]), "bilateral": float(bool(BILATERAL.search(text))),
            "mentions_cn": float("CN" in countries), "mentions_jp": float("JP" in countries),
            "mentions_tw": float("TW" in countries), "us_target": float(is_us),
            "trump": float(bool(TRUMP.search(text))),
            **cue,
            "neg_x_background": r_neg * background, "pos_x_resume": r_pos * max(cue["t_resume"], cue["t_first_since"]),
            "neg_x_past_perfect": r_neg * cue["t_past_perfect"],
            "lead": float(sid[i] < 3), "first": float(sid[i] == 0),
        }
        rows.append([f[k] for k in SENTENCE_FEATURE_NAMES])
        evid.append([f"relations: {e}" for e in r_ev] + [f"us: {e}" for e in u_ev])
    return np.asarray(rows, dtype=float).reshape(n, len(SENTENCE_FEATURE_NAMES)), evid


def compute_context_features(table: pd.DataFrame) -> pd.DataFrame:
    """Document context of each sentence, from its document's lexicon scores (nothing fitted).

    Parameters
    ----------
    table : DataFrame
        ``doc_id, sent_id, text, lex_rel_score, vader, us_target`` (as :func:`build_feature_table`
        builds it).

    Returns
    -------
    DataFrame
        :data:`CONTEXT_NAMES` columns on the index of ``table``: the document's mean lexicon score,
        its shares of sentences with a lexicon score below -0.2 and above +0.2, the previous and next
        sentence's lexicon score (0 at the edges), the mean VADER compound, the share of US-target
        sentences; ``us_target_ext`` (a US-target sentence, one that carries on from one, or US trade
        weapons in a document that names the US) and ``ctx_prev_us``.
    """
    t = table.sort_values(["doc_id", "sent_id"], kind="mergesort")
    g = t.groupby("doc_id", sort=False)
    lex = t["lex_rel_score"]
    out = pd.DataFrame(index=t.index)
    out["ctx_doc_lex_mean"] = g["lex_rel_score"].transform("mean")
    out["ctx_doc_neg_share"] = (lex < -0.2).groupby(t["doc_id"], sort=False).transform("mean")
    out["ctx_doc_pos_share"] = (lex > 0.2).groupby(t["doc_id"], sort=False).transform("mean")
    out["ctx_prev_lex"] = g["lex_rel_score"].shift(1).fillna(0.0)
    out["ctx_next_lex"] = g["lex_rel_score"].shift(-1).fillna(0.0)
    out["ctx_doc_vader_mean"] = g["vader"].transform("mean")
    out["ctx_doc_us_share"] = g["us_target"].transform("mean")
    prev_us = g["us_target"].shift(1).fillna(0.0).to_numpy() > 0
    text = t["text"].astype(str) if "text" in t else pd.Series("", index=t.index)
    carry = text.map(lambda x: bool(US_CARRY.search(x))).to_numpy()
    trade = text.map(lambda x: bool(US_TRADE.search(x))).to_numpy()
    doc_us = out["ctx_doc_us_share"].to_numpy() > 0
    out["us_target_ext"] = ((t["us_target"].to_numpy() > 0) | (prev_us & carry) | (trade & doc_us)).astype(float)
    out["ctx_prev_us"] = prev_us.astype(float)
    return out.loc[table.index, CONTEXT_NAMES].astype(float)


def find_interview_sentences(sentences: pd.DataFrame) -> np.ndarray:
    """True for sentences inside interview turns (they report the interviewee's claims).

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, para_id, text`` in document order; without ``para_id`` no sentence is in a turn.

    Returns
    -------
    ndarray of bool
        One flag per row of ``sentences``.
    """
    if "para_id" not in sentences:
        return np.zeros(len(sentences), dtype=bool)
    flags = np.zeros(len(sentences), dtype=bool)
    paras, texts = sentences["para_id"].tolist(), sentences["text"].tolist()
    for idx in sentences.groupby("doc_id", sort=False).indices.values():
        turns = find_interview_turns([paras[i] for i in idx], [texts[i] for i in idx])
        if turns:
            flags[idx] = [paras[i] in turns for i in idx]
    return flags


def build_feature_table(sentences: pd.DataFrame) -> pd.DataFrame:
    """Every feature of the learned stance model for a sentence table.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` and optionally ``para_id`` (interview turns are found only with it).

    Returns
    -------
    DataFrame
        The input columns (index reset, rows in the input order), one column per name of
        :data:`FEATURE_NAMES` and ``lexicon_evidence`` (the lexicon's evidence items, ``; ``-joined).
    """
    s = sentences.reset_index(drop=True)
    turn = find_interview_sentences(s)
    X, ev = compute_sentence_features(s["text"].astype(str).tolist(), s["sent_id"].to_numpy(), turn)
    out = pd.concat([s, pd.DataFrame(X, columns=SENTENCE_FEATURE_NAMES)], axis=1)
    out = pd.concat([out, compute_context_features(out)], axis=1)
    out["lexicon_evidence"] = ["; ".join(e) for e in ev]
    return out
