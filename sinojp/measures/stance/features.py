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

from sinojp.measures.actors import detect_targets, detect_targets_many, load_rules
from sinojp.measures.stance.lexicon import score_lexicon_many
from sinojp.measures.stance.vader import score_vader
from sinojp.measures.voices import find_interview_turns, find_quotations, is_attributed
from sinojp.text.textmatch import TextIndex

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


def _lexicon_parts(score: float, evidence: list[str]) -> tuple[float, float, float, int, int, list[str]]:
    """Lexicon score, tanh of positive / negative contributions, hit counts, evidence items."""
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
    index = TextIndex([str(t) for t in texts])
    return _sentence_features(index, detect_targets_many(index), sent_ids, in_turn)


def _lexicon_columns(index: TextIndex, is_us: np.ndarray) -> tuple[dict[str, np.ndarray], list[list[str]]]:
    """The lexicon block (relations for every sentence, us for US sentences) and the evidence items."""
    rel = [_lexicon_parts(*r) for r in score_lexicon_many(index, "relations")]
    us_rows = np.flatnonzero(is_us).tolist()
    us = score_lexicon_many(index, "us", among=us_rows)
    u_parts = np.zeros((len(index), 3))
    for i in us_rows:
        u_parts[i] = _lexicon_parts(*us[i])[:3]
    r_score, r_pos, r_neg, r_npos, r_nneg = (np.array([r[k] for r in rel], dtype=float).reshape(len(index))
                                             for k in range(5))
    cols = {"lex_rel_score": r_score, "lex_rel_pos": r_pos, "lex_rel_neg": r_neg,
            "lex_rel_npos": np.minimum(r_npos, 3) / 3, "lex_rel_nneg": np.minimum(r_nneg, 3) / 3,
            "lex_us_score": u_parts[:, 0], "lex_us_pos": u_parts[:, 1], "lex_us_neg": u_parts[:, 2]}
    evidence = [[f"relations: {e}" for e in r[5]] + [f"us: {e}" for e in u[1]] for r, u in zip(rel, us)]
    return cols, evidence


def _role_counts(index: TextIndex, pattern: re.Pattern, rows: np.ndarray) -> np.ndarray:
    """min(matches, 3) / 3 of a pattern in the sentences ``rows`` (a mask), 0 elsewhere."""
    out = np.zeros(len(index))
    for i in index.may_match(pattern).tolist():
        if rows[i]:
            out[i] = min(len(pattern.findall(index.texts[i])), 3) / 3
    return out


def _attribution_columns(texts: list[str], turn: np.ndarray) -> dict[str, np.ndarray]:
    """Reported claim, share inside quotation marks, opens or closes a quotation, interview turn, author voice."""
    quoted = [_quote_share(t) if ('"' in t or "“" in t or "”" in t) else (0.0, 0.0) for t in texts]
    share = np.array([q[0] for q in quoted], dtype=float).reshape(len(texts))
    open_close = np.array([q[1] for q in quoted], dtype=float).reshape(len(texts))
    attributed = np.array([is_attributed(t) for t in texts], dtype=bool).reshape(len(texts)) | turn
    return {"attributed": attributed.astype(float), "quote_share": share, "quote_open_close": open_close,
            "interview_turn": turn.astype(float),
            "author_voice": (~attributed & (share == 0) & (open_close == 0)).astype(float)}


def _sentence_features(index: TextIndex, targets: list[dict], sent_ids: np.ndarray | list[int] | None,
                       in_turn: np.ndarray | list[bool] | None) -> tuple[np.ndarray, list[list[str]]]:
    """:func:`compute_sentence_features` of a chunk's sentences, given their targets (:func:`detect_targets_many`).

    Every pattern runs only on the sentences that hold one of its literals (:class:`TextIndex`).
    """
    texts = index.texts
    n = len(texts)
    sid = np.asarray(sent_ids if sent_ids is not None else np.full(n, 99), dtype=int)
    turn = np.asarray(in_turn if in_turn is not None else np.zeros(n, bool), dtype=bool)
    countries = [set(t["countries"].split("|")) if t["countries"] else set() for t in targets]
    is_us = np.array([t["is_us_target"] for t in targets], dtype=bool).reshape(n) | index.search(US_EXTRA)
    cols, evidence = _lexicon_columns(index, is_us)
    cols["us_role_pos"] = _role_counts(index, US_ROLE_POS, is_us)
    cols["us_role_neg"] = _role_counts(index, US_ROLE_NEG, is_us)
    cols["vader"] = np.array([score_vader(t) for t in texts], dtype=float).reshape(n)
    cols.update({k: index.search(rx).astype(float) for k, rx in rule_regexes().items()})
    cols.update(_attribution_columns(texts, turn))
    cols.update({
        "rel_relevance": np.array([t["relations_relevance"] for t in targets], dtype=float).reshape(n),
        "bilateral": index.search(BILATERAL).astype(float),
        "mentions_cn": np.array([float("CN" in c) for c in countries]).reshape(n),
        "mentions_jp": np.array([float("JP" in c) for c in countries]).reshape(n),
        "mentions_tw": np.array([float("TW" in c) for c in countries]).reshape(n),
        "us_target": is_us.astype(float), "trump": index.search(TRUMP).astype(float),
    })
    cue = {k: index.search(rx).astype(float) for k, rx in CUE_REGEXES.items()}
    background = np.maximum.reduce([cue["t_past_perfect"], cue["t_ago"], cue["t_since_year"], cue["t_background"]])
    cols.update(cue)
    cols.update({
        "neg_x_background": cols["lex_rel_neg"] * background,
        "pos_x_resume": cols["lex_rel_pos"] * np.maximum(cue["t_resume"], cue["t_first_since"]),
        "neg_x_past_perfect": cols["lex_rel_neg"] * cue["t_past_perfect"],
        "lead": (sid < 3).astype(float), "first": (sid == 0).astype(float),
    })
    X = np.column_stack([cols[k] for k in SENTENCE_FEATURE_NAMES]) if n else np.zeros((0, len(SENTENCE_FEATURE_NAMES)))
    return X, evidence


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


def build_feature_table(sentences: pd.DataFrame, *, index: TextIndex | None = None,
                        targets: list[dict] | None = None) -> pd.DataFrame:
    """Every feature of the learned stance model for a sentence table.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` and optionally ``para_id`` (interview turns are found only with it).
    index, targets : optional
        The texts' :class:`TextIndex` and their detected targets, when the caller has them already
        (they are built from ``sentences`` otherwise).

    Returns
    -------
    DataFrame
        The input columns (index reset, rows in the input order), one column per name of
        :data:`FEATURE_NAMES` and ``lexicon_evidence`` (the lexicon's evidence items, ``; ``-joined).
    """
    s = sentences.reset_index(drop=True)
    turn = find_interview_sentences(s)
    index = index if index is not None else TextIndex(s["text"].astype(str).tolist())
    targets = targets if targets is not None else detect_targets_many(index)
    X, ev = _sentence_features(index, targets, s["sent_id"].to_numpy(), turn)
    out = pd.concat([s, pd.DataFrame(X, columns=SENTENCE_FEATURE_NAMES)], axis=1)
    out = pd.concat([out, compute_context_features(out)], axis=1)
    out["lexicon_evidence"] = ["; ".join(e) for e in ev]
    return out
