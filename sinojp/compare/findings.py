"""Findings in words: every sentence that states a number or a direction is generated from a table.

Each ``describe_*`` function takes the tables of a run (and, where it matters, the held-out
validation of the measure behind them) and returns a short paragraph; the figures it quotes are
those of the table its ``tabulate_*`` partner returns, so a test can recompute every one, and a
findings notebook stays true when it is rerun on another corpus. Group comparisons come from
:func:`sinojp.compare.estimate_effects` (errors clustered by outlet, pieces of one page together);
groups with fewer than :data:`MIN_GROUP` independent sources are named but not compared, and a
finding that rests on a measure which missed its validation goal says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sinojp.compare.effects import estimate_effects

MIN_GROUP = 3
PERIODS = ("thaw", "middle", "crisis")


def _fmt(x: float) -> str:
    return f"{x:+.2f}"


def _n(n: int, noun: str = "document") -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _interval(row: pd.Series) -> str:
    return f"{_fmt(row['estimate'])} [{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]"


def _tone(value: float, positive: str, negative: str, neutral: str) -> str:
    return positive if value > 0.1 else negative if value < -0.1 else neutral


def source_of(documents: pd.DataFrame) -> pd.Series:
    """The page each document comes from: pieces of one stitched page share it."""
    return documents["doc_id"].astype(str).str.split("#").str[0]


# --------------------------------------------------------------------------------------------
# What the corpus can answer
# --------------------------------------------------------------------------------------------

def tabulate_corpus(documents: pd.DataFrame, factors: tuple[str, ...] = ("period", "outlet_origin")) -> pd.DataFrame:
    """Documents, independent sources and outlets in each group of each factor.

    Parameters
    ----------
    documents : DataFrame
        One row per document with ``doc_id``, ``outlet`` and the ``factors`` columns.
    factors : tuple of str
        Grouping columns.

    Returns
    -------
    DataFrame
        ``factor, level, n_docs, n_sources, n_outlets`` (empty values are the level ``unknown``); a
        source is a page, so the pieces of a stitched page count once.
    """
    rows = []
    docs = documents.assign(_source=source_of(documents))
    outlet = docs["outlet"].fillna("").astype(str) if "outlet" in docs else pd.Series("", index=docs.index)
    docs = docs.assign(_outlet=outlet.where(outlet != "", docs["_source"]))
    for f in factors:
        values = docs[f].fillna("").astype(str).replace("", "unknown") if f in docs else pd.Series("unknown", docs.index)
        for level, group in docs.groupby(values, sort=True):
            rows.append({"factor": f, "level": level, "n_docs": len(group), "n_sources": group["_source"].nunique(),
                         "n_outlets": group["_outlet"].nunique()})
    return pd.DataFrame(rows, columns=["factor", "level", "n_docs", "n_sources", "n_outlets"])


def comparable_levels(corpus: pd.DataFrame, factor: str) -> list[str]:
    """The levels of a factor with at least :data:`MIN_GROUP` independent sources (``unknown`` never).

    Parameters
    ----------
    corpus : DataFrame
        :func:`tabulate_corpus` output.
    factor : str

    Returns
    -------
    list of str
    """
    rows = corpus[(corpus["factor"] == factor) & (corpus["level"] != "unknown") & (corpus["n_sources"] >= MIN_GROUP)]
    return rows["level"].tolist()


def describe_corpus(documents: pd.DataFrame) -> str:
    """What the corpus can and cannot answer: its periods and origins and their independent sources.

    Parameters
    ----------
    documents : DataFrame
        One row per document (``doc_id, outlet, period, outlet_origin``).

    Returns
    -------
    str
    """
    corpus = tabulate_corpus(documents)
    n_sources = source_of(documents).nunique()
    parts = [f"The corpus holds {_n(len(documents))} from {_n(n_sources, 'independent source')} (pieces of one "
             "stitched page count as one source)."]
    for factor, name in (("period", "period"), ("outlet_origin", "outlet origin")):
        rows = corpus[corpus["factor"] == factor]
        listing = "; ".join(f"{r.level}: {_n(r.n_docs)}, {_n(r.n_sources, 'source')}" for r in rows.itertuples())
        parts.append(f"By {name}: {listing}.")
    periods = comparable_levels(corpus, "period")
    origins = comparable_levels(corpus, "outlet_origin")
    can, cannot = [], []
    (can if len(origins) >= 2 else cannot).append("differences by outlet origin (research questions 1 and 2)")
    (can if len(periods) >= 2 else cannot).append("differences by period")
    (can if {"thaw", "crisis"} <= set(periods) else cannot).append("the framing shift from the thaw to the crisis "
                                                                   "(research question 3)")
    if can:
        parts.append(f"With at least {MIN_GROUP} independent sources per group it can answer: {'; '.join(can)}.")
    if cannot:
        parts.append(f"It cannot answer: {'; '.join(cannot)}; groups below {MIN_GROUP} sources are described, "
                     "not compared.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Stance (research question 1)
# --------------------------------------------------------------------------------------------

def tabulate_stance(documents: pd.DataFrame, by: str, measure: str = "relations_stance") -> pd.DataFrame:
    """Plain mean of a stance per group, over the documents with evidence, and how many had none.

    Parameters
    ----------
    documents : DataFrame
        ``doc_id``, ``by`` and the stance column (NaN where a document has no stance evidence).
    by : str
        The grouping column.
    measure : str
        ``relations_stance`` or ``us_stance``.

    Returns
    -------
    DataFrame
        Indexed by group: ``n_docs, n_with_evidence, mean`` (3 decimals; NaN when no document of the
        group has evidence).
    """
    docs = documents.assign(**{by: documents[by].fillna("").astype(str).replace("", "unknown")})
    values = pd.to_numeric(docs[measure], errors="coerce")
    table = pd.DataFrame({"n_docs": docs.groupby(by, sort=True).size(),
                          "n_with_evidence": values.notna().groupby(docs[by], sort=True).sum().astype(int),
                          "mean": values.groupby(docs[by], sort=True).mean()})
    return table.round(3)


def describe_stance(documents: pd.DataFrame, measure: str = "relations_stance",
                    validation: pd.DataFrame | None = None) -> str:
    """How the coverage portrays relations (or the US role), overall and by origin and period.

    Group differences are the adjusted means of :func:`sinojp.compare.estimate_effects` (both
    factors in one model, errors clustered by outlet) for groups with enough independent sources.

    Parameters
    ----------
    documents : DataFrame
        One row per document with ``measure``, ``period``, ``outlet_origin``, ``outlet``.
    measure : str
        ``relations_stance`` or ``us_stance``.
    validation : DataFrame, optional
        The held-out validation summary (:func:`sinojp.pipeline.load_validation`); its figures for
        the measure are quoted and a missed goal is said.

    Returns
    -------
    str
    """
    subject = "China-Japan relations" if measure == "relations_stance" else "the role of the United States"
    values = pd.to_numeric(documents[measure], errors="coerce")
    n_ev = int(values.notna().sum())
    if n_ev == 0:
        return f"No document carries evidence on {subject}, so no stance towards it is reported."
    overall = float(values.mean())
    words = (("improving or cooperative", "deteriorating or conflictual", "mixed or neutral")
             if measure == "relations_stance" else ("favourable", "critical", "neither favourable nor critical"))
    parts = [f"Of {_n(len(documents))}, {n_ev} carry evidence on {subject} ({len(documents) - n_ev} have none and "
             f"are left out, not counted as neutral). Their mean {measure} is {_fmt(overall)}: on balance "
             f"{_tone(overall, *words)}."]
    corpus = tabulate_corpus(documents[values.notna()])
    kept = documents[values.notna()]
    factors = tuple(f for f in ("outlet_origin", "period") if len(comparable_levels(corpus, f)) >= 2)
    if factors:
        eligible = kept[np.logical_and.reduce([kept[f].isin(comparable_levels(corpus, f)) for f in factors])]
        refs = {"period": "thaw"} if "thaw" in set(eligible.get("period", [])) else None
        contrasts, means = estimate_effects(eligible, measure, factors, references=refs)
        for f in factors:
            m = means[means["factor"] == f].sort_values("estimate", ascending=False)
            if len(m) < 2:
                continue
            listing = "; ".join(f"{r.level} {_interval(r._asdict())} ({_n(int(r.n_docs))})" for r in m.itertuples())
            parts.append(f"By {f.replace('_', ' ')} (adjusted means with 95% intervals, errors clustered by outlet): "
                         f"{listing}.")
            c = contrasts[contrasts["factor"] == f]
            clear = c[(c["ci_low"] > 0) | (c["ci_high"] < 0)]
            if len(clear):
                parts.append("The intervals of these differences exclude zero: " + "; ".join(
                    f"{r.level} {'above' if r.estimate > 0 else 'below'} {r.reference} by {abs(r.estimate):.2f} "
                    f"[{min(abs(r.ci_low), abs(r.ci_high)):.2f}, {max(abs(r.ci_low), abs(r.ci_high)):.2f}]"
                    for r in clear.itertuples()) + ".")
            else:
                parts.append(f"No difference between {f.replace('_', ' ')} groups is clear of zero.")
    thin = [f"{f.replace('_', ' ')}" for f in ("outlet_origin", "period") if f not in factors]
    if thin:
        parts.append(f"Fewer than two groups with {MIN_GROUP} or more independent sources by {' and '.join(thin)}: "
                     "no comparison there.")
    parts.append(_validation_caveat(validation, "relations stance" if measure == "relations_stance" else "US role"))
    return " ".join(p for p in parts if p)


def _validation_caveat(validation: pd.DataFrame | None, area: str) -> str:
    if validation is None or not len(validation):
        return ""
    rows = validation[(validation["area"] == area) & (validation["met"].isin(["yes", "no"]))]
    if not len(rows):
        return ""
    missed = rows[rows["met"] == "no"]
    figures = "; ".join(f"{r.measure} {r.value:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}], n={int(r.n)}"
                        for r in rows.itertuples())
    if len(missed):
        return (f"On held-out sites this measure missed its validation goal ({', '.join(missed['measure'])}); "
                f"read the figures above with that error in mind ({figures}).")
    return f"On held-out sites the measure met its validation goals ({figures})."


# --------------------------------------------------------------------------------------------
# Frames (research question 3)
# --------------------------------------------------------------------------------------------

def tabulate_sentence_frames(sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentences per frame, counted over every framed sentence of the corpus.

    Parameters
    ----------
    sentences : DataFrame
        ``frame`` per sentence (``none`` or empty for unframed sentences).

    Returns
    -------
    DataFrame
        ``frame, n_sentences, share`` (share of framed sentences), largest first.
    """
    frames = sentences["frame"].fillna("").astype(str)
    framed = frames[(frames != "") & (frames != "none")]
    counts = framed.value_counts()
    table = pd.DataFrame({"frame": counts.index, "n_sentences": counts.to_numpy()})
    table["share"] = (table["n_sentences"] / max(1, len(framed))).round(3)
    return table.sort_values(["n_sentences", "frame"], ascending=[False, True]).reset_index(drop=True)


def describe_frames(documents: pd.DataFrame, sentences: pd.DataFrame, validation: pd.DataFrame | None = None) -> str:
    """Which frames dominate: primary frames of documents, and frames counted over sentences.

    Parameters
    ----------
    documents : DataFrame
        ``primary_frame`` per document.
    sentences : DataFrame
        ``frame`` per sentence.
    validation : DataFrame, optional
        The held-out validation summary.

    Returns
    -------
    str
    """
    counts = documents["primary_frame"].fillna("none").value_counts()
    if not len(counts):
        return "No document has a primary frame."
    text = [f"The most common primary frame is {counts.index[0]} ({counts.iloc[0]} of {_n(len(documents))})"
            + ("; then " + ", ".join(f"{f} {c}" for f, c in counts.iloc[1:4].items()) if len(counts) > 1 else "") + "."]
    by_sentence = tabulate_sentence_frames(sentences)
    if len(by_sentence):
        top = by_sentence.iloc[0]
        text.append(f"Counted over sentences, {top['frame']} frames the most ({int(top['n_sentences'])} of "
                    f"{int(by_sentence['n_sentences'].sum())} framed sentences, {top['share']:.0%})"
                    + (f", then {by_sentence.iloc[1]['frame']} ({by_sentence.iloc[1]['share']:.0%})"
                       if len(by_sentence) > 1 else "") + ".")
    text.append(_validation_caveat(validation, "frames"))
    return " ".join(t for t in text if t)


def describe_framing_shift(documents: pd.DataFrame, validation: pd.DataFrame | None = None) -> str:
    """Research question 3: how each frame's share of a document changes from the thaw to the crisis.

    Each frame share is modelled with a fractional logit on period and outlet origin
    (:func:`sinojp.compare.estimate_effects`); the adjusted mean shares of the two periods are
    compared, and only differences whose interval excludes zero are called a shift.

    Parameters
    ----------
    documents : DataFrame
        ``frame_<name>`` share columns, ``period``, ``outlet_origin``, ``outlet``.
    validation : DataFrame, optional
        The held-out validation summary.

    Returns
    -------
    str
    """
    corpus = tabulate_corpus(documents)
    periods = comparable_levels(corpus, "period")
    if not {"thaw", "crisis"} <= set(periods):
        have = ", ".join(f"{r.level} ({_n(r.n_sources, 'source')})" for r in
                         corpus[corpus["factor"] == "period"].itertuples())
        return (f"The framing shift from the thaw to the crisis needs at least {MIN_GROUP} independent sources in "
                f"each of the two periods; this corpus has {have}, so it cannot be measured here.")
    docs = documents[documents["period"].isin(periods)]
    cols = sorted(c for c in documents.columns if c.startswith("frame_"))
    rises, falls, flat = [], [], []
    origins = comparable_levels(tabulate_corpus(docs), "outlet_origin")
    factors = ("period", "outlet_origin") if len(origins) >= 2 else ("period",)
    if len(origins) >= 2:
        docs = docs[docs["outlet_origin"].isin(origins)]
    for col in cols:
        contrasts, means = estimate_effects(docs, col, factors, share=True, references={"period": "thaw"})
        m = means[means["factor"] == "period"].set_index("level")
        c = contrasts[(contrasts["factor"] == "period") & (contrasts["level"] == "crisis")]
        if "thaw" not in m.index or "crisis" not in m.index or not len(c):
            continue
        frame = col[len("frame_"):]
        change = f"{frame} {m.loc['thaw', 'estimate']:.0%} -> {m.loc['crisis', 'estimate']:.0%}"
        if c.iloc[0]["ci_low"] > 0:
            rises.append(change)
        elif c.iloc[0]["ci_high"] < 0:
            falls.append(change)
        else:
            flat.append(frame)
    parts = [f"From the thaw to the crisis (adjusted mean share of a document's frames, {_n(len(docs))}, "
             "fractional logit with errors clustered by outlet):"]
    parts.append("rising clearly: " + ("; ".join(rises) if rises else "none") + ";")
    parts.append("falling clearly: " + ("; ".join(falls) if falls else "none") + ";")
    parts.append("no clear change: " + (", ".join(flat) if flat else "none") + ".")
    parts.append(_validation_caveat(validation, "frames"))
    return " ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------
# Topics (research question 2), voices and facts (research question 4), validation
# --------------------------------------------------------------------------------------------

def describe_topics(topic_table: pd.DataFrame, min_stability: float = 0.5) -> str:
    """The most prevalent themes, naming only topics that came back across seeds.

    Parameters
    ----------
    topic_table : DataFrame
        ``topic, label, top_terms, npmi, prevalence`` and, when known, ``stability``.
    min_stability : float
        Topics below it are called tentative and not named as findings.

    Returns
    -------
    str
    """
    if topic_table is None or len(topic_table) == 0:
        return "The corpus is too small for a topic model, so no themes are reported."
    t = topic_table.sort_values(["prevalence", "topic"], ascending=[False, True])
    stable = t[t["stability"] >= min_stability] if "stability" in t else t
    text = [f"The topic model has {len(t)} topics; prevalence is a topic's mean share of a document."]
    if len(stable):
        first = stable.iloc[0]
        text.append(f"The most prevalent stable topic, '{first['label']}', takes {first['prevalence']:.0%} of a "
                    f"document on average (NPMI {first['npmi']:.2f}"
                    + (f", stability {first['stability']:.2f}" if "stability" in t else "") + ").")
    tentative = t[t["stability"] < min_stability] if "stability" in t else t.iloc[0:0]
    if len(tentative):
        verb = "has" if len(tentative) == 1 else "have"
        text.append(f"{len(tentative)} of {len(t)} topics {verb} a stability (the mean Jaccard similarity of its top "
                    f"terms with the matched topic of runs on other seeds) below {min_stability:.2f} and "
                    f"{'is' if len(tentative) == 1 else 'are'} tentative: "
                    + ", ".join(f"'{r.label}'" for r in tentative.itertuples()) + ".")
    return " ".join(text)


def describe_voices(voices: pd.DataFrame, documents: pd.DataFrame, validation: pd.DataFrame | None = None) -> str:
    """Whose voices are quoted: statements by speaker country and the most quoted speakers.

    Parameters
    ----------
    voices : DataFrame
        :func:`sinojp.measures.extract_voices` output.
    documents : DataFrame
        The documents (for the count of documents).
    validation : DataFrame, optional
        The held-out validation summary.

    Returns
    -------
    str
    """
    if len(voices) == 0:
        return "No quotations or attributed statements were found."
    n_docs = voices["doc_id"].nunique()
    country = voices["country"].fillna("").replace("", "unknown")
    by_country = country.value_counts()
    named = voices[~voices["speaker"].isin(["unnamed", ""])]
    speakers_by_country = named.assign(country=country[named.index]).groupby("country")["speaker"].nunique()
    share = ", ".join(f"{c} {v} ({int(speakers_by_country.get(c, 0))} named speakers)" for c, v in by_country.items())
    speakers = named.groupby("speaker")["doc_id"].agg(["size", "nunique"]).sort_values(
        ["size", "nunique"], ascending=False).head(3)
    text = (f"{len(voices)} quoted or attributed statements appear in {n_docs} of {_n(len(documents))}; statements "
            f"by the speaker's country: {share}.")
    if len(speakers):
        text += " The most quoted: " + ", ".join(f"{s} ({int(r['size'])} statements in {_n(int(r['nunique']))})"
                                                  for s, r in speakers.iterrows()) + "."
    if validation is not None and len(validation):
        v = validation[validation["area"] == "voices"].set_index("measure")
        if len(v):
            text += (f" On held-out sites the extractor finds {v.loc['extraction recall', 'value']:.0%} of the coded "
                     f"statements and names the right speaker for {v.loc['speaker accuracy', 'value']:.0%} of those "
                     "it finds, so these counts are lower bounds and speaker counts approximate.")
    return text


def describe_facts(comparison: pd.DataFrame) -> str:
    """Where articles state the same fact with different values.

    Parameters
    ----------
    comparison : DataFrame
        :func:`sinojp.measures.compare_facts` output (``status, kind, keywords, values``).

    Returns
    -------
    str
    """
    if comparison is None or len(comparison) == 0:
        return "No fact is stated by more than one article, so none can be compared."
    differ = comparison[comparison["status"] == "differ"]
    agree = comparison[comparison["status"] == "agree"]
    text = (f"{len(comparison)} facts are stated by more than one article: {len(agree)} agree and "
            f"{len(differ)} differ.")
    for _, row in differ.head(3).iterrows():
        text += f" On a {row['kind']} fact ({row['keywords']}), the articles give {row['values'].replace('|', ' vs ')}."
    return text


def describe_validation(validation: pd.DataFrame) -> str:
    """How far each measure can be trusted: its held-out figures against the goals set for it.

    Parameters
    ----------
    validation : DataFrame
        :func:`sinojp.pipeline.summarise_validation` output (the shipped table:
        ``sinojp.pipeline.load_validation()``).

    Returns
    -------
    str
    """
    if validation is None or not len(validation):
        return "No validation figures are available."
    rows = validation[validation["met"].isin(["yes", "no"])]
    met, missed = rows[rows["met"] == "yes"], rows[rows["met"] == "no"]
    parts = [f"On the held-out sites of the development corpus, {len(met)} of {len(rows)} measures with a goal "
             "reach it."]
    if len(missed):
        parts.append("Missed: " + "; ".join(
            f"{r.area} {r.measure} {r.value:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}] against {r.goal:.2f} (n={int(r.n)})"
            for r in missed.itertuples()) + ".")
    if len(met):
        parts.append("Reached: " + "; ".join(f"{r.area} {r.measure} {r.value:.2f} (n={int(r.n)})"
                                             for r in met.itertuples()) + ".")
    parts.append("With 20 held-out documents one document moves an accuracy by 0.05, so the intervals are wide.")
    return " ".join(parts)


def describe_prevalence(documents: pd.DataFrame, topic_table: pd.DataFrame, doc_topics: pd.DataFrame,
                        min_stability: float = 0.5) -> str:
    """Research question 2: which stable topics differ in prevalence by outlet origin and period.

    Each stable topic's share of a document is modelled with a fractional logit on origin and period
    (:func:`sinojp.compare.estimate_effects`, errors clustered by outlet); only differences whose
    interval excludes zero are named.

    Parameters
    ----------
    documents : DataFrame
        ``doc_id, outlet, outlet_origin, period``.
    topic_table : DataFrame
        The model's topics (``topic, label, stability``).
    doc_topics : DataFrame
        ``doc_id`` and one ``topic_<n>`` share column per topic.
    min_stability : float
        Topics below it are left out (tentative).

    Returns
    -------
    str
    """
    corpus = tabulate_corpus(documents)
    factors = tuple(f for f in ("outlet_origin", "period") if len(comparable_levels(corpus, f)) >= 2)
    if topic_table is None or not len(topic_table):
        return "No topic model, so no prevalence differences."
    if not factors:
        return (f"Too few independent sources per group (fewer than {MIN_GROUP}) to compare topic prevalence by outlet "
                "origin or period in this corpus.")
    data = documents[["doc_id", "outlet", "outlet_origin", "period"]].merge(doc_topics, on="doc_id", how="inner")
    for f in factors:
        data = data[data[f].isin(comparable_levels(corpus, f))]
    stable = topic_table[topic_table["stability"] >= min_stability] if "stability" in topic_table else topic_table
    found = []
    for row in stable.itertuples():
        col = f"topic_{row.topic}"
        if col not in data:
            continue
        contrasts, means = estimate_effects(data, col, factors, share=True,
                                            references={"period": "thaw"} if "thaw" in set(data["period"]) else None)
        clear = contrasts[(contrasts["ci_low"] > 0) | (contrasts["ci_high"] < 0)]
        for c in clear.itertuples():
            m = means[(means["factor"] == c.factor)].set_index("level")
            high, low = (c.level, c.reference) if c.estimate > 0 else (c.reference, c.level)
            found.append(f"'{row.label}' is more prevalent in {high} than in {low} coverage "
                         f"({m.loc[high, 'estimate']:.0%} against {m.loc[low, 'estimate']:.0%} of a document)")
    if not found:
        return (f"No stable topic's prevalence differs clearly (95% interval excluding zero) by "
                f"{' or '.join(f.replace('_', ' ') for f in factors)}.")
    return "Clear differences in prevalence (fractional logit, errors clustered by outlet): " + "; ".join(found) + "."


def describe_research_questions(documents: pd.DataFrame, sentences: pd.DataFrame, topic_table: pd.DataFrame | None,
                                doc_topics: pd.DataFrame | None, voices: pd.DataFrame,
                                fact_comparison: pd.DataFrame | None,
                                validation: pd.DataFrame | None = None) -> dict[str, str]:
    """One findings paragraph per research question, each generated from the run's tables.

    Parameters
    ----------
    documents, sentences : DataFrame
        The run's documents (stance, frame shares, metadata) and sentences (``frame``).
    topic_table, doc_topics : DataFrame or None
        The topic model's topics (with ``stability``) and per-document shares.
    voices : DataFrame
        :func:`sinojp.measures.extract_voices` output.
    fact_comparison : DataFrame or None
        :func:`sinojp.measures.compare_facts` output.
    validation : DataFrame, optional
        The held-out validation summary (:func:`sinojp.pipeline.load_validation`).

    Returns
    -------
    dict
        ``corpus``, ``RQ1 stance``, ``RQ2 topics``, ``RQ3 framing``, ``RQ4 sources and facts``.
    """
    rq2 = describe_topics(topic_table) if topic_table is not None else "No topic model was fitted."
    if topic_table is not None and doc_topics is not None:
        rq2 += " " + describe_prevalence(documents, topic_table, doc_topics)
    return {
        "corpus": describe_corpus(documents),
        "RQ1 stance": describe_stance(documents, "relations_stance", validation) + " "
                      + describe_stance(documents, "us_stance", validation),
        "RQ2 topics": rq2,
        "RQ3 framing": describe_frames(documents, sentences, validation) + " "
                       + describe_framing_shift(documents),
        "RQ4 sources and facts": describe_voices(voices, documents, validation) + " " + describe_facts(fact_comparison),
    }


def estimate_group_effects(documents: pd.DataFrame, outcomes: list[str],
                           share: bool | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The group estimates the findings quote: every outcome on origin and period, comparable groups only.

    Groups with fewer than :data:`MIN_GROUP` independent sources (and unknown values) are left out,
    as in :func:`describe_stance`; the thaw is the reference period when present.

    Parameters
    ----------
    documents : DataFrame
        One row per document with the outcome columns, ``outlet_origin``, ``period``, ``outlet``.
    outcomes : list of str
        Columns to model (stance scores, frame shares, topic shares).
    share : bool, optional
        Passed to :func:`sinojp.compare.estimate_effects` (default: decided per outcome).

    Returns
    -------
    (contrasts, means) : DataFrame, DataFrame
        Stacked over outcomes; empty when no factor has two comparable groups.
    """
    corpus = tabulate_corpus(documents)
    factors = tuple(f for f in ("outlet_origin", "period") if len(comparable_levels(corpus, f)) >= 2)
    if not factors:
        return estimate_effects(documents.iloc[0:0], outcomes[0] if outcomes else "", ())
    data = documents
    for f in factors:
        data = data[data[f].isin(comparable_levels(corpus, f))]
    refs = {"period": "thaw"} if "thaw" in set(data.get("period", [])) else None
    pairs = [estimate_effects(data, o, factors, share=share, references=refs) for o in outcomes if o in data]
    contrasts = [c for c, _ in pairs if len(c)]
    means = [m for _, m in pairs if len(m)]
    return (pd.concat(contrasts, ignore_index=True) if contrasts else pairs[0][0] if pairs else pd.DataFrame(),
            pd.concat(means, ignore_index=True) if means else pairs[0][1] if pairs else pd.DataFrame())
