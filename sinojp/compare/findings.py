"""Findings in words: every sentence that states a number or a direction is generated from data.

Each ``describe_*`` function takes the tables of a run and returns a short paragraph, so a
findings notebook stays true when it is rerun on an updated corpus. Groups with fewer than
``MIN_GROUP`` documents are reported with a warning rather than as a result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_GROUP = 3


def _fmt(x: float) -> str:
    return f"{x:+.2f}"


def _n_docs(n: int) -> str:
    return f"{n} document{'s' if n != 1 else ''}"


def _caution(n: int) -> str:
    return "" if n >= MIN_GROUP else f"; only {_n_docs(n)}, so an illustration rather than a result"


def _group(table: pd.DataFrame, name: str, column: str) -> str:
    n = int(table.loc[name, "n_docs"])
    return f"({_fmt(table.loc[name, column])}, {_n_docs(n)}{_caution(n)})"


def tabulate_stance(documents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean document stance per group: ``n_docs, relations_stance, us_stance`` (3 decimals)."""
    docs = documents.assign(**{by: documents[by].fillna("").astype(str).replace("", "unknown")})
    table = docs.groupby(by, sort=True).agg(n_docs=("doc_id", "size"), relations_stance=("relations_stance", "mean"),
                                             us_stance=("us_stance", "mean"))
    return table.round(3)


def describe_stance(documents: pd.DataFrame, by: str = "outlet_origin") -> str:
    """How each group portrays relations and the US role, from document means."""
    table = tabulate_stance(documents, by)
    n = len(documents)
    overall_rel, overall_us = documents["relations_stance"].mean(), documents["us_stance"].mean()
    direction = "improving or cooperative" if overall_rel > 0.1 else "deteriorating or conflictual" \
        if overall_rel < -0.1 else "mixed or neutral"
    text = [f"Across {_n_docs(n)}, the mean relations stance is {_fmt(overall_rel)}: on balance the coverage "
            f"portrays China-Japan relations as {direction}. The mean US stance is {_fmt(overall_us)} "
            f"({'critical of' if overall_us < -0.1 else 'favourable to' if overall_us > 0.1 else 'neutral on'} "
            "the role of the United States)."]
    if len(table) > 1:
        hi, lo = table["relations_stance"].idxmax(), table["relations_stance"].idxmin()
        text.append(f"By {by.replace('_', ' ')}, {hi} coverage is the most positive about relations "
                    f"{_group(table, hi, 'relations_stance')} and {lo} the least {_group(table, lo, 'relations_stance')}.")
        us_lo = table["us_stance"].idxmin()
        if table.loc[us_lo, "us_stance"] < -0.1:
            text.append(f"The most critical portrayal of the US comes from {us_lo} coverage "
                        f"{_group(table, us_lo, 'us_stance')}.")
        else:
            text.append("No group portrays the role of the US critically on balance (every group's mean is above -0.10).")
    else:
        text.append(f"All documents share one {by.replace('_', ' ')} ({table.index[0]}), so no comparison between "
                    "groups is possible on this corpus.")
    return " ".join(text)


def describe_periods(documents: pd.DataFrame) -> str:
    """The thaw-versus-crisis comparison of relations stance, when both periods are present."""
    docs = documents[documents["period"].isin(["thaw", "middle", "crisis"])]
    counts = docs["period"].value_counts()
    if len(docs) == 0:
        return "No document has a known period, so stance cannot be compared over time."
    parts = [f"{p}: {_n_docs(int(counts.get(p, 0)))}, mean relations stance "
             f"{_fmt(docs.loc[docs['period'] == p, 'relations_stance'].mean())}"
             for p in ("thaw", "middle", "crisis") if counts.get(p, 0)]
    text = "By period - " + "; ".join(parts) + "."
    if counts.get("thaw", 0) and counts.get("crisis", 0):
        diff = (docs.loc[docs["period"] == "thaw", "relations_stance"].mean()
                - docs.loc[docs["period"] == "crisis", "relations_stance"].mean())
        verdict = "as the known-groups check expects" if diff > 0 else "against the known-groups expectation"
        text += (f" Thaw-period coverage scores {abs(diff):.2f} {'higher' if diff > 0 else 'lower'} than crisis-period "
                 f"coverage, {verdict}{_caution(int(min(counts['thaw'], counts['crisis'])))}.")
    else:
        text += " Only one of the thaw and crisis periods is present, so the shift between them cannot be measured here."
    return text


def describe_topics(topic_table: pd.DataFrame, top_topics: pd.Series | None = None) -> str:
    """The dominant themes by prevalence, with their coherence."""
    if topic_table is None or len(topic_table) == 0:
        return "The corpus is too small for a topic model, so no themes are reported."
    t = topic_table.sort_values(["prevalence", "topic"], ascending=[False, True])
    first = t.iloc[0]
    text = (f"The topic model finds {len(t)} themes. The most prevalent, '{first['label']}' "
            f"({first['prevalence']:.0%} of the modelled text, NPMI coherence {first['npmi']:.2f}), is built on the terms "
            f"{', '.join(str(first['top_terms']).split()[:5])}.")
    if len(t) > 1:
        second = t.iloc[1]
        text += f" Next comes '{second['label']}' ({second['prevalence']:.0%})."
    weak = t[t["npmi"] < 0.05]
    if len(weak):
        text += f" {len(weak)} topic(s) have NPMI below 0.05 and should be read with care."
    return text


def frames_by_group(documents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean frame shares per group (``frame_<name>`` columns) with ``n_docs``."""
    cols = sorted(c for c in documents.columns if c.startswith("frame_"))
    docs = documents.assign(**{by: documents[by].fillna("").astype(str).replace("", "unknown")})
    out = docs.groupby(by, sort=True)[cols].mean().round(3)
    out["n_docs"] = docs.groupby(by, sort=True).size()
    return out


def describe_frames(documents: pd.DataFrame) -> str:
    """Which primary frames dominate, and how frame shares differ between periods."""
    counts = documents["primary_frame"].value_counts()
    top = counts.index[0]
    text = (f"The most common primary frame is {top} ({counts.iloc[0]} of {_n_docs(len(documents))}); "
            + ", ".join(f"{f}: {c}" for f, c in counts.iloc[1:].items()) + ".") if len(counts) > 1 else \
        f"Every document has the primary frame {top}."
    cols = sorted(c for c in documents.columns if c.startswith("frame_"))
    shares = documents[cols].mean().sort_values(ascending=False)
    text += (f" Over all sentences, {shares.index[0][6:]} takes the largest share of frame vocabulary "
             f"({shares.iloc[0]:.0%}), then {shares.index[1][6:]} ({shares.iloc[1]:.0%}).")
    periods = [p for p in ("thaw", "crisis") if (documents["period"] == p).any()]
    if len(periods) == 2:
        by = frames_by_group(documents, "period")
        delta = (by.loc["crisis", cols] - by.loc["thaw", cols]).astype(float)
        up, down = delta.idxmax(), delta.idxmin()
        text += (f" From thaw to crisis, {up[6:]} gains the most ({delta[up]:+.0%} of frame share) and "
                 f"{down[6:]} loses the most ({delta[down]:+.0%}"
                 f"{_caution(int(min(by.loc['thaw', 'n_docs'], by.loc['crisis', 'n_docs'])))}).")
    return text


def describe_voices(voices: pd.DataFrame, documents: pd.DataFrame) -> str:
    """Whose voices are quoted: counts by speaker country and the most quoted speakers."""
    if len(voices) == 0:
        return "No quotations or attributed statements were found."
    n_docs = voices["doc_id"].nunique()
    by_country = voices["country"].fillna("").replace("", "unknown").value_counts()
    share = ", ".join(f"{c} {v}" for c, v in by_country.items())
    speakers = voices["speaker"].fillna("").replace("", np.nan).dropna().value_counts().head(3)
    text = (f"{len(voices)} quoted or attributed statements appear in {_n_docs(n_docs)} "
            f"of {len(documents)}. By the speaker's country: {share}.")
    if len(speakers):
        text += " The most quoted: " + ", ".join(f"{s} ({v})" for s, v in speakers.items()) + "."
    return text


def describe_facts(comparison: pd.DataFrame) -> str:
    """Where articles state the same fact with different values."""
    if comparison is None or len(comparison) == 0:
        return "No fact is stated by more than one article, so none can be compared."
    differ = comparison[comparison["status"] == "differ"]
    agree = comparison[comparison["status"] == "agree"]
    text = (f"{len(comparison)} facts are stated by more than one article: {len(agree)} agree and "
            f"{len(differ)} differ.")
    for _, row in differ.head(3).iterrows():
        text += f" On a {row['kind']} fact ({row['keywords']}), the articles give {row['values'].replace('|', ' vs ')}."
    return text


def describe_validation(stance_validation: pd.DataFrame | None, frame_validation: pd.DataFrame | None,
                        cleaning: pd.DataFrame | None, default_stance: str, default_frames: str) -> str:
    """How far each measure can be trusted, from the validation on the labelled sample."""
    parts = []
    if cleaning is not None and len(cleaning):
        c = dict(zip(cleaning["measure"], cleaning["value"]))
        parts.append(f"Cleaning reaches boilerplate F1 {c.get('boilerplate_f1', float('nan')):.2f} and body-line recall "
                     f"{c.get('body_line_recall', float('nan')):.2f} on the labelled sample.")
    if stance_validation is not None and len(stance_validation):
        v = stance_validation
        for target in ("relations", "us"):
            row = v[(v["method"] == default_stance) & (v["target"] == target)]
            base = v[(v["method"] == "vader") & (v["target"] == target)]
            if len(row):
                r = row.iloc[0]
                parts.append(f"The default stance method ({default_stance}) agrees with hand coding on {target} stance "
                             f"with accuracy {r['accuracy']:.2f} and ordinal alpha {r['alpha_ordinal']:.2f} "
                             f"(n={int(r['n'])})" + (f", against VADER's accuracy {base.iloc[0]['accuracy']:.2f}"
                                                     if len(base) else "") + ".")
    if frame_validation is not None and len(frame_validation):
        row = frame_validation[frame_validation["method"] == default_frames]
        if len(row):
            r = row.iloc[0]
            acc = r.get("primary_accuracy", r.get("accuracy", float("nan")))
            parts.append(f"The default frame method ({default_frames}) finds the primary frame with accuracy "
                         f"{float(acc):.2f}.")
    n = None
    if stance_validation is not None and len(stance_validation):
        n = int(stance_validation["n"].max())
    if n is not None and n < 30:
        parts.append(f"With only {n} labelled documents, one document moves accuracy by {1 / n:.0%}: these figures "
                     "show the methods work as intended, not how precisely they work.")
    return " ".join(parts) if parts else "No validation data are available here."
